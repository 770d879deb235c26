{#-
    raw_key of the rows of `relation` that overlap an earlier-starting row of the
    same `partition_by` (ranges [start, end), null end = open). Of two
    overlapping rows the later-starting one is returned; on equal starts, the
    one with the greater key. Only rows where `candidate_filter` holds take part
    (a row already rejected for another reason is not checked for overlaps).
-#}
{% macro cs_overlapping_keys(relation, partition_by, start_column, end_column,
                             candidate_filter='true') -%}
    select distinct later_row.raw_key
    from {{ relation }} as later_row
    inner join {{ relation }} as earlier_row
        on later_row.{{ partition_by }} = earlier_row.{{ partition_by }}
        and later_row.raw_key <> earlier_row.raw_key
        and (
            earlier_row.{{ start_column }} < later_row.{{ start_column }}
            or (
                earlier_row.{{ start_column }} = later_row.{{ start_column }}
                and earlier_row.raw_key < later_row.raw_key
            )
        )
        and (
            earlier_row.{{ end_column }} is null
            or later_row.{{ start_column }} < earlier_row.{{ end_column }}
        )
    where ({{ candidate_filter | replace('{row}', 'later_row') }})
        and ({{ candidate_filter | replace('{row}', 'earlier_row') }})
{%- endmacro %}

{#- True when a money row in `currency` dated in `month` has no rate at or before
    that month (`fx` is the alias of a join to a CTE with first_rate_month per
    currency, which the model builds from its own ref of the FX rates). -#}
{% macro cs_lacks_fx_rate(currency, month, fx='fx') -%}
    (
        {{ currency }} <> '{{ var("reporting_currency") | upper }}'
        and ({{ fx }}.first_rate_month is null or {{ fx }}.first_rate_month > {{ month }})
    )
{%- endmacro %}

{#- First day of the month of a date, as a date. -#}
{% macro cs_month_of(date_expression) -%}
    cast({{ dbt.date_trunc('month', date_expression) }} as date)
{%- endmacro %}
