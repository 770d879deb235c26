"""The dashboard's own logic, without a browser: the waterfall and the weakest component."""

import pandas as pd

from cskpi.dashboard.pages import waterfall_frame, weakest_component


def test_waterfall_of_worked_example_2_chains_from_start_to_end():
    # Worked example 2: start 750, new 80, expansion 50, reactivation 120,
    # contraction 60, churned 150, end 790 (no FX change).
    row = pd.Series({"mrr_start": 750, "fx_impact": 0, "new_mrr": 80, "expansion_mrr": 50,
                     "reactivation_mrr": 120, "contraction_mrr": 60, "churned_mrr": 150,
                     "mrr_end": 790})
    bars = waterfall_frame(row).set_index("step")
    assert bars.loc["MRR at start", ["start", "end"]].tolist() == [0, 750]
    assert bars.loc["New", ["start", "end"]].tolist() == [750, 830]
    assert bars.loc["Reactivation", ["start", "end"]].tolist() == [880, 1000]
    assert bars.loc["Contraction", ["start", "end", "kind"]].tolist() == [1000, 940,
                                                                         "decrease"]
    assert bars.loc["Churned", ["start", "end"]].tolist() == [940, 790]
    assert bars.loc["MRR at end", ["start", "end", "kind"]].tolist() == [0, 790, "total"]


def test_weakest_component_is_the_lowest_present_one():
    row = pd.Series({"usage_score": 80.0, "support_score": None, "sentiment_score": 40.0,
                     "billing_score": 40.0, "growth_score": 90.0})
    assert weakest_component(row) == "sentiment"  # tie with billing: the first listed
    assert weakest_component(pd.Series(dict.fromkeys(row.index))) is None
