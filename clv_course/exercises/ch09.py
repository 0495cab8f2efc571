"""Chapter 9, predictive CLV: frequency, recency and T; what BG/NBD's "probably alive" means;
the holdout forecast; a yearly discount rate turned into a weekly one; the residual value of a
subscriber base with the shifted-beta-geometric model.

Conventions the exact answers depend on, stated in the exercises: time is in weeks of 7 days,
and a year has 365.25 days, so 365.25 / 7 (about 52.18) weeks, as in :mod:`clv_course.units`.
Exercise 9.4 accepts the rounded 52.18 (a tolerance of 1e-4 relative) but not a 52-week year
(364 days), which is a named wrong answer whose hint says which convention to switch.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from clv_course.exercises import (Case, CourseData, Exercise, FunctionPart, N_, Tolerance,
                                  ValuePart, Wrong)
from clv_course.models import BGNBD, ParetoNBD, ShiftedBetaGeometric
from clv_course.summary import customer_summary

CALIBRATION_END = "1997-09-30"
HOLDOUT_END = "1998-06-30"
HOLDOUT_WEEKS = 39
#: weeks in a year of 365.25 days, as clv_course.units counts them
WEEKS_PER_YEAR = 365.25 / 7
#: a fitted model's numbers move in the last digits with the optimiser; counts and sums agree
FIT_TOLERANCE = Tolerance(relative=1e-3)


# ------------------------------------------------------------ frequency, recency and T

def _reference_rft(dates: pd.Series, end: pd.Timestamp) -> tuple[int, float, float]:
    """The package's customer_summary on this one customer, so the exercise matches chapter 9."""
    one = customer_summary(pd.DataFrame({"customer_id": 1, "date": pd.to_datetime(dates)}),
                           calibration_end=end, unit="week").iloc[0]
    return int(one["frequency"]), float(one["recency"]), float(one["T"])


def _days(dates) -> pd.Series:
    return pd.Series(pd.to_datetime(dates)).dt.normalize().drop_duplicates().sort_values()


def _rft_counts_first(dates, end):
    days = _days(dates)
    return len(days), (days.max() - days.min()).days / 7, (end - days.min()).days / 7


def _rft_counts_rows(dates, end):
    days = _days(dates)
    return len(dates) - 1, (days.max() - days.min()).days / 7, (end - days.min()).days / 7


def _rft_recency_from_end(dates, end):
    days = _days(dates)
    return len(days) - 1, (end - days.max()).days / 7, (end - days.min()).days / 7


def _rft_in_days(dates, end):
    days = _days(dates)
    return len(days) - 1, (days.max() - days.min()).days, (end - days.min()).days


def _rft_whole_weeks(dates, end):
    days = _days(dates)
    return len(days) - 1, (days.max() - days.min()).days // 7, (end - days.min()).days // 7


def _rft_cases(rng: np.random.Generator, data: CourseData) -> list[Case]:
    """Purchase histories of 1 to 8 days, some with two orders on one day, ending before ``end``.

    The first case has a same-day repeat and the second a single purchase day,
    so each wrong answer is caught; the second case's T is not a whole number
    of weeks, so rounding down to whole weeks is caught too.
    """
    cases = []
    for index in range(6):
        end = pd.Timestamp("1997-09-30") + pd.Timedelta(days=int(rng.integers(0, 400)))
        first = end - pd.Timedelta(days=int(rng.integers(30, 300)))
        if index == 1 and (end - first).days % 7 == 0:
            first -= pd.Timedelta(days=1)
        extra = 0 if index == 1 else int(rng.integers(1, 8))
        offsets = np.sort(rng.integers(1, (end - first).days + 1, extra))
        days = [first] + [first + pd.Timedelta(days=int(o)) for o in offsets]
        if index == 0 or rng.random() < 0.5:
            days.append(days[int(rng.integers(0, len(days)))])  # a second order on one day
        order = rng.permutation(len(days))
        cases.append(Case((pd.Series([days[i] for i in order], name="date"), end)))
    return cases


# --------------------------------------------------------------------- BG/NBD on CDNOW

@lru_cache(maxsize=4)
def _fitted(seed: int | None) -> tuple[pd.DataFrame, BGNBD]:
    summary = customer_summary(CourseData(seed).load("cdnow_sample"),
                               calibration_end=CALIBRATION_END, holdout_end=HOLDOUT_END,
                               unit="week")
    return summary, BGNBD().fit_summary(summary)


@lru_cache(maxsize=4)
def _pareto(seed: int | None) -> ParetoNBD:
    summary, _model = _fitted(seed)
    return ParetoNBD().fit_summary(summary)


def _columns(summary: pd.DataFrame):
    return summary["frequency"], summary["recency"], summary["T"]


def _alive(data: CourseData) -> np.ndarray:
    summary, model = _fitted(data.seed)
    return np.asarray(model.probability_alive(*_columns(summary)))


def _pareto_alive(data: CourseData) -> np.ndarray:
    summary, _model = _fitted(data.seed)
    return np.asarray(_pareto(data.seed).probability_alive(*_columns(summary)))


def _one_time(data: CourseData) -> np.ndarray:
    summary, _model = _fitted(data.seed)
    return summary["frequency"].to_numpy() == 0


def _bought_again(data: CourseData) -> np.ndarray:
    summary, _model = _fitted(data.seed)
    return summary["frequency_holdout"].to_numpy() > 0


# 9.2 (a): which share of BG/NBD's "probably alive" customers never bought again
def _one_time_share_of_alive(data: CourseData) -> float:
    alive = _alive(data) > 0.5
    return float(np.count_nonzero(alive & _one_time(data)) / np.count_nonzero(alive))


# 9.2 (b): how many one-time buyers actually came back in the holdout
def _one_time_bought_again(data: CourseData) -> float:
    return float(_bought_again(data)[_one_time(data)].mean())


# 9.2 (c): how many customers Pareto/NBD calls probably alive
def _pareto_alive_customers(data: CourseData) -> int:
    return int(np.count_nonzero(_pareto_alive(data) > 0.5))


def _predicted_holdout(data: CourseData) -> float:
    summary, model = _fitted(data.seed)
    return float(np.sum(model.conditional_expected_purchases(HOLDOUT_WEEKS, *_columns(summary))))


def _unconditional_holdout(data: CourseData) -> float:
    summary, model = _fitted(data.seed)
    return float(model.expected_purchases(HOLDOUT_WEEKS) * len(summary))


def _predicted_to_week_78(data: CourseData) -> float:
    summary, model = _fitted(data.seed)
    return float(np.sum(model.conditional_expected_purchases(2 * HOLDOUT_WEEKS,
                                                             *_columns(summary))))


def _mean_holdout(data: CourseData) -> float:
    return _predicted_holdout(data) / len(_fitted(data.seed)[0])


def _actual_holdout(data: CourseData) -> float:
    summary, _model = _fitted(data.seed)
    return float(summary["frequency_holdout"].sum())


# ------------------------------------------------------------------------- discounting

def _weekly_rate(annual_rate: float) -> float:
    return (1 + annual_rate) ** (1 / WEEKS_PER_YEAR) - 1


def _weekly_rate_365(annual_rate: float) -> float:
    return (1 + annual_rate) ** (7 / 365) - 1


def _weekly_rate_continuous(annual_rate: float) -> float:
    return float(np.log1p(annual_rate)) / WEEKS_PER_YEAR


def _rate_cases(rng: np.random.Generator, data: CourseData) -> list[Case]:
    return [Case((round(float(rng.uniform(0.02, 0.25)), 3),)) for _ in range(5)]


# ------------------------------------------------------------ 9.5: a subscriber base (sBG)

#: the Regular segment of Fader & Hardie (2007), fitted on years 1-7 (see the notebook)
REGULAR = {"alpha": 0.704, "beta": 1.182}


def _base_value(alpha: float, beta: float, customers: dict[int, int], margin: float,
                discount_rate: float) -> float:
    """Residual value of a base: each tenure group x margin x DERL at its renewals (tenure - 1)."""
    model = ShiftedBetaGeometric.from_params(alpha=alpha, beta=beta)
    return float(sum(count * margin * model.derl(discount_rate, renewals=int(tenure) - 1)
                     for tenure, count in customers.items()))


def _base_cases(rng: np.random.Generator, data: CourseData) -> list[Case]:
    """A base built from yearly cohorts of the Regular segment first, then random bases.

    Every base has at least two tenures, so valuing everyone at one tenure is caught.
    """
    regular = ShiftedBetaGeometric.from_params(**REGULAR)
    # the cohort won a year ago has all its 1,000 and faces its first renewal; the one won
    # n years ago has renewed n - 1 times: 1,000 x S(n - 1) of it are left
    first = {tenure: round(1000 * float(regular.survival(tenure - 1))) for tenure in range(1, 6)}
    cases = [Case((REGULAR["alpha"], REGULAR["beta"], first, 100.0, 0.1))]
    for _ in range(5):
        groups = np.sort(rng.choice(np.arange(1, 11), size=int(rng.integers(2, 6)),
                                    replace=False))
        base = {int(tenure): int(rng.integers(20, 1000)) for tenure in groups}
        cases.append(Case((round(float(rng.uniform(0.3, 3.0)), 3),
                           round(float(rng.uniform(0.5, 8.0)), 3), base,
                           float(rng.integers(20, 200)), round(float(rng.uniform(0.05, 0.2)), 3))))
    return cases


def _base_with(renewals, alpha, beta, customers, margin, discount_rate, *, delay=False):
    model = ShiftedBetaGeometric.from_params(alpha=alpha, beta=beta)
    factor = 1 / (1 + discount_rate) if delay else 1.0
    return float(sum(count * margin * factor * model.derl(discount_rate, renewals=renewals(t))
                     for t, count in customers.items()))


def _base_renewals_are_tenure(alpha, beta, customers, margin, discount_rate):
    return _base_with(int, alpha, beta, customers, margin, discount_rate)


def _base_all_new(alpha, beta, customers, margin, discount_rate):
    return _base_with(lambda t: 0, alpha, beta, customers, margin, discount_rate)


def _base_renewal_discounted(alpha, beta, customers, margin, discount_rate):
    return _base_with(lambda t: int(t) - 1, alpha, beta, customers, margin, discount_rate,
                      delay=True)


def _base_constant_rate(alpha, beta, customers, margin, discount_rate):
    """Everyone renews with the mean retention of a new customer, 1 - alpha / (alpha + beta)."""
    keep = beta / (alpha + beta)
    return float(sum(customers.values()) * margin * keep * (1 + discount_rate)
                 / (1 + discount_rate - keep))


def _base_per_customer(alpha, beta, customers, margin, discount_rate):
    return _base_value(alpha, beta, customers, margin, discount_rate) / sum(customers.values())


_SHARE_NOT_PERCENT = N_("Give the share as a fraction (0.25 for 25 %), not as a percentage.")


EXERCISES = [
    Exercise("ch09-frequency-recency-t", N_("Frequency, recency and T of one customer"), [
        FunctionPart("frequency_recency_t", 4, _reference_rft, _rft_cases,
                     hint=N_("Frequency counts purchase days after the first one; recency is how "
                             "long after her first purchase the last one came, T how long before "
                             "the end of calibration the first one came, both in weeks."),
                     wrong=[Wrong(N_("frequency counts the first purchase"), _rft_counts_first,
                                  N_("Frequency counts repeat purchases only: the first purchase "
                                     "day starts the clock and is not one of them.")),
                            Wrong(N_("two orders on one day count twice"), _rft_counts_rows,
                                  N_("Several orders on the same day are one purchase: count "
                                     "distinct days, not rows.")),
                            Wrong(N_("recency measured back from the end"), _rft_recency_from_end,
                                  N_("In these models recency is the time of the last purchase "
                                     "measured from the first one, not the time since the last "
                                     "purchase.")),
                            Wrong(N_("days instead of weeks"), _rft_in_days,
                                  N_("Recency and T are in weeks here, of 7 days each.")),
                            Wrong(N_("whole weeks only"), _rft_whole_weeks,
                                  N_("Recency and T are not rounded to whole weeks: 10 days are "
                                     "10 / 7 of a week, about 1.43, not 1."))]),
    ]),
    Exercise("ch09-probably-alive", N_("What \"probably alive\" means"), [
        ValuePart("one_time_share_of_alive", 2, _one_time_share_of_alive,
                  tolerance=FIT_TOLERANCE,
                  hint=N_("Start from the customers BG/NBD gives a probability of being alive "
                          "above 0.5; of them, which fraction made no repeat purchase in "
                          "calibration?"),
                  wrong=[Wrong(N_("share of all customers"),
                               lambda data: float(_one_time(data).mean()),
                               N_("That is the share of one-time buyers among all customers; "
                                  "the question asks among those BG/NBD calls probably alive.")),
                         Wrong(N_("the other way round"),
                               lambda data: float((_alive(data)[_one_time(data)] > 0.5).mean()),
                               N_("That is the share of one-time buyers who are called alive "
                                  "(all of them, by construction); the question asks which "
                                  "share of the alive customers are one-time buyers.")),
                         Wrong(N_("a count, not a share"),
                               lambda data: int(np.count_nonzero((_alive(data) > 0.5)
                                                                 & _one_time(data))),
                               N_("That is how many they are; the question asks which share of "
                                  "the probably alive customers they make up.")),
                         Wrong(N_("a percentage"),
                               lambda data: 100 * _one_time_share_of_alive(data),
                               _SHARE_NOT_PERCENT)]),
        ValuePart("one_time_bought_again", 1, _one_time_bought_again,
                  hint=N_("Take the customers without a repeat purchase in calibration; which "
                          "fraction of them bought at least once in the holdout?"),
                  wrong=[Wrong(N_("all customers"), lambda data: float(_bought_again(data).mean()),
                               N_("That is the share of all customers who bought in the holdout; "
                                  "the question asks about the one-time buyers only.")),
                         Wrong(N_("the repeat buyers"),
                               lambda data: float(_bought_again(data)[~_one_time(data)].mean()),
                               N_("That is the share of the repeat buyers; the question asks "
                                  "about those with no repeat purchase in calibration.")),
                         Wrong(N_("mean holdout purchases"),
                               lambda data: float(_fitted(data.seed)[0].loc[
                                   _one_time(data), "frequency_holdout"].mean()),
                               N_("That is their mean number of holdout purchases; the question "
                                  "asks which share bought at least once.")),
                         Wrong(N_("the model's P(alive)"),
                               lambda data: float(_alive(data)[_one_time(data)].mean()),
                               N_("That is what BG/NBD says (alive for sure), not what the "
                                  "customers did: look at their holdout purchases.")),
                         Wrong(N_("a percentage"), lambda data: 100 * _one_time_bought_again(data),
                               _SHARE_NOT_PERCENT)]),
        ValuePart("pareto_alive_customers", 2, _pareto_alive_customers, tolerance=FIT_TOLERANCE,
                  hint=N_("Fit Pareto/NBD on the same calibration summary and count the customers "
                          "whose probability of being alive under it is above 0.5."),
                  wrong=[Wrong(N_("BG/NBD's count"),
                               lambda data: int(np.count_nonzero(_alive(data) > 0.5)),
                               N_("That is BG/NBD's count; the question asks what Pareto/NBD "
                                  "says.")),
                         Wrong(N_("sum of the probabilities"),
                               lambda data: float(_pareto_alive(data).sum()),
                               N_("That is the expected number of live customers; the question "
                                  "asks how many have a probability above 0.5.")),
                         Wrong(N_("share instead of count"),
                               lambda data: float((_pareto_alive(data) > 0.5).mean()),
                               N_("That is the share of customers; count them instead."))]),
    ]),
    Exercise("ch09-holdout-forecast", N_("Purchases predicted for the holdout"), [
        ValuePart("predicted_holdout_purchases", 3, _predicted_holdout, tolerance=FIT_TOLERANCE,
                  hint=N_("Each customer's expected purchases in the next 39 weeks, given her own "
                          "frequency, recency and T, added up over the calibration customers."),
                  wrong=[Wrong(N_("unconditional expectation"), _unconditional_holdout,
                               N_("That is what a brand-new customer would buy; the forecast "
                                  "must use each customer's own frequency, recency and T.")),
                         Wrong(N_("horizon up to week 78"), _predicted_to_week_78,
                               N_("t is the length of the holdout (39 weeks), not the week "
                                  "number at its end.")),
                         Wrong(N_("the mean, not the sum"), _mean_holdout,
                               N_("That is the expected purchases of an average customer; the "
                                  "question asks for all calibration customers together.")),
                         Wrong(N_("the actual holdout purchases"), _actual_holdout,
                               N_("That is what customers really bought in the holdout; the "
                                  "question asks what the model predicts."))]),
    ]),
    Exercise("ch09-weekly-rate", N_("A yearly discount rate per week"), [
        FunctionPart("weekly_rate", 2, _weekly_rate, _rate_cases,
                     tolerance=Tolerance(relative=1e-4),  # 52.18 typed in rounded passes
                     hint=N_("Compounded over the weeks of a year (365.25 days of 7) the weekly "
                             "rate must give the yearly one."),
                     wrong=[Wrong(N_("divides by the weeks"),
                                  lambda annual: annual / WEEKS_PER_YEAR,
                                  N_("Dividing ignores compounding: the weekly rate, compounded "
                                     "over a year's weeks, must give the yearly one.")),
                            Wrong(N_("divides by 52"), lambda annual: annual / 52,
                                  N_("Dividing ignores compounding: the weekly rate, compounded "
                                     "over a year's weeks, must give the yearly one.")),
                            Wrong(N_("compounds the wrong way"),
                                  lambda annual: (1 + annual) ** WEEKS_PER_YEAR - 1,
                                  N_("That turns a weekly rate into a yearly one; you need the "
                                     "root, not the power.")),
                            Wrong(N_("forgets to subtract 1"),
                                  lambda annual: (1 + annual) ** (1 / WEEKS_PER_YEAR),
                                  N_("That is the weekly growth factor; the rate is what it adds "
                                     "to 1.")),
                            Wrong(N_("a 52-week year"), lambda annual: (1 + annual) ** (1 / 52) - 1,
                                  N_("Close: your method is right, but your year has 52 weeks "
                                     "(364 days). The exercise counts a year as 365.25 days, "
                                     "about 52.18 weeks, as stated in its instructions.")),
                            Wrong(N_("a 365-day year"), _weekly_rate_365,
                                  N_("Close: your method is right, but your year has 365 days. "
                                     "The exercise counts a year as 365.25 days, about 52.18 "
                                     "weeks, as stated in its instructions.")),
                            Wrong(N_("a continuous rate"), _weekly_rate_continuous,
                                  N_("That is the continuously compounded weekly rate; the model "
                                     "discounts once per week, by 1 / (1 + d) each week, so you "
                                     "need the rate that, compounded weekly over a year, gives "
                                     "the yearly one.")),
                            Wrong(N_("a percentage"), lambda annual: 100 * _weekly_rate(annual),
                                  N_("Give the rate as a fraction (0.0018 for 0.18 %), not as a "
                                     "percentage."))]),
    ]),
    Exercise("ch09-base-value", N_("What a subscriber base is worth"), [
        FunctionPart("base_value", 4, _base_value, _base_cases, tolerance=FIT_TOLERANCE,
                     hint=N_("Value each tenure group on its own, by the renewals its customers "
                             "have already made, and add up the groups: a customer's residual "
                             "value is the margin times her discounted expected residual "
                             "lifetime."),
                     wrong=[Wrong(N_("renewals equal to tenure"), _base_renewals_are_tenure,
                                  N_("Off by one year: a customer who has completed n years paid "
                                     "at sign-up and at n - 1 renewals, so she has renewed n - 1 "
                                     "times.")),
                            Wrong(N_("everyone valued as new"), _base_all_new,
                                  N_("Survivors are not new customers: each year a customer stays "
                                     "shows she is among the loyal ones, so her residual lifetime "
                                     "grows with her tenure.")),
                            Wrong(N_("the next renewal discounted"), _base_renewal_discounted,
                                  N_("The renewal each customer now faces is paid today: count it "
                                     "in full and discount only the later ones.")),
                            Wrong(N_("one constant retention rate"), _base_constant_rate,
                                  N_("That gives every customer the average churn of a new one, "
                                     "year after year; in the sBG model the customers who stay "
                                     "are ever more loyal, so their retention rises.")),
                            Wrong(N_("per customer, not the total"), _base_per_customer,
                                  N_("That is the value per customer; the question asks for the "
                                     "whole base."))]),
    ]),
]
