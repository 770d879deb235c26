{#-
    A keyed hash of a personal identifier (an e-mail): sha256 of the key, '|' and
    the lower-cased, trimmed value, as hex text; null when the value is null.
    Without the key nobody can recompute it from a known e-mail. The key comes from
    var `cs_kpis_hash_key`, else env var CS_KPIS_HASH_KEY, else a demo default
    (documented in README: set your own in production).
-#}
{% macro cs_hash_key() -%}
    {%- set key = var('cs_kpis_hash_key', none) -%}
    {%- if key is none or key | string | trim in ('', 'None', 'null') -%}
        {%- set key = env_var('CS_KPIS_HASH_KEY', 'cs-kpis-demo-key-not-a-secret') -%}
    {%- endif -%}
    {{ return(key | string | replace("'", "''")) }}
{%- endmacro %}

{% macro cs_pseudonymise(value) -%}
    {{ return(adapter.dispatch('cs_pseudonymise', 'cs_kpis')(value)) }}
{%- endmacro %}

{% macro default__cs_pseudonymise(value) -%}
    sha2({{ dbt.concat(["'" ~ cs_hash_key() ~ "|'", 'lower(trim(' ~ value ~ '))']) }}, 256)
{%- endmacro %}

{% macro duckdb__cs_pseudonymise(value) -%}
    sha256('{{ cs_hash_key() }}|' || lower(trim({{ value }})))
{%- endmacro %}

{% macro postgres__cs_pseudonymise(value) -%}
    encode(sha256(convert_to('{{ cs_hash_key() }}|' || lower(trim({{ value }})), 'UTF8')), 'hex')
{%- endmacro %}
