"""Chapter 3: several right solutions pass, and what the prose says is true of the course's data.

Every claim the chapter makes about the shop (what drives the cohort matrix's
drop, how the two lifespans compare, how the channels differ) is checked here,
on the public data and, where it is a claim about the shop's behaviour, on a
grading variant too.
"""

from __future__ import annotations

import ast
import itertools
import re

import pandas as pd
import pytest

import clv_course as clv
from clv_course.exercises import CourseData, ch03, get
from tests.support import chapters as ch

GRADING_SEED = 90210
SEEDS = [None, GRADING_SEED]
MASTER = "masters/03_retention.ipynb"


def _data(seed):
    shop = CourseData(seed).load("shop")
    return {"shop": shop, "orders": shop[~shop["is_refund"]]}


@pytest.fixture(scope="module", params=SEEDS, ids=["public", "grading"])
def run(request):
    return request.param, _data(request.param)


@pytest.fixture(scope="module")
def public():
    return _data(None)


# ------------------------------------------------------ several right solutions, as learners write

SOLUTIONS = {
    "ch03-shop-retention": {
        "package per channel": """
            retention_2025_by_channel = pd.Series({
                channel: clv.metrics.retention_rate(rows, unit="year")["2025"]
                for channel, rows in shop.groupby("acquisition_channel")})
        """,
        "sets by hand": """
            rates = {}
            for channel, rows in orders.groupby("acquisition_channel"):
                year = rows["date"].dt.year
                before = set(rows.loc[year == 2024, "customer_id"])
                after = set(rows.loc[year == 2025, "customer_id"])
                rates[channel] = len(before & after) / len(before)
            retention_2025_by_channel = pd.Series(rates)
        """,
        "activity table": """
            active = pd.crosstab([orders["acquisition_channel"], orders["customer_id"]],
                                 orders["date"].dt.year) > 0
            kept = active[active[2024]]
            retention_2025_by_channel = kept[2025].groupby(level=0).mean()
        """,
    },
    "ch03-cohort-share": {
        "package": 'cohort_2023_in_2025 = clv.cohorts.retention_matrix(shop, unit="year").loc["2023", 2]',
        "pandas": """
            first = orders.groupby("customer_id")["date"].min().dt.year
            cohort = set(first[first == 2023].index)
            in_2025 = set(orders.loc[orders["date"].dt.year == 2025, "customer_id"])
            cohort_2023_in_2025 = len(cohort & in_2025) / len(cohort)
        """,
    },
    "ch03-expected-lifetime": {
        "sum of survival": """
            def expected_active_periods(churn, horizon):
                return sum((1 - churn) ** t for t in range(horizon))
        """,
        "closed form": """
            def expected_active_periods(churn, horizon):
                return (1 - (1 - churn) ** horizon) / churn
        """,
        "numpy": """
            def expected_active_periods(churn, horizon):
                return float(np.cumprod(np.r_[1.0, np.full(horizon - 1, 1 - churn)]).sum())
        """,
    },
    "ch03-monthly-retention": {
        "root": """
            def monthly_retention(annual):
                return annual ** (1 / 12)
        """,
        "logarithms": """
            import math
            def monthly_retention(annual):
                return math.exp(math.log(annual) / 12)
        """,
    },
}
CASES = [(exercise_id, name) for exercise_id, named in SOLUTIONS.items() for name in named]


def test_every_chapter_3_exercise_has_at_least_two_solutions_here():
    assert set(SOLUTIONS) == {exercise.id for exercise in ch03.EXERCISES}
    assert all(len(named) >= 2 for named in SOLUTIONS.values())


@pytest.mark.parametrize("exercise_id, name", CASES, ids=[f"{e}:{n}" for e, n in CASES])
def test_each_solution_scores_full_points_publicly_and_on_a_grading_variant(run, exercise_id, name):
    seed, tables = run
    result = ch.judged(exercise_id, ch.run_solution(tables, SOLUTIONS[exercise_id][name]), seed)
    assert result.points == result.max_points, [p.message for p in result.parts]


def test_a_typed_in_public_answer_fails_on_the_grading_variant():
    for exercise_id in ("ch03-shop-retention", "ch03-cohort-share"):
        part = get(exercise_id).parts[0]
        typed_in = {part.answer: part.expected(CourseData(None))}
        assert ch.judged(exercise_id, typed_in, GRADING_SEED).points == 0


@pytest.mark.parametrize("exercise_id", ["ch03-shop-retention", "ch03-cohort-share"])
def test_a_percentage_instead_of_a_rate_is_named(exercise_id):
    part = get(exercise_id).parts[0]
    wrong = next(w for w in part.wrong if w.mistake == "a percentage instead of a rate")
    message = ch.judged(exercise_id, {part.answer: wrong.answer(CourseData(None))}, None).parts[0].message
    assert wrong.hint in message


def test_the_exercises_ask_for_a_decision_not_a_retyped_formula(root):
    sources = {cell.id: cell.source for cell in ch.master(root, MASTER).cells}
    assert "acquisition_channel" in sources["ch03-shop-retention-intro"]
    assert "horizon" in sources["ch03-expected-lifetime-intro"]
    assert "retention_rate(shop, unit=\"year\")[\"2025\"]" not in sources["ch03-shop-retention"]


# ------------------------------------------------------------------ what the prose says about the data

def _first_quarter_split(orders, cohort="2023Q1"):
    quarter = orders["date"].dt.to_period("Q")
    first = quarter.groupby(orders["customer_id"]).transform("min")
    rows = orders[first == pd.Period(cohort)]
    age = (quarter - first)[rows.index].map(lambda offset: offset.n)
    active = pd.crosstab(rows["customer_id"], age) > 0
    still = active.iloc[:, ::-1].cummax(axis=1).iloc[:, ::-1]
    one_time = (rows.groupby("customer_id").size() == 1).mean()
    return active, still, one_time


def test_the_drop_after_period_0_is_mostly_skipped_quarters_not_one_time_buyers(run):
    _seed, t = run
    active, still, one_time = _first_quarter_split(t["orders"])
    skipped = (still[1] & ~active[1]).mean()
    never = (~still[1]).mean()
    assert active[1].mean() + skipped + never == pytest.approx(1)  # "add up to the whole cohort"
    assert skipped > never > one_time  # "more of the drop than those who never came back"
    assert one_time < 0.15  # "only a small part"


def test_the_review_figures_hold_one_time_buyers_and_the_cohort_ordering_again(public):
    per_customer = public["orders"].groupby("customer_id").size()
    assert (per_customer == 1).mean() == pytest.approx(0.12, abs=0.005)
    active, still, _ = _first_quarter_split(public["orders"])
    assert still[1].mean() == pytest.approx(0.80, abs=0.01)


def test_customers_still_buying_fall_steadily_and_about_half_order_each_quarter(run):
    _seed, t = run
    active, still, _ = _first_quarter_split(t["orders"])
    buying = still.mean().loc[1:8]
    assert (buying.diff().dropna() < 0).all()
    ordered = (active.sum() / still.sum()).loc[1:8]
    assert ordered.between(0.4, 0.6).all()


def test_the_first_drop_is_the_largest_in_every_quarterly_cohort(run):
    _seed, t = run
    matrix = clv.cohorts.retention_matrix(t["shop"], unit="quarter")
    drops = -matrix.diff(axis=1).iloc[:, 1:]
    assert (drops.idxmax(axis=1) == 1).all()


def test_a_cohort_row_rises_somewhere(public):
    matrix = clv.cohorts.retention_matrix(public["shop"], unit="quarter")
    assert (matrix.diff(axis=1) > 0).to_numpy().any()


def test_quarterly_retention_is_lower_than_yearly(run):
    _seed, t = run
    quarterly = clv.metrics.retention_rate(t["shop"], unit="quarter")
    yearly = clv.metrics.retention_rate(t["shop"], unit="year")
    assert quarterly.max() < yearly.min()


def test_the_channels_keep_their_customers_clearly_differently(run):
    seed, _t = run
    rates = ch03._by_channel(CourseData(seed))
    assert rates.max() - rates.min() > 0.1


def test_the_two_lifespans_compare_as_the_text_says(run):
    """Observed lifespan < active years so far < 1 / churn; constant churn over 3 years < observed."""
    _seed, t = run
    shop, orders = t["shop"], t["orders"]
    churn = clv.metrics.churn_rate(shop, unit="year")["2025"]
    row = clv.cohorts.retention_matrix(shop, unit="year").loc["2023"]
    first_year = orders.groupby("customer_id")["date"].min().dt.year
    lifespan = clv.metrics.customer_lifespan(shop, unit="year", per_customer=True)
    assert lifespan[first_year == 2023].mean() < row.sum() < clv.metrics.expected_lifetime(churn)
    assert ch03._active_periods(churn, 3) < row.sum()  # "constant churn expects fewer"
    assert row[2] > (1 - churn) ** 2  # "more than two steps of constant retention would leave"


def test_the_quoted_third_year_share_is_the_matrix_cell(root, public):
    sources = {cell.id: cell.source for cell in ch.master(root, MASTER).cells}
    share = clv.cohorts.retention_matrix(public["shop"], unit="year").loc["2023", 2]
    assert f"{share:.1%}".replace("%", " %") in sources["ch03-expected-vs-cohort-read"]


def test_the_quoted_active_years_are_computed(root, public):
    text = {cell.id: cell.source for cell in ch.master(root, MASTER).cells}["ch03-expected-vs-cohort-read"]
    churn = clv.metrics.churn_rate(public["shop"], unit="year")["2025"]
    row = clv.cohorts.retention_matrix(public["shop"], unit="year").loc["2023"]
    assert f"{ch03._active_periods(churn, 3):.2f} against the cohort's {row.sum():.2f}" in text
    assert f"{(1 - churn) ** 2:.1%}".replace("%", " %") in text
    assert (row[1:] > (1 - churn) ** pd.Index([1, 2])).all()  # "above it from the second year on"


def _gaps(orders):
    return orders.sort_values("date").groupby("customer_id")["date"].diff().dt.days.dropna()


def test_most_gaps_fit_in_a_year_not_in_a_quarter(run):
    _seed, t = run
    gaps = _gaps(t["orders"])
    assert gaps.median() < 92  # the usual gap is shorter than a quarter ...
    assert (gaps < 200).mean() > 0.9 > (gaps < 92).mean()  # ... but 9 in 10 need about 200 days
    assert gaps.quantile(0.9) < 365


def test_the_quoted_gaps_are_computed(root, public):
    text = {cell.id: cell.source for cell in ch.master(root, MASTER).cells}["ch03-gaps-read"]
    gaps = _gaps(public["orders"])
    for quoted in (gaps.median(), gaps.mean(), gaps.quantile(0.75), gaps.quantile(0.9)):
        assert f"{quoted:.0f}" in text, quoted
    assert "at least as long as the usual time" not in "\n".join(
        cell.source for cell in ch.master(root, MASTER).cells)


def test_no_cohort_starts_in_2025(run):
    _seed, t = run
    matrix = clv.cohorts.retention_matrix(t["shop"], unit="year")
    assert [str(cohort) for cohort in matrix.index] == ["2023", "2024"]


def test_one_time_buyers_all_never_ordered_after_the_first_quarter(run):
    _seed, t = run
    active, still, one_time = _first_quarter_split(t["orders"])
    quarter = t["orders"]["date"].dt.to_period("Q")
    first = quarter.groupby(t["orders"]["customer_id"]).transform("min")
    rows = t["orders"][first == pd.Period("2023Q1")]
    once = rows.groupby("customer_id").size() == 1
    assert (~still[1][once[once].index]).all()
    assert one_time <= (~still[1]).mean()


def test_the_cohort_share_states_the_orders_only_convention(root):
    sources = {cell.id: cell.source for cell in ch.master(root, MASTER).cells}
    assert "refund rows don't make a customer active" in sources["ch03-cohort-share-intro"]


@pytest.mark.parametrize("exercise_id, mistake", [
    ("ch03-cohort-share", "refund rows counted as activity"),
    ("ch03-cohort-share", "a share of 2024's active cohort members"),
    ("ch03-monthly-retention", "a percentage instead of a rate"),
    ("ch03-monthly-retention", "the root taken of the churn"),
])
def test_the_reviewed_mistakes_are_registered(exercise_id, mistake):
    """tests/test_exercises.py checks that each registered mistake gets its own hint."""
    assert mistake in {wrong.mistake for wrong in get(exercise_id).parts[0].wrong}


def test_a_share_of_the_second_year_is_the_reviewed_figure(public):
    assert ch03._share_of_the_second_year(CourseData(None)) == pytest.approx(0.614, abs=0.001)


def test_some_churned_customers_come_back(public):
    orders = public["orders"]
    year = orders["date"].dt.year
    by_year = {y: set(orders.loc[year == y, "customer_id"]) for y in (2023, 2024, 2025)}
    churned = by_year[2023] - by_year[2024]
    assert 0.1 < len(churned & by_year[2025]) / len(churned) < 0.3


def test_active_periods_approach_one_over_churn():
    assert ch03._active_periods(0.25, 400) == pytest.approx(4)
    assert ch03._active_periods(0.25, 1) == 1


def test_chapter_9_is_promised_only_what_it_does(root):
    text = "\n".join(cell.source for cell in ch.master(root, MASTER).cells)
    assert "fits the sBG model in full" not in text and "values customers with it" not in text
    assert "Chapter 9 returns to contracts with the shifted-beta-geometric model" in text


# ------------------------------------------------------------------------ the notebook's form

def test_no_cell_shows_a_bare_tuple(root):
    ch.assert_code_cells(ch.master(root, MASTER).cells, kinds=(ast.Tuple, ast.List))


def test_code_cells_are_short(root):
    ch.assert_code_cells(ch.master(root, MASTER).cells, limit=13, kinds=())


def test_every_code_cell_follows_prose_or_the_cell_it_continues(root):
    cells = ch.master(root, MASTER).cells
    for before, cell in itertools.pairwise(cells):
        if cell.cell_type == "code" and before.cell_type == "code":
            continues = {"ch03-sbg-year7"}
            assert cell.id.endswith("-check") or cell.id in continues, cell.id


def test_the_chapter_ends_with_what_was_learned_and_what_comes_next(root):
    ch.assert_ends_with_summary(ch.master(root, MASTER).cells, "Next: chapter 4")


def test_hints_teach_the_idea_without_dictating_code():
    code = re.compile(r"\w\(|\.\w+\(|==|\[|clv\.|`|\*\*")
    ch.assert_hints_free_of(ch03.EXERCISES, code, with_id=False)
