/* grain: one row per invoice passing every check (as stg_billing__invoices) */
with

checked as (
    select * from {{ ref('int_invoices_checked') }}
    where rejection_reason is null
),

final as (
    select
        invoice_id,
        customer_id,
        subscription_id,
        invoice_type,
        currency,
        status,
        amount,
        tax_amount,
        due_date,
        issued_at,
        paid_at,
        _loaded_at
    from checked
)

select * from final
