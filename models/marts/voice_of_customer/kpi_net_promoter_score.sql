/* grain: one row per month, dimension (overall, segment) and dimension_value */
with

-- The month x (overall, every segment) rows this mart reports.
slices as (
    select
        month,
        dimension,
        dimension_value,
        is_complete_month
    from {{ ref('int_revenue_movements_by_slice') }}
    where dimension in ('overall', 'segment')
),

nps_responses as (
    select * from {{ ref('int_nps_responses_deduplicated') }}
),

responses_sliced as (
    {{ cs_slice_rows('nps_responses', {'segment': 'segment'}) }}
),

respondent_counts as (
    select
        month,
        dimension,
        dimension_value,
        count(*) as responses,
        sum(case when nps_category = 'promoter' then 1 else 0 end) as promoters,
        sum(case when nps_category = 'passive' then 1 else 0 end) as passives,
        sum(case when nps_category = 'detractor' then 1 else 0 end) as detractors
    from responses_sliced
    group by month, dimension, dimension_value
),

-- Account level: the mean of the customer's (de-duplicated) answers in the
-- month, classified by the same thresholds without rounding (8.67 is passive).
account_scores as (
    select
        month,
        dimension,
        dimension_value,
        customer_id,
        avg(cast(score as {{ cs_type_double() }})) as mean_score
    from responses_sliced
    group by month, dimension, dimension_value, customer_id
),

account_counts as (
    select
        month,
        dimension,
        dimension_value,
        count(*) as accounts_responding,
        sum(case when mean_score >= 9 then 1 else 0 end) as promoter_accounts,
        sum(
            case when mean_score >= 7 and mean_score < 9 then 1 else 0 end
        ) as passive_accounts,
        sum(case when mean_score < 7 then 1 else 0 end) as detractor_accounts
    from account_scores
    group by month, dimension, dimension_value
),

counts as (
    select
        slices.month,
        slices.dimension,
        slices.dimension_value,
        slices.is_complete_month,
        coalesce(respondent_counts.responses, 0) as responses,
        coalesce(respondent_counts.promoters, 0) as promoters,
        coalesce(respondent_counts.passives, 0) as passives,
        coalesce(respondent_counts.detractors, 0) as detractors,
        coalesce(account_counts.accounts_responding, 0) as accounts_responding,
        coalesce(account_counts.promoter_accounts, 0) as promoter_accounts,
        coalesce(account_counts.passive_accounts, 0) as passive_accounts,
        coalesce(account_counts.detractor_accounts, 0) as detractor_accounts
    from slices
    left join respondent_counts
        on slices.month = respondent_counts.month
            and slices.dimension = respondent_counts.dimension
            and slices.dimension_value = respondent_counts.dimension_value
    left join account_counts
        on slices.month = account_counts.month
            and slices.dimension = account_counts.dimension
            and slices.dimension_value = account_counts.dimension_value
),

final as (
    select
        -- keys
        cast(month as date) as month,
        cast(dimension as {{ dbt.type_string() }}) as dimension,
        cast(dimension_value as {{ dbt.type_string() }}) as dimension_value,
        cast(is_complete_month as {{ dbt.type_boolean() }}) as is_complete_month,

        -- respondent level
        cast(responses as {{ dbt.type_bigint() }}) as responses,
        cast(promoters as {{ dbt.type_bigint() }}) as promoters,
        cast(passives as {{ dbt.type_bigint() }}) as passives,
        cast(detractors as {{ dbt.type_bigint() }}) as detractors,
        cast(
            100 * {{ cs_safe_divide('promoters - detractors', 'responses') }}
            as {{ cs_type_double() }}
        ) as nps,

        -- account level
        cast(accounts_responding as {{ dbt.type_bigint() }})
            as accounts_responding,
        cast(promoter_accounts as {{ dbt.type_bigint() }}) as promoter_accounts,
        cast(passive_accounts as {{ dbt.type_bigint() }}) as passive_accounts,
        cast(detractor_accounts as {{ dbt.type_bigint() }})
            as detractor_accounts,
        cast(
            100 * {{ cs_safe_divide(
                'promoter_accounts - detractor_accounts', 'accounts_responding'
            ) }}
            as {{ cs_type_double() }}
        ) as account_nps
    from counts
)

select * from final
