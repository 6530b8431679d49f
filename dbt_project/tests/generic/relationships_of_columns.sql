{#- Every combination of `columns` (none NULL) appears as `fields` in `to`: a composite-key relationships test. -#}
{% test relationships_of_columns(model, columns, to, fields) %}
with child as (
    select * from {{ model }}
)

select {{ columns | join(', ') }}
from child
where {% for column in columns %}{{ column }} is not null{{ " and " if not loop.last }}{% endfor %}
    and not exists (
        select 1
        from {{ to }} as parent
        where {% for column in columns -%}
            parent.{{ fields[loop.index0] }} = child.{{ column }}{{ " and " if not loop.last }}
        {%- endfor %}
    )
{% endtest %}
