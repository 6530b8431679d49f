-- Each HubSpot contact and the record it lives in after merges: itself, or the last survivor of a chain
-- (A into B, then B into C: A and B live in C). A contact is in scope while that survivor is neither
-- archived nor deleted without a trace; merged-away contacts keep their own dates as members.
with recursive contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
),

chain (contact_id, survivor_contact_id, hops) as (
    select contact_id, contact_id, 0
    from contacts
    where merged_into_contact_id is null
    union all
    select merged.contact_id, chain.survivor_contact_id, chain.hops + 1
    from chain
    inner join contacts as merged
        on merged.merged_into_contact_id = chain.contact_id and merged.contact_id <> chain.contact_id
    -- HubSpot cannot merge in a cycle; the bound keeps a corrupt raw row from looping forever.
    where chain.hops < 100
),

final as (
    select
        chain.contact_id,
        chain.survivor_contact_id,
        chain.contact_id <> chain.survivor_contact_id as is_merged_away,
        not survivors.is_archived and not survivors.is_deleted as is_in_scope
    from chain
    inner join contacts as survivors on survivors.contact_id = chain.survivor_contact_id
)

select * from final
