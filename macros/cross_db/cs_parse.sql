{#-
    Parsing raw text into types. Each returns null when the text does not parse,
    so staging can tell a bad value (present, unparsable) from a missing one.
    The default implementations use dbt's safe_cast; engines whose cast is not
    safe, or too lenient, get their own implementation below.
-#}

{% macro cs_parse_date(column) -%}
    {{ return(adapter.dispatch('cs_parse_date', 'cs_kpis')(column)) }}
{%- endmacro %}

{% macro default__cs_parse_date(column) -%}
    {{ dbt.safe_cast(cs_text(column), api.Column.translate_type('date')) }}
{%- endmacro %}

{#- DuckDB: text already in the cast's own spelling (it casts and prints back to
    itself) is taken without the regular expression, which is costlier than the
    cast and, unlike it, runs on every row of a dictionary-encoded column rather
    than once per distinct value; any other text takes the shape check. The length
    keeps out years past 9999, which print back to themselves but are not dates here. -#}
{% macro duckdb__cs_parse_date(column) -%}
    {%- set text = cs_trim(column) -%}
    case
        when length({{ text }}) = 10
            and cast(try_cast({{ text }} as date) as {{ dbt.type_string() }}) = {{ text }}
            then try_cast({{ text }} as date)
        when regexp_full_match({{ text }}, '\d{4}-\d{2}-\d{2}')
            then try_cast({{ text }} as date)
    end
{%- endmacro %}

{#- Postgres has no try_cast and its cast errors on bad text: a regular expression
    admits only the shape, then integer arithmetic checks the calendar, so the cast
    only ever sees valid text. `[0-9]`, not `\d`, which may match other scripts'
    digits. Year 0 (which Postgres has no date for) is not a date. -#}
{% macro postgres__cs_parse_date(column) -%}
    case
        when trim({{ column }}) ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
            then case
                when {{ cs_pg_is_calendar_date('trim(' ~ column ~ ')') }}
                    then cast(trim({{ column }}) as date)
            end
    end
{%- endmacro %}

{#- Postgres helper: true when `text`, known to start with YYYY-MM-DD in digits, names
    a day of the proleptic Gregorian calendar. -#}
{% macro cs_pg_is_calendar_date(text) -%}
    {%- set year = 'cast(substr(' ~ text ~ ', 1, 4) as integer)' -%}
    {%- set month = 'cast(substr(' ~ text ~ ', 6, 2) as integer)' -%}
    {%- set day = 'cast(substr(' ~ text ~ ', 9, 2) as integer)' -%}
    ({{ year }} >= 1
        and {{ month }} between 1 and 12
        and {{ day }} between 1 and case
            when {{ month }} = 2 and ({{ year }} % 4 = 0 and {{ year }} % 100 <> 0
                or {{ year }} % 400 = 0) then 29
            when {{ month }} = 2 then 28
            when {{ month }} in (4, 6, 9, 11) then 30
            else 31
        end)
{%- endmacro %}

{% macro cs_parse_timestamp(column) -%}
    {{ return(adapter.dispatch('cs_parse_timestamp', 'cs_kpis')(column)) }}
{%- endmacro %}

{% macro default__cs_parse_timestamp(column) -%}
    {{ dbt.safe_cast(cs_text(column), api.Column.translate_type('timestamp')) }}
{%- endmacro %}

{% macro duckdb__cs_parse_timestamp(column) -%}
    {#- ISO-8601 in UTC: '2024-03-05T14:02:11Z' or '2024-03-05 14:02:11' (a bare date
        is midnight). The trailing Z is dropped, since the contract says UTC. The
        common spelling (duckdb__cs_is_plain_timestamp) skips the regular expression
        (see the date parser), and untrimmed skips the trimming too: a text that is
        plain as delivered has nothing to trim, and trimming costs more than the
        cast (6 million distinct event times: 4 CPU s with the trims, 2 without). -#}
    {%- set text = cs_trim(column) -%}
    case
        when {{ duckdb__cs_is_plain_timestamp(column) }}
            then try_cast({{ column }} as timestamp)
        when {{ duckdb__cs_is_plain_timestamp(text) }}
            then try_cast({{ text }} as timestamp)
        when regexp_full_match(
            {{ text }},
            '\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]00(:?00)?)?'
        )
            then try_cast(
                regexp_replace({{ text }}, '(Z|[+-]00(:?00)?)$', '') as timestamp
            )
    end
{%- endmacro %}

{#- True for 'YYYY-MM-DD[T ]HH:MM:SS' with an optional Z whose cast prints back to
    it (with a space and no Z): a timestamp the cast reads exactly as the contract
    does. Null or false for any other text. -#}
{% macro duckdb__cs_is_plain_timestamp(text) -%}
    (length({{ text }}) = 19 or length({{ text }}) = 20 and right({{ text }}, 1) = 'Z')
            and substr({{ text }}, 5, 1) = '-'
            and cast(try_cast({{ text }} as timestamp) as {{ dbt.type_string() }})
            = replace(replace({{ text }}, 'T', ' '), 'Z', '')
{%- endmacro %}

{#- True only for a raw text that certainly parses (cs_parse_timestamp) to a time
    before `since`; false for any other text, one that does not parse included.
    The incremental base models skip the rows whose `_loaded_at` it is true for. -#}
{% macro cs_loaded_before(column, since) -%}
    {{ return(adapter.dispatch('cs_loaded_before', 'cs_kpis')(column, since)) }}
{%- endmacro %}

{% macro default__cs_loaded_before(column, since) -%}
    coalesce({{ cs_parse_timestamp(column) }} < {{ since }}, false)
{%- endmacro %}

{#- DuckDB: the plain spelling as delivered only (any other text is simply not
    skipped): the whole parser in a filter costs 11 CPU s over 6 million event
    rows (a filter repeats its trims, a projection does not), this 1.6 s. -#}
{% macro duckdb__cs_loaded_before(column, since) -%}
    coalesce(
        {{ duckdb__cs_is_plain_timestamp(column) }}
        and try_cast({{ column }} as timestamp) < {{ since }},
        false
    )
{%- endmacro %}

{#- As on DuckDB: hours 00-23 (24:00:00 is the next midnight), minutes and seconds
    00-59, fractions cut to microseconds. -#}
{% macro postgres__cs_parse_timestamp(column) -%}
    {%- set text = "regexp_replace(trim(" ~ column ~ "), '(Z|[+-]00(:?00)?)$', '')" -%}
    {%- set time = 'substr(' ~ text ~ ', 12)' -%}
    case
        when trim({{ column }})
            ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?)?(Z|[+-]00(:?00)?)?$'
            then case
                when {{ cs_pg_is_calendar_date(text) }}
                    and (
                        {{ time }} = ''
                        or {{ time }} ~ '^(([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?|24:00(:00(\.0+)?)?)$'
                    )
                    then cast(
                        regexp_replace({{ text }}, '(\.[0-9]{6})[0-9]+$', '\1') as timestamp
                    )
            end
    end
{%- endmacro %}

{% macro cs_parse_integer(column) -%}
    {{ return(adapter.dispatch('cs_parse_integer', 'cs_kpis')(column)) }}
{%- endmacro %}

{% macro default__cs_parse_integer(column) -%}
    {{ dbt.safe_cast(cs_text(column), dbt.type_bigint()) }}
{%- endmacro %}

{% macro duckdb__cs_parse_integer(column) -%}
    {#- DuckDB's cast rounds '3.5' to 4: only whole numbers are integers. Text that
        casts and prints back to itself skips the regular expression (see the date
        parser). -#}
    {%- set text = cs_trim(column) -%}
    case
        when cast(try_cast({{ text }} as bigint) as {{ dbt.type_string() }}) = {{ text }}
            then try_cast({{ text }} as bigint)
        when regexp_full_match({{ cs_trim(column) }}, '[+-]?\d+')
            then try_cast({{ cs_trim(column) }} as bigint)
    end
{%- endmacro %}

{% macro postgres__cs_parse_integer(column) -%}
    {#- Whole numbers only, and null (not an error) beyond bigint's range. -#}
    case
        when trim({{ column }}) ~ '^[+-]?[0-9]+$'
            then case
                when cast(trim({{ column }}) as numeric)
                    between -9223372036854775808 and 9223372036854775807
                    then cast(trim({{ column }}) as bigint)
            end
    end
{%- endmacro %}

{% macro cs_parse_decimal(column) -%}
    {{ return(adapter.dispatch('cs_parse_decimal', 'cs_kpis')(column)) }}
{%- endmacro %}

{% macro default__cs_parse_decimal(column) -%}
    {{ dbt.safe_cast(cs_text(column), cs_type_money()) }}
{%- endmacro %}

{% macro duckdb__cs_parse_decimal(column) -%}
    {#- Plain decimals only ('1200.00', '-5', '.5'): no thousands separators,
        no exponents, no currency signs, at most 18 digits before the point (larger
        amounts would overflow the money type in sums and conversions: a bad row). -#}
    case
        when regexp_full_match({{ cs_trim(column) }}, '[+-]?(0*\d{1,18}(\.\d*)?|\.\d+)')
            then try_cast({{ cs_trim(column) }} as {{ cs_type_money() }})
    end
{%- endmacro %}

{% macro postgres__cs_parse_decimal(column) -%}
    {#- As on DuckDB, and null (not an error) beyond 18 digits before the point.
        The outer cast keeps the type's precision and scale, which `case` drops. -#}
    cast(case
        when trim({{ column }}) ~ '^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$'
            then case
                when abs(round(cast(trim({{ column }}) as numeric), 6)) < 1e18
                    then trim({{ column }})
            end
    end as {{ cs_type_money() }})
{%- endmacro %}

{#- The one numeric type for money and rates: exact decimals, 6 places. -#}
{% macro cs_type_money() -%}
    {{ return(adapter.dispatch('cs_type_money', 'cs_kpis')()) }}
{%- endmacro %}

{% macro default__cs_type_money() -%}
    decimal(38, 6)
{%- endmacro %}

{% macro bigquery__cs_type_money() -%}
    bignumeric
{%- endmacro %}

{#- Spark: ANSI mode makes a plain cast raise on bad text, and turning ANSI off is
    worse ('12.5' silently becomes 12). So, as on DuckDB: a regular expression admits
    only the shape, then try_cast turns what is still impossible (2026-02-30, 25:00,
    beyond bigint or 32 digits before the point) into null. Patterns use [0-9] and no
    backslash: Spark's string literals treat a backslash as an escape. -#}
{% macro spark__cs_parse_date(column) -%}
    case
        when {{ cs_trim(column) }} rlike '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'
            then try_cast({{ cs_trim(column) }} as date)
    end
{%- endmacro %}

{% macro spark__cs_parse_timestamp(column) -%}
    case
        when {{ cs_trim(column) }}
            rlike '^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?)?(Z|[+-]00(:?00)?)?$'
            then try_cast(
                regexp_replace({{ cs_trim(column) }}, '(Z|[+-]00(:?00)?)$', '') as timestamp
            )
    end
{%- endmacro %}

{% macro spark__cs_parse_integer(column) -%}
    case
        when {{ cs_trim(column) }} rlike '^[+-]?[0-9]+$'
            then try_cast({{ cs_trim(column) }} as bigint)
    end
{%- endmacro %}

{% macro spark__cs_parse_decimal(column) -%}
    case
        when {{ cs_trim(column) }} rlike '^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$'
            then try_cast({{ cs_trim(column) }} as {{ cs_type_money() }})
    end
{%- endmacro %}
