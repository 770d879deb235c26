{#- Fails with every row of `model` (optionally filtered by `where_clause`) for
    which the boolean SQL `expression` is not true (false or null). -#}
{% test cs_expression_is_true(model, expression, where_clause=none, column_name=none) %}
select *
from {{ model }}
where not coalesce(({{ expression }}), false)
{%- if where_clause %}
    and ({{ where_clause }})
{%- endif %}
{% endtest %}
