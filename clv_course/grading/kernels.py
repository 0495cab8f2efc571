"""The grading kernel: one submission's Python kernel in its own bubblewrap sandbox.

Every kernel start gets an unprivileged user of its own (what a killed kernel
left running cannot take the next one's processes) and the submission a scratch
folder (a size-limited tmpfs where the machine allows it). The grader never
follows a path the submission could have touched: the connection file lives in
a fresh grader-owned folder for every kernel start, and only the scratch folder
itself, and files the grader made before any learner code ran, are handed to the
kernel's user, never through a link.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import nbformat
from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file

from clv_course.collecting import PartRequest
from clv_course.grading.execute import Kernel, bound_messages, execute, watch_cuts
from clv_course.grading.sandbox import (Limits, bwrap_path, give_to, limit_setter, mount_scratch,
                                        next_uid, sandbox_command, unmount_scratch)
from clv_course.i18n import _

#: seconds a kernel may take to start and answer
START_TIMEOUT = 60


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
        self.client = BlockingKernelClient(connection_file=str(connection))
        self.client.load_connection_file()
        bound_messages(self.client)
        self.client.start_channels(hb=False)
        self.monitors = watch_cuts(self.client)
        try:
            self._wait_until_ready(timeout=start_timeout)
        except RuntimeError as error:
            tail = self._log_tail()
            self.close()
            raise RuntimeError(f"{error}: {tail}") from None

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


def run_contained(notebook: nbformat.NotebookNode, requests: dict[str, list[PartRequest]], *,
                  data_seed: int, language: str, limits: Limits) -> dict[str, Any]:
    """Run one notebook in its own sandboxed kernel; its run report, or what went wrong."""
    with tempfile.TemporaryDirectory(prefix="clv-course-grade-") as folder:
        scratch = Path(folder) / "scratch"
        scratch.mkdir()
        mounted = mount_scratch(scratch, limits)
        try:
            fonts = [tuple(_share_font_cache(scratch / ".matplotlib"))]  # for the first start only
            env = {"HOME": str(scratch), "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
                   "JUPYTER_RUNTIME_DIR": str(scratch / ".jupyter"),
                   "IPYTHONDIR": str(scratch / ".ipython"),
                   "MPLCONFIGDIR": str(scratch / ".matplotlib"), "JUPYTER_PLATFORM_DIRS": "1"}
            started = time.monotonic()
            report = execute(
                json.loads(nbformat.writes(notebook)), requests=requests, data_seed=data_seed,
                language=language, timeout=limits.cell_timeout, answers_dir=scratch,
                wall_time=limits.wall_time, start_kernel=lambda kernel_env: SandboxedKernel(
                    {**kernel_env, **env}, scratch, limits, first_files=fonts.pop() if fonts else (),
                    start_timeout=max(5.0, min(START_TIMEOUT,
                                               limits.wall_time - (time.monotonic() - started)))))
        except Exception as error:  # a kernel that never started, a broken channel
            return {"status": "crashed", "answers": {},
                    "errors": [f"{type(error).__name__}: {error}"[:300]]}
        finally:
            if mounted:
                unmount_scratch(scratch)
    if report.get("out_of_time"):
        report["status"] = "timeout"
    return report


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
