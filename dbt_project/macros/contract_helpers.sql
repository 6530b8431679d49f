{#- Shared pieces of the KPI contract: local time, weeks, the reporting window and configured lists. -#}

{% macro to_local(instant) -%}
    timezone('{{ var("timezone") }}', {{ instant }})
{%- endmacro %}

{#- The instant at which a local calendar date begins in the configured time zone. -#}
{% macro local_midnight(local_date) -%}
    timezone('{{ var("timezone") }}', ({{ local_date }})::timestamp)
{%- endmacro %}

{% macro week_start(local_date) -%}
    date_trunc('week', {{ local_date }})::date
{%- endmacro %}

{% macro as_of_instant() -%}
    {%- if var("as_of") -%} '{{ var("as_of") }}'::timestamptz {%- else -%} now() {%- endif -%}
{%- endmacro %}

{#- Monday of the last week that ended at or before the as-of instant. -#}
{% macro last_complete_week_start() -%}
    ({{ week_start(to_local(as_of_instant()) ~ '::date') }} - interval 7 day)::date
{%- endmacro %}

{% macro string_list(values) -%}
    [{%- for value in values -%} '{{ value | replace("'", "''") }}'{{ "," if not loop.last }} {%- endfor -%}]::varchar[]
{%- endmacro %}

{#- lower(trim(email)) where trim removes ASCII whitespace; '' becomes NULL (a person of its own). -#}
{% macro normalized_email(email) -%}
    nullif(lower(trim({{ email }}, ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13))), '')
{%- endmacro %}

{#- The two HubSpot contact properties that may record when a record entered `stage`. An unparseable value
    counts as absent here; the test on stg_hubspot__contact_lifecycle_dates fails naming it. -#}
{% macro hubspot_stage_property_dates(properties, stage) -%}
    try_cast({{ properties }} ->> 'hs_v2_date_entered_{{ stage }}' as timestamptz),
    try_cast({{ properties }} ->> 'hs_lifecyclestage_{{ stage }}_date' as timestamptz)
{%- endmacro %}
