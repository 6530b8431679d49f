{%- set sources = var('deal_sources') -%}
{%- set pipelines = var('hubspot_deal_pipelines') -%}
{%- set mirror_property = var('hubspot_deal_mirror_property') -%}

-- Opportunities and HubSpot deals in scope, with outcome (won / lost / open) and local close date.
with salesforce_deals as (
    select
        'salesforce' as source_system,
        opportunity_id as deal_id,
        cast(null as varchar) as pipeline_id,
        created_at,
        case when is_won then 'won' when is_closed then 'lost' end as outcome,
        close_date as closed_on,
        coalesce(amount, 0)::decimal(38, 2) as amount,
        lead_source as channel
    from {{ ref('stg_salesforce__opportunities') }}
    where not is_deleted
),

hubspot_deals as (
    select
        'hubspot' as source_system,
        deals.deal_id,
        deals.pipeline_id,
        deals.created_at,
        -- Won / lost is what the deal's stage means in its pipeline, not the stage's name.
        case
            when stages.is_closed and stages.probability = 1.0 then 'won'
            when stages.is_closed and stages.probability = 0.0 then 'lost'
        end as outcome,
        {{ to_local('deals.closed_at') }}::date as closed_on,
        coalesce(deals.amount, 0)::decimal(38, 2) as amount,
        deals.analytics_source as channel
    from {{ ref('stg_hubspot__deals') }} as deals
    left join {{ ref('stg_hubspot__deal_pipeline_stages') }} as stages
        on deals.pipeline_id = stages.pipeline_id and deals.deal_stage_id = stages.stage_id
    where not deals.is_archived
    {%- if pipelines is not none %}
        and list_contains({{ string_list(pipelines) }}, deals.pipeline_id)
    {%- endif %}
    {#- A mirror is dropped only because its Salesforce opportunity counts instead. #}
    {%- if mirror_property and 'salesforce' in sources %}
        and nullif(deals.properties ->> '{{ mirror_property }}', '') is null
    {%- endif %}
),

deals as (
    {%- if 'salesforce' in sources %}
    select * from salesforce_deals
    {%- endif %}
    {%- if sources | length == 2 %}
    union all
    {%- endif %}
    {%- if 'hubspot' in sources %}
    select * from hubspot_deals
    {%- endif %}
)

select
    source_system || ':' || deal_id as deal_key,
    *
from deals
