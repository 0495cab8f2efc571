"""The last cell the grader runs in a notebook's kernel: collect every answer as plain data.

Only plain JSON leaves the kernel. A learner who patches this module gains
nothing: the values are still judged in the grader's process against
expected values the learner's kernel never sees.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from clv_course.checking import collect
from clv_course.exercises import CourseData, get


#: the key under which the answers file says whether the output budget ran out
FLOOD_KEY = "__flooded__"


def collect_all(exercise_ids: list[str], namespace: dict[str, Any], seed: int | None) -> dict:
    """exercise id -> part -> plain outcome, for the notebook's namespace."""
    data = CourseData.current()
    return {exercise_id: collect(get(exercise_id), namespace, grading_seed=seed, data=data)
            for exercise_id in exercise_ids}


def write(path: str, exercise_ids: list[str], namespace: dict[str, Any], seed: int | None) -> None:
    """Write :func:`collect_all`'s result to ``path`` as JSON, atomically."""
    answers = collect_all(exercise_ids, namespace, seed)
    answers[FLOOD_KEY] = FLOODED
    text = json.dumps(answers, allow_nan=True)
    folder = Path(path).parent
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(temporary, path)


class _CappedStream:
    """Stands in for sys.stdout or sys.stderr: passes the first ``limit`` characters on."""

    def __init__(self, stream: Any, budget: list[int]) -> None:
        self._stream = stream
        self._budget = budget

    def write(self, text: str) -> int:
        global FLOODED
        if self._budget[0] <= 0:
            FLOODED = True
            return len(text)
        kept = text[: self._budget[0]]
        self._budget[0] -= len(kept)
        return self._stream.write(kept) if kept else 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


#: set when a notebook printed more than its output budget
FLOODED = False


def cap_output(limit: int) -> None:
    """Let the notebook print ``limit`` characters in all; drop the rest and remember it.

    A notebook that prints without end would otherwise fill the kernel's memory
    before anyone could stop it; this way it only runs into its time limit.
    """
    budget = [limit]
    sys.stdout = _CappedStream(sys.stdout, budget)
    sys.stderr = _CappedStream(sys.stderr, budget)
