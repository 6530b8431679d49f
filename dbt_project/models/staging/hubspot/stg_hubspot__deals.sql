-- Deal-to-contact associations are in stg_hubspot__deal_contacts.
with deals as (
    select * from {{ source('hubspot', 'deals') }}
),

final as (
    select
        id as deal_id,
        dealname as deal_name,
        amount::decimal(38, 2) as amount,
        dealstage as deal_stage_id,
        pipeline as pipeline_id,
        closedate as closed_at,
        createdate as created_at,
        hs_lastmodifieddate as last_modified_at,
        archived as is_archived,
        archived_at,
        -- Gone without a trace (GDPR / permanent deletion), found by the sweep of live ids.
        deleted_at is not null as is_deleted,
        deleted_at,
        payload -> 'properties' as properties,
        hs_analytics_source as analytics_source,
        -- Always requested (connectors/hubspot/properties.py) but not a typed raw column; '' means unassigned.
        nullif(payload -> 'properties' ->> 'hubspot_owner_id', '') as owner_id,
        _synced_at as synced_at
    from deals
)

select * from final
