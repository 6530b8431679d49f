-- The weekly funnel: one row per local week, gap-free, counts and sums of funnel_events and the week's rates.
with events as (
    select * from {{ ref('funnel_events') }}
),

weeks as (
    select unnest(generate_series(min(week_start), {{ last_complete_week_start() }}, interval 7 day))::date
        as week_start
    from events
    having count(*) > 0
),

counts as (
    select
        weeks.week_start,
        count(events.event_id) filter (where events.event_type = 'new_lead') as new_leads,
        count(events.event_id) filter (where events.event_type = 'mql') as mqls,
        count(events.event_id) filter (where events.event_type = 'sql') as sqls,
        count(events.event_id) filter (where events.event_type = 'opportunity') as opportunities,
        count(events.event_id) filter (where events.event_type = 'won') as won_deals,
        count(events.event_id) filter (where events.event_type = 'lost') as lost_deals,
        coalesce(sum(events.amount) filter (where events.event_type = 'won'), 0) as won_amount
    from weeks
    left join events using (week_start)
    group by weeks.week_start
),

final as (
    select
        week_start,
        new_leads,
        mqls,
        sqls,
        opportunities,
        won_deals,
        lost_deals,
        won_amount,
        sqls / nullif(mqls, 0)::double as mql_to_sql_rate,
        opportunities / nullif(sqls, 0)::double as sql_to_opportunity_rate,
        won_deals / nullif(won_deals + lost_deals, 0)::double as win_rate
    from counts
)

select * from final
