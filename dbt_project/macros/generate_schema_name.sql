{#- `+schema: marts` means the schema `marts`, not dbt's default `<target>_marts`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ (custom_schema_name or target.schema) | trim }}
{%- endmacro %}
