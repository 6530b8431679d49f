-- funnel_events with the record behind each event: what it is, who owns it, and a link that opens it.
with events as (
    select * from {{ ref('funnel_events') }}
),

records as (
    select * from {{ ref('int_crm_records_with_owners') }}
),

events_by_kind as (
    select
        *,
        -- Person events name a contact / lead, deal events a deal / opportunity; a HubSpot contact and deal
        -- may share an id, so the kind is part of the match.
        case when event_type in ('opportunity', 'won', 'lost') then 'deal' else 'person' end as record_kind
    from events
),

final as (
    select
        events_by_kind.event_id,
        events_by_kind.event_type,
        events_by_kind.week_start,
        events_by_kind.event_at,
        {{ to_local('events_by_kind.event_at') }} as event_local_at,
        events_by_kind.source_system,
        events_by_kind.source_record_id,
        records.record_type,
        events_by_kind.channel,
        events_by_kind.person_id,
        records.owner_id,
        records.owner_name,
        records.record_url
    from events_by_kind
    left join records
        on records.source_system = events_by_kind.source_system
        and records.record_kind = events_by_kind.record_kind
        and records.record_id = events_by_kind.source_record_id
)

select * from final
