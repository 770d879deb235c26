/* grain: one row per raw table and rejection reason */
-- What staging rejected, and how large a share of each raw table that is:
-- `dbt compile --select analysis:rejected_rows_by_table` prints runnable SQL.
with

rejected_rows as (
    select * from {{ ref('stg_audit__rejected_rows') }}
),

final as (
    select
        source_table,
        rejection_reason,
        count(*) as rejected_rows,
        min(_loaded_at) as first_loaded_at,
        max(_loaded_at) as last_loaded_at
    from rejected_rows
    group by source_table, rejection_reason
)

select * from final
order by source_table, rejection_reason
