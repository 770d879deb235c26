"""What every page shares: the cached query, the month picker, the currency."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from cskpi.dashboard import data


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


def currency() -> str:
    """The reporting currency the build used (from the build metadata), else USD."""
    for table in ("cs_kpis_build_info", "publish_metadata", "build_metadata"):
        if has_relation(table):
            frame = query(f"select * from {table}")
            if "reporting_currency" in frame.columns and len(frame):
                return str(frame["reporting_currency"].iloc[0])
    return "USD"


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
