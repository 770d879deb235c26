{#- A boolean var read leniently: true/1/yes (any case, bool or text) is true,
    anything else false, so `--vars '{fcr_include_zero_touch: "false"}'` is false. -#}
{% macro cs_flag_var(name, default=false) -%}
    {{ return(var(name, default) | string | trim | lower in ('true', '1', 'yes')) }}
{%- endmacro %}
