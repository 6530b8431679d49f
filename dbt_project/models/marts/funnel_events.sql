-- Every event counted in funnel_weekly, one row each, so each weekly number can be traced to records.
with person_stage_entries as (
    select * from {{ ref('int_stage_entries_earliest_per_person') }}
),

record_persons as (
    select * from {{ ref('int_records_joined_to_persons') }}
),

deals as (
    select * from {{ ref('int_deals_unioned') }}
),

deal_persons as (
    select * from {{ ref('int_deals_joined_to_persons') }}
),

person_records as (
    select
        person_id,
        list(source_system || ':' || record_id order by source_system, record_id) as source_record_ids
    from record_persons
    group by person_id
),

person_events as (
    select
        case person_stage_entries.stage when 'lead' then 'new_lead' else person_stage_entries.stage end
            as event_type,
        person_stage_entries.person_id,
        person_stage_entries.source_system,
        person_stage_entries.source_record_id,
        person_records.source_record_ids,
        person_stage_entries.channel,
        person_stage_entries.entered_at as event_at,
        {{ to_local('person_stage_entries.entered_at') }}::date as event_date,
        null as amount
    from person_stage_entries
    inner join person_records using (person_id)
),

-- A deal event shows one person: of the best-ranked links (converted lead, then primary contact role), the lowest id.
deal_people as (
    select deal_key, min(person_id) as person_id
    from deal_persons
    where link_rank = (
        select min(ranks.link_rank) from deal_persons as ranks where ranks.deal_key = deal_persons.deal_key
    )
    group by deal_key
),

deal_created_events as (
    select
        'opportunity' as event_type,
        deal_key,
        created_at as event_at,
        {{ to_local('created_at') }}::date as event_date,
        null as amount
    from deals
),

deal_closed_events as (
    select
        outcome as event_type,
        deal_key,
        {{ local_midnight('closed_on') }} as event_at,
        closed_on as event_date,
        case when outcome = 'won' then amount end as amount
    from deals
    where outcome is not null and closed_on is not null
),

deal_stage_events as (
    select * from deal_created_events
    union all by name
    select * from deal_closed_events
),

deal_events as (
    select
        deal_stage_events.event_type,
        deal_people.person_id,
        deals.source_system,
        deals.deal_id as source_record_id,
        [deals.deal_key] as source_record_ids,
        deals.channel,
        deal_stage_events.event_at,
        deal_stage_events.event_date,
        deal_stage_events.amount,
        deal_stage_events.event_type || ':' || deals.deal_key as event_id
    from deal_stage_events
    inner join deals using (deal_key)
    left join deal_people using (deal_key)
),

events as (
    select event_type || ':' || person_id as event_id, *
    from person_events
    union all by name
    select * from deal_events
),

final as (
    select
        event_id,
        event_type,
        {{ week_start('event_date') }} as week_start,
        event_date,
        event_at,
        person_id,
        source_system,
        source_record_id,
        source_record_ids,
        channel,
        amount
    from events
    where {{ week_start('event_date') }} <= {{ last_complete_week_start() }}
)

select * from final
