"""Where a submission runs: a bubblewrap sandbox with limits, or limits alone.

With ``bwrap`` (Debian's ``bubblewrap``) and root, a submission sees a read-only
system (``/usr``, ``/etc``, Python, the course package and its data), no
network, no other processes, and one private scratch folder; it runs as an
unprivileged user of its own, so process limits hold. The instructor's files
(solutions, other submissions, the gradebook) are simply not there.

The answer key (:mod:`clv_course.exercises`) is hidden under an empty folder:
a submission can import the package's public API but not the expected values,
reference functions or grading inputs. Its scratch folder is a size-limited
tmpfs of its own, so a submission that fills its disk harms nobody else.

Limits on CPU time, memory, processes, file size and wall time apply always.
Without a sandbox the grader refuses to run unless told (see :func:`sandbox_warning`).
"""

from __future__ import annotations

import itertools
import os
import resource
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import BinaryIO

from clv_course.grading import seccomp
from clv_course.i18n import _

PACKAGE_DIR = Path(__file__).resolve().parents[1]
#: what a grading sandbox must never see: the exercises' expected values and grading inputs
ANSWER_KEY_DIR = PACKAGE_DIR / "exercises"
#: kernels run as unprivileged users from this id on, a new one for every kernel
FIRST_UID = 100_000
#: user ids per grading process: one per kernel it starts (a notebook restarts a few times)
_USERS_PER_PROCESS = 64
_kernels_started = itertools.count()


def next_uid() -> int:
    """A user id no kernel of another running grading process can have.

    Every kernel gets its own, so the process limit is its own too, and what one
    submission leaves running can never take the next one's processes or files.
    The block comes from the process id, which no two running processes share.
    """
    return FIRST_UID + os.getpid() * _USERS_PER_PROCESS \
        + next(_kernels_started) % _USERS_PER_PROCESS


#: seconds one cell may run before it is interrupted: the one default everywhere
CELL_TIMEOUT = 60


@dataclass(frozen=True)
class Limits:
    """What one submission may use."""

    cell_timeout: int = CELL_TIMEOUT      # seconds of wall time per cell
    wall_time: int = 5 * CELL_TIMEOUT     # seconds for the whole notebook
    cpu_seconds: int = 900          # CPU seconds per process
    memory_bytes: int = 3 * 2**30   # address space per process
    processes: int = 256            # processes and threads of the submission's user
    file_bytes: int = 64 * 2**20    # largest file it may write
    scratch_bytes: int = 256 * 2**20  # all files it may keep, in its own tmpfs
    scratch_files: int = 4096       # files and folders it may create there
    grader_memory_bytes: int = 1536 * 2**20  # the grader's own side of one submission


def _datasets_dir() -> Path:
    from clv_course.datasets import datasets_dir
    return datasets_dir()


@cache
def bwrap_path() -> str | None:
    """The bwrap program when it can sandbox here (it needs root to switch users)."""
    found = shutil.which("bwrap")
    if not found or os.geteuid() != 0:
        return None
    probe = subprocess.run([found, "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid",
                            "--die-with-parent", "true"], capture_output=True, timeout=30)
    return found if probe.returncode == 0 else None


def sandbox_warning() -> str | None:
    """The loud sentence to print when submissions cannot be contained, else None."""
    if bwrap_path():
        return None
    return _("WARNING: no sandbox is available (install the 'bubblewrap' package and run as "
             "root). Submissions run with time, memory and process limits only, and can read "
             "your files.")


def _readable_paths() -> list[Path]:
    """What a submission needs to see: Python, the virtual environment, the package, data."""
    paths = [Path(sys.base_prefix), Path(sys.prefix), PACKAGE_DIR, _datasets_dir()]
    return [p.resolve() for p in paths]


def _parents(path: Path) -> list[Path]:
    return list(reversed(path.parents))[1:]


def _sandbox_base(writable: Path, read_only: tuple[Path, ...] = ()) -> list[str]:
    """bwrap's arguments for the read-only system, no network, no key, and ``writable``."""
    bwrap = bwrap_path()
    assert bwrap is not None
    command = [bwrap, "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
               "--unshare-cgroup-try", "--die-with-parent", "--new-session",
               # a private /tmp first, so what is bound below it (a venv in /tmp) stays visible
               "--dev", "/dev", "--proc", "/proc", "--perms", "01777", "--tmpfs", "/tmp"]
    made: set[Path] = set()
    for path in [*_readable_paths(), writable.resolve(), *(p.resolve() for p in read_only)]:
        for parent in _parents(path):
            if parent not in made and parent not in (Path("/usr"), Path("/"), Path("/tmp")):
                command += ["--perms", "0755", "--dir", str(parent)]
                made.add(parent)
    for system in ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib64", "/lib32"):
        command += ["--ro-bind-try", system, system]
    for path in _readable_paths():
        command += ["--ro-bind", str(path), str(path)]
    # the answer key is covered by an empty, read-only folder
    command += ["--perms", "0555", "--tmpfs", str(ANSWER_KEY_DIR.resolve())]
    for path in read_only:
        command += ["--ro-bind", str(path.resolve()), str(path.resolve())]
    return command + ["--bind", str(writable), str(writable)]


def sandbox_command(argv: list[str], scratch: Path, uid: int,
                    read_only: tuple[Path, ...] = ()) -> list[str]:
    """``argv`` wrapped in bwrap: read-only system, private ``scratch``, no network, no key.

    ``read_only`` are grader-owned folders the kernel may read (its connection file).
    """
    filter_file = seccomp.program_file()
    return _sandbox_base(scratch, read_only) + (
        ["--seccomp", str(filter_file)] if filter_file is not None else []) + [
        "--chdir", str(scratch), "--setenv", "HOME", str(scratch), "--setenv", "TMPDIR",
        str(scratch), "/usr/bin/setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
        "--inh-caps=-all", "--bounding-set=-all", "--", *argv]


def passed_fds(command: list[str]) -> tuple[int, ...]:
    """The file descriptors a sandbox command names (its seccomp filter), for Popen."""
    return tuple(int(command[i + 1]) for i, part in enumerate(command) if part == "--seccomp")


def zygote_command(argv: list[str], pool: Path) -> list[str]:
    """``argv`` as the zygote (see :mod:`~clv_course.grading.zygote`): the kernels' sandbox,
    the pool folder, and only the capabilities it needs to build each kernel's own."""
    from clv_course.grading.zygote import CAPABILITIES
    command = _sandbox_base(pool) + ["--chdir", "/", "--cap-drop", "ALL"]
    for capability in CAPABILITIES:
        command += ["--cap-add", capability]
    return command + ["--", *argv]


def limit_setter(limits: Limits, *, sandboxed: bool) -> Callable[[], None]:
    """A pre-exec function applying ``limits`` to the child and everything it starts."""
    def apply() -> None:
        os.setsid()
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds))
        resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if sandboxed or os.geteuid() != 0:  # root ignores the process limit outside a sandbox
            resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
    return apply


class UntrustedFile(Exception):
    """A path a submission controls that is not a regular file within its size cap."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "missing", "link", "not_regular", "too_large" or "changed"


def open_untrusted(path: Path) -> BinaryIO:
    """A regular file opened for reading without following a link or blocking on a pipe.

    Everything else a submission could have put at ``path`` (a link, a pipe, a
    device) raises :class:`UntrustedFile` instead of being followed or waited on.
    """
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        raise UntrustedFile("link" if os.path.islink(path) else
                            "not_regular" if os.path.lexists(path) else "missing") from None
    if not stat.S_ISREG(os.fstat(handle).st_mode):
        os.close(handle)
        raise UntrustedFile("not_regular")
    return os.fdopen(handle, "rb")


def file_identity(path: Path) -> tuple[int, int] | None:
    """The (device, inode) of what is at ``path`` itself (a link is not followed), if anything."""
    try:
        found = os.lstat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def read_untrusted(path: Path, limit: int, identity: tuple[int, int] | None = None) -> bytes:
    """At most ``limit`` bytes of a regular file (see :func:`open_untrusted`); a larger one raises.

    With ``identity`` (see :func:`file_identity`), a file that is no longer the one
    seen then (a folder on its path swapped for a link, the file replaced) raises too.
    """
    with open_untrusted(path) as stream:
        info = os.fstat(stream.fileno())
        if identity is not None and (info.st_dev, info.st_ino) != identity:
            raise UntrustedFile("changed")
        if info.st_size > limit:
            raise UntrustedFile("too_large")
        raw = stream.read(limit + 1)
    if len(raw) > limit:
        raise UntrustedFile("too_large")
    return raw


def give_to(uid: int, *paths: Path) -> None:
    """Hand grader-made ``paths`` to the kernel's user, never through a link."""
    if bwrap_path():
        for path in paths:
            os.chown(path, uid, uid, follow_symlinks=False)


def mount_scratch(scratch: Path, limits: Limits) -> bool:
    """Make ``scratch`` a tmpfs of its own with the size and file limits; False if we cannot."""
    if not bwrap_path():
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={limits.scratch_bytes},"
         f"nr_inodes={limits.scratch_files},mode=0700,nosuid,nodev", "clv-course-scratch",
         str(scratch)], capture_output=True)
    return done.returncode == 0


def unmount_scratch(scratch: Path) -> None:
    subprocess.run(["umount", "--lazy", str(scratch)], capture_output=True)
