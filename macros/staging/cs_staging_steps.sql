{#-
    The steps every base_<system>__<table> model shares. A base model:
      keyed         the raw columns renamed raw_<column>, and raw_key: the only
                    place the table's key is computed (inlined: read three times);
    cs_rows_to_parse adds:
      key_copies    the keys delivered more than once, found with one grouped pass
                    before any row-level work;
      rows_to_parse every raw row (is_copy false) and, once more, the rows of the
                    repeated keys (is_copy true);
    the model parses and checks them:
      parsed        every value parsed;
      checked       the staging reasons, from the parsed values and the raw text;
    and cs_deduplicate_and_audit adds:
      flagged       has_copies, joined on after the parsing (inlined: read twice,
                    once for each set);
      copies        the second set, with the raw text, through cs_flag_duplicates
                    (materialised: small, read three times);
      final         the staging reason, and the raw text for rejected rows and copies.
    Each set is one branch of rows_to_parse and each reader of flagged filters on
    is_copy, a constant in each branch, so the engine prunes the other branch:
    every row is parsed once, and the rows of repeated keys once more, instead of
    parsing every row a second time to find them (at 100,000 customers the copies
    branch parses 227 thousand usage rows, not 23 million: usage, ticket events
    and invoices about 3 CPU s fewer together, row for row the same). The join that finds the
    copies runs on the raw key; the one that flags has_copies runs after the
    parsing, as the parsing is cheapest on the raw columns as stored.
    Nothing large is materialised: on DuckDB a materialised CTE of every raw row
    spills to disk at 100,000 customers and loses the dictionary encoding of the
    raw columns, on which trimming and casting run once per distinct value
    (base_product__usage_daily: 110 CPU s materialised, 29 inlined).
-#}

{#- `as materialized` where the engine has it, so a small CTE read several times is
    computed once. -#}
{% macro cs_materialized() -%}
    {{ return(adapter.dispatch('cs_materialized', 'cs_kpis')()) }}
{%- endmacro %}

{% macro default__cs_materialized() -%}
{%- endmacro %}

{% macro duckdb__cs_materialized() -%}
    materialized
{%- endmacro %}

{% macro postgres__cs_materialized() -%}
    materialized
{%- endmacro %}

{#- `as not materialized` on DuckDB, which otherwise materialises a CTE read more than
    once (keyed: by key_copies and both branches of rows_to_parse; flagged: by copies
    and deduplicated); elsewhere nothing (PostgreSQL then materialises it, which suits its
    row-at-a-time parsing). -#}
{% macro cs_inlined() -%}
    {{ return(adapter.dispatch('cs_inlined', 'cs_kpis')()) }}
{%- endmacro %}

{% macro default__cs_inlined() -%}
{%- endmacro %}

{% macro duckdb__cs_inlined() -%}
    not materialized
{%- endmacro %}

{#- The raw columns, each renamed raw_<column>. -#}
{% macro cs_raw_columns(columns) -%}
    {%- for column in columns %}
        {{ column }} as raw_{{ column }}{{ "," if not loop.last }}
    {%- endfor %}
{%- endmacro %}

{#- Keys of `relation` (a CTE with raw_key) that more than one row carries, as
    `key_hash` (cs_key_hash): join it on cs_key_hash(raw_key). -#}
{% macro cs_key_copies(relation) -%}
    select {{ cs_key_hash('raw_key') }} as key_hash
    from {{ relation }}
    where raw_key is not null
    group by {{ cs_key_hash('raw_key') }}
    having count(*) > 1
{%- endmacro %}

{#- What the grouped pass over the keys groups by: a 64-bit hash of the key where
    the engine has one (grouping 24 million keys of usage rows by an integer instead
    of their text: base_product__usage_daily 93 CPU s instead of 112 at 100,000
    customers), the key itself elsewhere. Exactness is kept: a hash collision only
    sends a row with a unique key through the copies branch, whose checks compare
    the keys themselves and find it is no duplicate. -#}
{% macro cs_key_hash(column) -%}
    {{ return(adapter.dispatch('cs_key_hash', 'cs_kpis')(column)) }}
{%- endmacro %}

{% macro default__cs_key_hash(column) -%}
    {{ column }}
{%- endmacro %}

{% macro duckdb__cs_key_hash(column) -%}
    hash({{ column }})
{%- endmacro %}

{% macro spark__cs_key_hash(column) -%}
    xxhash64({{ column }})
{%- endmacro %}

{#- True when a present raw value (raw_<column>) did not parse into <column>. -#}
{% macro cs_any_unparsed(columns) -%}
    ({% for column in columns -%}
        ({{ column }} is null and not ({{ cs_is_missing('raw_' ~ column) }}))
        {{- " or " if not loop.last }}
    {%- endfor %})
{%- endmacro %}

{#- True when a present parsed vocabulary value is outside `values`. -#}
{% macro cs_outside(column, values) -%}
    ({{ column }} is not null and {{ column }} not in (
        {%- for value in values %}'{{ value }}'{{ ", " if not loop.last }}{% endfor -%}
    ))
{%- endmacro %}

{#- After `keyed`: key_copies and rows_to_parse, the rows a base model parses
    (see the top of this file). -#}
{% macro cs_rows_to_parse() -%}
key_copies as (
    {{ cs_key_copies('keyed') }}
),

rows_to_parse as {{ cs_inlined() }} (
    select
        keyed.*,
        false as is_copy
    from keyed

    union all

    select
        keyed.*,
        true as is_copy
    from keyed
    inner join key_copies
        on {{ cs_key_hash('keyed.raw_key') }} = key_copies.key_hash
),
{%- endmacro %}

{#- The shared tail of a base model, from `key_copies` and `checked` (which has
    every output column, raw_<column> for each raw column, raw_key, is_copy,
    key_reason and value_reason) to `final`. `output_columns` are the parsed
    columns kept. -#}
{% macro cs_deduplicate_and_audit(output_columns, raw_columns) -%}
flagged as {{ cs_inlined() }} (
    select
        checked.*,
        key_copies.key_hash is not null as has_copies
    from checked
    left join key_copies
        on {{ cs_key_hash('checked.raw_key') }} = key_copies.key_hash
),

copies as {{ cs_materialized() }} (
    select
        *,
        {{ cs_row_to_text(raw_columns, column_prefix='raw_') }} as raw_row
    from flagged
    where is_copy
),

copies_flagged as (
    {{ cs_flag_duplicates('copies') }}
),

deduplicated as (
    select
        *,
        cast(null as {{ dbt.type_string() }}) as raw_row,
        false as is_duplicate
    from flagged
    where not is_copy and not has_copies

    union all

    select * from copies_flagged
),

reasoned as (
    select
        *,
        coalesce(
            key_reason,
            case when is_duplicate then 'duplicate_key' end,
            value_reason
        ) as rejection_reason
    from deduplicated
),

final as (
    select
        {%- for column in output_columns %}
        {{ column }},
        {%- endfor %}
        raw_key,
        -- the raw text only where someone needs it: rejected rows and copies
        case
            when raw_row is not null then raw_row
            when rejection_reason is not null
                then {{ cs_row_to_text(raw_columns, column_prefix='raw_') }}
        end as raw_row,
        key_reason,
        value_reason,
        is_duplicate,
        rejection_reason
    from reasoned
)
{%- endmacro %}
