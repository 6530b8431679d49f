with contact_lifecycle_history as (
    select * from {{ source('hubspot', 'contact_lifecycle_history') }}
),

final as (
    select
        contact_id,
        value as lifecycle_stage,
        changed_at,
        source_type,
        source_id,
        _synced_at as synced_at
    from contact_lifecycle_history
)

select * from final
