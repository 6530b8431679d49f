with opportunities as (
    select * from {{ source('salesforce', 'opportunity') }}
),

final as (
    select
        "Id" as opportunity_id,
        "Name" as opportunity_name,
        "Amount"::decimal(38, 2) as amount,
        "StageName" as stage_name,
        "IsClosed" as is_closed,
        "IsWon" as is_won,
        "CloseDate" as close_date,
        "LeadSource" as lead_source,
        "OwnerId" as owner_id,
        "CreatedDate" as created_at,
        "LastModifiedDate" as last_modified_at,
        -- In the recycle bin (IsDeleted) or purged from it (deleted_at, from getDeleted or an Id sweep).
        "IsDeleted" or deleted_at is not null as is_deleted,
        deleted_at,
        _synced_at as synced_at
    from opportunities
)

select * from final
