/* grain: one row per month, dimension (overall, support_agent, channel) and dimension_value */
with

months as (
    select * from {{ ref('int_months') }}
),

csat_responses as (
    select * from {{ ref('int_csat_responses_deduplicated') }}
),

responses_sliced as (
    {{ cs_slice_rows('csat_responses',
        {'support_agent': 'support_agent_id', 'channel': 'channel'}) }}
),

response_counts as (
    select
        month,
        dimension,
        dimension_value,
        count(*) as responses,
        sum(case when is_satisfied then 1 else 0 end) as satisfied_responses,
        sum(score) as score_total
    from responses_sliced
    group by month, dimension, dimension_value
),

-- Overall rows for every month; agent and channel rows where the month has
-- answers.
slices as (
    {{ cs_observed_slices('months', 'response_counts') }}
),

counts as (
    select
        slices.month,
        slices.dimension,
        slices.dimension_value,
        months.is_complete_month,
        coalesce(response_counts.responses, 0) as responses,
        coalesce(response_counts.satisfied_responses, 0) as satisfied_responses,
        response_counts.score_total
    from slices
    inner join months
        on slices.month = months.month
    left join response_counts
        on slices.month = response_counts.month
            and slices.dimension = response_counts.dimension
            and slices.dimension_value = response_counts.dimension_value
),

final as (
    select
        -- keys
        cast(month as date) as month,
        cast(dimension as {{ dbt.type_string() }}) as dimension,
        cast(dimension_value as {{ dbt.type_string() }}) as dimension_value,
        cast(is_complete_month as {{ dbt.type_boolean() }}) as is_complete_month,

        -- measures
        cast(responses as {{ dbt.type_bigint() }}) as responses,
        cast(satisfied_responses as {{ dbt.type_bigint() }})
            as satisfied_responses,
        cast(
            {{ cs_safe_divide('satisfied_responses', 'responses') }}
            as {{ cs_type_double() }}
        ) as csat_rate,
        cast(
            {{ cs_safe_divide('score_total', 'responses') }}
            as {{ cs_type_double() }}
        ) as avg_score
    from counts
)

select * from final
