"""The dashboard in a real browser: every page opened in headless Chromium, the numbers
it shows compared with the published marts, a screenshot per page under reports/.

Needs Debian's `chromium` (`make browser` installs it); without it these tests skip
with that message. Playwright drives the system browser: no browser download.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import duckdb
import pytest

from cskpi import presentation as fmt
from cskpi.dashboard.__main__ import command
from cskpi.dashboard.pages import BRIDGE

PROJECT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT / "reports" / "dashboard"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AS_OF = "2026-11-15"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine: run "
                       "`make browser` (Debian's chromium) to run the dashboard tests"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# A demo company of its own in a temporary folder (not data/demo, which another
# pytest process could be generating), smaller than `make build`'s 600 customers.
DEMO_CUSTOMERS = 200


def pipeline_command(raw: Path, duckdb_path: Path) -> list[str]:
    return [sys.executable, "-m", "cskpi.pipeline", "--raw-dir", str(raw), "--as-of", AS_OF,
            "--duckdb-path", str(duckdb_path), "--skip-validation"]


@pytest.fixture(scope="module")
def demo_raw(tmp_path_factory) -> Path:
    from cskpi.demo import DEMO_AS_OF, generate

    raw = tmp_path_factory.mktemp("dashboard-raw")
    generate(raw, customers=DEMO_CUSTOMERS, as_of=date.fromisoformat(DEMO_AS_OF))
    return raw


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, demo_raw: Path) -> Path:
    path = tmp_path_factory.mktemp("dashboard") / "published.duckdb"
    result = subprocess.run(pipeline_command(demo_raw, path), cwd=PROJECT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return path


@pytest.fixture(scope="module")
def app(warehouse: Path):
    port = _free_port()
    cmd, env = command(warehouse, port)
    process = subprocess.Popen(cmd, cwd=PROJECT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail(f"the dashboard did not start: {process.stdout.read()[-2000:]}")
    yield url
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


def open_page(browser, url: str, path: str, wait_for: int) -> tuple[dict[str, str], object]:
    """Open a page, wait until it shows `wait_for` metrics and its charts, screenshot
    it, and return {metric label: shown value}."""
    page = browser.new_page(viewport={"width": 1920, "height": 1600})
    page.goto(f"{url}/{'' if path == 'scorecard' else path}")  # the default page is /
    page.wait_for_function(
        f"document.querySelectorAll('[data-testid=\"stMetricValue\"]').length >= {wait_for}",
        timeout=90_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)  # let the vega charts draw
    errors = page.locator('[data-testid="stException"]').all_inner_texts()
    assert not errors, f"{path}: {errors[0][:500]}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{path}.png"), full_page=True)
    shown = {}
    for metric in page.locator('[data-testid="stMetric"]').all():
        label = metric.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        shown[label] = metric.locator('[data-testid="stMetricValue"]').inner_text().strip()
    return shown, page


def one(path: Path, sql: str, *params):
    con = duckdb.connect(str(path), read_only=True)
    try:
        cursor = con.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))
    finally:
        con.close()


def last_complete(path: Path) -> dict:
    return one(path, "select * from kpi_scorecard where is_complete_month "
                     "order by month desc limit 1")


def test_scorecard_shows_every_headline_kpi_of_the_last_complete_month(browser, app,
                                                                      warehouse):
    shown, page = open_page(browser, app, "scorecard", len(fmt.HEADLINE))
    row = last_complete(warehouse)
    for kpi in fmt.HEADLINE:
        assert shown[kpi.label] == fmt.format_value(kpi.unit, row[kpi.column]), kpi.label
    assert f"{row['month']:%B %Y}" in page.inner_text("body")
    # a sparkline per metric: vega draws each as a chart
    assert page.locator('[data-testid="stMetric"] canvas, [data-testid="stMetric"] svg'
                        ).count() >= len(fmt.HEADLINE)
    page.close()


def test_mrr_page_bridge_and_the_customers_behind_new_mrr(browser, app, warehouse):
    shown, page = open_page(browser, app, "mrr", 10)
    month = last_complete(warehouse)["month"]
    mrr = one(warehouse, "select * from kpi_mrr where dimension = 'overall' and month = ?",
              month)
    for column, label, _sign, _kind in BRIDGE:
        assert shown[label] == fmt.format_value(fmt.MONEY, mrr[column]), label
    # The drill-down's default movement is new MRR: its customers add up to new_mrr.
    new = one(warehouse, "select count(*) as n from fct_customer_mrr_months "
                         "where month = ? and movement = 'new'", month)
    assert shown["New customers"] == fmt.format_value(fmt.COUNT, new["n"])
    assert shown["New MRR of these customers"] == fmt.format_value(fmt.MONEY, mrr["new_mrr"])
    page.close()


def test_cohort_page_heat_maps_and_the_oldest_cohort(browser, app, warehouse):
    shown, page = open_page(browser, app, "cohorts", 3)
    oldest = one(warehouse, "select * from kpi_cohort_retention where dimension = 'overall' "
                            "order by cohort_month, months_since_start desc limit 1")
    cohorts = one(warehouse, "select count(distinct cohort_month) as n "
                             "from kpi_cohort_retention")
    assert shown["Cohorts"] == fmt.format_value(fmt.COUNT, cohorts["n"])
    k = oldest["months_since_start"]
    logo = [v for label, v in shown.items() if label.startswith("Logo retention of the")]
    assert logo == [fmt.format_value(fmt.PERCENT, oldest["logo_retention"])]
    assert shown[f"MRR retention of that cohort after {k} months"] == fmt.format_value(
        fmt.PERCENT, oldest["mrr_retention"])
    assert page.locator("canvas, svg.marks").count() >= 2  # the two heat maps
    page.close()


def test_health_page_scores_bands_and_at_risk_list(browser, app, warehouse):
    shown, page = open_page(browser, app, "health", 4)
    row = last_complete(warehouse)
    assert shown["Customers scored"] == fmt.format_value(fmt.COUNT, row["customers_scored"])
    assert shown["Average health score"] == fmt.format_value(fmt.SCORE,
                                                             row["avg_health_score"])
    assert shown["Customers in the red band"] == fmt.format_value(
        fmt.PERCENT, row["red_health_share"])
    red = one(warehouse, "select count(*) as n from kpi_customer_health_score "
                         "where month = ? and health_band = 'red'", row["month"])
    assert shown["Red customers"] == fmt.format_value(fmt.COUNT, red["n"])
    # the at-risk list: the reddest customer first, with its weakest component
    first = one(warehouse, "select customer_id from kpi_customer_health_score "
                           "where month = ? and health_band = 'red' "
                           "order by health_score, customer_id limit 1", row["month"])
    at_risk = page.locator('[data-testid="stTable"]').first.inner_text()
    assert first["customer_id"] in at_risk and "weakest_component" in at_risk
    page.close()



def test_voice_of_customer_page(browser, app, warehouse):
    shown, page = open_page(browser, app, "voice", 4)
    row = last_complete(warehouse)
    assert shown["Net Promoter Score"] == fmt.format_value(fmt.SCORE, row["nps"])
    assert shown["Customer satisfaction (CSAT)"] == fmt.format_value(fmt.PERCENT,
                                                                     row["csat_rate"])
    assert shown["Comments"] == fmt.format_value(fmt.COUNT, row["feedback_comments"])
    page.close()


def test_data_quality_page_counts_rejected_rows_and_names_the_build(browser, app,
                                                                     warehouse):
    shown, page = open_page(browser, app, "data-quality", 4)
    total = one(warehouse, "select sum(rejected_rows) as n from fct_rejected_row_counts")
    info = one(warehouse, "select * from cs_kpis_build_info")
    assert shown["Raw rows rejected by staging"] == fmt.format_value(fmt.COUNT, total["n"])
    assert shown["As-of date"] == AS_OF
    assert shown["Raw rows loaded"] == fmt.format_value(fmt.COUNT, info["raw_rows"])
    page.close()


def test_the_dashboard_keeps_showing_the_right_numbers_while_a_build_runs(
        browser, app, warehouse, demo_raw, tmp_path):
    """A second build of the same input publishes over the file the app reads: every
    page load during the build, and after it, shows the marts' numbers, never an error."""
    before = one(warehouse, "select built_at from cs_kpis_build_info")["built_at"]
    expected = last_complete(warehouse)
    log = (tmp_path / "build.log").open("w")
    build = subprocess.Popen(pipeline_command(demo_raw, warehouse), cwd=PROJECT,
                             stdout=log, stderr=subprocess.STDOUT)
    loads_during_build = 0
    try:
        while build.poll() is None:
            shown, page = open_page(browser, app, "scorecard", len(fmt.HEADLINE))
            page.close()
            if build.poll() is None:
                loads_during_build += 1
            for kpi in fmt.HEADLINE:
                assert shown[kpi.label] == fmt.format_value(kpi.unit, expected[kpi.column])
    finally:
        build.wait(timeout=1200)
        log.close()
    assert build.returncode == 0, (tmp_path / "build.log").read_text()[-3000:]
    assert loads_during_build >= 1
    assert one(warehouse, "select built_at from cs_kpis_build_info")["built_at"] > before
    shown, page = open_page(browser, app, "scorecard", len(fmt.HEADLINE))
    page.close()
    for kpi in fmt.HEADLINE:
        assert shown[kpi.label] == fmt.format_value(kpi.unit, expected[kpi.column])
