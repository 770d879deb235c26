{#- The white space the project trims, one SQL expression per character: the space
    first (default__cs_trim turns the others into it), then tab, line feed, carriage
    return. Every trim and end check spells the set from here. -#}
{% macro cs_whitespace_chars() -%}
    {{ return(["' '", 'chr(9)', 'chr(10)', 'chr(13)']) }}
{%- endmacro %}

{#- Text without leading and trailing white space: spaces, tabs, line breaks. -#}
{% macro cs_trim(column) -%}
    {{ return(adapter.dispatch('cs_trim', 'cs_kpis')(column)) }}
{%- endmacro %}

{% macro default__cs_trim(column) -%}
    {%- set replaced = namespace(text=column) -%}
    {%- for char in cs_whitespace_chars()[1:] -%}
        {%- set replaced.text = "replace(" ~ replaced.text ~ ", " ~ char ~ ", ' ')" -%}
    {%- endfor %}
    trim({{ replaced.text }})
{%- endmacro %}

{#- DuckDB: trim with the set of characters. On a dictionary-encoded raw column
    (most raw columns: ids, codes, numbers, dates repeat) it runs once per distinct
    value; a `case` that skips it for values without white space at their ends
    would be cheaper on plain columns but turns every dictionary column plain, and
    the parsers after it run on every row (base_product__usage_daily at 100,000
    customers: 16 s wall instead of 42). -#}
{% macro duckdb__cs_trim(column) -%}
    trim({{ column }}, {{ cs_whitespace_chars() | join(' || ') }})
{%- endmacro %}

{#- Postgres and Spark: strip only the ends, as DuckDB does (the default turns tabs and
    line breaks inside the text into spaces too). -#}
{% macro postgres__cs_trim(column) -%}
    btrim({{ column }}, {{ cs_whitespace_chars() | join(' || ') }})
{%- endmacro %}

{% macro spark__cs_trim(column) -%}
    trim(both concat({{ cs_whitespace_chars() | join(', ') }}) from {{ column }})
{%- endmacro %}

{#- Trimmed text, with empty and whitespace-only values as null. -#}
{% macro cs_text(column) -%}
    nullif({{ cs_trim(column) }}, '')
{%- endmacro %}

{#- cs_text for a column whose values hardly repeat (a raw table's own id: one
    value per row), the same value. -#}
{% macro cs_text_of_id(column) -%}
    {{ return(adapter.dispatch('cs_text_of_id', 'cs_kpis')(column)) }}
{%- endmacro %}

{% macro default__cs_text_of_id(column) -%}
    {{ cs_text(column) }}
{%- endmacro %}

{#- DuckDB: trim only the values with white space at an end. A plain (not
    dictionary-encoded) column pays DuckDB's trim-with-a-set per row: 6 million
    ticket event ids take 1.5 s wall to trim, 0.3 s to check their two ends
    (cs_trim above explains why the same `case` is slower on repeating values). -#}
{% macro duckdb__cs_text_of_id(column) -%}
    case
        when left({{ column }}, 1) in ({{ cs_whitespace_chars() | join(', ') }})
            or right({{ column }}, 1) in ({{ cs_whitespace_chars() | join(', ') }})
            then {{ cs_text(column) }}
        else nullif({{ column }}, '')
    end
{%- endmacro %}

{#- Trimmed, lower-cased text for closed vocabularies. -#}
{% macro cs_vocab(column) -%}
    lower({{ cs_text(column) }})
{%- endmacro %}

{#- Upper-cased currency code. -#}
{% macro cs_currency(column) -%}
    upper({{ cs_text(column) }})
{%- endmacro %}

{#- Boolean from true/false/1/0/yes/no in any case; anything else is null. -#}
{% macro cs_parse_boolean(column) -%}
    case
        when lower({{ cs_trim(column) }}) in ('true', '1', 'yes') then true
        when lower({{ cs_trim(column) }}) in ('false', '0', 'no') then false
    end
{%- endmacro %}

