"""Chapter 1, what CLV is: revenue or profit, and the simple formula AOV x frequency x lifespan."""

from __future__ import annotations

from clv_course import metrics
from clv_course.exercises import Case, CourseData, Exercise, FunctionPart, N_, ValuePart, Wrong


def _formula_cases(rng, data: CourseData) -> list[Case]:
    return [Case((round(float(rng.uniform(5, 250)), 2), round(float(rng.uniform(0.5, 12)), 1),
                  round(float(rng.uniform(0.5, 10)), 1))) for _ in range(5)]


def _margin_cases(rng, data: CourseData) -> list[Case]:
    return [Case(case.args + (round(float(rng.uniform(0.05, 0.8)), 2),))
            for case in _formula_cases(rng, data)]


def _shop(data: CourseData):
    return data.load("shop")


def _revenue_per_customer(data: CourseData) -> float:
    shop = _shop(data)
    return shop["amount"].sum() / shop["customer_id"].nunique()


def _profit_per_customer(data: CourseData) -> float:
    shop = _shop(data)
    return shop["gross_margin"].sum() / shop["customer_id"].nunique()


EXERCISES = [
    Exercise("ch01-simple-clv", N_("The simple CLV formula"), [
        FunctionPart("simple_clv", 3, metrics.historic_clv, _formula_cases,
                     hint=N_("CLV = average order value x purchases per year x lifespan in years."),
                     wrong=[Wrong(N_("adds instead of multiplying"), lambda a, f, l: a + f + l,
                                  N_("The three parts multiply; they do not add up.")),
                            Wrong(N_("forgets the lifespan"), lambda a, f, l: a * f,
                                  N_("That is the value of one year; multiply by the lifespan "
                                     "too."))]),
    ]),
    Exercise("ch01-profit-clv", N_("CLV as profit"), [
        FunctionPart("profit_clv", 3, metrics.margin_clv, _margin_cases,
                     hint=N_("Profit CLV is revenue CLV times the margin rate (0.3 for 30 %)."),
                     wrong=[Wrong(N_("revenue for profit"), lambda a, f, l, m: a * f * l,
                                  N_("That is revenue CLV: multiply by the margin to get "
                                     "profit.")),
                            Wrong(N_("cost instead of margin"), lambda a, f, l, m: a * f * l * (1 - m),
                                  N_("1 - margin is the share that goes to costs; use the margin "
                                     "itself.")),
                            Wrong(N_("margin as a percentage"), lambda a, f, l, m: a * f * l * m * 100,
                                  N_("The margin is a rate (0.3), not a percentage (30)."))]),
    ]),
    Exercise("ch01-shop-value", N_("What a shop customer has been worth so far"), [
        ValuePart("revenue_per_customer", 2, _revenue_per_customer,
                  hint=N_("Divide the shop's total amount (refunds included, they are negative) "
                          "by the number of distinct customers."),
                  wrong=[Wrong(N_("per order, not per customer"),
                               lambda data: metrics.average_order_value(_shop(data)),
                               N_("That is revenue per order (the AOV); divide by customers "
                                  "instead.")),
                         Wrong(N_("refunds left out"),
                               lambda data: _shop(data).query("not is_refund")["amount"].sum()
                               / _shop(data)["customer_id"].nunique(),
                               N_("Keep the refund rows: their negative amounts are money the "
                                  "shop gave back."))]),
        ValuePart("profit_per_customer", 2, _profit_per_customer,
                  hint=N_("Profit is the gross_margin column, not amount; divide its total by "
                          "the number of customers."),
                  wrong=[Wrong(N_("revenue for profit"), _revenue_per_customer,
                               N_("That is revenue; profit is the gross_margin column."))]),
    ]),
]
