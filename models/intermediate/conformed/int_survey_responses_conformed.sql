/* grain: one row per survey response passing every check (as stg_surveys__survey_responses) */
with

checked as (
    select * from {{ ref('int_survey_responses_checked') }}
    where rejection_reason is null
),

final as (
    select
        response_id,
        customer_id,
        respondent_id,
        ticket_id,
        survey_type,
        comment,
        score,
        responded_at,
        _loaded_at
    from checked
)

select * from final
