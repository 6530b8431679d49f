-- Identity resolution: records sharing a normalized email are one person; a record without one stands alone.
select
    source_system,
    record_id,
    normalized_email,
    md5(coalesce('email:' || normalized_email, source_system || ':' || record_id)) as person_id
from {{ ref('int_record_stage_entries') }}
