"""Chapter 7, the levers that raise CLV: the shop's baseline, retention gains, loyalty programmes.

Each exercise asks the learner to decide something: what the baseline counts
(profit and orders, 7.1), what "five points" and "five per cent more retention"
mean on the shop (7.2), how a yearly cost enters CLV (7.3) and where a programme
stops paying (7.4). A retention gain given in points is added to the rate; read
as a relative change, ``r x (1 + g)``, it is a registered wrong answer with a hint.
The reference functions are private on purpose: a learner's answer must be their own.
"""

from __future__ import annotations

from clv_course import levers
from clv_course.exercises import Case, CourseData, Exercise, FunctionPart, N_, ValuePart, Wrong
from clv_course.metrics import discounted_clv_closed_form as closed_form

#: the change exercise 7.2 asks about: five points, and five per cent of the rate
FIVE = 0.05


def _shop(data: CourseData):
    return data.load("shop")


def _orders(data: CourseData):
    shop = _shop(data)
    return shop[~shop["is_refund"]]


def _customer_years(shop) -> int:
    return levers.active_customer_years(shop)


def _baseline(data: CourseData) -> levers.Baseline:
    return levers.shop_baseline(_shop(data), discount_rate=0.1)


# ------------------------------------------------------------------ 7.2: points or per cent

def _gain(data: CourseData, new_retention, *, discounted: bool = True, relative: bool = False):
    """The CLV gain per customer (EUR) when the shop's retention becomes ``new_retention(r)``."""
    base = _baseline(data)
    m, r, d = base.yearly_margin, base.retention, base.discount_rate
    if discounted:
        before, after = closed_form(m, r, d), closed_form(m, new_retention(r), d)
    else:
        before, after = m / (1 - r), m / (1 - new_retention(r))
    return after / before - 1 if relative else after - before


def _new_clv(data: CourseData, new_retention):
    base = _baseline(data)
    return closed_form(base.yearly_margin, new_retention(base.retention), base.discount_rate)


def _points(r):
    return r + FIVE


def _per_cent(r):
    return r * (1 + FIVE)


_POINTS_READ_AS_PER_CENT = N_("Five points are added to the rate: 50 % becomes 55 %. You raised "
                              "the rate by five per cent of itself (50 % to 52.5 %), which is "
                              "less than five points.")
_PER_CENT_READ_AS_POINTS = N_("Five per cent more retention is five per cent of the rate itself: "
                              "50 % becomes 52.5 %, not 55 %. You added five points.")
_NEW_CLV = N_("That is the CLV after the change; the exercise asks what the change adds, the "
              "difference from today's CLV.")
_RELATIVE = N_("That is the gain as a share of today's CLV; the exercise asks for euros per "
               "customer.")
_UNDISCOUNTED = N_("Future margin is worth less today: keep the 10 % yearly discount rate of the "
                   "baseline, as in the rest of the chapter.")


# ------------------------------------------------------------------ 7.3 and 7.4: loyalty

def _lever_cases(rng, data: CourseData) -> list[Case]:
    """Margin per year, retention, discount rate and a retention gain in points (as a rate)."""
    return [Case((round(float(rng.uniform(10, 250)), 2), round(float(rng.uniform(0.2, 0.85)), 2),
                  round(float(rng.uniform(0.04, 0.15)), 2), round(float(rng.uniform(0.01, 0.1)), 2)))
            for _ in range(5)]


def _loyalty_cases(rng, data: CourseData) -> list[Case]:
    return [Case(case.args + (round(float(rng.uniform(1, 0.3 * case.args[0])), 2),))
            for case in _lever_cases(rng, data)]


def _loyalty_net_gain(margin, retention, discount_rate, gain, cost):
    """CLV with the programme (its yearly cost off the yearly margin) minus CLV without it."""
    return (closed_form(margin - cost, retention + gain, discount_rate)
            - closed_form(margin, retention, discount_rate))


def _break_even_cost(margin, retention, discount_rate, gain):
    """The yearly cost at which the programme's net gain is zero: m g / (1 + d - r)."""
    return margin * gain / (1 + discount_rate - retention)


_GAIN_READ_AS_PER_CENT = N_("The gain is in percentage points: it is added to the retention rate "
                            "(0.5 and five points make 0.55), not a per cent of the rate.")


def _gain_mistakes(push) -> list[Wrong]:
    """The slips both retention pushes share: the new CLV, a share, no discounting."""
    return [Wrong(N_("the new CLV, not the gain"), lambda data: _new_clv(data, push), _NEW_CLV),
            Wrong(N_("the gain as a share"), lambda data: _gain(data, push, relative=True),
                  _RELATIVE),
            Wrong(N_("not discounted"), lambda data: _gain(data, push, discounted=False),
                  _UNDISCOUNTED)]


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
                                  "is_refund is False.")),
                         Wrong(N_("refunds left out"),
                               lambda data: levers.margin_per_order(_orders(data)),
                               N_("A returned order gives its margin back: keep the refund rows' "
                                  "negative gross_margin in the total, and divide by the orders "
                                  "only."))]),
        ValuePart("orders_per_year", 2, lambda data: levers.orders_per_active_year(_shop(data)),
                  hint=N_("Count the orders (rows that are not refunds) and divide by the number "
                          "of active customer-years: distinct (customer_id, year of date) pairs "
                          "among the orders."),
                  wrong=[Wrong(N_("per customer over all three years"),
                               lambda data: (~_shop(data)["is_refund"]).sum()
                               / _shop(data)["customer_id"].nunique(),
                               N_("That is orders per customer over the whole data, not per "
                                  "year: divide by active customer-years instead.")),
                         Wrong(N_("orders per customer divided by three years"),
                               lambda data: (~_shop(data)["is_refund"]).sum()
                               / _shop(data)["customer_id"].nunique() / 3,
                               N_("Not every customer is there every year: count only the years "
                                  "in which each customer ordered.")),
                         Wrong(N_("refund rows counted as orders"),
                               lambda data: len(_shop(data)) / _customer_years(_shop(data)),
                               N_("A refund row is not an order: count only the rows where "
                                  "is_refund is False."))]),
    ]),
    Exercise("ch07-retention-gain", N_("Five points or five per cent more retention?"), [
        ValuePart("gain_five_points", 1, lambda data: _gain(data, _points),
                  hint=N_("Points are added to the rate. Compute the discounted CLV of the "
                          "baseline at the new retention and subtract today's CLV."),
                  wrong=[Wrong(N_("points read as per cent"), lambda data: _gain(data, _per_cent),
                               _POINTS_READ_AS_PER_CENT),
                         *_gain_mistakes(_points)]),
        ValuePart("gain_five_percent", 2, lambda data: _gain(data, _per_cent),
                  hint=N_("A relative change multiplies the rate. Compute the discounted CLV of "
                          "the baseline at the new retention and subtract today's CLV."),
                  wrong=[Wrong(N_("per cent read as points"), lambda data: _gain(data, _points),
                               _PER_CENT_READ_AS_POINTS),
                         *_gain_mistakes(_per_cent)]),
    ]),
    Exercise("ch07-loyalty", N_("Does the loyalty programme pay?"), [
        FunctionPart("loyalty_net_gain", 3, _loyalty_net_gain, _loyalty_cases,
                     hint=N_("The programme costs its yearly cost in every year the member stays, "
                             "just as the margin is earned in every year: what is left each year "
                             "is the margin less the cost. Compare the CLV with the programme and "
                             "without it."),
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
                                     "the difference.")),
                            Wrong(N_("gain read as per cent"),
                                  lambda m, r, d, g, c: closed_form(m - c, r * (1 + g), d)
                                  - closed_form(m, r, d),
                                  _GAIN_READ_AS_PER_CENT),
                            Wrong(N_("cost over the old lifetime"),
                                  lambda m, r, d, g, c: closed_form(m, r + g, d)
                                  - closed_form(m, r, d) - closed_form(c, r, d),
                                  N_("The cost is paid in every year the member stays, and with "
                                     "the programme they stay longer: count the cost over the "
                                     "longer lifetime, at the new retention.")),
                            Wrong(N_("not discounted"),
                                  lambda m, r, d, g, c: (m - c) / (1 - r - g) - m / (1 - r),
                                  N_("Future margin and future costs are worth less today: "
                                     "discount both at the yearly discount rate, as the closed "
                                     "form does.")),
                            Wrong(N_("first margin and cost at the end of the year"),
                                  lambda m, r, d, g, c: closed_form(m - c, r + g, d) - (m - c)
                                  - closed_form(m, r, d) + m,
                                  N_("Check the timing: here the first margin and the first cost "
                                     "fall today, at the start of the first year, as in the "
                                     "closed form of the chapter. You counted them from the end "
                                     "of the first year, which leaves out one year's cost."))]),
    ]),
    Exercise("ch07-break-even", N_("The most a loyalty programme may cost"), [
        FunctionPart("break_even_cost", 2, _break_even_cost, _lever_cases,
                     hint=N_("Set the CLV with the programme, margin less the cost, equal to the "
                             "CLV without it and solve for the cost; the factors one plus the "
                             "discount rate cancel on both sides."),
                     wrong=[Wrong(N_("first year's extra margin only"),
                                  lambda m, r, d, g: m * g,
                                  N_("Members who stay keep paying the cost and keep earning "
                                     "margin: set the two CLVs equal instead.")),
                            Wrong(N_("lifetime gain as a yearly cost"),
                                  lambda m, r, d, g: closed_form(m, r + g, d) - closed_form(m, r, d),
                                  N_("That is the lifetime gain before costs; the cost is per "
                                     "year, so it may be only a part of it.")),
                            Wrong(N_("gain read as per cent"),
                                  lambda m, r, d, g: m * r * g / (1 + d - r),
                                  _GAIN_READ_AS_PER_CENT),
                            Wrong(N_("cost over the old lifetime only"),
                                  lambda m, r, d, g: m * g / (1 + d - r - g),
                                  N_("The cost also lasts the longer lifetime: it is paid in "
                                     "every year the member stays with the programme, just like "
                                     "the margin is earned."))]),
    ]),
]
