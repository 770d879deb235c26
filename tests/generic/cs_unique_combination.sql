{#- No two rows share the same values of `columns` (a composite key); fails
    with one row per repeated combination (cs_repeated_values). -#}
{% test cs_unique_combination(model, columns) %}
{{ cs_repeated_values(model, columns, 'row_count') }}
{% endtest %}
