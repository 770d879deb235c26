/* grain: one row per survey response (NPS or CSAT) */
with

survey_responses as (
    select * from {{ ref('base_surveys__survey_responses') }}
    where rejection_reason is null
),

final as (
    select
        -- ids
        response_id,
        customer_id,
        respondent_id,
        ticket_id,

        -- strings
        survey_type,
        comment,

        -- numerics
        score,

        -- timestamps
        responded_at,
        _loaded_at
    from survey_responses
)

select * from final
