{#-
    Free-text helpers for survey comments.

    cs_contains_whole_word(text, keyword): true when `text` contains `keyword`
    (both SQL expressions) as a whole word or phrase, case-insensitive. A word
    boundary is the start or end of the text or any character that is not a
    letter, a digit or '_', so 'price' matches 'The PRICE, sadly' but not
    'prices' or 'pricé' (the DuckDB version knows the letters of the Latin,
    Greek and Cyrillic scripts). Spaces inside a keyword match any run of whitespace
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

{#- A word character is a digit, '_' or a letter of the Latin, Greek or
    Cyrillic scripts, listed as ranges: RE2 compiles such a class fast, while
    \pL (all of Unicode) made each per-keyword pattern cost ~0.5 ms to compile
    (100 s for 1,000 comments x 70 keywords). Both sides are lower-cased, so no
    case-insensitive flag is needed. -#}
{% macro duckdb__cs_contains_whole_word(text, keyword) -%}
    {%- set word_chars = '0-9a-z_\\x{00c0}-\\x{024f}\\x{0370}-\\x{03ff}\\x{0400}-\\x{04ff}' -%}
    regexp_matches(
        lower({{ text }}),
        '(^|[^{{ word_chars }}])'
        || regexp_replace(
            regexp_replace(
                lower(trim({{ keyword }})), '([.^$*+?()\[\]{}|\\])', '\\\1', 'g'
            ),
            '\s+', '\\s+', 'g'
        )
        || '($|[^{{ word_chars }}])'
    )
{%- endmacro %}

{#- Postgres: the same pattern with `~` and its \uXXXX escapes. -#}
{% macro postgres__cs_contains_whole_word(text, keyword) -%}
    {%- set word_chars = '0-9a-z_\\u00c0-\\u024f\\u0370-\\u03ff\\u0400-\\u04ff' -%}
    (
        lower({{ text }})
        ~ (
            '(^|[^{{ word_chars }}])'
            || regexp_replace(
                regexp_replace(
                    lower(trim({{ keyword }})), '([.^$*+?()\[\]{}|\\])', '\\\1', 'g'
                ),
                '\s+', '\\s+', 'g'
            )
            || '($|[^{{ word_chars }}])'
        )
    )
{%- endmacro %}

{#- Spark (Java regular expressions): the keyword is quoted literally with \\Q...\\E,
    and each run of spaces inside it becomes \\s+, so no metacharacter needs escaping.
    Same word characters as DuckDB. (Backslashes are doubled: Spark's string literals
    unescape them.) -#}
{% macro spark__cs_contains_whole_word(text, keyword) -%}
    {#- \uXXXX: Spark's literal turns each into the letter itself, inside the class. -#}
    {%- set word_chars = '0-9a-z_\\u00c0-\\u024f\\u0370-\\u03ff\\u0400-\\u04ff' -%}
    (
        lower({{ text }}) rlike concat(
            '(^|[^{{ word_chars }}])\\Q',
            regexp_replace(lower(trim({{ keyword }})), '\\s+', '\\\\E\\\\s+\\\\Q'),
            '\\E($|[^{{ word_chars }}])'
        )
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

{% macro postgres__cs_mask_emails(text) -%}
    regexp_replace({{ text }}, '[^[:space:]@<>(),;]+@[^[:space:]@<>(),;]+', '[email]', 'g')
{%- endmacro %}

{#- Spark: Java's regex has no POSIX [:space:] class inside brackets; \\s is the same
    set. Spark's regexp_replace replaces every match. -#}
{% macro spark__cs_mask_emails(text) -%}
    regexp_replace({{ text }}, '[^\\s@<>(),;]+@[^\\s@<>(),;]+', '[email]')
{%- endmacro %}

{#- True when the text is empty or only whitespace, tabs and line breaks
    included (trim() alone strips spaces only). -#}
{% macro cs_is_blank(text) -%}
    (trim(translate({{ text }}, '{{ "\t\n\r" }}', '   ')) = '')
{%- endmacro %}
