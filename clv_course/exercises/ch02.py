"""Chapter 2, the components from transactions: order value, frequency, lifespan and their pitfalls.

Two timing conventions matter for exact answers, and the exercises state them:
a window or a customer's time runs from its first to its last day **both days
included**, and a year has **365.25 days** (as in :func:`clv_course.metrics.purchase_frequency`).
The other usual conventions (a 365-day year, a window without its last day) are
named wrong answers whose hints say which convention to switch: a tolerance wide
enough to accept them (0.1-0.3 %) would also let a number typed in from the
public data pass on many grading variants, whose values move by 0.1-1 %.
"""

from __future__ import annotations

import pandas as pd

from clv_course import metrics
from clv_course.exercises import (
    N_,
    Case,
    CourseData,
    Exercise,
    FunctionPart,
    ValuePart,
    Wrong,
)

#: the days of a year, as the package counts them
YEAR = 365.25


def _shop(data: CourseData) -> pd.DataFrame:
    return data.load("shop")


def _shop_orders(data: CourseData) -> pd.DataFrame:
    shop = _shop(data)
    return shop[~shop["is_refund"]]


def _cdnow(data: CourseData) -> pd.DataFrame:
    return data.load("cdnow")


def cdnow_orders(data: CourseData) -> pd.DataFrame:
    """CDNOW with a customer's rows on one day merged into one order, as the papers count them."""
    return _cdnow(data).groupby(["customer_id", "date"], as_index=False)[
        ["quantity", "amount"]].sum()


def _zero_share(data: CourseData) -> float:
    return float((_shop_orders(data)["amount"] == 0).mean())


# ------------------------------------------------------------------ 2.4: CDNOW over the window

def _orders_per_customer(orders: pd.DataFrame) -> float:
    return len(orders) / orders["customer_id"].nunique()


def _window_days(orders: pd.DataFrame, *, last_day_included: bool = True) -> int:
    return (orders["date"].max() - orders["date"].min()).days + int(last_day_included)


def cdnow_frequency(data: CourseData, *, year: float = YEAR, last_day_included: bool = True,
                    merge_same_day: bool = True) -> float:
    """Orders per CDNOW customer per year over the data window, under a stated convention."""
    orders = cdnow_orders(data) if merge_same_day else _cdnow(data)
    days = _window_days(orders, last_day_included=last_day_included)
    return _orders_per_customer(orders) / (days / year)


# ------------------------------------------------------------------ 2.5: the shop, time watched

def _days_watched(data: CourseData, *, last_day_included: bool = True) -> pd.Series:
    orders = _shop_orders(data)
    first = orders.groupby("customer_id")["date"].min()
    return (_shop(data)["date"].max() - first).dt.days + int(last_day_included)


def shop_frequency_watched(data: CourseData, *, year: float = YEAR,
                           last_day_included: bool = True) -> float:
    """The shop's orders per customer-year watched: each customer from their first order on."""
    watched = _days_watched(data, last_day_included=last_day_included)
    return len(_shop_orders(data)) / (watched.sum() / year)


def _mean_of_own_rates(data: CourseData) -> float:
    orders = _shop_orders(data).groupby("customer_id").size()
    return float((orders / (_days_watched(data) / YEAR)).mean())


def _until_last_order(data: CourseData) -> float:
    dates = _shop_orders(data).groupby("customer_id")["date"]
    days = (dates.max() - dates.min()).dt.days + 1
    return len(_shop_orders(data)) / (days.sum() / YEAR)


# ------------------------------------------------------------------ 2.2: a function for the AOV

def _transactions_cases(rng, data: CourseData) -> list[Case]:
    """Small random transaction tables, each with orders, a few refunds and a voucher or two."""
    cases = []
    for _ in range(4):
        orders = int(rng.integers(6, 30))
        amounts = rng.gamma(6.0, 10.0, size=orders).round(2)
        amounts[rng.random(orders) < 0.1] = 0.0
        if not (amounts == 0).any():  # a voucher or two: at least one order at 0 EUR
            amounts[int(rng.integers(orders))] = 0.0
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


def _aov_zeros_dropped(transactions: pd.DataFrame) -> float:
    paid = ~transactions["is_refund"] & (transactions["amount"] != 0)
    return transactions["amount"].sum() / paid.sum()


_ZEROS_DROPPED = N_("Orders booked at 0 EUR (vouchers) are orders too: count them.")


_CONVENTION_365 = N_("Close: your method is right, but your year has 365 days. The exercise counts a "
                     "year as 365.25 days, as stated in its instructions.")
_CONVENTION_LAST_DAY = N_("Close: your method is right, but your time leaves out one end day. The "
                          "exercise counts both the first and the last day, as stated in its "
                          "instructions.")
_CONVENTION_BOTH = N_("Close: your method is right, but your convention differs twice: the exercise "
                      "counts both end days and a year of 365.25 days, as stated in its "
                      "instructions.")

EXERCISES = [
    Exercise("ch02-shop-aov", N_("The shop's average order value, net of refunds"), [
        ValuePart("shop_aov", 2, lambda data: metrics.average_order_value(_shop(data)),
                  hint=N_("Refunds are money the shop gave back, so they lower the revenue; but "
                          "a refund is not an extra order. Revenue kept, over orders placed."),
                  wrong=[Wrong(N_("refunds ignored"),
                               lambda data: metrics.average_order_value(_shop(data),
                                                                        net_of_refunds=False),
                               N_("That is the value ordered, not the value kept: the refunds' "
                                  "negative amounts belong in the revenue.")),
                         Wrong(N_("refund rows counted as orders"),
                               lambda data: _shop(data)["amount"].mean(),
                               N_("A refund is not an order: it lowers the revenue but adds "
                                  "nothing to the number of orders you divide by."))]),
    ]),
    Exercise("ch02-order-values", N_("The typical order and the vouchers"), [
        ValuePart("median_order_value", 2, lambda data: _shop_orders(data)["amount"].median(),
                  hint=N_("Only orders count here, not refund rows; the median is the middle "
                          "order when all are sorted by value."),
                  wrong=[Wrong(N_("mean instead of median"),
                               lambda data: _shop_orders(data)["amount"].mean(),
                               N_("That is the mean, which the few large orders pull up; the "
                                  "median is the middle order when all are sorted by value.")),
                         Wrong(N_("refund rows included"),
                               lambda data: _shop(data)["amount"].median(),
                               N_("Refund rows are not orders, and their negative amounts drag "
                                  "the middle down: leave them out first.")),
                         Wrong(N_("zero-value orders dropped"),
                               lambda data: _shop_orders(data).query("amount != 0")["amount"]
                               .median(),
                               _ZEROS_DROPPED)]),
        ValuePart("zero_share", 2, _zero_share,
                  hint=N_("Among the orders only, how many are booked at 0 EUR, as a fraction of "
                          "all orders?"),
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
                               N_("That is how many orders are at 0; the exercise asks which "
                                  "share of all orders they are."))]),
    ]),
    Exercise("ch02-cdnow-frequency", N_("How often a CDNOW customer orders"), [
        ValuePart("cdnow_frequency", 2, cdnow_frequency,
                  hint=N_("A rate needs its time base: the orders per customer, spread over the "
                          "years the data window lasts. On CDNOW an order is a customer's "
                          "purchases on one day."),
                  wrong=[Wrong(N_("per month, not per year"),
                               lambda data: cdnow_frequency(data) / 12,
                               N_("That is orders per month; the exercise asks per year.")),
                         Wrong(N_("no time unit at all"),
                               lambda data: _orders_per_customer(cdnow_orders(data)),
                               N_("That is orders per customer over the whole data, without a "
                                  "time base: a rate says how many per year.")),
                         Wrong(N_("rows counted as orders"),
                               lambda data: cdnow_frequency(data, merge_same_day=False),
                               N_("That counts rows: several rows on one day are one order on "
                                  "CDNOW (as in the data card and chapter 9).")),
                         Wrong(N_("each customer's own time, not the window"),
                               lambda data: _cdnow_frequency_watched(data),
                               N_("That is per year since each customer's first order; this "
                                  "exercise's time base is the data window, the same for every "
                                  "customer.")),
                         Wrong(N_("the observed lifespan as time base"),
                               lambda data: _orders_per_customer(cdnow_orders(data))
                               / metrics.customer_lifespan(cdnow_orders(data), unit="year"),
                               N_("The orders were not counted over the observed lifespan (first "
                                  "to last order) but over the whole data window.")),
                         Wrong(N_("a 365-day year"), lambda data: cdnow_frequency(data, year=365),
                               _CONVENTION_365),
                         Wrong(N_("the last day left out"),
                               lambda data: cdnow_frequency(data, last_day_included=False),
                               _CONVENTION_LAST_DAY),
                         Wrong(N_("a 365-day year and the last day left out"),
                               lambda data: cdnow_frequency(data, year=365,
                                                            last_day_included=False),
                               _CONVENTION_BOTH),
                         Wrong(N_("18 months as 1.5 years"),
                               lambda data: _orders_per_customer(cdnow_orders(data)) / 1.5,
                               N_("Close: your method is right, but the window is not exactly 1.5 "
                                  "years. Count its days (both end days included) and divide by "
                                  "365.25, as stated in the instructions."))]),
    ]),
    Exercise("ch02-net-aov", N_("A function for the average order value"), [
        FunctionPart("net_aov", 3, metrics.average_order_value, _transactions_cases,
                     hint=N_("Refunds lower the revenue (their amounts are negative) but are not "
                             "orders: revenue kept, over the orders placed."),
                     wrong=[Wrong(N_("refunds ignored"), _aov_refunds_ignored,
                                  N_("Keep the refund rows in the total: the shop gave that money "
                                     "back.")),
                            Wrong(N_("refund rows counted as orders"), _aov_refunds_as_orders,
                                  N_("A refund is not an order: it lowers the revenue but not the "
                                     "number of orders.")),
                            Wrong(N_("zero-value orders dropped"), _aov_zeros_dropped,
                                  _ZEROS_DROPPED)]),
    ]),
    Exercise("ch02-shop-frequency", N_("The shop's orders per customer-year watched"), [
        ValuePart("shop_frequency", 3, shop_frequency_watched,
                  hint=N_("Start a clock for each customer at their own first order and stop it "
                          "at the end of the data; the rate is all the orders over all the years "
                          "on those clocks."),
                  wrong=[Wrong(N_("the whole window for everyone"),
                               lambda data: metrics.purchase_frequency(_shop(data), unit="year"),
                               N_("That divides every customer by the whole three years, "
                                  "including the time before their first order: start each "
                                  "customer's clock at their own first order.")),
                         Wrong(N_("refund rows counted as orders"),
                               lambda data: len(_shop(data))
                               / (_days_watched(data).sum() / YEAR),
                               N_("Refund rows are not orders: leave them out of the count.")),
                         Wrong(N_("the mean of each customer's own rate"), _mean_of_own_rates,
                               N_("That averages the customers' own rates, so a customer watched "
                                  "for one year weighs as much as one watched for three: put all "
                                  "the orders over all the time watched.")),
                         Wrong(N_("clocks stopped at the last order"), _until_last_order,
                               N_("That stops each clock at the customer's last order; a customer "
                                  "is watched until the end of the data, whether they buy or "
                                  "not.")),
                         Wrong(N_("per month, not per year"),
                               lambda data: shop_frequency_watched(data) / 12,
                               N_("That is orders per month; the exercise asks per year.")),
                         Wrong(N_("a 365-day year"),
                               lambda data: shop_frequency_watched(data, year=365),
                               _CONVENTION_365),
                         Wrong(N_("the last day left out"),
                               lambda data: shop_frequency_watched(data, last_day_included=False),
                               _CONVENTION_LAST_DAY),
                         Wrong(N_("a 365-day year and the last day left out"),
                               lambda data: shop_frequency_watched(data, year=365,
                                                                   last_day_included=False),
                               _CONVENTION_BOTH)]),
    ]),
]


def _cdnow_frequency_watched(data: CourseData) -> float:
    orders = cdnow_orders(data)
    first = orders.groupby("customer_id")["date"].min()
    days = (orders["date"].max() - first).dt.days + 1
    return len(orders) / (days.sum() / YEAR)
