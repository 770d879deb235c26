"""The dashboard's pages, one function each (st.navigation runs them).

Every number a page shows comes straight from a published mart; the page only picks
rows and formats them (cskpi.presentation), so what a person reads is what BI reads.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from cskpi import presentation as fmt
from cskpi.dashboard.common import (
    build_info,
    complete_months,
    currency,
    has_relation,
    month_label,
    pick_month,
    query,
)

# Health components and their labels, for the at-risk list and the history chart.
COMPONENTS = {
    "usage_score": "usage",
    "support_score": "support",
    "sentiment_score": "sentiment",
    "billing_score": "billing",
    "growth_score": "growth",
}


def _metric(label: str, unit: str, value: object, before: object = None,
            higher_is_better: bool = True, history: list[float] | None = None) -> None:
    cur = currency()
    st.metric(
        label,
        fmt.format_value(unit, value, cur),
        fmt.format_change(unit, value, before, cur) if before is not None else None,
        delta_color="normal" if higher_is_better else "inverse",
        chart_data=history,
        chart_type="line",
        border=True,
    )


TABLE_ROWS = 50


def _table(frame: pd.DataFrame) -> None:
    """A plain table (HTML, readable in any browser and screenshot) of the first rows."""
    if frame.empty:
        st.caption("No rows.")
        return
    if len(frame) > TABLE_ROWS:
        st.caption(f"The first {TABLE_ROWS} of {len(frame):,} rows.")
    st.table(frame.head(TABLE_ROWS), hide_index=True)


def _needs(*tables: str) -> bool:
    missing = [t for t in tables if not has_relation(t)]
    if missing:
        st.warning(f"This warehouse has no {', '.join(missing)}: rebuild it with "
                   "`make build` to see this page.")
        return False
    return True


# --- scorecard ------------------------------------------------------------------

def scorecard() -> None:
    st.title("Scorecard")
    frame = query("select * from kpi_scorecard where is_complete_month order by month")
    if frame.empty:
        st.info("No complete month yet: the scorecard is empty.")
        return
    last, before = frame.iloc[-1], (frame.iloc[-2] if len(frame) > 1 else None)
    st.caption(f"{month_label(last['month'])}, the last complete month, against the "
               f"month before; lines show the last 12 months. Money in {currency()}.")
    tail = frame.tail(12)
    columns = st.columns(3)
    for index, kpi in enumerate(fmt.HEADLINE):
        if kpi.column not in frame.columns:
            continue
        history = [float(v) for v in tail[kpi.column] if pd.notna(v)]
        with columns[index % 3]:
            _metric(kpi.label, kpi.unit, last[kpi.column],
                    None if before is None else before[kpi.column],
                    kpi.higher_is_better, history or None)


# --- MRR -----------------------------------------------------------------------

BRIDGE = [
    ("mrr_start", "MRR at start", 1, "total"),
    ("fx_impact", "FX impact", 1, "step"),
    ("new_mrr", "New", 1, "step"),
    ("expansion_mrr", "Expansion", 1, "step"),
    ("reactivation_mrr", "Reactivation", 1, "step"),
    ("contraction_mrr", "Contraction", -1, "step"),
    ("churned_mrr", "Churned", -1, "step"),
    ("mrr_end", "MRR at end", 1, "total"),
]
# The movement of fct_customer_mrr_months behind each bridge step.
MOVEMENT_OF = {"new_mrr": "new", "expansion_mrr": "expansion",
               "reactivation_mrr": "reactivation", "contraction_mrr": "contraction",
               "churned_mrr": "churn"}


def waterfall_frame(row: pd.Series) -> pd.DataFrame:
    """Bars of the MRR bridge: each step starts where the previous one ended."""
    bars, level = [], 0.0
    for column, label, sign, kind in BRIDGE:
        amount = float(row[column] or 0) * sign
        if kind == "total":
            start, end, level = 0.0, amount, amount
        else:
            start, end = level, level + amount
            level = end
        bars.append({"step": label, "start": start, "end": end, "amount": amount,
                     "kind": kind if kind == "total" else
                     ("increase" if amount >= 0 else "decrease")})
    return pd.DataFrame(bars)


def mrr() -> None:
    st.title("MRR")
    months = complete_months("kpi_mrr")
    if not months:
        st.info("No complete month yet.")
        return
    month = pick_month(months, key="mrr_month")
    row = query("select * from kpi_mrr where dimension = 'overall' and month = ?",
                month).iloc[0]
    cur = currency()

    st.subheader(f"MRR bridge, {month_label(month)}")
    cols = st.columns(4)
    for index, (column, label, _sign, _kind) in enumerate(BRIDGE):
        with cols[index % 4]:
            _metric(label, fmt.MONEY, row[column])
    bars = waterfall_frame(row)
    # The movements are small beside MRR itself: the axis starts just below the
    # lowest level the bridge passes through, and the totals are drawn from there.
    steps = bars[bars["kind"] != "total"]
    low = min(steps["start"].min(), steps["end"].min())
    high = max(steps["start"].max(), steps["end"].max())
    floor = max(0.0, low - 0.5 * max(high - low, 1.0))
    bars.loc[bars["kind"] == "total", "start"] = floor
    chart = alt.Chart(bars).mark_bar().encode(
        x=alt.X("step:N", sort=list(bars["step"]), title=None,
                axis=alt.Axis(labelAngle=0)),
        y=alt.Y("start:Q", title=f"MRR ({cur}; the axis starts at {floor:,.0f})",
                scale=alt.Scale(domain=[floor, high + 0.1 * max(high - low, 1.0)],
                                clamp=True)),
        y2="end:Q",
        color=alt.Color("kind:N", scale=alt.Scale(
            domain=["total", "increase", "decrease"],
            range=["#4c78a8", "#54a24b", "#e45756"]), legend=None),
        tooltip=["step", alt.Tooltip("amount:Q", format=",.2f")],
    )
    st.altair_chart(chart)

    st.subheader("MRR by segment")
    segments = query("select month, dimension_value as segment, mrr_end from kpi_mrr "
                     "where dimension = 'segment' order by month")
    st.altair_chart(alt.Chart(segments).mark_area().encode(
        x=alt.X("month:T", title=None), y=alt.Y("mrr_end:Q", title=f"MRR ({cur})"),
        color="segment:N", tooltip=["month:T", "segment", "mrr_end"]))

    st.subheader("Customers behind a movement")
    if not _needs("fct_customer_mrr_months"):
        return
    labels = {column: label for column, label, _s, _k in BRIDGE if column in MOVEMENT_OF}
    step = st.radio("Movement", list(labels), format_func=labels.get, horizontal=True,
                    key="mrr_movement")
    customers = query(
        "select customer_id, segment, cs_rep_id, billing_currency, "
        "mrr_start_current_rates, mrr_end, movement_mrr from fct_customer_mrr_months "
        "where month = ? and movement = ? order by movement_mrr desc, customer_id",
        month, MOVEMENT_OF[step])
    cols = st.columns(2)
    with cols[0]:
        _metric(f"{labels[step]} customers", fmt.COUNT, len(customers))
    with cols[1]:
        _metric(f"{labels[step]} MRR of these customers", fmt.MONEY,
                customers["movement_mrr"].astype(float).sum() if len(customers) else 0)
    _table(customers)


# --- cohorts -------------------------------------------------------------------

def cohorts() -> None:
    st.title("Cohort retention")
    if not _needs("kpi_cohort_retention"):
        return
    segments = query("select distinct dimension_value from kpi_cohort_retention "
                     "where dimension = 'segment' order by 1")["dimension_value"].tolist()
    choice = st.selectbox("Customers", ["all", *segments], key="cohort_slice")
    dimension = "overall" if choice == "all" else "segment"
    frame = query(
        "select cohort_month, months_since_start, cohort_customers, active_customers, "
        "logo_retention, mrr_retention from kpi_cohort_retention "
        "where dimension = ? and dimension_value = ? order by cohort_month, "
        "months_since_start", dimension, choice)
    if frame.empty:
        st.info("No cohort yet.")
        return
    frame["cohort"] = pd.to_datetime(frame["cohort_month"]).dt.strftime("%Y-%m")
    newest = frame["cohort_month"].max()
    first = frame[frame["cohort_month"] == frame["cohort_month"].min()]
    latest_of_first = first.iloc[-1]
    cols = st.columns(3)
    with cols[0]:
        _metric("Cohorts", fmt.COUNT, frame["cohort_month"].nunique())
    with cols[1]:
        _metric(f"Logo retention of the {month_label(first.iloc[0]['cohort_month'])} "
                f"cohort after {int(latest_of_first['months_since_start'])} months",
                fmt.PERCENT, latest_of_first["logo_retention"])
    with cols[2]:
        _metric(f"MRR retention of that cohort after "
                f"{int(latest_of_first['months_since_start'])} months",
                fmt.PERCENT, latest_of_first["mrr_retention"])
    st.caption(f"Cohorts from {month_label(frame['cohort_month'].min())} to "
               f"{month_label(newest)}; a cohort is the month a customer first had MRR "
               "at a month end.")
    for column, title in (("logo_retention", "Logo retention"),
                          ("mrr_retention", "MRR retention (net)")):
        st.subheader(title)
        st.altair_chart(alt.Chart(frame).mark_rect().encode(
            x=alt.X("months_since_start:O", title="Months since start"),
            y=alt.Y("cohort:O", title="Cohort"),
            color=alt.Color(f"{column}:Q", scale=alt.Scale(scheme="blues"),
                            legend=alt.Legend(format="%")),
            tooltip=["cohort", "months_since_start", "cohort_customers",
                     "active_customers", alt.Tooltip(f"{column}:Q", format=".1%")]))


# --- customer health -----------------------------------------------------------

def health() -> None:
    st.title("Customer health")
    months = complete_months("kpi_customer_health_score")
    if not months:
        st.info("No complete month with health scores yet.")
        return
    month = pick_month(months, key="health_month")
    card = query("select customers_scored, avg_health_score, red_health_share "
                 "from kpi_scorecard where month = ?", month).iloc[0]
    cols = st.columns(3)
    with cols[0]:
        _metric("Customers scored", fmt.COUNT, card["customers_scored"])
    with cols[1]:
        _metric("Average health score", fmt.SCORE, card["avg_health_score"])
    with cols[2]:
        _metric("Customers in the red band", fmt.PERCENT, card["red_health_share"],
                higher_is_better=False)

    st.subheader("Health bands over time")
    bands = query("select month, health_band, count(*) as customers "
                  "from kpi_customer_health_score group by 1, 2 order by 1")
    st.altair_chart(alt.Chart(bands).mark_bar().encode(
        x=alt.X("month:T", title=None), y=alt.Y("customers:Q", stack="normalize",
                                                  title="Share of customers"),
        color=alt.Color("health_band:N", scale=alt.Scale(
            domain=["green", "yellow", "red"], range=["#54a24b", "#eeca3b", "#e45756"])),
        tooltip=["month:T", "health_band", "customers"]))

    st.subheader(f"At risk in {month_label(month)}: red customers")
    scores = ", ".join(COMPONENTS)
    red = query(f"select customer_id, segment, cs_rep_id, mrr, health_score, {scores} "
                "from kpi_customer_health_score where month = ? and health_band = 'red' "
                "order by health_score, customer_id", month)
    red.insert(5, "weakest_component", [weakest_component(r) for _, r in red.iterrows()])
    _metric("Red customers", fmt.COUNT, len(red), higher_is_better=False)
    _table(red)

    st.subheader("One customer's components")
    customers = query("select distinct customer_id from kpi_customer_health_score "
                      "order by 1")["customer_id"].tolist()
    default = red["customer_id"].iloc[0] if len(red) else customers[0]
    customer = st.selectbox("Customer", customers, index=customers.index(default),
                            key="health_customer")
    history = query(f"select month, health_score, {scores} from kpi_customer_health_score "
                    "where customer_id = ? order by month", customer)
    long = history.melt("month", var_name="component", value_name="score").dropna()
    st.altair_chart(alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("month:T", title=None), y=alt.Y("score:Q", scale=alt.Scale(domain=[0, 100])),
        color="component:N", tooltip=["month:T", "component", "score"]))


def weakest_component(row: pd.Series) -> str | None:
    """The lowest of the customer-month's non-null components (ties: the first listed)."""
    present = {label: float(row[c]) for c, label in COMPONENTS.items() if pd.notna(row[c])}
    return min(present, key=present.get) if present else None


# --- voice of the customer ------------------------------------------------------

def voice_of_customer() -> None:
    st.title("Voice of the customer")
    months = complete_months("kpi_customer_feedback")
    if not months:
        st.info("No complete month with feedback yet.")
        return
    month = pick_month(months, key="voc_month")
    card = query("select nps, csat_rate, feedback_comments, net_sentiment "
                 "from kpi_scorecard where month = ?", month).iloc[0]
    cols = st.columns(4)
    for col, (column, label, unit) in zip(cols, (
            ("nps", "Net Promoter Score", fmt.SCORE),
            ("csat_rate", "Customer satisfaction (CSAT)", fmt.PERCENT),
            ("feedback_comments", "Comments", fmt.COUNT),
            ("net_sentiment", "Net sentiment of comments", fmt.PERCENT)), strict=True):
        with col:
            _metric(label, unit, card[column])

    st.subheader("NPS and CSAT over time")
    trend = query("select month, nps, csat_rate * 100 as csat_percent from kpi_scorecard "
                  "where is_complete_month order by month")
    long = trend.melt("month", var_name="measure", value_name="value").dropna()
    st.altair_chart(alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("month:T", title=None), y=alt.Y("value:Q", title="NPS / CSAT %"),
        color="measure:N", tooltip=["month:T", "measure", "value"]))

    st.subheader(f"Themes in {month_label(month)}")
    themes = query("select theme, comments, theme_share, net_sentiment "
                   "from kpi_customer_feedback where month = ? and theme <> 'all' "
                   "order by theme_share desc, theme", month)
    st.altair_chart(alt.Chart(themes).mark_bar().encode(
        x=alt.X("theme_share:Q", axis=alt.Axis(format="%"), title="Share of comments"),
        y=alt.Y("theme:N", sort="-x", title=None),
        color=alt.Color("net_sentiment:Q", scale=alt.Scale(scheme="redyellowgreen",
                                                           domain=[-1, 1]),
                        legend=alt.Legend(format="%", title="Net sentiment")),
        tooltip=["theme", "comments", alt.Tooltip("theme_share:Q", format=".1%"),
                 alt.Tooltip("net_sentiment:Q", format=".1%")]))
    theme = st.selectbox("Comments of the theme", themes["theme"].tolist(),
                         key="voc_theme")
    comments = query("select responded_date, segment, survey_type, score, sentiment, "
                     "comment from kpi_customer_feedback_comments "
                     "where month = ? and theme = ? order by responded_date, response_id",
                     month, theme)
    st.caption("E-mail addresses in comments are masked before they reach a mart.")
    _table(comments)


# --- data quality -----------------------------------------------------------------

def data_quality() -> None:
    st.title("Data quality")
    info = build_info()
    if info:
        st.subheader("The published build")
        cols = st.columns(3)
        cols[0].metric("Built at (UTC)", pd.Timestamp(info["built_at"]).tz_convert("UTC")
                       .strftime("%Y-%m-%d %H:%M"), border=True)
        cols[1].metric("As-of date", str(pd.Timestamp(info["as_of_date"]).date()),
                       border=True)
        cols[2].metric("Raw rows loaded", fmt.format_value(fmt.COUNT, info.get("raw_rows")),
                       border=True)
        st.caption(f"Raw folder fingerprint (sha256): {info.get('raw_fingerprint')}; "
                   f"dbt vars: {info.get('dbt_vars') or '{}'}")
    else:
        st.warning("This warehouse has no build record: it was not published by "
                   "`make build`.")
    if not _needs("fct_rejected_row_counts"):
        return
    counts = query("select source_table, rejection_reason, rejected_rows "
                   "from fct_rejected_row_counts order by source_table, rejection_reason")
    _metric("Raw rows rejected by staging", fmt.COUNT, counts["rejected_rows"].sum())
    st.caption("Per table and reason. The rejected rows themselves (with their raw text) "
               "stay in the working warehouse's audit model for data engineers; the "
               "published warehouse holds only these counts.")
    st.altair_chart(alt.Chart(counts).mark_bar().encode(
        x=alt.X("rejected_rows:Q", title="Rejected rows"),
        y=alt.Y("source_table:N", sort="-x", title=None),
        color="rejection_reason:N",
        tooltip=["source_table", "rejection_reason", "rejected_rows"]))
    _table(counts)
