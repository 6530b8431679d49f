with contacts as (
    select * from {{ source('hubspot', 'contacts') }}
),

final as (
    select
        id as contact_id,
        email,
        createdate as created_at,
        lastmodifieddate as last_modified_at,
        lifecyclestage as lifecycle_stage,
        hs_lead_status as lead_status,
        hs_analytics_source as analytics_source,
        -- Always requested (connectors/hubspot/properties.py) but not a typed raw column; '' means unassigned.
        nullif(payload -> 'properties' ->> 'hubspot_owner_id', '') as owner_id,
        salesforceleadid as salesforce_lead_id,
        salesforcecontactid as salesforce_contact_id,
        coalesce(merged_object_ids, []) as merged_object_ids,
        merged_into as merged_into_contact_id,
        archived as is_archived,
        archived_at,
        -- Gone without a trace (GDPR / permanent deletion), found by the sweep of live ids.
        deleted_at is not null as is_deleted,
        deleted_at,
        payload -> 'properties' as properties,
        _synced_at as synced_at
    from contacts
)

select * from final
