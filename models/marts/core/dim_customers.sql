/* grain: one row per non-test customer account (no personal data) */
with

customers as (
    select * from {{ ref('stg_crm__customers') }}
    where not is_test_account
),

customer_months as (
    select * from {{ ref('int_customer_months') }}
),

months as (
    select * from {{ ref('int_months') }}
),

activity as (
    select
        customer_id,
        min(case when is_active_end then month end) as first_active_month,
        max(case when is_active_end then month end) as last_active_month
    from customer_months
    group by customer_id
),

-- The CSM owning the customer on the as_of date.
current_owners as (
    select
        customer_id,
        max(rep_id) as rep_id
    from {{ ref('int_customer_owner_history_checked') }}
    where rejection_reason is null
        and {{ cs_to_reporting_date('valid_from') }} <= {{ cs_as_of_date() }}
        and (
            valid_to is null
            or {{ cs_to_reporting_date('valid_to') }} > {{ cs_as_of_date() }}
        )
    group by customer_id
),

current_state as (
    select customer_months.*
    from customer_months
    inner join months
        on customer_months.month = months.month
    where not months.is_complete_month
),

final as (
    select
        -- ids
        cast(customers.customer_id as {{ dbt.type_string() }}) as customer_id,

        -- attributes
        cast(customers.customer_name as {{ dbt.type_string() }})
            as customer_name,
        cast(customers.segment as {{ dbt.type_string() }}) as segment,
        cast(customers.industry as {{ dbt.type_string() }}) as industry,
        cast(customers.country_code as {{ dbt.type_string() }})
            as country_code,
        cast({{ cs_to_reporting_date('customers.created_at') }} as date)
            as created_date,

        -- revenue history
        cast(current_state.first_paid_month as date) as first_paid_month,
        cast(activity.first_active_month as date) as first_active_month,
        cast(activity.last_active_month as date) as last_active_month,

        -- state on the as_of date
        cast(
            coalesce(current_state.is_active_end, false)
            as {{ dbt.type_boolean() }}
        ) as is_active,
        cast(coalesce(current_state.mrr, 0) as {{ cs_type_money() }})
            as current_mrr,
        cast(coalesce(current_state.seats, 0) as {{ dbt.type_bigint() }})
            as current_seats,
        cast(current_state.currency as {{ dbt.type_string() }})
            as billing_currency,
        cast(
            coalesce(current_owners.rep_id, 'unassigned')
            as {{ dbt.type_string() }}
        ) as current_cs_rep_id
    from customers
    left join current_state
        on customers.customer_id = current_state.customer_id
    left join activity
        on customers.customer_id = activity.customer_id
    left join current_owners
        on customers.customer_id = current_owners.customer_id
)

select * from final
