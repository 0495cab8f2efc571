"""Execute a notebook headless on fresh data and judge its answers outside its kernel."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clv_course.authoring import chapter_of
from clv_course.checking import ExerciseResult, judge, requests
from clv_course.collecting import PartRequest
from clv_course.exercises import CourseData, Exercise, chapter_exercises
from clv_course.grading.execute import execute
from clv_course.grading.sandbox import CELL_TIMEOUT



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


def derived_seeds(seed: int) -> tuple[int, int]:
    """(data seed, calls seed) from a class's seed; neither tells anything about the other.

    The kernel is given the data seed (it loads the data variant) but never the
    seed the function calls are drawn from, nor the class's seed itself.
    """
    def derive(purpose: str) -> int:
        digest = hashlib.sha256(f"clv-course:{seed}:{purpose}".encode()).digest()
        return int.from_bytes(digest[:4], "big") % 2**31
    return derive("data"), derive("calls")


def grading_requests(exercises: list[Exercise], seed: int | None) -> dict[str, list[PartRequest]]:
    """What the probe collects for ``exercises`` on the class's ``seed`` (None: public)."""
    data_seed, calls_seed = derived_seeds(seed) if seed is not None else (None, None)
    data = CourseData(data_seed)
    return {exercise.id: requests(exercise, calls_seed, data) for exercise in exercises}


def judge_answers(exercises: list[Exercise], answers: Any, seed: int | None) -> list[ExerciseResult]:
    """Judge the probe's plain answers in this process; anything malformed scores zero."""
    data_seed, calls_seed = derived_seeds(seed) if seed is not None else (None, None)
    data = CourseData(data_seed)
    answers = answers if type(answers) is dict else {}
    return [judge(exercise, answers.get(exercise.id) if type(answers.get(exercise.id)) is dict
                  else {}, grading_seed=calls_seed, data=data) for exercise in exercises]


def run_notebook(path: Path, *, seed: int | None = None, language: str = "en",
                 timeout: int = CELL_TIMEOUT) -> NotebookRun:
    """Execute ``path`` in a new kernel (on the data variant of ``seed``) and judge it here."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    exercises = chapter_exercises(chapter_of(path))
    report = execute(notebook, requests=grading_requests(exercises, seed),
                     data_seed=derived_seeds(seed)[0] if seed is not None else None,
                     language=language, timeout=timeout, cwd=path.parent)
    return NotebookRun(report, judge_answers(exercises, report["answers"], seed))
