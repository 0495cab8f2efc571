"""Chapter 5, acquisition cost: CAC per channel, CLV:CAC, payback, and the most a customer is
worth paying under a ratio rule and a cash rule."""

from __future__ import annotations

import math

import pandas as pd

from clv_course import metrics
from clv_course.exercises import Case, CourseData, Exercise, FunctionPart, N_, ValuePart, Wrong

CHANNEL = "acquisition_channel"
YEAR = 2024


def _marketing(data: CourseData) -> pd.DataFrame:
    return data.load("shop_marketing")


def _customers(data: CourseData) -> pd.DataFrame:
    return data.load("shop_customers")


def _shop(data: CourseData) -> pd.DataFrame:
    return data.load("shop")


def _spend(data: CourseData) -> pd.Series:
    return _marketing(data).groupby("channel")["spend"].sum()


def _won(data: CourseData) -> pd.Series:
    return _customers(data).groupby(CHANNEL)["customer_id"].nunique()


# ---------------------------------------------------------------- 5.1 CAC per channel

def _cac_by_channel(data: CourseData) -> pd.Series:
    return metrics.acquisition_cost_by_channel(_marketing(data), _customers(data))["cac"]


def _cac_all_customers(data: CourseData) -> pd.Series:
    return _spend(data) / _customers(data)["customer_id"].nunique()


def _cac_per_order(data: CourseData) -> pd.Series:
    shop = _shop(data)
    orders = shop[~shop["is_refund"]].groupby(CHANNEL).size()
    return _spend(data) / orders


def _cac_whole_budget(data: CourseData) -> pd.Series:
    return _marketing(data)["spend"].sum() / _won(data)


def _cac_inverted(data: CourseData) -> pd.Series:
    return _won(data) / _spend(data)


def _cac_mean_of_months(data: CourseData) -> pd.Series:
    """The mean of the monthly CACs: every month weighs the same, however few it won."""
    marketing, customers = _marketing(data), _customers(data)
    spend = marketing.pivot_table(index="month", columns="channel", values="spend", aggfunc="sum")
    won = (customers.groupby([customers["first_purchase"].dt.to_period("M"), CHANNEL]).size()
           .unstack().reindex(spend.index))
    return (spend / won).mean()


# ---------------------------------------------------------------- 5.2 CAC of one year

def _spend_in_year(data: CourseData) -> float:
    marketing = _marketing(data)
    return marketing.loc[marketing["month"].dt.year == YEAR, "spend"].sum()


def _cac_2024(data: CourseData) -> float:
    customers = _customers(data)
    return _spend_in_year(data) / (customers["first_purchase"].dt.year == YEAR).sum()


def _cac_2024_all_customers(data: CourseData) -> float:
    return _spend_in_year(data) / _customers(data)["customer_id"].nunique()


def _cac_2024_active_customers(data: CourseData) -> float:
    shop = _shop(data)
    active = shop[(shop["date"].dt.year == YEAR) & ~shop["is_refund"]]["customer_id"].nunique()
    return _spend_in_year(data) / active


def _cac_2024_active_with_refunds(data: CourseData) -> float:
    shop = _shop(data)
    active = shop.loc[shop["date"].dt.year == YEAR, "customer_id"].nunique()
    return _spend_in_year(data) / active


def _cac_2024_mean_of_channels(data: CourseData) -> float:
    """The unweighted mean of the channels' 2024 CACs: a small channel weighs as a big one."""
    marketing, customers = _marketing(data), _customers(data)
    spend = marketing[marketing["month"].dt.year == YEAR].groupby("channel")["spend"].sum()
    won = customers[customers["first_purchase"].dt.year == YEAR].groupby(CHANNEL).size()
    return float((spend / won).mean())


def _cac_2024_all_spend(data: CourseData) -> float:
    customers = _customers(data)
    return _marketing(data)["spend"].sum() / (customers["first_purchase"].dt.year == YEAR).sum()


# ---------------------------------------------------------------- 5.3 CLV:CAC per channel

def _per_customer(data: CourseData, column: str) -> pd.Series:
    shop = _shop(data)
    by_channel = shop.groupby(CHANNEL)
    return by_channel[column].sum() / by_channel["customer_id"].nunique()


def _ratio_by_channel(data: CourseData) -> pd.Series:
    return metrics.clv_cac_ratio(_per_customer(data, "gross_margin"), _cac_by_channel(data))


def _ratio_revenue(data: CourseData) -> pd.Series:
    return _per_customer(data, "amount") / _cac_by_channel(data)


def _ratio_inverted(data: CourseData) -> pd.Series:
    return _cac_by_channel(data) / _per_customer(data, "gross_margin")


def _ratio_without_refunds(data: CourseData) -> pd.Series:
    shop = _shop(data)
    orders = shop[~shop["is_refund"]]
    return (orders.groupby(CHANNEL)["gross_margin"].sum()
            / shop.groupby(CHANNEL)["customer_id"].nunique() / _cac_by_channel(data))


def _ratio_one_clv(data: CourseData) -> pd.Series:
    shop = _shop(data)
    return shop["gross_margin"].sum() / shop["customer_id"].nunique() / _cac_by_channel(data)


# ---------------------------------------------------------------- 5.4 payback in whole months

def _payback_months(cac: float, monthly_margin: float) -> float:
    """Whole months until the monthly margin, earned at the start of each month, repays ``cac``."""
    return metrics.payback_period(cac, monthly_margin)


#: exact multiples: the margins of a whole number of months repay the CAC exactly (CAC 90,
#: margin 30: 3 months), where "whole months, plus one" is one month late
EXACT_PAYBACK = [Case((90.0, 30.0)), Case((100.0, 25.0))]
#: fractional parts below one half, where rounding to the nearest month is early: 100 / 30 =
#: 3.33 months (payback 4), 10 / 30 = 0.33 months (payback 1, rounding gives 0)
SHORT_OF_HALF = [Case((100.0, 30.0)), Case((10.0, 30.0))]
#: and one above one half (50 / 30 = 1.67 months, payback 2), where rounding down is early
ABOVE_HALF = Case((50.0, 30.0))


def _payback_cases(rng, data: CourseData) -> list[Case]:
    cases = [*EXACT_PAYBACK, *SHORT_OF_HALF, ABOVE_HALF]
    margin, months = int(rng.integers(3, 40)), int(rng.integers(2, 13))
    cases.append(Case((float(margin * months), float(margin))))  # integers: the division is exact
    while len(cases) < 11:
        cac, margin = round(float(rng.uniform(8, 200)), 2), round(float(rng.uniform(2, 40)), 2)
        months = cac / margin
        if abs(months - round(months)) > 1e-3:  # not a whole number: rounding down is caught
            cases.append(Case((cac, margin)))
    return cases


# ---------------------------------------------------------------- 5.5 the most a customer may cost

def _max_allowable_cac(clv: float, monthly_margin: float, target_ratio: float,
                       max_payback_months: int) -> float:
    """The largest CAC that reaches ``target_ratio`` and pays back within ``max_payback_months``.

    With the margin at the start of each month and no churn, k months bring k x margin, so
    payback within k months allows a CAC of at most k x margin; the ratio allows CLV / target.
    """
    return min(clv / target_ratio, max_payback_months * monthly_margin)


def _allowable_cases(rng, data: CourseData) -> list[Case]:
    """Cases where the ratio binds, where the payback binds, and one where both give 100 EUR."""
    cases = [Case((300.0, 10.0, 3.0, 12)), Case((300.0, 10.0, 3.0, 6)),
             Case((300.0, 12.5, 3.0, 8)),
             Case((60.0, 10.0, 2.0, 24))]  # CLV x target (120) is below the payback limit (240)
    for _ in range(3):
        margin = round(float(rng.uniform(3, 40)), 2)
        months = int(rng.choice([3, 6, 12, 18, 24]))
        lifetime = float(rng.uniform(0.5, 3.0)) * months  # CLV / margin, in months
        cases.append(Case((round(margin * lifetime, 2), margin,
                           float(rng.choice([2.0, 3.0, 4.0])), months)))
    return cases


def _ratio_cap_only(clv, margin, target, months):
    return clv / target


def _payback_cap_only(clv, margin, target, months):
    return months * margin


def _looser_cap(clv, margin, target, months):
    return max(clv / target, months * margin)


def _clv_times_target(clv, margin, target, months):
    return min(clv * target, months * margin)


def _margin_at_month_end(clv, margin, target, months):
    return min(clv / target, (months - 1) * margin)


EXERCISES = [
    Exercise("ch05-cac-by-channel", N_("Acquisition cost per channel"), [
        ValuePart("cac_by_channel", 3, _cac_by_channel,
                  hint=N_("For each channel, divide its total marketing spend by the number of "
                          "customers it won (acquisition_channel in shop_customers). The answer "
                          "is a pandas Series indexed by channel."),
                  wrong=[Wrong(N_("divides by all customers"), _cac_all_customers,
                               N_("Each channel's spend paid for the customers of that channel "
                                  "only: divide by the customers it won, not by every customer "
                                  "of the shop.")),
                         Wrong(N_("divides by orders"), _cac_per_order,
                               N_("That is spend per order. CAC is per new customer: count "
                                  "customers, not their orders.")),
                         Wrong(N_("whole budget for every channel"), _cac_whole_budget,
                               N_("Use each channel's own spend (group the marketing table by "
                                  "channel), not the total budget.")),
                         Wrong(N_("customers divided by spend"), _cac_inverted,
                               N_("That is customers per euro; CAC is euros per customer: spend "
                                  "divided by customers.")),
                         Wrong(N_("mean of the monthly CACs"), _cac_mean_of_months,
                               N_("An average of monthly CACs gives a month that won few "
                                  "customers as much weight as one that won many. A channel's CAC "
                                  "is its whole spend over all the customers it won."))]),
    ]),
    Exercise("ch05-cac-2024", N_("The acquisition cost of one year"), [
        ValuePart("cac_2024", 2, _cac_2024,
                  hint=N_("Take the spend of the months of 2024 only, and divide it by the "
                          "customers whose first purchase was in 2024."),
                  wrong=[Wrong(N_("all customers of both years"), _cac_2024_all_customers,
                               N_("The 2024 budget did not win the customers of 2023: count only "
                                  "customers whose first_purchase is in 2024.")),
                         Wrong(N_("active customers, not new ones"), _cac_2024_active_customers,
                               N_("Customers who ordered in 2024 include many won in 2023. CAC "
                                  "counts new customers: those whose first purchase was in "
                                  "2024.")),
                         Wrong(N_("active customers counted with refund rows"),
                               _cac_2024_active_with_refunds,
                               N_("Customers with any row in 2024, refunds included, are still "
                                  "mostly customers won earlier, and a refund is not even a "
                                  "purchase. CAC counts new customers: those whose first purchase "
                                  "was in 2024.")),
                         Wrong(N_("spend of both years"), _cac_2024_all_spend,
                               N_("Match the periods: keep only the spend of the months of 2024, "
                                  "the year whose new customers you count.")),
                         Wrong(N_("unweighted mean of the channels' CACs"),
                               _cac_2024_mean_of_channels,
                               N_("An average of the four channels' CACs counts a channel that "
                                  "won few customers as much as one that won many. The shop's "
                                  "CAC is all of its 2024 spend over all of its new customers of "
                                  "2024."))]),
    ]),
    Exercise("ch05-clv-cac-ratio", N_("CLV:CAC per channel"), [
        ValuePart("ratio_by_channel", 3, _ratio_by_channel,
                  hint=N_("For the CLV take a channel's gross profit so far: its customers' "
                          "total gross margin, refunds included, divided by the number of those "
                          "customers, channel by channel in the shop table. Divide it by the "
                          "channel's CAC."),
                  wrong=[Wrong(N_("revenue CLV instead of profit"), _ratio_revenue,
                               N_("CAC is paid out of profit, not revenue: use the gross_margin "
                                  "column, not amount.")),
                         Wrong(N_("refunds left out of the gross margin"), _ratio_without_refunds,
                               N_("Refund rows carry negative gross margin: profit the shop gave "
                                  "back. Keep them, or the channels look more profitable than "
                                  "they are.")),
                         Wrong(N_("CAC divided by CLV"), _ratio_inverted,
                               N_("The ratio is CLV over CAC: how many times the customer repays "
                                  "what they cost.")),
                         Wrong(N_("one CLV for all channels"), _ratio_one_clv,
                               N_("Customers of different channels are worth different amounts: "
                                  "compute the CLV of each channel's own customers."))]),
    ]),
    Exercise("ch05-payback", N_("Payback in whole months"), [
        FunctionPart("payback_months", 2, _payback_months, _payback_cases,
                     hint=N_("The payback period is the smallest whole number of months whose "
                             "margins add up to at least the CAC. When they add up to exactly "
                             "the CAC, that month is the payback month."),
                     wrong=[Wrong(N_("rounds to the nearest month"),
                                  lambda cac, margin: round(cac / margin),
                                  N_("With 100 EUR and 30 EUR a month, three months bring 90 EUR, "
                                     "not yet enough: take the next whole month.")),
                            Wrong(N_("rounds down"),
                                  lambda cac, margin: math.floor(cac / margin),
                                  N_("Rounding down stops one month early, before the margin has "
                                     "repaid the whole CAC: take the next whole month.")),
                            Wrong(N_("whole months plus one"),
                                  lambda cac, margin: int(cac / margin) + 1,
                                  N_("Adding one month to the whole months is one month late when "
                                     "the margin repays the CAC exactly: with a CAC of 90 EUR and "
                                     "30 EUR a month, three months repay it, so payback is 3.")),
                            Wrong(N_("not a whole number of months"),
                                  lambda cac, margin: cac / margin,
                                  N_("Margin arrives a month at a time: give a whole number of "
                                     "months, the first in which the CAC is repaid.")),
                            Wrong(N_("margin divided by CAC"),
                                  lambda cac, margin: margin / cac,
                                  N_("The number of months grows with the CAC and shrinks with "
                                     "the monthly margin: it is the CAC over the margin, not the "
                                     "margin over the CAC."))]),
    ]),
    Exercise("ch05-max-cac", N_("The most it is worth paying for a customer"), [
        FunctionPart("max_allowable_cac", 3, _max_allowable_cac, _allowable_cases,
                     hint=N_("Each rule sets its own ceiling on the CAC: the ratio rule from the "
                             "CLV and the target, the cash rule from the margin that arrives "
                             "within the allowed months. A CAC that obeys both rules is below "
                             "both ceilings."),
                     wrong=[Wrong(N_("only the ratio rule"), _ratio_cap_only,
                                  N_("That CAC reaches the target ratio, but it may take longer "
                                     "than the allowed months to pay back. Check the cash rule "
                                     "too.")),
                            Wrong(N_("only the payback rule"), _payback_cap_only,
                                  N_("That CAC pays back in time, but it may leave a CLV:CAC "
                                     "ratio below the target. Check the ratio rule too.")),
                            Wrong(N_("the looser of the two limits"), _looser_cap,
                                  N_("The larger limit breaks the other rule. The CAC must obey "
                                     "both, so the stricter limit decides.")),
                            Wrong(N_("CLV times the target"), _clv_times_target,
                                  N_("A higher target must lower the most you may pay, not raise "
                                     "it: at a ratio of 3 the customer must be worth three times "
                                     "their CAC, so the CAC may be at most a third of the CLV.")),
                            Wrong(N_("margin at the end of the month"), _margin_at_month_end,
                                  N_("In this course the margin arrives at the start of each "
                                     "month: within k months the customer brings k monthly "
                                     "margins, not k - 1."))]),
    ]),
]
