/* grain: one row per paid subscription period (not a trial, amount > 0) */
with

customers as (
    select * from {{ ref('stg_crm__customers') }}
    where not is_test_account
),

subscription_periods as (
    select * from {{ ref('int_subscription_periods_checked') }}
    where rejection_reason is null
),

-- Paid periods of non-test customers; a period starting after as_of is
-- ignored, one ending after it is kept.
paid_periods as (
    select subscription_periods.*
    from subscription_periods
    inner join customers
        on subscription_periods.customer_id = customers.customer_id
    where not subscription_periods.is_trial
        and subscription_periods.amount > 0
        and subscription_periods.period_start <= {{ cs_as_of_date() }}
),

final as (
    select
        -- ids
        subscription_period_id,
        subscription_id,
        customer_id,

        -- strings
        billing_interval,
        currency,

        -- numerics
        interval_months,
        amount,
        cast(amount / interval_months as {{ cs_type_money() }}) as mrr_local,
        quantity,

        -- dates
        period_start,
        period_end
    from paid_periods
)

select * from final
