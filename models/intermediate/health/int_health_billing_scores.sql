/* grain: one row per customer per month the customer is active at month end (billing) */
with

customer_months as (
    select * from {{ ref('int_customer_months') }}
    where is_active_end
),

invoices as (
    select * from {{ ref('int_invoices_checked') }}
    where rejection_reason is null
),

scoring_parameters as (
    select * from {{ ref('health_scoring_parameters') }}
    where component = 'billing'
),

-- The billing parameters as one row (seed health_scoring_parameters).
points as (
    select
        max(case when parameter = 'points_per_overdue_invoice' then value end)
            as points_per_overdue_invoice
    from scoring_parameters
),

invoice_dates as (
    select
        invoice_id,
        customer_id,
        status,
        amount,
        due_date,
        {{ cs_to_reporting_date('issued_at') }} as issued_date,
        {{ cs_to_reporting_date('paid_at') }} as paid_date
    from invoices
),

-- Window edge: "the N days ending at month end" are N calendar days, the
-- snapshot date included.
billing_windows as (
    select
        customer_id,
        month,
        snapshot_date,
        cast(
            {{ dbt.dateadd(
                'day', '1 - ' ~ var('health_uncollectible_window_days'), 'snapshot_date'
            ) }} as date
        ) as uncollectible_window_start
    from customer_months
),

-- Of the invoices issued by the snapshot date: uncollectible ones issued in
-- the window, and those overdue at month end (due before the snapshot date,
-- not void, not paid on or before it; credit notes and zero invoices are
-- never overdue; an invoice marked paid without a payment date counts as paid).
invoice_flags as (
    select
        billing_windows.customer_id,
        billing_windows.month,
        sum(
            case
                when invoice_dates.status = 'uncollectible'
                    and invoice_dates.issued_date
                    >= billing_windows.uncollectible_window_start
                    then 1
                else 0
            end
        ) as uncollectible_invoices,
        sum(
            case
                when invoice_dates.due_date < billing_windows.snapshot_date
                    and invoice_dates.status <> 'void'
                    and invoice_dates.amount > 0
                    and not (
                        invoice_dates.status = 'paid'
                        and invoice_dates.paid_date is null
                    )
                    and (
                        invoice_dates.paid_date is null
                        or invoice_dates.paid_date > billing_windows.snapshot_date
                    )
                    then 1
                else 0
            end
        ) as overdue_invoices
    from billing_windows
    inner join invoice_dates
        on billing_windows.customer_id = invoice_dates.customer_id
            and billing_windows.snapshot_date >= invoice_dates.issued_date
    group by billing_windows.customer_id, billing_windows.month
),

counts as (
    select
        billing_windows.customer_id,
        billing_windows.month,
        coalesce(invoice_flags.overdue_invoices, 0) as overdue_invoices,
        coalesce(invoice_flags.uncollectible_invoices, 0) > 0
            as has_uncollectible_90d
    from billing_windows
    left join invoice_flags
        on billing_windows.customer_id = invoice_flags.customer_id
            and billing_windows.month = invoice_flags.month
),

-- billing_score = 0 with an uncollectible invoice, else 100 - points off per
-- overdue invoice, floor 0
scored as (
    select
        counts.*,
        case
            when counts.has_uncollectible_90d then 0
            else 100 - points.points_per_overdue_invoice * counts.overdue_invoices
        end as billing_points
    from counts
    cross join points
),

final as (
    select
        -- keys
        customer_id,
        month,

        -- score (0-100)
        cast(
            case when billing_points < 0 then 0 else billing_points end
            as {{ cs_type_double() }}
        ) as billing_score,

        -- inputs
        cast(overdue_invoices as {{ dbt.type_bigint() }}) as overdue_invoices,
        cast(has_uncollectible_90d as {{ dbt.type_boolean() }})
            as has_uncollectible_90d
    from scored
)

select * from final
