-- Identity resolution: records are one person when a chain of ties joins them: an equal normalized email, a
-- HubSpot merge, a HubSpot contact naming a Salesforce lead or contact, a lead converted into a contact.
-- Records sharing an email form a group first (no recursion: a shared inbox may hold thousands); the
-- recursive part only walks the few ties between groups. A person is a connected component of groups.
with recursive records as (
    select * from {{ ref('int_person_records') }}
),

grouped_records as (
    select
        *,
        coalesce('email:' || normalized_email, record_key) as group_key
    from records
),

named_records as (
    select group_key, unnest(linked_record_keys) as linked_key
    from grouped_records
),

-- Ties to records out of scope (not in int_person_records) are ignored.
group_ties as (
    select distinct named_records.group_key as from_key, linked.group_key as to_key
    from named_records
    inner join grouped_records as linked on linked.record_key = named_records.linked_key
    where named_records.group_key <> linked.group_key
),

edges as (
    select from_key, to_key from group_ties
    union
    select to_key as from_key, from_key as to_key from group_ties
),

reach (group_key, reached_key) as (
    select distinct group_key, group_key from grouped_records
    union
    select reach.group_key, edges.to_key
    from reach
    inner join edges on edges.from_key = reach.reached_key
),

-- Email keys sort first ('email:' < 'hubspot:' < 'salesforce:'): a person with an email is named by its
-- smallest email, one without by its smallest record.
components as (
    select group_key, min(reached_key) as person_key
    from reach
    group by group_key
),

final as (
    select
        grouped_records.source_system,
        grouped_records.record_type,
        grouped_records.record_id,
        grouped_records.normalized_email,
        md5(components.person_key) as person_id
    from grouped_records
    inner join components using (group_key)
)

select * from final
