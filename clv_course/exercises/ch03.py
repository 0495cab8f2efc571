"""Chapter 3, retention and churn: period retention, cohorts, expected lifetime, unit conversion."""

from __future__ import annotations

import pandas as pd

from clv_course import metrics
from clv_course.cohorts import cohort_table, retention_matrix
from clv_course.exercises import Case, CourseData, Exercise, FunctionPart, N_, ValuePart, Wrong


def _shop(data: CourseData) -> pd.DataFrame:
    return data.load("shop")


def _active(transactions: pd.DataFrame, year: int, *, orders_only: bool = True) -> set:
    """The customers with an order (or, with ``orders_only=False``, any row) in ``year``."""
    rows = transactions[~transactions["is_refund"]] if orders_only else transactions
    return set(rows.loc[rows["date"].dt.year == year, "customer_id"])


def _retention(data: CourseData, year: int = 2025) -> float:
    return float(metrics.retention_rate(_shop(data), unit="year")[str(year)])


def _churn(data: CourseData) -> float:
    return 1.0 - _retention(data)


def _retention_with_refunds(data: CourseData) -> float:
    shop = _shop(data)
    before, after = (_active(shop, y, orders_only=False) for y in (2024, 2025))
    return len(before & after) / len(before)


def _wrong_denominator(data: CourseData) -> float:
    shop = _shop(data)
    before, after = _active(shop, 2024), _active(shop, 2025)
    return len(before & after) / len(after)


def _cohort_share(data: CourseData, age: int = 2, cohort: str = "2023") -> float:
    return float(retention_matrix(_shop(data), unit="year").loc[cohort, age])


def _churn_cases(rng, data: CourseData) -> list[Case]:
    return [Case((round(float(rng.uniform(0.02, 0.9)), 3),)) for _ in range(5)]


def _annual_cases(rng, data: CourseData) -> list[Case]:
    return [Case((round(float(rng.uniform(0.2, 0.95)), 3),)) for _ in range(5)]


def _monthly_retention(annual):
    return annual ** (1 / 12)


EXERCISES = [
    Exercise("ch03-shop-retention", N_("The shop's retention and churn from 2024 to 2025"), [
        ValuePart("retention_2025", 2, _retention,
                  hint=N_("Take the customers with an order in 2024; retention is the share of "
                          "them who also ordered in 2025. Refund rows are not orders."),
                  wrong=[Wrong(N_("churn instead of retention"), _churn,
                               N_("That is the share who did not come back (churn); retention is "
                                  "the share who did.")),
                         Wrong(N_("off by one year"), lambda data: _retention(data, 2024),
                               N_("That is the retention from 2023 to 2024; use the customers of "
                                  "2024 and look at 2025.")),
                         Wrong(N_("2025's customers as the base"), _wrong_denominator,
                               N_("Divide by the customers of 2024 (the earlier year), not by "
                                  "those of 2025.")),
                         Wrong(N_("refund rows counted as activity"), _retention_with_refunds,
                               N_("A refund is not an order: leave the rows with is_refund out "
                                  "before you look for active customers."))]),
        ValuePart("churn_2025", 1, _churn,
                  hint=N_("Churn is 1 - retention: the share of 2024's customers with no order "
                          "in 2025."),
                  wrong=[Wrong(N_("retention instead of churn"), _retention,
                               N_("That is the retention rate; churn is 1 minus it."))]),
    ]),
    Exercise("ch03-cohort-share", N_("A cell of the cohort retention matrix"), [
        ValuePart("cohort_2023_in_2025", 3, _cohort_share,
                  hint=N_("Build the yearly retention matrix of the shop and read the 2023 "
                          "cohort's share two years after its first year (column 2)."),
                  wrong=[Wrong(N_("off by one period"), lambda data: _cohort_share(data, 1),
                               N_("Column 1 is the second year (2024); the third year, 2025, is "
                                  "two periods after the first order: column 2.")),
                         Wrong(N_("period retention instead of the cohort's share"),
                               lambda data: _retention(data),
                               N_("That is the share of 2024's customers active in 2025. The "
                                  "matrix divides by the cohort's size in its first year.")),
                         Wrong(N_("a count, not a share"),
                               lambda data: float(cohort_table(_shop(data), unit="year")
                                                  .loc["2023", 2]),
                               N_("That is the number of customers; divide by the size of the "
                                  "2023 cohort (or use retention_matrix)."))]),
    ]),
    Exercise("ch03-expected-lifetime", N_("Expected lifetime from a churn rate"), [
        FunctionPart("expected_lifetime", 2, metrics.expected_lifetime, _churn_cases,
                     hint=N_("If a constant share churn leaves each period, a customer stays "
                             "1 / churn periods on average."),
                     wrong=[Wrong(N_("returns the churn rate itself"), lambda churn: churn,
                                  N_("That is the churn rate; the expected lifetime is its "
                                     "reciprocal, 1 / churn.")),
                            Wrong(N_("divides by retention"), lambda churn: 1 / (1 - churn),
                                  N_("Divide 1 by the churn rate, not by the retention rate "
                                     "(1 - churn).")),
                            Wrong(N_("counts renewals, not periods"),
                                  lambda churn: (1 - churn) / churn,
                                  N_("Count the first period too: the lifetime is 1 / churn "
                                     "periods, one more than the (1 - churn) / churn renewals."))]),
    ]),
    Exercise("ch03-monthly-retention", N_("From annual to monthly retention"), [
        FunctionPart("monthly_retention", 2, _monthly_retention, _annual_cases,
                     hint=N_("Twelve monthly retentions in a row make the annual one: "
                             "monthly ** 12 = annual, so monthly = annual ** (1 / 12)."),
                     wrong=[Wrong(N_("divides by 12"), lambda annual: annual / 12,
                                  N_("Retention compounds: a customer must stay twelve months "
                                     "in a row. Take the 12th root, not a twelfth.")),
                            Wrong(N_("divides the churn by 12"),
                                  lambda annual: 1 - (1 - annual) / 12,
                                  N_("Churn does not spread evenly over the months either: "
                                     "take the 12th root of the annual retention.")),
                            Wrong(N_("raises to the 12th power"), lambda annual: annual ** 12,
                                  N_("annual ** 12 is the retention over twelve years; the "
                                     "monthly rate is annual ** (1 / 12)."))]),
    ]),
]
