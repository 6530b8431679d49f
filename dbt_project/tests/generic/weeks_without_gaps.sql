{#- The column holds one Monday-based week per 7 days from its first to its last value, with no week missing
    and none off that grid. Fails with one row per missing (or stray) week, named in `week_start`. -#}
{% test weeks_without_gaps(model, column_name) %}
with rows_to_check as (
    select * from {{ model }}
),

weeks as (
    select distinct {{ column_name }} as week_start
    from rows_to_check
    where {{ column_name }} is not null
),

expected_weeks as (
    select unnest(generate_series(min(week_start), max(week_start), interval 7 day))::date as week_start
    from weeks
    having count(*) > 0
),

missing_weeks as (
    select week_start, 'missing' as problem
    from expected_weeks
    where week_start not in (select week_start from weeks)
),

stray_weeks as (
    select week_start, 'not on the 7-day grid' as problem
    from weeks
    where week_start not in (select week_start from expected_weeks)
),

final as (
    select * from missing_weeks
    union all by name
    select * from stray_weeks
)

select * from final
{% endtest %}
