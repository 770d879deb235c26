"""Streamlit entry point: `streamlit run cskpi/dashboard/app.py` (see `make dashboard`)."""

from __future__ import annotations

import streamlit as st

from cskpi.dashboard import pages
from cskpi.dashboard.common import missing_warehouse_message

st.set_page_config(page_title="Customer-success KPIs", layout="wide")

problem = missing_warehouse_message()
if problem:
    st.error(problem)
    st.stop()

navigation = st.navigation([
    st.Page(pages.scorecard, title="Scorecard", url_path="scorecard", default=True),
    st.Page(pages.mrr, title="MRR", url_path="mrr"),
    st.Page(pages.cohorts, title="Cohorts", url_path="cohorts"),
    st.Page(pages.health, title="Customer health", url_path="health"),
    st.Page(pages.voice_of_customer, title="Voice of the customer", url_path="voice"),
    st.Page(pages.data_quality, title="Data quality", url_path="data-quality"),
])
navigation.run()
