"""The Great Expectations suites of the marts: only what dbt's own tests do not check.

dbt already tests every mart at build time (tests/generic, the marts' yml): the grain is
unique (`cs_unique_combination`), the key columns are not null and the columns and types
are the contract's (enforced contracts), `dimension` takes its accepted values, every month
has one overall row (`cs_has_row_for_every_month`), the MRR bridge balances, slices add
up to the overall row where `cs_slices_add_up` is declared, and the identities and
cross-mart equalities declared with `cs_expression_is_true` / `cs_matches_model` hold.
Those checks are not repeated here.

What only GX checks, on pandas frames read from the built warehouse:
- `MartSuite`: a mart has rows, the spec's bounds of its columns (rates 0..1, NPS
  -100..100, ...), values outside the grain that must be present, accepted values dbt
  does not test, and 'all' as the overall row's `dimension_value`;
- `month_checks`: no month outside the month spine, `is_complete_month` false exactly in
  the as-of month, and the 12-month columns null until M-12 exists;
- `cross_checks`: what chains across rows and marts and no dbt test declares: this
  month's start is last month's end, slices of CSAT and FCR partition the month, the
  marts that repeat a kpi_mrr or churn figure agree with it, the feedback drill-down,
  one health row per paying customer;
- `scorecard_checks`: every kpi_scorecard column equals the mart value it repeats.

`cskpi.validate` turns these into GX suites and runs them; every choice below (which
columns are bounded, the tolerance of a cross check) is in the decision log.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import great_expectations as gx
from great_expectations.expectations import Expectation
from great_expectations.expectations.row_conditions import Column

Bound = tuple[float | None, float | None]

RATE: Bound = (0, 1)  # a fraction the definition keeps within 0..1
NON_NEGATIVE: Bound = (0, None)  # counts, and money that cannot be negative
AT_MOST_ONE: Bound = (None, 1)  # net churn: negative when expansion beats losses
NPS: Bound = (-100, 100)
SCORE: Bound = (0, 100)  # a health score or component
SCORE_CHANGE: Bound = (-100, 100)
NET_SENTIMENT: Bound = (-1, 1)

# Tolerances of the cross checks (see the decision log). Money is compared to the cent;
# rates to the 6 decimals the marts store (decimal(38, 6)); counts exactly.
MONEY_TOLERANCE = 0.01
RATE_TOLERANCE = 0.000001
COUNT_TOLERANCE = 0

SLICE_GRAIN = ("month", "dimension", "dimension_value")
OVERALL = "dimension = 'overall'"
SPINE = "int_months"  # the month spine: first month with billing data to as_of


@dataclass(frozen=True)
class MartSuite:
    """What the spec promises about one mart that dbt's tests do not check."""

    table: str
    grain: tuple[str, ...]  # shown beside offending rows (dbt tests its uniqueness)
    bounds: Mapping[str, Bound]  # the spec's bounded columns
    value_sets: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    not_null: tuple[str, ...] = ()  # beyond the grain (dbt: not_null constraints)
    # Columns null until 12 months of history exist (M-12 before the first month).
    null_first_12_months: tuple[str, ...] = ()
    monthly: bool = True
    # A mart fed only by an optional feed has no row when that feed is empty.
    may_be_empty: bool = False

    @property
    def key_columns(self) -> tuple[str, ...]:
        return self.grain + (("is_complete_month",) if self.monthly else ())

    def expectations(self) -> list[Expectation]:
        ex = gx.expectations
        not_null = (*(("is_complete_month",) if self.monthly else ()), *self.not_null)
        found: list[Expectation] = [
            ex.ExpectTableRowCountToBeBetween(min_value=0 if self.may_be_empty else 1)]
        found += [ex.ExpectColumnValuesToNotBeNull(column=c) for c in not_null]
        if "dimension" in self.grain:
            found.append(ex.ExpectColumnValuesToBeInSet(
                column="dimension_value", value_set=["all"],
                row_condition=Column("dimension") == "overall"))
        for column, values in self.value_sets.items():
            found.append(ex.ExpectColumnValuesToBeInSet(column=column, value_set=list(values)))
        for column, (low, high) in self.bounds.items():
            found.append(ex.ExpectColumnValuesToBeBetween(
                column=column, min_value=low, max_value=high))
        return found


# ---------------------------------------------------------------------------------------
# The marts (kpi-definitions.md, "Marts").

MART_SUITES: tuple[MartSuite, ...] = (
    MartSuite(
        "kpi_mrr", SLICE_GRAIN,
        bounds={c: NON_NEGATIVE for c in (
            "mrr_start", "new_mrr", "expansion_mrr", "reactivation_mrr", "contraction_mrr",
            "churned_mrr", "mrr_end", "arr_end", "paying_customers_end", "arpa",
            "quick_ratio")},
        not_null=("mrr_start", "fx_impact", "new_mrr", "expansion_mrr", "reactivation_mrr",
                  "contraction_mrr", "churned_mrr", "mrr_end", "paying_customers_end"),
    ),
    MartSuite(
        "kpi_customer_churn_rate", SLICE_GRAIN,
        bounds={
            **{c: NON_NEGATIVE for c in (
                "customers_start", "churned_customers", "new_customers",
                "reactivated_customers", "churned_new_customers", "customers_end")},
            "customer_churn_rate": RATE,
            # (churned + joined-and-left) / start: above 1 when many join and leave.
            "customer_churn_rate_incl_new": NON_NEGATIVE,
        },
        not_null=("customers_start", "churned_customers", "customers_end"),
    ),
    MartSuite(
        "kpi_customer_retention_rate", SLICE_GRAIN,
        bounds={"customers_start": NON_NEGATIVE, "retained_customers": NON_NEGATIVE,
                "customer_retention_rate": RATE},
        not_null=("customers_start", "retained_customers"),
    ),
    MartSuite(
        "kpi_revenue_churn_rate", SLICE_GRAIN,
        bounds={"mrr_start_current_rates": NON_NEGATIVE, "gross_mrr_churn_rate": RATE,
                "net_mrr_churn_rate": AT_MOST_ONE},
        not_null=("mrr_start_current_rates",),
    ),
    MartSuite(
        # One-time invoices include credit notes: the revenue columns may be negative.
        "kpi_expansion_revenue", SLICE_GRAIN,
        bounds={"expansion_mrr": NON_NEGATIVE, "expansion_mrr_rate": NON_NEGATIVE},
        not_null=("expansion_mrr",),
    ),
    MartSuite(
        "kpi_net_revenue_retention", SLICE_GRAIN,
        bounds={"nrr_monthly": NON_NEGATIVE, "grr_monthly": RATE,
                "cohort_mrr_12m_ago": NON_NEGATIVE, "cohort_mrr_now": NON_NEGATIVE,
                "nrr_12m": NON_NEGATIVE, "grr_12m": RATE},
        null_first_12_months=("cohort_mrr_12m_ago", "cohort_mrr_now", "nrr_12m", "grr_12m"),
    ),
    MartSuite(
        # Mean invoice amount with credit notes: the purchase-based columns may be negative.
        "kpi_customer_lifetime_value", SLICE_GRAIN,
        bounds={
            "arpa": NON_NEGATIVE, "churn_rate_6m": RATE,
            "expected_lifetime_months": (1, None),  # 1 / a churn rate of at most 1
            "clv_revenue": NON_NEGATIVE, "gross_margin": RATE, "clv_margin": NON_NEGATIVE,
            "purchases_per_customer_month": NON_NEGATIVE,
        },
    ),
    MartSuite(
        "kpi_customer_retention_cost", SLICE_GRAIN,
        bounds={c: NON_NEGATIVE for c in (
            "cs_cost", "customers_start", "customer_retention_cost", "cs_cost_12m",
            "customers_start_12m", "customer_retention_cost_12m")},
        # cs_cost is null in every month when the cost feed is empty (spec, Changes).
        not_null=("customers_start",),
        null_first_12_months=("cs_cost_12m", "customers_start_12m",
                              "customer_retention_cost_12m"),
    ),
    MartSuite(
        "kpi_renewal_rate", SLICE_GRAIN,
        bounds={
            **{c: NON_NEGATIVE for c in (
                "up_for_renewal", "renewed", "pending_renewals", "mrr_up_for_renewal",
                "mrr_pending_renewals", "mrr_renewed")},
            "renewal_rate": RATE, "renewal_mrr_rate": RATE,
        },
        not_null=("up_for_renewal", "renewed", "pending_renewals"),
    ),
    MartSuite(
        "kpi_net_promoter_score", SLICE_GRAIN,
        bounds={
            **{c: NON_NEGATIVE for c in (
                "responses", "promoters", "passives", "detractors", "accounts_responding")},
            "nps": NPS, "account_nps": NPS,
        },
        not_null=("responses", "promoters", "passives", "detractors", "accounts_responding"),
    ),
    MartSuite(
        "kpi_customer_satisfaction", SLICE_GRAIN,
        bounds={"responses": NON_NEGATIVE, "satisfied_responses": NON_NEGATIVE,
                "csat_rate": RATE, "avg_score": (1, 5)},
        not_null=("responses", "satisfied_responses"),
    ),
    MartSuite(
        "kpi_first_contact_resolution", SLICE_GRAIN,
        bounds={
            **{c: NON_NEGATIVE for c in (
                "tickets_created", "tickets_solved", "zero_touch_tickets",
                "first_contact_resolved")},
            "fcr_rate": RATE, "fcr_rate_of_created": RATE,
        },
        not_null=("tickets_created", "tickets_solved", "zero_touch_tickets",
                  "first_contact_resolved"),
    ),
    MartSuite(
        "kpi_customer_feedback", ("month", "theme"),
        bounds={
            **{c: NON_NEGATIVE for c in (
                "comments", "positive_comments", "neutral_comments", "negative_comments")},
            "theme_share": RATE, "net_sentiment": NET_SENTIMENT,
        },
        not_null=("comments", "positive_comments", "neutral_comments", "negative_comments"),
    ),
    MartSuite(
        "kpi_customer_feedback_comments", ("response_id", "theme"), bounds={},
        value_sets={"sentiment": ("positive", "neutral", "negative"),
                    "survey_type": ("nps", "csat")},
        not_null=("month", "customer_id", "survey_type", "score", "sentiment"),
        may_be_empty=True,  # no survey feed, no comments
    ),
    MartSuite(
        "kpi_customer_health_score", ("month", "customer_id"),
        bounds={
            **{c: SCORE for c in ("usage_score", "support_score", "sentiment_score",
                                  "billing_score", "growth_score", "health_score")},
            "health_score_change": SCORE_CHANGE,
        },
        # Support and billing always have a value, so the weighted mean always has one.
        not_null=("support_score", "billing_score", "health_score", "health_band", "segment",
                  "cs_rep_id"),
    ),
    MartSuite(
        # dbt tests the grain, the movements' accepted values, the not-null contract and
        # that the sums equal kpi_mrr (tests/singular); GX the bounds.
        "fct_customer_mrr_months", ("month", "customer_id"),
        bounds={c: NON_NEGATIVE for c in (
            "mrr_start_current_rates", "mrr_end", "movement_mrr", "months_since_first_paid")},
    ),
    MartSuite(
        # dbt tests the grain, retention 1 at k = 0, k = 0 = the month's new customers and
        # segments adding up (tests/singular); GX the bounds and the spine.
        "kpi_cohort_retention", ("cohort_month", "months_since_start", "dimension",
                                 "dimension_value"),
        bounds={"cohort_customers": (1, None), "active_customers": NON_NEGATIVE,
                "logo_retention": RATE, "cohort_mrr_start": NON_NEGATIVE,
                "cohort_mrr": NON_NEGATIVE, "mrr_retention": NON_NEGATIVE},
    ),
    MartSuite(
        "dim_dates", ("date_day",), bounds={}, monthly=False, not_null=("month_start_date",),
    ),
    MartSuite(
        "dim_customers", ("customer_id",), bounds={}, monthly=False,
        value_sets={"segment": ("smb", "mid_market", "enterprise", "unknown")},
        not_null=("segment",),
    ),
)

SUITES_BY_TABLE: dict[str, MartSuite] = {s.table: s for s in MART_SUITES}


# ---------------------------------------------------------------------------------------
# Frame checks: a query validated like a table.


@dataclass(frozen=True)
class FrameCheck:
    """A query over the warehouse and the expectations its result must meet."""

    name: str
    description: str
    tables: tuple[str, ...]  # the tables the query reads; skipped with the marts
    sql: str
    expectations: Callable[[], list[Expectation]]


def _all_true(column: str = "matches") -> Callable[[], list[Expectation]]:
    return lambda: [gx.expectations.ExpectColumnValuesToBeInSet(
        column=column, value_set=[True])]


def equality_check(name: str, description: str, tables: Sequence[str], sql: str,
                   tolerance: float) -> FrameCheck:
    """`sql` returns key columns plus `lhs` and `rhs`; each row must have lhs = rhs
    within `tolerance` (both null also matches)."""
    wrapped = (
        f"select *, coalesce(abs(lhs - rhs) <= {tolerance}, lhs is null and rhs is null) "
        f"as matches from ({sql}) as compared"
    )
    return FrameCheck(name, description, tuple(tables), wrapped, _all_true())


def month_checks(suite: MartSuite) -> list[FrameCheck]:
    """Months within the spine, `is_complete_month` and the 12-month null rule of one
    mart (dbt's cs_has_row_for_every_month checks one overall row in every month)."""
    t = suite.table
    checks: list[FrameCheck] = []
    if not suite.monthly:
        return checks
    checks.append(FrameCheck(
        f"{t}__months_within_the_spine",
        f"{t}: no month outside the spine; is_complete_month is false only for the "
        "as-of month",
        (t, SPINE),
        f"""
        with counts as (
            select
                month,
                count(distinct is_complete_month) as is_complete_values,
                bool_and(is_complete_month) as is_complete_month
            from {t}
            group by month
        )
        select
            counts.month,
            spine.month is not null as in_spine,
            counts.is_complete_values = 1
                and counts.is_complete_month = spine.is_complete_month
                as is_complete_month_matches
        from counts
        left join {SPINE} as spine on spine.month = counts.month
        order by 1
        """,
        lambda: [
            gx.expectations.ExpectColumnValuesToBeInSet(column="in_spine", value_set=[True]),
            gx.expectations.ExpectColumnValuesToBeInSet(
                column="is_complete_month_matches", value_set=[True]),
        ],
    ))
    if suite.null_first_12_months:
        not_null = " or ".join(f"{c} is not null" for c in suite.null_first_12_months)
        checks.append(FrameCheck(
            f"{t}__null_until_12_months_of_history",
            f"{t}: {', '.join(suite.null_first_12_months)} are null while M-12 is before "
            "the first month",
            (t, SPINE),
            f"""
            select {', '.join(suite.grain)}, spine.month_number,
                {', '.join(suite.null_first_12_months)},
                not ({not_null}) as matches
            from {t}
            inner join {SPINE} as spine using (month)
            where spine.month_number < 12
            order by 1, 2, 3
            """,
            _all_true(),
        ))
    return checks


def _previous(table: str, lhs: str, column: str, where: str = "true") -> str:
    """Rows of `table`: `lhs`, and as `rhs` the same slice's `column` of the previous
    month (0 in the first month, or when the slice had no row then)."""
    return f"""
        select current_row.month, current_row.dimension, current_row.dimension_value,
            current_row.{lhs} as lhs, coalesce(previous_row.{column}, 0) as rhs
        from {table} as current_row
        inner join {SPINE} as spine on current_row.month = spine.month
        left join {table} as previous_row
            on previous_row.month = spine.previous_month
            and previous_row.dimension = current_row.dimension
            and previous_row.dimension_value = current_row.dimension_value
        where {where}
    """


def _overall_equal(name: str, left: str, right: str, pairs: Sequence[tuple[str, str]],
                   tolerance: float, description: str) -> list[FrameCheck]:
    """Overall rows: left.<a> = right.<b> for each (a, b), month by month."""
    return [
        equality_check(
            f"{name}__{a}" if len(pairs) > 1 else name,
            description.format(a=a, b=b), (left, right),
            f"""
            select l.month, l.{a} as lhs, r.{b} as rhs
            from {left} as l
            left join {right} as r on l.month = r.month and r.{OVERALL}
            where l.{OVERALL}
            """,
            tolerance,
        )
        for a, b in pairs
    ]


def _slices_add_up(table: str, dimension: str, columns: Sequence[str],
                   tolerance: float) -> list[FrameCheck]:
    """The rows of one slice add up to the overall row (the slice partitions the month)."""
    return [
        equality_check(
            f"{table}__{dimension}_rows_add_up_to_overall__{column}",
            f"{table}: the {dimension} rows of a month add up to its overall row ({column})",
            (table,),
            f"""
            select overall.month, overall.{column} as lhs,
                coalesce(sum(sliced.{column}), 0) as rhs
            from {table} as overall
            left join {table} as sliced
                on sliced.month = overall.month and sliced.dimension = '{dimension}'
            where overall.{OVERALL}
            group by overall.month, overall.{column}
            """,
            tolerance,
        )
        for column in columns
    ]


def _row_identity(table: str, name: str, lhs: str, rhs: str, tolerance: float,
                  where: str = "1 = 1", keys: str = "month, dimension, dimension_value"
                  ) -> FrameCheck:
    return equality_check(
        f"{table}__{name}", f"{table}: {lhs} = {rhs} in every row", (table,),
        f"select {keys}, {lhs} as lhs, {rhs} as rhs from {table} where {where}", tolerance,
    )


def cross_checks() -> list[FrameCheck]:
    """What a spreadsheet user would check across rows and tables, where no dbt test
    declared in the marts' yml checks it already."""
    m, churn, retention = "kpi_mrr", "kpi_customer_churn_rate", "kpi_customer_retention_rate"
    checks: list[FrameCheck] = [
        # kpi_mrr: this month's start is last month's end (dbt: the bridge within a row).
        equality_check(
            f"{m}__mrr_start_equals_previous_mrr_end",
            f"{m}: mrr_start of month M equals mrr_end of month M-1, in every slice "
            "(0 in the first month)",
            (m, SPINE), _previous(m, "mrr_start", "mrr_end"), MONEY_TOLERANCE,
        ),
        _row_identity(m, "arpa", "arpa", "mrr_end / nullif(paying_customers_end, 0)",
                      MONEY_TOLERANCE),
        # Logo churn and retention (dbt: the customers_end identity, slices add up).
        equality_check(
            f"{churn}__customers_start_equals_previous_customers_end",
            f"{churn}: customers_start of month M equals customers_end of M-1, overall and "
            "per segment (0 in the first month); not per rep: a customer-month's rep is "
            "its owner on the month's first day, so customers move between reps",
            (churn, SPINE),
            _previous(churn, "customers_start", "customers_end",
                      where="current_row.dimension in ('overall', 'segment')"),
            COUNT_TOLERANCE,
        ),
        *_overall_equal(
            f"{m}__paying_customers_end_equals_churn_customers_end", m, churn,
            [("paying_customers_end", "customers_end")], COUNT_TOLERANCE,
            f"{m}.{{a}} equals {churn}.{{b}} (overall rows)",
        ),
        equality_check(
            f"{retention}__customers_start_matches_churn",
            f"{retention}: customers_start equals {churn}'s (every slice; dbt checks the "
            "retained customers and the rate)",
            (retention, churn),
            f"""
            select r.month, r.dimension, r.dimension_value, r.customers_start as lhs,
                c.customers_start as rhs
            from {retention} as r left join {churn} as c using (month, dimension, dimension_value)
            """,
            COUNT_TOLERANCE,
        ),
        # Revenue churn from the MRR bridge (dbt: mrr_start_current_rates and net = 1 - NRR).
        equality_check(
            "kpi_revenue_churn_rate__matches_mrr_bridge",
            "kpi_revenue_churn_rate: gross = (churned + contraction) / (mrr_start + "
            "fx_impact) of kpi_mrr, net = (churned + contraction - expansion) / it "
            "(every slice)",
            ("kpi_revenue_churn_rate", m),
            f"""
            with joined as (
                select r.*, m.mrr_start + m.fx_impact as p_total, m.churned_mrr,
                    m.contraction_mrr, m.expansion_mrr
                from kpi_revenue_churn_rate as r
                left join {m} as m using (month, dimension, dimension_value)
            )
            select month, dimension, dimension_value, 'gross_mrr_churn_rate' as measure,
                gross_mrr_churn_rate as lhs,
                (churned_mrr + contraction_mrr) / nullif(p_total, 0) as rhs from joined
            union all
            select month, dimension, dimension_value, 'net_mrr_churn_rate',
                net_mrr_churn_rate,
                (churned_mrr + contraction_mrr - expansion_mrr) / nullif(p_total, 0)
            from joined
            """,
            RATE_TOLERANCE * 10,
        ),
        equality_check(
            "kpi_customer_lifetime_value__arpa_matches_mrr",
            "kpi_customer_lifetime_value: arpa equals kpi_mrr's (every slice)",
            ("kpi_customer_lifetime_value", m),
            f"""
            select c.month, c.dimension, c.dimension_value, c.arpa as lhs, m.arpa as rhs
            from kpi_customer_lifetime_value as c left join {m} as m
                using (month, dimension, dimension_value)
            """,
            MONEY_TOLERANCE,
        ),
        # Voice of the customer and support: slices partition the month's answers.
        *_slices_add_up("kpi_customer_satisfaction", "channel",
                        ("responses", "satisfied_responses"), COUNT_TOLERANCE),
        *_slices_add_up("kpi_customer_satisfaction", "support_agent",
                        ("responses", "satisfied_responses"), COUNT_TOLERANCE),
        *_slices_add_up("kpi_first_contact_resolution", "channel",
                        ("tickets_created", "tickets_solved", "first_contact_resolved"),
                        COUNT_TOLERANCE),
        *_slices_add_up("kpi_first_contact_resolution", "support_agent",
                        ("tickets_created", "tickets_solved", "first_contact_resolved"),
                        COUNT_TOLERANCE),
        equality_check(
            "kpi_customer_feedback__comments_match_drill_down",
            "kpi_customer_feedback: each theme's comments equal the drill-down model's rows "
            "of that month and theme",
            ("kpi_customer_feedback", "kpi_customer_feedback_comments"),
            """
            with drill_down as (
                select month, theme, count(*) as comments
                from kpi_customer_feedback_comments group by month, theme
            )
            select f.month, f.theme, f.comments as lhs, coalesce(d.comments, 0) as rhs
            from kpi_customer_feedback as f
            left join drill_down as d using (month, theme)
            where f.theme <> 'all'
            """,
            COUNT_TOLERANCE,
        ),
        # Health: one row per customer active at month end, and the change is the change.
        equality_check(
            "kpi_customer_health_score__rows_equal_paying_customers",
            "kpi_customer_health_score: the customers scored in a month equal kpi_mrr's "
            "paying_customers_end (overall)",
            ("kpi_customer_health_score", m),
            f"""
            select m.month, m.paying_customers_end as lhs, count(h.customer_id) as rhs
            from {m} as m
            left join kpi_customer_health_score as h on h.month = m.month
            where m.{OVERALL}
            group by m.month, m.paying_customers_end
            """,
            COUNT_TOLERANCE,
        ),
        equality_check(
            "kpi_customer_health_score__change_is_month_over_month",
            "kpi_customer_health_score: health_score_change = health_score minus the "
            "customer's score of the previous month (null when it had no row)",
            ("kpi_customer_health_score", SPINE),
            f"""
            select h.month, h.customer_id, h.health_score_change as lhs,
                h.health_score - p.health_score as rhs
            from kpi_customer_health_score as h
            inner join {SPINE} as spine on h.month = spine.month
            left join kpi_customer_health_score as p
                on p.customer_id = h.customer_id and p.month = spine.previous_month
            """,
            RATE_TOLERANCE * 10,
        ),
    ]
    return checks


@dataclass(frozen=True)
class ScorecardSource:
    """Where a scorecard column comes from: `expression` aggregated over the month's rows
    of `table` that match `where` (by default the mart's overall row)."""

    table: str
    expression: str
    where: str = OVERALL
    when_missing: str = "null"  # the value when the month has no such rows
    bound: Bound | None = None  # when not the source column's bound


def _overall(table: str, column: str) -> ScorecardSource:
    return ScorecardSource(table, f"max({column})")


_HEALTH = "kpi_customer_health_score"

# kpi_scorecard: every column and the mart value it repeats.
SCORECARD_SOURCES: dict[str, ScorecardSource] = {
    **{c: _overall("kpi_mrr", c) for c in (
        "mrr_end", "arr_end", "paying_customers_end", "arpa", "new_mrr", "churned_mrr")},
    **{c: _overall("kpi_customer_churn_rate", c) for c in (
        "customer_churn_rate", "customer_churn_rate_incl_new")},
    "customer_retention_rate": _overall("kpi_customer_retention_rate",
                                        "customer_retention_rate"),
    **{c: _overall("kpi_revenue_churn_rate", c) for c in (
        "gross_mrr_churn_rate", "net_mrr_churn_rate")},
    **{c: _overall("kpi_expansion_revenue", c) for c in (
        "expansion_mrr", "expansion_mrr_rate", "expansion_revenue")},
    **{c: _overall("kpi_net_revenue_retention", c) for c in (
        "nrr_monthly", "grr_monthly", "nrr_12m", "grr_12m")},
    **{c: _overall("kpi_customer_lifetime_value", c) for c in (
        "clv_revenue", "clv_margin", "clv_purchase_based")},
    **{c: _overall("kpi_customer_retention_cost", c) for c in (
        "customer_retention_cost", "customer_retention_cost_12m")},
    **{c: _overall("kpi_renewal_rate", c) for c in ("renewal_rate", "renewal_mrr_rate")},
    "nps_responses": _overall("kpi_net_promoter_score", "responses"),
    "nps": _overall("kpi_net_promoter_score", "nps"),
    "account_nps": _overall("kpi_net_promoter_score", "account_nps"),
    "csat_responses": _overall("kpi_customer_satisfaction", "responses"),
    "csat_rate": _overall("kpi_customer_satisfaction", "csat_rate"),
    "csat_avg_score": _overall("kpi_customer_satisfaction", "avg_score"),
    "tickets_created": _overall("kpi_first_contact_resolution", "tickets_created"),
    "fcr_rate": _overall("kpi_first_contact_resolution", "fcr_rate"),
    "feedback_comments": ScorecardSource("kpi_customer_feedback", "max(comments)",
                                         where="theme = 'all'"),
    "net_sentiment": ScorecardSource("kpi_customer_feedback", "max(net_sentiment)",
                                     where="theme = 'all'"),
    "customers_scored": ScorecardSource(_HEALTH, "count(*)", where="true", when_missing="0",
                                        bound=NON_NEGATIVE),
    "avg_health_score": ScorecardSource(_HEALTH, "avg(health_score)", where="true",
                                        bound=SCORE),
    **{f"{band}_health_share": ScorecardSource(
        _HEALTH, f"avg(case when health_band = '{band}' then 1.0 else 0.0 end)",
        where="true", bound=RATE) for band in ("green", "yellow", "red")},
}


def _scorecard_bound(source: ScorecardSource) -> Bound | None:
    if source.bound is not None:
        return source.bound
    column = source.expression.removeprefix("max(").removesuffix(")")
    suite = SUITES_BY_TABLE.get(source.table)
    return suite.bounds.get(column) if suite else None


def scorecard_checks(scorecard_columns: Sequence[str]) -> list[FrameCheck]:
    """kpi_scorecard repeats each mart's overall row, column by column, in every month;
    every column of the scorecard must be traced in SCORECARD_SOURCES."""
    measures = [c for c in scorecard_columns if c not in ("month", "is_complete_month")]
    unmapped = [c for c in measures if c not in SCORECARD_SOURCES]
    checks = [FrameCheck(
        "kpi_scorecard__every_column_traced_to_a_mart",
        "kpi_scorecard: every column repeats a mart value listed in "
        "cskpi.expectations.SCORECARD_SOURCES",
        ("kpi_scorecard",),
        "select * from (values " + ", ".join(f"('{c}')" for c in [*unmapped, "-"])
        + ") as t(unmapped_column) where unmapped_column <> '-'",
        lambda: [gx.expectations.ExpectTableRowCountToEqual(value=0)],
    )]
    for column in measures:
        source = SCORECARD_SOURCES.get(column)
        if source is None:
            continue
        checks.append(equality_check(
            f"kpi_scorecard__{column}_equals_{source.table}",
            f"kpi_scorecard.{column} equals {source.expression} of {source.table} "
            f"where {source.where}, month by month",
            ("kpi_scorecard", source.table),
            f"""
            select scorecard.month, scorecard.{column} as lhs,
                coalesce(mart.value, {source.when_missing}) as rhs
            from kpi_scorecard as scorecard
            left join (
                select month, {source.expression} as value
                from {source.table} where {source.where} group by month
            ) as mart on scorecard.month = mart.month
            """,
            RATE_TOLERANCE,
        ))
    return checks


# The scorecard's suite: the columns traced above, each with its source's bound.
_SCORECARD_BOUNDS = {c: _scorecard_bound(s) for c, s in SCORECARD_SOURCES.items()}
MART_SUITES = (*MART_SUITES, MartSuite(
    "kpi_scorecard", ("month",),
    bounds={c: bound for c, bound in _SCORECARD_BOUNDS.items() if bound is not None},
    not_null=("customers_scored",),
))
SUITES_BY_TABLE = {s.table: s for s in MART_SUITES}
