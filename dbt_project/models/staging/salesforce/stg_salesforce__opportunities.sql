select
    "Id" as opportunity_id,
    "Name" as opportunity_name,
    "Amount" as amount,
    "StageName" as stage_name,
    "IsClosed" as is_closed,
    "IsWon" as is_won,
    "CloseDate" as close_date,
    "LeadSource" as lead_source,
    "CreatedDate" as created_at,
    "LastModifiedDate" as last_modified_at,
    "IsDeleted" as is_deleted,
    _synced_at as synced_at
from {{ source('salesforce', 'opportunity') }}
