"""Run a notebook's cells in a real kernel and collect its answers, whatever its code does.

The grader runs it with a kernel in a sandbox (see ``gradebook``); the course's
own tests run it with a local kernel. It survives what learners' notebooks do: a
cell that raises or loops forever (it is interrupted after ``timeout`` seconds
and the run goes on), a cell that kills the kernel (the run starts again without
that cell), output floods (counted, not kept). At the end one more cell, the probe, collects the exercises' answers as
plain JSON; only that and a list of what went wrong leave the kernel.

It talks to the kernel with jupyter_client alone and reads the notebook as JSON.
Everything the kernel sends is input: the kernel's environment is built from an
allow-list, messages are bounded in size (buffers included) and all of them
count toward the output budget, and the answers file is opened without following
links, only if it is a regular file, and read up to its size cap.
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

import zmq
from jupyter_client.manager import KernelManager

from clv_course.collecting import PartRequest
from clv_course.datasets import SEED_VARIABLE
from clv_course.grading.probe import FLOOD_KEY, encode
from clv_course.grading.sandbox import CELL_TIMEOUT, UntrustedFile, read_untrusted
from clv_course.selfcheck import GRADING_VARIABLE

#: bytes of output after which a run counts as flooded
OUTPUT_BUDGET = 2_000_000
#: the largest message (frame) the grader accepts from a kernel; a larger one cuts the line
MAX_MESSAGE_BYTES = 8 * 2**20
#: the largest answers file read back (plain answers are far smaller)
MAX_ANSWERS_BYTES = 5_000_000
#: seconds a kernel whose line dropped has to be known dead before the drop counts as a cut
CUT_GRACE = 1.0
#: how many times a run starts again without a cell that killed the kernel
MAX_RESTARTS = 3
#: seconds an interrupted cell gets to stop before its kernel is given up
INTERRUPT_GRACE = 5
PROBE_ID = "grader-probe"
#: seconds the probe may take to collect the answers
PROBE_TIMEOUT = 20
#: the only variables of the grader's environment a kernel may inherit
INHERITED_VARIABLES = ("PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "OPENBLAS_CORETYPE",
                       "OPENBLAS_L2_SIZE", "PYTHONHASHSEED")


class _DeadKernel(Exception):
    """The kernel died while a cell ran."""


class KernelLost(Exception):
    """The kernel was lost with what started it (a warm kernel's zygote), not by its own code."""


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


def _probe_source(answers: Path, requests: dict[str, list[PartRequest]]) -> str:
    return ("from clv_course.grading import probe as __clv_probe\n"
            f"__clv_probe.write({str(answers)!r}, {encode(requests)!r}, globals())")


def kernel_environment(language: str, data_seed: int | None) -> dict[str, str]:
    """The kernel's environment, from an allow-list: no token of the grader's reaches it."""
    env = {name: os.environ[name] for name in INHERITED_VARIABLES if name in os.environ}
    env.update(CLV_COURSE_LANG=language, MPLBACKEND="agg", OPENBLAS_NUM_THREADS="1",
               OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    if data_seed is not None:
        env[SEED_VARIABLE] = str(data_seed)
        env[GRADING_VARIABLE] = "1"
    return env


def bound_messages(client: Any) -> None:
    """Make the client's sockets drop a kernel that sends a message above the size cap.

    Call before ``start_channels``; :func:`watch_cuts` then notices each drop.
    """
    client.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
    client.context.setsockopt(zmq.RCVHWM, 256)


def watch_cuts(client: Any) -> list[Any]:
    """Monitors of the iopub and shell sockets, reporting each line the size cap cut."""
    return [channel.socket.get_monitor_socket(zmq.EVENT_DISCONNECTED)
            for channel in (client.iopub_channel, client.shell_channel)]


def message_size(message: dict[str, Any]) -> int:
    """How many bytes a kernel message carried: its content and its buffers."""
    size = len(json.dumps(message.get("content", {}), default=str))
    for buffer in message.get("buffers") or ():
        try:
            size += memoryview(buffer).nbytes
        except TypeError:
            size += len(str(buffer))
    return size


def read_answers(path: Path) -> tuple[Any, str | None]:
    """The answers file the kernel wrote, or None: never through a link, never unbounded."""
    try:
        raw = read_untrusted(path, MAX_ANSWERS_BYTES)
    except UntrustedFile as problem:  # "missing": the probe never ran
        return None, None if problem.reason == "missing" else "answers-file"
    try:
        return json.loads(raw.decode("utf-8")), None
    except ValueError:  # a file the learner's code garbled is no answer
        return None, "answers-file"


class Kernel:
    """One kernel: run a cell with a timeout, note errors and output size.

    Subclasses start the kernel: :class:`LocalKernel` as a child of this process,
    the grader's sandboxed kernel inside bubblewrap (see ``gradebook``).
    """

    client: Any
    output_bytes = 0
    #: set when the kernel sent a message above :data:`MAX_MESSAGE_BYTES` (its line was cut)
    oversized = False
    #: set when the kernel ended with what started it, not by anything it ran
    lost = False
    monitors: list[Any] = []

    def _note_cuts(self) -> None:
        """A line cut while the kernel lives means it sent more than one message may hold."""
        for monitor in self.monitors:
            try:
                while monitor.poll(0):
                    monitor.recv_multipart()
                    if self._alive_after(CUT_GRACE):
                        self.oversized = True
            except zmq.ZMQError:
                pass

    def is_alive(self) -> bool:
        raise NotImplementedError

    def _alive_after(self, grace: float) -> bool:
        """Whether the kernel still lives ``grace`` seconds on: a dying kernel's lines drop
        a moment before its death is known, and that must not count as a cut line."""
        deadline = time.monotonic() + grace
        while self.is_alive():
            if time.monotonic() >= deadline:
                return True
            time.sleep(0.02)
        return False

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
            if message is not None and message.get("msg_type") != "execute_input":
                self.output_bytes += message_size(message)  # every message counts, a thread's too
            if message is not None and message.get("parent_header", {}).get("msg_id") == message_id:
                kind = message.get("msg_type")
                if kind == "error" and error is None:
                    error = str(message["content"].get("ename", "Error"))[:100]
                if kind == "status" and message["content"].get("execution_state") == "idle":
                    break
            # checked after every message too: a kernel that keeps talking still runs out of time
            self._note_cuts()
            if self.oversized or not self.is_alive():  # a cut line is given up like a dead one
                if self.lost:
                    raise KernelLost
                raise _DeadKernel
            over_budget = self.output_bytes > OUTPUT_BUDGET * 2
            if time.monotonic() > deadline or (over_budget and not interrupted):
                if interrupted:  # the interrupt did not help: treat the kernel as lost
                    self.oversized = self.oversized or over_budget
                    raise _DeadKernel
                self.interrupt()
                interrupted, deadline = True, time.monotonic() + INTERRUPT_GRACE
        self._drain_shell()
        return "timeout" if interrupted else error

    def _drain_shell(self) -> None:
        """Read the shell replies waiting, so they never pile up in the grader's memory."""
        try:
            for _reply in range(1000):  # bounded: a kernel may send replies without end
                self.client.get_shell_msg(timeout=0)
        except (queue.Empty, zmq.ZMQError):
            pass



class LocalKernel(Kernel):
    """A kernel started by jupyter_client as a child of this process."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.manager = KernelManager(kernel_name="python3")
        self.manager.start_kernel(env=env, cwd=str(cwd),
                                  extra_arguments=["--HistoryManager.enabled=False"])
        self.client = self.manager.client()
        bound_messages(self.client)
        self.client.start_channels()
        self.monitors = watch_cuts(self.client)
        self.client.wait_for_ready(timeout=60)

    def is_alive(self) -> bool:
        return self.manager.is_alive()

    def interrupt(self) -> None:
        self.manager.interrupt_kernel()

    def close(self) -> None:
        try:
            for monitor in self.monitors:
                monitor.close(linger=0)
            self.client.stop_channels()
            self.manager.shutdown_kernel(now=True)
        except Exception:  # a kernel that is already gone is what we wanted
            pass


KernelFactory = Callable[[dict[str, str]], Kernel]


def execute(notebook: dict[str, Any], *, requests: dict[str, list[PartRequest]],
            data_seed: int | None, language: str = "en", timeout: int = CELL_TIMEOUT,
            cwd: Path | None = None, start_kernel: KernelFactory | None = None,
            answers_dir: Path | None = None, wall_time: float | None = None) -> dict[str, Any]:
    """Run ``notebook`` (parsed JSON) and return its run report with the probe's answers.

    ``requests`` says what the probe collects per exercise (see
    :mod:`clv_course.collecting`); ``data_seed`` picks the data variant the kernel
    loads (None: the course's own data). The report: ``answers`` (exercise -> part
    -> plain outcome), ``errors`` (cell id and error name of cells that raised),
    ``timeouts`` and ``crashes`` (cell ids), ``flooded`` (more output than
    :data:`OUTPUT_BUDGET`). ``start_kernel(env)`` starts each kernel; by default a
    :class:`LocalKernel` in ``cwd``. The probe writes the answers into
    ``answers_dir`` (a private temporary folder by default). After ``wall_time``
    seconds in all, no further cell runs; the probe still collects what ran.
    """
    env = kernel_environment(language, data_seed)
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
        probe = (PROBE_ID, _probe_source(answers, requests))
        for _attempt in range(MAX_RESTARTS + 1):
            errors, timeouts = [], []
            kernel = start_kernel(env)
            running, printed_before = None, 0
            try:
                setup = kernel.run(_setup_source(OUTPUT_BUDGET), timeout)
                if setup:
                    errors.append(f"grader-setup: {setup}")
                for index, (cell_id, source) in enumerate(cells):
                    if index in skipped or not source.strip():
                        continue
                    left = finish_by - time.monotonic()
                    if left <= 0:
                        report["out_of_time"] = True
                        break
                    running, printed_before = index, kernel.output_bytes
                    outcome = kernel.run(source, max(1, int(min(timeout, left))))
                    if outcome == "timeout":
                        timeouts.append(cell_id)
                    elif outcome:
                        errors.append(f"{cell_id}: {outcome}")
                # the probe is the grader's own cell: it runs even when the notebook's time is up
                running, printed_before = len(cells), kernel.output_bytes
                if kernel.run(probe[1], min(timeout, PROBE_TIMEOUT)):
                    errors.append(f"{PROBE_ID}: probe")
            except _DeadKernel:
                # a kernel that dies flooding died of its flood, whichever limit it met first
                # (its own memory while its messages queue, or the cut line): name that; what
                # an earlier cell printed does not excuse a later cell's crash
                flooded = kernel.oversized or kernel.output_bytes - printed_before > OUTPUT_BUDGET
                if running is None and not flooded and time.monotonic() < finish_by:
                    continue  # lost in the grader's own setup cell, not the notebook's doing
                if not flooded and running is not None:
                    report["crashes"].append(probe[0] if running == len(cells)
                                             else cells[running][0])
                if running is not None and running < len(cells) and time.monotonic() < finish_by:
                    skipped.add(running)
                    continue
                report["out_of_time"] = report.get("out_of_time") or time.monotonic() >= finish_by
            finally:
                report["flooded"] = report["flooded"] or kernel.output_bytes > OUTPUT_BUDGET \
                    or kernel.oversized
                kernel.close()
            break
        report["errors"], report["timeouts"] = errors, timeouts
        collected, problem = read_answers(answers)
        if problem:
            report["errors"].append(f"{PROBE_ID}: {problem}")
        if type(collected) is dict:
            report["flooded"] = report["flooded"] or collected.pop(FLOOD_KEY, False) is True
            report["answers"] = collected
    return report
