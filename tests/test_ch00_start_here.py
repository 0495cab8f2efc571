"""Chapter 0: its warm-ups accept every honest way to the answer, its hints never dictate code,
and what its prose says about CDNOW is true of the data."""

from __future__ import annotations

import re

import pytest

import clv_course as clv
from clv_course.exercises import CourseData, chapter_exercises
from clv_course.i18n import _
from tests.support import chapters as ch

SEEDS = [None, 90210, 31337]
MASTER = "masters/00_start_here.ipynb"

# Two (or three) legitimately different ways a learner computes each warm-up.
SOLUTIONS = {
    "ch00-rows": {"n_purchases": [lambda t: len(t), lambda t: t.shape[0]]},
    "ch00-customers": {"n_customers": [lambda t: t["customer_id"].nunique(),
                                       lambda t: len(t["customer_id"].unique()),
                                       lambda t: t.groupby("customer_id").ngroups]},
    "ch00-revenue": {"total_revenue": [
        lambda t: t["amount"].sum(),
        lambda t: clv.metrics.average_order_value(t) * len(t),  # the package's AOV x purchases
    ]},
}

# Code a hint must not contain: a call, a method, a comparison, an assignment, a pandas name.
CODE = re.compile(r"\w\(|\.\w+\(|\)\.\w|==|\w\s=\s|\[\"|"
                  r"\b(?:nunique|len|groupby|shape|iloc|loc|value_counts|query)\b")


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("exercise_id", list(SOLUTIONS))
def test_ch00_every_honest_solution_passes_on_the_public_data_and_a_grading_variant(exercise_id, seed):
    table = CourseData(seed).load("cdnow_sample")
    for answer, ways in SOLUTIONS[exercise_id].items():
        for way in ways:
            outcome = ch.part_result(exercise_id, answer, way(table), seed)
            assert outcome.passed, (exercise_id, answer, outcome.message)


def test_ch00_hints_teach_the_idea_without_dictating_code():
    ch.assert_hints_free_of(chapter_exercises("ch00"), CODE)


def test_ch00_a_wrong_answer_is_told_what_to_think_about_not_the_value(root):
    table = CourseData(None).load("cdnow_sample")
    outcome = ch.part_result("ch00-customers", "n_customers", len(table), None)
    assert outcome.points == 0
    assert _("count each customer once") in outcome.message
    assert str(table["customer_id"].nunique()) not in outcome.message


def test_ch00_exercise_instructions_do_not_hand_out_the_code(root):
    cells = ch.cells(root, MASTER)
    for cell_id in ("ch00-rows-intro", "ch00-customers-intro", "ch00-revenue-intro"):
        assert "Hint" not in cells[cell_id].source
        assert not any("(" in code for code in re.findall(r"`([^`]+)`", cells[cell_id].source)), \
            cell_id


def test_ch00_says_what_is_true_about_repeat_buyers(root):
    cells = ch.cells(root, MASTER)
    table = CourseData(None).load("cdnow_sample")
    purchases = table.groupby("customer_id").size()
    again, once = (purchases > 1).mean(), (purchases == 1).mean()
    assert again < 0.5  # so "most customers bought more than once" is false
    text = cells["ch00-repeat-explain"].source
    assert f"{100 * again:.1f} %" in text and f"{100 * once:.1f} %" in text
    assert "Fewer than half" in text
    assert "Most customers bought more than once" not in "".join(c.source for c in cells.values())


def test_ch00_computes_the_repeat_share_in_a_cell_before_saying_it(root):
    order = list(ch.cells(root, MASTER))
    assert order.index("ch00-repeat-intro") < order.index("ch00-repeat") \
        < order.index("ch00-repeat-explain")


def test_ch00_no_cell_ends_in_a_bare_tuple(root):
    ch.assert_code_cells(ch.cells(root, MASTER).values(), strip=False, allow_empty=True)


def test_ch00_ends_with_what_was_learned_and_what_comes_next(root):
    ch.assert_ends_with_summary(ch.cells(root, MASTER).values(), "Next", "01_what_is_clv",
                                heading="What you learned", at_start=False)
