"""Run a notebook's cells in a real kernel and collect its answers, whatever its code does.

The grader runs it with a kernel in a sandbox (see ``gradebook``); the course's
own tests run it with a local kernel. It survives what learners' notebooks do: a
cell that raises or loops forever (it is interrupted after ``timeout`` seconds
and the run goes on), a cell that kills the kernel (the run starts again without
that cell), output floods (counted, not kept). At the end one more cell, the probe, collects the exercises' answers as
plain JSON; only that and a list of what went wrong leave the kernel.

It talks to the kernel with jupyter_client alone and reads the notebook as JSON.
"""

from __future__ import annotations

import json
import os
import queue
import secrets
import tempfile
import time
from pathlib import Path
from collections.abc import Callable
from typing import Any

from jupyter_client.manager import KernelManager

from clv_course.grading.probe import FLOOD_KEY

#: the variable through which the grader hands a notebook its fresh data (see datasets.load)
SEED_VARIABLE = "CLV_COURSE_DATA_SEED"
#: bytes of output after which a run counts as flooded
OUTPUT_BUDGET = 2_000_000
#: the largest answers file read back (plain answers are far smaller)
MAX_ANSWERS_BYTES = 5_000_000
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


def _setup_source(budget: int) -> str:
    return ("from clv_course.grading import probe as __clv_probe\n"
            f"__clv_probe.cap_output({budget})")


def _probe_source(answers: Path, exercise_ids: list[str], seed: int | None) -> str:
    return ("from clv_course.grading import probe as __clv_probe\n"
            f"__clv_probe.write({str(answers)!r}, {exercise_ids!r}, globals(), {seed!r})")


class Kernel:
    """One kernel: run a cell with a timeout, note errors and output size.

    Subclasses start the kernel: :class:`LocalKernel` as a child of this process,
    the grader's sandboxed kernel inside bubblewrap (see ``gradebook``).
    """

    client: Any
    output_bytes = 0

    def is_alive(self) -> bool:
        raise NotImplementedError

    def interrupt(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

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
            if not self.is_alive():
                raise _DeadKernel
            if time.monotonic() > deadline:
                if interrupted:  # the interrupt did not help: treat the kernel as lost
                    raise _DeadKernel
                self.interrupt()
                interrupted, deadline = True, time.monotonic() + 10
        return "timeout" if interrupted else error



class LocalKernel(Kernel):
    """A kernel started by jupyter_client as a child of this process."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.manager = KernelManager(kernel_name="python3")
        self.manager.start_kernel(env=env, cwd=str(cwd),
                                  extra_arguments=["--HistoryManager.enabled=False"])
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)

    def is_alive(self) -> bool:
        return self.manager.is_alive()

    def interrupt(self) -> None:
        self.manager.interrupt_kernel()

    def close(self) -> None:
        try:
            self.client.stop_channels()
            self.manager.shutdown_kernel(now=True)
        except Exception:  # a kernel that is already gone is what we wanted
            pass


KernelFactory = Callable[[dict[str, str]], Kernel]


def execute(notebook: dict[str, Any], *, exercise_ids: list[str], seed: int | None,
            language: str = "en", timeout: int = 60, cwd: Path | None = None,
            start_kernel: KernelFactory | None = None,
            answers_dir: Path | None = None, wall_time: float | None = None) -> dict[str, Any]:
    """Run ``notebook`` (parsed JSON) and return its run report with the probe's answers.

    The report: ``answers`` (exercise -> part -> plain outcome), ``errors`` (cell id
    and error name of cells that raised), ``timeouts`` and ``crashes`` (cell ids),
    ``flooded`` (more output than :data:`OUTPUT_BUDGET`). ``start_kernel(env)``
    starts each kernel; by default a :class:`LocalKernel` in ``cwd``. The probe
    writes the answers into ``answers_dir`` (a private temporary folder by default).
    After ``wall_time`` seconds in all, no further cell runs and nothing is collected.
    """
    env = dict(os.environ, CLV_COURSE_LANG=language, MPLBACKEND="agg",
               OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env.pop(SEED_VARIABLE, None)
    if seed is not None:
        env[SEED_VARIABLE] = str(seed)
    cwd = (cwd or Path.cwd()).resolve()
    start_kernel = start_kernel or (lambda kernel_env: LocalKernel(kernel_env, cwd))
    finish_by = time.monotonic() + wall_time if wall_time else float("inf")
    report: dict[str, Any] = {"errors": [], "timeouts": [], "crashes": [], "flooded": False,
                              "answers": {}}
    cells = code_cells(notebook)
    skipped: set[int] = set()
    with tempfile.TemporaryDirectory(prefix="clv-course-run-") as own_folder:
        folder = (answers_dir or Path(own_folder)).resolve()
        answers = folder / f"answers-{secrets.token_hex(8)}.json"
        probe = (PROBE_ID, _probe_source(answers, exercise_ids, seed))
        for _attempt in range(MAX_RESTARTS + 1):
            errors, timeouts = [], []
            kernel = start_kernel(env)
            running = None
            try:
                setup = kernel.run(_setup_source(OUTPUT_BUDGET), timeout)
                if setup:
                    errors.append(f"grader-setup: {setup}")
                for index, (cell_id, source) in enumerate([*cells, probe]):
                    if index in skipped or not source.strip():
                        continue
                    left = finish_by - time.monotonic()
                    if left <= 0:
                        report["out_of_time"] = True
                        break
                    running = index
                    outcome = kernel.run(source, int(min(timeout, left)) or 1)
                    if outcome == "timeout":
                        timeouts.append(cell_id)
                    elif outcome:
                        errors.append(f"{cell_id}: {outcome}")
            except _DeadKernel:
                report["crashes"].append(probe[0] if running == len(cells) else cells[running][0])
                if running is not None and running < len(cells) and time.monotonic() < finish_by:
                    skipped.add(running)
                    continue
            finally:
                report["flooded"] = report["flooded"] or kernel.output_bytes > OUTPUT_BUDGET
                kernel.close()
            break
        report["errors"], report["timeouts"] = errors, timeouts
        if answers.exists() and answers.stat().st_size <= MAX_ANSWERS_BYTES:
            try:
                report["answers"] = json.loads(answers.read_text(encoding="utf-8"))
            except ValueError:  # a file the learner's code garbled is no answer
                report["answers"] = {}
            if type(report["answers"]) is dict and report["answers"].pop(FLOOD_KEY, False) is True:
                report["flooded"] = True
    return report
