"""Chapter 7, the levers that raise CLV: the shop's baseline, retention gains, loyalty programmes."""

from __future__ import annotations

from clv_course import levers
from clv_course.exercises import Case, CourseData, Exercise, FunctionPart, N_, ValuePart, Wrong
from clv_course.metrics import discounted_clv_closed_form as closed_form


def _shop(data: CourseData):
    return data.load("shop")


def _customer_years(shop) -> int:
    return levers.active_customer_years(shop)


def _lever_cases(rng, data: CourseData) -> list[Case]:
    """Margin per year, retention, discount rate and a retention gain in points (as a rate)."""
    return [Case((round(float(rng.uniform(10, 250)), 2), round(float(rng.uniform(0.2, 0.85)), 2),
                  round(float(rng.uniform(0.04, 0.15)), 2), round(float(rng.uniform(0.01, 0.1)), 2)))
            for _ in range(5)]


def _loyalty_cases(rng, data: CourseData) -> list[Case]:
    return [Case(case.args + (round(float(rng.uniform(1, 0.3 * case.args[0])), 2),))
            for case in _lever_cases(rng, data)]


EXERCISES = [
    Exercise("ch07-baseline", N_("The shop's baseline: margin per order and orders per year"), [
        ValuePart("margin_per_order", 2, lambda data: levers.margin_per_order(_shop(data)),
                  hint=N_("Add up gross_margin over all rows (refunds included: they take their "
                          "margin back) and divide by the number of orders, the rows that are "
                          "not refunds."),
                  wrong=[Wrong(N_("revenue for profit"),
                               lambda data: _shop(data)["amount"].sum()
                               / (~_shop(data)["is_refund"]).sum(),
                               N_("That is revenue per order; the levers work on profit, the "
                                  "gross_margin column.")),
                         Wrong(N_("refund rows counted as orders"),
                               lambda data: _shop(data)["gross_margin"].sum() / len(_shop(data)),
                               N_("A refund row is not an order: divide by the rows where "
                                  "is_refund is False."))]),
        ValuePart("orders_per_year", 2, lambda data: levers.orders_per_active_year(_shop(data)),
                  hint=N_("Count the orders (rows that are not refunds) and divide by the number "
                          "of active customer-years: distinct (customer_id, year of date) pairs "
                          "among the orders."),
                  wrong=[Wrong(N_("per customer over all three years"),
                               lambda data: (~_shop(data)["is_refund"]).sum()
                               / _shop(data)["customer_id"].nunique(),
                               N_("That is orders per customer over the whole data, not per "
                                  "year: divide by active customer-years instead.")),
                         Wrong(N_("refund rows counted as orders"),
                               lambda data: len(_shop(data)) / _customer_years(_shop(data)),
                               N_("A refund row is not an order: count only the rows where "
                                  "is_refund is False."))]),
    ]),
    Exercise("ch07-retention-gain", N_("CLV after a retention gain"), [
        FunctionPart("clv_after_retention_gain", 3, levers.clv_after_retention_gain, _lever_cases,
                     hint=N_("Add the gain to the retention rate and use the discounted closed "
                             "form m (1 + d) / (1 + d - r)."),
                     wrong=[Wrong(N_("adds the gain to churn"),
                                  lambda m, r, d, g: closed_form(m, r - g, d),
                                  N_("A retention gain lowers churn: retention goes up by the "
                                     "gain, it does not go down.")),
                            Wrong(N_("forgets to discount"),
                                  lambda m, r, d, g: m / (1 - r - g),
                                  N_("Future margin is worth less today: use the discounted "
                                     "closed form with the discount rate.")),
                            Wrong(N_("returns the gain, not the new CLV"),
                                  lambda m, r, d, g: closed_form(m, r + g, d) - closed_form(m, r, d),
                                  N_("Return the CLV after the gain itself, not the difference "
                                     "from the CLV before."))]),
    ]),
    Exercise("ch07-loyalty", N_("Does the loyalty programme pay?"), [
        FunctionPart("loyalty_net_gain", 3, levers.loyalty_net_gain, _loyalty_cases,
                     hint=N_("The programme costs `cost` every year the member stays, so take it "
                             "off the yearly margin: CLV(margin - cost, retention + gain) minus "
                             "CLV(margin, retention)."),
                     wrong=[Wrong(N_("ignores the programme cost"),
                                  lambda m, r, d, g, c: closed_form(m, r + g, d) - closed_form(m, r, d),
                                  N_("That is the gain before the programme's cost; take the "
                                     "yearly cost off the margin.")),
                            Wrong(N_("cost paid once, not every year"),
                                  lambda m, r, d, g, c: closed_form(m, r + g, d)
                                  - closed_form(m, r, d) - c,
                                  N_("The cost is paid every year the member stays, like the "
                                     "margin is earned: subtract it from the yearly margin.")),
                            Wrong(N_("returns the new CLV, not the gain"),
                                  lambda m, r, d, g, c: closed_form(m - c, r + g, d),
                                  N_("Subtract the CLV without the programme: the net gain is "
                                     "the difference."))]),
    ]),
    Exercise("ch07-break-even", N_("The most a loyalty programme may cost"), [
        FunctionPart("break_even_cost", 2, levers.loyalty_break_even_cost, _lever_cases,
                     hint=N_("Solve CLV(margin - c, retention + gain) = CLV(margin, retention) "
                             "for the yearly cost c; the factors (1 + d) cancel on both sides."),
                     wrong=[Wrong(N_("first year's extra margin only"),
                                  lambda m, r, d, g: m * g,
                                  N_("Members who stay keep paying the cost and keep earning "
                                     "margin: set the two CLVs equal instead.")),
                            Wrong(N_("lifetime gain as a yearly cost"),
                                  lambda m, r, d, g: closed_form(m, r + g, d) - closed_form(m, r, d),
                                  N_("That is the lifetime gain before costs; the cost is per "
                                     "year, so it may be only a part of it."))]),
    ]),
]
