{#- raw rows = clean rows + rejected rows, for one raw table. -#}
{% test cs_reconciles_with_source(model, source_name, table_name) %}
with

raw_rows as (
    select count(*) as row_count from {{ source(source_name, table_name) }}
),

clean_rows as (
    select count(*) as row_count from {{ model }}
),

rejected_rows as (
    select count(*) as row_count
    from {{ ref('stg_audit__rejected_rows') }}
    where source_table = '{{ source_name }}.{{ table_name }}'
)

select
    raw_rows.row_count as raw_row_count,
    clean_rows.row_count as clean_row_count,
    rejected_rows.row_count as rejected_row_count
from raw_rows
cross join clean_rows
cross join rejected_rows
where raw_rows.row_count <> clean_rows.row_count + rejected_rows.row_count
{% endtest %}

{#- Rejected rows of one raw table, one row per reason: any row warns (set
    severity: warn where used). -#}
{% test cs_no_rejected_rows(model, source_name, table_name) %}
select
    rejection_reason,
    count(*) as rejected_rows
from {{ ref('stg_audit__rejected_rows') }}
where source_table = '{{ source_name }}.{{ table_name }}'
group by rejection_reason
{% endtest %}

{#- Fails when a raw table's rejected rows are both more than var rejected_share_max
    of its rows and at least var rejected_count_min rows: a broken feed stops the
    build, while one bad row in a ten-row table only warns (cs_no_rejected_rows). -#}
{% test cs_rejected_share_within_limit(model, source_name, table_name) %}
with

raw_rows as (
    select count(*) as row_count from {{ source(source_name, table_name) }}
),

rejected_rows as (
    select count(*) as row_count
    from {{ ref('stg_audit__rejected_rows') }}
    where source_table = '{{ source_name }}.{{ table_name }}'
)

select
    raw_rows.row_count as raw_row_count,
    rejected_rows.row_count as rejected_row_count
from raw_rows
cross join rejected_rows
where raw_rows.row_count > 0
    and rejected_rows.row_count > {{ var('rejected_share_max') }} * raw_rows.row_count
    and rejected_rows.row_count >= {{ var('rejected_count_min', 5) }}
{% endtest %}
