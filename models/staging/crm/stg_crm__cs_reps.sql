/* grain: one row per customer-success manager or support agent (no names or emails) */
with

reps as (
    select * from {{ ref('base_crm__cs_reps') }}
    where rejection_reason is null
),

final as (
    select
        rep_id,
        team,
        hired_at,
        left_at,
        _loaded_at
    from reps
)

select * from final
