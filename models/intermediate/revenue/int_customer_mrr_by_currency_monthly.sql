/* grain: one row per customer, month and currency with MRR on the snapshot date */
{%- set months_relation = ref('int_months') %}
{#- the raw rows the revenue state reads (base models: clean and rejected) -#}
{%- set state_inputs = {
    'periods': ref('base_billing__subscription_periods'),
    'subscriptions': ref('base_billing__subscriptions'),
    'fx_rates': ref('base_billing__fx_rates'),
    'customers': ref('base_crm__customers'),
    'owner_history': ref('base_crm__customer_owner_history'),
} %}
{#- incremental where the engine has delete+insert (materialisation and schema-change
    rule: dbt_project.yml) -#}
{{ config(
    incremental_strategy='delete+insert',
    unique_key='month',
    post_hook=["{{ cs_delete_months_outside_spine(ref('int_months')) }}"]
) }}
with

-- Incremental runs recompute whole months from recompute_from_month on.
recompute as (
    {{ cs_revenue_recompute_from_month(months_relation, state_inputs) }}
),

months as (
    select * from {{ months_relation }}
    where month >= (select recompute_from_month from recompute)
),

paid_periods as (
    select * from {{ ref('int_subscription_periods_paid') }}
),

fx_rates as (
    select * from {{ ref('int_fx_rates_monthly') }}
),

-- Paid periods active on the snapshot date: start <= snapshot < end.
currency_mrr as (
    {{ cs_currency_mrr('paid_periods', 'months', 'fx_rates') }}
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
