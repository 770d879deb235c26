{#-
    The rows of `relation` once per KPI slice, with `dimension` and
    `dimension_value` in front: every row as ('overall', 'all'), then once per
    entry of `slices`, a mapping of dimension name -> column (or expression)
    holding its value, e.g. {'segment': 'segment', 'cs_rep': 'cs_rep_id'}.
    Aggregate the result by (month, dimension, dimension_value) and left-join
    it to the slice rows (as int_revenue_movements_by_slice does) so every month
    and segment gets a row.
-#}
{% macro cs_slice_rows(relation, slices={}) -%}
    select
        'overall' as dimension,
        'all' as dimension_value,
        {{ relation }}.*
    from {{ relation }}
    {%- for dimension, column in slices.items() %}

    union all

    select
        '{{ dimension }}' as dimension,
        cast({{ column }} as {{ dbt.type_string() }}) as dimension_value,
        {{ relation }}.*
    from {{ relation }}
    {%- endfor %}
{%- endmacro %}

{#-
    The (month, dimension, dimension_value) rows of a mart whose non-overall
    slices exist only where the month has data: an overall row for every month
    of `months`, plus every non-overall slice found in `counts` (the mart's
    counts per slice, from cs_slice_rows).
-#}
{% macro cs_observed_slices(months, counts) -%}
    select
        month,
        'overall' as dimension,
        'all' as dimension_value
    from {{ months }}

    union all

    select
        month,
        dimension,
        dimension_value
    from {{ counts }}
    where dimension <> 'overall'
{%- endmacro %}
