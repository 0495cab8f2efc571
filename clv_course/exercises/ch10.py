"""Chapter 10, the capstone: a complete CLV analysis of the shop, from clean data to BG/NBD.

Every value is computed on the cleaned shop data: voucher orders of 0 EUR left
out, refunds kept (their negative amounts are money the shop gave back). Yearly
values use the last pair of calendar years, 2024 -> 2025, and a yearly discount
rate of 10 %.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from clv_course import metrics
from clv_course.exercises import CourseData, Exercise, N_, Tolerance, ValuePart, Wrong
from clv_course.models import BGNBD, GammaGamma, predicted_clv
from clv_course.summary import customer_summary

DISCOUNT_RATE = 0.10  # per year
LAST_YEAR = 2025
HORIZON_WEEKS = 52
WEEKLY_DISCOUNT = (1 + DISCOUNT_RATE) ** (1 / 52.18) - 1  # 365.25 / 7 weeks a year, as in units


# ----------------------------------------------------------------------------- the data

def _shop(data: CourseData) -> pd.DataFrame:
    return data.load("shop")


def _clean(data: CourseData) -> pd.DataFrame:
    """The shop without voucher orders (amount 0); refunds stay."""
    shop = _shop(data)
    return shop[shop["amount"] != 0]


def _per_group(frame: pd.DataFrame, column: str, function) -> pd.Series:
    return pd.Series({key: function(group) for key, group in frame.groupby(column)}, dtype=float)


# ------------------------------------------------------------------- 10.1 AOV per country

def _aov(data: CourseData) -> pd.Series:
    return _per_group(_clean(data), "country", metrics.average_order_value)


def _aov_ignoring_refunds(data: CourseData) -> pd.Series:
    return _per_group(_clean(data), "country",
                      lambda g: metrics.average_order_value(g, net_of_refunds=False))


# ---------------------------------------------------------- 10.2 retention and lifetime

def _retention_series(frame: pd.DataFrame, column: str, position: int) -> pd.Series:
    return _per_group(frame, column,
                      lambda g: metrics.retention_rate(g, unit="year").iloc[position])


def _retention(data: CourseData, column: str = "country") -> pd.Series:
    return _retention_series(_clean(data), column, -1)


def _lifetime(data: CourseData) -> pd.Series:
    return metrics.expected_lifetime(1 - _retention(data))


def _observed_lifespan(data: CourseData) -> pd.Series:
    return _per_group(_clean(data), "country", lambda g: metrics.customer_lifespan(g, unit="year"))


# ------------------------------------------------------------------ 10.3 profit CLV

def _per_active_customer(data: CourseData, column: str, value: str) -> pd.Series:
    """Revenue or margin in the last year per customer who ordered in it, per group."""
    clean = _clean(data)
    year = clean[clean["date"].dt.year == LAST_YEAR]
    active = year[~year["is_refund"]].groupby(column)["customer_id"].nunique()
    return (year.groupby(column)[value].sum() / active).astype(float)


def _closed_form(data: CourseData, column: str = "country", value: str = "gross_margin",
                 discount_rate: float = DISCOUNT_RATE, churn: bool = False) -> pd.Series:
    retention = _retention(data, column)
    value_per_year = _per_active_customer(data, column, value).reindex(retention.index)
    # The formula returns a plain array; the learner wraps it in a Series the same way.
    return pd.Series(metrics.discounted_clv_closed_form(
        value_per_year, 1 - retention if churn else retention, discount_rate),
        index=retention.index)


def _profit_clv(data: CourseData) -> pd.Series:
    return _closed_form(data)


# -------------------------------------------------------------- 10.4 CAC and CLV:CAC

def _cac_table(data: CourseData) -> pd.DataFrame:
    return metrics.acquisition_cost_by_channel(data.load("shop_marketing"),
                                               data.load("shop_customers"))


def _cac(data: CourseData) -> pd.Series:
    return _cac_table(data)["cac"].astype(float)


def _clv_cac(data: CourseData) -> pd.Series:
    return metrics.clv_cac_ratio(_closed_form(data, "acquisition_channel"), _cac(data))


# ------------------------------------------------------------------- 10.5 predictive

@cache
def _fits(seed: int | None) -> tuple[pd.DataFrame, BGNBD, GammaGamma, float]:
    """The weekly summary, the two fitted models and the margin rate (fitted once per data)."""
    clean = _clean(CourseData(seed))
    summary = customer_summary(clean, calibration_end=clean["date"].max(), unit="week")
    margin_rate = float(clean["gross_margin"].sum() / clean["amount"].sum())
    return summary, BGNBD().fit_summary(summary), GammaGamma().fit_summary(summary), margin_rate


def _columns(summary: pd.DataFrame):
    return summary["frequency"], summary["recency"], summary["T"]


def _predicted_purchases(data: CourseData) -> float:
    summary, purchases, _spend, _rate = _fits(data.seed)
    return float(purchases.conditional_expected_purchases(HORIZON_WEEKS, *_columns(summary)).sum())


def _unconditional_purchases(data: CourseData) -> float:
    summary, purchases, _spend, _rate = _fits(data.seed)
    return float(purchases.expected_purchases(HORIZON_WEEKS) * len(summary))


def _total_predicted_clv(data: CourseData, margin: float | None = None,
                        discount_rate: float = WEEKLY_DISCOUNT) -> float:
    summary, purchases, spend, rate = _fits(data.seed)
    values = predicted_clv(purchases, spend, summary, horizon=HORIZON_WEEKS,
                           margin=rate if margin is None else margin,
                           discount_rate=discount_rate, unit="week")
    return float(values.sum())


PREDICTIVE = Tolerance(relative=1e-3)  # a numerical fit: optimisers agree to about 1e-4

EXERCISES = [
    Exercise("ch10-aov", N_("Average order value per country"), [
        ValuePart("aov_by_country", 2, _aov,
                  hint=N_("Per country of the cleaned data, call "
                          "clv.metrics.average_order_value: revenue net of refunds divided by "
                          "the orders (refund rows are not orders)."),
                  wrong=[Wrong(N_("refunds ignored"), _aov_ignoring_refunds,
                               N_("Refunds are money the shop gave back: keep their negative "
                                  "amounts in the revenue (net_of_refunds=True).")),
                         Wrong(N_("voucher orders counted"),
                               lambda data: _per_group(_shop(data), "country",
                                                       metrics.average_order_value),
                               N_("Use the cleaned data: orders of 0 EUR are vouchers, not "
                                  "purchases.")),
                         Wrong(N_("refund rows counted as orders"),
                               lambda data: _clean(data).groupby("country")["amount"].mean(),
                               N_("The mean of the amount column counts every refund row as an "
                                  "order; divide by the number of real orders instead."))]),
    ]),
    Exercise("ch10-retention", N_("Yearly retention and expected lifetime per country"), [
        ValuePart("retention_by_country", 2, _retention,
                  hint=N_("Per country, take clv.metrics.retention_rate(..., unit='year') and "
                          "its value for 2025: the share of 2024's customers who ordered again "
                          "in 2025."),
                  wrong=[Wrong(N_("churn for retention"),
                               lambda data: 1 - _retention(data),
                               N_("That is the churn rate, the share who did not come back; "
                                  "retention is 1 minus it.")),
                         Wrong(N_("the first pair of years"),
                               lambda data: _retention_series(_clean(data), "country", 0),
                               N_("That is retention from 2023 to 2024; use the latest pair, "
                                  "2024 to 2025."))]),
        ValuePart("lifetime_by_country", 1, _lifetime,
                  hint=N_("Expected lifetime in years is 1 / churn, with churn = 1 - retention "
                          "(clv.metrics.expected_lifetime)."),
                  wrong=[Wrong(N_("1 / retention"), lambda data: 1 / _retention(data),
                               N_("Divide 1 by the churn rate (1 - retention), not by the "
                                  "retention rate.")),
                         Wrong(N_("observed lifespan"), _observed_lifespan,
                               N_("The observed lifespan is cut off by the end of the data; the "
                                  "expected lifetime comes from the churn rate."))]),
    ]),
    Exercise("ch10-profit-clv", N_("Discounted profit CLV per country"), [
        ValuePart("profit_clv_by_country", 3, _profit_clv,
                  hint=N_("Call clv.metrics.discounted_clv_closed_form with the yearly margin "
                          "per active customer, the yearly retention per country and a discount "
                          "rate of 0.10."),
                  wrong=[Wrong(N_("revenue for profit"),
                               lambda data: _closed_form(data, value="amount"),
                               N_("That is revenue CLV: use the yearly margin, not the yearly "
                                  "revenue.")),
                         Wrong(N_("not discounted"),
                               lambda data: _closed_form(data, discount_rate=0.0),
                               N_("Discount future years at 10 % a year (discount_rate=0.10).")),
                         Wrong(N_("churn for retention"),
                               lambda data: _closed_form(data, churn=True),
                               N_("The formula takes the retention rate, the share who stay, "
                                  "not the churn rate."))]),
    ]),
    Exercise("ch10-clv-cac", N_("CAC and CLV:CAC per acquisition channel"), [
        ValuePart("cac_by_channel", 1, _cac,
                  hint=N_("clv.metrics.acquisition_cost_by_channel(marketing, customers) gives a "
                          "table; its 'cac' column is spend / new customers per channel."),
                  wrong=[Wrong(N_("customers per euro"),
                               lambda data: 1 / _cac(data),
                               N_("That is new customers per euro of spend; CAC is spend divided "
                                  "by new customers."))]),
        ValuePart("clv_cac_by_channel", 2, _clv_cac,
                  hint=N_("Divide the profit CLV per acquisition channel by the CAC of the same "
                          "channel (clv.metrics.clv_cac_ratio)."),
                  wrong=[Wrong(N_("inverted ratio"),
                               lambda data: _cac(data) / _closed_form(data, "acquisition_channel"),
                               N_("The ratio is CLV divided by CAC, not CAC by CLV: a healthy "
                                  "channel scores 3 or more.")),
                         Wrong(N_("revenue CLV over CAC"),
                               lambda data: _closed_form(data, "acquisition_channel", "amount")
                               / _cac(data),
                               N_("Compare the CAC with profit CLV: acquisition is paid out of "
                                  "margin, not revenue."))]),
    ]),
    Exercise("ch10-predictive", N_("BG/NBD and Gamma-Gamma on the shop"), [
        ValuePart("predicted_purchases", 2, _predicted_purchases, tolerance=PREDICTIVE,
                  hint=N_("Fit BGNBD on the weekly summary, then add up "
                          "conditional_expected_purchases(52, frequency, recency, T) over all "
                          "customers."),
                  wrong=[Wrong(N_("unconditional expectation"), _unconditional_purchases,
                               N_("expected_purchases(52) is for a brand-new customer; use "
                                  "conditional_expected_purchases, which reads each customer's "
                                  "own history."))]),
        ValuePart("predicted_clv_total", 1, _total_predicted_clv, tolerance=PREDICTIVE,
                  hint=N_("predicted_clv(..., horizon=52, unit='week') with the shop's margin "
                          "rate and the weekly discount rate; then add up over all customers."),
                  wrong=[Wrong(N_("revenue for profit"),
                               lambda data: _total_predicted_clv(data, margin=1.0),
                               N_("Pass the shop's margin rate as margin; with margin 1 the "
                                  "value is revenue, not profit.")),
                         Wrong(N_("yearly discount rate per week"),
                               lambda data: _total_predicted_clv(data, discount_rate=DISCOUNT_RATE),
                               N_("The time unit is the week: the discount rate must be per week "
                                  "too, 1.10 ** (1 / 52.18) - 1, not 0.10."))]),
    ]),
]
