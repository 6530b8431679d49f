-- Every person record of both systems with its own stage entries and normalized email.
select
    'hubspot' as source_system,
    contact_id as record_id,
    {{ normalized_email('email') }} as normalized_email,
    analytics_source as channel,
    lead_at,
    mql_at,
    sql_at
from {{ ref('int_hubspot__contact_stage_entries') }}

union all

select
    'salesforce' as source_system,
    lead_id as record_id,
    {{ normalized_email('email') }} as normalized_email,
    lead_source as channel,
    lead_at,
    mql_at,
    sql_at
from {{ ref('int_salesforce__lead_stage_entries') }}
