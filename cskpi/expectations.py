"""The Great Expectations suites of the marts, as code.

One `MartSuite` per mart of the KPI spec, kpi-definitions.md (its grain, the columns the
spec names, which of them are bounded and how), plus `FrameCheck`s: a SQL query over
the warehouse whose result is validated like a table. Frame checks carry what a
spreadsheet user would check by hand: one overall row in every month, `mrr_start` equal
to last month's `mrr_end`, the scorecard equal to each mart's overall row...

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
    """What the spec promises about one mart."""

    table: str
    grain: tuple[str, ...]
    columns: Mapping[str, Bound | None]  # the spec's columns; a Bound when bounded
    dimensions: tuple[str, ...] = ()  # accepted `dimension` values (sliced marts)
    value_sets: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    not_null: tuple[str, ...] = ()  # beyond the grain
    # Monthly marts: the filter of the row that exists exactly once in every month of
    # the spine (None: rows exist only where the month has data).
    every_month_row: str | None = None
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
        found: list[Expectation] = [
            ex.ExpectTableRowCountToBeBetween(min_value=0 if self.may_be_empty else 1)]
        found += [ex.ExpectColumnToExist(column=c) for c in (*self.key_columns, *self.columns)]
        found += [ex.ExpectColumnValuesToNotBeNull(column=c)
                  for c in (*self.key_columns, *self.not_null)]
        if len(self.grain) == 1:
            found.append(ex.ExpectColumnValuesToBeUnique(column=self.grain[0]))
        else:
            found.append(ex.ExpectCompoundColumnsToBeUnique(column_list=list(self.grain)))
        if self.dimensions:
            found.append(ex.ExpectColumnValuesToBeInSet(
                column="dimension", value_set=list(self.dimensions)))
            found.append(ex.ExpectColumnValuesToBeInSet(
                column="dimension_value", value_set=["all"],
                row_condition=Column("dimension") == "overall"))
        for column, values in self.value_sets.items():
            found.append(ex.ExpectColumnValuesToBeInSet(column=column, value_set=list(values)))
        for column, bound in self.columns.items():
            if bound is not None:
                low, high = bound
                found.append(ex.ExpectColumnValuesToBeBetween(
                    column=column, min_value=low, max_value=high))
        return found


# ---------------------------------------------------------------------------------------
# The marts (kpi-definitions.md, "Marts").

MART_SUITES: tuple[MartSuite, ...] = (
    MartSuite(
        "kpi_mrr", SLICE_GRAIN, dimensions=("overall", "segment"), every_month_row=OVERALL,
        columns={
            "mrr_start": NON_NEGATIVE, "fx_impact": None, "new_mrr": NON_NEGATIVE,
            "expansion_mrr": NON_NEGATIVE, "reactivation_mrr": NON_NEGATIVE,
            "contraction_mrr": NON_NEGATIVE, "churned_mrr": NON_NEGATIVE,
            "mrr_end": NON_NEGATIVE, "arr_end": NON_NEGATIVE,
            "paying_customers_end": NON_NEGATIVE, "arpa": NON_NEGATIVE,
        },
        not_null=("mrr_start", "fx_impact", "new_mrr", "expansion_mrr", "reactivation_mrr",
                  "contraction_mrr", "churned_mrr", "mrr_end", "paying_customers_end"),
    ),
    MartSuite(
        "kpi_customer_churn_rate", SLICE_GRAIN, dimensions=("overall", "segment", "cs_rep"),
        every_month_row=OVERALL,
        columns={
            "customers_start": NON_NEGATIVE, "churned_customers": NON_NEGATIVE,
            "new_customers": NON_NEGATIVE, "reactivated_customers": NON_NEGATIVE,
            "churned_new_customers": NON_NEGATIVE, "customers_end": NON_NEGATIVE,
            "customer_churn_rate": RATE,
            # (churned + joined-and-left) / start: above 1 when many join and leave.
            "customer_churn_rate_incl_new": NON_NEGATIVE,
        },
        not_null=("customers_start", "churned_customers", "customers_end"),
    ),
    MartSuite(
        "kpi_customer_retention_rate", SLICE_GRAIN,
        dimensions=("overall", "segment", "cs_rep"), every_month_row=OVERALL,
        columns={"customers_start": NON_NEGATIVE, "retained_customers": NON_NEGATIVE,
                 "customer_retention_rate": RATE},
        not_null=("customers_start", "retained_customers"),
    ),
    MartSuite(
        "kpi_revenue_churn_rate", SLICE_GRAIN, dimensions=("overall", "segment"),
        every_month_row=OVERALL,
        columns={"mrr_start_current_rates": NON_NEGATIVE, "gross_mrr_churn_rate": RATE,
                 "net_mrr_churn_rate": AT_MOST_ONE},
        not_null=("mrr_start_current_rates",),
    ),
    MartSuite(
        "kpi_expansion_revenue", SLICE_GRAIN, dimensions=("overall", "segment"),
        every_month_row=OVERALL,
        columns={
            "expansion_mrr": NON_NEGATIVE, "expansion_mrr_rate": NON_NEGATIVE,
            # One-time invoices include credit notes: these may be negative.
            "one_time_revenue_existing": None, "expansion_revenue": None,
            "total_revenue_prev_month": None, "expansion_revenue_growth": None,
        },
        not_null=("expansion_mrr",),
    ),
    MartSuite(
        "kpi_net_revenue_retention", SLICE_GRAIN, dimensions=("overall", "segment"),
        every_month_row=OVERALL,
        columns={
            "nrr_monthly": NON_NEGATIVE, "grr_monthly": RATE,
            "cohort_mrr_12m_ago": NON_NEGATIVE, "cohort_mrr_now": NON_NEGATIVE,
            "nrr_12m": NON_NEGATIVE, "grr_12m": RATE,
        },
        null_first_12_months=("cohort_mrr_12m_ago", "cohort_mrr_now", "nrr_12m", "grr_12m"),
    ),
    MartSuite(
        "kpi_customer_lifetime_value", SLICE_GRAIN, dimensions=("overall", "segment"),
        every_month_row=OVERALL,
        columns={
            "arpa": NON_NEGATIVE, "churn_rate_6m": RATE,
            "expected_lifetime_months": (1, None),  # 1 / a churn rate of at most 1
            "clv_revenue": NON_NEGATIVE, "gross_margin": RATE, "clv_margin": NON_NEGATIVE,
            # Mean invoice amount with credit notes: may be negative in theory.
            "avg_purchase_value": None, "purchases_per_customer_month": NON_NEGATIVE,
            "clv_purchase_based": None,
        },
    ),
    MartSuite(
        "kpi_customer_retention_cost", SLICE_GRAIN, dimensions=("overall",),
        every_month_row=OVERALL,
        columns={
            "cs_cost": NON_NEGATIVE, "customers_start": NON_NEGATIVE,
            "customer_retention_cost": NON_NEGATIVE, "cs_cost_12m": NON_NEGATIVE,
            "customers_start_12m": NON_NEGATIVE, "customer_retention_cost_12m": NON_NEGATIVE,
        },
        # cs_cost is null in every month when the cost feed is empty (spec, Changes).
        not_null=("customers_start",),
        null_first_12_months=("cs_cost_12m", "customers_start_12m",
                              "customer_retention_cost_12m"),
    ),
    MartSuite(
        "kpi_renewal_rate", SLICE_GRAIN, dimensions=("overall", "segment"),
        every_month_row=OVERALL,
        columns={
            "up_for_renewal": NON_NEGATIVE, "renewed": NON_NEGATIVE,
            "pending_renewals": NON_NEGATIVE, "renewal_rate": RATE,
            "mrr_up_for_renewal": NON_NEGATIVE, "mrr_pending_renewals": NON_NEGATIVE,
            "mrr_renewed": NON_NEGATIVE, "renewal_mrr_rate": RATE,
        },
        not_null=("up_for_renewal", "renewed", "pending_renewals"),
    ),
    MartSuite(
        "kpi_net_promoter_score", SLICE_GRAIN, dimensions=("overall", "segment"),
        every_month_row=OVERALL,
        columns={
            "responses": NON_NEGATIVE, "promoters": NON_NEGATIVE, "passives": NON_NEGATIVE,
            "detractors": NON_NEGATIVE, "nps": NPS, "accounts_responding": NON_NEGATIVE,
            "account_nps": NPS,
        },
        not_null=("responses", "promoters", "passives", "detractors", "accounts_responding"),
    ),
    MartSuite(
        "kpi_customer_satisfaction", SLICE_GRAIN,
        dimensions=("overall", "support_agent", "channel"), every_month_row=OVERALL,
        columns={"responses": NON_NEGATIVE, "satisfied_responses": NON_NEGATIVE,
                 "csat_rate": RATE, "avg_score": (1, 5)},
        not_null=("responses", "satisfied_responses"),
    ),
    MartSuite(
        "kpi_first_contact_resolution", SLICE_GRAIN,
        dimensions=("overall", "support_agent", "channel"), every_month_row=OVERALL,
        columns={
            "tickets_created": NON_NEGATIVE, "tickets_solved": NON_NEGATIVE,
            "zero_touch_tickets": NON_NEGATIVE, "first_contact_resolved": NON_NEGATIVE,
            "fcr_rate": RATE, "fcr_rate_of_created": RATE,
        },
        not_null=("tickets_created", "tickets_solved", "zero_touch_tickets",
                  "first_contact_resolved"),
    ),
    MartSuite(
        "kpi_customer_feedback", ("month", "theme"),
        columns={
            "comments": NON_NEGATIVE, "theme_share": RATE, "positive_comments": NON_NEGATIVE,
            "neutral_comments": NON_NEGATIVE, "negative_comments": NON_NEGATIVE,
            "net_sentiment": NET_SENTIMENT,
        },
        not_null=("comments", "positive_comments", "neutral_comments", "negative_comments"),
    ),
    MartSuite(
        "kpi_customer_feedback_comments", ("response_id", "theme"),
        columns={"customer_id": None, "survey_type": None, "score": None, "sentiment": None},
        value_sets={"sentiment": ("positive", "neutral", "negative"),
                    "survey_type": ("nps", "csat")},
        not_null=("month", "customer_id", "survey_type", "score", "sentiment"),
        monthly=True,
        may_be_empty=True,  # no survey feed, no comments
    ),
    MartSuite(
        "kpi_customer_health_score", ("month", "customer_id"),
        columns={
            "usage_score": SCORE, "support_score": SCORE, "sentiment_score": SCORE,
            "billing_score": SCORE, "growth_score": SCORE, "health_score": SCORE,
            "health_band": None, "segment": None, "cs_rep_id": None,
            "health_score_change": SCORE_CHANGE,
        },
        value_sets={"health_band": ("green", "yellow", "red")},
        # Support and billing always have a value, so the weighted mean always has one.
        not_null=("support_score", "billing_score", "health_score", "health_band", "segment",
                  "cs_rep_id"),
    ),
    MartSuite(
        "dim_customers", ("customer_id",), columns={"segment": None}, monthly=False,
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
    """Row counts per month, `is_complete_month` and the 12-month null rule of one mart."""
    t = suite.table
    checks: list[FrameCheck] = []
    if not suite.monthly:
        return checks
    every = suite.every_month_row
    checks.append(FrameCheck(
        f"{t}__rows_per_month",
        f"{t}: every month of the spine has "
        + (f"exactly one row where {every}" if every else "rows only within the spine")
        + "; is_complete_month is false only for the as-of month; no month outside the spine",
        (t, SPINE),
        f"""
        with counts as (
            select
                month,
                count(*) as row_count,
                count(*) filter (where {every or '1 = 0'}) as every_month_rows,
                count(distinct is_complete_month) as is_complete_values,
                bool_and(is_complete_month) as is_complete_month
            from {t}
            group by month
        )
        select
            coalesce(spine.month, counts.month) as month,
            spine.month is not null as in_spine,
            coalesce(counts.row_count, 0) as row_count,
            coalesce(counts.every_month_rows, 0) as every_month_rows,
            counts.row_count is null
                or (counts.is_complete_values = 1
                    and counts.is_complete_month = spine.is_complete_month)
                as is_complete_month_matches
        from {SPINE} as spine
        full outer join counts on spine.month = counts.month
        order by 1
        """,
        lambda every=every: [
            gx.expectations.ExpectColumnValuesToBeInSet(column="in_spine", value_set=[True]),
            gx.expectations.ExpectColumnValuesToBeInSet(
                column="is_complete_month_matches", value_set=[True]),
            *([gx.expectations.ExpectColumnValuesToBeBetween(
                column="every_month_rows", min_value=1, max_value=1)] if every else []),
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
    """What a spreadsheet user would check across rows and tables."""
    m, churn, retention = "kpi_mrr", "kpi_customer_churn_rate", "kpi_customer_retention_rate"
    checks: list[FrameCheck] = [
        # kpi_mrr: the bridge, and this month's start is last month's end.
        equality_check(
            f"{m}__mrr_start_equals_previous_mrr_end",
            f"{m}: mrr_start of month M equals mrr_end of month M-1, in every slice "
            "(0 in the first month)",
            (m, SPINE), _previous(m, "mrr_start", "mrr_end"), MONEY_TOLERANCE,
        ),
        _row_identity(
            m, "bridge",
            "mrr_end", "mrr_start + fx_impact + new_mrr + expansion_mrr + reactivation_mrr"
            " - contraction_mrr - churned_mrr", MONEY_TOLERANCE,
        ),
        _row_identity(m, "arr_is_12_mrr", "arr_end", "12 * mrr_end", MONEY_TOLERANCE),
        _row_identity(m, "arpa", "arpa", "mrr_end / nullif(paying_customers_end, 0)",
                      MONEY_TOLERANCE),
        *_slices_add_up(m, "segment", ("mrr_start", "mrr_end", "new_mrr", "churned_mrr",
                                       "paying_customers_end"), MONEY_TOLERANCE),
        # Logo churn and retention.
        _row_identity(
            churn, "customers_end_identity", "customers_end",
            "customers_start - churned_customers + new_customers + reactivated_customers",
            COUNT_TOLERANCE,
        ),
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
        *_slices_add_up(churn, "segment", ("customers_start", "churned_customers",
                                           "customers_end"), COUNT_TOLERANCE),
        *_slices_add_up(churn, "cs_rep", ("customers_start", "churned_customers"),
                        COUNT_TOLERANCE),
        *_overall_equal(
            f"{m}__paying_customers_end_equals_churn_customers_end", m, churn,
            [("paying_customers_end", "customers_end")], COUNT_TOLERANCE,
            f"{m}.{{a}} equals {churn}.{{b}} (overall rows)",
        ),
        equality_check(
            f"{retention}__matches_churn",
            f"{retention}: customers_start equals {churn}'s, retained = start - churned, "
            "retention rate = 1 - churn rate (every slice)",
            (retention, churn),
            f"""
            select r.month, r.dimension, r.dimension_value, 'customers_start' as measure,
                r.customers_start as lhs, c.customers_start as rhs
            from {retention} as r left join {churn} as c using (month, dimension, dimension_value)
            union all
            select r.month, r.dimension, r.dimension_value, 'retained_customers',
                r.retained_customers, c.customers_start - c.churned_customers
            from {retention} as r left join {churn} as c using (month, dimension, dimension_value)
            union all
            select r.month, r.dimension, r.dimension_value, 'customer_retention_rate',
                r.customer_retention_rate, 1 - c.customer_churn_rate
            from {retention} as r left join {churn} as c using (month, dimension, dimension_value)
            """,
            RATE_TOLERANCE,
        ),
        # Revenue churn, expansion and NRR agree with the MRR bridge.
        equality_check(
            "kpi_revenue_churn_rate__matches_mrr_bridge",
            "kpi_revenue_churn_rate: mrr_start_current_rates = mrr_start + fx_impact of kpi_mrr"
            " (the sum of P), gross = (churned + contraction) / it, net = (churned + "
            "contraction - expansion) / it (every slice)",
            ("kpi_revenue_churn_rate", m),
            f"""
            with joined as (
                select r.*, m.mrr_start + m.fx_impact as p_total, m.churned_mrr,
                    m.contraction_mrr, m.expansion_mrr
                from kpi_revenue_churn_rate as r
                left join {m} as m using (month, dimension, dimension_value)
            )
            select month, dimension, dimension_value, 'mrr_start_current_rates' as measure,
                mrr_start_current_rates as lhs, p_total as rhs from joined
            union all
            select month, dimension, dimension_value, 'gross_mrr_churn_rate',
                gross_mrr_churn_rate,
                (churned_mrr + contraction_mrr) / nullif(p_total, 0) from joined
            union all
            select month, dimension, dimension_value, 'net_mrr_churn_rate',
                net_mrr_churn_rate,
                (churned_mrr + contraction_mrr - expansion_mrr) / nullif(p_total, 0)
            from joined
            """,
            RATE_TOLERANCE * 10,
        ),
        equality_check(
            "kpi_expansion_revenue__expansion_mrr_matches_mrr",
            "kpi_expansion_revenue: expansion_mrr equals kpi_mrr's (every slice)",
            ("kpi_expansion_revenue", m),
            f"""
            select e.month, e.dimension, e.dimension_value, e.expansion_mrr as lhs,
                m.expansion_mrr as rhs
            from kpi_expansion_revenue as e left join {m} as m
                using (month, dimension, dimension_value)
            """,
            MONEY_TOLERANCE,
        ),
        equality_check(
            "kpi_net_revenue_retention__nrr_is_one_minus_net_churn",
            "kpi_net_revenue_retention: nrr_monthly = 1 - net_mrr_churn_rate and "
            "grr_monthly = 1 - gross_mrr_churn_rate (every slice)",
            ("kpi_net_revenue_retention", "kpi_revenue_churn_rate"),
            """
            select n.month, n.dimension, n.dimension_value, 'nrr_monthly' as measure,
                n.nrr_monthly as lhs, 1 - r.net_mrr_churn_rate as rhs
            from kpi_net_revenue_retention as n left join kpi_revenue_churn_rate as r
                using (month, dimension, dimension_value)
            union all
            select n.month, n.dimension, n.dimension_value, 'grr_monthly',
                n.grr_monthly, 1 - r.gross_mrr_churn_rate
            from kpi_net_revenue_retention as n left join kpi_revenue_churn_rate as r
                using (month, dimension, dimension_value)
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
        *_overall_equal(
            "kpi_customer_retention_cost__customers_start_matches_churn",
            "kpi_customer_retention_cost", churn, [("customers_start", "customers_start")],
            COUNT_TOLERANCE, f"kpi_customer_retention_cost.{{a}} equals {churn}.{{b}}",
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
        _row_identity("kpi_net_promoter_score", "responses_add_up", "responses",
                      "promoters + passives + detractors", COUNT_TOLERANCE),
        _row_identity("kpi_customer_feedback", "sentiments_add_up", "comments",
                      "positive_comments + neutral_comments + negative_comments",
                      COUNT_TOLERANCE, keys="month, theme"),
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
    return suite.columns.get(column) if suite else None


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
MART_SUITES = (*MART_SUITES, MartSuite(
    "kpi_scorecard", ("month",), every_month_row="true",
    columns={column: _scorecard_bound(source) for column, source in SCORECARD_SOURCES.items()},
    not_null=("customers_scored",),
))
SUITES_BY_TABLE = {s.table: s for s in MART_SUITES}
