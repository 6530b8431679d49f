{#- A configured list of strings (a dbt var) as a DuckDB varchar[] literal, quotes escaped. -#}
{% macro string_list(values) -%}
    [{%- for value in values -%} '{{ value | replace("'", "''") }}'{{ "," if not loop.last }} {%- endfor -%}]::varchar[]
{%- endmacro %}
