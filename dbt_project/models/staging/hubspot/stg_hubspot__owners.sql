with owners as (
    select * from {{ source('hubspot', 'owners') }}
),

final as (
    select
        id as owner_id,
        email,
        first_name,
        last_name,
        user_id,
        archived as is_archived,
        _synced_at as synced_at
    from owners
)

select * from final
