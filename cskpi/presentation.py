"""How a KPI is shown to a person: its label in words, its unit, and its formatting.

One list for the terminal headline (`cskpi.report`) and the dashboard, so both say
"Logo churn 0.71 %" for the same column and never disagree on a unit. The marts hold
unrounded values; formatting happens only here.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

# Units: money (in the reporting currency), percent (a fraction shown x 100),
# score (NPS -100..100, health 0..100, CSAT 1..5), count, ratio (a plain multiple).
MONEY, PERCENT, SCORE, COUNT, RATIO = "money", "percent", "score", "count", "ratio"


@dataclass(frozen=True)
class Kpi:
    column: str  # the kpi_scorecard column
    label: str
    unit: str
    higher_is_better: bool = True


# The headline, in the order a customer-success lead reads it.
HEADLINE: tuple[Kpi, ...] = (
    Kpi("mrr_end", "MRR", MONEY),
    Kpi("arr_end", "ARR", MONEY),
    Kpi("paying_customers_end", "Paying customers", COUNT),
    Kpi("arpa", "Average revenue per account", MONEY),
    Kpi("new_mrr", "New MRR", MONEY),
    Kpi("churned_mrr", "Churned MRR", MONEY, higher_is_better=False),
    Kpi("customer_churn_rate", "Logo churn", PERCENT, higher_is_better=False),
    Kpi("customer_churn_rate_incl_new", "Logo churn incl. new customers", PERCENT,
        higher_is_better=False),
    Kpi("customer_retention_rate", "Logo retention", PERCENT),
    Kpi("gross_mrr_churn_rate", "Gross MRR churn", PERCENT, higher_is_better=False),
    Kpi("net_mrr_churn_rate", "Net MRR churn", PERCENT, higher_is_better=False),
    Kpi("expansion_mrr", "Expansion MRR", MONEY),
    Kpi("expansion_mrr_rate", "Expansion MRR rate", PERCENT),
    Kpi("nrr_monthly", "Net revenue retention (month)", PERCENT),
    Kpi("grr_monthly", "Gross revenue retention (month)", PERCENT),
    Kpi("nrr_12m", "Net revenue retention (12 months)", PERCENT),
    Kpi("grr_12m", "Gross revenue retention (12 months)", PERCENT),
    Kpi("clv_revenue", "Customer lifetime value (revenue)", MONEY),
    Kpi("clv_margin", "Customer lifetime value (margin)", MONEY),
    Kpi("customer_retention_cost", "Retention cost per customer", MONEY,
        higher_is_better=False),
    Kpi("renewal_rate", "Renewal rate", PERCENT),
    Kpi("nps", "Net Promoter Score", SCORE),
    Kpi("csat_rate", "Customer satisfaction (CSAT)", PERCENT),
    Kpi("fcr_rate", "First-contact resolution", PERCENT),
    Kpi("net_sentiment", "Net sentiment of comments", PERCENT),
    Kpi("avg_health_score", "Average health score", SCORE),
    Kpi("red_health_share", "Customers in the red band", PERCENT, higher_is_better=False),
)
BY_COLUMN = {kpi.column: kpi for kpi in HEADLINE}


def _number(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, numbers.Number):  # int, float, Decimal, numpy scalars
        number = float(value)
        return None if number != number else number  # NaN is "no value"
    raise TypeError(f"not a number: {value!r}")


# How each unit is shown: multiplier, decimal places, and whether the currency leads.
_FORMATS: dict[str, tuple[float, int, bool]] = {
    MONEY: (1, 2, True), PERCENT: (100, 2, False), SCORE: (1, 1, False),
    COUNT: (1, 0, False), RATIO: (1, 2, False),
}


def _shown(unit: str, number: float, currency: str) -> str:
    """The number in the unit's form (scaled, rounded, currency first for money)."""
    if unit not in _FORMATS:
        raise ValueError(f"unknown unit {unit!r}")
    scale, places, leads = _FORMATS[unit]
    text = f"{number * scale:,.{places}f}"
    return f"{currency} {text}" if leads else text


def format_value(unit: str, value: object, currency: str = "USD") -> str:
    """The value as a person reads it; 'n/a' where the mart has no value (null)."""
    number = _number(value)
    if number is None:
        return "n/a"
    return _shown(unit, number, currency) + (" %" if unit == PERCENT else "")


def format_change(unit: str, now: object, before: object, currency: str = "USD") -> str | None:
    """The change from `before` to `now`, signed, in the KPI's unit (percentage points
    for rates); None when either side has no value."""
    a, b = _number(now), _number(before)
    if a is None or b is None:
        return None
    diff = a - b
    scale, places, _leads = _FORMATS.get(unit, (1, 2, False))
    # the sign of what is shown: a change that rounds to zero is "+0.00", never "-0.00"
    sign = "-" if round(diff * scale, places) < 0 else "+"
    return sign + _shown(unit, abs(diff), currency) + (" pp" if unit == PERCENT else "")
