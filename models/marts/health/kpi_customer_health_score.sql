/* grain: one row per customer per month the customer is active at month end */
with

months as (
    select * from {{ ref('int_months') }}
),

customer_months as (
    select * from {{ ref('int_customer_months') }}
    where is_active_end
),

usage_scores as (
    select * from {{ ref('int_health_usage_scores') }}
),

support_scores as (
    select * from {{ ref('int_health_support_scores') }}
),

sentiment_scores as (
    select * from {{ ref('int_health_sentiment_scores') }}
),

billing_scores as (
    select * from {{ ref('int_health_billing_scores') }}
),

growth_scores as (
    select * from {{ ref('int_health_growth_scores') }}
),

health_score_weights as (
    select * from {{ ref('health_score_weights') }}
),

-- The five components beside each customer-month (each component model has
-- one row per customer-month of the spine).
components as (
    select
        customer_months.customer_id,
        customer_months.month,
        customer_months.snapshot_date,
        customer_months.segment,
        customer_months.cs_rep_id,
        customer_months.mrr,
        usage_scores.usage_score,
        usage_scores.seats,
        usage_scores.usage_days,
        usage_scores.avg_active_users,
        usage_scores.seat_utilization,
        usage_scores.has_usage_history,
        support_scores.support_score,
        support_scores.tickets_90d,
        support_scores.high_urgent_tickets_90d,
        support_scores.low_normal_tickets_90d,
        support_scores.stale_tickets,
        sentiment_scores.sentiment_score,
        sentiment_scores.latest_nps_score,
        sentiment_scores.latest_nps_date,
        sentiment_scores.csat_responses_90d,
        sentiment_scores.csat_mean_90d,
        billing_scores.billing_score,
        billing_scores.overdue_invoices,
        billing_scores.has_uncollectible_90d,
        growth_scores.growth_score,
        growth_scores.employees_now,
        growth_scores.employees_now_date,
        growth_scores.employees_12m_ago,
        growth_scores.employees_12m_ago_date,
        growth_scores.employee_growth
    from customer_months
    left join usage_scores
        on customer_months.customer_id = usage_scores.customer_id
            and customer_months.month = usage_scores.month
    left join support_scores
        on customer_months.customer_id = support_scores.customer_id
            and customer_months.month = support_scores.month
    left join sentiment_scores
        on customer_months.customer_id = sentiment_scores.customer_id
            and customer_months.month = sentiment_scores.month
    left join billing_scores
        on customer_months.customer_id = billing_scores.customer_id
            and customer_months.month = billing_scores.month
    left join growth_scores
        on customer_months.customer_id = growth_scores.customer_id
            and customer_months.month = growth_scores.month
),

weights as (
    select
        max(case when lower(trim(component)) = 'usage' then weight end)
            as usage_weight,
        max(case when lower(trim(component)) = 'support' then weight end)
            as support_weight,
        max(case when lower(trim(component)) = 'sentiment' then weight end)
            as sentiment_weight,
        max(case when lower(trim(component)) = 'billing' then weight end)
            as billing_weight,
        max(case when lower(trim(component)) = 'growth' then weight end)
            as growth_weight
    from health_score_weights
),

-- The weight each component carries for the row: its seed weight when the
-- component is present, else 0.
weights_used as (
    select
        components.*,
        case
            when components.usage_score is null then 0
            else coalesce(weights.usage_weight, 0)
        end as usage_weight_used,
        case
            when components.support_score is null then 0
            else coalesce(weights.support_weight, 0)
        end as support_weight_used,
        case
            when components.sentiment_score is null then 0
            else coalesce(weights.sentiment_weight, 0)
        end as sentiment_weight_used,
        case
            when components.billing_score is null then 0
            else coalesce(weights.billing_weight, 0)
        end as billing_weight_used,
        case
            when components.growth_score is null then 0
            else coalesce(weights.growth_weight, 0)
        end as growth_weight_used,
        coalesce(weights.usage_weight, 0)
        + coalesce(weights.support_weight, 0)
        + coalesce(weights.sentiment_weight, 0)
        + coalesce(weights.billing_weight, 0)
        + coalesce(weights.growth_weight, 0) as weight_total
    from components
    cross join weights
),

-- The weighted mean of the components present: a missing component's
-- weight is spread over the others in proportion to their weights.
weighted as (
    select
        weights_used.*,
        usage_weight_used * coalesce(usage_score, 0)
        + support_weight_used * coalesce(support_score, 0)
        + sentiment_weight_used * coalesce(sentiment_score, 0)
        + billing_weight_used * coalesce(billing_score, 0)
        + growth_weight_used * coalesce(growth_score, 0) as weighted_points,
        usage_weight_used
        + support_weight_used
        + sentiment_weight_used
        + billing_weight_used
        + growth_weight_used as weight_present
    from weights_used
),

scored as (
    select
        weighted.*,
        {{ cs_safe_divide('weighted_points', 'weight_present') }} as health_score
    from weighted
),

-- The band is decided on the score rounded to 6 decimals, so that float noise
-- at a boundary (74.99999999999999 for an exact 75) cannot flip it; the
-- health_score column itself stays unrounded.
rounded as (
    select
        scored.*,
        round(cast(health_score as {{ dbt.type_numeric() }}), 6)
            as health_score_for_band
    from scored
),

banded as (
    select
        rounded.*,
        case
            when health_score_for_band is null then null
            when health_score_for_band >= {{ var('health_band_green_min') }}
                then 'green'
            when health_score_for_band >= {{ var('health_band_yellow_min') }}
                then 'yellow'
            else 'red'
        end as health_band
    from rounded
),

with_previous as (
    select
        banded.*,
        months.is_complete_month,
        previous_month_scores.health_score as previous_health_score
    from banded
    inner join months
        on banded.month = months.month
    left join banded as previous_month_scores
        on banded.customer_id = previous_month_scores.customer_id
            and months.previous_month = previous_month_scores.month
),

final as (
    select
        -- keys
        cast(month as date) as month,
        cast(customer_id as {{ dbt.type_string() }}) as customer_id,
        cast(is_complete_month as {{ dbt.type_boolean() }}) as is_complete_month,
        cast(snapshot_date as date) as snapshot_date,

        -- attributes
        cast(segment as {{ dbt.type_string() }}) as segment,
        cast(cs_rep_id as {{ dbt.type_string() }}) as cs_rep_id,
        cast(mrr as {{ cs_type_money() }}) as mrr,

        -- score
        cast(health_score as {{ cs_type_double() }}) as health_score,
        cast(health_band as {{ dbt.type_string() }}) as health_band,
        cast(
            health_score - previous_health_score as {{ cs_type_double() }}
        ) as health_score_change,
        cast(
            {{ cs_safe_divide('weight_present', 'weight_total') }}
            as {{ cs_type_double() }}
        ) as weight_share_present,

        -- components
        cast(usage_score as {{ cs_type_double() }}) as usage_score,
        cast(support_score as {{ cs_type_double() }}) as support_score,
        cast(sentiment_score as {{ cs_type_double() }}) as sentiment_score,
        cast(billing_score as {{ cs_type_double() }}) as billing_score,
        cast(growth_score as {{ cs_type_double() }}) as growth_score,

        -- usage inputs
        cast(seats as {{ dbt.type_bigint() }}) as seats,
        cast(usage_days as {{ dbt.type_bigint() }}) as usage_days,
        cast(avg_active_users as {{ cs_type_double() }}) as avg_active_users,
        cast(seat_utilization as {{ cs_type_double() }}) as seat_utilization,
        cast(has_usage_history as {{ dbt.type_boolean() }})
            as has_usage_history,

        -- support inputs
        cast(tickets_90d as {{ dbt.type_bigint() }}) as tickets_90d,
        cast(high_urgent_tickets_90d as {{ dbt.type_bigint() }})
            as high_urgent_tickets_90d,
        cast(low_normal_tickets_90d as {{ dbt.type_bigint() }})
            as low_normal_tickets_90d,
        cast(stale_tickets as {{ dbt.type_bigint() }}) as stale_tickets,

        -- sentiment inputs
        cast(latest_nps_score as {{ dbt.type_bigint() }}) as latest_nps_score,
        cast(latest_nps_date as date) as latest_nps_date,
        cast(csat_responses_90d as {{ dbt.type_bigint() }})
            as csat_responses_90d,
        cast(csat_mean_90d as {{ cs_type_double() }}) as csat_mean_90d,

        -- billing inputs
        cast(overdue_invoices as {{ dbt.type_bigint() }}) as overdue_invoices,
        cast(has_uncollectible_90d as {{ dbt.type_boolean() }})
            as has_uncollectible_90d,

        -- growth inputs
        cast(employees_now as {{ dbt.type_bigint() }}) as employees_now,
        cast(employees_now_date as date) as employees_now_date,
        cast(employees_12m_ago as {{ dbt.type_bigint() }}) as employees_12m_ago,
        cast(employees_12m_ago_date as date) as employees_12m_ago_date,
        cast(employee_growth as {{ cs_type_double() }}) as employee_growth
    from with_previous
)

select * from final
