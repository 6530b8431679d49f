{%- set mql_stages = var('hubspot_mql_stages') -%}
{%- set sql_stages = var('hubspot_sql_stages') + var('hubspot_sql_evidence_stages') -%}
{#- The contact properties that may record when a contact entered a stage (three generations of them). -#}
{%- set mql_properties = [] -%}
{%- for stage in mql_stages -%}
    {%- do mql_properties.extend(['hs_v2_date_entered_' ~ stage, 'hs_date_entered_' ~ stage,
                                  'hs_lifecyclestage_' ~ stage ~ '_date']) -%}
{%- endfor -%}
{%- set sql_properties = [] -%}
{%- for stage in sql_stages -%}
    {%- do sql_properties.extend(['hs_v2_date_entered_' ~ stage, 'hs_date_entered_' ~ stage,
                                  'hs_lifecyclestage_' ~ stage ~ '_date']) -%}
{%- endfor -%}

-- Per HubSpot contact in scope (merged-away members included): lead / MQL / SQL entry from the lifecycle-date properties and the lifecycle history.
with contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
),

lifecycle_dates as (
    select * from {{ ref('stg_hubspot__contact_lifecycle_dates') }}
),

lifecycle_history as (
    select * from {{ ref('stg_hubspot__contact_lifecycle_history') }}
),

survivors as (
    select * from {{ ref('int_hubspot__contact_survivors') }}
),

-- Merged-away contacts are in scope as members of their survivor, with their own dates.
contacts_in_scope as (
    select contacts.*
    from contacts
    inner join survivors using (contact_id)
    where survivors.is_in_scope
),

-- The dates as the tested staging model parses them: an unparseable value (entered_at NULL) counts as absent.
property_entries as (
    select
        contact_id,
        min(entered_at) filter (where list_contains({{ string_list(mql_properties) }}, property)) as mql_at,
        min(entered_at) filter (where list_contains({{ string_list(sql_properties) }}, property)) as sql_at
    from lifecycle_dates
    group by contact_id
),

history_entries as (
    select
        contact_id,
        min(changed_at) filter (where list_contains({{ string_list(mql_stages) }}, lifecycle_stage)) as mql_at,
        min(changed_at) filter (where list_contains({{ string_list(sql_stages) }}, lifecycle_stage)) as sql_at
    from lifecycle_history
    group by contact_id
),

entries as (
    select
        contacts_in_scope.contact_id,
        contacts_in_scope.email,
        contacts_in_scope.analytics_source,
        contacts_in_scope.created_at,
        least(history_entries.mql_at, property_entries.mql_at) as mql_reported_at,
        least(history_entries.sql_at, property_entries.sql_at) as sql_at
    from contacts_in_scope
    left join history_entries using (contact_id)
    left join property_entries using (contact_id)
),

-- Skipped stages: reaching a later stage means reaching the earlier ones no later than that.
final as (
    select
        contact_id,
        email,
        analytics_source,
        least(created_at, mql_reported_at, sql_at) as lead_at,
        least(mql_reported_at, sql_at) as mql_at,
        sql_at
    from entries
)

select * from final
