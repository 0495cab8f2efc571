"""Chapter 1: exercises that ask for a decision, accept every honest solution and name each
plausible mistake; prose whose numbers are true of the shop; a calculator question asked before
it is answered; outputs that are labelled."""

from __future__ import annotations

import re

import pytest

import clv_course as clv
from clv_course import segments
from clv_course.exercises import CourseData, FunctionPart, chapter_exercises, get
from clv_course.widgets.calculator import calculator_text, clv_calculator
from tests.support import chapters as ch
from tests.test_ch00_start_here import CODE

SEEDS = [None, 90210, 31337]
MASTER = "masters/01_what_is_clv.ipynb"


# ------------------------------------------------- what learners write (defined here, not in
# the package, so the grader sees them as the learner's own functions)

def simple_clv_per_year(aov, orders_per_month, years):
    orders_per_year = orders_per_month * 12
    return aov * orders_per_year * years


def simple_clv_in_months(aov, orders_per_month, years):
    return clv.metrics.historic_clv(aov, orders_per_month, years * 12)  # the package, in months


def margin_rate_by_hand(transactions):
    return transactions["gross_margin"].sum() / transactions["amount"].sum()


def margin_rate_with_the_package(transactions):
    profit = segments.value_per_customer(transactions, "gross_margin").sum()
    return profit / segments.value_per_customer(transactions, "amount").sum()


def margin_rate_as_percent(transactions):
    return round(100 * transactions["gross_margin"].sum() / transactions["amount"].sum(), 10)


FUNCTION_SOLUTIONS = {("ch01-simple-clv", "simple_clv"): [simple_clv_per_year, simple_clv_in_months],
                      ("ch01-profit-clv", "margin_rate"): [margin_rate_by_hand,
                                                           margin_rate_with_the_package]}

VALUE_SOLUTIONS = {
    "revenue_per_customer": [
        lambda shop: shop["amount"].sum() / shop["customer_id"].nunique(),
        lambda shop: segments.value_per_customer(shop, "amount").mean(),
    ],
    "profit_per_customer": [
        lambda shop: shop["gross_margin"].sum() / shop["customer_id"].nunique(),
        lambda shop: segments.value_per_customer(shop).mean(),
        lambda shop: shop.groupby("customer_id")["gross_margin"].sum().mean(),
    ],
}


def _public_shop():
    return CourseData(None).load("shop")


def _eur(value: float) -> str:
    return f"{value:,.2f} EUR"


def _pct(share: float, digits: int = 0) -> str:
    return f"{100 * share:.{digits}f} %"


# ---------------------------------------------------------------------------- exercises

@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("exercise_id, answer", list(FUNCTION_SOLUTIONS))
def test_ch01_function_exercises_accept_two_different_solutions(exercise_id, answer, seed):
    for solution in FUNCTION_SOLUTIONS[(exercise_id, answer)]:
        outcome = ch.part_result(exercise_id, answer, solution, seed)
        assert outcome.passed, (solution.__name__, outcome.message)


@pytest.mark.parametrize("seed", SEEDS)
def test_ch01_shop_value_accepts_pandas_by_hand_and_the_package(seed):
    shop = CourseData(seed).load("shop")
    for answer, ways in VALUE_SOLUTIONS.items():
        for way in ways:
            outcome = ch.part_result("ch01-shop-value", answer, way(shop), seed)
            assert outcome.passed, (answer, outcome.message)


@pytest.mark.parametrize("seed", [None, 90210])
def test_ch01_every_registered_mistake_written_by_a_learner_gets_its_own_hint(seed):
    ch.assert_mistakes_get_their_hints(chapter_exercises("ch01"), seed)


def test_ch01_the_decisions_the_review_asked_for_are_registered_mistakes():
    mistakes = {(e.id, p.answer): {w.mistake for w in p.wrong}
                for e in chapter_exercises("ch01") for p in e.parts}
    assert "months and years mixed" in mistakes[("ch01-simple-clv", "simple_clv")]
    assert {"a percentage, not a rate", "the mean of each order's rate", "refunds left out"} \
        <= mistakes[("ch01-profit-clv", "margin_rate")]
    assert "refunds left out" in mistakes[("ch01-shop-value", "revenue_per_customer")]
    assert "profit with refunds left out" in mistakes[("ch01-shop-value", "profit_per_customer")]


def test_ch01_a_percentage_is_named_as_such():
    outcome = ch.part_result("ch01-profit-clv", "margin_rate", margin_rate_as_percent)
    assert outcome.points == 0 and "0.3" in outcome.message and "percentage" in outcome.message


def test_ch01_retyping_the_formula_shown_above_does_not_pass():
    def retyped(aov, frequency, lifespan):
        return aov * frequency * lifespan
    outcome = ch.part_result("ch01-simple-clv", "simple_clv", retyped)
    assert outcome.points == 0 and "same time unit" in outcome.message


def test_ch01_references_are_private_not_package_functions_a_learner_could_assign():
    public = [getattr(module, name) for module in (clv.metrics, segments)
              for name in getattr(module, "__all__", [])]
    for exercise in chapter_exercises("ch01"):
        for part in exercise.parts:
            if isinstance(part, FunctionPart):
                assert part.reference.__name__.startswith("_"), part.answer
                assert not any(part.reference is member for member in public), part.answer
                assigned = ch.part_result(exercise.id, part.answer, clv.metrics.historic_clv)
                assert assigned.points == 0


def test_ch01_hints_teach_the_idea_without_dictating_code():
    ch.assert_hints_free_of(chapter_exercises("ch01"), CODE)


def test_ch01_margin_rate_cases_include_a_slice_of_the_data_variant():
    part = get("ch01-profit-clv").parts[0]
    public = part.public_cases(CourseData(None))
    graded = part.grading_cases(90210, CourseData(90210))
    assert len(public) == len(graded) >= 5
    public_ids = set(public[-1].args[0]["customer_id"])
    graded_ids = set(graded[-1].args[0]["customer_id"])
    assert public_ids != graded_ids and all(i.startswith("C0") for i in public_ids | graded_ids)


# --------------------------------------------------------------------- prose and cells

def test_ch01_every_number_in_the_prose_is_true_of_the_shop(root):
    cells = ch.cells(root, MASTER)
    shop = _public_shop()
    revenue = segments.value_per_customer(shop, "amount")
    profit = segments.value_per_customer(shop)
    first = shop.loc[~shop["is_refund"]].groupby("customer_id")["date"].min()
    by_year = profit.groupby(first.dt.year).agg(["mean", "median"])
    example = 50.0 * 4.0 * 3.0
    expected = {
        "ch01-example-readout": [f"{example:.0f} EUR", f"{0.3 * example:.0f} EUR"],
        "ch01-doubling-explain": [f"{0.6 * example:.0f} EUR", f"{0.3 * example:.0f} EUR"],
        "ch01-so-far-readout": [_eur(revenue.mean()), _eur(profit.mean()),
                                _pct(profit.sum() / revenue.sum(), 1)],
        "ch01-plot-intro": [_eur(profit.mean())],
        "ch01-skew-readout": [_pct((profit < profit.mean()).mean()), _eur(profit.median()),
                              _eur(profit.mean()), _pct(segments.top_share(profit, 0.1)),
                              _pct(1 - segments.top_share(profit, 0.5))],
        "ch01-by-year-readout": [_eur(by_year.loc[2023, "mean"]), _eur(by_year.loc[2024, "mean"]),
                                 _eur(by_year.loc[2023, "median"]),
                                 _eur(by_year.loc[2024, "median"])],
        "ch01-summary": [_pct(segments.top_share(profit, 0.1))],
    }
    for cell_id, numbers in expected.items():
        for number in numbers:
            assert number in cells[cell_id].source, (cell_id, number)
    assert shop["customer_id"].nunique() == 6000  # "Six thousand customers"
    assert (shop["date"].min().year, shop["date"].max().year) == (2023, 2025)
    assert set(first.dt.year) == {2023, 2024}  # "first order in 2023 or 2024"


def test_ch01_each_read_out_number_comes_after_the_cell_that_computes_it(root):
    order = list(ch.cells(root, MASTER))
    for computing, reading in [("ch01-example", "ch01-example-readout"),
                               ("ch01-doubling", "ch01-doubling-explain"),
                               ("ch01-shop-size", "ch01-shop-size-readout"),
                               ("ch01-so-far", "ch01-so-far-readout"),
                               ("ch01-skew", "ch01-skew-readout"),
                               ("ch01-by-year", "ch01-by-year-readout")]:
        assert order.index(computing) < order.index(reading)


def test_ch01_the_calculator_question_is_asked_then_tried_then_answered(root):
    cells = ch.cells(root, MASTER)
    order = list(cells)
    question = cells["ch01-calculator-intro"].source
    assert "?" in question
    assert not re.search(r"equal|same|360|all (three|four)", question)
    assert order.index("ch01-calculator-intro") < order.index("ch01-calculator") \
        < order.index("ch01-doubling") < order.index("ch01-doubling-explain")


def test_ch01_names_a_projection_a_projection_and_the_past_so_far(root):
    cells = ch.cells(root, MASTER)
    code = "\n".join(c.source for c in cells.values() if c.cell_type == "code")
    prose = "\n".join(c.source for c in cells.values() if c.cell_type == "markdown")
    assert "historic_clv" not in code
    # "historic" only as the dashboards' word, quoted
    assert all(m.group(0) == '"historic CLV"' for m in re.finditer(r'"?historic[^"]*"?', prose,
                                                                    re.IGNORECASE))
    assert "most expensive mistake" not in prose
    assert "so far" in cells["ch01-shop-value-intro"].source
    assert "projected" in cells["ch01-simple-intro"].source


def test_ch01_says_what_the_literature_and_practice_mean_by_clv(root):
    cells = ch.cells(root, MASTER)
    prose = "\n".join(c.source for c in cells.values() if c.cell_type == "markdown")
    for words in ["Gupta and Lehmann", "Fader and Hardie", "forward", "discounted",
                  "Net (or contribution) CLV", "returns", "marketing", "net profit",
                  "Keeping a customer is cheaper than winning", "hypothesis",
                  "Profitability", "Segmentation by value", "Resource allocation"]:
        assert words in prose, words


def test_ch01_no_cell_ends_in_a_bare_tuple_and_cells_stay_short(root):
    ch.assert_code_cells(ch.cells(root, MASTER).values(), limit=10, strip=False, allow_empty=True)


def test_ch01_each_exercise_is_introduced_by_prose(root):
    cells = list(ch.cells(root, MASTER).values())
    for index, cell in enumerate(cells):
        if "### BEGIN SOLUTION" in cell.source:
            assert cells[index - 1].cell_type == "markdown", cell.id


def test_ch01_ends_with_what_was_learned_and_what_comes_next(root):
    ch.assert_ends_with_summary(ch.cells(root, MASTER).values(), "Next", "chapter 2",
                                heading="What you learned", at_start=False)


# ------------------------------------------------------------------------ the calculator

def test_the_calculator_says_it_projects_revenue_and_profit_undiscounted():
    text = calculator_text(50, 4, 3, 0.3, "EUR")
    assert "Revenue CLV" in text and "projected" in text and "undiscounted" in text
    assert "€600.00" in text and "€180.00" in text and "30%" in text


def test_the_calculator_reacts_to_a_slider():
    box = clv_calculator(aov=50, frequency=4, lifespan=3, margin=0.3, currency="EUR")
    sliders, result = box.children[:4], box.children[4]
    assert len(sliders) == 4
    before = result.value
    sliders[0].value = 100
    assert result.value != before and "€1,200.00" in result.value


def test_ch01_money_rounded_to_the_cent_passes_but_a_rounded_rate_does_not():
    shop = _public_shop()

    def to_the_cent(aov, orders_per_month, years):
        return round(aov * orders_per_month * 12 * years, 2)

    def rate_rounded(transactions):
        return round(transactions["gross_margin"].sum() / transactions["amount"].sum(), 2)

    assert ch.part_result("ch01-simple-clv", "simple_clv", to_the_cent).passed
    revenue = round(shop["amount"].sum() / shop["customer_id"].nunique(), 2)
    assert ch.part_result("ch01-shop-value", "revenue_per_customer", revenue).passed
    rounded = ch.part_result("ch01-profit-clv", "margin_rate", rate_rounded)
    assert rounded.points == 0 and "unrounded" in rounded.message
