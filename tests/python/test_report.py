"""How the headline and the dashboard format the scorecard's columns (cskpi.presentation)."""

from pathlib import Path

import yaml

from cskpi import presentation
from cskpi.presentation import COUNT, MONEY, PERCENT, SCORE, format_change, format_value
from cskpi.report import headline_lines, rejected_line

PROJECT = Path(__file__).resolve().parents[2]


def test_every_rate_is_a_percentage_including_churn_incl_new():
    # The old suffix rule printed customer_churn_rate_incl_new as 0.01.
    assert presentation.BY_COLUMN["customer_churn_rate_incl_new"].unit == PERCENT
    assert format_value(PERCENT, 0.0112) == "1.12 %"
    assert format_value(PERCENT, 0.0071) == "0.71 %"
    assert format_value(PERCENT, 1.0835) == "108.35 %"


def test_money_carries_its_currency_counts_and_scores_do_not():
    assert format_value(MONEY, 628806.69, "USD") == "USD 628,806.69"
    assert format_value(MONEY, 86850.774, "EUR") == "EUR 86,850.77"
    assert format_value(COUNT, 438) == "438"
    assert format_value(SCORE, 12.04) == "12.0"


def test_null_and_nan_are_not_zero():
    assert format_value(MONEY, None) == "n/a"
    assert format_value(PERCENT, float("nan")) == "n/a"
    assert format_change(PERCENT, None, 0.1) is None


def test_changes_are_signed_in_the_kpi_unit():
    assert format_change(PERCENT, 0.0071, 0.0050) == "+0.21 pp"
    assert format_change(MONEY, 100, 150.5, "USD") == "-USD 50.50"
    assert format_change(SCORE, 12.0, 14.5) == "-2.5"
    assert format_change(COUNT, 440, 438) == "+2"
    assert format_change(PERCENT, 0.01990, 0.01991) == "+0.00 pp"  # never "-0.00"


def test_every_headline_column_is_a_scorecard_column():
    spec = yaml.safe_load((PROJECT / "models/marts/scorecard/_scorecard__models.yml")
                          .read_text())
    columns = {c["name"] for c in spec["models"][0]["columns"]}
    assert {k.column for k in presentation.HEADLINE} <= columns


def test_headline_lines_use_words_not_column_names():
    row = {"mrr_end": 1000.0, "customer_churn_rate_incl_new": 0.0112, "nps": None}
    lines = headline_lines(row, "USD")
    assert len(lines) == 3
    assert lines[0].split() == ["MRR", "USD", "1,000.00"]
    assert "Logo churn incl. new customers" in lines[1] and lines[1].endswith("1.12 %")
    assert "Net Promoter Score" in lines[2] and lines[2].endswith("n/a")


def test_rejected_rows_are_one_line_pointing_to_audit_and_dashboard():
    line = rejected_line(979, 13)
    assert "\n" not in line
    assert line.startswith("979 raw rows in 13 tables were rejected")
    assert "stg_audit__rejected_rows" in line and "Data quality" in line
    assert rejected_line(0, 0) == "no raw row was rejected by staging"
