"""Warm kernels: a process with the course's libraries loaded, forked into each fresh sandbox.

Most of a submission's cost is starting Python and importing pandas, matplotlib,
scipy and ipykernel (about 2 CPU-seconds), not running its cells. The zygote
imports them once, inside the same bubblewrap sandbox a kernel gets (read-only
system, no network, the answer key hidden), and then only ever forks. It never
runs a line of a submission and never even reads a request: each connection is
handed to a fresh fork, which reads its own request. So every kernel starts as a
copy of a state no submission has touched.

Each fork builds its submission's own sandbox before any learner code runs:
new mount, PID, network, IPC and UTS namespaces; a fresh ``/proc``, ``/tmp`` and
``/dev/shm``; the pool folder covered so that only its own scratch folder is
there; then every capability dropped, a user of its own, ``no_new_privs`` and
the limits. The grader talks to it exactly as to a kernel bwrap started (Unix
sockets in the scratch folder, checked to be that user's own), and closing the
zygote connection kills the kernel's whole PID namespace.

Processes: bwrap > zygote > (per submission) keeper, which holds the grader's
connection and kills on hang-up > init (PID 1 of the submission's namespace,
reaps) > the kernel.
"""

from __future__ import annotations

import atexit
import ctypes
import gc
import importlib.util
import json
import os
import random
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from clv_course.grading import seccomp
from clv_course.i18n import _

#: what the zygote imports before it forks: what the chapters' kernels spend their start on
PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger",
           "debugpy", "debugpy.server.api", "IPython", "IPython.core.debugger",
           "IPython.core.completerlib", "IPython.core.oinspect", "IPython.extensions.storemagic",
           "tornado.gen", "tornado.locks", "tornado.queues", "tornado.platform.asyncio",
           "numpy", "pandas", "pandas.io.formats.html", "pandas.io.formats.string",
           "scipy.optimize", "scipy.special", "scipy.stats", "matplotlib", "matplotlib.pyplot",
           "matplotlib_inline.backend_inline", "ipywidgets", "babel.numbers", "babel.dates",
           "clv_course", "clv_course.plots", "clv_course.plots.basics", "clv_course.widgets",
           "clv_course.widgets.calculator", "clv_course.models", "clv_course.metrics",
           "clv_course.summary", "clv_course.cohorts", "clv_course.segments", "clv_course.levers",
           "clv_course.datasets", "clv_course.selfcheck", "clv_course.grading.probe")
#: the capabilities the zygote keeps to build each sandbox; every kernel drops them all
CAPABILITIES = ("CAP_SYS_ADMIN", "CAP_SETUID", "CAP_SETGID", "CAP_SETPCAP", "CAP_KILL")
SOCKET_NAME = "zygote.sock"
#: the longest pool path that leaves room for <pool>/g-XXXXXXXX/scratch/kernel-ipc-NNNNN
MAX_POOL_PATH = 64
#: seconds the zygote may take to load its libraries
READY_TIMEOUT = 120
_REQUEST_BYTES = 1 << 16
#: what the zygote prints when it can fork kernels, or when it must not
READY, THREADED = "zygote: ready", "zygote: libraries started threads"


class _Refused(ValueError):
    """A request the keeper will not serve (the grader then starts that kernel cold)."""

_CLONE_NEWNS, _CLONE_NEWUTS, _CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
_CLONE_NEWPID, _CLONE_NEWNET = 0x20000000, 0x40000000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 1, 2, 4, 8
_MS_REMOUNT, _MS_BIND, _MS_MOVE, _MS_REC, _MS_PRIVATE = 32, 4096, 8192, 16384, 1 << 18
_PR_SET_PDEATHSIG, _PR_CAPBSET_DROP, _PR_SET_NO_NEW_PRIVS = 1, 24, 38
_PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL = 47, 4


# --- the grader's side -------------------------------------------------------------------

class Zygote:
    """One zygote for this grading process, in a pool folder only root can enter.

    The pool is bound onto itself as a shared mount, so the size-limited tmpfs the
    grader mounts on a submission's scratch folder later is seen by the zygote too.
    """

    def __init__(self, environment: dict[str, str]) -> None:
        from clv_course.grading.sandbox import zygote_command
        # short: a kernel's socket paths below it must stay within a Unix socket's 107 bytes
        self.pool = Path(tempfile.mkdtemp(prefix="clvz-"))
        if len(str(self.pool)) > MAX_POOL_PATH:
            os.rmdir(self.pool)
            self.pool = Path(tempfile.mkdtemp(prefix="clvz-", dir="/tmp"))
        self.socket = self.pool / SOCKET_NAME
        self.process: subprocess.Popen | None = None
        self._mounted = _run("mount", "--bind", str(self.pool), str(self.pool)) and \
            _run("mount", "--make-shared", str(self.pool))
        fonts = self.pool / "fonts"
        fonts.mkdir()
        _copy_font_cache(fonts)
        self.log = self.pool / "zygote.log"
        command = zygote_command([sys.executable, "-c", "from clv_course.grading.zygote import "
                                  f"serve; serve({str(self.pool)!r})"], self.pool)
        started = threading.Event()

        def keep() -> None:  # bwrap dies with the thread that started it: one that never ends
            with open(self.log, "wb") as log:
                self.process = subprocess.Popen(command, env=environment, stdin=subprocess.DEVNULL,
                                                stdout=log, stderr=log, start_new_session=True)
            started.set()
            self.process.wait()

        threading.Thread(target=keep, name="clv-course-zygote", daemon=True).start()
        started.wait()
        if not self._wait_until_ready():
            self.stop()
            raise RuntimeError(self._log_tail() or "zygote")

    def _wait_until_ready(self) -> bool:
        deadline = time.monotonic() + READY_TIMEOUT
        while time.monotonic() < deadline and self.alive():
            if READY.encode() in self.log.read_bytes()[-200:]:
                return True
            time.sleep(0.05)
        return False

    def _log_tail(self) -> str:
        try:
            return self.log.read_text(errors="replace").strip()[-300:]
        except OSError:
            return ""

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop_process_only(self) -> None:
        """End the zygote and every kernel forked from it; the pool stays (see :meth:`stop`)."""
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.process.wait()

    def stop(self) -> None:
        self.stop_process_only()
        if self._mounted:
            _run("umount", "--lazy", str(self.pool))
        shutil.rmtree(self.pool, ignore_errors=True)


_ZYGOTE: Zygote | None = None
_RETIRED: list[Zygote] = []
_FAILED = False
_LOCK = threading.Lock()


def zygote_socket() -> Path | None:
    """The socket of this process's zygote, started on first use; None where there is none.

    There is one only with the sandbox (root and bwrap). A zygote that cannot start
    leaves the grader on bwrap-started kernels, which are slower but the same.
    """
    global _ZYGOTE, _FAILED
    from clv_course.grading.sandbox import bwrap_path
    if os.environ.get("CLV_COURSE_WARM_KERNELS", "1") == "0" or bwrap_path() is None:
        return None
    with _LOCK:
        if _ZYGOTE is not None and not _ZYGOTE.alive():
            # its pool still holds the folders of runs that are ending: removed at exit
            _RETIRED.append(_ZYGOTE)
            _ZYGOTE = None
        if _ZYGOTE is None and not _FAILED:
            try:
                _ZYGOTE = Zygote(zygote_environment())
                if not _RETIRED:
                    atexit.register(stop_zygote)
            except (OSError, RuntimeError) as error:
                _FAILED = True
                line = _("Kernels start cold, each in a sandbox bwrap starts (slower, as safe): "
                         "{reason}").format(reason=error)
                print(line, file=sys.stderr)
        return _ZYGOTE.socket if _ZYGOTE is not None else None


def stop_zygote() -> None:
    global _ZYGOTE
    with _LOCK:
        for zygote in [*_RETIRED, *([_ZYGOTE] if _ZYGOTE is not None else [])]:
            zygote.stop()
        _RETIRED.clear()
        _ZYGOTE = None


def zygote_environment() -> dict[str, str]:
    """What the zygote imports under: the kernels' fixed settings, nothing of the grader's."""
    from clv_course.grading.execute import INHERITED_VARIABLES
    env = {name: os.environ[name] for name in INHERITED_VARIABLES if name in os.environ}
    env.update(HOME="/tmp", TMPDIR="/tmp", LANG="C.UTF-8", PYTHONDONTWRITEBYTECODE="1",
               MPLBACKEND="agg", MPLCONFIGDIR="/tmp/matplotlib", OPENBLAS_NUM_THREADS="1",
               OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    return env


def request_kernel(zygote: Path, *, scratch: Path, uid: int, connection: dict[str, Any],
                   env: dict[str, str], limits: dict[str, int], log: int,
                   timeout: float) -> socket.socket:
    """Ask the zygote for a kernel; the open line to its keeper (closing it kills the kernel)."""
    line = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        line.settimeout(timeout)
        line.connect(str(zygote))
        request = {"scratch": str(scratch), "uid": uid, "connection": connection, "env": env,
                   "limits": limits}
        socket.send_fds(line, [json.dumps(request).encode() + b"\n"], [log])
        answer = b""
        while not answer.endswith(b"\n") and len(answer) < 1000:
            chunk = line.recv(1000)
            if not chunk:
                break
            answer += chunk
    except OSError as error:
        line.close()
        raise RuntimeError(str(error)) from None
    if answer != b"started\n":
        line.close()
        raise RuntimeError(answer.decode(errors="replace").strip()[:200] or "zygote")
    line.setblocking(False)
    return line


def _run(*command: str) -> bool:
    return subprocess.run(command, capture_output=True).returncode == 0


def _copy_font_cache(folder: Path) -> None:
    """Our matplotlib font list, so the zygote does not spend seconds rebuilding it."""
    try:
        import matplotlib
        from matplotlib import font_manager  # noqa: F401 - builds the cache if missing
        for cache in Path(matplotlib.get_cachedir()).glob("fontlist-*.json"):
            shutil.copyfile(cache, folder / cache.name)
    except Exception:  # a missing cache only costs time
        pass


# --- inside the sandbox: the zygote ------------------------------------------------------

def serve(pool: str) -> None:
    """The zygote: load the libraries once, then fork one keeper per connection."""
    fonts = Path(pool) / "fonts"
    os.makedirs("/tmp/matplotlib", exist_ok=True)
    for cache in fonts.glob("fontlist-*.json"):
        shutil.copyfile(cache, Path("/tmp/matplotlib") / cache.name)
    for module in PRELOAD:
        try:
            __import__(module)
        except Exception:  # noqa: BLE001 - what is not loaded here, a kernel loads itself
            pass
    if threading.active_count() != 1:  # a fork copies one thread only: refuse to be unsafe
        print(THREADED, flush=True)
        return
    gc.collect()
    gc.freeze()  # a fork's collector never walks (and so never copies) the libraries' objects
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # keepers are reaped by the system
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(Path(pool) / SOCKET_NAME))
    listener.listen(64)
    print(READY, flush=True)
    while True:
        try:
            connection, _address = listener.accept()
            child = os.fork()
        except OSError:  # out of processes or memory for a moment: that request waits
            time.sleep(0.1)
            continue
        if child == 0:
            listener.close()
            code = 1
            try:
                code = _keeper(connection, Path(pool))
            finally:
                os._exit(code)
        connection.close()


def _keeper(connection: socket.socket, pool: Path) -> int:
    """One submission's keeper: read the request, build the namespaces, wait, kill on hang-up."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    _libc_call("prctl", _PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    try:
        message, fds, _flags, _address = socket.recv_fds(connection, _REQUEST_BYTES, 1)
        request = _checked_request(message, fds, pool)
    except (OSError, ValueError) as error:
        _answer(connection, f"refused: {error}")
        return 1
    _libc_call("unshare", _CLONE_NEWNS | _CLONE_NEWPID | _CLONE_NEWNET | _CLONE_NEWIPC
               | _CLONE_NEWUTS)
    _mount(None, "/", None, _MS_REC | _MS_PRIVATE)
    failure_read, failure_write = os.pipe()
    init = os.fork()
    if init == 0:
        os.close(failure_read)
        connection.close()
        try:
            _init(request, pool, fds[0])
        except BaseException as error:  # noqa: BLE001 - told to the grader, then gone
            reason = f"{type(error).__name__}: {error}"[:300].encode()
            os.write(failure_write, reason)
            try:
                os.write(fds[0], b"sandbox: " + reason + b"\n")
            except OSError:
                pass
        os._exit(127)
    os.close(failure_write)
    os.close(fds[0])
    os.set_blocking(failure_read, False)
    _answer(connection, "started")
    pidfd = os.pidfd_open(init)
    while True:
        ready, _w, _x = select.select([connection, pidfd], [], [])
        if pidfd in ready:
            _pid, status = os.waitpid(init, 0)
            try:
                reason = os.read(failure_read, 300).decode(errors="replace")
            except BlockingIOError:
                reason = ""
            _answer(connection, f"exit {os.waitstatus_to_exitcode(status)} {reason}".strip())
            return 0
        if not connection.recv(1):  # the grader hung up: the kernel's namespace goes
            os.kill(init, signal.SIGKILL)
            os.waitpid(init, 0)
            return 0


def _checked_request(message: bytes, fds: list[int], pool: Path) -> dict[str, Any]:
    from clv_course.grading.sandbox import FIRST_UID
    if len(fds) != 1:
        raise _Refused("log")
    request = json.loads(message.decode())
    scratch = Path(request["scratch"])
    if scratch.parent.parent != pool or scratch.name != "scratch" or ".." in scratch.parts:
        raise _Refused("scratch")
    if type(request["uid"]) is not int or request["uid"] < FIRST_UID:
        raise _Refused("uid")
    return request


def _init(request: dict[str, Any], pool: Path, log: int) -> None:
    """PID 1 of the submission's namespaces: build its sandbox, drop everything, start it."""
    scratch, uid = Path(request["scratch"]), request["uid"]
    # held open, as the fresh /tmp below may cover the pool (it usually lies under /tmp)
    held = os.open(scratch, os.O_PATH | os.O_DIRECTORY | os.O_NOFOLLOW)
    # what the sandbox shows under /tmp (a checkout or a venv there) is shown again below it
    shown = {point: os.open(point, os.O_PATH | os.O_DIRECTORY)
             for point in _shown_below_tmp(pool) if os.path.isdir(point)}
    _mount("proc", "/proc", "proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC)
    size = f"size={int(request['limits']['scratch_bytes'])}"
    _mount("tmpfs", "/tmp", "tmpfs", _MS_NOSUID | _MS_NODEV, f"mode=1777,{size}")
    for point, fd in shown.items():
        os.makedirs(point, 0o755, exist_ok=True)
        _mount(f"/proc/self/fd/{fd}", point, None, _MS_BIND | _MS_REC)
        _mount(None, point, None, _MS_REMOUNT | _MS_BIND | _MS_RDONLY | _MS_NOSUID | _MS_NODEV)
        os.close(fd)
    if os.path.isdir("/dev/shm"):
        _mount("tmpfs", "/dev/shm", "tmpfs", _MS_NOSUID | _MS_NODEV, f"mode=1777,{size}")
    if os.path.isdir("/dev/pts"):  # terminals of its own, not the zygote's, which all share
        _mount("devpts", "/dev/pts", "devpts", _MS_NOSUID | _MS_NOEXEC,
               "newinstance,ptmxmode=0666,mode=0620")
        if os.path.exists("/dev/ptmx"):
            _mount("/dev/pts/ptmx", "/dev/ptmx", None, _MS_BIND)
    # the pool is covered by an empty folder with only this submission's scratch in it
    os.makedirs(pool, 0o755, exist_ok=True)
    _mount("tmpfs", str(pool), "tmpfs", _MS_NOSUID | _MS_NODEV, "mode=0755,size=1m")
    os.makedirs(scratch, 0o755)
    connection_file = scratch.parent / "kernel.json"
    connection_file.write_text(json.dumps(request["connection"]))
    os.chmod(connection_file, 0o444)
    _mount(f"/proc/self/fd/{held}", str(scratch), None, _MS_BIND | _MS_REC)
    os.close(held)
    _mount(None, str(pool), None, _MS_REMOUNT | _MS_RDONLY | _MS_NOSUID | _MS_NODEV)
    _drop_everything(uid)
    kernel = os.fork()
    if kernel == 0:
        _start_kernel(request, connection_file, log)
    os.close(log)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    while True:  # reap what the kernel leaves behind; end with the kernel
        pid, status = os.wait()
        if pid == kernel:
            os._exit(os.waitstatus_to_exitcode(status) & 0xFF)


def _shown_below_tmp(pool: Path) -> list[str]:
    """The outermost mounts below /tmp in this namespace, the pool aside (all read-only)."""
    points: list[str] = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), line.split()[4])
        inside_pool = point == str(pool) or point.startswith(f"{pool}/")
        if point.startswith("/tmp/") and not inside_pool \
                and not any(point.startswith(f"{kept}/") or point == kept for kept in points):
            points.append(point)
    return points


def _drop_everything(uid: int) -> None:
    """Become the submission's own user with no capability, now or ever."""
    last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    for capability in range(last + 1):
        _libc_call("prctl", _PR_CAPBSET_DROP, capability, 0, 0, 0)
    _libc_call("prctl", _PR_CAP_AMBIENT, _PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    _clear_inheritable()
    _libc_call("prctl", _PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    status = dict(line.split(":\t", 1) for line in
                  Path("/proc/self/status").read_text().splitlines() if ":\t" in line)
    if any(int(status[name].strip(), 16) for name in ("CapInh", "CapPrm", "CapEff", "CapBnd",
                                                       "CapAmb")) or os.getuid() != uid:
        raise RuntimeError("capabilities left: " + " ".join(
            f"{name}={status[name].strip()}" for name in ("CapInh", "CapPrm", "CapEff", "CapBnd",
                                                          "CapAmb")))
    _libc_call("prctl", _PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    seccomp.install()  # no keyrings, no user namespaces (see clv_course.grading.seccomp)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                ("inheritable", ctypes.c_uint32)]


def _clear_inheritable() -> None:
    """setuid clears what a process may use, not what it passes on: clear that too."""
    header = _CapHeader(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3
    data = (_CapData * 2)()
    if _LIBC.capset(ctypes.byref(header), data) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"capset: {os.strerror(error)}")


def _start_kernel(request: dict[str, Any], connection_file: Path, log: int) -> None:
    """The kernel itself: the limits, its own session, environment and output, then ipykernel."""
    from clv_course.grading.sandbox import Limits, limit_setter
    try:
        limit_setter(Limits(**request["limits"]), sandboxed=True)()
        null = os.open("/dev/null", os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.closerange(3, 65536)
        scratch = request["scratch"]
        os.chdir(scratch)
        os.environ.clear()
        os.environ.update(request["env"])
        os.environ.update(HOME=scratch, TMPDIR=scratch)
        tempfile.tempdir = None
        sys.path[:] = [p for p in sys.path if p not in ("", "/")]
        argv = ["-f", str(connection_file), "--HistoryManager.enabled=False"]
        sys.argv = [_LAUNCHER, *argv]  # as a kernel that ipykernel_launcher started sees it
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        random.seed()  # a fork shares its parent's random state: each kernel draws its own
        if "numpy" in sys.modules:
            sys.modules["numpy"].random.seed()
        from ipykernel.kernelapp import IPKernelApp
        app = IPKernelApp.instance()
        app.initialize(argv)
        app.start()
    except BaseException as error:  # noqa: BLE001 - the kernel's own log says why
        try:
            os.write(2, f"kernel: {type(error).__name__}: {error}\n".encode())
        except OSError:
            pass
    os._exit(0)


def _answer(connection: socket.socket, text: str) -> None:
    try:
        connection.sendall(text.encode() + b"\n")
    except OSError:
        pass


_LIBC = ctypes.CDLL(None, use_errno=True)
#: the program name a kernel started by ipykernel_launcher has in sys.argv
_LAUNCHER = getattr(importlib.util.find_spec("ipykernel_launcher"), "origin",
                    None) or "ipykernel_launcher"


def _libc_call(name: str, *args: Any) -> int:
    result = getattr(_LIBC, name)(*args)
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{name}: {os.strerror(error)}")
    return result


def _mount(source: str | None, target: str, kind: str | None, flags: int,
           data: str | None = None) -> None:
    encode = (lambda text: text.encode() if text is not None else None)
    _LIBC.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_ulong,
                            ctypes.c_char_p]
    if _LIBC.mount(encode(source), encode(target), encode(kind), flags, encode(data)) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"mount {target}: {os.strerror(error)}")
