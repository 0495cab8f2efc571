"""Chapter 1, what CLV is: a projection in one time unit, the margin rate, and value so far.

Each exercise asks the learner to decide something the chapter's formulas leave open:
putting frequency and lifespan on one time unit (1.1), which average of per-order
margins turns revenue into profit (1.2), and what "per customer so far" counts (1.3).
The reference functions are private on purpose: a learner's answer must be their own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clv_course.exercises import (
    N_,
    Case,
    CourseData,
    Exercise,
    FunctionPart,
    Tolerance,
    ValuePart,
    Wrong,
)

MONTHS_PER_YEAR = 12
#: money may be rounded to the cent
TO_THE_CENT = Tolerance(relative=1e-6, absolute=0.005)


# ------------------------------------------------------------- 1.1: one time unit

def _projection_cases(rng, data: CourseData) -> list[Case]:
    """Customer types as a planning sheet has them: EUR per order, orders per month, years."""
    return [Case((round(float(rng.uniform(5, 250)), 2), round(float(rng.uniform(0.1, 4)), 2),
                  round(float(rng.uniform(0.5, 8)), 1))) for _ in range(5)]


def _projected_revenue(aov, orders_per_month, years):
    return aov * orders_per_month * MONTHS_PER_YEAR * years


# ------------------------------------------------------------- 1.2: the margin rate

_COLUMNS = ["order_id", "customer_id", "amount", "gross_margin", "is_refund"]


def _made_up_table(rng) -> pd.DataFrame:
    """Orders of varied size and margin (two channels, some noise), vouchers and refunds."""
    orders = int(rng.integers(8, 25))
    amounts = rng.gamma(3.0, 30.0, size=orders).round(2)
    amounts[rng.random(orders) < 0.1] = 0.0
    rates = rng.choice([0.27, 0.42], size=orders) + rng.uniform(-0.05, 0.05, size=orders)
    table = pd.DataFrame({
        "order_id": [f"O{i:04d}" for i in range(1, orders + 1)],
        "customer_id": [f"C{int(c):03d}" for c in rng.integers(1, 6, size=orders)],
        "amount": amounts, "gross_margin": (amounts * rates).round(2), "is_refund": False})
    returned = table.iloc[rng.choice(orders, size=int(rng.integers(1, 4)), replace=False)]
    refunds = returned.assign(amount=-returned["amount"], gross_margin=-returned["gross_margin"],
                              is_refund=True)
    return pd.concat([table, refunds], ignore_index=True)


def _shop_slice(rng, data: CourseData) -> pd.DataFrame:
    """Every row of a handful of the shop's customers (of the data variant being judged)."""
    shop = data.load("shop")
    chosen = rng.choice(np.sort(shop["customer_id"].unique()), size=25, replace=False)
    return shop.loc[shop["customer_id"].isin(chosen), _COLUMNS].reset_index(drop=True)


def _margin_cases(rng, data: CourseData) -> list[Case]:
    return [Case((_made_up_table(rng),)) for _ in range(4)] + [Case((_shop_slice(rng, data),))]


def _margin_rate(transactions: pd.DataFrame) -> float:
    return float(transactions["gross_margin"].sum() / transactions["amount"].sum())


def _margin_rate_orders_only(transactions: pd.DataFrame) -> float:
    return _margin_rate(transactions[~transactions["is_refund"]])


def _order_rates(transactions: pd.DataFrame) -> pd.Series:
    return transactions["gross_margin"] / transactions["amount"]


def _mean_of_order_rates(transactions: pd.DataFrame) -> float:
    return float(_order_rates(transactions).mean())


def _mean_of_order_rates_orders_only(transactions: pd.DataFrame) -> float:
    return _mean_of_order_rates(transactions[~transactions["is_refund"]])


def _median_of_order_rates(transactions: pd.DataFrame) -> float:
    return float(_order_rates(transactions).median())


# ------------------------------------------------------------- 1.3: value so far

def _shop(data: CourseData) -> pd.DataFrame:
    return data.load("shop")


def _per_customer(data: CourseData, column: str, *, orders_only: bool = False) -> float:
    shop = _shop(data)
    rows = shop[~shop["is_refund"]] if orders_only else shop
    return float(rows[column].sum() / shop["customer_id"].nunique())


def _revenue_per_customer(data: CourseData) -> float:
    return _per_customer(data, "amount")


def _profit_per_customer(data: CourseData) -> float:
    return _per_customer(data, "gross_margin")


def _revenue_per_order(data: CourseData) -> float:
    shop = _shop(data)
    return float(shop["amount"].sum() / (~shop["is_refund"]).sum())


def _median_customer(data: CourseData, column: str) -> float:
    return float(_shop(data).groupby("customer_id")[column].sum().median())


EXERCISES = [
    Exercise("ch01-simple-clv", N_("A projection in one time unit"), [
        FunctionPart("simple_clv", 3, _projected_revenue, _projection_cases,
                     hint=N_("The projection is the order value times the number of orders the "
                             "customer places over the whole lifespan; count those orders in one "
                             "time unit."),
                     wrong=[Wrong(N_("months and years mixed"), lambda a, f, y: a * f * y,
                                  N_("The orders are counted per month but the lifespan in years: "
                                     "put both on the same time unit before multiplying.")),
                            Wrong(N_("converted the wrong way"),
                                  lambda a, f, y: a * f * y / MONTHS_PER_YEAR,
                                  N_("Check the direction of your conversion: a customer who "
                                     "orders once a month orders more often than once a year, not "
                                     "less.")),
                            Wrong(N_("one year only"), lambda a, f, y: a * f * MONTHS_PER_YEAR,
                                  N_("That is the revenue of one year; the projection covers the "
                                     "whole lifespan.")),
                            Wrong(N_("adds instead of multiplying"), lambda a, f, y: a + f + y,
                                  N_("The parts multiply: order value times the number of orders "
                                     "over the lifespan. They do not add up."))],
                     tolerance=TO_THE_CENT),
    ]),
    Exercise("ch01-profit-clv", N_("The margin rate that turns revenue into profit"), [
        FunctionPart("margin_rate", 3, _margin_rate, _margin_cases,
                     hint=N_("The rate should turn the table's revenue into its gross profit: the "
                             "share of each euro of revenue that the shop keeps, over all rows."),
                     wrong=[Wrong(N_("a percentage, not a rate"),
                                  lambda t: 100 * _margin_rate(t),
                                  N_("Return a rate, not a percentage: 30 % is 0.3.")),
                            Wrong(N_("the cost share, not the margin"),
                                  lambda t: 1 - _margin_rate(t),
                                  N_("That is the share that pays for the goods; the margin rate "
                                     "is the share the shop keeps.")),
                            Wrong(N_("revenue per euro of profit"),
                                  lambda t: 1 / _margin_rate(t),
                                  N_("That is revenue per euro of gross profit; the rate is gross "
                                     "profit per euro of revenue.")),
                            Wrong(N_("the mean of each order's rate"), _mean_of_order_rates,
                                  N_("An average of each order's own rate counts a 5 EUR order as "
                                     "much as a 500 EUR one. The rate must turn the table's total "
                                     "revenue into its total gross profit.")),
                            Wrong(N_("the mean of each order's rate, orders only"),
                                  _mean_of_order_rates_orders_only,
                                  N_("An average of each order's own rate counts a 5 EUR order as "
                                     "much as a 500 EUR one. The rate must turn the table's total "
                                     "revenue into its total gross profit.")),
                            Wrong(N_("the median of each order's rate"), _median_of_order_rates,
                                  N_("A median of each order's own rate counts a 5 EUR order as "
                                     "much as a 500 EUR one. The rate must turn the table's total "
                                     "revenue into its total gross profit.")),
                            Wrong(N_("refunds left out"), _margin_rate_orders_only,
                                  N_("Keep the refund rows: a refund takes back revenue and margin "
                                     "alike, and the rate describes what the shop kept.")),
                            Wrong(N_("rounded"), lambda t: round(_margin_rate(t), 2),
                                  N_("Return the rate unrounded: rounding to two decimals can move "
                                     "it by half a percentage point, an error that grows with every "
                                     "euro it is multiplied by. Round only when you show a "
                                     "number."))]),
    ]),
    Exercise("ch01-shop-value", N_("What a shop customer has spent so far"), [
        ValuePart("revenue_per_customer", 2, _revenue_per_customer,
                  hint=N_("Per customer means over the shop's distinct customers, each counted "
                          "once; the revenue is what they paid, less what the shop refunded."),
                  wrong=[Wrong(N_("per order, not per customer"), _revenue_per_order,
                               N_("That is revenue per order (the AOV). A customer places several "
                                  "orders: share the revenue among customers instead.")),
                         Wrong(N_("refunds left out"),
                               lambda data: _per_customer(data, "amount", orders_only=True),
                               N_("Keep the refund rows: their negative amounts are money the "
                                  "shop gave back.")),
                         Wrong(N_("the median customer, not the average"),
                               lambda data: _median_customer(data, "amount"),
                               N_("That is the median customer. Per customer here means the "
                                  "average: the figure that, times the number of customers, "
                                  "gives the total."))],
                  tolerance=TO_THE_CENT),
        ValuePart("profit_per_customer", 2, _profit_per_customer,
                  hint=N_("Profit is the gross_margin column, refunds included; share it among "
                          "the distinct customers."),
                  wrong=[Wrong(N_("revenue for profit"), _revenue_per_customer,
                               N_("That is revenue; profit is what the shop kept after the cost "
                                  "of goods, the gross_margin column.")),
                         Wrong(N_("profit with refunds left out"),
                               lambda data: _per_customer(data, "gross_margin", orders_only=True),
                               N_("Keep the refund rows: a refund takes back the margin of the "
                                  "returned order too (its gross_margin is negative).")),
                         Wrong(N_("the median customer, not the average"),
                               lambda data: _median_customer(data, "gross_margin"),
                               N_("That is the median customer. Per customer here means the "
                                  "average: the figure that, times the number of customers, "
                                  "gives the total."))],
                  tolerance=TO_THE_CENT),
    ]),
]
