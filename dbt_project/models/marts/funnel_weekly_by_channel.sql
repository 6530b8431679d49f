-- The weekly funnel split by the system and channel of the record that supplied each event.
with events as (
    select * from {{ ref('funnel_events') }}
),

final as (
    select
        week_start,
        source_system,
        coalesce(nullif(channel, ''), '(none)') as channel,
        count(*) filter (where event_type = 'new_lead') as new_leads,
        count(*) filter (where event_type = 'mql') as mqls,
        count(*) filter (where event_type = 'sql') as sqls,
        count(*) filter (where event_type = 'opportunity') as opportunities,
        count(*) filter (where event_type = 'won') as won_deals,
        count(*) filter (where event_type = 'lost') as lost_deals,
        coalesce(sum(amount) filter (where event_type = 'won'), 0) as won_amount
    from events
    group by all
)

select * from final
