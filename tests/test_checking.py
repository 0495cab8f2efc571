"""The self-check and the grader judge the same way and always answer with a sentence."""

from __future__ import annotations

import math

import pytest

from clv_course import check
from clv_course.checking import collect, judge
from clv_course.exercises import get


def simple_clv(aov, orders_per_month, years):
    return aov * orders_per_month * 12 * years  # chapter 1's exercise: orders per month, years


class AlwaysEqual:
    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


def _forgets_return(aov, frequency, lifespan):
    value = aov * frequency * lifespan  # noqa: F841 - the mistake under test


def _report(namespace, exercise_id="ch01-simple-clv"):
    return check(exercise_id, namespace)


def test_a_right_function_passes_with_full_points():
    report = _report({"simple_clv": simple_clv})
    assert report.passed and report.result.points == 3


def test_the_report_says_grading_runs_more_checks_on_fresh_data():
    assert "fresh data" in repr(_report({"simple_clv": simple_clv}))


@pytest.mark.parametrize("answer, words", [
    (..., "Not answered yet"),
    (None, "should be a function"),
    (42, "should be a function"),
    (_forgets_return, "returned None"),
    (lambda a, f, l: math.nan, "NaN"),
    (lambda a, f, l: "600", "Expected a number"),
    (lambda a, f, l: AlwaysEqual(), "Expected a plain value"),
    (lambda a, f, l: 1 / 0, "ZeroDivisionError"),
])
def test_every_kind_of_wrong_answer_gets_a_sentence_and_no_points(answer, words):
    report = _report({"simple_clv": answer})
    assert not report.passed and report.result.points == 0
    assert words in repr(report)
    assert "Traceback" not in repr(report)


def test_a_missing_name_is_explained():
    assert "There is no `simple_clv` yet" in repr(_report({}))


def test_an_unknown_exercise_id_is_explained_not_raised():
    assert "There is no exercise 'ch01-nope'" in repr(_report({}, "ch01-nope"))


def test_a_known_mistake_gets_its_own_hint():
    assert "multiply" in repr(_report({"simple_clv": lambda a, f, l: a + f + l}))


def test_public_messages_show_the_call_but_grading_messages_hide_the_fresh_inputs():
    exercise = get("ch01-simple-clv")
    wrong = {"simple_clv": lambda a, f, l: a + f + l}
    public = judge(exercise, collect(exercise, wrong)).parts[0].message
    graded = judge(exercise, collect(exercise, wrong, grading_seed=5), grading_seed=5).parts[0].message
    assert "simple_clv(" in public
    assert "simple_clv(" not in graded and "fresh inputs" in graded


def test_grading_inputs_change_with_the_seed():
    part = get("ch01-simple-clv").parts[0]
    from clv_course.exercises import CourseData
    data = CourseData()
    assert part.grading_cases(1, data) != part.grading_cases(2, data)
    assert part.grading_cases(1, data) != part.public_cases(data)


def test_a_function_that_edits_its_input_does_not_spoil_the_next_call():
    import pandas as pd

    from clv_course.exercises import Case
    frame = pd.DataFrame({"amount": [1.0]})

    def vandal(table):
        table["amount"] = 0.0
        return 0.0
    Case((frame,)).call(vandal)
    assert frame["amount"].tolist() == [1.0]


def test_judging_a_garbled_outcome_scores_zero_with_a_sentence():
    exercise = get("ch01-shop-value")
    result = judge(exercise, {"revenue_per_customer": "junk", "profit_per_customer": {"x": 1}})
    assert result.points == 0
    assert all(part.message for part in result.parts)


def test_a_check_speaks_the_learners_language(catalog):
    catalog("de", "Noch nicht beantwortet.", msgid="Not answered yet: replace the `...` in the "
            "exercise cell with your answer and run it.")
    assert "Noch nicht beantwortet." in repr(_report({"simple_clv": ...}))


def test_a_function_still_holding_the_placeholder_body_is_not_answered_yet():
    def simple_clv(aov, frequency, lifespan):
        ...
    assert "Not answered yet" in repr(_report({"simple_clv": simple_clv}))


def test_a_function_of_the_course_itself_scores_nothing_with_a_sentence_why():
    from clv_course import metrics
    report = _report({"discounted_clv": metrics.discounted_clv}, "ch04-discounted-sum")
    assert report.result.points == 0
    assert "the course's own function clv_course.metrics.discounted_clv" in repr(report)


def test_an_accepted_alternative_convention_earns_full_points():
    from clv_course.checking import collect, judge
    from clv_course.exercises import Exercise, ValuePart
    part = ValuePart("years", 2, lambda data: 1.5, hint="", accepted=[lambda data: 1.4959])
    exercise = Exercise("ch99-years", "Years", [part])
    for answer, points in ((1.5, 2), (1.4959, 2), (1.45, 0)):
        assert judge(exercise, collect(exercise, {"years": answer})).points == points


def test_a_failed_public_call_shows_a_short_series_in_full():
    import pandas as pd
    from clv_course.exercises import Case
    case = Case((pd.Series([3.5, 1.0]), 7))
    assert case.describe("f") == "f(<series of 2 values: 3.5, 1.0>, 7)"


def test_a_function_that_never_returns_is_stopped_with_a_sentence(monkeypatch):
    from clv_course import collecting
    monkeypatch.setattr(collecting, "CALL_SECONDS", 0.2)

    def simple_clv(aov, orders_per_month, years):
        while True:
            pass

    report = _report({"simple_clv": simple_clv})
    assert report.result.points == 0
    assert "your function did not return within 0.2 seconds: does a loop in it ever stop?" \
        in repr(report)
