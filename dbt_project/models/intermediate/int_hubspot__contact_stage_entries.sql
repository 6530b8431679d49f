{%- set mql_stages = var('hubspot_mql_stages') -%}
{%- set sql_stages = var('hubspot_sql_stages') + var('hubspot_sql_evidence_stages') -%}

with contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
    where not is_archived
),

history_entries as (
    select
        contact_id,
        min(changed_at) filter (where list_contains({{ string_list(mql_stages) }}, lifecycle_stage)) as mql_at,
        min(changed_at) filter (where list_contains({{ string_list(sql_stages) }}, lifecycle_stage)) as sql_at
    from {{ ref('stg_hubspot__contact_lifecycle_history') }}
    group by contact_id
),

entries as (
    select
        contacts.contact_id,
        contacts.email,
        contacts.analytics_source,
        contacts.created_at,
        least(
            history_entries.mql_at,
            {% for stage in mql_stages %}{{ hubspot_stage_property_dates('contacts.properties', stage) }}{{ "," if not loop.last }}{% endfor %}
        ) as mql_reported_at,
        least(
            history_entries.sql_at,
            {% for stage in sql_stages %}{{ hubspot_stage_property_dates('contacts.properties', stage) }}{{ "," if not loop.last }}{% endfor %}
        ) as sql_at
    from contacts
    left join history_entries using (contact_id)
)

-- Skipped stages: reaching a later stage means reaching the earlier ones no later than that.
select
    contact_id,
    email,
    analytics_source,
    least(created_at, mql_reported_at, sql_at) as lead_at,
    least(mql_reported_at, sql_at) as mql_at,
    sql_at
from entries
