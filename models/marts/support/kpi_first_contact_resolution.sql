/* grain: one row per month, dimension (overall, support_agent, channel) and dimension_value */
with

months as (
    select * from {{ ref('int_months') }}
),

tickets as (
    select * from {{ ref('int_ticket_touches') }}
),

tickets_sliced as (
    {{ cs_slice_rows('tickets',
        {'support_agent': 'support_agent_id', 'channel': 'channel'}) }}
),

-- Tickets count in the month they were created.
ticket_counts as (
    select
        created_month as month,
        dimension,
        dimension_value,
        count(*) as tickets_created,
        sum(case when is_solved then 1 else 0 end) as tickets_solved,
        sum(case when is_zero_touch then 1 else 0 end) as zero_touch_tickets,
        sum(
            case when is_first_contact_resolved then 1 else 0 end
        ) as first_contact_resolved
    from tickets_sliced
    group by created_month, dimension, dimension_value
),

-- Overall rows for every month; agent and channel rows where the month has
-- tickets.
slices as (
    {{ cs_observed_slices('months', 'ticket_counts') }}
),

counts as (
    select
        slices.month,
        slices.dimension,
        slices.dimension_value,
        months.is_complete_month,
        coalesce(ticket_counts.tickets_created, 0) as tickets_created,
        coalesce(ticket_counts.tickets_solved, 0) as tickets_solved,
        coalesce(ticket_counts.zero_touch_tickets, 0) as zero_touch_tickets,
        coalesce(ticket_counts.first_contact_resolved, 0)
            as first_contact_resolved
    from slices
    inner join months
        on slices.month = months.month
    left join ticket_counts
        on slices.month = ticket_counts.month
            and slices.dimension = ticket_counts.dimension
            and slices.dimension_value = ticket_counts.dimension_value
),

final as (
    select
        -- keys
        cast(month as date) as month,
        cast(dimension as {{ dbt.type_string() }}) as dimension,
        cast(dimension_value as {{ dbt.type_string() }}) as dimension_value,
        cast(is_complete_month as {{ dbt.type_boolean() }}) as is_complete_month,

        -- measures
        cast(tickets_created as {{ dbt.type_bigint() }}) as tickets_created,
        cast(tickets_solved as {{ dbt.type_bigint() }}) as tickets_solved,
        cast(zero_touch_tickets as {{ dbt.type_bigint() }})
            as zero_touch_tickets,
        cast(first_contact_resolved as {{ dbt.type_bigint() }})
            as first_contact_resolved,
        -- Zero-touch tickets leave the denominator unless
        -- var fcr_include_zero_touch counts them as resolved on first contact.
        cast(
            {{ cs_safe_divide(
                'first_contact_resolved',
                'tickets_solved' if cs_flag_var('fcr_include_zero_touch')
                else 'tickets_solved - zero_touch_tickets'
            ) }}
            as {{ cs_type_double() }}
        ) as fcr_rate,
        cast(
            {{ cs_safe_divide('first_contact_resolved', 'tickets_created') }}
            as {{ cs_type_double() }}
        ) as fcr_rate_of_created
    from counts
)

select * from final
