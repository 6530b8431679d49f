with deal_pipeline_stages as (
    select * from {{ source('hubspot', 'deal_pipeline_stages') }}
),

final as (
    select
        pipeline_id,
        pipeline_label,
        stage_id,
        stage_label,
        display_order,
        is_closed,
        probability,
        _synced_at as synced_at
    from deal_pipeline_stages
)

select * from final
