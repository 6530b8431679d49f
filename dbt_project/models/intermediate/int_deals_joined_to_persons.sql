-- Which persons a deal belongs to: HubSpot deal-to-contact associations; for a Salesforce opportunity the lead
-- converted into it and the contacts of its contact roles. link_rank orders a deal's persons: the converted
-- lead's, then the primary contact role's, then the other roles' (HubSpot associations all rank 1).
with deals as (
    select * from {{ ref('int_deals_unioned') }}
),

hubspot_deal_contacts as (
    select * from {{ ref('stg_hubspot__deal_contacts') }}
),

salesforce_leads as (
    select * from {{ ref('stg_salesforce__leads') }}
),

contact_roles as (
    select * from {{ ref('stg_salesforce__opportunity_contact_roles') }}
),

record_persons as (
    select * from {{ ref('int_records_joined_to_persons') }}
),

hubspot_deal_persons as (
    select
        deals.deal_key,
        record_persons.person_id,
        1 as link_rank
    from deals
    inner join hubspot_deal_contacts
        on deals.source_system = 'hubspot' and deals.deal_id = hubspot_deal_contacts.deal_id
    inner join record_persons
        on record_persons.source_system = 'hubspot' and record_persons.record_id = hubspot_deal_contacts.contact_id
),

salesforce_converted_lead_persons as (
    select
        deals.deal_key,
        record_persons.person_id,
        1 as link_rank
    from deals
    inner join salesforce_leads
        on deals.source_system = 'salesforce' and deals.deal_id = salesforce_leads.converted_opportunity_id
    inner join record_persons
        on record_persons.source_system = 'salesforce' and record_persons.record_id = salesforce_leads.lead_id
),

salesforce_contact_role_persons as (
    select
        deals.deal_key,
        record_persons.person_id,
        case when contact_roles.is_primary then 2 else 3 end as link_rank
    from deals
    inner join contact_roles
        on deals.source_system = 'salesforce' and deals.deal_id = contact_roles.opportunity_id
    inner join record_persons
        on record_persons.source_system = 'salesforce' and record_persons.record_id = contact_roles.contact_id
    where not contact_roles.is_deleted
),

links as (
    select * from hubspot_deal_persons
    union all by name
    select * from salesforce_converted_lead_persons
    union all by name
    select * from salesforce_contact_role_persons
),

final as (
    select deal_key, person_id, min(link_rank) as link_rank
    from links
    group by deal_key, person_id
)

select * from final
