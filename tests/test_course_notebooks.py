"""Every chapter runs headless in a real kernel; solutions score full marks, students zero.

Each notebook runs in its own kernel with a per-cell timeout, through the same
runner the grader uses: answers are collected in the kernel as plain data and
judged in the test process.
"""

from __future__ import annotations

import pytest

from clv_course.authoring import masters
from clv_course.grading.runner import run_notebook

CHAPTERS = [path.name for path in masters()]
GRADING_SEED = 31337
CELL_TIMEOUT = 120

pytestmark = pytest.mark.slow


def _run(root, folder, name, seed):
    return run_notebook(root / folder / "en" / name, seed=seed, timeout=CELL_TIMEOUT)


@pytest.mark.parametrize("name", CHAPTERS)
def test_solution_notebook_runs_and_passes_every_public_check(root, name):
    run = _run(root, "solutions", name, None)
    assert run.errors == []
    assert run.points == run.max_points > 0, [p.message for r in run.results for p in r.parts]


@pytest.mark.parametrize("name", CHAPTERS)
def test_solution_notebook_scores_full_marks_on_fresh_data_and_inputs(root, name):
    run = _run(root, "solutions", name, GRADING_SEED)
    assert run.errors == []
    assert run.points == run.max_points, [p.message for r in run.results for p in r.parts
                                          if not p.passed]


@pytest.mark.parametrize("name", CHAPTERS)
def test_untouched_student_notebook_runs_without_error_and_scores_zero(root, name):
    run = _run(root, "notebooks", name, GRADING_SEED)
    assert run.errors == []
    assert run.points == 0
    assert all(part.message for result in run.results for part in result.parts)
