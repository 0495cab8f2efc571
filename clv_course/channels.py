"""Sales channels compared, and CLV estimated when orders cannot be linked to customers.

A shop that also sells on a marketplace sees two different pictures. In its own
shop every order carries a customer id, so orders per customer and CLV follow
from the transactions. A marketplace often reports only totals per period
(revenue, orders, perhaps unique buyers) and keeps a commission, so the margin
is lower and CLV must be estimated from aggregates. This module compares the
channels on linked data, builds the aggregate report a marketplace would send,
estimates CLV from it, and values moving a customer from the marketplace to the
own shop (chapter 8).

Revenue is net of refunds (refund rows have negative amounts); refund rows are
not orders.
"""

from __future__ import annotations

import math

import pandas as pd

from clv_course.errors import InputError
from clv_course.i18n import N_, _
from clv_course.tables import is_refund, require_columns
from clv_course.units import PERIOD_FREQUENCY, Unit, check_unit

__all__ = ["channel_comparison", "shared_customer_share", "aggregate_report",
           "repeat_order_share", "buyers_from_repeat_share", "clv_from_aggregates", "linked_clv",
           "aggregate_estimates", "move_value", "ESTIMATE_NAMES"]

#: The estimates :func:`aggregate_estimates` returns, in its order (labels for charts).
ESTIMATE_NAMES: dict[str, str] = {
    "one_buyer_per_order": N_("Every order a new buyer"),
    "summed_period_buyers": N_("Buyers summed over periods"),
    "average_period_buyers": N_("Average buyers per period x periods"),
    "linked": N_("Linked orders (measured so far)"),
}


def _channel_rows(transactions: pd.DataFrame, channel: str) -> pd.DataFrame:
    rows = transactions[transactions["sales_channel"] == channel]
    if rows.empty:
        raise InputError(_("There are no transactions in the sales channel {channel!r}; the "
                           "channels are: {found}.").format(
            channel=channel, found=", ".join(sorted(map(str, transactions["sales_channel"].unique())))))
    return rows


def channel_comparison(transactions: pd.DataFrame) -> pd.DataFrame:
    """One row per sales channel: what an order and a customer bring there.

    Columns: ``orders``, ``customers``, ``revenue`` and ``gross_margin`` (net of
    refunds, EUR), ``aov`` and ``margin_per_order`` (per order, net of refunds),
    ``margin_rate`` (gross margin / revenue), ``orders_per_customer`` (over the
    whole window, counting a customer in every channel they used) and
    ``refund_rate`` (refunds / orders).
    """
    require_columns(transactions, "customer_id", "sales_channel", "amount", "gross_margin")
    refund = is_refund(transactions)
    by = transactions["sales_channel"]
    orders = (~refund).groupby(by).sum()
    table = pd.DataFrame({
        "orders": orders.astype(int),
        "customers": transactions[~refund].groupby(by[~refund])["customer_id"].nunique(),
        "revenue": transactions.groupby(by)["amount"].sum(),
        "gross_margin": transactions.groupby(by)["gross_margin"].sum(),
        "refunds": refund.groupby(by).sum().astype(int),
    })
    table["aov"] = table["revenue"] / table["orders"]
    table["margin_per_order"] = table["gross_margin"] / table["orders"]
    table["margin_rate"] = table["gross_margin"] / table["revenue"]
    table["orders_per_customer"] = table["orders"] / table["customers"]
    table["refund_rate"] = table["refunds"] / table["orders"]
    table.index.name = "sales_channel"
    return table


def shared_customer_share(transactions: pd.DataFrame, *, of: str = "marketplace",
                          also: str = "own_shop") -> float:
    """Share of the customers who ordered in channel ``of`` who also ordered in ``also``.

    On the marketplace's side this is the share a shop can already reach directly:
    those customers have an account and an email address in the own shop.
    """
    require_columns(transactions, "customer_id", "sales_channel")
    orders = transactions[~is_refund(transactions)]
    buyers = set(_channel_rows(orders, of)["customer_id"])
    others = set(_channel_rows(orders, also)["customer_id"])
    return len(buyers & others) / len(buyers)


def aggregate_report(transactions: pd.DataFrame, *, channel: str, unit: Unit = "year") -> pd.DataFrame:
    """The report a marketplace sends: per calendar period only totals, no customer ids.

    Columns ``revenue`` and ``gross_margin`` (net of refunds), ``orders`` and
    ``buyers`` (distinct customers *within the period*: a customer who buys in two
    years counts in both, and the report cannot tell).
    """
    require_columns(transactions, "customer_id", "date", "sales_channel", "amount", "gross_margin")
    rows = _channel_rows(transactions, channel)
    refund = is_refund(rows)
    period = rows["date"].dt.to_period(PERIOD_FREQUENCY[check_unit(unit)])
    report = pd.DataFrame({
        "revenue": rows.groupby(period)["amount"].sum(),
        "gross_margin": rows.groupby(period)["gross_margin"].sum(),
        "orders": (~refund).groupby(period).sum().astype(int),
        "buyers": rows[~refund].groupby(period[~refund])["customer_id"].nunique(),
    })
    report.index.name = unit
    return report


def repeat_order_share(transactions: pd.DataFrame, *, channel: str) -> float:
    """Share of a channel's orders that were not the buyer's first order in that channel.

    Computed here from linked data, to see what a marketplace's "orders from repeat
    buyers" figure would be, and what it implies (see :func:`buyers_from_repeat_share`).
    """
    require_columns(transactions, "customer_id", "sales_channel")
    rows = _channel_rows(transactions, channel)
    orders = rows[~is_refund(rows)]
    return 1 - orders["customer_id"].nunique() / len(orders)


def buyers_from_repeat_share(orders: float, repeat_share: float) -> float:
    """Distinct buyers from orders and the share of orders placed by returning buyers.

    Every buyer places exactly one first order, so buyers = orders x (1 - repeat
    share). Marketplaces sometimes report that share ("35 % of orders came from
    repeat buyers") without reporting the buyers themselves.
    """
    if not 0 <= repeat_share < 1:
        raise InputError(_("The repeat share must be a rate from 0 up to (not including) 1, such "
                           "as 0.35 for 35 %; got {value}.").format(value=repeat_share))
    if orders < 0:
        raise InputError(_("The number of orders cannot be negative; got {value}.").format(
            value=orders))
    return orders * (1 - repeat_share)


def clv_from_aggregates(revenue: float, orders: float, buyers: float, margin: float,
                        years: float) -> float:
    """Profit CLV from one year's totals: AOV x orders per buyer x margin x years.

    ``revenue``, ``orders`` and ``buyers`` are one year's totals; AOV is
    revenue / orders and orders per buyer is orders / buyers, so the orders
    cancel and CLV = revenue / buyers x margin x years. Dividing by orders
    instead of buyers gives the value of one order, not of one customer.
    """
    if buyers <= 0 or orders <= 0:
        raise InputError(_("Orders and buyers must be positive to divide by them; got {orders} "
                           "orders and {buyers} buyers.").format(orders=orders, buyers=buyers))
    if buyers > orders:
        raise InputError(_("There cannot be more buyers ({buyers}) than orders ({orders}): every "
                           "buyer placed at least one order.").format(buyers=buyers, orders=orders))
    aov = revenue / orders
    orders_per_buyer = orders / buyers
    return aov * orders_per_buyer * margin * years


def linked_clv(transactions: pd.DataFrame, *, channel: str) -> float:
    """Historic profit per customer in one channel, from linked orders: the benchmark.

    Gross margin (net of refunds) in the channel over the whole window / the
    distinct customers who ordered there.
    """
    require_columns(transactions, "customer_id", "sales_channel", "gross_margin")
    rows = _channel_rows(transactions, channel)
    return float(rows["gross_margin"].sum() / rows.loc[~is_refund(rows), "customer_id"].nunique())


def aggregate_estimates(transactions: pd.DataFrame, *, channel: str, unit: Unit = "year") -> pd.Series:
    """Historic profit per customer over the window, estimated from the period report three ways.

    Each is :func:`clv_from_aggregates`; they differ in how they count buyers:
    one per order (no repeat purchases at all), the periods' buyers summed over
    the window (a buyer active in two periods counted twice: too many buyers),
    or the average period's totals times the number of periods (a buyer active
    in only one period counted in every period's value: too few buyers).
    ``linked`` is the value measured from linked orders, :func:`linked_clv`
    (profit so far, not a lifetime). Index: the keys of :data:`ESTIMATE_NAMES`.
    """
    report = aggregate_report(transactions, channel=channel, unit=unit)
    revenue, orders = report["revenue"].sum(), report["orders"].sum()
    margin = report["gross_margin"].sum() / revenue
    mean = report.mean()
    estimates = {
        "one_buyer_per_order": clv_from_aggregates(revenue, orders, orders, margin, 1),
        "summed_period_buyers": clv_from_aggregates(revenue, orders, report["buyers"].sum(),
                                                    margin, 1),
        "average_period_buyers": clv_from_aggregates(mean["revenue"], mean["orders"],
                                                     mean["buyers"], margin, len(report)),
        "linked": linked_clv(transactions, channel=channel),
    }
    return pd.Series(estimates, name="profit_per_customer")


def move_value(shop_aov: float, marketplace_aov: float, future_orders: float,
               shop_margin: float, marketplace_margin: float, cost: float) -> float:
    """Net gain from moving one customer's future orders from the marketplace to the own shop.

    The customer would buy anyway; what moving adds is the *margin* difference
    per order times the expected future orders, minus what the move costs (a
    voucher, the email campaign). Revenue differences do not matter, margins do.
    """
    for name, rate in (("shop_margin", shop_margin), ("marketplace_margin", marketplace_margin)):
        if not 0 <= rate <= 1 or math.isnan(rate):
            raise InputError(_("{name} must be a rate between 0 and 1, such as 0.42 for 42 %; got "
                               "{value}.").format(name=name, value=rate))
    gain_per_order = shop_aov * shop_margin - marketplace_aov * marketplace_margin
    return future_orders * gain_per_order - cost
