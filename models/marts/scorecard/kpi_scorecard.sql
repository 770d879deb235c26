/* grain: one row per month (the overall headline of every KPI mart) */
with

months as (
    select * from {{ ref('int_months') }}
),

mrr as (
    select * from {{ ref('kpi_mrr') }}
    where dimension = 'overall'
),

customer_churn as (
    select * from {{ ref('kpi_customer_churn_rate') }}
    where dimension = 'overall'
),

customer_retention as (
    select * from {{ ref('kpi_customer_retention_rate') }}
    where dimension = 'overall'
),

revenue_churn as (
    select * from {{ ref('kpi_revenue_churn_rate') }}
    where dimension = 'overall'
),

expansion as (
    select * from {{ ref('kpi_expansion_revenue') }}
    where dimension = 'overall'
),

net_revenue_retention as (
    select * from {{ ref('kpi_net_revenue_retention') }}
    where dimension = 'overall'
),

lifetime_value as (
    select * from {{ ref('kpi_customer_lifetime_value') }}
    where dimension = 'overall'
),

retention_cost as (
    select * from {{ ref('kpi_customer_retention_cost') }}
    where dimension = 'overall'
),

renewals as (
    select * from {{ ref('kpi_renewal_rate') }}
    where dimension = 'overall'
),

nps as (
    select * from {{ ref('kpi_net_promoter_score') }}
    where dimension = 'overall'
),

csat as (
    select * from {{ ref('kpi_customer_satisfaction') }}
    where dimension = 'overall'
),

fcr as (
    select * from {{ ref('kpi_first_contact_resolution') }}
    where dimension = 'overall'
),

feedback as (
    select * from {{ ref('kpi_customer_feedback') }}
    where theme = 'all'
),

health_scores as (
    select * from {{ ref('kpi_customer_health_score') }}
),

health as (
    select
        month,
        count(*) as customers_scored,
        -- Averaged over the scores at 6 decimals (as the bands read them), summed as
        -- exact decimals: a sum of doubles depends on the order the engine adds them,
        -- and two builds must agree to the last bit.
        avg(cast(health_score as {{ cs_type_money() }})) as avg_health_score,
        sum(case when health_band = 'green' then 1 else 0 end) as green_customers,
        sum(case when health_band = 'yellow' then 1 else 0 end)
            as yellow_customers,
        sum(case when health_band = 'red' then 1 else 0 end) as red_customers
    from health_scores
    group by month
),

final as (
    select
        -- keys
        cast(months.month as date) as month,
        cast(months.is_complete_month as {{ dbt.type_boolean() }})
            as is_complete_month,

        -- revenue (kpi_mrr)
        cast(mrr.mrr_end as {{ cs_type_money() }}) as mrr_end,
        cast(mrr.arr_end as {{ cs_type_money() }}) as arr_end,
        cast(mrr.paying_customers_end as {{ dbt.type_bigint() }})
            as paying_customers_end,
        cast(mrr.arpa as {{ cs_type_double() }}) as arpa,
        cast(mrr.new_mrr as {{ cs_type_money() }}) as new_mrr,
        cast(mrr.churned_mrr as {{ cs_type_money() }}) as churned_mrr,

        -- customers (kpi_customer_churn_rate, kpi_customer_retention_rate)
        cast(customer_churn.customer_churn_rate as {{ cs_type_double() }})
            as customer_churn_rate,
        cast(
            customer_churn.customer_churn_rate_incl_new as {{ cs_type_double() }}
        ) as customer_churn_rate_incl_new,
        cast(
            customer_retention.customer_retention_rate as {{ cs_type_double() }}
        ) as customer_retention_rate,

        -- revenue churn, expansion and retention
        cast(revenue_churn.gross_mrr_churn_rate as {{ cs_type_double() }})
            as gross_mrr_churn_rate,
        cast(revenue_churn.net_mrr_churn_rate as {{ cs_type_double() }})
            as net_mrr_churn_rate,
        cast(expansion.expansion_mrr as {{ cs_type_money() }})
            as expansion_mrr,
        cast(expansion.expansion_mrr_rate as {{ cs_type_double() }})
            as expansion_mrr_rate,
        cast(expansion.expansion_revenue as {{ cs_type_money() }})
            as expansion_revenue,
        cast(net_revenue_retention.nrr_monthly as {{ cs_type_double() }})
            as nrr_monthly,
        cast(net_revenue_retention.grr_monthly as {{ cs_type_double() }})
            as grr_monthly,
        cast(net_revenue_retention.nrr_12m as {{ cs_type_double() }})
            as nrr_12m,
        cast(net_revenue_retention.grr_12m as {{ cs_type_double() }})
            as grr_12m,

        -- lifetime value and cost
        cast(lifetime_value.clv_revenue as {{ cs_type_double() }})
            as clv_revenue,
        cast(lifetime_value.clv_margin as {{ cs_type_double() }}) as clv_margin,
        cast(lifetime_value.clv_purchase_based as {{ cs_type_double() }})
            as clv_purchase_based,
        cast(
            retention_cost.customer_retention_cost as {{ cs_type_double() }}
        ) as customer_retention_cost,
        cast(
            retention_cost.customer_retention_cost_12m as {{ cs_type_double() }}
        ) as customer_retention_cost_12m,

        -- renewals
        cast(renewals.renewal_rate as {{ cs_type_double() }}) as renewal_rate,
        cast(renewals.renewal_mrr_rate as {{ cs_type_double() }})
            as renewal_mrr_rate,

        -- voice of the customer and support
        cast(nps.responses as {{ dbt.type_bigint() }}) as nps_responses,
        cast(nps.nps as {{ cs_type_double() }}) as nps,
        cast(nps.account_nps as {{ cs_type_double() }}) as account_nps,
        cast(csat.responses as {{ dbt.type_bigint() }}) as csat_responses,
        cast(csat.csat_rate as {{ cs_type_double() }}) as csat_rate,
        cast(csat.avg_score as {{ cs_type_double() }}) as csat_avg_score,
        cast(fcr.tickets_created as {{ dbt.type_bigint() }}) as tickets_created,
        cast(fcr.fcr_rate as {{ cs_type_double() }}) as fcr_rate,
        cast(feedback.comments as {{ dbt.type_bigint() }}) as feedback_comments,
        cast(feedback.net_sentiment as {{ cs_type_double() }}) as net_sentiment,

        -- customer health
        cast(coalesce(health.customers_scored, 0) as {{ dbt.type_bigint() }})
            as customers_scored,
        cast(health.avg_health_score as {{ cs_type_double() }})
            as avg_health_score,
        cast(
            {{ cs_safe_divide('health.green_customers', 'health.customers_scored') }}
            as {{ cs_type_double() }}
        ) as green_health_share,
        cast(
            {{ cs_safe_divide('health.yellow_customers', 'health.customers_scored') }}
            as {{ cs_type_double() }}
        ) as yellow_health_share,
        cast(
            {{ cs_safe_divide('health.red_customers', 'health.customers_scored') }}
            as {{ cs_type_double() }}
        ) as red_health_share
    from months
    left join mrr
        on months.month = mrr.month
    left join customer_churn
        on months.month = customer_churn.month
    left join customer_retention
        on months.month = customer_retention.month
    left join revenue_churn
        on months.month = revenue_churn.month
    left join expansion
        on months.month = expansion.month
    left join net_revenue_retention
        on months.month = net_revenue_retention.month
    left join lifetime_value
        on months.month = lifetime_value.month
    left join retention_cost
        on months.month = retention_cost.month
    left join renewals
        on months.month = renewals.month
    left join nps
        on months.month = nps.month
    left join csat
        on months.month = csat.month
    left join fcr
        on months.month = fcr.month
    left join feedback
        on months.month = feedback.month
    left join health
        on months.month = health.month
)

select * from final
