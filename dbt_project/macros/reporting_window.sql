{#- The reporting window: the as-of instant (var `as_of`, else now()) and the last complete local week. -#}

{% macro as_of_instant() -%}
    {%- if var("as_of") -%} '{{ var("as_of") }}'::timestamptz {%- else -%} now() {%- endif -%}
{%- endmacro %}

{#- Monday of the last week that ended at or before the as-of instant. -#}
{% macro last_complete_week_start() -%}
    ({{ week_start(to_local(as_of_instant()) ~ '::date') }} - interval 7 day)::date
{%- endmacro %}
