-- One row per lifecycle-date property a contact carries (hs_v2_date_entered_<stage>, the older
-- hs_date_entered_<stage> of portals from before the v2 properties, hs_lifecyclestage_<stage>_date) (empty values are absent), cast tolerantly so that
-- one malformed value is reported by a test naming its contact and property instead of aborting the run.
-- int_hubspot__contact_stage_entries takes its property dates from here, so the tested parse is the one counted.
with contacts as (
    select * from {{ source('hubspot', 'contacts') }}
),

final as (
    select
        contacts.id as contact_id,
        properties.key as property,
        properties.value ->> '$' as raw_value,
        try_cast(properties.value ->> '$' as timestamptz) as entered_at,
        contacts.archived as is_archived
    from contacts,
        json_each(contacts.payload -> 'properties') as properties
    where (
            properties.key like 'hs\_v2\_date\_entered\_%' escape '\'
            or properties.key like 'hs\_date\_entered\_%' escape '\'
            or properties.key like 'hs\_lifecyclestage\_%\_date' escape '\'
        )
        and nullif(properties.value ->> '$', '') is not null
)

select * from final
