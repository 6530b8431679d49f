-- Every person record in scope, with what ties it to other records: its normalized email and the record ids it
-- names. HubSpot contacts (merged-away members included) and Salesforce leads carry stage entries; Salesforce
-- contacts only tie people together and to opportunities.
with hubspot_contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
),

hubspot_survivors as (
    select * from {{ ref('int_hubspot__contact_survivors') }}
),

salesforce_leads as (
    select * from {{ ref('stg_salesforce__leads') }}
),

salesforce_contacts as (
    select * from {{ ref('stg_salesforce__contacts') }}
),

hubspot_records as (
    select
        'hubspot' as source_system,
        'contact' as record_type,
        hubspot_contacts.contact_id as record_id,
        {{ normalized_email('hubspot_contacts.email') }} as normalized_email,
        -- The Salesforce integration's links name the lead / contact this contact mirrors.
        list_filter(
            [
                'hubspot:' || hubspot_survivors.survivor_contact_id,
                'salesforce:' || nullif(hubspot_contacts.salesforce_lead_id, ''),
                'salesforce:' || nullif(hubspot_contacts.salesforce_contact_id, '')
            ],
            linked -> linked is not null
        ) as linked_record_keys
    from hubspot_contacts
    inner join hubspot_survivors using (contact_id)
    where hubspot_survivors.is_in_scope
),

salesforce_lead_records as (
    select
        'salesforce' as source_system,
        'lead' as record_type,
        lead_id as record_id,
        {{ normalized_email('email') }} as normalized_email,
        list_filter(['salesforce:' || nullif(converted_contact_id, '')], linked -> linked is not null)
            as linked_record_keys
    from salesforce_leads
    where not is_deleted
),

salesforce_contact_records as (
    select
        'salesforce' as source_system,
        'contact' as record_type,
        contact_id as record_id,
        {{ normalized_email('email') }} as normalized_email,
        cast([] as varchar[]) as linked_record_keys
    from salesforce_contacts
    where not is_deleted
),

final as (
    select * from hubspot_records
    union all by name
    select * from salesforce_lead_records
    union all by name
    select * from salesforce_contact_records
)

select source_system || ':' || record_id as record_key, * from final
