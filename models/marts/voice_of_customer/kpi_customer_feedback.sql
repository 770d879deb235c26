/* grain: one row per month and theme (theme 'all' = every comment of the month) */
with

months as (
    select * from {{ ref('int_months') }}
),

comment_themes as (
    select * from {{ ref('int_feedback_comments_themed') }}
),

comments as (
    select distinct
        response_id,
        month,
        sentiment
    from comment_themes
),

comments_by_theme as (
    select
        month,
        theme,
        response_id,
        sentiment
    from comment_themes

    union all

    select
        month,
        'all' as theme,
        response_id,
        sentiment
    from comments
),

theme_counts as (
    select
        month,
        theme,
        count(*) as comments,
        sum(case when sentiment = 'positive' then 1 else 0 end)
            as positive_comments,
        sum(case when sentiment = 'neutral' then 1 else 0 end)
            as neutral_comments,
        sum(case when sentiment = 'negative' then 1 else 0 end)
            as negative_comments
    from comments_by_theme
    group by month, theme
),

month_counts as (
    select
        month,
        count(*) as month_comments
    from comments
    group by month
),

-- The 'all' row for every month; theme rows where the month has comments
-- with the theme.
slices as (
    select
        month,
        'all' as theme
    from months

    union all

    select
        month,
        theme
    from theme_counts
    where theme <> 'all'
),

counts as (
    select
        slices.month,
        slices.theme,
        months.is_complete_month,
        coalesce(theme_counts.comments, 0) as comments,
        coalesce(month_counts.month_comments, 0) as month_comments,
        coalesce(theme_counts.positive_comments, 0) as positive_comments,
        coalesce(theme_counts.neutral_comments, 0) as neutral_comments,
        coalesce(theme_counts.negative_comments, 0) as negative_comments
    from slices
    inner join months
        on slices.month = months.month
    left join theme_counts
        on slices.month = theme_counts.month
            and slices.theme = theme_counts.theme
    left join month_counts
        on slices.month = month_counts.month
),

final as (
    select
        -- keys
        cast(month as date) as month,
        cast(theme as {{ dbt.type_string() }}) as theme,
        cast(is_complete_month as {{ dbt.type_boolean() }}) as is_complete_month,

        -- measures
        cast(comments as {{ dbt.type_bigint() }}) as comments,
        cast(month_comments as {{ dbt.type_bigint() }}) as month_comments,
        cast(
            {{ cs_safe_divide('comments', 'month_comments') }}
            as {{ cs_type_double() }}
        ) as theme_share,
        cast(positive_comments as {{ dbt.type_bigint() }}) as positive_comments,
        cast(neutral_comments as {{ dbt.type_bigint() }}) as neutral_comments,
        cast(negative_comments as {{ dbt.type_bigint() }}) as negative_comments,
        cast(
            {{ cs_safe_divide('positive_comments - negative_comments', 'comments') }}
            as {{ cs_type_double() }}
        ) as net_sentiment
    from counts
)

select * from final
