/* grain: one row per rejected raw row, of every raw table */
{#- Each raw table: its base model (staging's own checks) and, where it has
    cross-system checks, its conformed int_*_checked model. A row rejected in
    staging is never re-checked, so the two sets do not overlap. `first_key` is
    the checked model's column that holds the first part of the table's key. -#}
{%- set checked_tables = [
    ('crm', 'customers', 'base_crm__customers', none, none),
    ('crm', 'cs_reps', 'base_crm__cs_reps', none, none),
    ('crm', 'customer_owner_history', 'base_crm__customer_owner_history',
        'int_customer_owner_history_checked', 'customer_id'),
    ('crm', 'customer_business_metrics', 'base_crm__customer_business_metrics',
        'int_customer_business_metrics_checked', 'customer_id'),
    ('billing', 'subscriptions', 'base_billing__subscriptions',
        'int_subscriptions_checked', 'subscription_id'),
    ('billing', 'subscription_periods', 'base_billing__subscription_periods',
        'int_subscription_periods_checked', 'subscription_period_id'),
    ('billing', 'invoices', 'base_billing__invoices', 'int_invoices_checked', 'invoice_id'),
    ('billing', 'fx_rates', 'base_billing__fx_rates', none, none),
    ('support', 'tickets', 'base_support__tickets', 'int_tickets_checked', 'ticket_id'),
    ('support', 'ticket_events', 'base_support__ticket_events',
        'int_ticket_events_checked', 'event_id'),
    ('surveys', 'survey_responses', 'base_surveys__survey_responses',
        'int_survey_responses_checked', 'response_id'),
    ('product', 'usage_daily', 'base_product__usage_daily', 'int_usage_daily_checked',
        'customer_id'),
    ('finance', 'cs_costs', 'base_finance__cs_costs', 'int_cs_costs_checked', none),
] %}

with

{% for system, table, base_model, checked_model, first_key in checked_tables %}
{%- set qualified = system ~ '.' ~ table %}
-- {{ qualified }}: rejected in staging, with the raw text kept there
{{ base_model }} as (
    select
        '{{ qualified }}' as source_table,
        raw_key as row_key,
        rejection_reason,
        raw_row,
        _loaded_at
    from {{ ref(base_model) }}
    where rejection_reason is not null
),
{%- if checked_model %}

{{ checked_model }}_rejects as (
    select
        raw_key,
        {{ first_key or 'raw_key' }} as first_key,
        rejection_reason,
        _loaded_at
    from {{ ref(checked_model) }}
    where rejection_reason is not null
),

-- The raw text of the (few) rows the conformed layer rejects, found again in the
-- source by key: a clean row's newest copies all have the same text.
{{ checked_model }}_raw_rows as (
    select
        raw_key,
        _loaded_at,
        min(raw_row) as raw_row
    from (
        select
            {{ cs_raw_key(qualified) }} as raw_key,
            {{ cs_parse_timestamp('_loaded_at') }} as _loaded_at,
            {{ cs_row_to_text(cs_raw_columns_of(qualified)) }} as raw_row
        from {{ source(system, table) }}
        where {{ cs_raw_key_parts(qualified)[0] if first_key else cs_raw_key(qualified) }}
            in (select first_key from {{ checked_model }}_rejects)
    ) as candidates
    group by raw_key, _loaded_at
),

{{ checked_model }} as (
    select
        '{{ qualified }}' as source_table,
        rejects.raw_key as row_key,
        rejects.rejection_reason,
        raw_rows.raw_row,
        rejects._loaded_at
    from {{ checked_model }}_rejects as rejects
    left join {{ checked_model }}_raw_rows as raw_rows
        on rejects.raw_key = raw_rows.raw_key
            and rejects._loaded_at = raw_rows._loaded_at
),
{%- endif %}
{% endfor %}

{%- set parts = [] %}
{%- for system, table, base_model, checked_model, first_key in checked_tables %}
{%- do parts.append(base_model) %}
{%- if checked_model %}{% do parts.append(checked_model) %}{% endif %}
{%- endfor %}

final as (
    {%- for part in parts %}
    select * from {{ part }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from final
