"""The last cell the grader runs in a notebook's kernel: collect every answer as plain data.

Only plain JSON leaves the kernel. A learner who patches this module gains
nothing: the values are still judged in the grader's process against
expected values the learner's kernel never sees.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from clv_course.checking import collect
from clv_course.exercises import CourseData, get


def collect_all(exercise_ids: list[str], namespace: dict[str, Any], seed: int | None) -> dict:
    """exercise id -> part -> plain outcome, for the notebook's namespace."""
    data = CourseData.current()
    return {exercise_id: collect(get(exercise_id), namespace, grading_seed=seed, data=data)
            for exercise_id in exercise_ids}


def write(path: str, exercise_ids: list[str], namespace: dict[str, Any], seed: int | None) -> None:
    """Write :func:`collect_all`'s result to ``path`` as JSON, atomically."""
    text = json.dumps(collect_all(exercise_ids, namespace, seed), allow_nan=True)
    folder = Path(path).parent
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(text)
    os.replace(temporary, path)
