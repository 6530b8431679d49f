select
    id as deal_id,
    dealname as deal_name,
    amount,
    dealstage as deal_stage_id,
    pipeline as pipeline_id,
    closedate as closed_at,
    createdate as created_at,
    hs_lastmodifieddate as last_modified_at,
    archived as is_archived,
    archived_at,
    payload -> 'properties' as properties,
    payload ->> '$.properties.hs_analytics_source' as analytics_source,
    json_extract_string(payload, '$.associations.contacts.results[*].id') as associated_contact_ids,
    _synced_at as synced_at
from {{ source('hubspot', 'deals') }}
