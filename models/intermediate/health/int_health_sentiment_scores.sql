/* grain: one row per customer per month the customer is active at month end (sentiment) */
with

customer_months as (
    select * from {{ ref('int_customer_months') }}
    where is_active_end
),

nps_responses as (
    select * from {{ ref('int_nps_responses_deduplicated') }}
),

csat_responses as (
    select * from {{ ref('int_csat_responses_deduplicated') }}
),

scoring_parameters as (
    select * from {{ ref('health_scoring_parameters') }}
    where component = 'sentiment'
),

-- The sentiment parameters as one row (seed health_scoring_parameters).
points as (
    select
        max(case when parameter = 'promoter_points' then value end)
            as promoter_points,
        max(case when parameter = 'passive_points' then value end)
            as passive_points,
        max(case when parameter = 'detractor_points' then value end)
            as detractor_points
    from scoring_parameters
),

-- Window edges: "the N days ending at month end" are N calendar days, the
-- snapshot date included.
sentiment_windows as (
    select
        customer_id,
        month,
        snapshot_date,
        cast(
            {{ dbt.dateadd(
                'day', '1 - ' ~ var('health_nps_window_days'), 'snapshot_date'
            ) }} as date
        ) as nps_window_start,
        cast(
            {{ dbt.dateadd(
                'day', '1 - ' ~ var('health_csat_window_days'), 'snapshot_date'
            ) }} as date
        ) as csat_window_start
    from customer_months
),

-- The customer's latest NPS answer (any respondent) in the NPS window.
nps_in_window as (
    select
        sentiment_windows.customer_id,
        sentiment_windows.month,
        nps_responses.score,
        nps_responses.nps_category,
        nps_responses.responded_date,
        row_number() over (
            partition by sentiment_windows.customer_id, sentiment_windows.month
            order by nps_responses.responded_at desc, nps_responses.response_id desc
        ) as answer_rank
    from sentiment_windows
    inner join nps_responses
        on sentiment_windows.customer_id = nps_responses.customer_id
            and sentiment_windows.nps_window_start <= nps_responses.responded_date
            and sentiment_windows.snapshot_date >= nps_responses.responded_date
),

latest_nps as (
    select
        customer_id,
        month,
        score as latest_nps_score,
        nps_category as latest_nps_category,
        responded_date as latest_nps_date
    from nps_in_window
    where answer_rank = 1
),

-- The mean CSAT over the answers left by the CSAT mart's one-per-ticket rule.
csat_in_window as (
    select
        sentiment_windows.customer_id,
        sentiment_windows.month,
        count(*) as csat_responses,
        avg(cast(csat_responses.score as {{ cs_type_double() }})) as csat_mean
    from sentiment_windows
    inner join csat_responses
        on sentiment_windows.customer_id = csat_responses.customer_id
            and sentiment_windows.csat_window_start <= csat_responses.responded_date
            and sentiment_windows.snapshot_date >= csat_responses.responded_date
    group by sentiment_windows.customer_id, sentiment_windows.month
),

-- The two parts: NPS category points, and the CSAT mean on the contract's
-- 1-5 scale mapped to 0-100.
parts as (
    select
        sentiment_windows.customer_id,
        sentiment_windows.month,
        latest_nps.latest_nps_score,
        latest_nps.latest_nps_date,
        coalesce(csat_in_window.csat_responses, 0) as csat_responses_90d,
        csat_in_window.csat_mean as csat_mean_90d,
        case latest_nps.latest_nps_category
            when 'promoter' then points.promoter_points
            when 'passive' then points.passive_points
            when 'detractor' then points.detractor_points
        end as nps_part,
        (csat_in_window.csat_mean - 1) / 4 * 100 as csat_part
    from sentiment_windows
    cross join points
    left join latest_nps
        on sentiment_windows.customer_id = latest_nps.customer_id
            and sentiment_windows.month = latest_nps.month
    left join csat_in_window
        on sentiment_windows.customer_id = csat_in_window.customer_id
            and sentiment_windows.month = csat_in_window.month
),

-- sentiment_score = mean of the parts present
scored as (
    select
        parts.*,
        case
            when nps_part is not null and csat_part is not null
                then (nps_part + csat_part) / 2
            else coalesce(nps_part, csat_part)
        end as sentiment_score
    from parts
),

final as (
    select
        -- keys
        customer_id,
        month,

        -- score (0-100, null without answers)
        cast(sentiment_score as {{ cs_type_double() }}) as sentiment_score,

        -- inputs
        cast(latest_nps_score as {{ dbt.type_bigint() }}) as latest_nps_score,
        cast(latest_nps_date as date) as latest_nps_date,
        cast(csat_responses_90d as {{ dbt.type_bigint() }})
            as csat_responses_90d,
        cast(csat_mean_90d as {{ cs_type_double() }}) as csat_mean_90d
    from scored
)

select * from final
