"""Chapter 4, margin and the time value of money: margin rates, discounting, the closed form."""

from __future__ import annotations

from clv_course import metrics
from clv_course.exercises import Case, CourseData, Exercise, FunctionPart, N_, ValuePart, Wrong


def _shop(data: CourseData):
    return data.load("shop")


def _margin_rate(data: CourseData, by: str = "acquisition_channel", *, refunds: bool = True):
    shop = _shop(data)
    if not refunds:
        shop = shop[~shop["is_refund"]]
    totals = shop.groupby(by)[["gross_margin", "amount"]].sum()
    return totals["gross_margin"] / totals["amount"]


def _margin_for_revenue(data: CourseData):
    totals = _shop(data).groupby("acquisition_channel")[["gross_margin", "amount"]].sum()
    return totals["amount"] / totals["gross_margin"]


def _share_of_all_revenue(data: CourseData):
    shop = _shop(data)
    return shop.groupby("acquisition_channel")["gross_margin"].sum() / shop["amount"].sum()


def _monthly_rate(annual_rate):
    return (1 + annual_rate) ** (1 / 12) - 1


def _rate_cases(rng, data: CourseData) -> list[Case]:
    return [Case((round(float(rng.uniform(0.03, 0.3)), 3),)) for _ in range(5)]


def _clv_sum(margin, retention, discount_rate, periods):
    return metrics.discounted_clv(margin, retention, discount_rate, periods=periods)


def _discounts_first_period(m, r, d, n):
    return sum(m * r ** t / (1 + d) ** (t + 1) for t in range(n))


def _sum_cases(rng, data: CourseData) -> list[Case]:
    return [Case((round(float(rng.uniform(5, 200)), 2), round(float(rng.uniform(0.3, 0.95)), 2),
                  round(float(rng.uniform(0.02, 0.25)), 3), int(rng.integers(2, 25))))
            for _ in range(5)]


def _closed_cases(rng, data: CourseData) -> list[Case]:
    return [Case(case.args[:3]) for case in _sum_cases(rng, data)]


EXERCISES = [
    Exercise("ch04-margin-rate", N_("The margin rate per acquisition channel"), [
        ValuePart("margin_rate_by_channel", 3, _margin_rate,
                  hint=N_("Group the shop's rows by acquisition_channel, add up gross_margin and "
                          "amount, and divide the margin totals by the amount totals. Keep the "
                          "refund rows: the margin rate is net of refunds."),
                  wrong=[Wrong(N_("revenue divided by margin"), _margin_for_revenue,
                               N_("That is revenue per euro of margin; divide the margin by the "
                                  "revenue instead.")),
                         Wrong(N_("refunds left out"),
                               lambda data: _margin_rate(data, refunds=False),
                               N_("Keep the refund rows: this chapter's margin rate is net of "
                                  "refunds, in both the margin and the revenue.")),
                         Wrong(N_("divided by the whole shop's revenue"), _share_of_all_revenue,
                               N_("Divide each channel's margin by that channel's own revenue, "
                                  "not by the revenue of the whole shop.")),
                         Wrong(N_("grouped by sales channel"),
                               lambda data: _margin_rate(data, "sales_channel"),
                               N_("Group by acquisition_channel (how the customer was won), not "
                                  "sales_channel (where the order was placed)."))]),
    ]),
    Exercise("ch04-discounted-sum", N_("Discounted CLV as a finite sum"), [
        FunctionPart("discounted_clv", 3, _clv_sum, _sum_cases,
                     hint=N_("Add margin x retention**t / (1 + discount_rate)**t for t = 0, 1, "
                             "..., periods - 1: the first period's margin is earned now and not "
                             "discounted."),
                     wrong=[Wrong(N_("discounts the first period"), _discounts_first_period,
                                  N_("In this course the first margin arrives now (t = 0) and is "
                                     "not discounted; start the sum at t = 0.")),
                            Wrong(N_("ignores retention"),
                                  lambda m, r, d, n: _clv_sum(m, 1.0, d, n),
                                  N_("Each later period counts only if the customer is still "
                                     "there: multiply by retention**t.")),
                            Wrong(N_("ignores discounting"),
                                  lambda m, r, d, n: _clv_sum(m, r, 0.0, n),
                                  N_("A euro later is worth less today: divide by "
                                     "(1 + discount_rate)**t.")),
                            Wrong(N_("one period too many"),
                                  lambda m, r, d, n: _clv_sum(m, r, d, n + 1),
                                  N_("Sum exactly `periods` terms: t = 0 up to periods - 1 "
                                     "(range(periods)).")),
                            ]),
    ]),
    Exercise("ch04-closed-form", N_("The closed form"), [
        FunctionPart("closed_form_clv", 2, metrics.discounted_clv_closed_form, _closed_cases,
                     hint=N_("The infinite sum is margin x (1 + discount_rate) / "
                             "(1 + discount_rate - retention)."),
                     wrong=[Wrong(N_("first margin discounted"),
                                  lambda m, r, d: m / (1 + d - r),
                                  N_("That formula discounts the first period too; in this course "
                                     "the first margin is earned now, so multiply by "
                                     "(1 + discount_rate).")),
                            Wrong(N_("first margin only after a retained period"),
                                  lambda m, r, d: m * r / (1 + d - r),
                                  N_("That formula starts after the first period and only for "
                                     "retained customers; here the first margin is earned now.")),
                            Wrong(N_("no discounting"), lambda m, r, d: m / (1 - r),
                                  N_("That is the undiscounted value m / (1 - r); include the "
                                     "discount rate."))]),
    ]),
    Exercise("ch04-monthly-rate", N_("An annual discount rate as a monthly one"), [
        FunctionPart("monthly_rate", 2, _monthly_rate, _rate_cases,
                     hint=N_("Twelve months of the monthly rate must compound to the annual rate: "
                             "(1 + monthly)**12 = 1 + annual."),
                     wrong=[Wrong(N_("divides by 12"), lambda d: d / 12,
                                  N_("Dividing by 12 ignores compounding: twelve months at d/12 "
                                     "give more than d in a year. Take the 12th root of "
                                     "1 + annual rate.")),
                            Wrong(N_("compounds instead of taking the root"),
                                  lambda d: (1 + d) ** 12 - 1,
                                  N_("That turns a monthly rate into an annual one; go the other "
                                     "way with the power 1/12.")),
                            Wrong(N_("forgets to subtract 1"), lambda d: (1 + d) ** (1 / 12),
                                  N_("(1 + annual)**(1/12) is the growth factor per month; "
                                     "subtract 1 to get the rate."))]),
    ]),
]
