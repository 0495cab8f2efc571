"""Chapter 2, the components from transactions: order value, frequency, lifespan and their pitfalls."""

from __future__ import annotations

import pandas as pd

from clv_course import metrics
from clv_course.exercises import Case, CourseData, Exercise, FunctionPart, N_, ValuePart, Wrong


def _shop(data: CourseData) -> pd.DataFrame:
    return data.load("shop")


def _shop_orders(data: CourseData) -> pd.DataFrame:
    shop = _shop(data)
    return shop[~shop["is_refund"]]


def _cdnow(data: CourseData) -> pd.DataFrame:
    return data.load("cdnow")


def _zero_share(data: CourseData) -> float:
    return float((_shop_orders(data)["amount"] == 0).mean())


def _transactions_cases(rng, data: CourseData) -> list[Case]:
    """Small random transaction tables, each with orders, a few refunds and a voucher or two."""
    cases = []
    for _ in range(4):
        orders = int(rng.integers(6, 30))
        amounts = rng.gamma(6.0, 10.0, size=orders).round(2)
        amounts[rng.random(orders) < 0.1] = 0.0
        refunded = rng.choice(orders, size=int(rng.integers(1, 4)), replace=False)
        table = pd.DataFrame({
            "customer_id": [f"C{int(c):03d}" for c in rng.integers(1, 8, size=orders)],
            "amount": amounts, "is_refund": False})
        refunds = table.iloc[refunded].assign(amount=lambda t: -t["amount"] - 1.0, is_refund=True)
        cases.append(Case((pd.concat([table, refunds], ignore_index=True),)))
    return cases


def _aov_refunds_ignored(transactions: pd.DataFrame) -> float:
    orders = transactions[~transactions["is_refund"]]
    return orders["amount"].sum() / len(orders)


def _aov_refunds_as_orders(transactions: pd.DataFrame) -> float:
    return transactions["amount"].sum() / len(transactions)


EXERCISES = [
    Exercise("ch02-shop-aov", N_("The shop's average order value, net of refunds"), [
        ValuePart("shop_aov", 2, lambda data: metrics.average_order_value(_shop(data)),
                  hint=N_("Add up every amount, refunds included (they are negative), and divide "
                          "by the number of orders: the rows that are not refunds."),
                  wrong=[Wrong(N_("refunds ignored"),
                               lambda data: metrics.average_order_value(_shop(data),
                                                                        net_of_refunds=False),
                               N_("That is the value ordered, not the value kept: include the "
                                  "refunds' negative amounts in the revenue.")),
                         Wrong(N_("refund rows counted as orders"),
                               lambda data: _shop(data)["amount"].mean(),
                               N_("A refund is not an order: divide by the number of rows where "
                                  "is_refund is False, not by all rows."))]),
    ]),
    Exercise("ch02-order-values", N_("The typical order and the vouchers"), [
        ValuePart("median_order_value", 2, lambda data: _shop_orders(data)["amount"].median(),
                  hint=N_("Keep the rows that are orders (is_refund is False) and take the median "
                          "of their amount."),
                  wrong=[Wrong(N_("mean instead of median"),
                               lambda data: _shop_orders(data)["amount"].mean(),
                               N_("That is the mean; the median is the middle value "
                                  "(.median()).")),
                         Wrong(N_("refund rows included"),
                               lambda data: _shop(data)["amount"].median(),
                               N_("Refund rows are not orders: drop them before taking the "
                                  "median."))]),
        ValuePart("zero_share", 2, _zero_share,
                  hint=N_("Among the orders (is_refund is False), the share whose amount is 0: "
                          "the mean of (amount == 0)."),
                  wrong=[Wrong(N_("a percentage, not a share"),
                               lambda data: 100 * _zero_share(data),
                               N_("Give the share as a fraction (0.01 for 1 %), not as a "
                                  "percentage.")),
                         Wrong(N_("refund rows in the denominator"),
                               lambda data: float((_shop(data)["amount"] == 0).mean()),
                               N_("Divide by the number of orders only: refund rows are not "
                                  "orders.")),
                         Wrong(N_("a count, not a share"),
                               lambda data: int((_shop_orders(data)["amount"] == 0).sum()),
                               N_("That is how many orders are at 0; divide by the number of "
                                  "orders to get the share."))]),
    ]),
    Exercise("ch02-cdnow-frequency", N_("How often a CDNOW customer buys"), [
        ValuePart("cdnow_frequency", 2,
                  lambda data: metrics.purchase_frequency(_cdnow(data), unit="year"),
                  hint=N_("Purchases per customer divided by the length of the data in years: "
                          "clv.metrics.purchase_frequency(cdnow, unit=\"year\")."),
                  wrong=[Wrong(N_("per month, not per year"),
                               lambda data: metrics.purchase_frequency(_cdnow(data), unit="month"),
                               N_("That is purchases per month; the exercise asks per year.")),
                         Wrong(N_("no time unit at all"),
                               lambda data: len(_cdnow(data)) / _cdnow(data)["customer_id"].nunique(),
                               N_("That is purchases per customer over the whole data; divide by "
                                  "how many years the data cover."))]),
    ]),
    Exercise("ch02-net-aov", N_("A function for the average order value"), [
        FunctionPart("net_aov", 3, metrics.average_order_value, _transactions_cases,
                     hint=N_("Total amount of all rows (refunds reduce it) divided by the number "
                             "of rows where is_refund is False."),
                     wrong=[Wrong(N_("refunds ignored"), _aov_refunds_ignored,
                                  N_("Keep the refund rows in the total: the shop gave that money "
                                     "back.")),
                            Wrong(N_("refund rows counted as orders"), _aov_refunds_as_orders,
                                  N_("Count only the rows that are not refunds as orders."))]),
    ]),
]
