"""Chapter 5, acquisition cost: CAC per channel, CLV:CAC, the most a customer is worth paying,
and payback."""

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


def _ratio_one_clv(data: CourseData) -> pd.Series:
    shop = _shop(data)
    return shop["gross_margin"].sum() / shop["customer_id"].nunique() / _cac_by_channel(data)


# ---------------------------------------------------------------- 5.4 and 5.5 formulas

def max_allowable_cac(clv: float, target_ratio: float) -> float:
    """The most one may pay to win a customer worth ``clv`` and still reach ``target_ratio``."""
    return clv / target_ratio


def _allowable_cases(rng, data: CourseData) -> list[Case]:
    return [Case((round(float(rng.uniform(20, 2000)), 2), round(float(rng.uniform(1.5, 5)), 1)))
            for _ in range(5)]


def payback_months(cac: float, monthly_margin: float) -> float:
    """Whole months until the monthly margin, earned at the start of each month, repays ``cac``."""
    return metrics.payback_period(cac, monthly_margin)


def _payback_cases(rng, data: CourseData) -> list[Case]:
    cases = []
    while len(cases) < 6:
        cac, margin = round(float(rng.uniform(8, 200)), 2), round(float(rng.uniform(2, 40)), 2)
        months = cac / margin
        if abs(months - round(months)) > 1e-3:  # a whole number would hide the rounding mistakes
            cases.append(Case((cac, margin)))
    return cases


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
                                  "divided by customers."))]),
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
                         Wrong(N_("spend of both years"), _cac_2024_all_spend,
                               N_("Match the periods: keep only the spend of the months of 2024 "
                                  "(marketing['month'].dt.year)."))]),
    ]),
    Exercise("ch05-clv-cac-ratio", N_("CLV:CAC per channel"), [
        ValuePart("ratio_by_channel", 3, _ratio_by_channel,
                  hint=N_("Profit CLV of a channel = its customers' total gross_margin / the "
                          "number of its customers (in the shop table, grouped by "
                          "acquisition_channel). Divide it by the channel's CAC."),
                  wrong=[Wrong(N_("revenue CLV instead of profit"), _ratio_revenue,
                               N_("CAC is paid out of profit, not revenue: use the gross_margin "
                                  "column, not amount.")),
                         Wrong(N_("CAC divided by CLV"), _ratio_inverted,
                               N_("The ratio is CLV over CAC: how many times the customer repays "
                                  "what they cost.")),
                         Wrong(N_("one CLV for all channels"), _ratio_one_clv,
                               N_("Customers of different channels are worth different amounts: "
                                  "compute the CLV of each channel's own customers."))]),
    ]),
    Exercise("ch05-max-cac", N_("The most it is worth paying for a customer"), [
        FunctionPart("max_allowable_cac", 2, max_allowable_cac, _allowable_cases,
                     hint=N_("CLV / CAC = target, so CAC = CLV / target."),
                     wrong=[Wrong(N_("multiplies by the target"), lambda clv, target: clv * target,
                                  N_("A higher target ratio must leave less to spend: divide the "
                                     "CLV by the target.")),
                            Wrong(N_("inverted ratio"), lambda clv, target: target / clv,
                                  N_("The answer is an amount of money, CLV divided by the "
                                     "target ratio, not the other way round."))]),
    ]),
    Exercise("ch05-payback", N_("Payback in whole months"), [
        FunctionPart("payback_months", 2, payback_months, _payback_cases,
                     hint=N_("The answer is the smallest whole number of months n with "
                             "n x monthly_margin >= cac: round cac / monthly_margin up "
                             "(math.ceil)."),
                     wrong=[Wrong(N_("rounds down"),
                                  lambda cac, margin: math.floor(cac / margin),
                                  N_("Rounding down stops one month early, before the margin has "
                                     "repaid the whole CAC: round up.")),
                            Wrong(N_("not a whole number of months"),
                                  lambda cac, margin: cac / margin,
                                  N_("Margin arrives a month at a time: give the number of whole "
                                     "months, rounded up.")),
                            Wrong(N_("margin divided by CAC"),
                                  lambda cac, margin: margin / cac,
                                  N_("The number of months is the CAC divided by the monthly "
                                     "margin."))]),
    ]),
]
