/* grain: one row per rejected raw row, of every raw table */
{%- set checked_tables = [
    ('crm.customers', 'base_crm__customers'),
] %}

with

{% for source_table, base_model in checked_tables %}
{{ base_model }} as (
    select
        '{{ source_table }}' as source_table,
        raw_key as row_key,
        rejection_reason,
        raw_row,
        _loaded_at
    from {{ ref(base_model) }}
    where rejection_reason is not null
),
{% endfor %}

final as (
    {% for source_table, base_model in checked_tables %}
    select * from {{ base_model }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from final
