/* grain: one row per raw surveys.survey_responses row, clean or rejected (rejection_reason) */
{#- Unknown customers are checked in int_survey_responses_checked. -#}
{%- set raw_columns = cs_raw_columns_of('surveys.survey_responses') -%}
{%- set output_columns = ['response_id', 'customer_id', 'respondent_id', 'ticket_id',
    'survey_type', 'comment', 'score', 'responded_at', '_loaded_at'] %}
with

-- every raw row; on an incremental run the rows of the keys delivered since
-- the last run
source as {{ cs_raw_rows_hint() }} (
    {{ cs_raw_rows_to_process(source('surveys', 'survey_responses'), 'surveys.survey_responses') }}
),

keyed as {{ cs_inlined() }} (
    select
        {{ cs_raw_key('surveys.survey_responses') }} as raw_key,
        {{ cs_raw_columns(raw_columns) }}
    from source
),

{{ cs_rows_to_parse() }}

parsed as (
    select
        rows_to_parse.*,

        -- ids
        {{ cs_text('raw_response_id') }} as response_id,
        {{ cs_text('raw_customer_id') }} as customer_id,
        -- the respondent, pseudonymised with a keyed hash: the e-mail itself stays in
        -- the raw text of rejected rows only
        {{ cs_pseudonymise(cs_text('raw_respondent_email')) }} as respondent_id,
        {{ cs_text('raw_ticket_id') }} as ticket_id,

        -- strings
        {{ cs_vocab('raw_survey_type') }} as survey_type,
        {{ cs_text('raw_comment') }} as comment,

        -- numerics
        {{ cs_parse_integer('raw_score') }} as score,

        -- timestamps
        {{ cs_parse_timestamp('raw_responded_at') }} as responded_at,
        {{ cs_parse_timestamp('raw__loaded_at') }} as _loaded_at
    from rows_to_parse
),

checked as (
    select
        *,
        case
            when response_id is null then 'null_key'
            -- respondent_email is required: it finds one respondent's repeated answers
            when {{ cs_any_missing(['raw_customer_id', 'raw_respondent_email',
                'raw_survey_type', 'raw_score', 'raw_responded_at', 'raw__loaded_at']) }}
                then 'missing_value'
        end as key_reason,
        case
            when {{ cs_any_unparsed(['responded_at', '_loaded_at']) }} then 'bad_date'
            -- whole numbers only: '9.5' (and '9.0') is not a score
            when {{ cs_any_unparsed(['score']) }} then 'bad_number'
            when (survey_type = 'nps' and score not between 0 and 10)
                or (survey_type = 'csat' and score not between 1 and 5)
                then 'out_of_range'
            when {{ cs_outside('survey_type', ['nps', 'csat']) }} then 'unknown_value'
        end as value_reason
    from parsed
),

{{ cs_deduplicate_and_audit(output_columns, raw_columns) }}

select * from final
