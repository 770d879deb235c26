/* grain: one row per survey comment per theme (drill-down of kpi_customer_feedback) */
with

months as (
    select * from {{ ref('int_months') }}
),

comment_themes as (
    select * from {{ ref('int_feedback_comments_themed') }}
),

final as (
    select
        -- keys
        cast(comment_themes.month as date) as month,
        cast(comment_themes.theme as {{ dbt.type_string() }}) as theme,
        cast(comment_themes.response_id as {{ dbt.type_string() }})
            as response_id,
        cast(months.is_complete_month as {{ dbt.type_boolean() }})
            as is_complete_month,

        -- the answer
        cast(comment_themes.customer_id as {{ dbt.type_string() }})
            as customer_id,
        cast(comment_themes.segment as {{ dbt.type_string() }}) as segment,
        cast(comment_themes.ticket_id as {{ dbt.type_string() }}) as ticket_id,
        cast(comment_themes.survey_type as {{ dbt.type_string() }})
            as survey_type,
        cast(comment_themes.score as {{ dbt.type_bigint() }}) as score,
        cast(comment_themes.sentiment as {{ dbt.type_string() }}) as sentiment,
        cast(comment_themes.responded_date as date) as responded_date,

        -- the theme
        cast(comment_themes.first_matched_keyword as {{ dbt.type_string() }})
            as first_matched_keyword,
        cast(comment_themes.matched_keywords as {{ dbt.type_bigint() }})
            as matched_keywords,
        cast(comment_themes.theme_count as {{ dbt.type_bigint() }})
            as theme_count,

        -- the comment, with e-mail addresses masked
        cast(
            {{ cs_mask_emails('comment_themes.comment') }}
            as {{ dbt.type_string() }}
        ) as comment
    from comment_themes
    inner join months
        on comment_themes.month = months.month
)

select * from final
