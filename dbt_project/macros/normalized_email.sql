{#- Email normalization of the KPI contract: lower(trim(email)) where trim removes ASCII whitespace;
    '' becomes NULL (a record without email is a person of its own). -#}
{% macro normalized_email(email) -%}
    nullif(lower(trim({{ email }}, ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13))), '')
{%- endmacro %}
