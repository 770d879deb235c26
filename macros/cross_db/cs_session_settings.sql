{#-
    Statements run once at the start of every dbt invocation (dbt_project.yml's
    on-run-start), for engines whose session needs a setting the models rely on.
-#}
{% macro cs_session_settings() -%}
    {{ return(adapter.dispatch('cs_session_settings', 'cs_kpis')()) }}
{%- endmacro %}

{% macro default__cs_session_settings() -%}
{%- endmacro %}

{#- dbt-spark 1.11 forces spark.sql.ansi.enabled=false into every session it opens,
    whatever the profile says. Without ANSI mode Spark silently turns '12.5' into 12 in
    a cast, overflows integers and divides by zero to null; the models are written for
    the standard behaviour (the parsers check the shape, then try_cast), so it goes
    back on for the session every thread shares. -#}
{% macro spark__cs_session_settings() -%}
    set spark.sql.ansi.enabled = true
{%- endmacro %}

{#- Databricks SQL has ANSI mode on by default and takes no spark.sql.* settings. -#}
{% macro databricks__cs_session_settings() -%}
{%- endmacro %}
