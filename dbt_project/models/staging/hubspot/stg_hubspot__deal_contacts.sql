-- Bridge: one row per deal-to-contact association (payload associations.contacts.results[*]), archived deals included.
with deals as (
    select * from {{ source('hubspot', 'deals') }}
),

final as (
    select
        deals.id as deal_id,
        associations.value ->> 'id' as contact_id,
        associations.value ->> 'type' as association_type
    from deals,
        json_each(deals.payload, '$.associations.contacts.results') as associations
)

select * from final
