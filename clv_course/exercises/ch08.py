"""Chapter 8, own shop against marketplace: channels compared, CLV from aggregates, moving customers.

Each exercise asks the learner to decide something: what an order brings per
channel (8.1), what share of the marketplace's margin a campaign to known
customers can reach (8.2, a rate, weighed by margin, not by heads), what a
yearly report's buyers stand for (8.3) and what a voucher that moves a customer
really costs (8.4: the order would have happened anyway, so the voucher costs
its full face value). The reference functions are private on purpose.
"""

from __future__ import annotations

import pandas as pd

from clv_course import channels
from clv_course.exercises import Case, CourseData, Exercise, FunctionPart, N_, ValuePart, Wrong


def _shop(data: CourseData) -> pd.DataFrame:
    return data.load("shop")


def _orders(data: CourseData) -> pd.DataFrame:
    shop = _shop(data)
    return shop[~shop["is_refund"]]


def _aov(data: CourseData) -> pd.Series:
    return channels.channel_comparison(_shop(data))["aov"]


def _margin_per_order(data: CourseData) -> pd.Series:
    return channels.channel_comparison(_shop(data))["margin_per_order"]


def _per_row(data: CourseData, column: str) -> pd.Series:
    """Refund rows counted as orders: the column's net total / all rows."""
    return _shop(data).groupby("sales_channel")[column].mean()


def _refunds_left_out(data: CourseData, column: str) -> pd.Series:
    return _orders(data).groupby("sales_channel")[column].mean()


def _revenue_per_order(data: CourseData) -> pd.Series:
    return _aov(data)


def _margin_rate(data: CourseData) -> pd.Series:
    """Gross margin / revenue per channel: a rate, not euros per order."""
    shop = _shop(data)
    by = shop.groupby("sales_channel")
    return by["gross_margin"].sum() / by["amount"].sum()


# ------------------------------------------------------------------ 8.2: who the shop can reach

def _known(data: CourseData) -> set:
    """Customers with at least one own-shop order: the own shop has their email address."""
    orders = _orders(data)
    return set(orders.loc[orders["sales_channel"] == "own_shop", "customer_id"])


def _marketplace_rows(data: CourseData, *, orders_only: bool = False) -> pd.DataFrame:
    rows = _orders(data) if orders_only else _shop(data)
    return rows[rows["sales_channel"] == "marketplace"]


def _reachable_share(data: CourseData, *, orders_only: bool = False,
                     of_whole_shop: bool = False) -> float:
    rows = _marketplace_rows(data, orders_only=orders_only)
    known = rows["customer_id"].isin(_known(data))
    total = _shop(data)["gross_margin"].sum() if of_whole_shop else rows["gross_margin"].sum()
    return float(rows.loc[known, "gross_margin"].sum() / total)


def _shared_customers(data: CourseData) -> float:
    return channels.shared_customer_share(_shop(data))


def _shared_orders(data: CourseData) -> float:
    """Share of the marketplace's orders placed by known customers: orders, not margin."""
    rows = _marketplace_rows(data, orders_only=True)
    return float(rows["customer_id"].isin(_known(data)).mean())


# ------------------------------------------------------------------ 8.3: CLV from aggregates

def _clv_from_aggregates(revenue, orders, buyers, margin, years):
    """Profit per buyer from one year's totals: revenue / buyers x margin x years."""
    return revenue / buyers * margin * years


# ------------------------------------------------------------------ 8.4: the largest voucher

def _channels(data: CourseData) -> pd.DataFrame:
    return channels.channel_comparison(_shop(data))


def _max_voucher(data: CourseData, *, per_order: str = "margin_per_order",
                 whole_own_margin: bool = False, orders: bool = True,
                 at_cost_of_goods: bool = False) -> float:
    table = _channels(data)
    own, market = table.loc["own_shop"], table.loc["marketplace"]
    gain = own[per_order] - (0 if whole_own_margin else market[per_order])
    gain *= market["orders_per_customer"] if orders else 1
    return float(gain / (1 - own["margin_rate"]) if at_cost_of_goods else gain)


def _aggregate_cases(rng, data: CourseData) -> list[Case]:
    cases = []
    for _ in range(5):
        buyers = int(rng.integers(200, 5000))
        orders = int(buyers * rng.uniform(1.2, 3.5))
        revenue = round(float(orders * rng.uniform(30, 120)), 2)
        cases.append(Case((revenue, orders, buyers, round(float(rng.uniform(0.15, 0.6)), 2),
                           round(float(rng.uniform(1, 6)), 1))))
    return cases


EXERCISES = [
    Exercise("ch08-channel-orders", N_("What an order brings in each sales channel"), [
        ValuePart("aov_by_channel", 2, _aov,
                  hint=N_("Group by sales_channel: the net amount (refund rows included, they are "
                          "negative) divided by the number of orders (rows that are not refunds)."),
                  wrong=[Wrong(N_("refunds left out"),
                               lambda data: _refunds_left_out(data, "amount"),
                               N_("Keep the refund rows' negative amounts in the revenue: that "
                                  "money went back to the customer.")),
                         Wrong(N_("refund rows counted as orders"),
                               lambda data: _per_row(data, "amount"),
                               N_("A refund row is not an order: count only the rows where "
                                  "is_refund is False."))]),
        ValuePart("margin_per_order", 2, _margin_per_order,
                  hint=N_("Same as the AOV, but with the gross_margin column: the net gross margin "
                          "per channel divided by the channel's number of orders."),
                  wrong=[Wrong(N_("revenue for profit"), _revenue_per_order,
                               N_("That is revenue per order; the margin is the gross_margin "
                                  "column.")),
                         Wrong(N_("refunds left out"),
                               lambda data: _refunds_left_out(data, "gross_margin"),
                               N_("A returned order's margin is lost: keep the refund rows' "
                                  "negative gross_margin in the total.")),
                         Wrong(N_("refund rows counted as orders"),
                               lambda data: _per_row(data, "gross_margin"),
                               N_("A refund row is not an order: divide by the rows where "
                                  "is_refund is False.")),
                         Wrong(N_("the margin rate, not the margin per order"), _margin_rate,
                               N_("That is the margin as a share of revenue, a rate. The "
                                  "exercise asks for euros of margin per order: divide the "
                                  "channel's margin by its number of orders."))]),
    ]),
    Exercise("ch08-shared-customers", N_("How much marketplace margin an email can reach"), [
        ValuePart("reachable_share", 2, _reachable_share,
                  hint=N_("A customer is known when they have at least one own-shop order. Of "
                          "all the margin the marketplace brought, net of refunds, which share "
                          "came from known customers?"),
                  wrong=[Wrong(N_("a percentage instead of a rate"),
                               lambda data: 100 * _reachable_share(data),
                               N_("Give the share as a rate (0.5 for 50 %), not as a "
                                  "percentage.")),
                         Wrong(N_("customers counted, not margin"), _shared_customers,
                               N_("That counts heads. The campaign moves margin, and a known "
                                  "customer may bring more or less of it than an unknown one: "
                                  "weigh each customer by the marketplace margin they bring.")),
                         Wrong(N_("orders counted, not margin"), _shared_orders,
                               N_("That counts orders. Orders differ in what they leave, and "
                                  "the campaign moves margin: weigh each order by its gross "
                                  "margin, refunds included.")),
                         Wrong(N_("refunds left out"),
                               lambda data: _reachable_share(data, orders_only=True),
                               N_("Keep the refund rows: a returned order's margin is lost, and "
                                  "the share is of the margin the marketplace really brought.")),
                         Wrong(N_("share of the whole shop's margin"),
                               lambda data: _reachable_share(data, of_whole_shop=True),
                               N_("Divide by the marketplace's margin only: the question is which "
                                  "part of the marketplace business a campaign can reach.")),
                         Wrong(N_("the other way round"),
                               lambda data: 1 - _reachable_share(data),
                               N_("That is the share from customers the own shop does not know; "
                                  "the question asks for the known ones."))]),
    ]),
    Exercise("ch08-aggregate-clv", N_("CLV from aggregate numbers"), [
        FunctionPart("clv_from_aggregates", 3, _clv_from_aggregates, _aggregate_cases,
                     hint=N_("A buyer places orders / buyers orders a year, each worth revenue / "
                             "orders; the profit is the margin rate of that, over all the years."),
                     wrong=[Wrong(N_("per order instead of per buyer"),
                                  lambda r, o, b, m, y: r / o * m * y,
                                  N_("That is the value of one order a year; a buyer places "
                                     "orders / buyers orders, so divide the revenue by buyers.")),
                            Wrong(N_("revenue for profit"), lambda r, o, b, m, y: r / b * y,
                                  N_("That is revenue per buyer; multiply by the margin rate to "
                                     "get profit.")),
                            Wrong(N_("forgets the years"), lambda r, o, b, m, y: r / b * m,
                                  N_("That is one year's value; the totals are per year, so "
                                     "multiply by the years."))]),
    ]),
    Exercise("ch08-move-value", N_("The largest voucher worth sending"), [
        ValuePart("max_voucher", 3, _max_voucher,
                  hint=N_("The customer would buy anyway: what the move adds is what each future "
                          "order leaves in the own shop beyond what it left on the marketplace, "
                          "over all the future orders. The voucher is a discount on an order that "
                          "would have happened, so it costs its face value."),
                  wrong=[Wrong(N_("revenue difference instead of margin difference"),
                               lambda data: _max_voucher(data, per_order="aov"),
                               N_("The shop keeps the margin, not the revenue: the commission is "
                                  "invisible in revenue, so compare what an order leaves as "
                                  "margin in each channel.")),
                         Wrong(N_("whole shop margin, not the difference"),
                               lambda data: _max_voucher(data, whole_own_margin=True),
                               N_("The customer would have bought on the marketplace anyway, "
                                  "leaving margin there too: only the margin difference is "
                                  "gained.")),
                         Wrong(N_("one order only"),
                               lambda data: _max_voucher(data, orders=False),
                               N_("That is the gain on one order; the move shifts all the "
                                  "customer's future orders, as many as a marketplace customer "
                                  "placed in the data.")),
                         Wrong(N_("voucher counted at the cost of goods"),
                               lambda data: _max_voucher(data, at_cost_of_goods=True),
                               N_("A voucher spent on an extra purchase costs only the goods; "
                                  "here the order would have happened anyway, so the voucher "
                                  "is a discount and costs its full face value."))]),
    ]),
]
