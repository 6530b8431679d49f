-- Which persons a deal belongs to: HubSpot deal-to-contact associations, Salesforce converted leads.
with hubspot_links as (
    select
        deal_id,
        unnest(associated_contact_ids) as record_id
    from {{ ref('stg_hubspot__deals') }}
),

links as (
    select distinct
        deals.deal_key,
        identity.person_id
    from {{ ref('int_deals_unified') }} as deals
    inner join hubspot_links on deals.source_system = 'hubspot' and deals.deal_id = hubspot_links.deal_id
    inner join {{ ref('int_person_identity') }} as identity
        on identity.source_system = 'hubspot' and identity.record_id = hubspot_links.record_id

    union

    select
        deals.deal_key,
        identity.person_id
    from {{ ref('int_deals_unified') }} as deals
    inner join {{ ref('stg_salesforce__leads') }} as leads
        on deals.source_system = 'salesforce' and deals.deal_id = leads.converted_opportunity_id
    inner join {{ ref('int_person_identity') }} as identity
        on identity.source_system = 'salesforce' and identity.record_id = leads.lead_id
)

select deal_key, person_id from links
