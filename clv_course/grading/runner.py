"""Execute a notebook headless on fresh data and judge its answers outside its kernel."""

from __future__ import annotations

import json
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from clv_course.checking import ExerciseResult, judge
from clv_course.datasets import SEED_VARIABLE
from clv_course.exercises import CourseData, chapter_exercises

#: seconds one cell may run before it is interrupted
CELL_TIMEOUT = 60


@dataclass
class NotebookRun:
    """One executed notebook: its cells with outputs, and each exercise's judged result."""

    notebook: nbformat.NotebookNode
    results: list[ExerciseResult] = field(default_factory=list)

    @property
    def points(self) -> int:
        return sum(r.points for r in self.results)

    @property
    def max_points(self) -> int:
        return sum(r.max_points for r in self.results)

    @property
    def errors(self) -> list[str]:
        """The error names raised by the notebook's own cells."""
        return [f"{cell.id}: {output.ename}: {output.evalue}" for cell in self.notebook.cells
                if cell.cell_type == "code" for output in cell.get("outputs", [])
                if output.output_type == "error"]


def chapter_of(path: Path) -> str:
    """``02_components.ipynb`` -> ``ch02``: the chapter whose exercises a notebook holds."""
    return f"ch{path.name[:2]}"


def run_notebook(path: Path, *, seed: int | None = None, language: str = "en",
                 allow_errors: bool = True, timeout: int = CELL_TIMEOUT) -> NotebookRun:
    """Execute ``path`` in a new kernel (on the data variant of ``seed``) and judge it here."""
    notebook = nbformat.read(path, as_version=4)
    exercises = chapter_exercises(chapter_of(path))
    with tempfile.TemporaryDirectory(prefix="clv-course-run-") as scratch:
        answers = Path(scratch) / f"answers-{secrets.token_hex(8)}.json"
        ids = [exercise.id for exercise in exercises]
        probe = nbformat.v4.new_code_cell(
            "from clv_course.grading import probe as __clv_probe\n"
            f"__clv_probe.write({str(answers)!r}, {ids!r}, globals(), {seed!r})",
            id="grader-probe")
        notebook.cells.append(probe)
        env = dict(os.environ, CLV_COURSE_LANG=language, MPLBACKEND="agg")
        env.pop(SEED_VARIABLE, None)
        if seed is not None:
            env[SEED_VARIABLE] = str(seed)
        client = NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                                allow_errors=allow_errors,
                                resources={"metadata": {"path": str(path.parent)}})
        client.execute(env=env)
        collected = json.loads(answers.read_text(encoding="utf-8")) if answers.exists() else {}
    notebook.cells.remove(probe)
    data = CourseData(seed)
    results = [judge(exercise, collected.get(exercise.id, {}) if type(collected) is dict else {},
                     grading_seed=seed, data=data) for exercise in exercises]
    return NotebookRun(notebook, results)
