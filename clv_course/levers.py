"""What-if scenarios for the levers that raise CLV (chapter 7).

A lever changes one input of the discounted CLV closed form of
:func:`clv_course.metrics.discounted_clv_closed_form`,
``CLV = m (1 + d) / (1 + d - r)``, with ``m`` the margin per customer per
year, ``r`` the yearly retention and ``d`` the yearly discount rate:

- better service and customer experience raise retention ``r`` by some points;
- personalisation raises the orders per year of a targeted share of customers;
- a loyalty programme raises the retention of its members;
- upselling and cross-selling raise the margin per order.

Every lever has a cost, and every cost here is a cost **per customer per
year**, paid at the start of each year the customer stays, just like the
margin. So a cost is netted out inside the yearly margin: the lever's CLV is
the closed form of ``m' - cost`` at the new retention, and its net gain is
that minus the baseline CLV. A lever that pays for itself has a positive net
gain.

The baseline comes from the shop's data (:func:`shop_baseline`): margin per
order, orders per active customer-year and yearly retention.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from clv_course.errors import InputError
from clv_course.i18n import N_, _
from clv_course.metrics import discounted_clv_closed_form, retention_rate
from clv_course.tables import orders as _orders
from clv_course.tables import require_columns as _require_columns

__all__ = ["Baseline", "LeverResult", "margin_per_order", "active_customer_years",
           "orders_per_active_year", "yearly_retention", "shop_baseline",
           "clv_after_retention_gain", "loyalty_net_gain", "loyalty_break_even_cost",
           "service_lever", "personalisation_lever", "loyalty_lever", "upsell_lever",
           "compare_levers", "LEVER_NAMES"]

#: The four levers' names as a learner reads them (translated when shown).
LEVER_NAMES = {
    "service": N_("Better service"),
    "personalisation": N_("Personalisation"),
    "loyalty": N_("Loyalty programme"),
    "upsell": N_("Upselling and cross-selling"),
}


# ------------------------------------------------------------------- baseline from data

def margin_per_order(transactions: pd.DataFrame) -> float:
    """Gross margin per order, net of refunds: what one order leaves the shop as profit.

    Refund rows subtract their (negative) margin but are not orders themselves.
    """
    _require_columns(transactions, "customer_id", "gross_margin")
    orders = len(_orders(transactions))
    if orders == 0:
        raise InputError(_("There are no orders to divide the margin by."))
    return float(transactions["gross_margin"].sum() / orders)


def active_customer_years(transactions: pd.DataFrame) -> int:
    """How many (customer, calendar year) pairs have at least one order.

    A customer who ordered in 2023 and 2025 counts twice: the closed form earns
    the yearly margin only in the years a customer is still there, so the
    yearly margin is measured over active years, not over all customers.
    """
    _require_columns(transactions, "customer_id", "date")
    orders = _orders(transactions)
    return int(orders.assign(year=orders["date"].dt.year)
               .drop_duplicates(["customer_id", "year"]).shape[0])


def orders_per_active_year(transactions: pd.DataFrame) -> float:
    """Orders per customer per year in which the customer is active (refunds not counted)."""
    years = active_customer_years(transactions)
    return len(_orders(transactions)) / years


def yearly_retention(transactions: pd.DataFrame) -> float:
    """Mean share of one calendar year's customers who order again the next year."""
    rates = retention_rate(transactions, unit="year").dropna()
    if rates.empty:
        raise InputError(_("The data cover less than two calendar years, so there is no yearly "
                           "retention to measure."))
    return float(rates.mean())


@dataclass(frozen=True)
class Baseline:
    """The average customer before any lever: what the closed form needs, per year."""

    margin_per_order: float
    orders_per_year: float
    retention: float
    discount_rate: float = 0.1

    @property
    def yearly_margin(self) -> float:
        """Margin per customer per active year: margin per order x orders per year."""
        return self.margin_per_order * self.orders_per_year

    @property
    def clv(self) -> float:
        """Discounted profit CLV of the average customer (infinite horizon)."""
        return discounted_clv_closed_form(self.yearly_margin, self.retention, self.discount_rate)


def shop_baseline(transactions: pd.DataFrame, *, discount_rate: float = 0.1) -> Baseline:
    """The baseline measured on a shop's transactions (needs ``gross_margin`` and ``is_refund``)."""
    return Baseline(margin_per_order(transactions), orders_per_active_year(transactions),
                    yearly_retention(transactions), discount_rate)


# ------------------------------------------------------------------- formulas

def _check_new_retention(retention: float) -> None:
    if np.any(np.asarray(retention) >= 1) or np.any(np.asarray(retention) < 0):
        raise InputError(_("The retention after the lever must stay between 0 and 1; got "
                           "{value}. Use a smaller gain.").format(value=retention))


def clv_after_retention_gain(margin: float, retention: float, discount_rate: float,
                             gain: float) -> float:
    """CLV when retention rises by ``gain`` (0.05 = five points): m (1+d) / (1+d-r-gain)."""
    _check_new_retention(np.asarray(retention) + gain)
    return discounted_clv_closed_form(margin, np.asarray(retention) + gain, discount_rate)


def loyalty_net_gain(margin: float, retention: float, discount_rate: float, gain: float,
                     cost: float) -> float:
    """What a loyalty programme adds to a member's CLV, net of its yearly cost per member.

    The cost is paid each year the member stays, so it comes off the yearly
    margin: CLV(m - cost, r + gain) - CLV(m, r).
    """
    _check_new_retention(np.asarray(retention) + gain)
    after = discounted_clv_closed_form(np.asarray(margin) - cost, np.asarray(retention) + gain,
                                       discount_rate)
    return after - discounted_clv_closed_form(margin, retention, discount_rate)


def loyalty_break_even_cost(margin: float, retention: float, discount_rate: float,
                            gain: float) -> float:
    """The highest yearly cost per member at which the programme still pays: m gain / (1+d-r).

    Setting :func:`loyalty_net_gain` to zero, (m - c) / (1+d-r-gain) = m / (1+d-r).
    """
    _check_new_retention(np.asarray(retention) + gain)
    return margin * gain / (1.0 + discount_rate - retention)


# ------------------------------------------------------------------- levers as scenarios

@dataclass(frozen=True)
class LeverResult:
    """One lever applied to the average customer: CLV before and after, gain and cost.

    ``gross_gain`` ignores the cost, ``cost`` is the present value of what the
    lever costs over the customer's expected life, ``net_gain`` is the
    difference: the number that decides whether the lever pays.
    """

    lever: str
    clv_before: float
    clv_after: float
    cost: float

    @property
    def gross_gain(self) -> float:
        return self.clv_after + self.cost - self.clv_before

    @property
    def net_gain(self) -> float:
        return self.clv_after - self.clv_before

    @property
    def pays(self) -> bool:
        return self.net_gain > 0


def _check_share(share: float) -> None:
    if not 0 <= share <= 1:
        raise InputError(_("The share of customers must be between 0 and 1; got {value}.")
                         .format(value=share))


def _apply(lever: str, baseline: Baseline, changed: Baseline, cost_per_year: float,
           share: float = 1.0) -> LeverResult:
    """The average customer's result when a ``share`` of customers get ``changed`` at a cost."""
    _check_share(share)
    if cost_per_year < 0:
        raise InputError(_("A lever's cost cannot be negative; got {value}.").format(
            value=cost_per_year))
    _check_new_retention(changed.retention)
    d = baseline.discount_rate
    gross = discounted_clv_closed_form(changed.yearly_margin, changed.retention, d)
    cost = discounted_clv_closed_form(cost_per_year, changed.retention, d)
    before = baseline.clv
    return LeverResult(lever, before, before + share * (gross - cost - before), share * cost)


def service_lever(baseline: Baseline, points: float, cost_per_year: float = 0.0) -> LeverResult:
    """Better service for every customer: retention up by ``points`` (0.03 = 3 points)."""
    return _apply("service", baseline, replace(baseline, retention=baseline.retention + points),
                  cost_per_year)


def personalisation_lever(baseline: Baseline, uplift: float, share: float,
                          cost_per_year: float) -> LeverResult:
    """Targeted offers for a ``share`` of customers: their orders per year up by ``uplift`` (0.1 = 10 %)."""
    changed = replace(baseline, orders_per_year=baseline.orders_per_year * (1 + uplift))
    return _apply("personalisation", baseline, changed, cost_per_year, share)


def loyalty_lever(baseline: Baseline, points: float, share: float,
                  cost_per_year: float) -> LeverResult:
    """A loyalty programme a ``share`` of customers join: members' retention up by ``points``."""
    changed = replace(baseline, retention=baseline.retention + points)
    return _apply("loyalty", baseline, changed, cost_per_year, share)


def upsell_lever(baseline: Baseline, uplift: float, cost_per_year: float = 0.0) -> LeverResult:
    """Upselling and cross-selling: margin per order up by ``uplift`` (0.05 = 5 %) for everyone."""
    changed = replace(baseline, margin_per_order=baseline.margin_per_order * (1 + uplift))
    return _apply("upsell", baseline, changed, cost_per_year)


def compare_levers(results: list[LeverResult]) -> pd.DataFrame:
    """One row per lever (its translated name): CLV before, after, gross gain, cost, net gain."""
    table = pd.DataFrame({
        "clv_before": [r.clv_before for r in results],
        "clv_after": [r.clv_after for r in results],
        "gross_gain": [r.gross_gain for r in results],
        "cost": [r.cost for r in results],
        "net_gain": [r.net_gain for r in results],
    }, index=pd.Index([_(LEVER_NAMES.get(r.lever, r.lever)) for r in results], name="lever"))
    return table
