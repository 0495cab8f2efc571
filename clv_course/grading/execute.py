"""Run a notebook's cells in a real kernel and collect its answers, whatever its code does.

This is what runs inside the grader's sandbox (``python -m
clv_course.grading.execute``), and in-process for the course's own tests. It
survives what learners' notebooks do: a cell that raises or loops forever (it is
interrupted after ``timeout`` seconds and the run goes on), a cell that kills the
kernel (the run starts again without that cell), output floods (outputs beyond
a budget are dropped). At the end one more cell, the probe, collects the
exercises' answers as plain JSON; only that and a list of what went wrong
leave this process.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from clv_course.datasets import SEED_VARIABLE

#: bytes of output one run keeps in memory; the rest is dropped
OUTPUT_BUDGET = 2_000_000
#: how many times a run starts again without a cell that killed the kernel
MAX_RESTARTS = 3


class _FrugalClient(NotebookClient):
    """A NotebookClient that keeps at most OUTPUT_BUDGET bytes of outputs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.output_bytes = 0
        self.flooded = False

    def output(self, outs, msg, display_id, cell_index):  # noqa: ANN001 - nbclient's signature
        self.output_bytes += len(json.dumps(msg.get("content", {}), default=str))
        if self.output_bytes > OUTPUT_BUDGET:
            self.flooded = True
            return None
        return super().output(outs, msg, display_id, cell_index)


def _probe_cell(answers: Path, exercise_ids: list[str], seed: int | None) -> nbformat.NotebookNode:
    return nbformat.v4.new_code_cell(
        "from clv_course.grading import probe as __clv_probe\n"
        f"__clv_probe.write({str(answers)!r}, {exercise_ids!r}, globals(), {seed!r})",
        id="grader-probe")


def execute(notebook: nbformat.NotebookNode, *, exercise_ids: list[str], seed: int | None,
            language: str = "en", timeout: int = 60, cwd: Path | None = None,
            allow_errors: bool = True) -> dict[str, Any]:
    """Execute ``notebook`` (in place) and return its run report with the probe's answers.

    The report: ``answers`` (exercise -> part -> plain outcome), ``errors`` (cell id
    and error name of cells that raised), ``timeouts`` and ``crashes`` (cell ids),
    ``flooded`` (outputs were dropped).
    """
    env = dict(os.environ, CLV_COURSE_LANG=language, MPLBACKEND="agg",
               OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env.pop(SEED_VARIABLE, None)
    if seed is not None:
        env[SEED_VARIABLE] = str(seed)
    report: dict[str, Any] = {"errors": [], "timeouts": [], "crashes": [], "flooded": False,
                              "answers": {}}
    skipped: set[int] = set()
    own_cells = list(notebook.cells)
    with tempfile.TemporaryDirectory(prefix="clv-course-run-") as scratch:
        answers = Path(scratch).resolve() / f"answers-{secrets.token_hex(8)}.json"
        for _attempt in range(MAX_RESTARTS + 1):
            notebook.cells = [c for i, c in enumerate(own_cells) if i not in skipped]
            notebook.cells.append(_probe_cell(answers, exercise_ids, seed))
            client = _FrugalClient(notebook, timeout=timeout, kernel_name="python3",
                                   allow_errors=allow_errors, interrupt_on_timeout=True,
                                   resources={"metadata": {"path": str((cwd or Path.cwd()).resolve())}})
            running: list[nbformat.NotebookNode] = []
            client.on_cell_execute = lambda cell, cell_index, **_kw: running.append(cell)
            try:
                client.execute(env=env)
            except DeadKernelError:
                dead = running[-1] if running else None
                if dead is None or dead.id == "grader-probe":
                    report["crashes"].append("grader-probe")
                    break
                report["crashes"].append(dead.id)
                skipped.add(own_cells.index(dead))
                continue
            except CellTimeoutError as error:  # only when allow_errors is False
                report["timeouts"].append(str(error)[:200])
                break
            finally:
                report["flooded"] = report["flooded"] or client.flooded
            break
        for cell in notebook.cells:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    if output.get("ename") in ("CellTimeoutError", "KeyboardInterrupt"):
                        report["timeouts"].append(cell.id)
                    else:
                        report["errors"].append(f"{cell.id}: {output.get('ename')}")
        if answers.exists():
            report["answers"] = json.loads(answers.read_text(encoding="utf-8"))
    notebook.cells = [c for c in notebook.cells if c.id != "grader-probe"]
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="run one notebook, write its run report")
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--exercises", default="")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--language", default="en")
    parser.add_argument("--timeout", type=int, default=60)
    args = parser.parse_args(argv)
    notebook = nbformat.read(args.notebook, as_version=4)
    report = execute(notebook, exercise_ids=[e for e in args.exercises.split(",") if e],
                     seed=args.seed, language=args.language, timeout=args.timeout,
                     cwd=args.notebook.parent)
    temporary = args.out.with_suffix(".tmp")
    temporary.write_text(json.dumps(report), encoding="utf-8")
    os.replace(temporary, args.out)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
