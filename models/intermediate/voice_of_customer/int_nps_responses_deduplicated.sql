/* grain: one row per respondent per month (the latest NPS answer of the month) */
with

survey_responses as (
    select * from {{ ref('int_survey_responses_checked') }}
    where rejection_reason is null
        and survey_type = 'nps'
),

customers as (
    select * from {{ ref('stg_crm__customers') }}
    where not is_test_account
),

responses_dated as (
    select
        survey_responses.response_id,
        survey_responses.respondent_id,
        survey_responses.customer_id,
        customers.segment,
        survey_responses.score,
        survey_responses.responded_at,
        {{ cs_to_reporting_date('survey_responses.responded_at') }}
            as responded_date
    from survey_responses
    inner join customers
        on survey_responses.customer_id = customers.customer_id
),

responses_in_scope as (
    select
        *,
        {{ cs_month_of('responded_date') }} as month
    from responses_dated
    where responded_date <= {{ cs_as_of_date() }}
),

responses_ranked as (
    select
        *,
        count(*) over (
            partition by respondent_id, month
        ) as answers_in_month,
        row_number() over (
            partition by respondent_id, month
            order by responded_at desc, response_id desc
        ) as answer_rank
    from responses_in_scope
),

final as (
    select
        -- ids
        response_id,
        respondent_id,
        customer_id,

        -- strings
        segment,
        case
            when score >= 9 then 'promoter'
            when score >= 7 then 'passive'
            else 'detractor'
        end as nps_category,

        -- numerics
        score,
        answers_in_month,

        -- dates
        month,
        responded_date,

        -- timestamps
        responded_at
    from responses_ranked
    where answer_rank = 1
)

select * from final
