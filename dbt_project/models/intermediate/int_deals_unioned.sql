{%- set sources = var('deal_sources') -%}
{%- set pipelines = var('hubspot_deal_pipelines') -%}
{%- set mirror_property = var('hubspot_deal_mirror_property') -%}

-- Opportunities and HubSpot deals in scope, with outcome (won / lost / open) and local close date.
with opportunities as (
    select * from {{ ref('stg_salesforce__opportunities') }}
),

hubspot_deals as (
    select * from {{ ref('stg_hubspot__deals') }}
),

hubspot_deal_pipeline_stages as (
    select * from {{ ref('stg_hubspot__deal_pipeline_stages') }}
),

salesforce_deals_in_scope as (
    select
        'salesforce' as source_system,
        opportunity_id as deal_id,
        cast(null as varchar) as pipeline_id,
        created_at,
        case when is_won then 'won' when is_closed then 'lost' end as outcome,
        close_date as closed_on,
        coalesce(amount, 0) as amount,
        lead_source as channel
    from opportunities
    where not is_deleted
),

hubspot_deals_in_scope as (
    select
        'hubspot' as source_system,
        hubspot_deals.deal_id,
        hubspot_deals.pipeline_id,
        hubspot_deals.created_at,
        -- Won / lost is what the deal's stage means in its pipeline, not the stage's name.
        case
            when stages.is_closed and stages.probability = 1.0 then 'won'
            when stages.is_closed and stages.probability = 0.0 then 'lost'
        end as outcome,
        {{ to_local('hubspot_deals.closed_at') }}::date as closed_on,
        coalesce(hubspot_deals.amount, 0) as amount,
        hubspot_deals.analytics_source as channel
    from hubspot_deals
    left join hubspot_deal_pipeline_stages as stages
        on hubspot_deals.pipeline_id = stages.pipeline_id and hubspot_deals.deal_stage_id = stages.stage_id
    where not hubspot_deals.is_archived and not hubspot_deals.is_deleted
    {%- if pipelines is not none %}
        and list_contains({{ string_list(pipelines) }}, hubspot_deals.pipeline_id)
    {%- endif %}
    {#- A mirror is dropped only because its Salesforce opportunity counts instead. #}
    {%- if mirror_property and 'salesforce' in sources %}
        and nullif(hubspot_deals.properties ->> '{{ mirror_property }}', '') is null
    {%- endif %}
),

deals_in_scope as (
    {%- if 'salesforce' in sources %}
    select * from salesforce_deals_in_scope
    {%- endif %}
    {%- if sources | length == 2 %}
    union all by name
    {%- endif %}
    {%- if 'hubspot' in sources %}
    select * from hubspot_deals_in_scope
    {%- endif %}
),

final as (
    select
        source_system || ':' || deal_id as deal_key,
        source_system,
        deal_id,
        pipeline_id,
        created_at,
        outcome,
        closed_on,
        amount,
        channel
    from deals_in_scope
)

select * from final
