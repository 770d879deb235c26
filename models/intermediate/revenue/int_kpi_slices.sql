/* grain: one row per month, dimension and dimension_value a KPI mart reports */
with

months as (
    select * from {{ ref('int_months') }}
),

customers as (
    select * from {{ ref('stg_crm__customers') }}
    where not is_test_account
),

customer_months as (
    select * from {{ ref('int_customer_months') }}
),

segments as (
    select distinct segment from customers
),

-- A rep has a row in the months where one of its customer-months has data:
-- active at the start or the end, or joined and left inside the month.
rep_months as (
    select distinct
        month,
        cs_rep_id
    from customer_months
    where is_active_start or is_active_end or is_churned_new
),

slices as (
    select
        month,
        'overall' as dimension,
        'all' as dimension_value
    from months

    union all

    select
        months.month,
        'segment' as dimension,
        segments.segment as dimension_value
    from months
    cross join segments

    union all

    select
        month,
        'cs_rep' as dimension,
        cs_rep_id as dimension_value
    from rep_months
),

final as (
    select
        cast(slices.month as date) as month,
        cast(slices.dimension as {{ dbt.type_string() }}) as dimension,
        cast(slices.dimension_value as {{ dbt.type_string() }})
            as dimension_value,
        months.previous_month,
        months.snapshot_date,
        months.is_complete_month,
        months.month_number
    from slices
    inner join months
        on slices.month = months.month
)

select * from final
