/* grain: one row per survey comment per theme (theme 'other' when none matches) */
with

survey_responses as (
    select * from {{ ref('int_survey_responses_checked') }}
    -- staging turned an empty or white-space-only comment into null (cs_text)
    where rejection_reason is null
        and comment is not null
),

customers as (
    select * from {{ ref('stg_crm__customers') }}
    where not is_test_account
),

theme_keywords as (
    select
        lower(trim(theme)) as theme,
        lower(trim(keyword)) as keyword
    from {{ ref('feedback_theme_keywords') }}
    where trim(theme) <> ''
        and trim(keyword) <> ''
),

comments_dated as (
    select
        survey_responses.response_id,
        survey_responses.customer_id,
        customers.segment,
        survey_responses.ticket_id,
        survey_responses.survey_type,
        survey_responses.score,
        survey_responses.comment,
        survey_responses.responded_at,
        {{ cs_to_reporting_date('survey_responses.responded_at') }}
            as responded_date
    from survey_responses
    inner join customers
        on survey_responses.customer_id = customers.customer_id
),

-- Every answer's comment counts (no de-duplication of respondents/tickets).
comments as (
    select
        *,
        {{ cs_month_of('responded_date') }} as month,
        case
            when survey_type = 'nps' and score >= 9 then 'positive'
            when survey_type = 'nps' and score >= 7 then 'neutral'
            when survey_type = 'csat'
                and score >= {{ var('csat_satisfied_min_score') }}
                then 'positive'
            when survey_type = 'csat'
                and score = {{ var('csat_satisfied_min_score') }} - 1
                then 'neutral'
            when score is null then 'unknown'
            else 'negative'
        end as sentiment
    from comments_dated
    where responded_date <= {{ cs_as_of_date() }}
),

-- Only the pairs where the comment holds the keyword's first word are tested
-- (a join on words instead of a comments x keywords cross join), and a one-word
-- keyword found by that join needs no further test.
keyword_candidates as (
    {{ cs_keyword_candidates('comments', 'theme_keywords') }}
),

keyword_matches as (
    select
        response_id,
        theme,
        keyword
    from keyword_candidates
    where is_word_match or {{ cs_contains_whole_word('comment', 'keyword') }}
),

matched_themes as (
    select
        response_id,
        theme,
        count(*) as matched_keywords,
        min(keyword) as first_matched_keyword
    from keyword_matches
    group by response_id, theme
),

comment_themes as (
    select
        comments.response_id,
        coalesce(matched_themes.theme, 'other') as theme,
        coalesce(matched_themes.matched_keywords, 0) as matched_keywords,
        matched_themes.first_matched_keyword
    from comments
    left join matched_themes
        on comments.response_id = matched_themes.response_id
),

theme_counts as (
    select
        response_id,
        count(*) as theme_count
    from comment_themes
    where theme <> 'other'
    group by response_id
),

final as (
    select
        -- ids
        comments.response_id,
        comments.customer_id,
        comments.ticket_id,

        -- strings
        comments.segment,
        comments.survey_type,
        comment_themes.theme,
        comment_themes.first_matched_keyword,
        comments.sentiment,
        comments.comment,

        -- numerics
        comments.score,
        cast(comment_themes.matched_keywords as {{ dbt.type_bigint() }})
            as matched_keywords,
        cast(coalesce(theme_counts.theme_count, 0) as {{ dbt.type_bigint() }})
            as theme_count,

        -- dates
        comments.month,
        comments.responded_date,

        -- timestamps
        comments.responded_at
    from comments
    inner join comment_themes
        on comments.response_id = comment_themes.response_id
    left join theme_counts
        on comments.response_id = theme_counts.response_id
)

select * from final
