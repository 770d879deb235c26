{#-
    Adds `is_duplicate` to `relation` (a CTE with raw_key, raw_row and a parsed
    _loaded_at). Per the raw contract, for each key the copies with the newest
    _loaded_at win; an older copy is a duplicate; copies tied on the newest
    _loaded_at are all duplicates when their content differs, and all but one
    when it is identical. The newest copy is never replaced by an older one,
    even when the newest is bad.
-#}
{% macro cs_flag_duplicates(relation) -%}
    select
        candidates.*,
        coalesce(
            candidates.raw_key is not null and (
                newest.newest_loaded_at > candidates._loaded_at
                or (newest.newest_loaded_at is not null and candidates._loaded_at is null)
                or newest.newest_versions > 1
                or row_number() over (
                    partition by candidates.raw_key, candidates.raw_row
                    order by candidates.raw_row
                ) > 1
            ),
            false
        ) as is_duplicate
    from {{ relation }} as candidates
    left join (
        select
            latest.raw_key,
            latest.newest_loaded_at,
            count(distinct copies.raw_row) as newest_versions
        from (
            select
                raw_key,
                max(_loaded_at) as newest_loaded_at
            from {{ relation }}
            where raw_key is not null
            group by raw_key
        ) as latest
        left join {{ relation }} as copies
            on latest.raw_key = copies.raw_key
            and latest.newest_loaded_at = copies._loaded_at
        group by latest.raw_key, latest.newest_loaded_at
    ) as newest
        on candidates.raw_key = newest.raw_key
{%- endmacro %}
