with leads as (
    select * from {{ source('salesforce', 'lead') }}
),

final as (
    select
        "Id" as lead_id,
        "Email" as email,
        "Status" as status,
        "LeadSource" as lead_source,
        "OwnerId" as owner_id,
        "IsConverted" as is_converted,
        "ConvertedDate" as converted_date,
        "ConvertedOpportunityId" as converted_opportunity_id,
        "ConvertedContactId" as converted_contact_id,
        "CreatedDate" as created_at,
        "LastModifiedDate" as last_modified_at,
        -- In the recycle bin (IsDeleted) or purged from it (deleted_at, from getDeleted or an Id sweep).
        "IsDeleted" or deleted_at is not null as is_deleted,
        deleted_at,
        _synced_at as synced_at
    from leads
)

select * from final
