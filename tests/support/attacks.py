"""Hostile submissions of chapter 4, each written by someone who has read the grader's code.

Every notebook is the chapter's right or untouched notebook with cells added,
written as raw JSON (a hostile notebook may break the format's rules). The
grader's threat model: ../shared/notes/grader-threat-model.md.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

CHAPTER = "04"
NOTEBOOK = "04_margin_discounting.ipynb"
#: an instructor's secret in the grader's environment, which must reach no kernel
TOKEN_NAME, TOKEN = "INSTRUCTOR_API_TOKEN", "tok-3f9a1c77e2"


def instructor_secret(base: Path) -> Path:
    """A root-only file of the instructor's on the host, which no submission may read or change."""
    secret = base / "instructor-secret.txt"
    secret.write_text("the instructor's own file")
    secret.chmod(0o600)
    return secret


def cell(source: str, cell_id: str = "hostile") -> dict:
    return {"cell_type": "code", "id": cell_id, "metadata": {}, "execution_count": None,
            "outputs": [], "source": source}


def _with(base: dict, *sources: str, at: int | None = None) -> dict:
    notebook = copy.deepcopy(base)
    for number, source in enumerate(sources):
        where = len(notebook["cells"]) if at is None else at + number
        notebook["cells"].insert(where, cell(source, f"hostile-{number}"))
    return notebook


# 1. the answer key, the seed, the probe's source, the course's own functions
STEAL_THE_KEY = """
import os, importlib
stolen = []
try:
    from clv_course.exercises import CourseData, chapter_exercises
    for exercise in chapter_exercises("ch04"):
        for part in exercise.parts:
            stolen.append(part.answer)
            globals()[part.answer] = (part.expected(CourseData.current())
                                      if hasattr(part, "expected") else part.reference)
except Exception as error:
    stolen.append(repr(error))
"""
SEED_AND_PROBE = """
import os, re
seed = os.environ.get("CLV_COURSE_DATA_SEED")
def _spy(info):
    source = info.raw_cell or ""
    if "__clv_probe" in source:
        import clv_course.grading.probe as probe
        real = probe.write
        def write(path, encoded, namespace):
            import base64, pickle
            requests = pickle.loads(base64.b64decode(encoded))
            namespace["monthly_rate"] = lambda annual: (1 + annual) ** (1 / 12) - 1
            real(path, encoded, namespace)
        probe.write = write
get_ipython().events.register("pre_run_cell", _spy)
"""
COURSE_FUNCTIONS = """
import clv_course.metrics as metrics
discounted_clv = metrics.discounted_clv
periods_to_share = metrics.discounted_clv_closed_form
"""
# 2. links the root grader might follow
PLANT_LINKS = """
import os
for name in ("planted", "kernel.json", "kernel-ipc-9", ".matplotlib/planted"):
    try:
        os.symlink({secret!r}, name)
    except OSError:
        pass
"""
DIE = "import os\nos._exit(1)"
# 3. the grader's environment, carried out through an error message into the feedback
LEAK_ENVIRONMENT = """
import os
def discounted_clv(margin, retention, discount_rate, periods):
    raise ValueError(" ".join(f"{k}={v}" for k, v in os.environ.items()))
"""
# 4. answers the judge cannot compare, and traps at the answers path
OVERFLOW = "margin_rate_by_channel = 10 ** 400\nmonthly_rate = lambda annual: 10 ** 400"
TRAP_ANSWERS = """
import os, re
def _trap(info):
    found = re.search(r"write\\('([^']+answers-[0-9a-f]+\\.json)'", info.raw_cell or "")
    if found:
        {make}
        import clv_course.grading.probe as probe
        probe.write = lambda *args, **kwargs: None
get_ipython().events.register("pre_run_cell", _trap)
"""
FILL_THE_DISK = """
import os
chunk = b"x" * (32 * 2**20)
written = 0
try:
    for number in range(200):
        with open(f"fill-{number}", "wb") as handle:
            handle.write(chunk)
        written += 1
except OSError:
    pass
"""
# 5. messages no grader should hold in memory
# 40 MB is five times what one message may hold; 300 MB took the kernel longer than the cell's
# 8 s to serialise and sign under the full suite's load, a timeout instead of a flood
HUGE_DISPLAY = ("from IPython.display import display\n"
                "display({'text/plain': 'x' * 40_000_000}, raw=True)")
HUGE_BUFFER = ("k = get_ipython().kernel\n"
               "k.session.send(k.iopub_socket, 'stream', {'name': 'stdout', 'text': 'x'}, "
               "parent=k.get_parent(), buffers=[b'x' * 200_000_000])")
MANY_FRAMES = ("k = get_ipython().kernel\n"
               "chunk = b'x' * (7 * 2**20)\n"
               "for _ in range(3):\n"
               "    k.session.send(k.iopub_socket, 'stream', {'name': 'stdout', 'text': 'x'}, "
               "parent=k.get_parent(), buffers=[chunk] * 150)\n"
               "import time\ntime.sleep(3)")
# 6. time
SLOW_CELL = "import time\ntime.sleep(4)"
KEEPS_TALKING = ("import time\nfrom IPython.display import display\n"
                 "while True:\n    display('tick')\n    time.sleep(0.03)")
# text no file system or codec likes: a lone surrogate in a message and in a cell id
SURROGATE = ('def discounted_clv(margin, retention, discount_rate, periods):\n'
             '    raise ValueError("\\ud800")')
# the grader's sockets swapped for a link to a host socket once the kernel runs
SWAP_SOCKETS = """
import json, os, socket, sys, time
info = json.load(open(sys.argv[sys.argv.index("-f") + 1]))
path = f"{info['ip']}-{info['control_port']}"
os.rename(path, path + ".orig")
os.symlink(TARGET, path)
for name in os.listdir("/proc/self/fd"):
    try:
        s = socket.socket(fileno=os.dup(int(name)))
    except OSError:
        continue
    try:
        if s.family == socket.AF_UNIX and s.getsockname() == path + ".orig":
            s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        s.close()
time.sleep(3)
"""

# 3. warm kernels: every kernel is a fork of one zygote; nothing may pass between two of them
_SHARED_PLACES = """
import ctypes, os, socket, time
PLACES = ["/tmp", "/dev/shm", "/var/tmp", "/run", "/dev/mqueue", "/dev", os.getcwd(),
          os.path.dirname(os.getcwd()), os.path.dirname(os.path.dirname(os.getcwd()))]
MARK, PORT, SHM_KEY = "clv-warm-marker", 47613, 0xC1C0
libc = ctypes.CDLL(None)
"""
#: leaves a mark wherever it can and holds an abstract socket, a port and a shared memory key
LEAVE_MARKS = _SHARED_PLACES + """
left = []
for place in PLACES:
    try:
        with open(os.path.join(place, MARK), "w") as mark:
            mark.write("was here")
        left.append(place)
    except OSError:
        pass
held = []
for family, address in ((socket.AF_UNIX, "\\0" + MARK), (socket.AF_INET, ("127.0.0.1", PORT))):
    try:
        server = socket.socket(family)
        server.bind(address)
        server.listen(4)
        held.append(server)
    except OSError:
        pass
libc.shmget(SHM_KEY, 4096, 0o1666)  # IPC_CREAT
time.sleep(6)
"""
#: looks for any of those marks for eight seconds; raises SawAnotherSubmission if one is there
FIND_MARKS = _SHARED_PLACES + """
def seen():
    hits = [place for place in PLACES if os.path.exists(os.path.join(place, MARK))]
    for family, address in ((socket.AF_UNIX, "\\0" + MARK), (socket.AF_INET, ("127.0.0.1", PORT))):
        try:
            socket.socket(family).connect(address)
            hits.append(str(address))
        except OSError:
            pass
    if libc.shmget(SHM_KEY, 0, 0) != -1:
        hits.append("shm")
    others = [pid for pid in os.listdir("/proc") if pid.isdigit()
              and os.stat(f"/proc/{pid}").st_uid not in (os.getuid(), 0)]
    return hits + [f"process {pid}" for pid in others]
hits = []
for _ in range(8):
    hits += seen()
    time.sleep(1)
if hits:
    raise type("SawAnotherSubmission", (Exception,), {})(sorted(set(hits)))
"""
#: raises KeptPrivileges if the kernel could become root, mount, or has any capability left
CHECK_PRIVILEGES = """
import os, subprocess
status = open("/proc/self/status").read()
kept = [line for line in status.splitlines()
        if line.startswith("Cap") and int(line.split()[1], 16)]
if "NoNewPrivs:\\t1" not in status:
    kept.append("new privileges")
for attempt in (lambda: os.setuid(0), lambda: os.setgid(0), lambda: os.chroot("/")):
    try:
        attempt()
        kept.append("root")
    except OSError:
        pass
if subprocess.run(["mount", "-t", "tmpfs", "x", os.getcwd()], capture_output=True).returncode == 0:
    kept.append("mount")
import ctypes, platform
libc = ctypes.CDLL(None)
if platform.machine() == "x86_64" and libc.syscall(250, 0, -3, 0) > 0:  # the session keyring
    kept.append("keyring")
if subprocess.run(["unshare", "-U", "true"], capture_output=True).returncode == 0:
    kept.append("user namespace")
if kept:
    raise type("KeptPrivileges", (Exception,), {})(kept)
"""
KILL_EVERYONE = "import os, signal\nos.kill(-1, signal.SIGKILL)"


def build(root: Path, folder: Path, secret: Path, host_socket: Path) -> dict[str, Path]:
    """Write the hostile class into ``folder``; returns name -> path of each submission."""
    right = json.loads((root / "solutions" / "en" / NOTEBOOK).read_text(encoding="utf-8"))
    untouched = json.loads((root / "notebooks" / "en" / NOTEBOOK).read_text(encoding="utf-8"))
    other = json.loads((root / "solutions" / "en" / "01_what_is_clv.ipynb").read_text("utf-8"))
    long_name = "n" * 243
    notebooks = {
        "right": right,
        "untouched": untouched,
        "steal_the_key": _with(untouched, STEAL_THE_KEY),
        "seed_and_probe": _with(untouched, SEED_AND_PROBE),
        "course_functions": _with(untouched, COURSE_FUNCTIONS),
        "plant_links": _with(untouched, PLANT_LINKS.format(secret=str(secret)), DIE),
        "leak_environment": _with(untouched, LEAK_ENVIRONMENT),
        "overflow": _with(right, OVERFLOW),
        "fifo_answers": _with(untouched, TRAP_ANSWERS.format(make="os.mkfifo(found.group(1))")),
        "zero_answers": _with(untouched, TRAP_ANSWERS.format(
            make="os.symlink('/dev/zero', found.group(1))")),
        "fill_the_disk": _with(untouched, FILL_THE_DISK),
        "huge_display": _with(right, HUGE_DISPLAY),
        "huge_buffer": _with(right, HUGE_BUFFER),
        "many_frames": _with(right, MANY_FRAMES),
        "slow_cells": _with(right, *[SLOW_CELL] * 30, at=1),
        "keeps_talking": _with(right, KEEPS_TALKING),
        "surrogate": _with(untouched, SURROGATE),
        "swap_sockets": _with(right, SWAP_SOCKETS.replace("TARGET", repr(str(host_socket)))),
        "x;=1+1;": right,
        "many_cells": _with(untouched, *["x = 1"] * 50_000),
        "huge_cell": _with(untouched, "x = 1\n# " + "y" * 4_000_000),
        "other_chapter": other,
        long_name: right,
        "a/x": right,
        "b/x": untouched,
        "x-2": _with(right, "margin_rate_by_channel = None"),
        "warm_a_leave": _with(right, LEAVE_MARKS),
        "warm_b_find": _with(right, FIND_MARKS, CHECK_PRIVILEGES, at=1),
        "warm_c_find": _with(right, FIND_MARKS, CHECK_PRIVILEGES),
        "warm_d_kill_everyone": _with(right, KILL_EVERYONE, at=1),
    }
    paths = {}
    for name, notebook in notebooks.items():
        path = folder / f"{name}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(notebook), encoding="utf-8")
        paths[name] = path
    paths["linked_solution"] = folder / "linked_solution.ipynb"
    os.symlink(root / "solutions" / "en" / NOTEBOOK, paths["linked_solution"])
    return paths
