-- Every event counted in funnel_weekly, one row each, so each weekly number can be traced to records.
with person_records as (
    select
        person_id,
        list(source_system || ':' || record_id order by source_system, record_id) as source_record_ids
    from {{ ref('int_person_identity') }}
    group by person_id
),

person_events as (
    select
        case entries.stage when 'lead' then 'new_lead' else entries.stage end as event_type,
        entries.person_id,
        entries.source_system,
        entries.source_record_id,
        person_records.source_record_ids,
        entries.channel,
        entries.entered_at as event_at,
        {{ to_local('entries.entered_at') }}::date as event_date,
        cast(null as decimal(38, 2)) as amount
    from {{ ref('int_person_stage_entries') }} as entries
    inner join person_records using (person_id)
),

deal_people as (
    select deal_key, min(person_id) as person_id
    from {{ ref('int_deal_persons') }}
    group by deal_key
),

deal_events as (
    select
        'opportunity' as event_type,
        deals.deal_key,
        deals.created_at as event_at,
        {{ to_local('deals.created_at') }}::date as event_date,
        cast(null as decimal(38, 2)) as amount
    from {{ ref('int_deals_unified') }} as deals
    union all
    select
        deals.outcome,
        deals.deal_key,
        {{ local_midnight('deals.closed_on') }},
        deals.closed_on,
        case when deals.outcome = 'won' then deals.amount end
    from {{ ref('int_deals_unified') }} as deals
    where deals.outcome is not null and deals.closed_on is not null
),

events as (
    select event_type || ':' || person_id as event_id, *
    from person_events
    union all
    select
        deal_events.event_type || ':' || deal_events.deal_key,
        deal_events.event_type,
        deal_people.person_id,
        deals.source_system,
        deals.deal_id,
        [deals.deal_key],
        deals.channel,
        deal_events.event_at,
        deal_events.event_date,
        deal_events.amount
    from deal_events
    inner join {{ ref('int_deals_unified') }} as deals using (deal_key)
    left join deal_people using (deal_key)
)

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
