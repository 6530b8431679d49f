{#- Rows are unique over a combination of columns (dbt_utils is not available offline). -#}
{% test unique_combination_of_columns(model, columns) %}
select {{ columns | join(', ') }}
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
