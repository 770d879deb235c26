{#- No two rows share the same values of `columns` (a composite key); fails
    with one row per repeated combination. -#}
{% test cs_unique_combination(model, columns) %}
select
    {% for column in columns -%}
    {{ column }},
    {% endfor -%}
    count(*) as row_count
from {{ model }}
group by
    {% for column in columns -%}
    {{ column }}{{ "," if not loop.last }}
    {% endfor -%}
having count(*) > 1
{% endtest %}
