with source_origins as (
    select * from {{ source('raw_meta', 'source_origins') }}
),

final as (
    select
        source as source_system,
        origin,
        record_url_base,
        first_synced_at
    from source_origins
)

select * from final
