with contacts as (
    select * from {{ source('salesforce', 'contact') }}
),

final as (
    select
        "Id" as contact_id,
        "AccountId" as account_id,
        "Email" as email,
        "LeadSource" as lead_source,
        "CreatedDate" as created_at,
        "LastModifiedDate" as last_modified_at,
        -- In the recycle bin (IsDeleted) or purged from it (deleted_at, from getDeleted or an Id sweep).
        "IsDeleted" or deleted_at is not null as is_deleted,
        deleted_at,
        _synced_at as synced_at
    from contacts
)

select * from final
