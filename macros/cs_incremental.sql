{#-
    Incremental daily runs of the revenue state (see DECISIONLOG.md, "Incremental
    daily runs").

    The two customer-grained revenue tables recompute by customer, not by month:
    a run redoes every month from `recompute_from_month` for every customer (the
    months the moving as_of date touches), and the whole history of each customer
    whose raw rows changed since the last run. A pre-hook stores that scope in a
    temporary table (cs_revenue_scope_create) and deletes the rows it covers
    (cs_revenue_scope_delete); the model then computes those rows again from the
    same scope and dbt appends them. Deleting first is what removes a row that
    vanishes (a customer's first paid month moved later, a customer turned test
    account): nothing of the old state inside the scope survives the run.
    The hooks run inside the model's transaction, so a failed run changes nothing.
    `--full-refresh` builds the same rows from scratch.
-#}

{#- The newest `_loaded_at` among the raw rows (clean or rejected) the revenue
    state reads (`state_inputs`, cs_revenue_state_inputs()): stored on every row as
    `_inputs_loaded_at`; its maximum in the table is the next run's watermark. A
    row stamped after this run started (a loader's clock gone wrong) does not
    count: it would move the watermark into the future, and every row loaded
    until then would be skipped. -#}
{% macro cs_revenue_inputs_loaded_at(state_inputs) -%}
    (
        select max(_loaded_at) from (
            {%- for relation in state_inputs.values() %}
            select max(_loaded_at) as _loaded_at from {{ relation }}
            where _loaded_at <= {{ cs_run_started_at() }}
            {%- if not loop.last %}
            union all
            {%- endif %}
            {%- endfor %}
        ) as inputs
    )
{%- endmacro %}

{#- The raw rows the revenue state reads, by name: the base models (clean and
    rejected rows, every copy of a key) of periods, subscriptions, FX rates,
    customers and owner history. Both revenue tables and their hooks call it, so
    the list cannot differ between them. -#}
{% macro cs_revenue_state_inputs() -%}
    {%- do return({
        'periods': ref('base_billing__subscription_periods'),
        'subscriptions': ref('base_billing__subscriptions'),
        'fx_rates': ref('base_billing__fx_rates'),
        'customers': ref('base_crm__customers'),
        'owner_history': ref('base_crm__customer_owner_history'),
    }) -%}
{%- endmacro %}

{#-
    A one-row, one-column query (`recompute_from_month`): the first month whose
    state may differ from what `this` holds for every customer. Candidates (the
    earliest wins):
    - the as_of month (its snapshot date moves with as_of) and the last month
      already stored (the previous as_of month);
    - the first month of int_months when the table is empty or, for a table that
      stores `month_number` (counted from that first month), when the first month
      its rows were numbered from is not int_months' first month any more. That is
      read from the numbers, not from the table's earliest month: int_months may
      start in a month without a revenue-state row (a one-time invoice before any
      period), which would look like a move on every run. A table without
      `month_number` needs nothing here: rows before a later first month are
      deleted (cs_revenue_scope_delete), and an earlier one comes from a customer
      already in cs_revenue_changed_customers or from an invoice, which no
      revenue-state row reads;
    - for every FX key with a copy loaded since the watermark minus
      var('incremental_lookback_days'): the earliest rate_month of any copy (a
      rate values every customer billed in that currency).
    Outside an incremental run it is the first month of int_months. Changes that
    belong to one customer are not here: cs_revenue_changed_customers.
-#}
{% macro cs_revenue_recompute_from_month(months, state_inputs) -%}
    {%- set numbered = namespace(value=false) -%}
    {%- if is_incremental() -%}
        {%- set since = cs_lookback_since('_inputs_loaded_at') -%}
        {%- if execute -%}
            {%- set columns = adapter.get_columns_in_relation(this) -%}
            {%- set numbered.value = 'month_number' in (
                columns | map(attribute='name') | map('lower') | list) -%}
        {%- endif -%}
    {%- endif -%}
    select min(candidate_month) as recompute_from_month
    from (
        select min(month) as candidate_month from {{ months }}
        {%- if is_incremental() %}
        where (select count(*) from {{ this }}) = 0
        {%- if numbered.value %}
            or (
                select min(
                    cast({{ dbt.dateadd('month', '-1 * month_number', 'month') }} as date)
                )
                from {{ this }}
            )
            <> (select min(month) from {{ months }})
        {%- endif %}

        union all

        select max(month) as candidate_month from {{ months }}

        union all

        select max(month) as candidate_month from {{ this }}

        union all

        select min(rate_month) as candidate_month
        from {{ state_inputs['fx_rates'] }}
        where raw_key in (
            select raw_key from {{ state_inputs['fx_rates'] }}
            where _loaded_at >= {{ since }}
        )
        {%- endif %}
    ) as candidates
{%- endmacro %}

{#-
    The customers (one row each, `customer_id`) whose revenue state may have
    changed in any month since the last run: every customer named by
    - any copy, old or new, clean or rejected, of a period or owner-history key
      with a copy loaded since the watermark minus var('incremental_lookback_days')
      (a newer copy replaces the older one, and may name another customer);
    - a period of the same subscription, or an owner range of the same customer,
      overlapping a row loaded since then (the overlap check can reject either);
    - a customer row loaded since then (its segment, test flag or validity);
    - a period of a subscription loaded since then, or of a subscription of such
      a customer (whether a period's subscription is known depends on both).
    Their whole history is recomputed (a few months more than needed, but a
    customer's history is at most a few dozen rows). Incremental runs only.
-#}
{% macro cs_revenue_changed_customers(state_inputs) -%}
    {%- set periods = state_inputs['periods'] -%}
    {%- set owner_history = state_inputs['owner_history'] -%}
    {%- set since = cs_lookback_since('_inputs_loaded_at') -%}
    select distinct customer_id
    from (
        select customer_id from {{ periods }}
        where raw_key in (
            select raw_key from {{ periods }} where _loaded_at >= {{ since }}
        )

        union all

        select other.customer_id
        from {{ periods }} as other
        inner join {{ periods }} as changed
            on other.subscription_id = changed.subscription_id
                and (
                    changed.period_end is null
                    or other.period_start < changed.period_end
                )
                and (
                    other.period_end is null
                    or other.period_end > changed.period_start
                )
        where changed._loaded_at >= {{ since }}

        union all

        select customer_id from {{ owner_history }}
        where raw_key in (
            select raw_key from {{ owner_history }}
            where _loaded_at >= {{ since }}
        )

        union all

        select other.customer_id
        from {{ owner_history }} as other
        inner join {{ owner_history }} as changed
            on other.customer_id = changed.customer_id
                and (
                    changed.valid_to is null
                    or other.valid_from < changed.valid_to
                )
                and (
                    other.valid_to is null
                    or other.valid_to > changed.valid_from
                )
        where changed._loaded_at >= {{ since }}

        union all

        select raw_key as customer_id from {{ state_inputs['customers'] }}
        where _loaded_at >= {{ since }}

        union all

        select customer_id from {{ periods }}
        where subscription_id in (
            select raw_key from {{ state_inputs['subscriptions'] }}
            where _loaded_at >= {{ since }}
        )
            or subscription_id in (
                select subscription_id from {{ state_inputs['subscriptions'] }}
                where customer_id in (
                    select raw_key from {{ state_inputs['customers'] }}
                    where _loaded_at >= {{ since }}
                )
            )
    ) as named
    where customer_id is not null
{%- endmacro %}

{#- The recompute scope as rows (`customer_id`, `recompute_from_month`): one row
    with a null customer_id, every customer from that month on, and one row per
    changed customer, from the first month of int_months. Computed from `this`
    before the run changes it. -#}
{% macro cs_revenue_recompute_scope(months, state_inputs) -%}
    select
        cast(null as {{ dbt.type_string() }}) as customer_id,
        recompute_from_month
    from (
        {{ cs_revenue_recompute_from_month(months, state_inputs) }}
    ) as everyone
    {%- if is_incremental() %}

    union all

    select
        customer_id,
        (select min(month) from {{ months }}) as recompute_from_month
    from (
        {{ cs_revenue_changed_customers(state_inputs) }}
    ) as changed
    {%- endif %}
{%- endmacro %}

{#- The temporary table of this run's scope (a name of this session only). -#}
{% macro cs_revenue_scope_table() -%}
    {{ this.identifier }}__recompute_scope
{%- endmacro %}

{#- The scope for the model's SQL: the table the pre-hook stored on an
    incremental run or build; the same query inline otherwise (dbt compile and
    show, where no hook runs, and a full build). -#}
{% macro cs_revenue_scope_rows(months, state_inputs) -%}
    {%- if is_incremental() and flags.WHICH in ['run', 'build', 'retry'] -%}
    select customer_id, recompute_from_month from {{ cs_revenue_scope_table() }}
    {%- else -%}
    {{ cs_revenue_recompute_scope(months, state_inputs) }}
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook 1 of a revenue table: store the scope. -#}
{% macro cs_revenue_scope_create(months, state_inputs) -%}
    {%- if is_incremental() -%}
    create temporary table {{ cs_revenue_scope_table() }} as
    {{ cs_revenue_recompute_scope(months, state_inputs) }}
    {%- else -%}
    select 1 as no_recompute_scope_needed
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook 2: delete every row the scope covers, and the months no longer in
    int_months (as_of moved back, or its first month moved later). -#}
{% macro cs_revenue_scope_delete(months) -%}
    {%- if is_incremental() -%}
    delete from {{ this }}
    where month >= (
        select recompute_from_month from {{ cs_revenue_scope_table() }}
        where customer_id is null
    )
        or month < (select min(month) from {{ months }})
        or customer_id in (
            select customer_id from {{ cs_revenue_scope_table() }}
            where customer_id is not null
        )
    {%- else -%}
    select 1 as no_rows_to_delete
    {%- endif -%}
{%- endmacro %}

{#- Post-hook: the scope is not needed after the model's rows are in. -#}
{% macro cs_revenue_scope_drop() -%}
    {%- if is_incremental() -%}
    drop table {{ cs_revenue_scope_table() }}
    {%- else -%}
    select 1 as no_recompute_scope_to_drop
    {%- endif -%}
{%- endmacro %}

{#-
    Incremental base models (base_<system>__<table>, one row per raw row).

    The raw rows a run processes: on an incremental run, every raw row of a key
    with a copy not certainly loaded before the watermark (the newest `_loaded_at`
    the table holds, minus var('incremental_lookback_days'); cs_loaded_before):
    one loaded since, or one whose `_loaded_at` is missing or does not parse; and
    every row without a key (a row stamped after the run started does not move the
    watermark: cs_lookback_since; it is simply processed again). All copies of such
    a key are processed together, because a new copy decides which copy is the
    duplicate. dbt's delete+insert on `raw_key` then replaces those keys' rows;
    the pre-hook `cs_delete_keyless_rows()` removes the keyless ones first (a null
    key matches nothing, so delete+insert would keep them twice). With an empty
    table, or outside an incremental run, every raw row is processed.

    The keys are matched on their parts (cs_raw_key_parts), not on raw_key: joining
    24 million usage rows on two trimmed columns takes 0.5 CPU s, building their
    key text to compare 8 s. `relation` is the source, `table` its contract name.
-#}
{% macro cs_raw_rows_to_process(relation, table) -%}
    {%- if is_incremental() -%}
        {%- set parts = cs_raw_key_parts(table) -%}
        {%- set since = cs_lookback_since('_loaded_at') %}
    select raw_rows.*
    from {{ relation }} as raw_rows
    inner join (
        select distinct
            {%- for part in parts %}
            {{ part }} as key_part_{{ loop.index }}{{ "," if not loop.last }}
            {%- endfor %}
        from {{ relation }}
        -- every row not certainly loaded before the watermark (all of them when
        -- the table is empty: the watermark is null)
        where not {{ cs_loaded_before('_loaded_at', since) }}
    ) as delivered_keys
        on
        {%- for part in parts %}
        {{ part }} = delivered_keys.key_part_{{ loop.index }}{{ " and" if not loop.last }}
        {%- endfor %}

    union all

    select * from {{ relation }}
    where {% for part in parts %}({{ part }}) is null{{ " or " if not loop.last }}{% endfor %}
    {%- else %}
    select * from {{ relation }}
    {%- endif %}
{%- endmacro %}

{#- The CTE hint for the raw rows a base model reads (its `source` CTE): inlined
    on a full build (every raw row, see cs_inlined); materialised on an
    incremental run, where they are the few rows of the keys delivered since the
    last run and finding them scans the whole raw table, which the two readers of
    `keyed` would otherwise do twice (base_product__usage_daily at 100,000
    customers: 14 CPU s inlined, 4 materialised). -#}
{% macro cs_raw_rows_hint() -%}
    {%- if is_incremental() -%}
        {{ cs_materialized() }}
    {%- else -%}
        {{ cs_inlined() }}
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook of an incremental base model: its keyless rows (null_key rejects),
    which every run processes again (cs_raw_rows_to_process). -#}
{% macro cs_delete_keyless_rows() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where raw_key is null
    {%- else -%}
        select 1 as no_keyless_rows_to_delete
    {%- endif -%}
{%- endmacro %}

{#- A scalar subquery: the watermark of an incremental model, the newest `column`
    its table holds that is not after this run's start, minus
    var('incremental_lookback_days'); null while the table is empty. Raw rows
    stamped since then are looked at again. -#}
{% macro cs_lookback_since(column) -%}
    (
        select {{ dbt.dateadd('day', -(var('incremental_lookback_days') | int),
            'max(' ~ column ~ ')') }}
        from {{ this }}
        where {{ column }} <= {{ cs_run_started_at() }}
    )
{%- endmacro %}

{#- When this dbt invocation started (UTC), as a timestamp literal: the latest
    `_loaded_at` a watermark may take. -#}
{% macro cs_run_started_at() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}
