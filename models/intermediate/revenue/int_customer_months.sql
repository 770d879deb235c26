/* grain: one row per customer per month, first paid month to the as_of month */
with

customers as (
    select * from {{ ref('stg_crm__customers') }}
    where not is_test_account
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

currency_mrr as (
    select * from {{ ref('int_customer_mrr_by_currency_monthly') }}
),

-- Ownership ranges as reporting-timezone dates; a range starting after
-- as_of is ignored. The owner on day D is the range covering the end of D.
owner_ranges as (
    select
        customer_id,
        rep_id,
        {{ cs_to_reporting_date('valid_from') }} as valid_from_date,
        {{ cs_to_reporting_date('valid_to') }} as valid_to_date
    from {{ ref('int_customer_owner_history_conformed') }}
    where {{ cs_to_reporting_date('valid_from') }} <= {{ cs_as_of_date() }}
),

first_paid_periods as (
    select
        customer_id,
        min(period_start) as first_paid_date
    from paid_periods
    group by customer_id
),

customer_spine as (
    select
        first_paid_periods.customer_id,
        first_paid_periods.first_paid_date,
        {{ cs_month_of('first_paid_periods.first_paid_date') }}
            as first_paid_month,
        months.month,
        months.previous_month,
        months.snapshot_date,
        months.is_complete_month,
        months.month_number
    from first_paid_periods
    inner join months
        on months.month
            >= {{ cs_month_of('first_paid_periods.first_paid_date') }}
),

-- C: MRR on the snapshot date of M at M's rates.
mrr_at_snapshot as (
    select
        customer_id,
        month,
        sum(mrr) as mrr,
        sum(seats) as seats,
        count(*) as currencies,
        min(currency) as currency,
        sum(mrr_local) as mrr_local
    from currency_mrr
    group by customer_id, month
),

-- P: MRR on the snapshot date of M-1, valued at M's rates.
mrr_previous_at_current_rates as (
    select
        currency_mrr.customer_id,
        months.month,
        sum(
            cast(
                currency_mrr.mrr_local * fx_rates.rate_to_reporting
                as {{ cs_type_money() }}
            )
        ) as mrr_start_current_rates
    from currency_mrr
    inner join months
        on currency_mrr.month = months.previous_month
    inner join fx_rates
        on currency_mrr.currency = fx_rates.currency
            and months.month = fx_rates.month
    group by currency_mrr.customer_id, months.month
),

-- The customer's billing currency in M: that of its latest paid period
-- started on or before the snapshot date.
latest_period_starts as (
    select
        customer_spine.customer_id,
        customer_spine.month,
        max(paid_periods.period_start) as latest_period_start
    from customer_spine
    inner join paid_periods
        on customer_spine.customer_id = paid_periods.customer_id
            and customer_spine.snapshot_date >= paid_periods.period_start
    group by customer_spine.customer_id, customer_spine.month
),

billing_currencies as (
    select
        latest_period_starts.customer_id,
        latest_period_starts.month,
        max(paid_periods.currency) as currency
    from latest_period_starts
    inner join paid_periods
        on latest_period_starts.customer_id = paid_periods.customer_id
            and latest_period_starts.latest_period_start = paid_periods.period_start
    group by latest_period_starts.customer_id, latest_period_starts.month
),

-- The CSM owning the customer on the first day of M and on its snapshot date:
-- one join to every range overlapping [month, snapshot_date].
owners as (
    select
        customer_spine.customer_id,
        customer_spine.month,
        max(
            case
                when customer_spine.month >= owner_ranges.valid_from_date
                    and (
                        owner_ranges.valid_to_date is null
                        or customer_spine.month < owner_ranges.valid_to_date
                    )
                    then owner_ranges.rep_id
            end
        ) as rep_id_start,
        max(
            case
                when customer_spine.snapshot_date >= owner_ranges.valid_from_date
                    and (
                        owner_ranges.valid_to_date is null
                        or customer_spine.snapshot_date < owner_ranges.valid_to_date
                    )
                    then owner_ranges.rep_id
            end
        ) as rep_id_end
    from customer_spine
    inner join owner_ranges
        on customer_spine.customer_id = owner_ranges.customer_id
            and customer_spine.snapshot_date >= owner_ranges.valid_from_date
            and (
                owner_ranges.valid_to_date is null
                or customer_spine.month < owner_ranges.valid_to_date
            )
    group by customer_spine.customer_id, customer_spine.month
),

joined as (
    select
        customer_spine.customer_id,
        customer_spine.month,
        customer_spine.snapshot_date,
        customer_spine.is_complete_month,
        customer_spine.month_number,
        customer_spine.first_paid_date,
        customer_spine.first_paid_month,
        customers.segment,
        owners.rep_id_start as cs_rep_id_start,
        owners.rep_id_end as cs_rep_id_end,
        billing_currencies.currency,
        case
            when mrr_at_snapshot.customer_id is null then 0
            when mrr_at_snapshot.currencies = 1
                and mrr_at_snapshot.currency = billing_currencies.currency
                then mrr_at_snapshot.mrr_local
        end as mrr_local,
        coalesce(mrr_at_snapshot.mrr, 0) as mrr,
        coalesce(mrr_at_snapshot.seats, 0) as seats,
        coalesce(
            mrr_previous_at_current_rates.mrr_start_current_rates, 0
        ) as mrr_start_current_rates
    from customer_spine
    inner join customers
        on customer_spine.customer_id = customers.customer_id
    left join mrr_at_snapshot
        on customer_spine.customer_id = mrr_at_snapshot.customer_id
            and customer_spine.month = mrr_at_snapshot.month
    left join mrr_previous_at_current_rates
        on customer_spine.customer_id
            = mrr_previous_at_current_rates.customer_id
            and customer_spine.month = mrr_previous_at_current_rates.month
    left join billing_currencies
        on customer_spine.customer_id = billing_currencies.customer_id
            and customer_spine.month = billing_currencies.month
    left join owners
        on customer_spine.customer_id = owners.customer_id
            and customer_spine.month = owners.month
),

-- mrr_start: C of M-1 at M-1's rates. The spine has no gaps, so the
-- previous row is M-1; before the first paid month there was no MRR.
with_history as (
    select
        joined.*,
        coalesce(
            lag(mrr) over (partition by customer_id order by month), 0
        ) as mrr_start,
        coalesce(
            max(case when mrr > 0 then 1 else 0 end) over (
                partition by customer_id
                order by month
                rows between unbounded preceding and 1 preceding
            ),
            0
        ) = 1 as was_active_before
    from joined
),

-- Movements in a fixed order, P = mrr_start_current_rates, C = mrr.
classified as (
    select
        with_history.*,
        case
            when mrr_start_current_rates = 0 and mrr > 0
                and not was_active_before
                then 'new'
            when mrr_start_current_rates = 0 and mrr > 0
                then 'reactivation'
            when mrr_start_current_rates > 0 and mrr = 0
                then 'churn'
            when mrr_start_current_rates > 0 and mrr > mrr_start_current_rates
                then 'expansion'
            when mrr > 0 and mrr < mrr_start_current_rates
                then 'contraction'
            when mrr > 0
                then 'unchanged'
            else 'inactive'
        end as mrr_movement
    from with_history
),

final as (
    select
        -- keys
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(month as date) as month,
        cast(snapshot_date as date) as snapshot_date,
        cast(is_complete_month as {{ dbt.type_boolean() }})
            as is_complete_month,
        cast(month_number as {{ dbt.type_bigint() }}) as month_number,

        -- attributes
        cast(segment as {{ dbt.type_string() }}) as segment,
        cast(cs_rep_id_start as {{ dbt.type_string() }}) as cs_rep_id_start,
        cast(cs_rep_id_end as {{ dbt.type_string() }}) as cs_rep_id_end,
        cast(
            coalesce(cs_rep_id_start, cs_rep_id_end, 'unassigned')
            as {{ dbt.type_string() }}
        ) as cs_rep_id,
        cast(currency as {{ dbt.type_string() }}) as currency,

        -- state
        cast(mrr_local as {{ cs_type_money() }}) as mrr_local,
        cast(mrr as {{ cs_type_money() }}) as mrr,
        cast(seats as {{ dbt.type_bigint() }}) as seats,
        cast(mrr_start as {{ cs_type_money() }}) as mrr_start,
        cast(mrr_start_current_rates as {{ cs_type_money() }})
            as mrr_start_current_rates,
        cast(mrr_start > 0 as {{ dbt.type_boolean() }}) as is_active_start,
        cast(mrr > 0 as {{ dbt.type_boolean() }}) as is_active_end,
        cast(was_active_before as {{ dbt.type_boolean() }})
            as was_active_before,

        -- movements
        cast(mrr_movement as {{ dbt.type_string() }}) as mrr_movement,
        cast(
            mrr_start_current_rates - mrr_start as {{ cs_type_money() }}
        ) as fx_impact,
        cast(
            case when mrr_movement = 'new' then mrr else 0 end
            as {{ cs_type_money() }}
        ) as new_mrr,
        cast(
            case
                when mrr_movement = 'expansion'
                    then mrr - mrr_start_current_rates
                else 0
            end as {{ cs_type_money() }}
        ) as expansion_mrr,
        cast(
            case when mrr_movement = 'reactivation' then mrr else 0 end
            as {{ cs_type_money() }}
        ) as reactivation_mrr,
        cast(
            case
                when mrr_movement = 'contraction'
                    then mrr_start_current_rates - mrr
                else 0
            end as {{ cs_type_money() }}
        ) as contraction_mrr,
        cast(
            case
                when mrr_movement = 'churn' then mrr_start_current_rates
                else 0
            end as {{ cs_type_money() }}
        ) as churned_mrr,

        -- first paid month and join-and-leave
        cast(first_paid_date as date) as first_paid_date,
        cast(first_paid_month as date) as first_paid_month,
        cast(month = first_paid_month as {{ dbt.type_boolean() }})
            as is_first_paid_month,
        cast(
            month = first_paid_month and mrr = 0 as {{ dbt.type_boolean() }}
        ) as is_churned_new
    from classified
)

select * from final
