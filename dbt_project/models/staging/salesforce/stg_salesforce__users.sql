with users as (
    select * from {{ source('salesforce', 'user') }}
),

final as (
    select
        "Id" as user_id,
        "Name" as user_name,
        "Email" as email,
        "IsActive" as is_active,
        "CreatedDate" as created_at,
        "LastModifiedDate" as last_modified_at,
        _synced_at as synced_at
    from users
)

select * from final
