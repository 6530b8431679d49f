-- Resolved identity: one row per person with its member records, stage entries and first linked deal.
with record_persons as (
    select * from {{ ref('int_records_joined_to_persons') }}
),

person_stage_entries as (
    select * from {{ ref('int_stage_entries_earliest_per_person') }}
),

deal_persons as (
    select * from {{ ref('int_deals_joined_to_persons') }}
),

deals as (
    select * from {{ ref('int_deals_unioned') }}
),

members as (
    select
        person_id,
        min(normalized_email) as normalized_email,
        coalesce(list(record_id order by record_id) filter (where source_system = 'hubspot'), [])
            as hubspot_contact_ids,
        coalesce(
            list(record_id order by record_id) filter (where source_system = 'salesforce' and record_type = 'lead'),
            []
        ) as salesforce_lead_ids,
        coalesce(
            list(record_id order by record_id) filter (where source_system = 'salesforce' and record_type = 'contact'),
            []
        ) as salesforce_contact_ids
    from record_persons
    group by person_id
),

stages as (
    select
        person_id,
        any_value(entered_at) filter (where stage = 'lead') as lead_at,
        any_value(source_system) filter (where stage = 'lead') as lead_source_system,
        any_value(source_record_id) filter (where stage = 'lead') as lead_source_record_id,
        any_value(entered_at) filter (where stage = 'mql') as mql_at,
        any_value(source_system) filter (where stage = 'mql') as mql_source_system,
        any_value(source_record_id) filter (where stage = 'mql') as mql_source_record_id,
        any_value(entered_at) filter (where stage = 'sql') as sql_at,
        any_value(source_system) filter (where stage = 'sql') as sql_source_system,
        any_value(source_record_id) filter (where stage = 'sql') as sql_source_record_id
    from person_stage_entries
    group by person_id
),

first_opportunities as (
    select deal_persons.person_id, min(deals.created_at) as first_opportunity_at
    from deal_persons
    inner join deals using (deal_key)
    group by deal_persons.person_id
),

final as (
    select
        members.person_id,
        members.normalized_email,
        members.hubspot_contact_ids,
        members.salesforce_lead_ids,
        members.salesforce_contact_ids,
        stages.lead_at,
        stages.lead_source_system,
        stages.lead_source_record_id,
        stages.mql_at,
        stages.mql_source_system,
        stages.mql_source_record_id,
        stages.sql_at,
        stages.sql_source_system,
        stages.sql_source_record_id,
        first_opportunities.first_opportunity_at
    from members
    -- A person known only as Salesforce contacts has no stage entries, yet owns opportunities.
    left join stages using (person_id)
    left join first_opportunities using (person_id)
)

select * from final
