{#-
    The raw row as one text value (JSON where the engine has it), for the audit
    model: `columns` is the list of raw column names (the JSON keys);
    `column_prefix` is prepended to read them (base models rename raw columns
    raw_<column>).
-#}
{% macro cs_row_to_text(columns, relation_alias=none, column_prefix='') -%}
    {{ return(adapter.dispatch('cs_row_to_text', 'cs_kpis')(columns, relation_alias, column_prefix)) }}
{%- endmacro %}

{% macro default__cs_row_to_text(columns, relation_alias=none, column_prefix='') -%}
    {%- set prefix = (relation_alias ~ '.' if relation_alias else '') ~ column_prefix -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("'" ~ ('{' if loop.first else ', ') ~ '"' ~ column ~ '": ' ~ "'") -%}
        {%- do parts.append(
            "coalesce('\"' || replace(replace(" ~ prefix ~ column
            ~ ", '\\', '\\\\'), '\"', '\\\"') || '\"', 'null')"
        ) -%}
    {%- endfor -%}
    {%- do parts.append("'}'") -%}
    {{ dbt.concat(parts) }}
{%- endmacro %}

{% macro duckdb__cs_row_to_text(columns, relation_alias=none, column_prefix='') -%}
    {%- set prefix = relation_alias ~ '.' if relation_alias else '' -%}
    cast(to_json(struct_pack(
        {%- for column in columns %}
        "{{ column }}" := {{ prefix }}"{{ column_prefix }}{{ column }}"{{ "," if not loop.last }}
        {%- endfor %}
    )) as {{ dbt.type_string() }})
{%- endmacro %}

{#- Postgres: built from to_json() of each value, in DuckDB's compact form
    ('{"a":"x","b":null}'), so the two engines give the same text. -#}
{% macro postgres__cs_row_to_text(columns, relation_alias=none, column_prefix='') -%}
    {%- set prefix = relation_alias ~ '.' if relation_alias else '' -%}
    (
        '{'
        {%- for column in columns %}
        || '{{ "," if not loop.first }}"{{ column }}":'
        || coalesce(cast(to_json({{ prefix }}"{{ column_prefix }}{{ column }}") as text), 'null')
        {%- endfor %}
        || '}'
    )
{%- endmacro %}

{#- Spark: to_json of a named struct, nulls kept (Spark drops null fields by default),
    in the compact form DuckDB writes. The default's '\\' literal is one backslash on
    other engines but an escape on Spark, which is why Spark needs its own. -#}
{% macro spark__cs_row_to_text(columns, relation_alias=none, column_prefix='') -%}
    {%- set prefix = relation_alias ~ '.' if relation_alias else '' -%}
    to_json(
        named_struct(
            {%- for column in columns %}
            '{{ column }}', {{ prefix }}`{{ column_prefix }}{{ column }}`{{ "," if not loop.last }}
            {%- endfor %}
        ),
        map('ignoreNullFields', 'false')
    )
{%- endmacro %}
