{#- For every month, the rows of `dimension` add up to the overall row in each
    of `columns` (within `tolerance`): a customer is in exactly one segment
    and one rep slice. Fails with the month and column totals that differ. -#}
{% test cs_slices_add_up(model, columns, dimension='segment', tolerance=0.000001) %}
with

overall as (
    select * from {{ model }}
    where dimension = 'overall'
),

slice_totals as (
    select
        month,
        {% for column in columns -%}
        sum({{ column }}) as {{ column }}{{ "," if not loop.last }}
        {% endfor -%}
    from {{ model }}
    where dimension = '{{ dimension }}'
    group by month
)

select
    overall.month
from overall
left join slice_totals
    on overall.month = slice_totals.month
where
    {% for column in columns -%}
    abs(overall.{{ column }} - coalesce(slice_totals.{{ column }}, 0))
    > {{ tolerance }}{{ " or " if not loop.last }}
    {% endfor %}
{% endtest %}
