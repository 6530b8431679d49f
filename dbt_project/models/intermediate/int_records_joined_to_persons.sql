-- Identity resolution: records sharing a normalized email are one person; a record without one stands alone.
with records as (
    select * from {{ ref('int_stage_entries_unioned') }}
),

final as (
    select
        source_system,
        record_id,
        normalized_email,
        md5(coalesce('email:' || normalized_email, source_system || ':' || record_id)) as person_id
    from records
)

select * from final
