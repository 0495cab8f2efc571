"""Chapter 4, margin and the time value of money: margin rates, discounting, the horizon."""

from __future__ import annotations

import math

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


def _mean_of_order_rates(data: CourseData, *, refunds: bool = True):
    """The mean of each row's own margin rate (rows of 0 EUR have none and are skipped)."""
    shop = _shop(data)
    if not refunds:
        shop = shop[~shop["is_refund"]]
    rates = (shop["gross_margin"] / shop["amount"]).where(shop["amount"] != 0)
    return rates.groupby(shop["acquisition_channel"]).mean()


def _monthly_rate(annual_rate):
    return (1 + annual_rate) ** (1 / 12) - 1


def _rate_cases(rng, data: CourseData) -> list[Case]:
    return [Case((round(float(rng.uniform(0.03, 0.3)), 3),)) for _ in range(5)]


def _clv_sum(margin, retention, discount_rate, periods):
    """The course's timing: periods 0 to periods - 1, the first margin earned now."""
    return metrics.discounted_clv(margin, retention, discount_rate, periods=periods)


def _later_sum(margin, retention, discount_rate, periods):
    """Gupta and Lehmann's timing: periods 1 to ``periods``, each margin at a retained period's end."""
    return sum(margin * retention ** t / (1 + discount_rate) ** t for t in range(1, periods + 1))


def _retention_behind(m, r, d, n):
    return sum(m * r ** (t - 1) / (1 + d) ** t for t in range(1, n + 1))


def _sum_cases(rng, data: CourseData) -> list[Case]:
    return [Case((round(float(rng.uniform(5, 200)), 2), round(float(rng.uniform(0.3, 0.95)), 2),
                  round(float(rng.uniform(0.02, 0.25)), 3), int(rng.integers(2, 25))))
            for _ in range(5)]


def _periods_to_share(retention, discount_rate, share):
    """The fewest whole periods whose discounted sum holds at least ``share`` of the closed form.

    The finite sum over n periods is the closed form times 1 - q**n, with
    q = retention / (1 + discount_rate), in either timing convention.
    """
    q = retention / (1 + discount_rate)
    n = 1
    while 1 - q ** n < share:
        n += 1
    return n


def _ratio_periods(q, share):
    return max(1, math.ceil(math.log(1 - share) / math.log(q)))


def _share_cases(rng, data: CourseData) -> list[Case]:
    """Inputs whose answer is far from a tie, so that loops and logarithms agree exactly."""
    cases = []
    while len(cases) < 5:
        r = round(float(rng.uniform(0.4, 0.97)), 2)
        d = round(float(rng.uniform(0.01, 0.2)), 3)
        share = float(rng.choice([0.8, 0.9, 0.95, 0.99]))
        exact = math.log(1 - share) / math.log(r / (1 + d))
        if exact > 1.05 and abs(exact - round(exact)) > 0.02:
            cases.append(Case((r, d, share)))
    return cases


_PERCENT = N_("A rate is a share between 0 and 1: 0.4 stands for 40 %. Leave the result as a "
              "share, without multiplying by 100.")

EXERCISES = [
    Exercise("ch04-margin-rate", N_("The margin rate per acquisition channel"), [
        ValuePart("margin_rate_by_channel", 3, _margin_rate,
                  hint=N_("For each acquisition channel, divide its total margin by its total "
                          "revenue. The refund rows stay in both totals: the margin rate is net "
                          "of refunds."),
                  wrong=[Wrong(N_("a percentage instead of a rate"),
                               lambda data: _margin_rate(data) * 100, _PERCENT),
                         Wrong(N_("the mean of per-order margin rates"), _mean_of_order_rates,
                               N_("That averages each order's own rate, so a 5 EUR order weighs as "
                                  "much as a 500 EUR one, and orders of 0 EUR have no rate at all. "
                                  "Divide the channel's total margin by its total revenue.")),
                         Wrong(N_("the mean of per-order margin rates, orders only"),
                               lambda data: _mean_of_order_rates(data, refunds=False),
                               N_("That averages each order's own rate, so small orders weigh as "
                                  "much as large ones. Divide the channel's total margin by its "
                                  "total revenue, refunds included.")),
                         Wrong(N_("revenue divided by margin"), _margin_for_revenue,
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
                               N_("Group by how the customer was won (acquisition channel), not "
                                  "by where the order was placed (sales channel)."))]),
    ]),
    Exercise("ch04-discounted-sum", N_("Discounted CLV as a finite sum"), [
        FunctionPart("discounted_clv", 3, _later_sum, _sum_cases,
                     hint=N_("Nothing is earned now. Each of the next periods adds the margin "
                             "earned at its end, times the share of customers retained up to "
                             "then, times the discount factor from that end back to today."),
                     wrong=[Wrong(N_("the course's timing"), _clv_sum,
                                  N_("That is the course's timing: it counts the margin earned "
                                     "now and stops a period earlier. Here the first margin "
                                     "comes at the end of the first period, from a customer "
                                     "retained for it, and is discounted once.")),
                            Wrong(N_("retention one period behind the discounting"),
                                  _retention_behind,
                                  N_("A margin earned at the end of a period needs the customer "
                                     "to have been retained for it: the margin at the end of the "
                                     "third period needs three retentions, as many as its "
                                     "discounts.")),
                            Wrong(N_("ignores retention"),
                                  lambda m, r, d, n: _later_sum(m, 1.0, d, n),
                                  N_("Each period counts only if the customer is still there: "
                                     "weigh it by the share retained up to then.")),
                            Wrong(N_("ignores discounting"),
                                  lambda m, r, d, n: _later_sum(m, r, 0.0, n),
                                  N_("A euro later is worth less today: weigh each period by "
                                     "its discount factor.")),
                            Wrong(N_("one period too many"),
                                  lambda m, r, d, n: _later_sum(m, r, d, n + 1),
                                  N_("Sum exactly as many margins as there are periods, the "
                                     "first one at the end of the first period.")),
                            Wrong(N_("one period too few"),
                                  lambda m, r, d, n: _later_sum(m, r, d, n - 1),
                                  N_("Sum exactly as many margins as there are periods: the "
                                     "last one is earned at the end of the last period.")),
                            Wrong(N_("the closed form, ignoring the periods"),
                                  lambda m, r, d, n: m * r / (1 + d - r),
                                  N_("That is the sum over all periods, forever. Stop after the "
                                     "number of periods asked for."))]),
    ]),
    Exercise("ch04-closed-form", N_("How many periods make up the closed form"), [
        FunctionPart("periods_to_share", 2, _periods_to_share, _share_cases,
                     hint=N_("Compare the sum over n periods with the closed form for n = 1, 2, "
                             "3, ... and stop at the first n whose sum is at least the asked share "
                             "of it. Or find how the ratio of the two depends on n, and solve for "
                             "n; n must be a whole number."),
                     wrong=[Wrong(N_("one period short"),
                                  lambda r, d, s: _periods_to_share(r, d, s) - 1,
                                  N_("With one period fewer the sum stays below the share; the "
                                     "answer is the first n at which it reaches it (rounded up, "
                                     "not down).")),
                            Wrong(N_("one period too many"),
                                  lambda r, d, s: _periods_to_share(r, d, s) + 1,
                                  N_("One period earlier the sum already reaches the share: look "
                                     "for the first such n, counting the first period as n = 1.")),
                            Wrong(N_("ignores discounting"),
                                  lambda r, d, s: _ratio_periods(r, s),
                                  N_("The sum's terms shrink through retention and discounting "
                                     "together; leaving the discount rate out makes the far "
                                     "future weigh too much.")),
                            Wrong(N_("ignores retention"),
                                  lambda r, d, s: _ratio_periods(1 / (1 + d), s),
                                  N_("The sum's terms shrink through retention and discounting "
                                     "together; a customer who left adds nothing.")),
                            Wrong(N_("the remaining share instead of the share reached"),
                                  lambda r, d, s: _periods_to_share(r, d, 1 - s),
                                  N_("The share is what the sum has reached, not what is still "
                                     "missing: 0.95 means 95 % of the closed form is in."))]),
    ]),
    Exercise("ch04-monthly-rate", N_("An annual discount rate as a monthly one"), [
        FunctionPart("monthly_rate", 2, _monthly_rate, _rate_cases,
                     hint=N_("A euro invested for twelve months at the monthly rate must grow "
                             "exactly as much as a euro invested for one year at the annual "
                             "rate. Growth over several months multiplies, it does not add up. "
                             "(Check the brackets: a power of 1/12 written without them raises "
                             "to the power 1 and then divides by 12.)"),
                     wrong=[Wrong(N_("divides by 12"), lambda d: d / 12,
                                  N_("Dividing by 12 ignores compounding: twelve months at a "
                                     "twelfth of the rate grow a euro by more than the annual "
                                     "rate.")),
                            Wrong(N_("compounds instead of taking the root"),
                                  lambda d: (1 + d) ** 12 - 1,
                                  N_("That turns a monthly rate into an annual one; go the other "
                                     "way, from a year down to a month.")),
                            Wrong(N_("forgets to subtract 1"), lambda d: (1 + d) ** (1 / 12),
                                  N_("That is the growth factor per month (about 1); the rate is "
                                     "what the factor adds beyond the euro itself.")),
                            Wrong(N_("a power of 1 divided by 12"),
                                  lambda d: (1 + d) ** 1 / 12 - 1,
                                  N_("Check the brackets: without them, a power of 1/12 raises "
                                     "to the power 1 and then divides by 12, and the rate comes "
                                     "out below minus 90 %. Put the whole exponent in brackets.")),
                            Wrong(N_("a percentage instead of a rate"),
                                  lambda d: _monthly_rate(d) * 100, _PERCENT)]),
    ]),
]
