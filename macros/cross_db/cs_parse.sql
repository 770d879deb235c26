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

{% macro duckdb__cs_parse_date(column) -%}
    case
        when regexp_full_match({{ cs_trim(column) }}, '\d{4}-\d{2}-\d{2}')
            then try_cast({{ cs_trim(column) }} as date)
    end
{%- endmacro %}

{% macro cs_parse_timestamp(column) -%}
    {{ return(adapter.dispatch('cs_parse_timestamp', 'cs_kpis')(column)) }}
{%- endmacro %}

{% macro default__cs_parse_timestamp(column) -%}
    {{ dbt.safe_cast(cs_text(column), api.Column.translate_type('timestamp')) }}
{%- endmacro %}

{% macro duckdb__cs_parse_timestamp(column) -%}
    {#- ISO-8601 in UTC: '2024-03-05T14:02:11Z' or '2024-03-05 14:02:11' (a bare date
        is midnight). The trailing Z is dropped, since the contract says UTC. -#}
    case
        when regexp_full_match(
            {{ cs_trim(column) }},
            '\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]00(:?00)?)?'
        )
            then try_cast(
                regexp_replace({{ cs_trim(column) }}, '(Z|[+-]00(:?00)?)$', '') as timestamp
            )
    end
{%- endmacro %}

{% macro cs_parse_integer(column) -%}
    {{ return(adapter.dispatch('cs_parse_integer', 'cs_kpis')(column)) }}
{%- endmacro %}

{% macro default__cs_parse_integer(column) -%}
    {{ dbt.safe_cast(cs_text(column), dbt.type_bigint()) }}
{%- endmacro %}

{% macro duckdb__cs_parse_integer(column) -%}
    {#- DuckDB's cast rounds '3.5' to 4: only whole numbers are integers. -#}
    case
        when regexp_full_match({{ cs_trim(column) }}, '[+-]?\d+')
            then try_cast({{ cs_trim(column) }} as bigint)
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
        no exponents, no currency signs. -#}
    case
        when regexp_full_match({{ cs_trim(column) }}, '[+-]?(\d+(\.\d*)?|\.\d+)')
            then try_cast({{ cs_trim(column) }} as {{ cs_type_money() }})
    end
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
