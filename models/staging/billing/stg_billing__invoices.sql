/* grain: one row per invoice (credit notes included, with negative amounts) */
with

invoices as (
    select * from {{ ref('base_billing__invoices') }}
    where rejection_reason is null
),

final as (
    select
        -- ids
        invoice_id,
        customer_id,
        subscription_id,

        -- strings
        invoice_type,
        currency,
        status,

        -- numerics
        amount,
        tax_amount,

        -- dates
        due_date,

        -- timestamps
        issued_at,
        paid_at,
        _loaded_at
    from invoices
)

select * from final
