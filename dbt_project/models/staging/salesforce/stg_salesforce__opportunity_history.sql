select
    "Id" as opportunity_history_id,
    "OpportunityId" as opportunity_id,
    "StageName" as stage_name,
    "Amount" as amount,
    "CloseDate" as close_date,
    "CreatedDate" as created_at,
    "IsDeleted" as is_deleted,
    _synced_at as synced_at
from {{ source('salesforce', 'opportunity_history') }}
