"""Chapter 9: several right solutions pass, each plausible mistake gets its hint, and what the
prose says about CDNOW and the subscription segments is true of the data.

The chapter reads most numbers out of cells; every claim its prose makes (what "probably
alive" is made of, how the bands did in the holdout, how the value grows with the horizon,
how retention rises with tenure and what a constant rate does to a base) is checked here.
"""

from __future__ import annotations

import itertools
import math
import re

import nbformat
import numpy as np
import pandas as pd
import pytest
from scipy.special import betaln

import clv_course as clv
from clv_course.exercises import CourseData, FunctionPart, ch09, get
from clv_course.models import (
    BGNBD,
    GammaGamma,
    ParetoNBD,
    ShiftedBetaGeometric,
    predicted_clv,
)
from clv_course.plots import predictive as plots
from clv_course.summary import customer_summary
from tests.support import chapters as ch
from tests.test_ch00_start_here import CODE

GRADING_SEED = 90210
SEEDS = [None, GRADING_SEED]
MASTER = "masters/09_predictive_clv.ipynb"
ACTIVE = {"Regular": [631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173],
          "High End": [869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]}
WEEKS_PER_YEAR = 365.25 / 7


# --------------------------------------------------------------- what a notebook run sees

def _tables(seed):
    cdnow = CourseData(seed).load("cdnow_sample")
    summary = customer_summary(cdnow, calibration_end="1997-09-30", holdout_end="1998-06-30",
                               unit="week")
    bgf, pnbd = BGNBD().fit_summary(summary), ParetoNBD().fit_summary(summary)
    columns = summary["frequency"], summary["recency"], summary["T"]
    alive = pd.DataFrame({"BG/NBD": bgf.probability_alive(*columns),
                          "Pareto/NBD": pnbd.probability_alive(*columns)}, index=summary.index)
    return {"cdnow": cdnow, "summary": summary, "bgf": bgf, "pnbd": pnbd, "alive": alive,
            "one_time": summary["frequency"] == 0}


@pytest.fixture(scope="module", params=SEEDS, ids=["public", "grading"])
def run(request):
    return request.param, _tables(request.param)


@pytest.fixture(scope="module")
def public():
    return _tables(None)


@pytest.fixture(scope="module")
def sbg():
    return {name: ShiftedBetaGeometric().fit(counts[:7], initial=1000)
            for name, counts in ACTIVE.items()}


def _text(cell) -> str:
    """A cell's prose on one line, without emphasis, as a reader reads it."""
    return " ".join(cell.source.replace("**", "").split())


# ------------------------------------------------------ several right solutions, as learners write

def rft_by_hand(dates, end):
    days = dates.drop_duplicates()
    return len(days) - 1, (days.max() - days.min()).days / 7, (end - days.min()).days / 7


def rft_with_the_package(dates, end):
    one = customer_summary(pd.DataFrame({"customer_id": 1, "date": dates, "amount": 1.0}),
                           calibration_end=end, unit="week").iloc[0]
    return int(one["frequency"]), float(one["recency"]), float(one["T"])


def rft_with_timedeltas(dates, end):
    days = np.unique(dates.to_numpy())
    week = np.timedelta64(7, "D")
    return len(days) - 1, float((days[-1] - days[0]) / week), float((np.datetime64(end) - days[0])
                                                                    / week)


def rate_by_the_root(annual_rate):
    return (1 + annual_rate) ** (7 / 365.25) - 1


def rate_through_logarithms(annual_rate):
    return math.expm1(math.log1p(annual_rate) / 52.18)  # 52.18 rounded, as the text allows


def rate_with_the_package_units(annual_rate):
    weeks = clv.units.days_per("year") / clv.units.days_per("week")
    return (1 + annual_rate) ** (1 / weeks) - 1


def base_with_derl(alpha, beta, customers, margin, discount_rate):
    model = ShiftedBetaGeometric.from_params(alpha=alpha, beta=beta)
    return sum(count * margin * model.derl(discount_rate, renewals=int(tenure) - 1)
               for tenure, count in customers.items())


def base_with_derl_off_by_one(alpha, beta, customers, margin, discount_rate):
    model = ShiftedBetaGeometric.from_params(alpha=alpha, beta=beta)
    return sum(count * margin * model.derl(discount_rate, renewals=tenure)
               for tenure, count in customers.items())


def base_by_summing_survival(alpha, beta, customers, margin, discount_rate):
    model = ShiftedBetaGeometric.from_params(alpha=alpha, beta=beta)
    total = 0.0
    for tenure, count in customers.items():
        t = np.arange(tenure, tenure + 2000)
        kept = np.asarray(model.survival(t)) / model.survival(tenure - 1)
        total += count * margin * float(np.sum(kept / (1 + discount_rate) ** (t - tenure)))
    return total


def base_with_beta_functions(alpha, beta, customers, margin, discount_rate):
    """S(t) = B(alpha, beta + t) / B(alpha, beta), summed in logs, without the package."""
    frame = pd.Series(customers).rename("count").to_frame()
    values = []
    for tenure, count in frame["count"].items():
        t = np.arange(tenure, tenure + 3000)
        log_terms = (betaln(alpha, beta + t) - betaln(alpha, beta + tenure - 1)
                     - (t - tenure) * np.log1p(discount_rate))
        values.append(count * margin * np.exp(log_terms).sum())
    return float(np.sum(values))


FUNCTION_SOLUTIONS = {
    "ch09-frequency-recency-t": [rft_by_hand, rft_with_the_package, rft_with_timedeltas],
    "ch09-weekly-rate": [rate_by_the_root, rate_through_logarithms, rate_with_the_package_units],
    "ch09-base-value": [base_with_derl, base_by_summing_survival, base_with_beta_functions],
}

VALUE_SOLUTIONS = {
    "ch09-probably-alive": {
        "pandas": """
            probably_alive = alive["BG/NBD"] > 0.5
            one_time_share_of_alive = (probably_alive & one_time).sum() / probably_alive.sum()
            one_time_bought_again = (summary.loc[one_time, "frequency_holdout"] > 0).mean()
            pareto_alive_customers = int((alive["Pareto/NBD"] > 0.5).sum())
        """,
        "the models and numpy": """
            x, t_x, T = summary["frequency"], summary["recency"], summary["T"]
            called_alive = np.asarray(bgf.probability_alive(x, t_x, T)) > 0.5
            single = x.to_numpy() == 0
            one_time_share_of_alive = np.count_nonzero(called_alive & single) / np.count_nonzero(called_alive)
            one_time_bought_again = np.mean(summary["frequency_holdout"].to_numpy()[single] > 0)
            pareto_alive_customers = np.count_nonzero(np.asarray(pnbd.probability_alive(x, t_x, T)) > 0.5)
        """,
        "groupby and query": """
            flags = summary.assign(alive=alive["BG/NBD"] > 0.5, single=summary["frequency"] == 0,
                                   back=summary["frequency_holdout"] > 0)
            one_time_share_of_alive = flags.query("alive")["single"].mean()
            one_time_bought_again = flags.groupby("single")["back"].mean()[True]
            pareto_alive_customers = len(alive.query("`Pareto/NBD` > 0.5"))
        """,
    },
    "ch09-holdout-forecast": {
        "conditional sum": """
            predicted_holdout_purchases = bgf.conditional_expected_purchases(
                39, summary["frequency"], summary["recency"], summary["T"]).sum()
        """,
        "the figure's table": """
            table = plots.conditional_expectation_table(bgf, summary)
            predicted_holdout_purchases = float((table["customers"] * table["predicted"]).sum())
        """,
    },
}


def _namespace(tables, source):
    return ch.run_solution(tables, source, {"plots": plots}, copy=False)


def test_every_chapter_9_exercise_has_at_least_two_solutions_here():
    assert set(FUNCTION_SOLUTIONS) | set(VALUE_SOLUTIONS) == {e.id for e in ch09.EXERCISES}
    assert all(len(s) >= 2 for s in [*FUNCTION_SOLUTIONS.values(), *VALUE_SOLUTIONS.values()])


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("exercise_id", list(FUNCTION_SOLUTIONS))
def test_function_solutions_score_full_points_publicly_and_on_a_grading_variant(exercise_id, seed):
    answer = get(exercise_id).parts[0].answer
    for solution in FUNCTION_SOLUTIONS[exercise_id]:
        result = ch.judged(exercise_id, {answer: solution}, seed)
        assert result.points == result.max_points, (solution.__name__,
                                                    [p.message for p in result.parts])


VALUE_CASES = [(e, name) for e, named in VALUE_SOLUTIONS.items() for name in named]


@pytest.mark.parametrize("exercise_id, name", VALUE_CASES, ids=[f"{e}:{n}" for e, n in VALUE_CASES])
def test_value_solutions_score_full_points_publicly_and_on_a_grading_variant(run, exercise_id,
                                                                            name):
    seed, tables = run
    result = ch.judged(exercise_id, _namespace(tables, VALUE_SOLUTIONS[exercise_id][name]), seed)
    assert result.points == result.max_points, [p.message for p in result.parts]


def test_the_master_solutions_are_among_those_tested(root):
    cells = ch.cells(root, MASTER)
    assert 'alive["BG/NBD"] > 0.5' in cells["ch09-alive-exercise"].source
    assert "(7 / 365.25)" in cells["ch09-rate-exercise"].source
    assert "model.derl(discount_rate, renewals=tenure - 1)" in cells["ch09-base-exercise"].source


def test_a_failed_base_check_shows_the_whole_call():
    message = ch.judged("ch09-base-value", {"base_value": base_with_derl_off_by_one}, None
                      ).parts[0].message
    assert "base_value(0.704, 1.182, {1: 1000, 2: 627, 3: 474, 4: 388, 5: 332}, 100.0, 0.1)" \
        in message


def test_the_base_example_counts_follow_the_tenure_convention(root):
    """Tenure n: completed n years, renewed n - 1 times, so 1,000 x S(n - 1) of a cohort are left."""
    regular = ShiftedBetaGeometric.from_params(**ch09.REGULAR)
    first = get("ch09-base-value").parts[0].public_cases(CourseData(None))[0].args[2]
    assert first == {n: round(1000 * float(regular.survival(n - 1))) for n in range(1, 6)}
    assert first[1] == 1000  # the cohort won a year ago faces its first renewal, all still there
    observed = [1000, *ACTIVE["Regular"]]
    text = _text(ch.cells(root, MASTER)["ch09-contract-base-read"])
    example = {n: observed[n - 1] for n in (1, 2, 3)}
    assert "`{1: 1000, 2: 631, 3: 468}`" in text and example == {1: 1000, 2: 631, 3: 468}
    assert "kept 631 at its first renewal" in text and "now face their second" in text


@pytest.mark.parametrize("seed", SEEDS)
def test_every_registered_mistake_gets_its_own_hint_and_no_points(seed):
    ch.assert_mistakes_get_their_hints(ch09.EXERCISES, seed, name="learners_own")


def test_the_decisions_the_review_asked_for_are_registered_mistakes():
    mistakes = {p.answer: {w.mistake for w in p.wrong} for e in ch09.EXERCISES for p in e.parts}
    assert {"share of all customers", "the other way round"} <= mistakes["one_time_share_of_alive"]
    assert "the model's P(alive)" in mistakes["one_time_bought_again"]
    assert "BG/NBD's count" in mistakes["pareto_alive_customers"]
    assert {"a 52-week year", "a 365-day year", "a continuous rate", "a percentage"} \
        <= mistakes["weekly_rate"]
    assert "whole weeks only" in mistakes["frequency_recency_t"]
    assert "the mean, not the sum" in mistakes["predicted_holdout_purchases"]
    assert {"one constant retention rate", "everyone valued as new",
            "renewals equal to tenure"} <= mistakes["base_value"]


def test_a_52_week_year_is_told_which_convention_to_switch():
    def with_52_weeks(annual_rate):
        return (1 + annual_rate) ** (1 / 52) - 1
    message = ch.judged("ch09-weekly-rate", {"weekly_rate": with_52_weeks}, None).parts[0].message
    assert "Close" in message and "365.25" in message


def test_the_rounded_52_18_passes_but_the_52_week_year_does_not():
    part = get("ch09-weekly-rate").parts[0]
    exact = ch09._weekly_rate(0.1)
    assert abs((1.1 ** (1 / 52.18) - 1) / exact - 1) < part.tolerance.relative
    assert abs((1.1 ** (1 / 52) - 1) / exact - 1) > 10 * part.tolerance.relative


def test_a_constant_rate_in_the_base_exercise_gets_the_heterogeneity_hint():
    def constant(alpha, beta, customers, margin, discount_rate):
        keep = beta / (alpha + beta)
        total = sum(customers.values())
        return total * margin * keep * (1 + discount_rate) / (1 + discount_rate - keep)
    message = ch.judged("ch09-base-value", {"base_value": constant}, None).parts[0].message
    assert "more loyal" in message


def test_references_are_private_and_a_package_function_scores_nothing():
    for exercise in ch09.EXERCISES:
        for part in exercise.parts:
            if isinstance(part, FunctionPart):
                assert part.reference.__name__.startswith("_"), part.answer
    assert ch.judged("ch09-base-value", {"base_value": predicted_clv}, None).points == 0


def test_hints_teach_the_idea_without_dictating_code():
    ch.assert_hints_free_of(ch09.EXERCISES, CODE)


def test_the_base_cases_start_with_the_regular_firm_and_mix_tenures():
    part = get("ch09-base-value").parts[0]
    for cases in (part.public_cases(CourseData(None)),
                  part.grading_cases(GRADING_SEED, CourseData(GRADING_SEED))):
        assert all(len(case.args[2]) >= 2 for case in cases)
    first = part.public_cases(CourseData(None))[0]
    assert first.args[:2] == (0.704, 1.182) and list(first.args[2]) == [1, 2, 3, 4, 5]


# ------------------------------------------------------------------ what the prose says: CDNOW

def test_three_in_five_calibration_customers_are_one_time_buyers(public):
    assert 0.58 < public["one_time"].mean() < 0.62
    assert public["one_time"].sum() == 1411 and len(public["summary"]) == 2357


def test_the_fit_is_the_published_one_and_alpha_carries_the_unit(public):
    params = public["bgf"].params_
    assert {k: round(v, 3) for k, v in params.items()} == {"r": 0.243, "alpha": 4.414,
                                                           "a": 0.793, "b": 2.426}
    rate = params["r"] / params["alpha"]
    assert round(rate, 3) == 0.055 and 2.5 < rate * WEEKS_PER_YEAR < 3
    assert round(params["a"] / (params["a"] + params["b"]), 2) == 0.25  # "one in four"
    in_days = customer_summary(public["cdnow"], calibration_end="1997-09-30", unit="day")
    days = BGNBD().fit_summary(in_days).params_
    assert days["alpha"] / params["alpha"] == pytest.approx(7, rel=1e-4)
    for name in ("r", "a", "b"):
        assert days[name] == pytest.approx(params[name], rel=1e-4)


def test_every_bgnbd_one_time_buyer_is_alive_for_sure_and_the_histogram_says_how_many(public):
    alive, one_time = public["alive"], public["one_time"]
    assert (alive.loc[one_time, "BG/NBD"] == 1).all()
    assert (alive.loc[~one_time, "BG/NBD"] < 1).all()
    figure = plots.probability_alive_histogram(public["bgf"], public["summary"])
    assert "1,411 one-time buyers" in figure.axes[0].texts[0].get_text()


def test_pareto_nbd_puts_one_time_buyers_between_30_and_38_percent(public):
    alive, one_time, summary = public["alive"], public["one_time"], public["summary"]
    pareto = alive.loc[one_time, "Pareto/NBD"]
    assert (round(pareto.min(), 2), round(pareto.max(), 2)) == (0.30, 0.38)
    assert pareto.corr(summary.loc[one_time, "T"]) < -0.9  # "higher the more recently she bought"
    assert (pareto < 0.5).all()


def test_the_band_table_reads_as_the_text_says(public):
    bg = plots.alive_band_table(public["bgf"], public["summary"])
    pareto = plots.alive_band_table(public["pnbd"], public["summary"])
    top = bg.loc["80%-100%"]
    assert top["one_time_buyers"] == public["one_time"].sum() > top["customers"] / 2
    assert round(top["mean_p_alive"], 2) == 0.99 and round(top["bought_in_holdout"], 2) == 0.19
    assert pareto.loc["20%-40%", "one_time_buyers"] == public["one_time"].sum()
    assert round(pareto.loc["20%-40%", "bought_in_holdout"], 2) == 0.16
    assert round(pareto.loc["80%-100%", "bought_in_holdout"], 2) == 0.71
    for table in (bg, pareto):  # "about a third bought again" in the lowest band
        low = table.loc["0%-20%"]
        assert 0.28 < low["bought_in_holdout"] < 0.38 and low["mean_p_alive"] < 0.15
    # Pareto/NBD's bands rank better: its top band beats BG/NBD's
    assert pareto.loc["80%-100%", "bought_in_holdout"] > bg.loc["80%-100%", "bought_in_holdout"]
    # ... but not in perfect order: its lowest band bought more than the one above
    assert round(pareto.loc["0%-20%", "bought_in_holdout"], 2) == 0.30
    assert pareto.loc["0%-20%", "bought_in_holdout"] > pareto.loc["20%-40%", "bought_in_holdout"]
    # the lowest bands hold repeat buyers only
    assert bg.loc["0%-20%", "one_time_buyers"] == pareto.loc["0%-20%", "one_time_buyers"] == 0


def test_the_exercise_answers_say_what_the_review_found(public):
    data = CourseData(None)
    assert round(ch09._one_time_share_of_alive(data), 3) == 0.718  # "most ... are one-time buyers"
    assert round(ch09._one_time_bought_again(data), 3) == 0.137  # "few of those came back"
    assert ch09._pareto_alive_customers(data) == 574  # "a fraction of BG/NBD's" 1,964
    assert int((public["alive"]["BG/NBD"] > 0.5).sum()) == 1964


def test_the_holdout_is_underpredicted_from_its_first_quarter_on(public):
    cdnow, summary, bgf = public["cdnow"], public["summary"], public["bgf"]
    days = cdnow[(cdnow["date"] > "1997-09-30") & cdnow["customer_id"].isin(summary.index)
                 ].drop_duplicates(["customer_id", "date"])
    actual = days["date"].dt.to_period("Q").value_counts().sort_index()
    assert actual.sum() == summary["frequency_holdout"].sum()
    ends = np.array([92, 182, 273]) / 7  # Oct-Dec 1997, Jan-Mar 1998, Apr-Jun 1998
    columns = summary["frequency"], summary["recency"], summary["T"]
    to_end = [bgf.conditional_expected_purchases(t, *columns).sum() for t in ends]
    predicted = np.diff(to_end, prepend=0)
    assert list(actual) == [731, 656, 495] and list(np.rint(predicted)) == [634, 537, 482]
    assert [round(e, 2) for e in predicted / actual.to_numpy() - 1] == [-0.13, -0.18, -0.03]


def test_the_holdout_prose_says_when_customers_bought_more(root):
    cells = ch.cells(root, MASTER)
    assert "a little more in 1998" not in _text(cells["ch09-holdout-read"])
    read = _text(cells["ch09-holdout-quarters-read"])
    assert "bought more in the holdout, from its first quarter on" in read
    assert "13 % and 18 %" in read and "3 % short" in read


def test_the_holdout_is_underpredicted_by_about_12_percent_and_one_timers_almost_exactly(public):
    table = plots.conditional_expectation_table(public["bgf"], public["summary"])
    predicted = (table["customers"] * table["predicted"]).sum()
    actual = public["summary"]["frequency_holdout"].sum()
    assert round(predicted / actual - 1, 2) == -0.12
    assert abs(table.loc["0", "actual"] - table.loc["0", "predicted"]) < 0.02


@pytest.fixture(scope="module")
def values(public):
    summary, bgf = public["summary"], public["bgf"]
    ggf = GammaGamma().fit_summary(summary)
    weekly = 1.10 ** (7 / 365.25) - 1
    return {weeks: predicted_clv(bgf, ggf, summary, horizon=weeks, margin=0.3,
                                 discount_rate=weekly, unit="week")
            for weeks in (52, 104, 260, 520)}


def test_the_weekly_rate_is_about_0_18_percent_and_dividing_is_slightly_too_much():
    weekly = 1.10 ** (7 / 365.25) - 1
    assert round(100 * weekly, 2) == 0.18 and 0.10 / WEEKS_PER_YEAR > weekly


def test_the_residual_value_is_concentrated_and_grows_with_the_horizon(values):
    year = values[52].sort_values(ascending=False)
    assert year.head(len(year) // 10).sum() / year.sum() > 0.5  # "more than half"
    totals = pd.Series({weeks: value.sum() for weeks, value in values.items()})
    assert round(totals[52], -2) == 21_700 and round(totals[520], -2) == 74_700
    assert totals[52] / totals[520] < 1 / 3  # "less than a third"
    assert 0.75 < totals[260] / totals[520] < 0.82  # "about four fifths"
    assert totals.is_monotonic_increasing and np.all(np.diff(totals.to_numpy()) > 0)
    gains = np.diff(totals.to_numpy()) / np.diff(totals.index.to_numpy())
    assert np.all(np.diff(gains) < 0)  # "ever more slowly"


def test_the_spend_model_reproduces_the_published_fit_and_the_holdout_revenue_error(public):
    summary, bgf = public["summary"], public["bgf"]
    repeat = summary[summary["frequency"] > 0]
    assert round(repeat["frequency"].corr(repeat["monetary_value"]), 2) == 0.11
    params = GammaGamma().fit_summary(summary).params_
    assert {k: round(v, 2) for k, v in params.items()} == {"p": 6.25, "q": 3.74, "gamma": 15.44}
    assert round(params["p"] * params["gamma"] / (params["q"] - 1)) == 35  # "about $35"
    ggf = GammaGamma().fit_summary(summary)
    predicted = predicted_clv(bgf, ggf, summary, horizon=39, margin=1.0, discount_rate=0.0,
                              unit="week").sum()
    actual = (summary["frequency_holdout"] * summary["monetary_value_holdout"]).sum()
    assert round(predicted / actual - 1, 3) == -0.156  # "about 16 % short"


def test_both_models_fit_and_forecast_about_alike(public):
    bgf, pnbd, summary = public["bgf"], public["pnbd"], public["summary"]
    # the published log-likelihoods, quoted in the prose
    assert (round(bgf.log_likelihood_, 1), round(pnbd.log_likelihood_, 1)) == (-9582.4, -9595.0)
    assert abs(bgf.log_likelihood_ / pnbd.log_likelihood_ - 1) < 0.002
    forecasts = [m.conditional_expected_purchases(39, summary["frequency"], summary["recency"],
                                                  summary["T"]).sum() for m in (bgf, pnbd)]
    assert abs(forecasts[0] / forecasts[1] - 1) < 0.01


# ------------------------------------------ what the prose says: fit diagnostics, uncertainty

def test_the_calibration_histogram_reads_as_the_text_says(public, root):
    from clv_course.models import calibration_histogram
    bg = calibration_histogram(public["bgf"], public["summary"]).round()
    pareto = calibration_histogram(public["pnbd"], public["summary"]).round()
    assert list(bg["actual"][["0", "1", "7+"]]) == [1411, 439, 64]
    assert list(bg["expected"][["0", "1", "7+"]]) == [1408, 460, 72]
    assert list(pareto["expected"][["0", "1", "7+"]]) == [1434, 397, 74]
    text = _text(ch.cells(root, MASTER)["ch09-calibration-read"])
    for words in ("1,411 actual; 1,408 and 1,434 expected", "460 expected against 439", "(397)",
                  "72 and 74 with 7 or more, against 64", "in sample"):
        assert words in text, words


def test_the_weekly_tracking_reads_as_the_text_says(public, root):
    cdnow, bgf = public["cdnow"], public["bgf"]
    weekly = plots.incremental_curves(bgf, cdnow, calibration_end="1997-09-30",
                                      holdout_end="1998-06-30", unit="week")
    above = weekly["actual"] > weekly["predicted"]
    calibration, holdout = weekly.index <= 38, weekly.index >= 40
    assert (calibration.sum(), above[calibration].sum()) == (38, 16)
    assert (holdout.sum(), above[holdout].sum()) == (38, 26)
    assert int(weekly["predicted"].idxmax()) == 13  # "climbs for 13 weeks"
    cohort = cdnow[cdnow["customer_id"].isin(public["summary"].index)]
    firsts = cohort.groupby("customer_id")["date"].min()
    assert (firsts.min().strftime("%Y-%m"), firsts.max().strftime("%Y-%m")) == ("1997-01", "1997-03")
    excess = (weekly["actual"] - weekly["predicted"])[holdout].sort_values(ascending=False)
    assert set(excess.index[:3]) == {45, 61, 62}
    start = pd.Timestamp("1997-01-01")
    week_45 = start + pd.Timedelta(days=44 * 7 + 1)
    assert (week_45.month, week_45.day <= 10) == (11, True)  # "early November 1997"
    assert (start + pd.Timedelta(days=61 * 7)).strftime("%Y-%m") == "1998-03"
    text = _text(ch.cells(root, MASTER)["ch09-incremental-read"])
    for words in ("16 of 38", "26 of 38", "week 45 (early November 1997)", "weeks 61 and 62"):
        assert words in text, words


def test_the_bootstrap_interval_misses_the_actual_as_the_text_says(public, root):
    summary, bgf = public["summary"], public["bgf"]
    columns = summary["frequency"], summary["recency"], summary["T"]
    forecasts = pd.Series([BGNBD().fit_summary(summary.sample(frac=1, replace=True,
                                                             random_state=replicate))
                           .conditional_expected_purchases(39, *columns).sum()
                           for replicate in range(30)])
    low, high = forecasts.quantile([0.05, 0.95])
    forecast = bgf.conditional_expected_purchases(39, *columns).sum()
    assert (round(low), round(high)) == (1547, 1759)
    assert low < forecast < high < summary["frequency_holdout"].sum() == 1882
    assert round((high - low) / 2 / forecast, 2) == 0.06  # "about ±6 %"
    assert round(forecast ** 0.5) == 41 and round(forecast, -2) == 1700  # "about 1,650", "41"
    cells = ch.cells(root, MASTER)
    assert "range(30)" in cells["ch09-bootstrap"].source
    assert "random_state=replicate" in cells["ch09-bootstrap"].source
    text = _text(cells["ch09-bootstrap-read"])
    for words in ("±6 %", "model error", "does not cover", "1,882 lies above the interval",
                  "at least its square root, about 41"):
        assert words in text, words


def test_pearson_and_spearman_are_weak_and_the_spread_dwarfs_the_drift(public, root):
    repeat = public["summary"][public["summary"]["frequency"] > 0]
    assert round(repeat["frequency"].corr(repeat["monetary_value"]), 2) == 0.11
    spearman = repeat["frequency"].corr(repeat["monetary_value"], method="spearman")
    assert round(spearman, 2) == 0.21
    for x in (1, 2):  # "from under $10 to over $100" within a column
        spend = repeat.loc[repeat["frequency"] == x, "monetary_value"]
        assert spend.min() < 10 and spend.max() > 100
    medians = repeat.groupby("frequency")["monetary_value"].median()
    assert medians[6] > medians[1]  # "the medians drift up a little"
    text = _text(ch.cells(root, MASTER)["ch09-spend-scatter-read"])
    assert "segments" in text and "copula" in text
    assert "0.21" in _text(ch.cells(root, MASTER)["ch09-spend-correlation-read"])


def test_the_heterogeneity_numbers_are_the_fitted_distributions(public, root):
    from scipy import stats
    params = public["bgf"].params_
    rates = stats.gamma(params["r"], scale=1 / params["alpha"])
    dropouts = stats.beta(params["a"], params["b"])
    assert round(params["r"] ** -0.5, 2) == 2.03
    assert round(rates.median() * WEEKS_PER_YEAR, 2) == 0.47  # "about once every two years"
    assert round(rates.cdf(1 / WEEKS_PER_YEAR), 2) == 0.60  # "three in five"
    assert round(params["r"] / params["alpha"] * WEEKS_PER_YEAR, 1) == 2.9
    assert round(dropouts.cdf(0.1), 2) == 0.32 and round(dropouts.sf(0.5), 2) == 0.14
    assert params["r"] < 1 and rates.pdf(1e-6) > rates.pdf(1e-3)  # rises without bound at 0
    text = _text(ch.cells(root, MASTER)["ch09-heterogeneity-read"])
    for words in ("0.47 times a year", "three in five", "2.9 a year", "a third", "one in seven",
                  "seven times larger"):
        assert words in text, words
    intro = _text(ch.cells(root, MASTER)["ch09-heterogeneity-intro"])
    assert "1 / √r" in intro and "r / alpha purchases per week" in intro


# ------------------------------------------------------------- what the prose says: contracts

def test_the_sbg_fit_is_the_papers_and_retention_rises_as_the_text_says(sbg):
    assert {n: (round(m.params_["alpha"], 3), round(m.params_["beta"], 3)) for n, m in sbg.items()} \
        == {"Regular": (0.704, 1.182), "High End": (0.668, 3.806)}
    years = np.arange(1, 13)
    regular, high_end = (np.asarray(sbg[n].retention_rate(years)) for n in ("Regular", "High End"))
    assert np.all(np.diff(regular) > 0) and np.all(np.diff(high_end) > 0)
    assert (round(regular[0], 2), round(regular[-1], 2)) == (0.63, 0.95)
    assert (round(high_end[0], 2), round(high_end[-1], 2)) == (0.85, 0.96)
    observed_high_end = np.array(ACTIVE["High End"]) / np.array([1000, *ACTIVE["High End"][:-1]])
    # "start a little higher (87 % in year 1) and dip in year 2 (85.5 %) before they climb"
    assert (round(observed_high_end[0], 3), round(observed_high_end[1], 3)) == (0.869, 0.855)
    assert np.all(np.diff(observed_high_end[1:7]) > 0)
    for name, model in sbg.items():  # "follows both also in the years 8 to 12 it never saw"
        counts = np.array(ACTIVE[name])
        observed = counts[7:] / counts[6:-1]
        assert np.all(np.abs(np.asarray(model.retention_rate(np.arange(8, 13))) - observed) < 0.015)


def test_derl_rises_with_tenure_and_the_constant_rate_errs_both_ways(sbg):
    regular, d = sbg["Regular"], 0.10
    derl = [regular.derl(d, renewals=n) for n in range(8)]
    assert np.all(np.diff(derl) > 0)
    assert round(derl[0]) == 3 and round(derl[7], 1) == 6.8
    constant = (241 / 1000) ** (1 / 7)
    # the 241 = 1,000 x S(7) have renewed seven times; the renewal they face next is year 8's
    assert 241 == ACTIVE["Regular"][6] and abs(1000 * float(regular.survival(7)) - 241) < 3
    assert round(constant, 2) == 0.82 and round(regular.retention_rate(8), 2) == 0.92
    constant_derl = constant * (1 + d) / (1 + d - constant)
    assert derl[0] < constant_derl < derl[7]  # too optimistic early, too pessimistic late
    base = pd.Series({"sBG": 241 * 100 * derl[7], "constant": 241 * 100 * constant_derl})
    assert base.round(2).to_dict() == {"sBG": 164_899.79, "constant": 76_187.62}
    assert round(base["constant"] / base["sBG"], 2) == 0.46  # "less than half"


def test_the_241_are_valued_after_seven_renewals(root):
    cells = ch.cells(root, MASTER)
    for cell_id in ("ch09-contract-constant", "ch09-contract-base"):
        source = cells[cell_id].source
        assert "renewals=7" in source and "renewals=6" not in source, cell_id
    assert "retention_rate([1, 8])" in cells["ch09-contract-constant"].source
    assert "after 7 renewals (the 241)" in cells["ch09-contract-constant"].source
    assert "range(8)" in cells["ch09-contract-derl"].source
    read = _text(cells["ch09-contract-constant-read"])
    assert "241 who have renewed seven times (92 % renew next" in read
    assert "renewed seven times" in _text(cells["ch09-contract-derl-read"])


def test_derl_is_the_formula_the_text_shows(sbg):
    model = sbg["High End"]
    n, d = 4, 0.1
    t = np.arange(n, n + 3000)
    by_formula = float(np.sum(np.asarray(model.survival(t)) / model.survival(n - 1)
                              / (1 + d) ** (t - n)))
    assert model.derl(d, renewals=n - 1) == pytest.approx(by_formula, rel=1e-9)


def test_the_contract_section_keeps_chapter_3s_promise_and_data(root):
    chapter_3 = "\n".join(c.source for c in nbformat.read(root / "masters" / "03_retention.ipynb",
                                                          as_version=4).cells)
    assert "Chapter 9" in chapter_3 and "shifted-beta-geometric" in chapter_3
    assert "[631, 468, 382, 326, 289, 262, 241]" in chapter_3
    cells = ch.cells(root, MASTER)
    assert "631, 468, 382, 326, 289, 262, 241, 223" in cells["ch09-contract-fit"].source
    assert "Chapter 3" in cells["ch09-contract-intro"].source


# ------------------------------------------------------------------------ the notebook's form

def test_the_prose_names_the_quantity_and_the_assumptions(root):
    cells = ch.cells(root, MASTER)
    assert "residual value over a horizon" in _text(cells["ch09-clv-intro"])
    assumptions = _text(cells["ch09-fit-intro"])
    for words in ("Poisson", "gamma", "beta", "independently", "`alpha` is measured in the time unit"):
        assert words in assumptions, words
    assert "by construction" in _text(cells["ch09-alive-spike"])
    assert "right after each repeat purchase (the first one starts the clock)" in assumptions
    assert "scale = 1 / alpha" in assumptions and "scale parameter `alpha`" not in assumptions
    assert "stacks the repeat buyers (dark) on the one-time buyers (light)" in _text(
        cells["ch09-alive-histogram-intro"])
    assert "alive in the model's sense" in _text(cells["ch09-alive-spike"])
    assert "repeat buyers who fell silent" in _text(cells["ch09-alive-bands-read"])
    assert "came back in the holdout" in _text(cells["ch09-alive-exercise-read"])
    assert "52 whole weeks" in _text(cells["ch09-clv-intro"])
    assert "over one year" not in _text(cells["ch09-clv-intro"])
    assert "20 January and on 24 February" in _text(cells["ch09-rft"])


def test_the_example_customer_doubled_orders_on_two_days(public):
    cdnow = public["cdnow"]
    orders = cdnow[(cdnow["customer_id"] == 773) & (cdnow["date"] <= "1997-09-30")]
    doubled = orders["date"][orders["date"].duplicated()]
    assert list(doubled.dt.strftime("%m-%d")) == ["01-20", "02-24"]


def test_the_exercises_state_type_unit_and_convention(root):
    cells = ch.cells(root, MASTER)
    assert "365.25" in cells["ch09-discount-intro"].source
    assert "52.18" in cells["ch09-discount-intro"].source
    assert "with 52 weeks to a year" not in _text(cells["ch09-discount-intro"])
    alive = _text(cells["ch09-alive-exercise-intro"])
    assert alive.count("fraction") >= 2 and "whole" in alive and "0.5" in alive
    base = _text(cells["ch09-contract-base-read"])
    assert "in money" in base and "counted in full" in base and "per year" in base


def test_no_cell_shows_a_bare_tuple_and_cells_stay_short(root):
    ch.assert_code_cells(ch.cells(root, MASTER).values(), limit=12)


def test_every_code_cell_follows_prose_or_the_cell_it_continues(root):
    continues = {"ch09-one-customer", "ch09-summary", "ch09-summary-size", "ch09-fit-read",
                 "ch09-conditional-table", "ch09-conditional-totals", "ch09-spend-zero-code",
                 "ch09-spend-check", "ch09-spend-fit", "ch09-alive-plot", "ch09-clv-totals",
                 "ch09-heterogeneity-numbers", "ch09-incremental-weeks",
                 "ch09-bootstrap-interval", "ch09-calibration-plot"}
    for before, cell in itertools.pairwise(ch.cells(root, MASTER).values()):
        if cell.cell_type == "code" and before.cell_type == "code":
            assert cell.id.endswith("-check") or cell.id in continues, cell.id


def test_the_chapter_ends_with_what_was_learned_and_what_comes_next(root):
    ch.assert_ends_with_summary(ch.cells(root, MASTER).values(), "Next: chapter 10")


def test_no_number_in_the_prose_contradicts_the_course_year(root):
    prose = "\n".join(c.source for c in ch.cells(root, MASTER).values() if c.cell_type == "markdown")
    assert not re.search(r"\b52nd root|times 52\b|1/52\b", prose)


def test_the_infinite_horizon_value_is_above_every_finite_one_as_the_text_says():
    import numpy as np

    import clv_course as clv
    from clv_course.models import BGNBD, GammaGamma, ParetoNBD, predicted_clv
    from clv_course.summary import customer_summary
    summary = customer_summary(clv.datasets.load("cdnow_sample"), calibration_end="1997-09-30",
                               holdout_end="1998-06-30", unit="week")
    bgf, ggf = BGNBD().fit_summary(summary), GammaGamma().fit_summary(summary)
    pnbd = ParetoNBD().fit_summary(summary)
    weekly = 1.10 ** (1 / (365.25 / 7)) - 1
    det = pnbd.discounted_expected_transactions(np.log1p(weekly), summary["frequency"],
                                                summary["recency"], summary["T"])
    infinite = (0.3 * det * ggf.expected_spend(summary["frequency"],
                                               summary["monetary_value"])).sum()
    ten, hundred = (predicted_clv(bgf, ggf, summary, horizon=weeks, margin=0.3,
                                  discount_rate=weekly, unit="week").sum() for weeks in (520, 5218))
    assert ten < hundred < infinite
