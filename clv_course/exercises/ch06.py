"""Chapter 6, segmentation: recency, value deciles, how much the top customers bring, Gini."""

from __future__ import annotations

import numpy as np
import pandas as pd

from clv_course import segments
from clv_course.exercises import Case, CourseData, Exercise, FunctionPart, N_, ValuePart, Wrong


def _shop(data: CourseData) -> pd.DataFrame:
    return data.load("shop")


# ---------------------------------------------------------------- recency at a reference date

def _recency_cases(rng, data: CourseData) -> list[Case]:
    """Slices of the shop up to a cut-off date, measured some days later."""
    shop = _shop(data)
    ids = shop["customer_id"].unique()
    start, end = pd.Timestamp("2023-09-01"), pd.Timestamp("2025-12-31")
    cases = []
    for _ in range(4):
        cutoff = start + pd.Timedelta(days=int(rng.integers(0, (end - start).days + 1)))
        chosen = rng.choice(ids, size=400, replace=False)
        rows = shop[shop["customer_id"].isin(chosen) & (shop["date"] <= cutoff)]
        reference = cutoff + pd.Timedelta(days=int(rng.integers(1, 31)))
        cases.append(Case((rows.reset_index(drop=True), reference)))
    return cases


def _recency(transactions: pd.DataFrame, reference_date) -> pd.Series:
    return segments.rfm_table(transactions, reference_date=reference_date)["recency"]


def _last_dates(transactions: pd.DataFrame) -> pd.Series:
    return transactions[~transactions["is_refund"]].groupby("customer_id")["date"].max()


# ---------------------------------------------------------------- share of the top 20 %

def _profit_per_customer(data: CourseData) -> pd.Series:
    return segments.value_per_customer(_shop(data), "gross_margin")


def _top_share(data: CourseData) -> float:
    return segments.top_share(_profit_per_customer(data), 0.2)


def _top_orders_share(data: CourseData) -> float:
    shop = _shop(data)
    orders = shop.loc[~shop["is_refund"], "gross_margin"].sort_values(ascending=False)
    return orders.head(len(orders) // 5).sum() / shop["gross_margin"].sum()


def _top_share_without_refunds(data: CourseData) -> float:
    shop = _shop(data)
    return segments.top_share(segments.value_per_customer(shop[~shop["is_refund"]]), 0.2)


# ---------------------------------------------------------------- deciles and Gini

def _value_cases(rng, data: CourseData) -> list[Case]:
    """Customer values in whole euros (so some tie), labelled by made-up customer ids."""
    cases = []
    for _ in range(5):
        n = int(rng.integers(40, 240))
        ids = [f"C{number:05d}" for number in rng.choice(99_999, size=n, replace=False)]
        values = np.round(rng.gamma(0.8, 80.0, size=n))
        cases.append(Case((pd.Series(values, index=ids, name="profit"),)))
    return cases


def _equal_width_deciles(values: pd.Series) -> pd.Series:
    return pd.cut(values, 10, labels=range(1, 11)).astype(int)


def _gini_cases(rng, data: CourseData) -> list[Case]:
    """Series of profits: one of equal values (Gini 0), others more and more unequal."""
    arrays = [np.full(int(rng.integers(5, 50)), round(float(rng.uniform(10, 100)), 2))]
    for _ in range(4):
        n = int(rng.integers(20, 500))
        arrays.append(np.round(rng.lognormal(3.5, float(rng.uniform(0.3, 1.5)), size=n), 2))
    return [Case((pd.Series(array, name="profit"),)) for array in arrays]


def _gini_unsorted(values) -> float:
    x = np.asarray(values, dtype=float)
    n = x.size
    return float(2 * np.sum(np.arange(1, n + 1) * x) / (n * x.sum()) - (n + 1) / n)


def _gini_area_not_doubled(values) -> float:
    return 1 - (1 - segments.gini(values)) / 2


EXERCISES = [
    Exercise("ch06-recency", N_("Recency in days at a reference date"), [
        FunctionPart("recency_days", 3, _recency, _recency_cases,
                     hint=N_("For each customer take the date of the last order (refund rows are "
                             "not orders), subtract it from the reference date and keep the whole "
                             "days (.dt.days). Bought on the reference date = 0 days."),
                     wrong=[Wrong(N_("off by one day"),
                                  lambda t, ref: _recency(t, ref) + 1,
                                  N_("You count one day too many: a customer who bought on the "
                                     "reference date has recency 0.")),
                            Wrong(N_("measured in the wrong direction"),
                                  lambda t, ref: -_recency(t, ref),
                                  N_("Recency is reference date minus last order date, so it is "
                                     "never negative.")),
                            Wrong(N_("days since the first purchase"),
                                  lambda t, ref: (pd.Timestamp(ref) - t[~t["is_refund"]]
                                                  .groupby("customer_id")["date"].min()).dt.days,
                                  N_("That is the time since the first purchase (the customer's "
                                     "age); recency uses the last one (max).")),
                            Wrong(N_("refunds count as purchases"),
                                  lambda t, ref: (pd.Timestamp(ref)
                                                  - t.groupby("customer_id")["date"].max()).dt.days,
                                  N_("A refund is not a purchase: leave out the rows where "
                                     "is_refund is True before taking the last date.")),
                            Wrong(N_("the data's last date instead of the reference date"),
                                  lambda t, ref: (t["date"].max() - _last_dates(t)).dt.days,
                                  N_("Measure up to the reference_date you are given, not to the "
                                     "last date in the data."))]),
    ]),
    Exercise("ch06-top-share", N_("What the top 20 % of customers bring"), [
        ValuePart("top20_profit_share", 3, _top_share,
                  hint=N_("Add up gross_margin per customer (refunds included), sort the customers "
                          "from most to least profit, take the first n // 5 of them and divide "
                          "their profit by the total. The answer is a share such as 0.6."),
                  wrong=[Wrong(N_("revenue for profit"),
                               lambda data: segments.top_share(
                                   segments.value_per_customer(_shop(data), "amount"), 0.2),
                               N_("That is the share of revenue (amount); the question is about "
                                  "profit, the gross_margin column.")),
                         Wrong(N_("top 20 % of orders, not customers"), _top_orders_share,
                               N_("That takes the biggest 20 % of orders. Add up each customer's "
                                  "profit first (groupby customer_id), then take the top 20 % of "
                                  "customers.")),
                         Wrong(N_("refunds left out"), _top_share_without_refunds,
                               N_("Keep the refund rows: their negative gross margin is profit "
                                  "the shop gave back.")),
                         Wrong(N_("a percentage, not a share"), lambda data: 100 * _top_share(data),
                               N_("Give a share between 0 and 1 (0.6), not a percentage (60)."))]),
    ]),
    Exercise("ch06-deciles", N_("Value deciles"), [
        FunctionPart("value_deciles", 3, segments.value_deciles, _value_cases,
                     hint=N_("Rank the values with rank(method='first') so ties get distinct ranks, "
                             "cut the ranks into 10 equal groups with pd.qcut(..., 10, "
                             "labels=range(1, 11)), and return them as whole numbers (astype(int)), "
                             "with the same index as the input."),
                     wrong=[Wrong(N_("1 for the most valuable"),
                                  lambda v: 11 - segments.value_deciles(v),
                                  N_("The order is the wrong way round: decile 10 should hold the "
                                     "most valuable customers.")),
                            Wrong(N_("deciles numbered 0 to 9"),
                                  lambda v: segments.value_deciles(v) - 1,
                                  N_("Number the deciles 1 to 10 (labels=range(1, 11)), not 0 "
                                     "to 9.")),
                            Wrong(N_("equal-width bins"), _equal_width_deciles,
                                  N_("pd.cut makes bins of equal width, so most customers land in "
                                     "decile 1. Deciles are groups of equal size: use pd.qcut on "
                                     "the ranks."))]),
    ]),
    Exercise("ch06-gini", N_("The Gini coefficient"), [
        FunctionPart("gini", 2, segments.gini, _gini_cases,
                     hint=N_("Sort the values from small to large, number them i = 1..n, and "
                             "compute 2 * sum(i * x_i) / (n * sum(x)) - (n + 1) / n."),
                     wrong=[Wrong(N_("values not sorted"), _gini_unsorted,
                                  N_("The formula needs the values sorted from small to large "
                                     "(np.sort) before you number them.")),
                            Wrong(N_("sorted from large to small"),
                                  lambda values: -segments.gini(values),
                                  N_("Sort from small to large: sorted the other way the result "
                                     "comes out negative.")),
                            Wrong(N_("area not doubled"), _gini_area_not_doubled,
                                  N_("The Gini coefficient is 1 - 2 x (area under the Lorenz "
                                     "curve): equal customers must give 0."))]),
    ]),
]
