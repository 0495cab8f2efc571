"""Every chapter runs headless in a real kernel; solutions score full marks, students zero.

Each notebook runs in its own kernel with a per-cell timeout, through the same
runner the grader uses: answers are collected in the kernel as plain data and
judged in the test process.
"""

from __future__ import annotations

import pytest

from clv_course.authoring import BUILT_LANGUAGES, masters
from clv_course.grading.runner import run_notebook

CHAPTERS = [path.name for path in masters()]
#: every chapter in every language the course is built in
NOTEBOOKS = [pytest.param(language, name, id=f"{language}-{name}")
             for language in BUILT_LANGUAGES for name in CHAPTERS]
GRADING_SEED = 31337
CELL_TIMEOUT = 120

pytestmark = pytest.mark.slow


def _run(root, folder, language, name, seed):
    return run_notebook(root / folder / language / name, seed=seed, language=language,
                        timeout=CELL_TIMEOUT)


# The public checks run the same code in every language; the two tests below run every
# language's notebooks, so this one keeps to English to keep the suite inside CI's time.
@pytest.mark.parametrize("language, name", [("en", name) for name in CHAPTERS])
def test_solution_notebook_runs_and_passes_every_public_check(root, language, name):
    run = _run(root, "solutions", language, name, None)
    assert run.errors == []
    assert run.points == run.max_points > 0, [p.message for r in run.results for p in r.parts]


@pytest.mark.parametrize("language, name", NOTEBOOKS)
def test_solution_notebook_scores_full_marks_on_fresh_data_and_inputs(root, language, name):
    run = _run(root, "solutions", language, name, GRADING_SEED)
    assert run.errors == []
    assert run.points == run.max_points, [p.message for r in run.results for p in r.parts
                                          if not p.passed]


@pytest.mark.parametrize("language, name", NOTEBOOKS)
def test_untouched_student_notebook_runs_without_error_and_scores_zero(root, language, name):
    run = _run(root, "notebooks", language, name, GRADING_SEED)
    assert run.errors == []
    assert run.points == 0
    assert all(part.message for result in run.results for part in result.parts)
