"""Chapter 4: several right solutions pass, and what the prose says is true of the inputs it uses.

The chapter's comparisons (which input moves CLV most, how far one point of
retention goes, how many years hold the value) are checked here on the same
inputs, the shop's on the public data and on a grading variant.
"""

from __future__ import annotations

import ast
import itertools
import math
import re

import pytest

import clv_course as clv
from clv_course.exercises import CourseData, ch04, get
from clv_course.sensitivity import component_clv, one_at_a_time
from tests.support import chapters as ch

GRADING_SEED = 90210
SEEDS = [None, GRADING_SEED]
MASTER = "masters/04_margin_discounting.ipynb"


def _data(seed):
    shop = CourseData(seed).load("shop")
    return {"shop": shop, "orders": shop[~shop["is_refund"]]}


@pytest.fixture(scope="module", params=SEEDS, ids=["public", "grading"])
def run(request):
    return request.param, _data(request.param)


# ------------------------------------------------------ several right solutions, as learners write

SOLUTIONS = {
    "ch04-margin-rate": {
        "two sums": """
            margin_rate_by_channel = (shop.groupby("acquisition_channel")["gross_margin"].sum()
                                      / shop.groupby("acquisition_channel")["amount"].sum())
        """,
        "one table": """
            totals = shop.groupby("acquisition_channel")[["gross_margin", "amount"]].sum()
            margin_rate_by_channel = totals["gross_margin"] / totals["amount"]
        """,
        "weighted mean of order rates": """
            rate = (shop["gross_margin"] / shop["amount"]).fillna(0)
            weighted = (rate * shop["amount"]).groupby(shop["acquisition_channel"]).sum()
            margin_rate_by_channel = weighted / shop.groupby("acquisition_channel")["amount"].sum()
        """,
    },
    "ch04-discounted-sum": {
        "loop from t = 1": """
            def discounted_clv(margin, retention, discount_rate, periods):
                return sum(margin * retention ** t / (1 + discount_rate) ** t
                           for t in range(1, periods + 1))
        """,
        "geometric partial sum": """
            def discounted_clv(margin, retention, discount_rate, periods):
                q = retention / (1 + discount_rate)
                return margin * q * (1 - q ** periods) / (1 - q)
        """,
        "the package, one period more less the first margin": """
            def discounted_clv(margin, retention, discount_rate, periods):
                return clv.metrics.discounted_clv(margin, retention, discount_rate,
                                                  periods=periods + 1) - margin
        """,
    },
    "ch04-closed-form": {
        "summing until there": """
            def periods_to_share(retention, discount_rate, share):
                limit = clv.metrics.discounted_clv_closed_form(1, retention, discount_rate)
                n = 1
                while clv.metrics.discounted_clv(1, retention, discount_rate, periods=n) < share * limit:
                    n += 1
                return n
        """,
        "logarithms": """
            import math
            def periods_to_share(retention, discount_rate, share):
                q = retention / (1 + discount_rate)
                return math.ceil(math.log(1 - share) / math.log(q))
        """,
        "numpy search": """
            def periods_to_share(retention, discount_rate, share):
                q = retention / (1 + discount_rate)
                reached = 1 - q ** np.arange(1, 10_000)
                return int(np.argmax(reached >= share)) + 1
        """,
    },
    "ch04-monthly-rate": {
        "root": """
            def monthly_rate(annual_rate):
                return (1 + annual_rate) ** (1 / 12) - 1
        """,
        "log1p and expm1": """
            def monthly_rate(annual_rate):
                return float(np.expm1(np.log1p(annual_rate) / 12))
        """,
        "bisection": """
            def monthly_rate(annual_rate):
                low, high = 0.0, annual_rate
                for _ in range(200):
                    middle = (low + high) / 2
                    low, high = (middle, high) if (1 + middle) ** 12 < 1 + annual_rate else (low, middle)
                return (low + high) / 2
        """,
    },
}
CASES = [(exercise_id, name) for exercise_id, named in SOLUTIONS.items() for name in named]


def test_every_chapter_4_exercise_has_at_least_two_solutions_here():
    assert set(SOLUTIONS) == {exercise.id for exercise in ch04.EXERCISES}
    assert all(len(named) >= 2 for named in SOLUTIONS.values())


@pytest.mark.parametrize("exercise_id, name", CASES, ids=[f"{e}:{n}" for e, n in CASES])
def test_each_solution_scores_full_points_publicly_and_on_a_grading_variant(run, exercise_id, name):
    seed, tables = run
    result = ch.judged(exercise_id, ch.run_solution(tables, SOLUTIONS[exercise_id][name]), seed)
    assert result.points == result.max_points, [p.message for p in result.parts]


def test_the_grader_hardening_class_still_finds_the_parts_it_relies_on():
    parts = {part.answer: (type(part).__name__, part.points)
             for exercise in ch04.EXERCISES for part in exercise.parts}
    assert parts["margin_rate_by_channel"] == ("ValuePart", 3)
    assert parts["monthly_rate"] == ("FunctionPart", 2)
    assert parts["discounted_clv"] == ("FunctionPart", 3)
    assert parts["periods_to_share"][0] == "FunctionPart"
    assert sum(points for _kind, points in parts.values()) == 10


@pytest.mark.parametrize("mistake", ["a percentage instead of a rate",
                                     "the mean of per-order margin rates"])
def test_the_margin_rate_names_the_reviewed_mistakes(run, mistake):
    seed, _tables = run
    part = get("ch04-margin-rate").parts[0]
    wrong = next(w for w in part.wrong if w.mistake == mistake)
    answer = wrong.answer(CourseData(seed))
    message = ch.judged("ch04-margin-rate", {part.answer: answer}, seed).parts[0].message
    assert wrong.hint in message


@pytest.mark.parametrize("exercise_id, mistake", [
    ("ch04-discounted-sum", "the course's timing"),
    ("ch04-discounted-sum", "one period too few"),
    ("ch04-discounted-sum", "the closed form, ignoring the periods"),
    ("ch04-discounted-sum", "retention one period behind the discounting"),
    ("ch04-monthly-rate", "a power of 1 divided by 12"),
])
def test_the_reviewed_function_mistakes_are_registered(exercise_id, mistake):
    """tests/test_exercises.py checks that each registered mistake gets its own hint."""
    assert mistake in {wrong.mistake for wrong in get(exercise_id).parts[0].wrong}


def test_the_timing_exercise_is_not_the_formula_shown_above(root):
    sources = {cell.id: cell.source for cell in ch.master(root, MASTER).cells}
    assert "Gupta and Lehmann" in sources["ch04-sum-intro"]
    assert "range(1, periods + 1)" in sources["ch04-sum"]
    assert "range(1" not in sources["ch04-terms"]


def test_the_share_reached_depends_neither_on_the_margin_nor_on_the_timing():
    for m, r, d, n in ((30, 0.8, 0.1, 7), (5, 0.95, 0.008, 40)):
        ours = clv.metrics.discounted_clv(m, r, d, periods=n) / \
            clv.metrics.discounted_clv_closed_form(m, r, d)
        later = sum(m * r ** t / (1 + d) ** t for t in range(1, n + 1)) / (m * r / (1 + d - r))
        assert ours == pytest.approx(later) == pytest.approx(1 - (r / (1 + d)) ** n)


def test_the_grading_inputs_of_the_horizon_exercise_are_far_from_ties():
    part = get("ch04-closed-form").parts[0]
    for cases in (part.public_cases(CourseData(None)), part.grading_cases(123, CourseData(None))):
        for case in cases:
            r, d, share = case.args
            exact = math.log(1 - share) / math.log(r / (1 + d))
            assert part.reference(*case.args) == math.ceil(exact)


# ------------------------------------------------------------------ what the prose says

def _shop_inputs(shop):
    orders = shop[~shop["is_refund"]]
    active = orders.groupby(orders["date"].dt.year)["customer_id"].nunique()
    return {"aov": clv.metrics.average_order_value(shop), "frequency": len(orders) / active.sum(),
            "margin": shop["gross_margin"].sum() / shop["amount"].sum(),
            "churn": clv.metrics.churn_rate(shop, unit="year").mean(), "discount_rate": 0.10}


LOYAL = {"aov": 50, "frequency": 1, "margin": 0.10, "churn": 0.05, "discount_rate": 0.10}


def churn_clv(aov, frequency, margin, churn, discount_rate):
    return component_clv(aov, frequency, margin, 1 - churn, discount_rate)


def test_gupta_lehmann_is_one_first_margin_less():
    m, r, d = 30, 0.8, 0.10
    assert m * r / (1 + d - r) == pytest.approx(clv.metrics.discounted_clv_closed_form(m, r, d) - m)


def test_the_first_ten_years_hold_nearly_all_of_the_value():
    share = clv.metrics.discounted_clv(30, 0.8, 0.1, periods=10) / \
        clv.metrics.discounted_clv_closed_form(30, 0.8, 0.1)
    assert share > 0.95


def test_varied_by_the_same_share_churn_moves_clv_less_than_order_value(run):
    _seed, tables = run
    for case in (_shop_inputs(tables["shop"]), LOYAL):
        table = one_at_a_time(case, change=0.10, model=churn_clv)
        assert list(table.index[:3]) == ["aov", "frequency", "margin"]
        row = table.loc["churn"]
        assert 0 < row["low_change"] < 0.1 * table.attrs["base"]  # "a little less than 10 %"
        assert row["low_change"] != pytest.approx(-row["high_change"])  # "not symmetrically"
    shop = one_at_a_time(_shop_inputs(tables["shop"]), change=0.10, model=churn_clv)
    assert shop.index[-1] == "discount_rate"  # "the discount rate matters least here"


def test_for_the_loyal_customer_the_discount_rate_moves_clv_more_than_churn(run):
    _seed, tables = run
    shop, loyal = (one_at_a_time(c, change=0.10, model=churn_clv)
                   for c in (_shop_inputs(tables["shop"]), LOYAL))
    assert shop.loc["discount_rate", "swing"] < shop.loc["churn", "swing"]
    assert loyal.loc["discount_rate", "swing"] > loyal.loc["churn", "swing"]
    assert LOYAL["discount_rate"] > LOYAL["churn"]  # "the discount rate is most of d + churn"


def test_five_percent_churn_a_month_is_as_much_as_the_shops_churn_a_year(run, root):
    _seed, tables = run
    per_year = 1 - 0.95 ** 12
    assert per_year == pytest.approx(0.46, abs=0.001)
    assert abs(per_year - _shop_inputs(tables["shop"])["churn"]) < 0.01  # "no more loyal"
    sources = {cell.id: cell.source for cell in ch.master(root, MASTER).cells}
    assert "5 % churn a month is 46 % a year" in sources["ch04-summary"]


def test_five_percent_more_retention_would_cut_the_loyal_churn_twentyfold():
    assert 0.05 / (1 - 0.95 * 1.05) == pytest.approx(20)
    assert 0.95 * 1.10 > 1  # "10 % of 95 % retention would be all the churn and more"


def _moved(case, step):
    return churn_clv(**{**case, "churn": case["churn"] + step}) / churn_clv(**case) - 1


def test_one_point_of_retention_moves_the_shop_little_and_the_loyal_customer_much(run):
    _seed, tables = run
    shop = _shop_inputs(tables["shop"])
    assert all(abs(_moved(shop, step)) < 0.02 for step in (-0.01, 0.01))  # "under 2 %"
    ratios = [_moved(LOYAL, step) / _moved(shop, step) for step in (-0.01, 0.01)]
    assert all(3.4 < ratio < 4.0 for ratio in ratios)  # "about four times as much"
    assert 0.01 / shop["churn"] < 1 / 40  # "for the shop not even a fortieth"


def test_the_quoted_retention_point_changes_are_the_tables(root):
    sources = {cell.id: cell.source for cell in ch.master(root, MASTER).cells}
    shop = _shop_inputs(_data(None)["shop"])
    for case in (shop, LOYAL):
        for step in (-0.01, 0.01):
            quoted = clv.fmt(_moved(case, step), "percent", digits=2).replace("%", " %")
            assert (quoted if quoted.startswith("-") else "+" + quoted) in \
                sources["ch04-retention-point-read"]


def _cohort_2023(shop):
    orders = shop[~shop["is_refund"]]
    first = orders.groupby("customer_id")["date"].min().dt.year
    cohort = first[first == 2023].index
    rows = shop[shop["customer_id"].isin(cohort)]
    realised = rows.groupby(rows["date"].dt.year)["gross_margin"].sum() / len(cohort)
    return realised, realised / 1.1 ** (realised.index - 2023)


def test_the_closed_form_is_below_what_the_2023_cohort_already_earned(run):
    _seed, tables = run
    inputs = _shop_inputs(tables["shop"])
    realised, discounted = _cohort_2023(tables["shop"])
    value = churn_clv(**inputs)
    assert discounted.sum() < value < 1.02 * realised.sum()  # "about as much as the whole value"
    m, r = inputs["aov"] * inputs["frequency"] * inputs["margin"], 1 - inputs["churn"]
    assert m > realised[2023]  # "a little more in the first year"
    assert all(m * r ** (y - 2023) < realised[y] for y in (2024, 2025))  # "far less later"
    assert sum(m * r ** t / 1.1 ** t for t in range(3)) < discounted.sum()  # it undershoots


def test_the_quoted_cohort_figures_are_the_tables(root):
    text = {cell.id: cell.source for cell in ch.master(root, MASTER).cells}["ch04-cohort-realised-read"]
    shop = _data(None)["shop"]
    inputs = _shop_inputs(shop)
    realised, discounted = _cohort_2023(shop)
    m, r = inputs["aov"] * inputs["frequency"] * inputs["margin"], 1 - inputs["churn"]
    figures = [realised.sum(), discounted.sum(), churn_clv(**inputs), *realised,
               *(m * r ** t for t in range(3))]
    for figure in figures:
        assert f"{figure:.2f}" in text, figure
    share = clv.cohorts.retention_matrix(shop, unit="year").loc["2023", 2]
    assert f"{share:.1%}".replace("%", " %") in text


def test_using_the_annual_rate_per_month_is_far_too_low_and_a_twelfth_slightly_off():
    right = clv.metrics.discounted_clv_closed_form(5, 0.95, 1.1 ** (1 / 12) - 1)
    assert clv.metrics.discounted_clv_closed_form(5, 0.95, 0.10) < 0.5 * right
    assert clv.metrics.discounted_clv_closed_form(5, 0.95, 0.10 / 12) == pytest.approx(right, rel=0.01)


def test_marketplace_customers_order_on_the_marketplace_more_often(run):
    _seed, tables = run
    orders = tables["orders"]
    share = (orders["sales_channel"] == "marketplace").groupby(orders["acquisition_channel"]).mean()
    assert share.idxmax() == "marketplace"


# ------------------------------------------------------------------------ the notebook's form

def test_the_conventions_are_named_in_the_text(root):
    sources = {cell.id: cell.source for cell in ch.master(root, MASTER).cells}
    assert "Gupta and Lehmann" in sources["ch04-convention"]
    assert r"\frac{m \, r}{1 + d - r}" in sources["ch04-closed"]
    assert r"\frac{m \, (1 + d)}{1 + d - r}" in sources["ch04-closed"]


def test_the_monthly_rate_formula_is_shown_only_after_the_exercise(root):
    ids = [cell.id for cell in ch.master(root, MASTER).cells]
    sources = {cell.id: cell.source for cell in ch.master(root, MASTER).cells}
    formula = [cell_id for cell_id in ids if "(1 + d_\\text{year})^{1/12}" in sources[cell_id]]
    assert formula and all(ids.index(f) > ids.index("ch04-monthly-rate-check") for f in formula)


def test_no_cell_shows_a_bare_tuple(root):
    ch.assert_code_cells(ch.master(root, MASTER).cells, kinds=(ast.Tuple, ast.List))


def test_code_cells_are_short(root):
    ch.assert_code_cells(ch.master(root, MASTER).cells, limit=13, kinds=())


def test_every_code_cell_follows_prose_or_the_cell_it_continues(root):
    cells = ch.master(root, MASTER).cells
    continues = {"ch04-margin-by-sales", "ch04-terms-sum", "ch04-convergence-share",
                 "ch04-shop-value", "ch04-tornado", "ch04-pitfall-compare"}
    for before, cell in itertools.pairwise(cells):
        if cell.cell_type == "code" and before.cell_type == "code":
            assert cell.id.endswith("-check") or cell.id in continues, cell.id


def test_the_chapter_ends_with_what_was_learned_and_what_comes_next(root):
    ch.assert_ends_with_summary(ch.master(root, MASTER).cells, "Next: chapter 5")


def test_hints_teach_the_idea_without_dictating_code():
    code = re.compile(r"\w\(|\.\w+\(|==|\[|clv\.|`|\*\*")
    ch.assert_hints_free_of(ch04.EXERCISES, code, with_id=False)
