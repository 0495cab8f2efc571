"""The grading kernel: one submission's Python kernel in its own bubblewrap sandbox.

Every kernel start gets an unprivileged user of its own (what a killed kernel
left running cannot take the next one's processes) and the submission a scratch
folder (a size-limited tmpfs where the machine allows it). The grader never
follows a path the submission could have touched: the connection file lives in
a fresh grader-owned folder for every kernel start; only the scratch folder
itself, and files the grader made before any learner code ran, are handed to the
kernel's user, never through a link; the grader connects to the kernel's sockets
once, after checking they are the kernel's own, and never reconnects.

The grader's side of each submission (the sockets, the messages) runs in a child
process of its own with a memory limit and a wall-clock deadline, so what a
kernel sends can exhaust at most that child, never the class's grader.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import queue
import resource
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import nbformat
import zmq
from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file

from clv_course.collecting import PartRequest
from clv_course.grading.execute import Kernel, bound_messages, execute, watch_cuts
from clv_course.grading.sandbox import (Limits, bwrap_path, give_to, limit_setter, mount_scratch,
                                        next_uid, sandbox_command, unmount_scratch)
from clv_course.i18n import _

#: seconds a kernel may take to start and answer
START_TIMEOUT = 60
#: seconds the grader's child for one submission may take beyond the notebook's own limit
CHILD_GRACE = 60
_CHANNELS = ("shell_port", "iopub_port", "stdin_port", "control_port")


class SandboxedKernel(Kernel):
    """A kernel in its own bubblewrap sandbox (when available), under the limits.

    The grader talks to it through Unix sockets in the submission's scratch
    folder, the one path both sides see; the kernel has no network at all.
    """

    def __init__(self, env: dict[str, str], scratch: Path, limits: Limits,
                 start_timeout: float = START_TIMEOUT, *, first_files: tuple[Path, ...] = ()) -> None:
        self.uid = uid = next_uid()
        give_to(uid, scratch, *first_files)
        # a new grader-owned folder per start: nothing the kernel made can stand in its place
        self.control = Path(tempfile.mkdtemp(prefix="control-", dir=scratch.parent))
        connection = self.control / "kernel.json"
        write_connection_file(str(connection), transport="ipc", ip=str(scratch / "kernel-ipc"))
        give_to(uid, connection)
        os.chmod(self.control, 0o755)
        argv = [sys.executable, "-m", "ipykernel_launcher", "-f", str(connection),
                "--HistoryManager.enabled=False"]
        sandboxed = bwrap_path() is not None
        # the kernel's own messages go to a file the instructor may read when it fails to start
        self.log = self.control / "kernel.log"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                sandbox_command(argv, scratch, uid, read_only=(self.control,)) if sandboxed
                else argv, env=env, cwd=scratch, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                preexec_fn=limit_setter(limits, sandboxed=sandboxed))
        self.context = zmq.Context()
        self.client = BlockingKernelClient(connection_file=str(connection), context=self.context)
        self.client.load_connection_file()
        bound_messages(self.client)
        self.context.setsockopt(zmq.RECONNECT_IVL, -1)  # a lost line is never dialled again
        try:
            self._wait_for_sockets(json.loads(connection.read_text()), sandboxed,
                                   deadline=time.monotonic() + start_timeout)
            self.client.start_channels(hb=False)
            self.monitors = watch_cuts(self.client)
            self._wait_until_ready(timeout=start_timeout)
        except RuntimeError as error:
            tail = self._log_tail()
            self.close()
            raise RuntimeError(f"{error}: {tail}") from None

    def _wait_for_sockets(self, info: dict[str, Any], sandboxed: bool, deadline: float) -> None:
        """Wait until the kernel has made its sockets: real sockets, its own, not links."""
        paths = [f"{info['ip']}-{info[name]}" for name in _CHANNELS]
        while time.monotonic() < deadline:
            if not self.is_alive():
                raise RuntimeError(_("The kernel stopped before it was ready."))
            try:
                found = [os.lstat(path) for path in paths]
            except OSError:
                time.sleep(0.02)
                continue
            if all(stat.S_ISSOCK(f.st_mode) and (not sandboxed or f.st_uid == self.uid)
                   for f in found):
                return
            raise RuntimeError(_("The kernel's sockets are not what the kernel made."))
        raise RuntimeError(_("The kernel did not start in time."))

    def _wait_until_ready(self, timeout: float) -> None:
        """Ask for kernel_info until it answers; judge life by the process, not a heartbeat.

        jupyter_client's own wait declares a kernel dead when its heartbeat is late
        by a second, which a busy machine does often.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.is_alive():
                raise RuntimeError(_("The kernel stopped before it was ready."))
            request = self.client.kernel_info()
            try:
                while True:
                    reply = self.client.get_shell_msg(timeout=1)
                    if reply.get("parent_header", {}).get("msg_id") == request:
                        return
            except queue.Empty:
                continue
        raise RuntimeError(_("The kernel did not start in time."))

    def _log_tail(self) -> str:
        try:
            with open(self.log, "rb") as log:
                log.seek(max(0, os.fstat(log.fileno()).st_size - 2000))
                text = log.read(2000).decode("utf-8", "replace")
        except OSError:
            return ""
        lines = text.strip().splitlines()
        return " | ".join(line for line in lines[-3:] if "without encryption" not in line)[:500]

    def is_alive(self) -> bool:
        return self.process.poll() is None

    def interrupt(self) -> None:
        self.client.control_channel.send(self.client.session.msg("interrupt_request", {}))

    def close(self) -> None:
        try:
            for monitor in self.monitors:
                monitor.close(linger=0)
            self.client.stop_channels()
        finally:
            _kill(self.process)
            _kill_user(self.uid)
            shutil.rmtree(self.control, ignore_errors=True)
            self.context.destroy(linger=0)


def run_contained(notebook: nbformat.NotebookNode, requests: dict[str, list[PartRequest]], *,
                  data_seed: int, language: str, limits: Limits) -> dict[str, Any]:
    """Run one notebook in its own sandboxed kernel; its run report, or what went wrong.

    The scratch folder is made and removed here; the kernel is driven by a child
    process under ``limits.grader_memory_bytes``, given up after the notebook's
    limit and :data:`CHILD_GRACE` more seconds.
    """
    with tempfile.TemporaryDirectory(prefix="clv-course-grade-") as folder:
        scratch = Path(folder) / "scratch"
        scratch.mkdir()
        mounted = mount_scratch(scratch, limits)
        try:
            fonts = tuple(_share_font_cache(scratch / ".matplotlib"))
            report = _in_child(json.loads(nbformat.writes(notebook)), requests, data_seed,
                               language, limits, scratch, fonts)
        finally:
            if mounted:
                unmount_scratch(scratch)
    if report.get("out_of_time") and report.get("status") is None:
        report["status"] = "timeout"
    return report


_PROCESSES: Any = None
_PROCESSES_LOCK = threading.Lock()


def _processes() -> Any:
    """A forkserver with the grader's modules loaded once, so each child starts in milliseconds."""
    global _PROCESSES
    with _PROCESSES_LOCK:
        if _PROCESSES is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["clv_course.grading.kernels"])
            _PROCESSES = context
        return _PROCESSES


def _in_child(notebook: dict[str, Any], requests: dict[str, list[PartRequest]], data_seed: int,
              language: str, limits: Limits, scratch: Path, fonts: tuple[Path, ...]) -> dict:
    """:func:`_drive` in a child process; a child that dies or overstays is a status."""
    context = _processes()
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, daemon=True, args=(
        sending, notebook, requests, data_seed, language, limits, scratch, fonts))
    child.start()
    sending.close()
    report: dict[str, Any] | None = None
    try:
        if receiving.poll(limits.wall_time + START_TIMEOUT + CHILD_GRACE):
            report = receiving.recv()
    except (EOFError, OSError):  # the child died: almost always its memory limit
        report = None
    finally:
        receiving.close()
        if child.is_alive():
            child.kill()
        child.join()
    if report is None:
        flooded = child.exitcode not in (0, None) and child.exitcode != -signal.SIGKILL
        return {"status": "flooded" if flooded else "timeout", "answers": {},
                "errors": [f"grader-child: exit {child.exitcode}"]}
    return report


def _child_main(sending: Any, notebook: dict[str, Any], requests: dict[str, list[PartRequest]],
                data_seed: int, language: str, limits: Limits, scratch: Path,
                fonts: tuple[Path, ...]) -> None:
    """In the child: cap its memory, drive the kernel, send back the report (plain data)."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limits.grader_memory_bytes, hard))
    try:
        report = _drive(notebook, requests, data_seed, language, limits, scratch, fonts)
    except MemoryError:
        report = {"status": "flooded", "answers": {}, "errors": ["grader-memory"]}
    except Exception as error:  # a kernel that never started, a broken channel
        report = {"status": "crashed", "answers": {},
                  "errors": [f"{type(error).__name__}: {error}"[:300]]}
    sending.send(report)
    sending.close()


def _drive(notebook: dict[str, Any], requests: dict[str, list[PartRequest]], data_seed: int,
           language: str, limits: Limits, scratch: Path, fonts: tuple[Path, ...]) -> dict:
    """Run the notebook's cells in sandboxed kernels (a new one after each crash)."""
    env = {"HOME": str(scratch), "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
           "JUPYTER_RUNTIME_DIR": str(scratch / ".jupyter"), "IPYTHONDIR": str(scratch / ".ipython"),
           "MPLCONFIGDIR": str(scratch / ".matplotlib"), "JUPYTER_PLATFORM_DIRS": "1"}
    first = [fonts]  # handed to the first kernel's user only, before any learner code ran
    started = time.monotonic()
    return execute(
        notebook, requests=requests, data_seed=data_seed, language=language,
        timeout=limits.cell_timeout, answers_dir=scratch, wall_time=limits.wall_time,
        start_kernel=lambda kernel_env: SandboxedKernel(
            {**kernel_env, **env}, scratch, limits, first_files=first.pop() if first else (),
            start_timeout=max(5.0, min(START_TIMEOUT,
                                       limits.wall_time - (time.monotonic() - started)))))


def _kill_user(uid: int) -> None:
    """Kill every process of a kernel's sandbox user (the kernel and anything it started)."""
    if bwrap_path():
        subprocess.run(["pkill", "-KILL", "-U", str(uid)], capture_output=True)


def _share_font_cache(folder: Path) -> list[Path]:
    """Give the run our matplotlib font list, so it does not spend seconds rebuilding it."""
    made: list[Path] = []
    try:
        import matplotlib
        from matplotlib import font_manager  # noqa: F401 - builds the cache if missing
        folder.mkdir(exist_ok=True)
        made.append(folder)
        for cache in Path(matplotlib.get_cachedir()).glob("fontlist-*.json"):
            shutil.copyfile(cache, folder / cache.name)
            made.append(folder / cache.name)
    except Exception:  # a missing cache only costs time
        pass
    return made


def _kill(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()
