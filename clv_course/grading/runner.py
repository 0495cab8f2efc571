"""Execute a notebook headless on fresh data and judge its answers outside its kernel."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clv_course.authoring import chapter_of
from clv_course.checking import ExerciseResult, judge
from clv_course.exercises import CourseData, Exercise, chapter_exercises
from clv_course.grading.execute import execute

#: seconds one cell may run before it is interrupted
CELL_TIMEOUT = 60


@dataclass
class NotebookRun:
    """One executed notebook: its run report and each exercise's result."""

    report: dict[str, Any]
    results: list[ExerciseResult] = field(default_factory=list)

    @property
    def points(self) -> int:
        return sum(r.points for r in self.results)

    @property
    def max_points(self) -> int:
        return sum(r.max_points for r in self.results)

    @property
    def errors(self) -> list[str]:
        """Cells that raised, timed out or killed the kernel."""
        return self.report["errors"] + self.report["timeouts"] + self.report["crashes"]


def judge_answers(exercises: list[Exercise], answers: Any, seed: int | None) -> list[ExerciseResult]:
    """Judge the probe's plain answers in this process; anything malformed scores zero."""
    data = CourseData(seed)
    answers = answers if type(answers) is dict else {}
    return [judge(exercise, answers.get(exercise.id) if type(answers.get(exercise.id)) is dict
                  else {}, grading_seed=seed, data=data) for exercise in exercises]


def run_notebook(path: Path, *, seed: int | None = None, language: str = "en",
                 timeout: int = CELL_TIMEOUT) -> NotebookRun:
    """Execute ``path`` in a new kernel (on the data variant of ``seed``) and judge it here."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    exercises = chapter_exercises(chapter_of(path))
    report = execute(notebook, exercise_ids=[e.id for e in exercises], seed=seed,
                     language=language, timeout=timeout, cwd=path.parent)
    return NotebookRun(report, judge_answers(exercises, report["answers"], seed))
