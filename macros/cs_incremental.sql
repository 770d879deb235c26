{#-
    Incremental daily runs of the revenue state (see DECISIONLOG.md, "Incremental
    daily runs").

    A month-grained incremental model replaces whole months: every run deletes
    and re-inserts each month from `cs_revenue_recompute_from_month()` on
    (delete+insert on unique_key `month`), so a row that vanishes inside a
    recomputed month (a period replaced by a newer copy) cannot linger.
    `--full-refresh` builds the same rows from scratch.
-#}

{#- The newest `_loaded_at` among the raw rows (clean or rejected) the revenue
    state reads (`state_inputs`: a mapping of names to the base models, refs
    the calling model lists): stored on every row as `_inputs_loaded_at`; its
    maximum in the table is the next run's watermark. A row stamped after this
    run started (a loader's clock gone wrong) does not count: it would move the
    watermark into the future, and every row loaded until then would be skipped. -#}
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

{#-
    A one-row, one-column query (`recompute_from_month`): the first month whose
    state may differ from what `this` holds. Candidates (the earliest wins):
    - the as_of month (its snapshot date moves with as_of) and the last month
      already stored (the previous as_of month);
    - the first month of int_months when the table is empty or its first month
      moved (month_number counts from it);
    - for every raw key with a copy loaded since the watermark minus
      var('incremental_lookback_days'): the month of the earliest date of any
      copy of that key, old or new, clean or rejected (a newer copy replaces the
      older one, so the months of both change), and of every row of the same
      subscription (periods) or customer (owner ranges) whose range overlaps a
      new row's (the overlap check can reject it): periods by period_start,
      owner ranges by valid_from, FX rates by rate_month;
    - a customer or subscription row loaded since then: the first period start
      of that customer or subscription (its segment, test flag or validity
      changes every month it has).
    Outside an incremental run it is the first month of int_months.
    `months` is int_months; `state_inputs` maps periods, subscriptions,
    fx_rates, customers and owner_history to their base models (the calling
    model's refs: no ref hides in this macro).
-#}
{% macro cs_revenue_recompute_from_month(months, state_inputs) -%}
    {%- set periods = state_inputs['periods'] -%}
    {%- set owner_history = state_inputs['owner_history'] -%}
    {%- if is_incremental() -%}
        {%- set since = cs_lookback_since('_inputs_loaded_at') -%}
    {%- endif -%}
    select min(candidate_month) as recompute_from_month
    from (
        select min(month) as candidate_month from {{ months }}
        {%- if is_incremental() %}
        where (select count(*) from {{ this }}) = 0
            or (select min(month) from {{ this }})
            <> (select min(month) from {{ months }})

        union all

        select max(month) as candidate_month from {{ months }}

        union all

        select max(month) as candidate_month from {{ this }}

        union all

        select {{ cs_month_of('min(period_start)') }} as candidate_month
        from {{ periods }}
        where raw_key in (
            select raw_key from {{ periods }} where _loaded_at >= {{ since }}
        )

        union all

        select {{ cs_month_of('min(other.period_start)') }} as candidate_month
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

        select {{ cs_month_of(cs_to_reporting_date('min(valid_from)')) }}
            as candidate_month
        from {{ owner_history }}
        where raw_key in (
            select raw_key from {{ owner_history }}
            where _loaded_at >= {{ since }}
        )

        union all

        select {{ cs_month_of(cs_to_reporting_date('min(other.valid_from)')) }}
            as candidate_month
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

        select min(rate_month) as candidate_month
        from {{ state_inputs['fx_rates'] }}
        where raw_key in (
            select raw_key from {{ state_inputs['fx_rates'] }}
            where _loaded_at >= {{ since }}
        )

        union all

        select {{ cs_month_of('min(period_start)') }} as candidate_month
        from {{ periods }}
        where customer_id in (
            select raw_key from {{ state_inputs['customers'] }}
            where _loaded_at >= {{ since }}
        )
            or subscription_id in (
                select raw_key from {{ state_inputs['subscriptions'] }}
                where _loaded_at >= {{ since }}
            )
        {%- endif %}
    ) as candidates
{%- endmacro %}

{#- Post-hook of a month-grained incremental model: months no longer in
    int_months (as_of moved back, or the first month moved later) are removed;
    every other month was either kept or replaced whole. -#}
{% macro cs_delete_months_outside_spine(months) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where month < (select min(month) from {{ months }})
            or month > (select max(month) from {{ months }})
    {%- else -%}
        select 1 as no_cleanup_needed
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
