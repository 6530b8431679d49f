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
        -- Archived, or gone without a trace (GDPR / permanent deletion, found by a sweep: deleted_at).
        archived or deleted_at is not null as is_archived,
        archived_at,
        deleted_at,
        payload -> 'properties' as properties,
        _synced_at as synced_at
    from contacts
)

select * from final
