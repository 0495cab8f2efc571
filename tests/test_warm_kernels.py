"""Warm kernels: forks of one zygote that has the libraries loaded, each in a sandbox of its own.

They must grade exactly as kernels bwrap starts cold, and each must begin as a
copy of a state no submission touched. The hostile class in
``test_grader_hardening`` tries the same from inside, through the real CLI.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from clv_course.grading import zygote
from clv_course.grading.execute import kernel_environment
from clv_course.grading.gradebook import grade
from clv_course.grading.kernels import SandboxedKernel
from clv_course.grading.sandbox import Limits, bwrap_path, mount_scratch, unmount_scratch

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("warm-kernels"),
              pytest.mark.skipif(bwrap_path() is None, reason="needs root and bubblewrap")]


class Scratch:
    """A scratch folder in the zygote's pool, as the grader makes one for a submission."""

    def __init__(self) -> None:
        self.socket = zygote.zygote_socket()
        assert self.socket is not None, "the zygote did not start"
        self.folder = Path(tempfile.mkdtemp(dir=self.socket.parent))
        self.path = self.folder / "scratch"
        self.path.mkdir()
        self.mounted = mount_scratch(self.path, Limits())
        self.kernels: list[SandboxedKernel] = []

    def kernel(self) -> SandboxedKernel:
        env = kernel_environment("en", None) | {"HOME": str(self.path),
                                                "IPYTHONDIR": str(self.path / ".ipython")}
        started = SandboxedKernel(env, self.path, Limits(), 60, zygote=self.socket)
        assert started.line is not None, "the kernel started cold"
        self.kernels.append(started)
        return started

    def close(self) -> None:
        for started in self.kernels:
            started.close()
        if self.mounted:
            unmount_scratch(self.path)
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def scratch():
    made = Scratch()
    yield made
    made.close()


def test_a_library_changed_in_one_warm_kernel_is_unchanged_in_the_next(scratch):
    first = scratch.kernel()
    assert first.run("import pandas\npandas.DataFrame.sum = None\npandas.tampered = 1", 30) is None
    second = scratch.kernel()
    assert second.run("import pandas\nassert not hasattr(pandas, 'tampered')\n"
                      "assert callable(pandas.DataFrame.sum)", 30) is None


def test_each_warm_kernel_draws_its_own_random_numbers(scratch):
    for number in (1, 2):
        assert scratch.kernel().run(
            "import random, numpy\n"
            f"open('draw-{number}', 'w').write(f'{{random.random()}} {{numpy.random.rand()}}')",
            30) is None
    draws = [(scratch.path / f"draw-{n}").read_text() for n in (1, 2)]
    assert draws[0] != draws[1]


def test_a_warm_kernel_sees_only_its_own_scratch_folder_in_the_pool(scratch):
    os.mkdir(scratch.socket.parent / "another-submission")
    assert scratch.kernel().run(
        "import os\nfolder = os.path.dirname(os.getcwd())\n"
        "assert os.listdir(os.path.dirname(folder)) == [os.path.basename(folder)]\n"
        "assert sorted(os.listdir(folder)) == ['kernel.json', 'scratch']", 30) is None


def test_a_warm_kernel_sees_the_package_and_its_data_but_not_the_answer_key(scratch):
    # the course may lie under /tmp (a clean clone), which each kernel gets afresh
    assert scratch.kernel().run(
        "import os, importlib\nimport clv_course\nfrom clv_course.datasets import datasets_dir\n"
        "importlib.import_module('clv_course.sensitivity')\n"
        "assert os.listdir(datasets_dir())\n"
        "assert os.listdir(os.path.join(clv_course.__path__[0], 'exercises')) == []\n"
        "open(os.path.join(clv_course.__path__[0], 'x'), 'w')", 30) in ("PermissionError",
                                                                          "OSError")


def test_a_warm_kernel_runs_as_its_own_user_without_capabilities(scratch):
    kernel = scratch.kernel()
    assert kernel.run(
        f"import os\nassert os.getuid() == os.geteuid() == {kernel.uid}\n"
        "status = open('/proc/self/status').read()\n"
        "assert all(int(line.split()[1], 16) == 0 for line in status.splitlines() "
        "if line.startswith('Cap'))\nassert 'NoNewPrivs:\\t1' in status\n"
        "assert sorted(p for p in os.listdir('/proc') if p.isdigit()) == ['1', str(os.getpid())]",
        30) is None


def test_a_warm_kernel_reaches_no_keyring_and_makes_no_user_namespace(scratch):
    assert scratch.kernel().run(
        "import ctypes, errno\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        "assert libc.unshare(0x10000000) == -1 and ctypes.get_errno() == errno.EPERM\n"
        "import platform\nif platform.machine() == 'x86_64':\n"
        "    assert libc.syscall(250, 0, -3, 0) == -1 and ctypes.get_errno() == errno.EPERM",
        30) is None


def test_a_warm_kernel_has_terminals_of_its_own(scratch):
    other = scratch.kernel()
    assert other.run("import os\nheld = os.openpty()", 30) is None
    assert scratch.kernel().run("import os\nassert [n for n in os.listdir('/dev/pts') "
                                "if n.isdigit()] == []\nmine = os.openpty()", 30) is None


def test_a_lost_zygote_is_the_graders_failure_not_the_notebooks(scratch):
    from clv_course.grading.execute import KernelLost
    kernel = scratch.kernel()
    zygote._ZYGOTE.stop_process_only()
    with pytest.raises(KernelLost):
        kernel.run("import time\ntime.sleep(5)", 30)
    assert scratch.path.is_dir()  # the runs still in the old pool keep their folders
    assert zygote.zygote_socket() not in (None, scratch.socket)  # the next run gets a new one


def test_closing_a_warm_kernel_ends_everything_it_started(scratch):
    kernel = scratch.kernel()
    assert kernel.run("import subprocess\nsubprocess.Popen(['sleep', '300'])", 30) is None
    kernel.close()
    left = subprocess.run(["pgrep", "-U", str(kernel.uid)], capture_output=True, text=True)
    assert left.stdout == ""


def test_a_killed_warm_kernel_is_noticed_at_once(scratch):
    kernel = scratch.kernel()
    assert kernel.is_alive()
    with pytest.raises(Exception):
        kernel.run("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", 30)
    assert not kernel.is_alive() and kernel.ended.startswith("exit")


def test_without_warm_kernels_the_grader_starts_them_cold(monkeypatch):
    monkeypatch.setenv("CLV_COURSE_WARM_KERNELS", "0")
    assert zygote.zygote_socket() is None


def test_warm_and_cold_kernels_give_the_same_grades(tmp_path, monkeypatch):
    right = json.loads((ROOT / "solutions" / "en" / "01_what_is_clv.ipynb").read_text())
    untouched = json.loads((ROOT / "notebooks" / "en" / "01_what_is_clv.ipynb").read_text())
    broken = json.loads(json.dumps(right))
    broken["cells"].insert(3, {"cell_type": "code", "id": "boom", "metadata": {}, "outputs": [],
                               "execution_count": None, "source": "import os\nos._exit(3)"})
    folder = tmp_path / "class"
    folder.mkdir()
    for name, notebook in (("right", right), ("untouched", untouched), ("broken", broken)):
        (folder / f"{name}.ipynb").write_text(json.dumps(notebook))
    graded = {}
    for mode in ("1", "0"):
        monkeypatch.setenv("CLV_COURSE_WARM_KERNELS", mode)
        if mode == "0":  # the same class seed, so the same fresh inputs
            (tmp_path / "out-0" / ".state").mkdir(parents=True)
            shutil.copy(tmp_path / "out-1" / ".state" / "seed", tmp_path / "out-0" / ".state")
        graded[mode] = [(Path(r["file"]).name, r["status"], r["total"],
                         [e["points"] for e in r["exercises"]], r["problems"])
                        for r in grade([folder], tmp_path / f"out-{mode}", chapter="ch01",
                                       jobs=3, progress=lambda line: None)]
    assert graded["1"] == graded["0"]
    assert {row[0]: row[2] for row in graded["1"]} == {"right.ipynb": 10, "untouched.ipynb": 0,
                                                       "broken.ipynb": 10}
