{#- Every value of the column is NULL or a fraction between 0 and 1 (a rate). Fails with the offending rows. -#}
{% test values_between_zero_and_one(model, column_name) %}
with rows_to_check as (
    select * from {{ model }}
),

final as (
    select *
    from rows_to_check
    where {{ column_name }} is not null
        and not ({{ column_name }} between 0 and 1)
)

select * from final
{% endtest %}
