"""The course's exercises: enough of them, each check right about right and wrong answers.

These run in the test process (no kernel): the notebooks' own runs are in
test_course_notebooks.py.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from babel.messages.pofile import read_po

from clv_course.authoring import masters
from clv_course.checking import collect, judge
from clv_course.exercises import CourseData, FunctionPart, registry

EXERCISES = list(registry().values())
PARTS = [(exercise, part) for exercise in EXERCISES for part in exercise.parts]
PART_IDS = [f"{exercise.id}:{part.answer}" for exercise, part in PARTS]
GRADING_SEED = 90210


class AlwaysEqual:
    def __eq__(self, other):
        return True

    __ne__ = lambda self, other: False  # noqa: E731
    __hash__ = object.__hash__


class LyingFloat(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


def as_learners(function):
    """``function`` as a learner would hand it in: defined in the notebook, not in the package."""
    def learners_own(*args, **kwargs):
        return function(*args, **kwargs)
    return learners_own


def _right_answer(part, data):
    return as_learners(part.reference) if isinstance(part, FunctionPart) else part.expected(data)


def _score(exercise, part, answer, seed=None):
    data = CourseData(seed)
    namespace = {p.answer: _right_answer(p, data) for p in exercise.parts}
    namespace[part.answer] = answer
    collected = collect(exercise, namespace, grading_seed=seed, data=data)
    result = judge(exercise, collected, grading_seed=seed, data=data)
    return next(r for r in result.parts if r.answer == part.answer)


def _checked_ids(root):
    ids = {}
    for path in masters(root):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type != "code":
                continue
            for exercise_id in re.findall(r'clv\.check\("([a-z0-9-]+)"\)', cell.source):
                ids.setdefault(exercise_id, []).append(path.name)
    return ids


def test_every_chapter_has_at_least_three_exercises(root):
    for path in masters(root):
        chapter = f"ch{path.name[:2]}"
        assert len([e for e in EXERCISES if e.chapter == chapter]) >= 3, path.name


def test_the_course_has_at_least_thirty_points():
    assert sum(exercise.points for exercise in EXERCISES) >= 30


def test_every_exercise_is_checked_exactly_once_in_its_chapter(root):
    checked = _checked_ids(root)
    for exercise in EXERCISES:
        assert len(checked.get(exercise.id, [])) == 1, exercise.id
        assert checked[exercise.id][0].startswith(exercise.chapter[2:]), exercise.id
    assert set(checked) <= set(registry())


def test_exercise_ids_name_their_chapter():
    for exercise in EXERCISES:
        assert re.fullmatch(r"ch\d\d(-[a-z0-9]+)+", exercise.id)


def test_every_part_is_worth_points_and_knows_a_plausible_wrong_answer():
    for exercise, part in PARTS:
        assert part.points > 0, exercise.id
        assert len(part.wrong) >= 1, f"{exercise.id}:{part.answer}"


@pytest.mark.parametrize("exercise, part", PARTS, ids=PART_IDS)
def test_the_right_answer_scores_full_points_publicly_and_at_grading(exercise, part):
    for seed in (None, GRADING_SEED):
        data = CourseData(seed)
        outcome = _score(exercise, part, _right_answer(part, data), seed)
        assert outcome.passed, outcome.message


@pytest.mark.parametrize("exercise, part", PARTS, ids=PART_IDS)
def test_every_plausible_wrong_answer_fails_with_its_own_hint(exercise, part):
    from clv_course.i18n import _
    for seed in (None, GRADING_SEED):
        data = CourseData(seed)
        for wrong in part.wrong:
            answer = as_learners(wrong.answer) if isinstance(part, FunctionPart) \
                else wrong.answer(data)
            outcome = _score(exercise, part, answer, seed)
            assert outcome.points == 0, f"{wrong.mistake} passes"
            assert _(wrong.hint) in outcome.message, wrong.mistake


VALUE_PARTS = [(e, p) for e, p in PARTS if not isinstance(p, FunctionPart)]


@pytest.mark.parametrize("exercise, part", VALUE_PARTS,
                         ids=[f"{e.id}:{p.answer}" for e, p in VALUE_PARTS])
def test_a_number_typed_in_from_the_public_data_fails_at_grading(exercise, part):
    typed_in = part.expected(CourseData(None))
    assert _score(exercise, part, typed_in, GRADING_SEED).points == 0


@pytest.mark.parametrize("exercise, part", PARTS, ids=PART_IDS)
def test_objects_that_pretend_to_be_right_score_nothing(exercise, part):
    for cheat in (AlwaysEqual(), LyingFloat(1.0)):
        answer = (lambda *args, **kwargs: cheat) if isinstance(part, FunctionPart) else cheat
        assert _score(exercise, part, answer).points == 0
        assert _score(exercise, part, answer, GRADING_SEED).points == 0


@pytest.mark.parametrize("exercise, part", PARTS, ids=PART_IDS)
def test_placeholders_score_zero_with_a_sentence(exercise, part):
    outcome = _score(exercise, part, ...)
    assert outcome.points == 0 and "Not answered yet" in outcome.message


def test_exercise_titles_and_hints_are_in_the_message_template(root):
    with open(root / "clv_course" / "locale" / "clv_course.pot", "rb") as handle:
        template = {m.id for m in read_po(handle) if m.id}
    for exercise, part in PARTS:
        assert exercise.title in template, exercise.id
        assert part.hint in template, exercise.id
        for wrong in part.wrong:
            assert wrong.hint in template, f"{exercise.id}: {wrong.mistake}"
