"""Chapter 3, retention and churn: retention per channel, cohorts, active periods, unit conversion."""

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


def _by_channel(data: CourseData, year: int = 2025, *, orders_only: bool = True,
                base: str = "before") -> pd.Series:
    """Per acquisition channel: the share of ``year - 1``'s customers who ordered in ``year``.

    ``base`` picks the denominator: ``"before"`` (right), ``"after"`` (the later
    year's customers) or ``"all"`` (every customer the channel ever won).
    """
    shop = _shop(data)
    rates = {}
    for channel, rows in shop.groupby("acquisition_channel"):
        before = _active(rows, year - 1, orders_only=orders_only)
        after = _active(rows, year, orders_only=orders_only)
        denominator = {"before": before, "after": after,
                       "all": set(rows["customer_id"])}[base]
        rates[channel] = len(before & after) / len(denominator)
    return pd.Series(rates, name="retention_rate")


def _period_retention(data: CourseData, year: int = 2025) -> float:
    return float(metrics.retention_rate(_shop(data), unit="year")[str(year)])


def _cohort_share(data: CourseData, age: int = 2, cohort: str = "2023") -> float:
    return float(retention_matrix(_shop(data), unit="year").loc[cohort, age])


def _cohort_share_with_refunds(data: CourseData) -> float:
    """The 2023 cohort's share with any row in 2025, refund rows counted as activity."""
    shop = _shop(data)
    orders = shop[~shop["is_refund"]]
    first = orders.groupby("customer_id")["date"].min().dt.year
    cohort = set(first[first == 2023].index)
    return len(cohort & _active(shop, 2025, orders_only=False)) / len(cohort)


def _share_of_the_second_year(data: CourseData) -> float:
    """The 2023 cohort's customers active in 2025 as a share of those active in 2024."""
    return _cohort_share(data, 2) / _cohort_share(data, 1)


def _active_periods(churn, horizon):
    """Expected active periods of a new customer within ``horizon`` periods: sum of (1-churn)**t."""
    return sum((1 - churn) ** t for t in range(int(horizon)))


def _active_period_cases(rng, data: CourseData) -> list[Case]:
    return [Case((round(float(rng.uniform(0.02, 0.9)), 3), int(rng.integers(2, 16))))
            for _ in range(5)]


def _annual_cases(rng, data: CourseData) -> list[Case]:
    return [Case((round(float(rng.uniform(0.2, 0.95)), 3),)) for _ in range(5)]


def _monthly_retention(annual):
    return annual ** (1 / 12)


_PERCENT = N_("A rate is a share between 0 and 1: 0.4 stands for 40 %. Leave the result as a "
              "share, without multiplying by 100.")

EXERCISES = [
    Exercise("ch03-shop-retention", N_("Retention from 2024 to 2025 per acquisition channel"), [
        ValuePart("retention_2025_by_channel", 3, _by_channel,
                  hint=N_("Split the customers by the channel that won them. Within each channel, "
                          "start from the customers with an order in 2024 and find the share of "
                          "them who also ordered in 2025. Refund rows are not orders."),
                  wrong=[Wrong(N_("a percentage instead of a rate"),
                               lambda data: _by_channel(data) * 100, _PERCENT),
                         Wrong(N_("churn instead of retention"), lambda data: 1 - _by_channel(data),
                               N_("That is the share who did not come back (churn); retention is "
                                  "the share who did.")),
                         Wrong(N_("off by one year"), lambda data: _by_channel(data, 2024),
                               N_("That is the retention from 2023 to 2024; start from the "
                                  "customers of 2024 and look at 2025.")),
                         Wrong(N_("2025's customers as the base"),
                               lambda data: _by_channel(data, base="after"),
                               N_("Divide by each channel's customers of 2024 (the earlier year), "
                                  "not by those of 2025.")),
                         Wrong(N_("every customer of the channel as the base"),
                               lambda data: _by_channel(data, base="all"),
                               N_("Retention asks: of those we had in 2024, how many did we keep? "
                                  "Customers who did not order in 2024 belong to neither the base "
                                  "nor the count.")),
                         Wrong(N_("refund rows counted as activity"),
                               lambda data: _by_channel(data, orders_only=False),
                               N_("A refund is not an order: leave the refund rows out before you "
                                  "look for active customers."))]),
    ]),
    Exercise("ch03-cohort-share", N_("A cell of the cohort retention matrix"), [
        ValuePart("cohort_2023_in_2025", 3, _cohort_share,
                  hint=N_("Follow the customers whose first order fell in 2023, all of them, "
                          "and find the share of them with an order in 2025. The cohort's size "
                          "in its first year is the base, whatever its customers did in 2024."),
                  wrong=[Wrong(N_("a percentage instead of a rate"),
                               lambda data: _cohort_share(data) * 100, _PERCENT),
                         Wrong(N_("off by one period"), lambda data: _cohort_share(data, 1),
                               N_("Period 1 is the second year (2024); the third year, 2025, is "
                                  "two periods after the first order.")),
                         Wrong(N_("period retention instead of the cohort's share"),
                               _period_retention,
                               N_("That is the share of 2024's customers active in 2025. The "
                                  "matrix divides by the cohort's size in its first year.")),
                         Wrong(N_("a count, not a share"),
                               lambda data: float(cohort_table(_shop(data), unit="year")
                                                  .loc["2023", 2]),
                               N_("That is the number of customers; divide by the size of the "
                                  "2023 cohort.")),
                         Wrong(N_("refund rows counted as activity"), _cohort_share_with_refunds,
                               N_("A refund is not an order: leave the refund rows out before you "
                                  "look for active customers.")),
                         Wrong(N_("a share of 2024's active cohort members"),
                               _share_of_the_second_year,
                               N_("That divides by the cohort's customers who ordered in 2024. A "
                                  "cell of the matrix is a share of the whole cohort, as it was in "
                                  "its first year."))]),
    ]),
    Exercise("ch03-expected-lifetime", N_("Expected active periods within a horizon"), [
        FunctionPart("expected_active_periods", 2, _active_periods, _active_period_cases,
                     hint=N_("Each cell of a cohort row is the share of the cohort active in that "
                             "period, so the row adds up to the active periods per customer. Under "
                             "constant churn, what share of new customers is still there in "
                             "period 0, 1, 2, ...? Add those shares over the horizon only."),
                     wrong=[Wrong(N_("ignores the horizon"), lambda churn, horizon: 1 / churn,
                                  N_("That is the expected lifetime without an end. Within a "
                                     "horizon, only the periods up to it count.")),
                            Wrong(N_("caps the lifetime at the horizon"),
                                  lambda churn, horizon: min(horizon, 1 / churn),
                                  N_("Cutting the mean at the horizon is not the mean of the cut "
                                     "lifetimes: add the share still there in each period of the "
                                     "horizon instead.")),
                            Wrong(N_("leaves out the first period"),
                                  lambda churn, horizon: _active_periods(churn, horizon + 1) - 1,
                                  N_("Count the first period too: every new customer is active in "
                                     "it (period 0 of the cohort matrix is 100 %).")),
                            Wrong(N_("one period too many"),
                                  lambda churn, horizon: _active_periods(churn, horizon + 1),
                                  N_("A horizon of 3 periods holds periods 0, 1 and 2: exactly "
                                     "horizon periods, the first one included.")),
                            Wrong(N_("churn used as retention"),
                                  lambda churn, horizon: _active_periods(1 - churn, horizon),
                                  N_("The share that stays each period is 1 minus the churn, not "
                                     "the churn itself."))]),
    ]),
    Exercise("ch03-monthly-retention", N_("From annual to monthly retention"), [
        FunctionPart("monthly_retention", 2, _monthly_retention, _annual_cases,
                     hint=N_("A customer kept for a year was kept in each of twelve months in a "
                             "row. Which monthly rate, compounded over twelve months, gives the "
                             "annual one? (Check the brackets: a power of 1/12 written without "
                             "them raises to the power 1 and then divides by 12.)"),
                     wrong=[Wrong(N_("divides by 12"), lambda annual: annual / 12,
                                  N_("Retention compounds: a customer must stay twelve months "
                                     "in a row. A twelfth of the annual rate would keep almost "
                                     "nobody for a year. (If you meant a root, check the "
                                     "brackets: without them, a power of 1/12 raises to the "
                                     "power 1 and then divides by 12.)")),
                            Wrong(N_("divides the churn by 12"),
                                  lambda annual: 1 - (1 - annual) / 12,
                                  N_("Churn does not spread evenly over the months either: the "
                                     "monthly rates multiply, they do not add up.")),
                            Wrong(N_("raises to the 12th power"), lambda annual: annual ** 12,
                                  N_("That is the retention over twelve years; go the other way, "
                                     "from a year down to a month.")),
                            Wrong(N_("a percentage instead of a rate"),
                                  lambda annual: _monthly_retention(annual) * 100, _PERCENT),
                            Wrong(N_("the root taken of the churn"),
                                  lambda annual: 1 - (1 - annual) ** (1 / 12),
                                  N_("Churn does not compound, retention does: twelve months of "
                                     "staying must multiply to the annual retention. Take the "
                                     "root of the share that stays, not of the share that "
                                     "leaves."))]),
    ]),
]
