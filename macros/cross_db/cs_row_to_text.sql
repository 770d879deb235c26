{#-
    The raw row as one text value (JSON where the engine has it), for the audit
    model: `columns` is the list of raw column names.
-#}
{% macro cs_row_to_text(columns, relation_alias=none) -%}
    {{ return(adapter.dispatch('cs_row_to_text', 'cs_kpis')(columns, relation_alias)) }}
{%- endmacro %}

{% macro default__cs_row_to_text(columns, relation_alias=none) -%}
    {%- set prefix = relation_alias ~ '.' if relation_alias else '' -%}
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

{% macro duckdb__cs_row_to_text(columns, relation_alias=none) -%}
    {%- set prefix = relation_alias ~ '.' if relation_alias else '' -%}
    cast(to_json(struct_pack(
        {%- for column in columns %}
        "{{ column }}" := {{ prefix }}"{{ column }}"{{ "," if not loop.last }}
        {%- endfor %}
    )) as {{ dbt.type_string() }})
{%- endmacro %}
