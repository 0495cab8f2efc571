"""Chapter 10, the capstone: a complete CLV analysis of the shop, from clean data to a decision.

Every value is computed on the cleaned shop data: voucher orders of 0 EUR left
out, refunds kept (their negative amounts are money the shop gave back).

- Yearly values (10.1 to 10.3) use the last pair of calendar years, 2024 -> 2025,
  and a yearly discount rate of 10 %.
- The holdout test (10.4) calibrates BG/NBD on the purchases up to 2024-12-31 and
  predicts 2025, 365 days or 365 / 7 weeks; a forecast over 52 whole weeks is
  accepted too (it leaves out one day).
- The residual value (10.5) and the value of a new customer (10.6) use models
  fitted on all the data, to 2025-12-31, time in weeks and 10 % a year as a weekly
  rate over a year of 365.25 days, week k's purchases discounted k weeks (at the
  week's end, as ``predicted_clv`` does). Gamma-Gamma reads the spend per order *before*
  refunds (``customer_summary`` leaves refund rows out), so the margin it is
  multiplied by must be the net margin per euro *ordered*: the margin left after
  refunds divided by the gross order revenue. The net-over-net margin rate on
  gross spend overstates the value by the refund share (about 9.7 %).
- A new customer of a channel (10.6) is valued over 260 weeks (about five years):
  her first purchase at once, undiscounted, then the repeat purchases the
  channel's own BG/NBD model expects week by week, discounted; each purchase is
  worth the Gamma-Gamma mean spend of a new customer (the same in every channel)
  times the channel's net margin per euro ordered.
- The recommendation (10.8) is one dict: ``grow``, the channel to grow (the
  highest CLV:CAC; a channel within 10 % of the best is a tie at this forecast's
  accuracy and is accepted too), ``grow_ratio``, the CLV:CAC of that channel
  (so the ratio, not the value per customer, is seen to be the reason),
  ``cut``, the channel to cut (the lowest CLV:CAC), and ``max_cac``, the most
  the shop could pay to win a customer in the channel to grow and still keep
  3 : 1. The numbers in it make a dict typed in from the public data fail on a
  grading variant.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from clv_course import metrics
from clv_course.exercises import N_, CourseData, Exercise, Tolerance, ValuePart, Wrong
from clv_course.models import BGNBD, GammaGamma, predicted_clv
from clv_course.summary import customer_summary

DISCOUNT_RATE = 0.10  # per year
LAST_YEAR = 2025
CALIBRATION_END = "2024-12-31"
HOLDOUT_END = "2025-12-31"
HOLDOUT_WEEKS = 365 / 7  # 2025 has 365 days
HORIZON_WEEKS = 52
NEW_CUSTOMER_WEEKS = 260  # about five years of 365.25 / 7 weeks
WEEKLY_DISCOUNT = (1 + DISCOUNT_RATE) ** (7 / 365.25) - 1  # a year of 365.25 days, as in units
TARGET_RATIO = 3.0
TIE = 0.10  # ratios closer than this (relative) are a tie at this forecast's accuracy


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


def _retention_any_row(data: CourseData) -> pd.Series:
    """Retention 2024 -> 2025 counting a customer in a year by any row, refunds included."""
    clean = _clean(data)
    values = {}
    for country, rows in clean.groupby("country"):
        before = set(rows.loc[rows["date"].dt.year == LAST_YEAR - 1, "customer_id"])
        after = set(rows.loc[rows["date"].dt.year == LAST_YEAR, "customer_id"])
        values[country] = len(before & after) / len(before)
    return pd.Series(values, dtype=float)


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
    return pd.Series(metrics.discounted_clv_closed_form(
        value_per_year, 1 - retention if churn else retention, discount_rate),
        index=retention.index)


def _profit_clv(data: CourseData) -> pd.Series:
    return _closed_form(data)


# -------------------------------------------------------------- 10.4 the holdout test

@cache
def _calibration(seed: int | None) -> tuple[pd.DataFrame, BGNBD]:
    """The weekly summary calibrated to 2024 with 2025 as holdout, and BG/NBD fitted on it."""
    summary = customer_summary(_clean(CourseData(seed)), calibration_end=CALIBRATION_END,
                               holdout_end=HOLDOUT_END, unit="week")
    return summary, BGNBD().fit_summary(summary)


def _columns(summary: pd.DataFrame):
    return summary["frequency"], summary["recency"], summary["T"]


def _holdout_forecast(data: CourseData, weeks: float = HOLDOUT_WEEKS) -> float:
    summary, model = _calibration(data.seed)
    return float(np.sum(model.conditional_expected_purchases(weeks, *_columns(summary))))


def _holdout_actual(data: CourseData) -> float:
    summary, _model = _calibration(data.seed)
    return float(summary["frequency_holdout"].sum())


def _unconditional_forecast(data: CourseData) -> float:
    summary, model = _calibration(data.seed)
    return float(model.expected_purchases(HOLDOUT_WEEKS) * len(summary))


def _forecast_from_all_data(data: CourseData) -> float:
    summary, purchases, _spend = _fits(data.seed)
    return float(np.sum(purchases.conditional_expected_purchases(HOLDOUT_WEEKS,
                                                                 *_columns(summary))))


def _holdout_error(data: CourseData, weeks: float = HOLDOUT_WEEKS) -> float:
    return _holdout_forecast(data, weeks) / _holdout_actual(data) - 1


def _holdout_rows(data: CourseData) -> float:
    """2025's order rows: same-day orders counted apart, which the model counts as one."""
    clean = _clean(data)
    orders = clean[~clean["is_refund"]]
    return float((orders["date"].dt.year == LAST_YEAR).sum())


# ------------------------------------------------------- 10.5 residual value, refunds consistent

@cache
def _fits(seed: int | None) -> tuple[pd.DataFrame, BGNBD, GammaGamma]:
    """The weekly summary of all the data and the two models fitted on it (once per data)."""
    clean = _clean(CourseData(seed))
    summary = customer_summary(clean, calibration_end=clean["date"].max(), unit="week")
    return summary, BGNBD().fit_summary(summary), GammaGamma().fit_summary(summary)


def _orders(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[~frame["is_refund"]]


def _margin_per_euro_ordered(frame: pd.DataFrame) -> float:
    """Net margin (refunds taken off) per euro of gross order revenue."""
    return float(frame["gross_margin"].sum() / _orders(frame)["amount"].sum())


def _margin_of_orders(frame: pd.DataFrame) -> float:
    """The orders' own margin rate, refunds ignored: about net margin over net revenue here."""
    orders = _orders(frame)
    return float(orders["gross_margin"].sum() / orders["amount"].sum())


def _margin_net_over_net(frame: pd.DataFrame) -> float:
    return float(frame["gross_margin"].sum() / frame["amount"].sum())


def _residual_value(data: CourseData, margin: float | None = None,
                    discount_rate: float = WEEKLY_DISCOUNT, purchases=None) -> float:
    summary, fitted, spend = _fits(data.seed)
    rate = _margin_per_euro_ordered(_clean(data)) if margin is None else margin
    values = predicted_clv(fitted if purchases is None else purchases, spend, summary,
                           horizon=HORIZON_WEEKS, margin=rate, discount_rate=discount_rate,
                           unit="week")
    return float(values.sum())


# ------------------------------------------------------------ 10.6 a new customer per channel

def _channel_of(data: CourseData, summary: pd.DataFrame) -> pd.Series:
    channels = _clean(data).groupby("customer_id")["acquisition_channel"].first()
    return channels.reindex(summary.index)


@cache
def _channel_models(seed: int | None) -> dict[str, BGNBD]:
    data = CourseData(seed)
    summary, _purchases, _spend = _fits(seed)
    return {channel: BGNBD().fit(*_columns(rows), unit="week")
            for channel, rows in summary.groupby(_channel_of(data, summary))}


def _discounted_purchases(model: BGNBD, weeks: int = NEW_CUSTOMER_WEEKS,
                          discount_rate: float = WEEKLY_DISCOUNT, first: bool = True) -> float:
    """1 (the first purchase, now) + each later week's expected repeat purchases, discounted."""
    k = np.arange(weeks + 1)
    per_week = np.diff(np.asarray(model.expected_purchases(k), dtype=float))
    return float(first) + float(np.sum(per_week / (1 + discount_rate) ** k[1:]))


def _channel_margins(data: CourseData, net_over_net: bool = False,
                     shop_wide: bool = False) -> pd.Series:
    clean = _clean(data)
    rate = _margin_net_over_net if net_over_net else _margin_per_euro_ordered
    if shop_wide:
        return pd.Series(rate(clean), index=sorted(clean["acquisition_channel"].unique()))
    return pd.Series({channel: rate(rows) for channel, rows in clean.groupby("acquisition_channel")})


def _new_customer_clv(data: CourseData, pooled: bool = False, first: bool = True,
                      discount_rate: float = WEEKLY_DISCOUNT, net_over_net: bool = False,
                      shop_wide: bool = False) -> pd.Series:
    _summary, purchases, spend = _fits(data.seed)
    models = _channel_models(data.seed)
    mean_spend = float(spend.expected_spend(0, 0.0))
    margins = _channel_margins(data, net_over_net, shop_wide)
    return pd.Series({channel: _discounted_purchases(purchases if pooled else model,
                                                     discount_rate=discount_rate, first=first)
                      * mean_spend * margins[channel]
                      for channel, model in models.items()}, dtype=float)


# -------------------------------------------------------------- 10.7 CAC and CLV:CAC

def _cac_table(data: CourseData) -> pd.DataFrame:
    return metrics.acquisition_cost_by_channel(data.load("shop_marketing"),
                                               data.load("shop_customers"))


def _cac(data: CourseData) -> pd.Series:
    return _cac_table(data)["cac"].astype(float)


def _cac_from_transactions(data: CourseData) -> pd.Series:
    """Spend per customer counted in the cleaned transactions (a few have no order left)."""
    spend = data.load("shop_marketing").groupby("channel")["spend"].sum()
    won = _clean(data).groupby("acquisition_channel")["customer_id"].nunique()
    return (spend / won).astype(float)


def _clv_cac(data: CourseData, **value) -> pd.Series:
    return _new_customer_clv(data, **value) / _cac(data).reindex(_channel_models(data.seed))


# ------------------------------------------------------------------ 10.8 the decision

def _ranked(data: CourseData) -> pd.Series:
    return _clv_cac(data).sort_values(ascending=False)


def _grow(data: CourseData) -> str:
    return str(_ranked(data).index[0])


def _tied_runner_up(data: CourseData) -> str:
    """The second channel if its ratio is within 10 % of the best's, else the best again."""
    ranked = _ranked(data)
    tied = ranked.iloc[1] >= (1 - TIE) * ranked.iloc[0]
    return str(ranked.index[1 if tied else 0])


def _cut(data: CourseData) -> str:
    return str(_ranked(data).index[-1])


def _max_cac(data: CourseData, channel=_grow, ratio: float = TARGET_RATIO) -> float:
    return float(_new_customer_clv(data)[channel(data)] / ratio)


def _second(data: CourseData) -> str:
    return str(_ranked(data).index[1])


def _recommendation(data: CourseData, grow=_grow, cut=_cut, ratio: float = TARGET_RATIO) -> dict:
    return {"grow": grow(data), "grow_ratio": float(_clv_cac(data)[grow(data)]),
            "cut": cut(data), "max_cac": _max_cac(data, grow, ratio)}


def _ceiling_of_another_channel(data: CourseData, own_ratio: bool = False) -> dict:
    """The runner-up grown, but the ceiling (and the ratio, unless ``own_ratio``) of the best."""
    best = _recommendation(data)
    ratio = float(_clv_cac(data)[_second(data)]) if own_ratio else best["grow_ratio"]
    return {**best, "grow": _second(data), "grow_ratio": ratio}


def _capitalised(data: CourseData) -> dict:
    answer = _recommendation(data)
    return {**answer, "grow": answer["grow"].capitalize(), "cut": answer["cut"].capitalize()}


PREDICTIVE = Tolerance(relative=1e-3)  # a numerical fit: optimisers agree to about 1e-4
#: the forecast's 0.1 % carried into an error of a few percent: a tenth of a percentage point
ERROR_TOLERANCE = Tolerance(relative=0.0, absolute=1e-3)

EXERCISES = [
    Exercise("ch10-aov", N_("Average order value per country"), [
        ValuePart("aov_by_country", 2, _aov,
                  hint=N_("Per country of the cleaned data: the revenue net of refunds divided by "
                          "the number of orders, and a refund is not an order."),
                  wrong=[Wrong(N_("refunds ignored"), _aov_ignoring_refunds,
                               N_("Refunds are money the shop gave back: keep their negative "
                                  "amounts in the revenue.")),
                         Wrong(N_("voucher orders counted"),
                               lambda data: _per_group(_shop(data), "country",
                                                       metrics.average_order_value),
                               N_("Use the cleaned data: orders of 0 EUR are vouchers, not "
                                  "purchases.")),
                         Wrong(N_("refund rows counted as orders"),
                               lambda data: _clean(data).groupby("country")["amount"].mean(),
                               N_("The mean of the amounts counts every refund row as an order; "
                                  "divide by the number of real orders instead."))]),
    ]),
    Exercise("ch10-retention", N_("Yearly retention and expected lifetime per country"), [
        ValuePart("retention_by_country", 2, _retention,
                  hint=N_("Per country: the share of 2024's customers who ordered again in "
                          "2025, the latest pair of years."),
                  wrong=[Wrong(N_("churn for retention"),
                               lambda data: 1 - _retention(data),
                               N_("That is the churn rate, the share who did not come back; "
                                  "retention is 1 minus it.")),
                         Wrong(N_("the first pair of years"),
                               lambda data: _retention_series(_clean(data), "country", 0),
                               N_("That is retention from 2023 to 2024; use the latest pair, "
                                  "2024 to 2025.")),
                         Wrong(N_("refunds counted as orders"), _retention_any_row,
                               N_("A customer whose only row in a year is a refund did not order "
                                  "that year: count a year's customers by their orders."))]),
        ValuePart("lifetime_by_country", 1, _lifetime,
                  hint=N_("If a constant share leaves every year, a customer stays on average "
                          "one divided by that share of years."),
                  wrong=[Wrong(N_("1 / retention"), lambda data: 1 / _retention(data),
                               N_("Divide 1 by the churn rate (1 - retention), not by the "
                                  "retention rate.")),
                         Wrong(N_("observed lifespan"), _observed_lifespan,
                               N_("The observed lifespan is cut off by the end of the data; the "
                                  "expected lifetime comes from the churn rate."))]),
    ]),
    Exercise("ch10-profit-clv", N_("Discounted profit CLV per country"), [
        ValuePart("profit_clv_by_country", 3, _profit_clv,
                  hint=N_("Value an active customer of each country with the closed formula of "
                          "chapter 4: her yearly margin, her country's retention, 10 % a year."),
                  wrong=[Wrong(N_("revenue for profit"),
                               lambda data: _closed_form(data, value="amount"),
                               N_("That is revenue CLV: use the yearly margin, not the yearly "
                                  "revenue.")),
                         Wrong(N_("not discounted"),
                               lambda data: _closed_form(data, discount_rate=0.0),
                               N_("Discount future years at 10 % a year.")),
                         Wrong(N_("churn for retention"),
                               lambda data: _closed_form(data, churn=True),
                               N_("The formula takes the retention rate, the share who stay, "
                                  "not the churn rate."))]),
    ]),
    Exercise("ch10-predictive", N_("A holdout test of the BG/NBD forecast"), [
        ValuePart("holdout_forecast", 2, _holdout_forecast, tolerance=PREDICTIVE,
                  accepted=[lambda data: _holdout_forecast(data, HORIZON_WEEKS)],
                  hint=N_("A model fitted on the purchases up to the end of 2024 predicts, for "
                          "each customer given her own history, her purchases in the 365 days "
                          "of 2025; add them up."),
                  wrong=[Wrong(N_("unconditional expectation"), _unconditional_forecast,
                               N_("That treats every customer as brand new; the forecast for a "
                                  "customer we know must read her own frequency, recency and "
                                  "age.")),
                         Wrong(N_("a model that saw 2025"), _forecast_from_all_data,
                               N_("That model was fitted on 2025 too, and predicts 2026: a test "
                                  "needs a model that never saw the year it predicts."))]),
        ValuePart("holdout_error", 1, _holdout_error, tolerance=ERROR_TOLERANCE,
                  accepted=[lambda data: _holdout_error(data, HORIZON_WEEKS)],
                  hint=N_("The relative error is the forecast divided by what actually happened, "
                          "minus 1: a fraction, positive when the model predicts too many."),
                  wrong=[Wrong(N_("the other way round"),
                               lambda data: _holdout_actual(data) / _holdout_forecast(data) - 1,
                               N_("Measure the error relative to what happened, the actual "
                                  "purchases, not relative to the forecast.")),
                         Wrong(N_("in purchases"),
                               lambda data: _holdout_forecast(data) - _holdout_actual(data),
                               N_("That is the difference in purchases; give it as a fraction of "
                                  "the actual purchases.")),
                         Wrong(N_("order rows for purchases"),
                               lambda data: _holdout_forecast(data) / _holdout_rows(data) - 1,
                               N_("The model counts purchase days: two orders of one customer on "
                                  "the same day are one purchase. Count the actual purchases the "
                                  "same way."))]),
    ]),
    Exercise("ch10-residual", N_("The residual value of today's customers, refunds included"), [
        ValuePart("residual_value_next_year", 3, _residual_value, tolerance=PREDICTIVE,
                  hint=N_("Expected purchases x expected spend x margin, discounted weekly, over "
                          "52 weeks from the end of the data, added up over the customers. The "
                          "spend model saw orders before refunds; the margin must say what is "
                          "left of a euro ordered once refunds are taken off."),
                  wrong=[Wrong(N_("net margin rate on gross spend"),
                               lambda data: _residual_value(
                                   data, margin=_margin_net_over_net(_clean(data))),
                               N_("Gamma-Gamma predicts the spend per order before refunds, but "
                                  "that margin rate ignores them (net margin over net revenue "
                                  "and the orders' own margin rate come to the same): together "
                                  "they count the refunded orders as if they were kept. Use the "
                                  "margin left per euro ordered.")),
                         Wrong(N_("revenue for profit"),
                               lambda data: _residual_value(data, margin=1.0),
                               N_("With a margin of 1 the value is revenue, not profit.")),
                         Wrong(N_("yearly discount rate per week"),
                               lambda data: _residual_value(data, discount_rate=DISCOUNT_RATE),
                               N_("The time unit is the week: the discount rate must be per week "
                                  "too, the rate that compounds to 10 % over a year of 365.25 "
                                  "days.")),
                         Wrong(N_("the calibration model"),
                               lambda data: _residual_value(data,
                                                            purchases=_calibration(data.seed)[1]),
                               N_("The model fitted up to 2024 was for the test. Now that the "
                                  "test is passed, value today's customers with a model fitted "
                                  "on all the data, 2025 included."))]),
    ]),
    Exercise("ch10-new-customer", N_("What a new customer of each channel is worth"), [
        ValuePart("new_customer_clv", 4, _new_customer_clv, tolerance=PREDICTIVE,
                  hint=N_("Per channel, with that channel's own purchase model: the first "
                          "purchase now plus the repeat purchases a brand-new customer is "
                          "expected to make week by week over 260 weeks, discounted, times the "
                          "mean spend of a new customer, times the channel's margin per euro "
                          "ordered."),
                  wrong=[Wrong(N_("one model for all channels"),
                               lambda data: _new_customer_clv(data, pooled=True),
                               N_("The likelihood-ratio test says the channels' customers behave "
                                  "differently: value each channel's new customer with the model "
                                  "fitted on that channel's customers.")),
                         Wrong(N_("first purchase left out"),
                               lambda data: _new_customer_clv(data, first=False),
                               N_("BG/NBD counts repeat purchases only; a new customer also makes "
                                  "her first purchase, today.")),
                         Wrong(N_("not discounted"),
                               lambda data: _new_customer_clv(data, discount_rate=0.0),
                               N_("A euro in five years is worth less than a euro today: discount "
                                  "each week's purchases at the weekly rate.")),
                         Wrong(N_("net margin rate on gross spend"),
                               lambda data: _new_customer_clv(data, net_over_net=True),
                               N_("The mean spend is before refunds; multiply it by the margin "
                                  "left per euro ordered, not by a rate that ignores the refunds "
                                  "(net margin over net revenue, or the orders' own margin "
                                  "rate).")),
                         Wrong(N_("one margin for all channels"),
                               lambda data: _new_customer_clv(data, shop_wide=True),
                               N_("The channels keep different margins (marketplace orders earn "
                                  "less): use each channel's own margin per euro ordered."))]),
    ]),
    Exercise("ch10-clv-cac", N_("CAC and CLV:CAC per acquisition channel"), [
        ValuePart("cac_by_channel", 1, _cac,
                  hint=N_("A channel's CAC is what the shop spent on it over all months, divided "
                          "by the new customers it won."),
                  wrong=[Wrong(N_("customers per euro"),
                               lambda data: 1 / _cac(data),
                               N_("That is new customers per euro of spend; CAC is spend divided "
                                  "by new customers.")),
                         Wrong(N_("customers counted in the transactions"), _cac_from_transactions,
                               N_("A few customers have no order left in the cleaned transactions, "
                                  "yet the spend won them too: count a channel's new customers in "
                                  "the customers table."))]),
        ValuePart("clv_cac_by_channel", 2, _clv_cac, tolerance=PREDICTIVE,
                  hint=N_("Set what a new customer of each channel is worth against what winning "
                          "her costs in the same channel."),
                  wrong=[Wrong(N_("inverted ratio"),
                               lambda data: 1 / _clv_cac(data),
                               N_("The ratio is CLV divided by CAC, not CAC by CLV: a healthy "
                                  "channel scores 3 or more.")),
                         Wrong(N_("an active customer's CLV"),
                               lambda data: _closed_form(data, "acquisition_channel") / _cac(data),
                               N_("CAC buys a new customer, so compare it with what a new "
                                  "customer is worth, not with an active customer valued with "
                                  "one constant retention rate."))]),
    ]),
    Exercise("ch10-recommendation", N_("The recommendation, in numbers"), [
        ValuePart("recommendation", 4, _recommendation, tolerance=PREDICTIVE,
                  accepted=[lambda data: _recommendation(data, _tied_runner_up)],
                  hint=N_("Grow the channel that returns the most value per euro spent on winning "
                          "customers, give that return as its ratio, cut the channel that returns "
                          "the least, and cap what a customer of the channel to grow may cost so "
                          "that her value stays three times that cost, in EUR."),
                  wrong=[Wrong(N_("grow and cut swapped"),
                               lambda data: _recommendation(data, _cut, _grow),
                               N_("The channel to grow returns the most value per euro of "
                                  "acquisition, the one to cut the least.")),
                         Wrong(N_("break-even"), lambda data: _recommendation(data, ratio=1.0),
                               N_("Paying her whole value leaves no profit and no room for error: "
                                  "keep the 3 : 1 rule for the maximum CAC.")),
                         Wrong(N_("today's CAC"),
                               lambda data: {**_recommendation(data),
                                             "max_cac": float(_cac(data)[_grow(data)])},
                               N_("That maximum is what a customer of the channel costs today; "
                                  "the ceiling is what she could cost and still keep 3 : 1.")),
                         Wrong(N_("three times today's CAC"),
                               lambda data: {**_recommendation(data),
                                             "max_cac": float(3 * _cac(data)[_grow(data)])},
                               N_("Three times the CAC is the value she must bring, not the most "
                                  "she may cost: the ceiling is her value divided by 3.")),
                         Wrong(N_("ratio and ceiling of another channel"),
                               _ceiling_of_another_channel,
                               N_("The ratio and the maximum CAC must be those of the channel you "
                                  "grow: the ceiling is a third of the value of a new customer "
                                  "won there.")),
                         Wrong(N_("ceiling of another channel"),
                               lambda data: _ceiling_of_another_channel(data, own_ratio=True),
                               N_("The maximum CAC must be for the channel you grow: a third of "
                                  "the value of a new customer won there.")),
                         Wrong(N_("channel names capitalised"), _capitalised,
                               N_("Name the channels exactly as the data spell them, in lower "
                                  "case."))]),
    ]),
]
