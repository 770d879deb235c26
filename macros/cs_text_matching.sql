{#-
    Free-text helpers for survey comments.

    cs_contains_whole_word(text, keyword): true when `text` contains `keyword`
    (both SQL expressions) as a whole word or phrase, case-insensitive. A word
    boundary is the start or end of the text or any character that is not a
    letter, a digit or '_', so 'price' matches 'The PRICE, sadly' but not
    'prices' or 'pricé'. Spaces inside a keyword match any run of whitespace
    ('too slow' matches 'too   slow'). Regex metacharacters in keywords are
    literal ('c++' matches 'C++.').
-#}
{% macro cs_contains_whole_word(text, keyword) -%}
    {{ return(adapter.dispatch('cs_contains_whole_word', 'cs_kpis')(text, keyword)) }}
{%- endmacro %}

{#- Portable fallback without regular expressions: common punctuation becomes a
    space and the keyword, padded with spaces, is searched with `like` in the
    padded text. ('%' and '_' inside a keyword act as wildcards here.) -#}
{% macro default__cs_contains_whole_word(text, keyword) -%}
    (
        {{ dbt.concat([
            "' '",
            "translate(lower(" ~ text ~ "), '.,;:!?()[]{}\"''/-', '                ')",
            "' '",
        ]) }}
        like {{ dbt.concat(["'% '", "lower(trim(" ~ keyword ~ "))", "' %'"]) }}
    )
{%- endmacro %}

{% macro duckdb__cs_contains_whole_word(text, keyword) -%}
    regexp_matches(
        {{ text }},
        '(^|[^\pL\pN_])'
        || regexp_replace(
            regexp_replace(
                lower(trim({{ keyword }})), '([.^$*+?()\[\]{}|\\])', '\\\1', 'g'
            ),
            '\s+', '\\s+', 'g'
        )
        || '($|[^\pL\pN_])',
        'i'
    )
{%- endmacro %}

{#- The text with e-mail addresses replaced by '[email]', so free-text comments
    shown in a mart carry no contact details. -#}
{% macro cs_mask_emails(text) -%}
    {{ return(adapter.dispatch('cs_mask_emails', 'cs_kpis')(text)) }}
{%- endmacro %}

{% macro default__cs_mask_emails(text) -%}
    regexp_replace({{ text }}, '[^[:space:]@<>(),;]+@[^[:space:]@<>(),;]+', '[email]')
{%- endmacro %}

{% macro duckdb__cs_mask_emails(text) -%}
    regexp_replace({{ text }}, '[^\s@<>(),;]+@[^\s@<>(),;]+', '[email]', 'g')
{%- endmacro %}
