{#-
    The rows a uniqueness test returns: one per combination of `columns` that more
    than one row of `model` carries, as the columns (renamed by `aliases`, one name
    per column, when given) and its row count (`count_alias`). `where` limits the
    rows looked at. dbt's `unique` (duckdb__test_unique) and
    cs_unique_combination are built on it.
-#}
{% macro cs_repeated_values(model, columns, count_alias, aliases=none, where=none) -%}
    {{ return(adapter.dispatch('cs_repeated_values', 'cs_kpis')(
        model, columns, count_alias, aliases, where)) }}
{%- endmacro %}

{%- macro cs_repeated_values_tail(model, columns, count_alias, aliases, where) -%}
select
    {%- for column in columns %}
    {{ column }}{% if aliases %} as {{ aliases[loop.index0] }}{% endif %},
    {%- endfor %}
    count(*) as {{ count_alias }}
from {{ model }}
{%- if where %}
where {{ where }}
{%- endif %}
group by {{ columns | join(', ') }}
having count(*) > 1
{%- endmacro %}

{% macro default__cs_repeated_values(model, columns, count_alias, aliases, where) -%}
    {{ cs_repeated_values_tail(model, columns, count_alias, aliases, where) }}
{%- endmacro %}

{#- DuckDB: grouping every row by its values is the cost of a uniqueness test on a
    large model (24 million usage rows: 4.5 to 6.2 CPU s). Sorting the rows' 64-bit
    hashes (cs_key_hash, as the base models' key_copies) finds the hashes that
    repeat; only the rows with such a hash are then grouped by their values (1.9 CPU
    s). A hash collision only adds rows to that last step, which compares the values
    themselves: the result is the same. The model is read twice, so a view's query
    runs twice; on the largest views tested (usage and ticket events in staging) that
    still costs less, as measured above. -#}
{% macro duckdb__cs_repeated_values(model, columns, count_alias, aliases, where) -%}
    {%- set key_hash = cs_key_hash(columns | join(', ')) -%}
    {%- set repeated -%}
        {{ key_hash }} in (
            select key_hash
            from (
                select
                    key_hash,
                    lag(key_hash) over (order by key_hash) as previous_key_hash
                from (
                    select {{ key_hash }} as key_hash
                    from {{ model }}
                    {%- if where %}
                    where {{ where }}
                    {%- endif %}
                ) as hashed
            ) as sorted_hashes
            where key_hash = previous_key_hash
        )
    {%- endset -%}
    {{ cs_repeated_values_tail(model, columns, count_alias, aliases,
        ('(' ~ where ~ ') and ' if where else '') ~ repeated) }}
{%- endmacro %}

{#- dbt's `unique` on DuckDB (found first: dbt looks for dispatched macros in the
    root project before its own), the same rows as dbt's default__test_unique. -#}
{% macro duckdb__test_unique(model, column_name) -%}
    {{ cs_repeated_values(model, [column_name], 'n_records', aliases=['unique_field'],
        where=column_name ~ ' is not null') }}
{%- endmacro %}
