/* grain: one row per customer per month, first paid month to the as_of month */
{%- set months_relation = ref('int_months') %}
{#- the raw rows the revenue state reads (base models: clean and rejected) -#}
{%- set state_inputs = cs_revenue_state_inputs() %}
{#- incremental where the engine has delete+insert (materialisation and schema-change
    rule: dbt_project.yml): the pre-hooks delete the rows this run recomputes, the
    model's rows are appended (macros/cs_incremental.sql) -#}
{{ config(
    incremental_strategy='append',
    pre_hook=[
        "{{ cs_revenue_scope_create(ref('int_months'), cs_revenue_state_inputs()) }}",
        "{{ cs_revenue_scope_delete(ref('int_months')) }}",
    ],
    post_hook=["{{ cs_revenue_scope_drop() }}"]
) }}
with

customers as (
    select * from {{ ref('stg_crm__customers') }}
    where not is_test_account
),

months as (
    select * from {{ months_relation }}
),

-- What this run recomputes: every customer from the month of the row with a
-- null customer_id, each changed customer from the first month (all of it on
-- a full refresh). The rows outside it are kept as they are.
recompute as (
    {{ cs_revenue_scope_rows(months_relation, state_inputs) }}
),

changed_customers as (
    select customer_id from recompute
    where customer_id is not null
),

fx_rates as (
    select * from {{ ref('int_fx_rates_monthly') }}
),

paid_periods as (
    select * from {{ ref('int_subscription_periods_paid') }}
),

changed_paid_periods as (
    select paid_periods.*
    from paid_periods
    inner join changed_customers
        on paid_periods.customer_id = changed_customers.customer_id
),

unchanged_paid_periods as (
    select paid_periods.*
    from paid_periods
    left join changed_customers
        on paid_periods.customer_id = changed_customers.customer_id
    where changed_customers.customer_id is null
),

-- The months whose MRR per currency this run needs for the unchanged
-- customers: the recomputed ones and the month before the first of them (its
-- MRR is the next month's start). Changed customers need every month.
currency_months as (
    select months.*
    from months
    inner join recompute
        on recompute.customer_id is null
            and months.month
            >= cast(
                {{ dbt.dateadd('month', -1, 'recompute.recompute_from_month') }}
                as date
            )
),

-- MRR per customer, month and currency, as int_customer_mrr_by_currency_monthly
-- stores it, computed here for those months so this model need not wait for it.
currency_mrr as (
    {{ cs_currency_mrr('changed_paid_periods', 'months', 'fx_rates') }}

    union all

    {{ cs_currency_mrr('unchanged_paid_periods', 'currency_months', 'fx_rates') }}
),

-- Ownership ranges as reporting-timezone dates; a range starting after
-- as_of is ignored. The owner on day D is the range covering the end of D.
owner_ranges as (
    select
        customer_id,
        rep_id,
        {{ cs_to_reporting_date('valid_from') }} as valid_from_date,
        {{ cs_to_reporting_date('valid_to') }} as valid_to_date
    from {{ ref('int_customer_owner_history_checked') }}
    where rejection_reason is null
        and {{ cs_to_reporting_date('valid_from') }} <= {{ cs_as_of_date() }}
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
    left join changed_customers
        on first_paid_periods.customer_id = changed_customers.customer_id
    where changed_customers.customer_id is not null
        or months.month >= (
            select recompute_from_month from recompute
            where customer_id is null
        )
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
    where
        months.month >= (
            select min(recompute_from_month) as first_recomputed_month
            from recompute
        )
    group by currency_mrr.customer_id, months.month
),

-- The customer's billing currency in M: that of its latest paid period
-- started on or before the snapshot date (the greatest currency among periods
-- sharing that start). One pass: the greatest 'YYYY-MM-DD' || currency string
-- orders by start date first (fixed width), then by currency.
billing_currencies as (
    select
        customer_spine.customer_id,
        customer_spine.month,
        substr(
            max(
                {{ dbt.concat([
                    'cast(paid_periods.period_start as ' ~ dbt.type_string() ~ ')',
                    'paid_periods.currency'
                ]) }}
            ),
            11
        ) as currency
    from customer_spine
    inner join paid_periods
        on customer_spine.customer_id = paid_periods.customer_id
            and customer_spine.snapshot_date >= paid_periods.period_start
    group by customer_spine.customer_id, customer_spine.month
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
        customer_spine.previous_month,
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

-- mrr_start: C of M-1 at M-1's rates (no row before the first paid month:
-- no MRR). Active at an earlier month end <=> the first month with MRR is
-- earlier. Two hash joins instead of a window sorting every customer-month.
-- The months before those recomputed come from the table as it is (never a
-- changed customer's: its whole history is recomputed).
first_active_months as (
    select
        customer_id,
        min(month) as first_active_month
    from (
        select
            customer_id,
            month
        from mrr_at_snapshot
        where mrr > 0
        {%- if is_incremental() %}

        union all

        select
            kept.customer_id,
            kept.month
        from {{ this }} as kept
        left join changed_customers
            on kept.customer_id = changed_customers.customer_id
        where kept.is_active_end
            and changed_customers.customer_id is null
            and kept.month < (
                select recompute_from_month from recompute
                where customer_id is null
            )
        {%- endif %}
    ) as active_months
    group by customer_id
),

with_history as (
    select
        joined.*,
        coalesce(mrr_at_previous_snapshot.mrr, 0) as mrr_start,
        coalesce(
            first_active_months.first_active_month < joined.month, false
        ) as was_active_before
    from joined
    left join mrr_at_snapshot as mrr_at_previous_snapshot
        on joined.customer_id = mrr_at_previous_snapshot.customer_id
            and joined.previous_month = mrr_at_previous_snapshot.month
    left join first_active_months
        on joined.customer_id = first_active_months.customer_id
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
        ) as is_churned_new,

        -- bookkeeping: the incremental watermark
        cast(
            {{ cs_revenue_inputs_loaded_at(state_inputs) }}
            as {{ dbt.type_timestamp() }}
        ) as _inputs_loaded_at
    from classified
)

select * from final
