-- One row per stage period of a deal: from one stage-history row to the next one of the same deal.
-- Only Salesforce OpportunityHistory so far: HubSpot deal stage history is not synced yet.
with opportunity_history as (
    select * from {{ ref('stg_salesforce__opportunity_history') }}
),

opportunity_history_in_scope as (
    select * from opportunity_history
    where not is_deleted
),

salesforce_stage_periods as (
    select
        'salesforce:' || opportunity_id as deal_key,
        'salesforce' as source_system,
        opportunity_id as deal_id,
        opportunity_history_id as source_record_id,
        stage_name,
        created_at as entered_at,
        -- Rows of the same instant are ordered by their Id: the earlier one's period lasts 0 days.
        lead(created_at) over (
            partition by opportunity_id order by created_at, opportunity_history_id
        ) as left_at
    from opportunity_history_in_scope
),

final as (
    select
        deal_key,
        source_system,
        deal_id,
        source_record_id,
        stage_name,
        entered_at,
        left_at,
        (epoch_ms(left_at) - epoch_ms(entered_at)) / 86400000.0 as days_in_stage,
        left_at is null as is_current
    from salesforce_stage_periods
)

select * from final
