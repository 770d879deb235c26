{#- Trimmed text, with empty and whitespace-only values as null. -#}
{% macro cs_text(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}

{#- Trimmed, lower-cased text for closed vocabularies. -#}
{% macro cs_vocab(column) -%}
    lower(nullif(trim({{ column }}), ''))
{%- endmacro %}

{#- Upper-cased currency code. -#}
{% macro cs_currency(column) -%}
    upper(nullif(trim({{ column }}), ''))
{%- endmacro %}

{#- Boolean from true/false/1/0/yes/no in any case; anything else is null. -#}
{% macro cs_parse_boolean(column) -%}
    case
        when lower(trim({{ column }})) in ('true', '1', 'yes') then true
        when lower(trim({{ column }})) in ('false', '0', 'no') then false
    end
{%- endmacro %}

{#- True when a present value does not parse as a boolean. -#}
{% macro cs_is_bad_boolean(column) -%}
    ({{ cs_text(column) }} is not null and ({{ cs_parse_boolean(column) }}) is null)
{%- endmacro %}
