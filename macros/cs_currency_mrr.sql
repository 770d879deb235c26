{#-
    MRR per customer, month and currency on the month's snapshot date: the paid
    periods active then (start <= snapshot < end), summed, converted at the
    month's rate. Arguments are the names of CTEs (or relations) in the calling
    model: `paid_periods` (int_subscription_periods_paid), `months` (rows of
    int_months: month, snapshot_date) and `fx_rates` (int_fx_rates_monthly).
    Columns: customer_id, month, currency, mrr_local, seats, active_periods,
    rate_to_reporting, mrr. int_customer_mrr_by_currency_monthly stores it;
    int_customer_months computes it again for the months it rebuilds, so that it
    does not wait for that model (DECISIONLOG.md, "Model depth").
-#}
{% macro cs_currency_mrr(paid_periods, months, fx_rates) -%}
    select
        aggregated.customer_id,
        aggregated.month,
        aggregated.currency,
        aggregated.mrr_local,
        aggregated.seats,
        aggregated.active_periods,
        {{ fx_rates }}.rate_to_reporting,
        cast(
            aggregated.mrr_local * {{ fx_rates }}.rate_to_reporting
            as {{ cs_type_money() }}
        ) as mrr
    from (
        select
            {{ paid_periods }}.customer_id,
            {{ months }}.month,
            {{ paid_periods }}.currency,
            sum({{ paid_periods }}.mrr_local) as mrr_local,
            sum({{ paid_periods }}.quantity) as seats,
            count(*) as active_periods
        from {{ paid_periods }}
        inner join {{ months }}
            on {{ paid_periods }}.period_start <= {{ months }}.snapshot_date
                and (
                    {{ paid_periods }}.period_end is null
                    or {{ paid_periods }}.period_end > {{ months }}.snapshot_date
                )
        group by
            {{ paid_periods }}.customer_id,
            {{ months }}.month,
            {{ paid_periods }}.currency
    ) as aggregated
    left join {{ fx_rates }}
        on aggregated.currency = {{ fx_rates }}.currency
            and aggregated.month = {{ fx_rates }}.month
{%- endmacro %}
