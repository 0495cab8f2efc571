"""Checking an answer in two steps that never meet: collect, then judge.

:func:`collect` runs where the learner's code lives (the learner's kernel, or
the grader's sandboxed kernel). It reads the learner's names, calls the
learner's functions, and turns every result into plain JSON data with
:func:`clv_course.plain.to_plain`; whatever goes wrong becomes a status, never
an exception.

:func:`judge` runs where the expected values are computed: in the learner's
kernel for the public self-check, in the grader's own process for grading. It
compares plain data with plain data, so nothing the learner defined is called.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any

from clv_course.collecting import MAX_MESSAGE, Call, PartRequest, collect_answers
from clv_course.exercises import CourseData, Exercise, FunctionPart, Part, ValuePart, Wrong
from clv_course.i18n import _
from clv_course.plain import mismatch, to_plain

# ------------------------------------------------------------------ collect (learner side)


def requests(exercise: Exercise, cases_seed: int | None, data: CourseData) -> list[PartRequest]:
    """What to collect for ``exercise``: public calls without a seed, the grader's with one.

    The requests hold plain arguments only, so the grader can hand them to a
    sandbox that does not contain the answer key.
    """
    return [PartRequest(part.answer, None if isinstance(part, ValuePart) else
                        [Call(case.args, case.kwargs) for case in _cases(part, cases_seed, data)])
            for part in exercise.parts]


def collect(exercise: Exercise, namespace: dict[str, Any], *, grading_seed: int | None = None,
            data: CourseData | None = None) -> dict[str, dict]:
    """Plain outcomes of each part, read from ``namespace`` (public cases without a seed)."""
    return collect_answers(requests(exercise, grading_seed, data or CourseData.current()),
                           namespace)


def _cases(part: FunctionPart, seed: int | None, data: CourseData) -> list:
    return part.public_cases(data) if seed is None else part.grading_cases(seed, data)


# ------------------------------------------------------------------- judge (checker side)

@dataclass
class PartResult:
    """How one part did: points earned out of ``max_points``, and what to tell the learner."""

    answer: str
    points: int
    max_points: int
    message: str

    @property
    def passed(self) -> bool:
        return self.points == self.max_points


@dataclass
class ExerciseResult:
    """The parts' results of one exercise."""

    exercise: Exercise
    parts: list[PartResult] = field(default_factory=list)

    @property
    def points(self) -> int:
        return sum(p.points for p in self.parts)

    @property
    def max_points(self) -> int:
        return sum(p.max_points for p in self.parts)

    def to_plain(self) -> dict:
        return {"exercise": self.exercise.id, "points": self.points, "max_points": self.max_points,
                "parts": [{"answer": p.answer, "points": p.points, "max_points": p.max_points,
                           "message": p.message} for p in self.parts]}


def judge(exercise: Exercise, collected: dict[str, dict], *, grading_seed: int | None = None,
          data: CourseData | None = None) -> ExerciseResult:
    """Score ``collected`` (from :func:`collect`) against values computed here."""
    data = data or CourseData.current()
    result = ExerciseResult(exercise)
    for part in exercise.parts:
        outcome = collected.get(part.answer)
        try:
            with warnings.catch_warnings():  # the judge's own computations (wrong answers too)
                warnings.simplefilter("ignore")
                message = _judge_part(part, outcome if type(outcome) is dict
                                      else {"status": "garbled"}, grading_seed, data)
        except Exception:  # noqa: BLE001 - an answer no comparison can handle scores zero, alone
            message = _("The answer could not be read.")
        result.parts.append(PartResult(part.answer, 0 if message else part.points, part.points,
                                       message or _("Right.")))
    return result


def _judge_part(part: Part, outcome: dict, seed: int | None, data: CourseData) -> str | None:
    status = outcome.get("status")
    name = part.answer
    if status == "missing":
        return _("There is no `{name}` yet: run the exercise cell that defines it.").format(name=name)
    if status == "placeholder":
        return _("Not answered yet: replace the `...` in the exercise cell with your answer and "
                 "run it.")
    if status == "not_function":
        return _("`{name}` should be a function (written with def), but it is {kind}.").format(
            name=name, kind=_text(outcome.get("kind")))
    if status == "course_function":
        return _("`{name}` is the course's own function {function}: the exercise asks you to "
                 "write the function yourself.").format(name=name,
                                                        function=_text(outcome.get("name")))
    if status in ("error", "type"):
        return _text(outcome.get("message"))
    if isinstance(part, ValuePart):
        if status != "ok":
            return _("The answer could not be read.")
        problem = mismatch(outcome.get("value"), expected_value(part, data), part.tolerance)
        if problem is None or any(
                mismatch(outcome.get("value"), expected_value(part, data, index), part.tolerance)
                is None for index in range(1, len(part.accepted) + 1)):
            return None
        return _with_hint(problem, part, _matching_wrong_value(part, outcome.get("value"), data))
    return _judge_function(part, outcome, seed, data)


_EXPECTED: dict[tuple[int, int | None, int], Any] = {}


def expected_value(part: ValuePart, data: CourseData, which: int = 0) -> Any:
    """The right answer to a value part as plain data, computed once per part and data variant.

    ``which`` 0 is ``part.expected``; 1, 2, ... are its ``accepted`` alternatives.
    A class's submissions share one variant, so the grader computes each expected
    value (a model fit, say) once, not once per learner.
    """
    key = (id(part), data.seed, which)
    if key not in _EXPECTED:
        compute = part.expected if which == 0 else part.accepted[which - 1]
        _EXPECTED[key] = to_plain(compute(data))
    return _EXPECTED[key]


def _judge_function(part: FunctionPart, outcome: dict, seed: int | None, data: CourseData) -> str | None:
    cases = _cases(part, seed, data)
    results = outcome.get("results")
    if outcome.get("status") != "called" or type(results) is not list or len(results) != len(cases):
        return _("The answer could not be read.")
    failed = []
    for case, result in zip(cases, results):
        problem = _case_problem(part, case, result)
        if problem:
            failed.append((case, problem))
    if not failed:
        return None
    case, problem = failed[0]
    if seed is None:
        where = _("{call}: ").format(call=case.describe(part.answer))
    else:  # grading inputs stay hidden
        where = _("On {failed} of {total} fresh inputs: ").format(failed=len(failed),
                                                                  total=len(cases))
    wrong = _matching_wrong_function(part, cases, results)
    return _with_hint(where + problem, part, wrong)


def _case_problem(part: FunctionPart, case: Any, result: Any) -> str | None:
    if type(result) is not dict:
        return _("The answer could not be read.")
    status = result.get("status")
    if status == "raised":
        return _("your function raised {error}").format(error=_text(result.get("message")))
    if status == "slow":
        seconds = result.get("seconds")
        return _("your function did not return within {seconds} seconds: does a loop in it ever "
                 "stop?").format(seconds=seconds if type(seconds) in (int, float) else "?")
    if status == "placeholder":
        return _("your function returns the placeholder ...")
    if status == "type":
        return _text(result.get("message"))
    if status != "ok":
        return _("The answer could not be read.")
    if result.get("value") is None:
        return _("your function returned None: write its body in place of the ... and end it with `return`.")
    return mismatch(result.get("value"), to_plain(case.call(part.reference)), part.tolerance)


def _matching_wrong_value(part: ValuePart, value: Any, data: CourseData) -> Wrong | None:
    for wrong in part.wrong:
        if mismatch(value, to_plain(wrong.answer(data)), part.tolerance) is None:
            return wrong
    return None


def _matching_wrong_function(part: FunctionPart, cases: list, results: list) -> Wrong | None:
    for wrong in part.wrong:
        try:
            if all(type(r) is dict and r.get("status") == "ok" and
                   mismatch(r.get("value"), to_plain(c.call(wrong.answer)), part.tolerance) is None
                   for c, r in zip(cases, results)):
                return wrong
        except Exception:  # a wrong answer that cannot be computed here matches nothing
            continue
    return None


def _with_hint(problem: str, part: Part, wrong: Wrong | None) -> str:
    hint = _(wrong.hint) if wrong else _(part.hint)
    return _("{problem} Hint: {hint}").format(problem=problem, hint=hint)


def _text(value: Any) -> str:
    """A message that came back from the learner's process, as text (never trusted as more)."""
    text = value if type(value) is str else ""
    return text[:MAX_MESSAGE] if text else _("The answer could not be read.")
