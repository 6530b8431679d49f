-- Every person record of both systems with its own stage entries and normalized email.
with hubspot_contact_stage_entries as (
    select * from {{ ref('int_hubspot__contact_stage_entries') }}
),

salesforce_lead_stage_entries as (
    select * from {{ ref('int_salesforce__lead_stage_entries') }}
),

hubspot_records as (
    select
        'hubspot' as source_system,
        contact_id as record_id,
        {{ normalized_email('email') }} as normalized_email,
        analytics_source as channel,
        lead_at,
        mql_at,
        sql_at
    from hubspot_contact_stage_entries
),

salesforce_records as (
    select
        'salesforce' as source_system,
        lead_id as record_id,
        {{ normalized_email('email') }} as normalized_email,
        lead_source as channel,
        lead_at,
        mql_at,
        sql_at
    from salesforce_lead_stage_entries
),

final as (
    select * from hubspot_records
    union all by name
    select * from salesforce_records
)

select * from final
