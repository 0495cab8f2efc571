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

import dataclasses
import json
import multiprocessing
import os
import queue
import resource
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import zmq
from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file

from clv_course.collecting import PartRequest
from clv_course.grading.execute import Kernel, KernelLost, bound_messages, execute, watch_cuts
from clv_course.grading.sandbox import (Limits, bwrap_path, give_to, limit_setter, mount_scratch,
                                        next_uid, passed_fds, sandbox_command,
                                        unmount_scratch)
from clv_course.grading.zygote import request_kernel, zygote_socket
from clv_course.i18n import _

if TYPE_CHECKING:  # the grader's children never load nbformat (its schema checks cost seconds)
    import nbformat

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
                 start_timeout: float = START_TIMEOUT, *, first_files: tuple[Path, ...] = (),
                 zygote: Path | None = None) -> None:
        self.uid = uid = next_uid()
        give_to(uid, scratch, *first_files)
        # a new grader-owned folder per start: nothing the kernel made can stand in its place
        self.control = Path(tempfile.mkdtemp(prefix="control-", dir=scratch.parent))
        connection = self.control / "kernel.json"
        write_connection_file(str(connection), transport="ipc", ip=str(scratch / "kernel-ipc"))
        give_to(uid, connection)
        os.chmod(self.control, 0o755)
        sandboxed = bwrap_path() is not None
        # the kernel's own messages go to a file the instructor may read when it fails to start
        self.log = self.control / "kernel.log"
        self.process: subprocess.Popen | None = None
        self.line: socket.socket | None = None  # to the zygote's keeper of a warm kernel
        self.ended: str | None = None  # what the keeper said when the warm kernel ended
        with open(self.log, "wb") as log:
            if zygote is not None and sandboxed:
                try:
                    self.line = request_kernel(
                        zygote, scratch=scratch, uid=uid, connection=json.loads(
                            connection.read_text()), env=env, limits=dataclasses.asdict(limits),
                        log=log.fileno(), timeout=start_timeout)
                except RuntimeError as error:  # a lost zygote: this kernel starts cold
                    log.write(f"{error}\n".encode())
            if self.line is None:
                argv = [sys.executable, "-m", "ipykernel_launcher", "-f", str(connection),
                        "--HistoryManager.enabled=False"]
                command = sandbox_command(argv, scratch, uid, read_only=(self.control,)) \
                    if sandboxed else argv
                try:
                    self.process = subprocess.Popen(
                        command, env=env, cwd=scratch, stdin=subprocess.DEVNULL, stdout=log,
                        stderr=log, pass_fds=passed_fds(command),
                        preexec_fn=limit_setter(limits, sandboxed=sandboxed))
                finally:
                    for fd in passed_fds(command):
                        os.close(fd)
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
        lines = text.strip().splitlines() + ([self.ended] if self.ended else [])
        return " | ".join(line for line in lines[-3:] if "without encryption" not in line)[:500]

    def is_alive(self) -> bool:
        if self.line is not None:  # the keeper says nothing until the kernel has ended
            if self.ended is not None:
                return False
            try:
                if not select.select([self.line], [], [], 0)[0]:
                    return True
                self.ended = self.line.recv(400).decode(errors="replace").strip()
            except (OSError, ValueError):
                self.ended = ""
            # the keeper says how the kernel ended; silence means the zygote itself was lost
            self.lost = not self.ended.startswith("exit")
            return False
        return self.process is not None and self.process.poll() is None

    def interrupt(self) -> None:
        self.client.control_channel.send(self.client.session.msg("interrupt_request", {}))

    def close(self) -> None:
        try:
            for monitor in self.monitors:
                monitor.close(linger=0)
            self.client.stop_channels()
        finally:
            if self.line is not None:
                _hang_up(self.line)
            if self.process is not None:
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
    zygote = zygote_socket()
    with tempfile.TemporaryDirectory(prefix="g-" if zygote else "clv-course-grade-",
                                     dir=zygote.parent if zygote else None) as folder:
        scratch = Path(folder) / "scratch"
        scratch.mkdir()
        mounted = mount_scratch(scratch, limits)
        try:
            fonts = () if zygote else tuple(_share_font_cache(scratch / ".matplotlib"))
            report = _in_child(json.loads(json.dumps(notebook)), requests, data_seed,
                               language, limits, scratch, fonts, zygote)
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
            # Each child runs the main module again before it starts (Python 3.11's forkserver
            # never preloads it), so what the main module imports is loaded here, once.
            main = getattr(sys.modules["__main__"].__spec__, "name", None)
            context.set_forkserver_preload(["clv_course.grading.kernels",
                                            "clv_course.grading.gradebook",
                                            *([main] if main else [])])
            _PROCESSES = context
        return _PROCESSES


def warm_up() -> None:
    """Start the zygote and the forkserver now, beside the class's listing, not before the first
    submission; in the background, so a grader that needs neither waits for nothing."""
    def start() -> None:
        context = _processes()
        child = context.Process(target=int, daemon=True)
        child.start()
        child.join()
    threading.Thread(target=start, daemon=True).start()
    threading.Thread(target=zygote_socket, daemon=True).start()


def _in_child(notebook: dict[str, Any], requests: dict[str, list[PartRequest]], data_seed: int,
              language: str, limits: Limits, scratch: Path, fonts: tuple[Path, ...],
              zygote: Path | None) -> dict:
    """:func:`_drive` in a child process; a child that dies or overstays is a status."""
    context = _processes()
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, daemon=True, args=(
        sending, notebook, requests, data_seed, language, limits, scratch, fonts, zygote))
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
                fonts: tuple[Path, ...], zygote: Path | None) -> None:
    """In the child: cap its memory, drive the kernel, send back the report (plain data)."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (limits.grader_memory_bytes, hard))
    try:
        report = _drive(notebook, requests, data_seed, language, limits, scratch, fonts,
                        zygote)
    except MemoryError:
        report = {"status": "flooded", "answers": {}, "errors": ["grader-memory"]}
    except KernelLost:  # not the notebook's doing: grading it again gives it its due
        report = {"status": "grader_error", "answers": {}, "errors": ["grader: zygote lost"]}
    except Exception as error:  # a kernel that never started, a broken channel
        report = {"status": "crashed", "answers": {},
                  "errors": [f"{type(error).__name__}: {error}"[:300]]}
    sending.send(report)
    sending.close()


def _drive(notebook: dict[str, Any], requests: dict[str, list[PartRequest]], data_seed: int,
           language: str, limits: Limits, scratch: Path, fonts: tuple[Path, ...],
           zygote: Path | None = None) -> dict:
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
            zygote=zygote,
            start_timeout=max(5.0, min(START_TIMEOUT,
                                       limits.wall_time - (time.monotonic() - started)))))


def _hang_up(line: socket.socket) -> None:
    """Hang up on a warm kernel's keeper and wait until it has ended the kernel's namespace.

    The keeper kills the namespace's first process, which returns only once every
    process in it has gone, then closes its end.
    """
    try:
        line.shutdown(socket.SHUT_WR)
        line.settimeout(10)
        while line.recv(400):
            pass
    except OSError:
        pass
    finally:
        line.close()


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
