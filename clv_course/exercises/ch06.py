"""Chapter 6, segmentation: recency, value deciles, how few customers bring most profit, Gini."""

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


# ---------------------------------------------------------------- how few customers bring 80 %

PROFIT_SHARE = 0.8


def _profit_per_customer(data: CourseData) -> pd.Series:
    return segments.value_per_customer(_shop(data), "gross_margin")


def _customers_for(values: pd.Series, share: float = PROFIT_SHARE, *, best_first: bool = True,
                   short_by: int = 0) -> float:
    """The smallest share of customers, the most valuable first, whose value reaches ``share``."""
    ordered = values.sort_values(ascending=not best_first)
    reached = ordered.cumsum() >= share * values.sum()
    return (int(reached.to_numpy().argmax()) + 1 - short_by) / len(values)


def _share_for_80(data: CourseData) -> float:
    return _customers_for(_profit_per_customer(data))


def _share_for_80_revenue(data: CourseData) -> float:
    return _customers_for(segments.value_per_customer(_shop(data), "amount"))


def _share_for_80_without_refunds(data: CourseData) -> float:
    shop = _shop(data)
    return _customers_for(segments.value_per_customer(shop[~shop["is_refund"]]))


def _share_for_80_least_first(data: CourseData) -> float:
    return _customers_for(_profit_per_customer(data), best_first=False)


def _share_for_80_one_short(data: CourseData) -> float:
    return _customers_for(_profit_per_customer(data), short_by=1)


def _share_for_80_orders(data: CourseData) -> float:
    shop = _shop(data)
    return _customers_for(shop.loc[~shop["is_refund"], "gross_margin"].reset_index(drop=True))


def _top20_profit_share(data: CourseData) -> float:
    return segments.top_share(_profit_per_customer(data), 0.2)


def _customers_for_80_count(data: CourseData) -> float:
    profit = _profit_per_customer(data)
    return round(_customers_for(profit) * len(profit))


# ---------------------------------------------------------------- deciles and Gini

def _value_cases(rng, data: CourseData) -> list[Case]:
    """Customer values in whole euros (so some tie), labelled by made-up customer ids.

    The number of customers is a multiple of 10, so ten groups of exactly equal size exist and
    every way of cutting them (cut ranks into ten, ceil of 10 x rank / n, split the sorted list
    into ten) gives the same deciles.
    """
    cases = []
    for _ in range(5):
        n = 10 * int(rng.integers(4, 24))
        ids = [f"C{number:05d}" for number in rng.choice(99_999, size=n, replace=False)]
        values = np.round(rng.gamma(0.8, 80.0, size=n))
        cases.append(Case((pd.Series(values, index=ids, name="profit"),)))
    return cases


def _equal_width_deciles(values: pd.Series) -> pd.Series:
    return pd.cut(values, 10, labels=range(1, 11)).astype(int)


def _value_deciles(values: pd.Series) -> pd.Series:
    return segments.value_deciles(values)


def _deciles_ties_together(values: pd.Series) -> pd.Series:
    """Deciles that keep tied customers together. Cut into ten, average ranks, dense ranks and
    the values themselves all give the same groups: one mistake, one hint."""
    return pd.qcut(values.rank(method="average"), 10, labels=False) + 1


def _gini_cases(rng, data: CourseData) -> list[Case]:
    """Series of profits: one of equal values (Gini 0), others more and more unequal."""
    arrays = [np.full(int(rng.integers(5, 50)), round(float(rng.uniform(10, 100)), 2))]
    for _ in range(4):
        n = int(rng.integers(20, 500))
        arrays.append(np.round(rng.lognormal(3.5, float(rng.uniform(0.3, 1.5)), size=n), 2))
    arrays.append(np.array([0.0, 0.0, 0.0, 10.0]))  # one customer with everything: (n - 1) / n
    return [Case((pd.Series(array, name="profit"),)) for array in arrays]


def _gini(values) -> float:
    return segments.gini(values)


def _gini_unsorted(values) -> float:
    x = np.asarray(values, dtype=float)
    n = x.size
    return float(2 * np.sum(np.arange(1, n + 1) * x) / (n * x.sum()) - (n + 1) / n)


def _gini_area_not_doubled(values) -> float:
    return 1 - (1 - segments.gini(values)) / 2


def _gini_rectangles(values) -> float:
    """The area as rectangles at each customer's right edge: the Gini comes out 1/n too small."""
    return segments.gini(values) - 1 / np.asarray(values).size


def _gini_without_origin(values) -> float:
    """Trapezoids between the customers' points only, the first slice from (0, 0) left out."""
    x = np.sort(np.asarray(values, dtype=float))
    return segments.gini(values) + x[0] / x.sum() / x.size


def _gini_sample_corrected(values) -> float:
    n = np.asarray(values).size
    return segments.gini(values) * n / (n - 1)


EXERCISES = [
    Exercise("ch06-recency", N_("Recency in days at a reference date"), [
        FunctionPart("recency_days", 3, _recency, _recency_cases,
                     hint=N_("For each customer take the date of the last order (refund rows are "
                             "not orders), subtract it from the reference date and keep the whole "
                             "days. A customer who bought on the reference date has recency 0."),
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
                                  N_("A refund is not a purchase: leave out the refund rows "
                                     "before taking the last date.")),
                            Wrong(N_("the data's last date instead of the reference date"),
                                  lambda t, ref: (t["date"].max() - _last_dates(t)).dt.days,
                                  N_("Measure up to the reference_date you are given, not to the "
                                     "last date in the data."))]),
    ]),
    Exercise("ch06-top-share", N_("How few customers bring 80 % of the profit"), [
        ValuePart("share_for_80", 3, _share_for_80,
                  hint=N_("Add up each customer's profit (refunds included), walk through the "
                          "customers from the most to the least profitable and stop at the first "
                          "one with whom the running total reaches 80 % of all profit. Give the "
                          "customers counted so far as a share of all customers."),
                  wrong=[Wrong(N_("revenue for profit"), _share_for_80_revenue,
                               N_("That walks through revenue (amount); the question is about "
                                  "profit, the gross_margin column.")),
                         Wrong(N_("refunds left out"), _share_for_80_without_refunds,
                               N_("Keep the refund rows: their negative gross margin is profit "
                                  "the shop gave back.")),
                         Wrong(N_("least profitable first"), _share_for_80_least_first,
                               N_("Start from the most profitable customers: the question is how "
                                  "few of the best customers it takes.")),
                         Wrong(N_("one customer short"), _share_for_80_one_short,
                               N_("That stops one customer early, while the running total is "
                                  "still below 80 %: count the customer with whom it reaches "
                                  "80 %.")),
                         Wrong(N_("orders, not customers"), _share_for_80_orders,
                               N_("That counts the most profitable orders. Add up each "
                                  "customer's profit first, then count customers.")),
                         Wrong(N_("the profit share of the top 20 %"), _top20_profit_share,
                               N_("That is the share of profit the top 20 % of customers bring. "
                                  "The question turns it round: the share of customers it takes "
                                  "to bring 80 % of the profit.")),
                         Wrong(N_("a number of customers, not a share"), _customers_for_80_count,
                               N_("Divide the number of customers you counted by the number of "
                                  "all customers: the answer is a share between 0 and 1.")),
                         Wrong(N_("a percentage, not a share"),
                               lambda data: 100 * _share_for_80(data),
                               N_("Give a share between 0 and 1 (0.4), not a percentage (40)."))]),
    ]),
    Exercise("ch06-deciles", N_("Value deciles"), [
        FunctionPart("value_deciles", 3, _value_deciles, _value_cases,
                     hint=N_("Deciles are ten groups of equal size (within one customer when "
                             "the number of customers is not a multiple of 10). Give tied "
                             "customers distinct ranks first (the first in the table ranks "
                             "lower), cut the ranks, not the values, into ten groups, and number "
                             "them 1 to 10 as whole numbers, keeping the customers' index."),
                     wrong=[Wrong(N_("1 for the most valuable"),
                                  lambda v: 11 - segments.value_deciles(v),
                                  N_("The order is the wrong way round: decile 10 should hold the "
                                     "most valuable customers.")),
                            Wrong(N_("deciles numbered 0 to 9"),
                                  lambda v: segments.value_deciles(v) - 1,
                                  N_("Number the deciles 1 to 10, not 0 to 9: decile 1 is the "
                                     "least valuable tenth.")),
                            Wrong(N_("equal-width bins"), _equal_width_deciles,
                                  N_("Those are bins of equal width in euros, so most customers "
                                     "land in decile 1. Deciles are groups of equal size: ten "
                                     "groups with the same number of customers each.")),
                            Wrong(N_("tied customers kept together"),
                                  _deciles_ties_together,
                                  N_("Tied customers land in the same group there, whether you cut "
                                     "the values themselves or ranks that give ties one rank "
                                     "(average or dense ranks), so a group of ties cannot be split "
                                     "at a decile edge and the groups come out unequal. Give every "
                                     "customer a rank of their own; among tied customers, the "
                                     "first in the table ranks lower."))]),
    ]),
    Exercise("ch06-gini", N_("The Gini coefficient"), [
        FunctionPart("gini", 3, _gini, _gini_cases,
                     hint=N_("Build the Lorenz curve: the customers sorted from the least to the "
                             "most valuable, the share of customers and the running share of "
                             "value, starting at (0, 0). Add up the trapezoids under it, then take "
                             "1 minus twice that area."),
                     wrong=[Wrong(N_("values not sorted"), _gini_unsorted,
                                  N_("The Lorenz curve takes the customers in order, from the "
                                     "least to the most valuable; in the order they come, the "
                                     "curve means nothing.")),
                            Wrong(N_("sorted from large to small"),
                                  lambda values: -segments.gini(values),
                                  N_("That is the concentration curve, above the diagonal, so "
                                     "the result comes out negative. The Lorenz curve starts "
                                     "from the least valuable customer.")),
                            Wrong(N_("area not doubled"), _gini_area_not_doubled,
                                  N_("The Gini coefficient is 1 - 2 x (area under the Lorenz "
                                     "curve): equal customers must give 0.")),
                            Wrong(N_("rectangles, not trapezoids"), _gini_rectangles,
                                  N_("Between two neighbouring points the curve is a straight "
                                     "line, so each slice of area is a trapezoid: the mean of "
                                     "its two heights times its width, not one height.")),
                            Wrong(N_("rectangles on the left edge"),
                                  lambda values: _gini_rectangles(values)
                                  + 2 / np.asarray(values).size,
                                  N_("Between two neighbouring points the curve is a straight "
                                     "line, so each slice of area is a trapezoid: the mean of "
                                     "its two heights times its width, not one height.")),
                            Wrong(N_("the first slice left out"), _gini_without_origin,
                                  N_("The curve starts at (0, 0): no customers, no value. Leave "
                                     "that point out and the first slice of area is missing.")),
                            Wrong(N_("the sample-corrected Gini"), _gini_sample_corrected,
                                  N_("That is the Gini scaled by n / (n - 1), as some statistics "
                                     "packages report it. Here it is 1 - 2 x the area under the "
                                     "Lorenz curve, which is at most (n - 1) / n."))]),
    ]),
]
