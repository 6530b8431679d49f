-- Which persons a deal belongs to: HubSpot deal-to-contact associations, Salesforce converted leads.
with deals as (
    select * from {{ ref('int_deals_unioned') }}
),

hubspot_deal_contacts as (
    select * from {{ ref('stg_hubspot__deal_contacts') }}
),

salesforce_leads as (
    select * from {{ ref('stg_salesforce__leads') }}
),

record_persons as (
    select * from {{ ref('int_records_joined_to_persons') }}
),

hubspot_deal_persons as (
    select distinct
        deals.deal_key,
        record_persons.person_id
    from deals
    inner join hubspot_deal_contacts
        on deals.source_system = 'hubspot' and deals.deal_id = hubspot_deal_contacts.deal_id
    inner join record_persons
        on record_persons.source_system = 'hubspot' and record_persons.record_id = hubspot_deal_contacts.contact_id
),

salesforce_deal_persons as (
    select distinct
        deals.deal_key,
        record_persons.person_id
    from deals
    inner join salesforce_leads
        on deals.source_system = 'salesforce' and deals.deal_id = salesforce_leads.converted_opportunity_id
    inner join record_persons
        on record_persons.source_system = 'salesforce' and record_persons.record_id = salesforce_leads.lead_id
),

final as (
    select * from hubspot_deal_persons
    union all by name
    select * from salesforce_deal_persons
)

select * from final
