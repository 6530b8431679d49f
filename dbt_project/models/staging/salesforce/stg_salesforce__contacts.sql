with contacts as (
    select * from {{ source('salesforce', 'contact') }}
),

final as (
    select
        "Id" as contact_id,
        "Email" as email,
        "AccountId" as account_id,
        "LeadSource" as lead_source,
        "CreatedDate" as created_at,
        "LastModifiedDate" as last_modified_at,
        "IsDeleted" or deleted_at is not null as is_deleted,
        deleted_at,
        _synced_at as synced_at
    from contacts
)

select * from final
