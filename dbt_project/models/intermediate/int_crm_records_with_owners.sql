-- Every record an event can name (HubSpot contacts and deals, Salesforce leads and opportunities, archived and
-- deleted ones included, as events may name them) with its owner's name and the link that opens it.
with hubspot_contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
),

hubspot_deals as (
    select * from {{ ref('stg_hubspot__deals') }}
),

hubspot_owners as (
    select * from {{ ref('stg_hubspot__owners') }}
),

salesforce_leads as (
    select * from {{ ref('stg_salesforce__leads') }}
),

salesforce_opportunities as (
    select * from {{ ref('stg_salesforce__opportunities') }}
),

salesforce_users as (
    select * from {{ ref('stg_salesforce__users') }}
),

source_origins as (
    select * from {{ ref('stg_raw_meta__source_origins') }}
),

-- url_path: HubSpot pages records by object type id (0-1 contacts, 0-3 deals); Salesforce opens any record
-- at /<Id> and redirects it to Lightning.
records as (
    select 'hubspot' as source_system, 'contact' as record_type, 'person' as record_kind,
        contact_id as record_id, owner_id, '/record/0-1/' as url_path
    from hubspot_contacts
    union all by name
    select 'hubspot' as source_system, 'deal' as record_type, 'deal' as record_kind,
        deal_id as record_id, owner_id, '/record/0-3/' as url_path
    from hubspot_deals
    union all by name
    select 'salesforce' as source_system, 'lead' as record_type, 'person' as record_kind,
        lead_id as record_id, owner_id, '/' as url_path
    from salesforce_leads
    union all by name
    select 'salesforce' as source_system, 'opportunity' as record_type, 'deal' as record_kind,
        opportunity_id as record_id, owner_id, '/' as url_path
    from salesforce_opportunities
),

-- HubSpot names an owner by first and last name, one without a name by its email; Salesforce by the User's Name.
owner_names as (
    select
        'hubspot' as source_system,
        owner_id,
        -- Family name first for Japanese (CJK) names, as Salesforce's Name shows the same person.
        coalesce(
            nullif(trim(
                case
                    when regexp_matches(coalesce(last_name, ''), '[\p{Han}\p{Hiragana}\p{Katakana}]')
                        then concat_ws(' ', last_name, first_name)
                    else concat_ws(' ', first_name, last_name)
                end
            ), ''),
            nullif(trim(email), '')
        ) as owner_name
    from hubspot_owners
    union all by name
    select
        'salesforce' as source_system,
        user_id as owner_id,
        nullif(trim(user_name), '') as owner_name
    from salesforce_users
),

final as (
    select
        records.source_system,
        records.record_type,
        records.record_kind,
        records.record_id,
        records.owner_id,
        owner_names.owner_name,
        source_origins.record_url_base || records.url_path || records.record_id as record_url
    from records
    left join owner_names
        on owner_names.source_system = records.source_system and owner_names.owner_id = records.owner_id
    left join source_origins
        on source_origins.source_system = records.source_system
)

select * from final
