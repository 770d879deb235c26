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

{#-
    cs_keyword_candidates(comments, keywords): the (comment, keyword) pairs worth
    testing with cs_contains_whole_word, as `response_id, comment, theme, keyword`.
    `comments` has response_id and comment, `keywords` theme and keyword (both CTE
    names in the calling model). A keyword can only match a comment that holds the
    keyword's first word (its first run of word characters) as a whole word, so a
    join on words replaces the comments x keywords cross join; a keyword without a
    word character is tested against every comment. A fourth column,
    `is_word_match`, is true when the keyword is that one word (all of it word
    characters): the join has then already found it as a whole word, the same
    answer cs_contains_whole_word gives, so the caller tests only the other pairs
    (phrases, punctuation) with it. Its per-row pattern is compiled per pair: 6 of
    the model's 7 CPU s at 100,000 customers when every pair was tested.
-#}
{% macro cs_keyword_candidates(comments, keywords) -%}
    {{ return(adapter.dispatch('cs_keyword_candidates', 'cs_kpis')(comments, keywords)) }}
{%- endmacro %}

{#- Engines without a word splitter here: every pair (the plain cross join). -#}
{% macro default__cs_keyword_candidates(comments, keywords) -%}
    select
        {{ comments }}.response_id,
        {{ comments }}.comment,
        {{ keywords }}.theme,
        {{ keywords }}.keyword,
        false as is_word_match
    from {{ comments }}
    cross join {{ keywords }}
{%- endmacro %}

{% macro duckdb__cs_keyword_candidates(comments, keywords) -%}
    {%- set word = '[0-9a-z_\\x{00c0}-\\x{024f}\\x{0370}-\\x{03ff}\\x{0400}-\\x{04ff}]+' -%}
    {{ cs_keyword_candidates_by_word(
        comments, keywords,
        "unnest(regexp_extract_all(lower(comment), '" ~ word ~ "'))",
        "nullif(regexp_extract(lower(trim(keyword)), '" ~ word ~ "'), '')") }}
{%- endmacro %}

{% macro postgres__cs_keyword_candidates(comments, keywords) -%}
    {%- set word = '[0-9a-z_\\u00c0-\\u024f\\u0370-\\u03ff\\u0400-\\u04ff]+' -%}
    {{ cs_keyword_candidates_by_word(
        comments, keywords,
        "(regexp_matches(lower(comment), '" ~ word ~ "', 'g'))[1]",
        "substring(lower(trim(keyword)) from '" ~ word ~ "')") }}
{%- endmacro %}

{#- The word join, given an expression listing a comment's words (one row each)
    and one giving a keyword's first word (null when it has none). -#}
{% macro cs_keyword_candidates_by_word(comments, keywords, words_of_comment,
                                        first_word_of_keyword) -%}
    select
        comment_words.response_id,
        comment_words.comment,
        keyword_words.theme,
        keyword_words.keyword,
        keyword_words.first_word = keyword_words.keyword as is_word_match
    from (
        select distinct
            response_id,
            comment,
            {{ words_of_comment }} as word
        from {{ comments }}
    ) as comment_words
    inner join (
        select
            theme,
            keyword,
            {{ first_word_of_keyword }} as first_word
        from {{ keywords }}
    ) as keyword_words
        on comment_words.word = keyword_words.first_word

    union all

    select
        {{ comments }}.response_id,
        {{ comments }}.comment,
        {{ keywords }}.theme,
        {{ keywords }}.keyword,
        false as is_word_match
    from {{ comments }}
    cross join {{ keywords }}
    where {{ first_word_of_keyword | replace('keyword', keywords ~ '.keyword') }} is null
{%- endmacro %}
