-- Every synced person and deal record, in scope or not, with what the week-close ledger explains a restated
-- number by: gone (archived, deleted, purged), merged into another contact, last modified, its person now.
with hubspot_contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
),

salesforce_leads as (
    select * from {{ ref('stg_salesforce__leads') }}
),

salesforce_contacts as (
    select * from {{ ref('stg_salesforce__contacts') }}
),

hubspot_deals as (
    select * from {{ ref('stg_hubspot__deals') }}
),

opportunities as (
    select * from {{ ref('stg_salesforce__opportunities') }}
),

record_persons as (
    select * from {{ ref('int_records_joined_to_persons') }}
),

deals_in_scope as (
    select * from {{ ref('int_deals_unioned') }}
),

records as (
    select
        'hubspot' as source_system, 'contact' as record_type, contact_id as record_id,
        is_archived or is_deleted as is_gone, 'hubspot:' || merged_into_contact_id as merged_into_key,
        last_modified_at
    from hubspot_contacts
    union all
    select 'salesforce', 'lead', lead_id, is_deleted, null, last_modified_at from salesforce_leads
    union all
    select 'salesforce', 'contact', contact_id, is_deleted, null, last_modified_at from salesforce_contacts
    union all
    select 'hubspot', 'deal', deal_id, is_archived or is_deleted, null, last_modified_at from hubspot_deals
    union all
    select 'salesforce', 'opportunity', opportunity_id, is_deleted, null, last_modified_at from opportunities
),

final as (
    select
        records.source_system || ':' || records.record_id as record_key,
        records.source_system,
        records.record_type,
        records.record_id,
        records.is_gone,
        records.merged_into_key,
        records.last_modified_at,
        record_persons.person_id,
        deals_in_scope.deal_key is not null as is_counted_deal
    from records
    left join record_persons
        on records.record_type in ('contact', 'lead')
        and record_persons.source_system = records.source_system
        and record_persons.record_type = records.record_type
        and record_persons.record_id = records.record_id
    left join deals_in_scope
        on records.record_type in ('deal', 'opportunity')
        and deals_in_scope.deal_key = records.source_system || ':' || records.record_id
)

select * from final
