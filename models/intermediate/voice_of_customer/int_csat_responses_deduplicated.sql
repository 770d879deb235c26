/* grain: one row per CSAT-rated ticket (its latest answer), plus one per answer with no ticket */
with

survey_responses as (
    select * from {{ ref('int_survey_responses_checked') }}
    where rejection_reason is null
        and survey_type = 'csat'
),

customers as (
    select * from {{ ref('stg_crm__customers') }}
    where not is_test_account
),

tickets as (
    select * from {{ ref('int_tickets_checked') }}
    where rejection_reason is null
),

responses_dated as (
    select
        survey_responses.response_id,
        survey_responses.customer_id,
        survey_responses.ticket_id,
        survey_responses.score,
        survey_responses.responded_at,
        {{ cs_to_reporting_date('survey_responses.responded_at') }}
            as responded_date
    from survey_responses
    inner join customers
        on survey_responses.customer_id = customers.customer_id
),

responses_in_scope as (
    select * from responses_dated
    where responded_date <= {{ cs_as_of_date() }}
),

-- A ticket's satisfaction is one value: a new answer replaces the earlier
-- ones. An answer without a ticket stands alone.
responses_ranked as (
    select
        *,
        count(*) over (
            partition by
                ticket_id,
                case when ticket_id is null then response_id end
        ) as answers_for_ticket,
        row_number() over (
            partition by
                ticket_id,
                case when ticket_id is null then response_id end
            order by responded_at desc, response_id desc
        ) as answer_rank
    from responses_in_scope
),

final as (
    select
        -- ids
        responses_ranked.response_id,
        responses_ranked.customer_id,
        responses_ranked.ticket_id,
        coalesce(tickets.assignee_id, 'unknown') as support_agent_id,

        -- strings
        coalesce(tickets.channel, 'unknown') as channel,

        -- numerics
        responses_ranked.score,
        responses_ranked.answers_for_ticket,

        -- booleans
        responses_ranked.score >= {{ var('csat_satisfied_min_score') }}
            as is_satisfied,

        -- dates
        {{ cs_month_of('responses_ranked.responded_date') }} as month,
        responses_ranked.responded_date,

        -- timestamps
        responses_ranked.responded_at
    from responses_ranked
    left join tickets
        on responses_ranked.ticket_id = tickets.ticket_id
    where responses_ranked.answer_rank = 1
)

select * from final
