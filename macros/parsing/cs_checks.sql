{#- Checks staging runs on raw text, each true when the row breaks the rule. -#}

{#- Any of the columns is empty. -#}
{% macro cs_any_missing(columns) -%}
    ({% for column in columns %}{{ cs_is_missing(column) }}{{ " or " if not loop.last }}{% endfor %})
{%- endmacro %}

{#- The raw text is null, empty or only white space: `cs_text(column) is null`. -#}
{% macro cs_is_missing(column) -%}
    {{ return(adapter.dispatch('cs_is_missing', 'cs_kpis')(column)) }}
{%- endmacro %}

{% macro default__cs_is_missing(column) -%}
    {{ cs_text(column) }} is null
{%- endmacro %}

{#- DuckDB: only a value that starts with white space can be all white space, so
    only those are trimmed. A trim of a column whose values hardly repeat (a
    timestamp, an id) costs per row, and staging asks about every raw column:
    base_support__ticket_events' full-build query at 100,000 customers took 12.3
    CPU s with the trim, 8.5 without. -#}
{% macro duckdb__cs_is_missing(column) -%}
    {#- one line: it renders inside the models' own `case` and `where` clauses -#}
    (case when {{ column }} is null then true
    {{- ' ' }}when left({{ column }}, 1) in ({{ cs_whitespace_chars() | join(', ') }})
    {{- ' ' }}then {{ cs_text(column) }} is null
    {{- ' ' }}else {{ column }} = '' end)
{%- endmacro %}

{#- The composite key as text, null when any part is null. -#}
{% macro cs_key(expressions) -%}
    {%- if expressions | length == 1 -%}
        {{ expressions[0] }}
    {%- else -%}
        case
            when {% for e in expressions %}({{ e }}) is null{{ " or " if not loop.last }}{% endfor %}
                then null
            else {% for e in expressions %}{{ e }}{{ " || '|' || " if not loop.last }}{% endfor %}
        end
    {%- endif -%}
{%- endmacro %}
