select
    pipeline_id,
    pipeline_label,
    stage_id,
    stage_label,
    display_order,
    is_closed,
    probability,
    _synced_at as synced_at
from {{ source('hubspot', 'deal_pipeline_stages') }}
