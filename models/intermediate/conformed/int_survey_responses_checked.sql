/* grain: one row per survey response clean in staging, with its rejection_reason */
with

survey_responses as (
    select * from {{ ref('base_surveys__survey_responses') }}
    where rejection_reason is null
),

-- the clean customers (as stg_crm__customers), from the base model: a shorter chain
customers as (
    select customer_id from {{ ref('base_crm__customers') }}
    where rejection_reason is null
),

final as (
    select
        survey_responses.response_id,
        survey_responses.customer_id,
        survey_responses.respondent_id,
        survey_responses.ticket_id,
        survey_responses.survey_type,
        survey_responses.comment,
        survey_responses.score,
        survey_responses.responded_at,
        survey_responses._loaded_at,
        survey_responses.raw_key,
        case when customers.customer_id is null then 'unknown_customer' end
            as rejection_reason
    from survey_responses
    left join customers
        on survey_responses.customer_id = customers.customer_id
)

select * from final
