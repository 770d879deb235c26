/* grain: one row per term subscription and renewal date up to as_of */
{%- set grace_days = var('renewal_grace_days') | int %}
with

customers as (
    select * from {{ ref('stg_crm__customers') }}
    where not is_test_account
),

-- Subscriptions of non-test customers started on or before as_of.
subscriptions as (
    select subscriptions.*
    from {{ ref('int_subscriptions_checked') }} as subscriptions
    inner join customers
        on subscriptions.customer_id = customers.customer_id
    where subscriptions.rejection_reason is null
        and subscriptions.started_at <= {{ cs_as_of_date() }}
),

months as (
    select * from {{ ref('int_months') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_monthly') }}
),

paid_periods as (
    select * from {{ ref('int_subscription_periods_paid') }}
),

term_subscriptions as (
    select * from subscriptions
    where contract_term_months >= {{ var('renewal_min_term_months') | int }}
),

renewal_numbers as (
    {{ cs_integers(3) }}
),

-- Renewal dates started_at + k * term (k >= 1), each computed from
-- started_at so month-end clamping does not drift (Jan 31 -> Feb 29 -> Mar 31).
renewal_dates as (
    select
        term_subscriptions.subscription_id,
        term_subscriptions.customer_id,
        term_subscriptions.contract_term_months,
        term_subscriptions.started_at,
        term_subscriptions.ended_at,
        renewal_numbers.integer_value as renewal_number,
        cast(
            {{ dbt.dateadd(
                'month',
                'renewal_numbers.integer_value
                    * term_subscriptions.contract_term_months',
                'term_subscriptions.started_at'
            ) }} as date
        ) as renewal_date
    from term_subscriptions
    inner join renewal_numbers
        on renewal_numbers.integer_value >= 1
            and renewal_numbers.integer_value
            * term_subscriptions.contract_term_months
            <= {{ dbt.datediff(
                'term_subscriptions.started_at', cs_as_of_date(), 'month'
            ) }} + 1
),

-- Up for renewal: d on or before as_of, in a month of the spine, and the
-- subscription running on d - 1 (started_at <= d - 1 < ended_at).
up_for_renewal as (
    select
        renewal_dates.*,
        months.month,
        cast({{ dbt.dateadd('day', -1, 'renewal_dates.renewal_date') }} as date)
            as day_before_renewal,
        cast(
            {{ dbt.dateadd('day', grace_days, 'renewal_dates.renewal_date') }}
            as date
        ) as grace_end_date
    from renewal_dates
    inner join months
        on {{ cs_month_of('renewal_dates.renewal_date') }} = months.month
    where renewal_dates.renewal_date <= {{ cs_as_of_date() }}
        and (
            renewal_dates.ended_at is null
            or renewal_dates.ended_at >= renewal_dates.renewal_date
        )
),

-- The subscription's MRR on d - 1, at the rate of d's month.
mrr_before_renewal as (
    select
        up_for_renewal.subscription_id,
        up_for_renewal.renewal_date,
        sum(
            cast(
                paid_periods.mrr_local * fx_rates.rate_to_reporting
                as {{ cs_type_money() }}
            )
        ) as mrr_up_for_renewal
    from up_for_renewal
    inner join paid_periods
        on up_for_renewal.subscription_id = paid_periods.subscription_id
            and up_for_renewal.day_before_renewal >= paid_periods.period_start
            and (
                paid_periods.period_end is null
                or up_for_renewal.day_before_renewal < paid_periods.period_end
            )
    inner join fx_rates
        on paid_periods.currency = fx_rates.currency
            and up_for_renewal.month = fx_rates.month
    group by up_for_renewal.subscription_id, up_for_renewal.renewal_date
),

-- Renewed by the same subscription: a paid period of it overlaps
-- [d, d + grace).
renewed_by_same_subscription as (
    select distinct
        up_for_renewal.subscription_id,
        up_for_renewal.renewal_date
    from up_for_renewal
    inner join paid_periods
        on up_for_renewal.subscription_id = paid_periods.subscription_id
            and up_for_renewal.grace_end_date > paid_periods.period_start
            and (
                paid_periods.period_end is null
                or up_for_renewal.renewal_date < paid_periods.period_end
            )
),

-- Renewed by a replacement contract: another subscription of the customer
-- started within grace days of d (before or after, both ends inclusive)
-- with a paid period overlapping [d, d + grace).
renewed_by_replacement as (
    select distinct
        up_for_renewal.subscription_id,
        up_for_renewal.renewal_date
    from up_for_renewal
    inner join subscriptions as replacements
        on up_for_renewal.customer_id = replacements.customer_id
            and up_for_renewal.subscription_id <> replacements.subscription_id
            and replacements.started_at >= cast(
                {{ dbt.dateadd('day', -grace_days, 'up_for_renewal.renewal_date') }}
                as date
            )
            and up_for_renewal.grace_end_date >= replacements.started_at
    inner join paid_periods
        on replacements.subscription_id = paid_periods.subscription_id
            and up_for_renewal.grace_end_date > paid_periods.period_start
            and (
                paid_periods.period_end is null
                or up_for_renewal.renewal_date < paid_periods.period_end
            )
),

classified as (
    select
        up_for_renewal.*,
        coalesce(mrr_before_renewal.mrr_up_for_renewal, 0)
            as mrr_up_for_renewal,
        case
            when renewed_by_same_subscription.subscription_id is not null
                then 'same_subscription'
            when renewed_by_replacement.subscription_id is not null
                then 'replacement'
        end as renewed_by
    from up_for_renewal
    left join mrr_before_renewal
        on up_for_renewal.subscription_id = mrr_before_renewal.subscription_id
            and up_for_renewal.renewal_date = mrr_before_renewal.renewal_date
    left join renewed_by_same_subscription
        on up_for_renewal.subscription_id
            = renewed_by_same_subscription.subscription_id
            and up_for_renewal.renewal_date
            = renewed_by_same_subscription.renewal_date
    left join renewed_by_replacement
        on up_for_renewal.subscription_id
            = renewed_by_replacement.subscription_id
            and up_for_renewal.renewal_date = renewed_by_replacement.renewal_date
),

final as (
    select
        -- ids
        cast(classified.subscription_id as {{ dbt.type_string() }})
            as subscription_id,
        cast(classified.customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(customers.segment as {{ dbt.type_string() }}) as segment,

        -- contract
        cast(classified.contract_term_months as {{ dbt.type_bigint() }})
            as contract_term_months,
        cast(classified.renewal_number as {{ dbt.type_bigint() }})
            as renewal_number,

        -- dates
        cast(classified.renewal_date as date) as renewal_date,
        cast(classified.month as date) as month,
        cast(classified.grace_end_date as date) as grace_end_date,

        -- outcome
        cast(classified.mrr_up_for_renewal as {{ cs_type_money() }})
            as mrr_up_for_renewal,
        cast(classified.renewed_by as {{ dbt.type_string() }}) as renewed_by,
        cast(classified.renewed_by is not null as {{ dbt.type_boolean() }})
            as is_renewed,
        cast(
            classified.renewed_by is null
            and classified.grace_end_date > {{ cs_as_of_date() }}
            as {{ dbt.type_boolean() }}
        ) as is_pending
    from classified
    inner join customers
        on classified.customer_id = customers.customer_id
)

select * from final
