{#- Joins `model` to `compare_model` on `keys` and fails with every row where
    `expression` (on `model`, alias `this_model`) and `compare_expression` (on
    `compare_model`, alias `other_model`) differ by more than `tolerance`, or
    where exactly one of them is null, or where a key of `model` has no row in
    `compare_model`. E.g. retention rate = 1 - churn rate in every slice. -#}
{% test cs_matches_model(
    model, compare_model, keys, expression, compare_expression, tolerance=0.000001
) %}
select
    {% for key in keys -%}
    this_model.{{ key }},
    {% endfor -%}
    {{ expression | replace('{this}', 'this_model') }} as model_value,
    {{ compare_expression | replace('{other}', 'other_model') }} as compare_value
from {{ model }} as this_model
left join {{ compare_model }} as other_model
    on {% for key in keys -%}
    this_model.{{ key }} = other_model.{{ key }}{{ " and " if not loop.last }}
    {%- endfor %}
where other_model.{{ keys[0] }} is null
    or (
        ({{ expression | replace('{this}', 'this_model') }}) is null
        and ({{ compare_expression | replace('{other}', 'other_model') }})
        is not null
    )
    or (
        ({{ expression | replace('{this}', 'this_model') }}) is not null
        and ({{ compare_expression | replace('{other}', 'other_model') }}) is null
    )
    or abs(
        ({{ expression | replace('{this}', 'this_model') }})
        - ({{ compare_expression | replace('{other}', 'other_model') }})
    ) > {{ tolerance }}
{% endtest %}
