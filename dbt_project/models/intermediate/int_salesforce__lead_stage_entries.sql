{%- set mql_statuses = string_list(var('salesforce_mql_statuses')) -%}
{%- set sql_statuses = string_list(var('salesforce_sql_statuses')) -%}

-- Per Salesforce lead in scope: lead / MQL / SQL entry from the Status history, the initial status and conversion.
with leads as (
    select * from {{ ref('stg_salesforce__leads') }}
),

lead_history as (
    select * from {{ ref('stg_salesforce__lead_history') }}
),

leads_in_scope as (
    select * from leads
    where not is_deleted
),

status_changes as (
    select
        lead_id,
        old_value,
        new_value,
        created_at,
        row_number() over (partition by lead_id order by created_at, lead_history_id) as change_number
    from lead_history
    where field_name = 'Status' and not is_deleted
),

history_entries as (
    select
        lead_id,
        any_value(old_value) filter (where change_number = 1) as initial_status,
        min(created_at) filter (where list_contains({{ mql_statuses }}, new_value)) as mql_at,
        min(created_at) filter (where list_contains({{ sql_statuses }}, new_value)) as sql_at
    from status_changes
    group by lead_id
),

entries as (
    select
        leads_in_scope.lead_id,
        leads_in_scope.email,
        leads_in_scope.lead_source,
        leads_in_scope.created_at,
        -- Without any Status change the current Status is the one the lead was created with.
        case when history_entries.lead_id is null then leads_in_scope.status else history_entries.initial_status end
            as initial_status,
        history_entries.mql_at as mql_changed_at,
        history_entries.sql_at as sql_changed_at,
        case when leads_in_scope.is_converted then {{ local_midnight('leads_in_scope.converted_date') }} end
            as converted_at
    from leads_in_scope
    left join history_entries using (lead_id)
),

stage_entries as (
    select
        lead_id,
        email,
        lead_source,
        created_at,
        least(
            case when list_contains({{ mql_statuses }}, initial_status) then created_at end, mql_changed_at
        ) as mql_reported_at,
        least(
            case when list_contains({{ sql_statuses }}, initial_status) then created_at end,
            sql_changed_at,
            converted_at
        ) as sql_at
    from entries
),

-- Skipped stages: reaching a later stage means reaching the earlier ones no later than that.
final as (
    select
        lead_id,
        email,
        lead_source,
        least(created_at, mql_reported_at, sql_at) as lead_at,
        least(mql_reported_at, sql_at) as mql_at,
        sql_at
    from stage_entries
)

select * from final
