/* grain: one row per calendar month, first month with billing data to as_of */
with

customers as (
    select * from {{ ref('stg_crm__customers') }}
    where not is_test_account
),

subscription_periods as (
    select * from {{ ref('int_subscription_periods_checked') }}
    where rejection_reason is null
),

invoices as (
    select * from {{ ref('int_invoices_checked') }}
    where rejection_reason is null
),

-- Billing dates of non-test customers, rows dated after as_of ignored.
billing_dates as (
    select subscription_periods.period_start as billing_date
    from subscription_periods
    inner join customers
        on subscription_periods.customer_id = customers.customer_id
    where subscription_periods.period_start <= {{ cs_as_of_date() }}

    union all

    select {{ cs_to_reporting_date('invoices.issued_at') }} as billing_date
    from invoices
    inner join customers
        on invoices.customer_id = customers.customer_id
    where
        {{ cs_to_reporting_date('invoices.issued_at') }}
        <= {{ cs_as_of_date() }}
),

-- The first billing month to the as_of month (with no billing data at all, the
-- as_of month alone).
spine as (
    {{ cs_month_spine('billing_dates', 'billing_date') }}
),

month_ends as (
    select
        month_number,
        month,
        cast({{ dbt.dateadd('month', -1, 'month') }} as date) as previous_month,
        cast(
            {{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'month')) }} as date
        ) as month_end_date
    from spine
),

final as (
    select
        month,
        previous_month,
        month_end_date,
        case
            when month_end_date > {{ cs_as_of_date() }}
                then {{ cs_as_of_date() }}
            else month_end_date
        end as snapshot_date,
        month < {{ cs_month_of(cs_as_of_date()) }} as is_complete_month,
        cast(month_number as {{ dbt.type_bigint() }}) as month_number
    from month_ends
)

select * from final
