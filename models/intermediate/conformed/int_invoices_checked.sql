/* grain: one row per invoice clean in staging, with its cross-system rejection_reason */
with

invoices as (
    select * from {{ ref('base_billing__invoices') }}
    where rejection_reason is null
),

-- the clean customers (as stg_crm__customers), from the base model: a shorter chain
customers as (
    select customer_id from {{ ref('base_crm__customers') }}
    where rejection_reason is null
),

-- per currency, the first month with a clean exchange rate
fx_first_rate_months as (
    select
        currency,
        min(rate_month) as first_rate_month
    from {{ ref('base_billing__fx_rates') }}
    where rejection_reason is null
    group by currency
),

final as (
    select
        invoices.invoice_id,
        invoices.customer_id,
        invoices.subscription_id,
        invoices.invoice_type,
        invoices.currency,
        invoices.status,
        invoices.amount,
        invoices.tax_amount,
        invoices.due_date,
        invoices.issued_at,
        invoices.paid_at,
        invoices._loaded_at,
        invoices.raw_key,
        case
            when customers.customer_id is null then 'unknown_customer'
            when {{ cs_lacks_fx_rate('invoices.currency',
                cs_month_of(cs_to_reporting_date('invoices.issued_at'))) }}
                then 'missing_fx_rate'
        end as rejection_reason
    from invoices
    left join customers
        on invoices.customer_id = customers.customer_id
    left join fx_first_rate_months as fx
        on invoices.currency = fx.currency
)

select * from final
