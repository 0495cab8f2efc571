"""Segmenting customers: RFM scores, value tiers and deciles, and how concentrated value is.

Chapter 6. A shop rarely treats every customer alike: it rewards its best ones,
wins back those who drift away and spends little on those who are gone. The
functions here build the usual tools for that decision from a transaction table
(the course's tidy columns ``customer_id``, ``date`` and a money column, with
``is_refund`` when present):

- :func:`rfm_table` and :func:`rfm_scores`: recency, frequency and monetary value
  per customer at a reference date, scored 1-5 by quintiles, and a named segment;
- :func:`quantile_scores`, :func:`value_deciles` and :func:`clv_tiers`: equal-sized
  groups of customers by value;
- :func:`lorenz_curve`, :func:`concentration_curve`, :func:`gini` and
  :func:`top_share`: how much of the value the best customers bring.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from clv_course.errors import InputError
from clv_course.i18n import N_, _
from clv_course.tables import orders as _orders
from clv_course.tables import require_columns as _require_columns

__all__ = ["rfm_table", "rfm_scores", "rfm_segment", "segment_actions", "SEGMENTS",
           "value_per_customer", "quantile_scores", "value_deciles", "clv_tiers",
           "lorenz_curve", "concentration_curve", "gini", "top_share"]

#: The RFM segments in the order their rules are tried (the first that fits wins):
#: key -> (name, who they are, what to do). Keys are stable across languages.
SEGMENTS: dict[str, tuple[str, str, str]] = {
    "champions": (N_("Champions"), N_("R 4-5 and F 4-5: bought recently and often"),
                  N_("Reward: early access, perks; no discounts.")),
    "loyal": (N_("Loyal"), N_("R 3-5 and F 3-5: buy regularly"),
              N_("Upsell; ask for reviews and referrals.")),
    "new": (N_("New"), N_("R 4-5 and F 1-2: bought lately, but rarely (RFM cannot see how long "
                          "ago the first purchase was)"),
            N_("Onboard: welcome series, next-order offer.")),
    "at_risk": (N_("At risk"), N_("R 1-2 and F 3-5: used to buy often, not lately"),
                N_("Win back now: reminder, a well-aimed offer.")),
    "lost": (N_("Lost"), N_("R 1 and F 1-2: one or two purchases, long ago"),
             N_("One cheap reactivation try, then stop.")),
    "needs_attention": (N_("Needs attention"), N_("everyone else"),
                        N_("Test offers on a small group; keep what pays.")),
}


# ------------------------------------------------------------------------ per customer

def value_per_customer(transactions: pd.DataFrame, column: str = "gross_margin") -> pd.Series:
    """Each customer's historic value: the sum of ``column``, refunds included (they are negative).

    With the default ``gross_margin`` this is historic profit CLV per customer,
    the value the chapter sorts customers by.
    """
    _require_columns(transactions, "customer_id", column)
    return transactions.groupby("customer_id")[column].sum().rename(column)


def rfm_table(transactions: pd.DataFrame, *, reference_date, value: str = "amount") -> pd.DataFrame:
    """Recency, frequency and monetary value of every customer at ``reference_date``.

    - ``recency``: whole days from the customer's last *order* to the reference
      date (0 = bought that day). A refund is not a purchase, so it does not make a
      customer recent.
    - ``frequency``: the number of orders (refund rows are not counted).
    - ``monetary``: the total of ``value`` over all rows, refunds included, so it
      is what the customer really spent (use ``monetary / frequency`` for the average).

    Rows after the reference date are ignored: they had not happened yet.
    """
    _require_columns(transactions, "customer_id", "date", value)
    reference = pd.Timestamp(reference_date)
    rows = transactions[transactions["date"] <= reference]
    orders = _orders(rows)
    if orders.empty:
        raise InputError(_("There are no orders on or before the reference date {date}.").format(
            date=reference.date()))
    by_customer = orders.groupby("customer_id")
    table = pd.DataFrame({
        "recency": (reference - by_customer["date"].max()).dt.days,
        "frequency": by_customer.size(),
    })
    table["monetary"] = rows.groupby("customer_id")[value].sum().reindex(table.index)
    return table


# ------------------------------------------------------------------ equal-sized groups

def quantile_scores(values: pd.Series, bins: int = 5, *, higher_is_better: bool = True) -> pd.Series:
    """Scores 1..``bins`` in equal-sized groups (quintiles for 5, deciles for 10).

    ``pd.qcut`` on the raw values fails or makes unequal groups when many values
    tie (half the customers with one order), so we cut the *ranks* instead:
    ``rank(method="first")`` gives tied values consecutive ranks in the order they
    appear. The groups are then equal in size, at the price that two customers
    with the same value may land in neighbouring groups. ``bins`` is the best
    score; with ``higher_is_better=False`` (recency: fewer days is better) the
    smallest values score highest.
    """
    if not isinstance(values, pd.Series):
        values = pd.Series(values)
    if int(bins) < 2:
        raise InputError(_("Scores need at least 2 groups; got {bins}.").format(bins=bins))
    if len(values) < bins:
        raise InputError(_("{bins} groups need at least {bins} customers; there are {n}.").format(
            bins=bins, n=len(values)))
    if values.isna().any():
        raise InputError(_("Some values are missing (NaN); fill or drop them before scoring."))
    ranks = values.rank(method="first")
    scores = pd.qcut(ranks, bins, labels=range(1, bins + 1)).astype(int)
    return scores if higher_is_better else bins + 1 - scores


def value_deciles(values: pd.Series) -> pd.Series:
    """Decile of each customer by value: 10 for the most valuable tenth, 1 for the least."""
    return quantile_scores(values, 10)


def clv_tiers(values: pd.Series) -> pd.Series:
    """Tier ``"A"`` (top 20 %), ``"B"`` (next 30 %) or ``"C"`` (bottom half) by value.

    Three tiers are what a team can act on; they are built from the deciles, so
    ties are split the same way.
    """
    deciles = value_deciles(values)
    return pd.Series(np.select([deciles >= 9, deciles >= 6], ["A", "B"], "C"),
                     index=deciles.index, name="tier")


def rfm_segment(r_score: pd.Series, f_score: pd.Series) -> pd.Series:
    """The segment key of each customer from the R and F scores (1-5); see :data:`SEGMENTS`."""
    r, f = np.asarray(r_score), np.asarray(f_score)
    rules = [(r >= 4) & (f >= 4), (r >= 3) & (f >= 3), (r >= 4) & (f <= 2),
             (r <= 2) & (f >= 3), (r == 1) & (f <= 2)]
    keys = list(SEGMENTS)
    return pd.Series(np.select(rules, keys[:-1], keys[-1]), index=getattr(r_score, "index", None),
                     name="segment")


def rfm_scores(rfm: pd.DataFrame, bins: int = 5) -> pd.DataFrame:
    """R, F and M scores (1-``bins``, higher is better) and the segment of each customer.

    Recency scores the other way round: few days since the last order is good.
    """
    _require_columns(rfm, "recency", "frequency", "monetary")
    scores = pd.DataFrame({
        "r_score": quantile_scores(rfm["recency"], bins, higher_is_better=False),
        "f_score": quantile_scores(rfm["frequency"], bins),
        "m_score": quantile_scores(rfm["monetary"], bins),
    })
    scores["segment"] = rfm_segment(scores["r_score"], scores["f_score"])
    return scores


def segment_actions() -> pd.DataFrame:
    """The segments with their rule and a suggested action, in the learner's language."""
    return pd.DataFrame(
        [(key, _(name), _(who), _(action)) for key, (name, who, action) in SEGMENTS.items()],
        columns=["segment", _("name"), _("who"), _("suggested action")]).set_index("segment")


# ------------------------------------------------------------------ concentration of value

def _sorted_values(values) -> np.ndarray:
    array = np.asarray(values, dtype=float).ravel()
    if array.size == 0:
        raise InputError(_("There are no values to measure."))
    if np.isnan(array).any():
        raise InputError(_("Some values are missing (NaN); fill or drop them before scoring."))
    if array.sum() <= 0:
        raise InputError(_("The values add up to zero or less, so shares of the total mean "
                           "nothing."))
    return np.sort(array)


def lorenz_curve(values) -> pd.DataFrame:
    """The Lorenz curve: customers from least to most valuable, cumulative shares from (0, 0).

    A row for each customer plus the origin: ``customer_share`` (0 to 1) and
    ``value_share``, the share of the total they and all less valuable customers
    bring. If every customer were worth the same the curve would be the diagonal.
    """
    ordered = _sorted_values(values)
    n = ordered.size
    return pd.DataFrame({"customer_share": np.arange(n + 1) / n,
                         "value_share": np.concatenate([[0.0], np.cumsum(ordered)]) / ordered.sum()})


def concentration_curve(values) -> pd.DataFrame:
    """The same curve read from the top: the share of value from the most valuable x % of customers."""
    ordered = _sorted_values(values)[::-1]
    n = ordered.size
    return pd.DataFrame({"customer_share": np.arange(n + 1) / n,
                         "value_share": np.concatenate([[0.0], np.cumsum(ordered)]) / ordered.sum()})


def gini(values) -> float:
    """The Gini coefficient: 0 when all customers are worth the same, near 1 when one has it all.

    It is 1 - 2 x (area under the Lorenz curve), the area taken with trapezoids;
    equivalently ``2 * sum(i * x_i) / (n * sum(x)) - (n + 1) / n`` with the values
    sorted from small to large and ``i = 1..n``.
    """
    ordered = _sorted_values(values)
    n = ordered.size
    ranks = np.arange(1, n + 1)
    return float(2 * np.sum(ranks * ordered) / (n * ordered.sum()) - (n + 1) / n)


def top_share(values, share: float = 0.2) -> float:
    """The share of total value brought by the most valuable ``share`` of customers.

    "Top 20 %" of ``n`` customers means the ``floor(0.2 * n)`` most valuable ones
    (rounded down, so with 6,000 customers exactly 1,200).
    """
    if not 0 < share <= 1:
        raise InputError(_("The share of customers must be above 0 and at most 1; got {share}.")
                         .format(share=share))
    ordered = _sorted_values(values)[::-1]
    top = math.floor(share * ordered.size + 1e-9)
    return float(ordered[:top].sum() / ordered.sum())
