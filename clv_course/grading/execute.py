"""Run a notebook's cells in a real kernel and collect its answers, whatever its code does.

This is what runs inside the grader's sandbox (``python -m
clv_course.grading.execute``), and in-process for the course's own tests. It
survives what learners' notebooks do: a cell that raises or loops forever (it is
interrupted after ``timeout`` seconds and the run goes on), a cell that kills the
kernel (the run starts again without that cell), output floods (counted, not
kept). At the end one more cell, the probe, collects the exercises' answers as
plain JSON; only that and a list of what went wrong leave this process.

It talks to the kernel with jupyter_client alone and reads the notebook as JSON:
it starts once per submission, so it imports as little as it can.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from jupyter_client.manager import KernelManager

#: the variable through which the grader hands a notebook its fresh data (see datasets.load)
SEED_VARIABLE = "CLV_COURSE_DATA_SEED"
#: bytes of output after which a run counts as flooded
OUTPUT_BUDGET = 2_000_000
#: how many times a run starts again without a cell that killed the kernel
MAX_RESTARTS = 3
PROBE_ID = "grader-probe"


class _DeadKernel(Exception):
    """The kernel died while a cell ran."""


def code_cells(notebook: dict[str, Any]) -> list[tuple[str, str]]:
    """(id, source) of each code cell of a notebook given as parsed JSON."""
    cells = []
    for index, cell in enumerate(notebook.get("cells", [])):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        cells.append((str(cell.get("id", f"cell-{index}")), source))
    return cells


def _probe_source(answers: Path, exercise_ids: list[str], seed: int | None) -> str:
    return ("from clv_course.grading import probe as __clv_probe\n"
            f"__clv_probe.write({str(answers)!r}, {exercise_ids!r}, globals(), {seed!r})")


class _Kernel:
    """One kernel: run a cell with a timeout, note errors and output size."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.manager = KernelManager(kernel_name="python3")
        self.manager.start_kernel(env=env, cwd=str(cwd),
                                  extra_arguments=["--HistoryManager.enabled=False"])
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)
        self.output_bytes = 0

    def run(self, source: str, timeout: int) -> str | None:
        """Run ``source``; None if it went well, else 'timeout' or the error's name.

        Polls in short steps so a kernel that dies is noticed at once, not after
        the cell's whole timeout.
        """
        message_id = self.client.execute(source, allow_stdin=False, stop_on_error=False)
        deadline = time.monotonic() + timeout
        error: str | None = None
        interrupted = False
        while True:
            try:
                message = self.client.get_iopub_msg(timeout=0.1)
            except queue.Empty:
                message = None
            if message is not None and message.get("parent_header", {}).get("msg_id") == message_id:
                self.output_bytes += len(json.dumps(message.get("content", {}), default=str))
                kind = message.get("msg_type")
                if kind == "error" and error is None:
                    error = str(message["content"].get("ename", "Error"))[:100]
                if kind == "status" and message["content"].get("execution_state") == "idle":
                    break
                continue
            if not self.manager.is_alive():
                raise _DeadKernel
            if time.monotonic() > deadline:
                if interrupted:  # the interrupt did not help: treat the kernel as lost
                    raise _DeadKernel
                self.manager.interrupt_kernel()
                interrupted, deadline = True, time.monotonic() + 10
        return "timeout" if interrupted else error

    def close(self) -> None:
        try:
            self.client.stop_channels()
            self.manager.shutdown_kernel(now=True)
        except Exception:  # a kernel that is already gone is what we wanted
            pass


def execute(notebook: dict[str, Any], *, exercise_ids: list[str], seed: int | None,
            language: str = "en", timeout: int = 60, cwd: Path | None = None) -> dict[str, Any]:
    """Run ``notebook`` (parsed JSON) and return its run report with the probe's answers.

    The report: ``answers`` (exercise -> part -> plain outcome), ``errors`` (cell id
    and error name of cells that raised), ``timeouts`` and ``crashes`` (cell ids),
    ``flooded`` (more output than :data:`OUTPUT_BUDGET`).
    """
    env = dict(os.environ, CLV_COURSE_LANG=language, MPLBACKEND="agg",
               OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env.pop(SEED_VARIABLE, None)
    if seed is not None:
        env[SEED_VARIABLE] = str(seed)
    cwd = (cwd or Path.cwd()).resolve()
    report: dict[str, Any] = {"errors": [], "timeouts": [], "crashes": [], "flooded": False,
                              "answers": {}}
    cells = code_cells(notebook)
    skipped: set[int] = set()
    with tempfile.TemporaryDirectory(prefix="clv-course-run-") as scratch:
        answers = Path(scratch).resolve() / f"answers-{secrets.token_hex(8)}.json"
        probe = (PROBE_ID, _probe_source(answers, exercise_ids, seed))
        for _attempt in range(MAX_RESTARTS + 1):
            errors, timeouts = [], []
            kernel = _Kernel(env, cwd)
            running = None
            try:
                for index, (cell_id, source) in enumerate([*cells, probe]):
                    if index in skipped or not source.strip():
                        continue
                    running = index
                    outcome = kernel.run(source, timeout)
                    if outcome == "timeout":
                        timeouts.append(cell_id)
                    elif outcome:
                        errors.append(f"{cell_id}: {outcome}")
            except _DeadKernel:
                report["crashes"].append(probe[0] if running == len(cells) else cells[running][0])
                if running is not None and running < len(cells):
                    skipped.add(running)
                    continue
            finally:
                report["flooded"] = report["flooded"] or kernel.output_bytes > OUTPUT_BUDGET
                kernel.close()
            break
        report["errors"], report["timeouts"] = errors, timeouts
        if answers.exists():
            report["answers"] = json.loads(answers.read_text(encoding="utf-8"))
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
    notebook = json.loads(args.notebook.read_text(encoding="utf-8"))
    report = execute(notebook, exercise_ids=[e for e in args.exercises.split(",") if e],
                     seed=args.seed, language=args.language, timeout=args.timeout,
                     cwd=args.notebook.parent)
    temporary = args.out.with_suffix(".tmp")
    temporary.write_text(json.dumps(report), encoding="utf-8")
    os.replace(temporary, args.out)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
