"""The KPI dashboard: a Streamlit app on the published warehouse, read-only.

    make dashboard            # or: python -m cskpi.dashboard [--duckdb-path PATH] [--port N]

Every page reads the published DuckDB file through a short read-only connection
(`cskpi.dashboard.data`), so a build that publishes a new file never waits for the
dashboard, and the dashboard never waits for a build: it shows the old snapshot until
the new file is in place, then the new one.
"""
