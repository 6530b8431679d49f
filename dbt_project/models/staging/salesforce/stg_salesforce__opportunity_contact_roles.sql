with contact_roles as (
    select * from {{ source('salesforce', 'opportunity_contact_role') }}
),

final as (
    select
        "Id" as opportunity_contact_role_id,
        "OpportunityId" as opportunity_id,
        "ContactId" as contact_id,
        "IsPrimary" as is_primary,
        "Role" as role,
        "CreatedDate" as created_at,
        "LastModifiedDate" as last_modified_at,
        -- In the recycle bin (IsDeleted) or purged from it (deleted_at, from getDeleted or an Id sweep).
        "IsDeleted" or deleted_at is not null as is_deleted,
        deleted_at,
        _synced_at as synced_at
    from contact_roles
)

select * from final
