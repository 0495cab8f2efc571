"""The last cell the grader runs in a notebook's kernel: collect every answer as plain data.

The grader hands it *what to collect* (answer names, and the calls to make for
function answers, drawn from the grader's secret), never the answer key: the
sandbox holds no expected value, reference function, seed for the calls, or
wrong answer. Only plain JSON leaves the kernel. A learner who patches this
module gains nothing: the values are still judged in the grader's process.
"""

from __future__ import annotations

import base64
import json
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

from clv_course.collecting import PartRequest, collect_answers


#: the key under which the answers file says whether the output budget ran out
FLOOD_KEY = "__flooded__"


def encode(requests: dict[str, list[PartRequest]]) -> str:
    """The grader's side: what to collect, per exercise, as text for the probe cell."""
    return base64.b64encode(pickle.dumps(requests, protocol=pickle.HIGHEST_PROTOCOL)).decode()


def collect_all(requests: dict[str, list[PartRequest]], namespace: dict[str, Any]) -> dict:
    """exercise id -> part -> plain outcome, for the notebook's namespace."""
    return {exercise_id: collect_answers(parts, namespace) for exercise_id, parts in requests.items()}


def write(path: str, encoded: str, namespace: dict[str, Any]) -> None:
    """Collect what ``encoded`` asks for and write it to ``path`` as JSON, atomically."""
    requests = pickle.loads(base64.b64decode(encoded))  # written by the grader, for this kernel
    answers = collect_all(requests, namespace)
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
