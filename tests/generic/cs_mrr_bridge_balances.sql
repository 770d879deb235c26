{#- The MRR bridge holds on every row of `model`, within `tolerance`:
    end = start + fx_impact + new + expansion + reactivation - contraction
    - churned. Column names can be overridden (int_customer_months calls its
    end column `mrr`). Fails with every row that does not balance. -#}
{% test cs_mrr_bridge_balances(
    model,
    mrr_end='mrr_end',
    mrr_start='mrr_start',
    fx_impact='fx_impact',
    new_mrr='new_mrr',
    expansion_mrr='expansion_mrr',
    reactivation_mrr='reactivation_mrr',
    contraction_mrr='contraction_mrr',
    churned_mrr='churned_mrr',
    tolerance=0.000001
) %}
select *
from {{ model }}
where not coalesce(
    abs(
        {{ mrr_end }} - (
            {{ mrr_start }}
            + {{ fx_impact }}
            + {{ new_mrr }}
            + {{ expansion_mrr }}
            + {{ reactivation_mrr }}
            - {{ contraction_mrr }}
            - {{ churned_mrr }}
        )
    ) <= {{ tolerance }},
    false
)
{% endtest %}
