"""The components of Customer Lifetime Value, computed from transactions.

Each function is small and vectorised. Functions that read a transaction table
expect the course's tidy columns ``customer_id``, ``date`` and ``amount``
(and use ``is_refund`` when present); functions of a time span take the unit
explicitly (``unit="month"``), so a learner never mixes weeks and years by
accident. The formula functions accept numbers, numpy arrays or pandas Series.

Chapter map: AOV, frequency and lifespan (chapter 2); retention and churn
(chapter 3); margin and discounting (chapter 4); acquisition cost, CLV:CAC and
payback (chapter 5). The customer-base summary of the predictive models is in
:mod:`clv_course.summary`, cohort tables in :mod:`clv_course.cohorts`.
"""

from __future__ import annotations

import math
from typing import TypeVar

import numpy as np
import pandas as pd

from clv_course.cohorts import cohort_table, retention_matrix  # noqa: F401  (public API)
from clv_course.errors import InputError
from clv_course.tables import orders as _orders
from clv_course.tables import require_columns as _require_columns
from clv_course.i18n import _
from clv_course.summary import customer_summary  # noqa: F401  (public API)
from clv_course.units import PERIOD_FREQUENCY, Unit, check_unit, days_per

Number = TypeVar("Number", float, np.ndarray, pd.Series)

__all__ = [
    "average_order_value", "purchase_frequency", "customer_lifespan", "retention_rate",
    "churn_rate", "expected_lifetime", "historic_clv", "margin_clv", "discounted_clv",
    "discounted_clv_closed_form", "acquisition_cost", "acquisition_cost_by_channel",
    "clv_cac_ratio", "payback_period", "customer_summary", "cohort_table", "retention_matrix",
]


# ----------------------------------------------------------------------------- helpers

def _observation_span(transactions: pd.DataFrame, start, end) -> tuple[pd.Timestamp, pd.Timestamp]:
    first = pd.Timestamp(start) if start is not None else transactions["date"].min()
    last = pd.Timestamp(end) if end is not None else transactions["date"].max()
    if last < first:
        raise InputError(_("The end of the period ({end}) is before its start ({start}).")
                         .format(end=last.date(), start=first.date()))
    return first, last


def _check_rate(name: str, value, low: float, high: float, *, open_high: bool = False) -> np.ndarray:
    array = np.asarray(value, dtype=float)
    too_high = array >= high if open_high else array > high
    if np.any(np.isnan(array)) or np.any(array < low) or np.any(too_high):
        raise InputError(_("{name} must be between {low} and {high}; got {value}.").format(
            name=name, low=low, high=high, value=value))
    return array


# ------------------------------------------------------------------- chapter 2: components

def average_order_value(transactions: pd.DataFrame, *, per_customer: bool = False,
                        net_of_refunds: bool = True) -> float | pd.Series:
    """Revenue per order: total amount / number of orders.

    Refund rows (``is_refund``) are not counted as orders; with
    ``net_of_refunds`` their (negative) amounts reduce the revenue, which is
    what the shop really kept. ``per_customer=True`` gives one value per customer.
    """
    _require_columns(transactions, "customer_id", "amount")
    counted = transactions if net_of_refunds else _orders(transactions)
    if per_customer:
        revenue = counted.groupby("customer_id")["amount"].sum()
        orders = _orders(transactions).groupby("customer_id").size()
        return (revenue / orders).rename("average_order_value")
    orders = len(_orders(transactions))
    return float(counted["amount"].sum() / orders) if orders else math.nan


def purchase_frequency(transactions: pd.DataFrame, *, unit: Unit, per_customer: bool = False,
                       start=None, end=None) -> float | pd.Series:
    """Orders per customer per ``unit`` over the observation window.

    The window runs from ``start`` to ``end`` inclusive (by default the first
    and last date in the data). Over a window of 2 years, a customer with 6
    orders buys 3 times per year.
    """
    _require_columns(transactions, "customer_id", "date")
    first, last = _observation_span(transactions, start, end)
    units = ((last - first).days + 1) / days_per(unit)
    days = transactions["date"].dt.normalize()
    transactions = transactions[days.between(first.normalize(), last.normalize())]
    if transactions.empty:
        raise InputError(_("No transactions between {start} and {end}.").format(
            start=first.date(), end=last.date()))
    orders = _orders(transactions)
    if per_customer:
        return (orders.groupby("customer_id").size() / units).rename("purchase_frequency")
    return len(orders) / transactions["customer_id"].nunique() / units


def customer_lifespan(transactions: pd.DataFrame, *, unit: Unit,
                      per_customer: bool = False) -> float | pd.Series:
    """Observed lifespan: time from a customer's first to last order, in ``unit``.

    This is what the data shows, not the whole relationship: a customer still
    active when the data end will live longer (chapter 2's censoring pitfall),
    and a one-time buyer has lifespan 0. See :func:`expected_lifetime` for the
    lifetime implied by a churn rate.
    """
    _require_columns(transactions, "customer_id", "date")
    dates = _orders(transactions).groupby("customer_id")["date"]
    lifespans = ((dates.max() - dates.min()).dt.days / days_per(unit)).rename("lifespan")
    return lifespans if per_customer else float(lifespans.mean())


# -------------------------------------------------------------- chapter 3: retention, churn

def retention_rate(transactions: pd.DataFrame, *, unit: Unit) -> pd.Series:
    """Share of the customers who ordered in one period who order again in the next.

    Indexed by the later period: the value at March is the share of February's
    customers who also ordered in March. Periods are calendar ``unit``\\ s.
    """
    _require_columns(transactions, "customer_id", "date")
    frequency = PERIOD_FREQUENCY[check_unit(unit)]
    active = _orders(transactions)[["customer_id", "date"]].copy()
    active["period"] = active["date"].dt.to_period(frequency)
    active = active.drop_duplicates(["customer_id", "period"])
    periods = pd.period_range(active["period"].min(), active["period"].max(), freq=frequency)
    by_period = {p: set(g) for p, g in active.groupby("period")["customer_id"]}
    rates = {}
    for previous, current in zip(periods[:-1], periods[1:]):
        before = by_period.get(previous, set())
        rates[current] = len(before & by_period.get(current, set())) / len(before) if before \
            else math.nan
    return pd.Series(rates, name="retention_rate", dtype=float)


def churn_rate(transactions: pd.DataFrame, *, unit: Unit) -> pd.Series:
    """Share of one period's customers who do not order in the next: 1 - retention."""
    return (1.0 - retention_rate(transactions, unit=unit)).rename("churn_rate")


def expected_lifetime(churn: Number) -> Number:
    """Expected lifetime in periods when a constant share ``churn`` leaves each period: 1/churn.

    A geometric lifetime: with 20 % monthly churn a customer stays 5 months on
    average. (Real retention tends to rise with tenure; the sBG model of
    chapter 9 shows why this rule then underestimates the lifetime.)
    """
    rate = _check_rate(_("The churn rate"), churn, 0.0, 1.0)
    with np.errstate(divide="ignore"):
        result = 1.0 / rate
    if isinstance(churn, pd.Series):
        return pd.Series(result, index=churn.index, name="expected_lifetime")
    return result if isinstance(churn, np.ndarray) else float(result)


# ---------------------------------------------------------- chapter 1 and 4: CLV formulas

def historic_clv(aov: Number, frequency: Number, lifespan: Number) -> Number:
    """Revenue-based CLV: average order value x purchases per period x lifespan in periods.

    ``frequency`` and ``lifespan`` must use the same period (per year and years).
    """
    return aov * frequency * lifespan


def margin_clv(aov: Number, frequency: Number, lifespan: Number, margin: Number) -> Number:
    """Profit-based CLV: :func:`historic_clv` times the gross margin rate (0.3 for 30 %)."""
    _check_rate(_("The margin"), margin, -1.0, 1.0)
    return aov * frequency * lifespan * margin


def _discount_inputs(retention, discount_rate) -> tuple[np.ndarray, np.ndarray]:
    r = _check_rate(_("The retention rate"), retention, 0.0, 1.0)
    d = np.asarray(discount_rate, dtype=float)
    if np.any(np.isnan(d)) or np.any(d < 0):
        raise InputError(_("The discount rate must be 0 or more (0.1 for 10 % per period); got "
                           "{value}.").format(value=discount_rate))
    return r, d


def discounted_clv(margin: Number, retention: Number, discount_rate: Number, *,
                   periods: int) -> Number:
    """Expected discounted margin over ``periods`` periods, summed term by term.

    ``sum(margin * retention**t / (1 + discount_rate)**t for t in range(periods))``:
    the margin of the first period is earned now (t = 0), each later period's
    only if the customer is still there (probability ``retention**t``) and is
    worth less today by the discount factor. ``margin`` is per period, and
    ``retention`` and ``discount_rate`` are per the same period.
    """
    r, d = _discount_inputs(retention, discount_rate)
    if int(periods) != periods or periods < 0:
        raise InputError(_("The number of periods must be a whole number, 0 or more; got "
                           "{value}.").format(value=periods))
    t = np.arange(int(periods)).reshape((-1,) + (1,) * np.broadcast(r, d).ndim)
    factors = (r / (1.0 + d)) ** t
    total = np.asarray(margin, dtype=float) * factors.sum(axis=0)
    return total if np.ndim(total) else float(total)


def discounted_clv_closed_form(margin: Number, retention: Number, discount_rate: Number) -> Number:
    """The infinite-horizon limit of :func:`discounted_clv`: m (1 + d) / (1 + d - r).

    The geometric series sum over t of m (r / (1+d))**t converges when
    r < 1 + d; with no discounting and full retention the value is infinite.
    """
    r, d = _discount_inputs(retention, discount_rate)
    m = np.asarray(margin, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        total = m * (1.0 + d) / (1.0 + d - r)
    # Kept forever and never discounted: the sum grows without bound, with the margin's sign.
    total = np.where(1.0 + d - r == 0, np.where(m == 0, 0.0, np.copysign(np.inf, m)), total)
    return total if np.ndim(total) else float(total)


# ------------------------------------------------------------ chapter 5: acquisition cost

def acquisition_cost(spend: Number, new_customers: Number) -> Number:
    """Customer acquisition cost (CAC): marketing spend / customers it won."""
    customers = np.asarray(new_customers, dtype=float)
    if np.any(customers < 0) or np.any(np.asarray(spend, dtype=float) < 0):
        raise InputError(_("Spend and the number of new customers cannot be negative."))
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.asarray(spend, dtype=float) / customers
    if isinstance(spend, pd.Series):
        return pd.Series(result, index=spend.index, name="cac")
    return result if np.ndim(result) else float(result)


def acquisition_cost_by_channel(marketing: pd.DataFrame, customers: pd.DataFrame, *,
                                channel: str = "acquisition_channel") -> pd.DataFrame:
    """CAC per acquisition channel: spend per channel / customers acquired through it.

    ``marketing`` has ``channel`` and ``spend`` columns (any number of rows per
    channel), ``customers`` one row per customer with its ``channel``.
    """
    _require_columns(marketing, "channel", "spend")
    _require_columns(customers, "customer_id", channel)
    spend = marketing.groupby("channel")["spend"].sum()
    won = customers.groupby(channel)["customer_id"].nunique()
    table = pd.DataFrame({"spend": spend, "new_customers": won}).fillna(0)
    table.index.name = "channel"
    table["cac"] = acquisition_cost(table["spend"], table["new_customers"])
    return table


def clv_cac_ratio(clv: Number, cac: Number) -> Number:
    """How many times a customer's lifetime value repays the cost of winning them.

    A common rule of thumb asks for 3 or more; below 1 each new customer loses money.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return clv / cac


def payback_period(cac: float, margin_per_period: float, *, retention: float = 1.0,
                   discount_rate: float = 0.0, max_periods: int = 1200) -> float:
    """Whole periods until the expected (discounted) margin has repaid ``cac``.

    Margin arrives at the start of each period (as in :func:`discounted_clv`),
    so with CAC 100, margin 30, full retention and no discounting the answer is
    4. Returns ``math.inf`` when the customer is never expected to repay.
    """
    r, d = _discount_inputs(retention, discount_rate)
    if cac < 0 or margin_per_period < 0:
        raise InputError(_("Acquisition cost and margin cannot be negative."))
    if cac == 0:
        return 0.0
    factors = np.cumsum((float(r) / (1.0 + float(d))) ** np.arange(max_periods))
    paid = np.flatnonzero(margin_per_period * factors >= cac * (1 - 1e-12))
    return float(paid[0] + 1) if paid.size else math.inf
