/* grain: one row per customer, month and currency with MRR on the snapshot date */
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

-- What this run recomputes: every customer from the month of the row with a
-- null customer_id, each changed customer from the first month (all of it on
-- a full refresh).
recompute as (
    {{ cs_revenue_scope_rows(months_relation, state_inputs) }}
),

changed_customers as (
    select customer_id from recompute
    where customer_id is not null
),

months as (
    select * from {{ months_relation }}
),

recomputed_months as (
    select * from months
    where
        month >= (
            select recompute_from_month from recompute
            where customer_id is null
        )
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

fx_rates as (
    select * from {{ ref('int_fx_rates_monthly') }}
),

-- Paid periods active on the snapshot date: start <= snapshot < end.
currency_mrr as (
    {{ cs_currency_mrr('changed_paid_periods', 'months', 'fx_rates') }}

    union all

    {{ cs_currency_mrr('unchanged_paid_periods', 'recomputed_months', 'fx_rates') }}
),

final as (
    select
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(month as date) as month,
        cast(currency as {{ dbt.type_string() }}) as currency,
        cast(mrr_local as {{ cs_type_money() }}) as mrr_local,
        cast(seats as {{ dbt.type_bigint() }}) as seats,
        cast(active_periods as {{ dbt.type_bigint() }}) as active_periods,
        rate_to_reporting,
        cast(mrr as {{ cs_type_money() }}) as mrr,

        -- bookkeeping: the incremental watermark
        cast(
            {{ cs_revenue_inputs_loaded_at(state_inputs) }}
            as {{ dbt.type_timestamp() }}
        ) as _inputs_loaded_at
    from currency_mrr
)

select * from final
