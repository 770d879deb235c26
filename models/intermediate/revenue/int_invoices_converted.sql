/* grain: one row per non-void invoice of a non-test customer, to as_of */
with

customers as (
    select * from {{ ref('stg_crm__customers') }}
    where not is_test_account
),

invoices as (
    select * from {{ ref('int_invoices_checked') }}
    where rejection_reason is null
),

months as (
    select * from {{ ref('int_months') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_monthly') }}
),

customer_months as (
    select * from {{ ref('int_customer_months') }}
),

issued as (
    select
        invoices.invoice_id,
        invoices.customer_id,
        invoices.subscription_id,
        invoices.invoice_type,
        invoices.status,
        invoices.currency,
        invoices.amount,
        customers.segment,
        {{ cs_to_reporting_date('invoices.issued_at') }} as issued_date
    from invoices
    inner join customers
        on invoices.customer_id = customers.customer_id
    where invoices.status <> 'void'
),

-- Converted at the rate of the invoice's own month.
converted as (
    select
        issued.*,
        months.month,
        months.month_number,
        fx_rates.rate_to_reporting,
        cast(
            issued.amount * fx_rates.rate_to_reporting as {{ cs_type_money() }}
        ) as amount_reporting
    from issued
    inner join months
        on {{ cs_month_of('issued.issued_date') }} = months.month
    left join fx_rates
        on issued.currency = fx_rates.currency
            and months.month = fx_rates.month
    where issued.issued_date <= {{ cs_as_of_date() }}
),

final as (
    select
        -- ids
        converted.invoice_id,
        converted.customer_id,
        converted.subscription_id,

        -- strings
        converted.invoice_type,
        converted.status,
        converted.segment,
        converted.currency,

        -- numerics
        converted.amount,
        converted.rate_to_reporting,
        converted.amount_reporting,

        -- dates
        converted.issued_date,
        converted.month,
        cast(converted.month_number as {{ dbt.type_bigint() }}) as month_number,

        -- booleans
        cast(
            coalesce(customer_months.is_active_start, false)
            as {{ dbt.type_boolean() }}
        ) as is_customer_active_at_month_start
    from converted
    left join customer_months
        on converted.customer_id = customer_months.customer_id
            and converted.month = customer_months.month
)

select * from final
