/* grain: one row per rejected raw row, of every raw table */
{%- set checked_tables = [
    ('crm.customers', 'base_crm__customers'),
    ('crm.cs_reps', 'base_crm__cs_reps'),
    ('crm.customer_owner_history', 'base_crm__customer_owner_history'),
    ('crm.customer_business_metrics', 'base_crm__customer_business_metrics'),
    ('billing.subscriptions', 'base_billing__subscriptions'),
    ('billing.subscription_periods', 'base_billing__subscription_periods'),
    ('billing.invoices', 'base_billing__invoices'),
    ('billing.fx_rates', 'base_billing__fx_rates'),
    ('support.tickets', 'base_support__tickets'),
    ('support.ticket_events', 'base_support__ticket_events'),
    ('surveys.survey_responses', 'base_surveys__survey_responses'),
    ('product.usage_daily', 'base_product__usage_daily'),
    ('finance.cs_costs', 'base_finance__cs_costs'),
] %}

with

{% for source_table, base_model in checked_tables %}
{{ base_model }} as (
    select
        '{{ source_table }}' as source_table,
        raw_key as row_key,
        rejection_reason,
        raw_row,
        _loaded_at
    from {{ ref(base_model) }}
    where rejection_reason is not null
),
{% endfor %}

final as (
    {% for source_table, base_model in checked_tables %}
    select * from {{ base_model }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from final
