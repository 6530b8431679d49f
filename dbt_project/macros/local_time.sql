{#- Local time of the KPI contract: instants seen in the configured time zone (var `timezone`), local
    midnights, and the Monday that starts a local week. -#}

{#- The local (wall-clock) timestamp of an instant. -#}
{% macro to_local(instant) -%}
    timezone('{{ var("timezone") }}', {{ instant }})
{%- endmacro %}

{#- The instant at which a local calendar date begins in the configured time zone. -#}
{% macro local_midnight(local_date) -%}
    timezone('{{ var("timezone") }}', ({{ local_date }})::timestamp)
{%- endmacro %}

{#- The Monday (local date) of the week a local date falls in. -#}
{% macro week_start(local_date) -%}
    date_trunc('week', {{ local_date }})::date
{%- endmacro %}
