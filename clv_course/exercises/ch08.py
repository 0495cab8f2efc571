"""Chapter 8, own shop against marketplace: channels compared, CLV from aggregates, moving customers."""

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


def _shared(data: CourseData) -> float:
    return channels.shared_customer_share(_shop(data))


def _channel_customers(data: CourseData) -> tuple[set, set]:
    orders = _orders(data)
    market = set(orders.loc[orders["sales_channel"] == "marketplace", "customer_id"])
    own = set(orders.loc[orders["sales_channel"] == "own_shop", "customer_id"])
    return market, own


def _shared_of_all(data: CourseData) -> float:
    market, own = _channel_customers(data)
    return len(market & own) / len(market | own)


def _shared_of_own(data: CourseData) -> float:
    market, own = _channel_customers(data)
    return len(market & own) / len(own)


def _only_marketplace(data: CourseData) -> float:
    market, own = _channel_customers(data)
    return len(market - own) / len(market)


def _aggregate_cases(rng, data: CourseData) -> list[Case]:
    cases = []
    for _ in range(5):
        buyers = int(rng.integers(200, 5000))
        orders = int(buyers * rng.uniform(1.2, 3.5))
        revenue = round(float(orders * rng.uniform(30, 120)), 2)
        cases.append(Case((revenue, orders, buyers, round(float(rng.uniform(0.15, 0.6)), 2),
                           round(float(rng.uniform(1, 6)), 1))))
    return cases


def _move_cases(rng, data: CourseData) -> list[Case]:
    cases = []
    for _ in range(5):
        shop_aov = round(float(rng.uniform(30, 120)), 2)
        marketplace_aov = round(shop_aov * float(rng.uniform(0.8, 1.15)), 2)
        shop_margin = round(float(rng.uniform(0.3, 0.6)), 2)
        marketplace_margin = round(shop_margin - float(rng.uniform(0.08, 0.2)), 2)
        cases.append(Case((shop_aov, marketplace_aov, round(float(rng.uniform(1, 12)), 1),
                           shop_margin, marketplace_margin, round(float(rng.uniform(2, 30)), 2))))
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
                                  "is_refund is False."))]),
    ]),
    Exercise("ch08-aggregate-clv", N_("CLV from aggregate numbers"), [
        FunctionPart("clv_from_aggregates", 3, channels.clv_from_aggregates, _aggregate_cases,
                     hint=N_("AOV = revenue / orders, orders per buyer = orders / buyers; CLV = "
                             "AOV x orders per buyer x margin x years."),
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
    Exercise("ch08-move-value", N_("What moving a customer to the own shop is worth"), [
        FunctionPart("move_value", 3, channels.move_value, _move_cases,
                     hint=N_("Per future order the shop gains shop_aov x shop_margin - "
                             "marketplace_aov x marketplace_margin; multiply by the future orders "
                             "and subtract the cost."),
                     wrong=[Wrong(N_("revenue difference instead of margin difference"),
                                  lambda sa, ma, n, sm, mm, c: n * (sa - ma) - c,
                                  N_("The shop keeps the margin, not the revenue: compare "
                                     "shop_aov x shop_margin with marketplace_aov x "
                                     "marketplace_margin.")),
                            Wrong(N_("whole shop margin, not the difference"),
                                  lambda sa, ma, n, sm, mm, c: n * sa * sm - c,
                                  N_("The customer would have bought on the marketplace anyway: "
                                     "only the margin difference is gained.")),
                            Wrong(N_("cost ignored"),
                                  lambda sa, ma, n, sm, mm, c: n * (sa * sm - ma * mm),
                                  N_("Subtract what the move costs (the voucher or campaign).")),
                            ]),
    ]),
    Exercise("ch08-shared-customers", N_("Marketplace customers the own shop already knows"), [
        ValuePart("share_also_own_shop", 2, _shared,
                  hint=N_("Take the set of customers with a marketplace order and the set with an "
                          "own-shop order; divide the size of their intersection by the number of "
                          "marketplace customers."),
                  wrong=[Wrong(N_("share of all customers"), _shared_of_all,
                               N_("Divide by the marketplace's customers, not by all "
                                  "customers.")),
                         Wrong(N_("share of own-shop customers"), _shared_of_own,
                               N_("That is the share of own-shop customers who also use the "
                                  "marketplace; the question starts from the marketplace.")),
                         Wrong(N_("the other way round"), _only_marketplace,
                               N_("That is the share who bought only on the marketplace; the "
                                  "question asks for those who also bought in the own shop."))]),
    ]),
]
