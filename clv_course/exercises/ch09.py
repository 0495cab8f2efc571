"""Chapter 9, predictive CLV: frequency, recency and T; BG/NBD's P(alive) and holdout forecast;
a yearly discount rate turned into a weekly one."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from clv_course.exercises import (Case, CourseData, Exercise, FunctionPart, N_, Tolerance,
                                  ValuePart, Wrong)
from clv_course.models import BGNBD
from clv_course.summary import customer_summary

CALIBRATION_END = "1997-09-30"
HOLDOUT_END = "1998-06-30"
HOLDOUT_WEEKS = 39
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


def _rft_cases(rng: np.random.Generator, data: CourseData) -> list[Case]:
    """Purchase histories of 1 to 8 days, some with two orders on one day, ending before ``end``.

    The first case has a same-day repeat and the second a single purchase day,
    so each wrong answer is caught.
    """
    cases = []
    for index in range(6):
        end = pd.Timestamp("1997-09-30") + pd.Timedelta(days=int(rng.integers(0, 400)))
        first = end - pd.Timedelta(days=int(rng.integers(30, 300)))
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


def _columns(summary: pd.DataFrame):
    return summary["frequency"], summary["recency"], summary["T"]


def _alive(data: CourseData) -> np.ndarray:
    summary, model = _fitted(data.seed)
    return np.asarray(model.probability_alive(*_columns(summary)))


def _alive_customers(data: CourseData) -> int:
    return int((_alive(data) > 0.5).sum())


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


def _actual_holdout(data: CourseData) -> float:
    summary, _model = _fitted(data.seed)
    return float(summary["frequency_holdout"].sum())


# ------------------------------------------------------------------------- discounting

def _weekly_rate(annual_rate: float) -> float:
    return (1 + annual_rate) ** (1 / 52) - 1


def _rate_cases(rng: np.random.Generator, data: CourseData) -> list[Case]:
    return [Case((round(float(rng.uniform(0.02, 0.25)), 3),)) for _ in range(5)]


EXERCISES = [
    Exercise("ch09-frequency-recency-t", N_("Frequency, recency and T of one customer"), [
        FunctionPart("frequency_recency_t", 4, _reference_rft, _rft_cases,
                     hint=N_("Count distinct purchase days; frequency is that minus 1. Recency "
                             "is last day - first day, T is end - first day, both in days / 7."),
                     wrong=[Wrong(N_("frequency counts the first purchase"), _rft_counts_first,
                                  N_("Frequency counts repeat purchases only: subtract 1 for the "
                                     "first purchase day.")),
                            Wrong(N_("two orders on one day count twice"), _rft_counts_rows,
                                  N_("Several orders on the same day are one purchase: count "
                                     "distinct days, not rows.")),
                            Wrong(N_("recency measured back from the end"), _rft_recency_from_end,
                                  N_("In these models recency is the time of the last purchase "
                                     "measured from the first one, not the time since the last "
                                     "purchase.")),
                            Wrong(N_("days instead of weeks"), _rft_in_days,
                                  N_("Recency and T are in weeks here: divide the days by 7."))]),
    ]),
    Exercise("ch09-alive-customers", N_("How many customers are probably still alive"), [
        ValuePart("alive_customers", 2, _alive_customers, tolerance=FIT_TOLERANCE,
                  hint=N_("Fit BGNBD on the calibration summary, compute probability_alive for "
                          "every customer, and count those above 0.5."),
                  wrong=[Wrong(N_("sum of the probabilities"), lambda data: float(_alive(data).sum()),
                               N_("That is the expected number of live customers; the question "
                                  "asks how many have a probability above 0.5.")),
                         Wrong(N_("share instead of count"),
                               lambda data: float((_alive(data) > 0.5).mean()),
                               N_("That is the share of customers; count them instead."))]),
    ]),
    Exercise("ch09-holdout-forecast", N_("Purchases predicted for the holdout"), [
        ValuePart("predicted_holdout_purchases", 3, _predicted_holdout, tolerance=FIT_TOLERANCE,
                  hint=N_("Sum conditional_expected_purchases(39, frequency, recency, T) over "
                          "all customers of the calibration summary."),
                  wrong=[Wrong(N_("unconditional expectation"), _unconditional_holdout,
                               N_("expected_purchases(39) is for a brand-new customer; use "
                                  "conditional_expected_purchases with each customer's "
                                  "frequency, recency and T.")),
                         Wrong(N_("horizon up to week 78"), _predicted_to_week_78,
                               N_("t is the length of the holdout (39 weeks), not the week "
                                  "number at its end.")),
                         Wrong(N_("the actual holdout purchases"), _actual_holdout,
                               N_("That is what customers really bought in the holdout; the "
                                  "question asks what the model predicts."))]),
    ]),
    Exercise("ch09-weekly-rate", N_("A yearly discount rate per week"), [
        FunctionPart("weekly_rate", 2, _weekly_rate, _rate_cases,
                     hint=N_("Compounded over 52 weeks the weekly rate must give the yearly one: "
                             "(1 + weekly) ** 52 = 1 + annual."),
                     wrong=[Wrong(N_("divides by 52"), lambda annual: annual / 52,
                                  N_("Dividing by 52 ignores compounding; take the 52nd root of "
                                     "1 + annual and subtract 1.")),
                            Wrong(N_("compounds the wrong way"),
                                  lambda annual: (1 + annual) ** 52 - 1,
                                  N_("That turns a weekly rate into a yearly one; you need the "
                                     "52nd root, the power 1 / 52.")),
                            Wrong(N_("forgets to subtract 1"), lambda annual: (1 + annual) ** (1 / 52),
                                  N_("(1 + annual) ** (1 / 52) is the weekly growth factor; "
                                     "subtract 1 to get the rate."))]),
    ]),
]
