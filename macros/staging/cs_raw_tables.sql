{#-
    The key of every raw table, over its raw text columns: the one place a key is
    defined. Base models compute raw_key with it (once, in their `keyed` CTE); the
    audit model finds the raw text of a conformed reject with it. Parts of a
    composite key are joined with '|' (cs_key). A date part is its trimmed text:
    every text the date parser accepts is already in the date's own spelling
    (YYYY-MM-DD). A timestamp part is the parsed timestamp as text (its spellings
    vary: 'T' or ' ', a 'Z'), or the trimmed text when it does not parse. A
    one-column key is a row's own id (cs_text_of_id: the same text, cheaper on
    values that do not repeat).
-#}
{% macro cs_raw_key_parts(table) -%}
    {%- set valid_from -%}
        coalesce(
            cast({{ cs_parse_timestamp('valid_from') }} as {{ dbt.type_string() }}),
            {{ cs_text('valid_from') }}
        )
    {%- endset -%}
    {%- set parts = {
        'crm.customers': [cs_text_of_id('customer_id')],
        'crm.cs_reps': [cs_text_of_id('rep_id')],
        'crm.customer_owner_history': [cs_text('customer_id'), valid_from],
        'crm.customer_business_metrics': [cs_text('customer_id'), cs_text('as_of_date')],
        'billing.subscriptions': [cs_text_of_id('subscription_id')],
        'billing.subscription_periods': [cs_text_of_id('subscription_period_id')],
        'billing.invoices': [cs_text_of_id('invoice_id')],
        'billing.fx_rates': [cs_currency('currency'), cs_text('rate_month')],
        'support.tickets': [cs_text_of_id('ticket_id')],
        'support.ticket_events': [cs_text_of_id('event_id')],
        'surveys.survey_responses': [cs_text_of_id('response_id')],
        'product.usage_daily': [cs_text('customer_id'), cs_text('usage_date')],
        'finance.cs_costs': [cs_text('cost_month'), cs_vocab('cost_category')],
    } -%}
    {{ return(parts[table]) }}
{%- endmacro %}

{% macro cs_raw_key(table) -%}
    {{ cs_key(cs_raw_key_parts(table)) }}
{%- endmacro %}

{#- The raw columns of every raw table, in the contract's order (the keys of the
    audit's raw_row text). -#}
{% macro cs_raw_columns_of(table) -%}
    {%- set columns = {
        'crm.customers': ['customer_id', 'customer_name', 'primary_contact_email',
            'segment', 'industry', 'country_code', 'created_at', 'is_test_account',
            '_loaded_at'],
        'crm.cs_reps': ['rep_id', 'rep_name', 'rep_email', 'team', 'hired_at', 'left_at',
            '_loaded_at'],
        'crm.customer_owner_history': ['customer_id', 'rep_id', 'valid_from', 'valid_to',
            '_loaded_at'],
        'crm.customer_business_metrics': ['customer_id', 'as_of_date', 'employee_count',
            'end_customer_count', '_loaded_at'],
        'billing.subscriptions': ['subscription_id', 'customer_id', 'plan_id',
            'contract_term_months', 'started_at', 'ended_at', 'cancellation_reason',
            '_loaded_at'],
        'billing.subscription_periods': ['subscription_period_id', 'subscription_id',
            'customer_id', 'billing_interval', 'amount', 'currency', 'quantity', 'is_trial',
            'period_start', 'period_end', '_loaded_at'],
        'billing.invoices': ['invoice_id', 'customer_id', 'subscription_id', 'invoice_type',
            'amount', 'tax_amount', 'currency', 'issued_at', 'due_date', 'paid_at', 'status',
            '_loaded_at'],
        'billing.fx_rates': ['currency', 'rate_month', 'rate_to_reporting', '_loaded_at'],
        'support.tickets': ['ticket_id', 'customer_id', 'requester_email', 'assignee_id',
            'channel', 'priority', 'subject', 'status', 'created_at', '_loaded_at'],
        'support.ticket_events': ['event_id', 'ticket_id', 'event_at', 'event_type',
            'actor_id', 'is_public', 'new_status', '_loaded_at'],
        'surveys.survey_responses': ['response_id', 'customer_id', 'respondent_email',
            'survey_type', 'score', 'comment', 'ticket_id', 'responded_at', '_loaded_at'],
        'product.usage_daily': ['customer_id', 'usage_date', 'active_users', 'sessions',
            'key_events', '_loaded_at'],
        'finance.cs_costs': ['cost_month', 'cost_category', 'amount', 'currency',
            '_loaded_at'],
    } -%}
    {{ return(columns[table]) }}
{%- endmacro %}
