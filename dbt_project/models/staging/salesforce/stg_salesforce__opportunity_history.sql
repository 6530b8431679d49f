with opportunity_history as (
    select * from {{ source('salesforce', 'opportunity_history') }}
),

final as (
    select
        "Id" as opportunity_history_id,
        "OpportunityId" as opportunity_id,
        "StageName" as stage_name,
        "Amount"::decimal(38, 2) as amount,
        "CloseDate" as close_date,
        "CreatedDate" as created_at,
        "IsDeleted" as is_deleted,
        _synced_at as synced_at
    from opportunity_history
)

select * from final
