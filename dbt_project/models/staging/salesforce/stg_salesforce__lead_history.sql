with lead_history as (
    select * from {{ source('salesforce', 'lead_history') }}
),

final as (
    select
        "Id" as lead_history_id,
        "LeadId" as lead_id,
        "Field" as field_name,
        "OldValue" as old_value,
        "NewValue" as new_value,
        "CreatedDate" as created_at,
        "IsDeleted" as is_deleted,
        _synced_at as synced_at
    from lead_history
)

select * from final
