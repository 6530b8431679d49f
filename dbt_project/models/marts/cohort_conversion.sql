-- Cohort view: persons grouped by the week they became MQL, and how many went on within 30/60/90 days.
with persons as (
    select * from {{ ref('persons') }}
),

mqls as (
    select
        {{ week_start(to_local('mql_at') ~ '::date') }} as mql_week_start,
        mql_at,
        sql_at,
        first_opportunity_at
    from persons
    where mql_at is not null
),

as_of as (
    select {{ to_local(as_of_instant()) }}::date as as_of_date
),

final as (
    select
        mqls.mql_week_start,
        count(*) as mqls,
        {%- for days in [30, 60, 90] %}
        count(*) filter (where sql_at <= mql_at + interval {{ days }} day) as reached_sql_within_{{ days }}d,
        count(*) filter (where first_opportunity_at <= mql_at + interval {{ days }} day)
            as reached_opportunity_within_{{ days }}d,
        -- Only when every member's window has ended before as_of is the cohort's figure final.
        any_value(mqls.mql_week_start + 7 + {{ days }} <= as_of.as_of_date) as is_complete_{{ days }}d
        {{- "," if not loop.last }}
        {%- endfor %}
    from mqls
    cross join as_of
    where mqls.mql_week_start <= {{ last_complete_week_start() }}
    group by mqls.mql_week_start
)

select * from final
