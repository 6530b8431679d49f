-- One row per person and reached stage: the earliest entry across the person's records, and which record gave it.
with records as (
    select * from {{ ref('int_stage_entries_unioned') }}
),

record_persons as (
    select * from {{ ref('int_records_joined_to_persons') }}
),

record_entries as (
    select source_system, record_id, channel, 'lead' as stage, lead_at as entered_at
    from records
    union all by name
    select source_system, record_id, channel, 'mql' as stage, mql_at as entered_at
    from records
    where mql_at is not null
    union all by name
    select source_system, record_id, channel, 'sql' as stage, sql_at as entered_at
    from records
    where sql_at is not null
),

ranked as (
    select
        record_persons.person_id,
        record_entries.stage,
        record_entries.entered_at,
        record_entries.source_system,
        record_entries.record_id as source_record_id,
        record_entries.channel,
        row_number() over (
            partition by record_persons.person_id, record_entries.stage
            order by record_entries.entered_at, record_entries.source_system, record_entries.record_id
        ) as entry_rank
    from record_entries
    inner join record_persons using (source_system, record_id)
),

final as (
    select person_id, stage, entered_at, source_system, source_record_id, channel
    from ranked
    where entry_rank = 1
)

select * from final
