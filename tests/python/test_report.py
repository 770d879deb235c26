"""How the headline report formats the scorecard's columns."""

from cskpi.report import format_value


def test_rates_and_shares_are_percentages_money_is_not():
    assert format_value("customer_churn_rate", 0.0071) == "0.71 %"
    assert format_value("green_health_share", 0.25) == "25.00 %"
    assert format_value("nrr_12m", 1.0835) == "108.35 %"
    assert format_value("expansion_revenue_growth", 0.05) == "5.00 %"
    assert format_value("clv_margin", 86850.77) == "86,850.77"  # money, not a rate
    assert format_value("mrr_end", 628806.69) == "628,806.69"


def test_counts_and_missing_values():
    assert format_value("paying_customers_end", 438) == "438"
    assert format_value("renewal_rate", None) == "n/a"
