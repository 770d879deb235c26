"""What every page shares: the cached query, the month picker, the currency."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import streamlit as st

from cskpi.dashboard import data
from cskpi.publish import BUILD_INFO_TABLE


@st.cache_data(ttl=300, show_spinner=False)
def _cached(snapshot: tuple[str, int], sql: str, params: tuple[object, ...]) -> pd.DataFrame:
    return data.read(data.warehouse_path(), sql, list(params))


def query(sql: str, *params: object) -> pd.DataFrame:
    """A query on the current published snapshot (cached until a build publishes)."""
    path = data.warehouse_path()
    return _cached(data.snapshot_id(path), sql, params)


def missing_warehouse_message() -> str | None:
    path = data.warehouse_path()
    if not path.exists():
        return (f"No published warehouse at {path}: run `make build` first "
                "(or set DUCKDB_PATH to a published file).")
    if "kpi_scorecard" not in data.relations(path):
        return f"{path} holds no kpi_scorecard: it is not a published cs_kpis warehouse."
    return None


def has_relation(name: str) -> bool:
    return name in data.relations(data.warehouse_path())


def build_info() -> dict[str, object]:
    """The published build's one-row record (built_at, as_of_date, dbt_vars, ...)."""
    if not has_relation(BUILD_INFO_TABLE):
        return {}
    frame = query(f"select * from {BUILD_INFO_TABLE}")
    return frame.iloc[0].to_dict() if len(frame) else {}


def currency() -> str:
    """The reporting currency the build used (its dbt vars), else the project's USD."""
    try:
        chosen = json.loads(str(build_info().get("dbt_vars") or "{}"))
    except ValueError:
        chosen = {}
    return str(chosen.get("reporting_currency") or "USD")


def month_label(month: dt.date | pd.Timestamp) -> str:
    return pd.Timestamp(month).strftime("%B %Y")


def pick_month(months: list[dt.date], key: str, label: str = "Month") -> dt.date:
    """A month picker defaulting to the last complete month (the list's first entry)."""
    return st.selectbox(label, months, index=0, format_func=month_label, key=key)


def complete_months(table: str) -> list[dt.date]:
    """The table's complete months, newest first."""
    frame = query(f"select distinct month from {table} where is_complete_month "
                  "order by month desc")
    return [m.date() if hasattr(m, "date") else m for m in frame["month"]]
