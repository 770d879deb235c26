/* grain: one row per raw table and rejection reason with at least one rejected row */
-- The publishable summary of the audit: counts only, never the raw rows (they hold
-- personal data and stay in the working warehouse for data engineers).
with

rejected_rows as (
    select * from {{ ref('stg_audit__rejected_rows') }}
),

final as (
    select
        source_table,
        rejection_reason,
        count(*) as rejected_rows
    from rejected_rows
    group by source_table, rejection_reason
)

select * from final
