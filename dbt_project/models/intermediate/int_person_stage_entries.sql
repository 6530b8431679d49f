-- One row per person and reached stage: the earliest entry across the person's records, and which record gave it.
with record_entries as (
    select source_system, record_id, channel, 'lead' as stage, lead_at as entered_at
    from {{ ref('int_record_stage_entries') }}
    union all
    select source_system, record_id, channel, 'mql', mql_at
    from {{ ref('int_record_stage_entries') }}
    where mql_at is not null
    union all
    select source_system, record_id, channel, 'sql', sql_at
    from {{ ref('int_record_stage_entries') }}
    where sql_at is not null
),

ranked as (
    select
        identity.person_id,
        record_entries.stage,
        record_entries.entered_at,
        record_entries.source_system,
        record_entries.record_id as source_record_id,
        record_entries.channel,
        row_number() over (
            partition by identity.person_id, record_entries.stage
            order by record_entries.entered_at, record_entries.source_system, record_entries.record_id
        ) as entry_rank
    from record_entries
    inner join {{ ref('int_person_identity') }} as identity using (source_system, record_id)
)

select person_id, stage, entered_at, source_system, source_record_id, channel
from ranked
where entry_rank = 1
