{#- Checks staging runs on raw text, each true when the row breaks the rule. -#}

{#- Any of the columns is empty. -#}
{% macro cs_any_missing(columns) -%}
    ({% for column in columns %}{{ cs_text(column) }} is null{{ " or " if not loop.last }}{% endfor %})
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
