"""Hostile submissions gain nothing and harm nobody: the real CLI, as root, with the sandbox.

One class of honest and hostile chapter 4 notebooks (tests/support/attacks.py)
is graded once by ``clv-course grade`` in its own process, three at a time;
each test then reads one promise off the gradebook and the host.
"""

from __future__ import annotations

import csv
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from clv_course.grading.sandbox import FIRST_UID, bwrap_path
from tests.support.attacks import CHAPTER, TOKEN, TOKEN_NAME, build, instructor_secret

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grader-hardening"),
              pytest.mark.skipif(bwrap_path() is None, reason="needs root and bubblewrap")]
FULL = 10
#: seconds per cell; the notebook then gets 5 x that (slack for a busy machine)
CELL_LIMIT = 8


def _kernel_processes(base: Path) -> list[str]:
    """Processes of sandbox users still running in one of this class's scratch folders."""
    listing = subprocess.run(["ps", "-eo", "uid=,pid=,comm="], capture_output=True, text=True)
    left = []
    for line in listing.stdout.splitlines():
        uid, pid = (int(v) for v in line.split()[:2])
        try:
            if uid >= FIRST_UID and os.readlink(f"/proc/{pid}/cwd").startswith(str(base)):
                left.append(line)
        except OSError:
            pass
    return left


class HostSocket:
    """A root-only Unix socket on the host that counts who connects to it."""

    def __init__(self, path: Path) -> None:
        self.path, self.connections = path, 0
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(str(path))
        path.chmod(0o600)
        self.server.listen(64)
        self.server.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                connection, _address = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            connection.close()

    def stop(self) -> int:
        self.running = False
        self.thread.join()
        self.server.close()
        return self.connections


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("hardening")
    secret = instructor_secret(base)
    submissions = base / "class"
    host_socket = HostSocket(base / "host.sock")
    paths = build(ROOT, submissions, secret, host_socket.path)
    out = base / "gradebook"
    (base / "tmp").mkdir()  # the grader's scratch folders, so the test can look for leftovers
    env = dict(os.environ, **{TOKEN_NAME: TOKEN, "TMPDIR": str(base / "tmp")})
    command = [sys.executable, "-m", "clv_course.cli", "grade", str(submissions), "--out", str(out),
               "--chapter", CHAPTER, "--timeout", str(CELL_LIMIT), "--jobs", "3"]
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    peak = [0]

    def watch() -> None:  # the grader's own peak memory, read while it runs
        while process.poll() is None:
            try:
                for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak[0] = max(peak[0], int(line.split()[1]) * 1024)
            except OSError:
                pass
            time.sleep(0.1)

    watcher = threading.Thread(target=watch)
    watcher.start()
    stdout, stderr = process.communicate(timeout=600)
    watcher.join()
    connections = host_socket.stop()
    with open(out / "grades.csv", newline="") as handle:
        rows = {row["path"]: row for row in csv.DictReader(handle)}
    return {"code": process.returncode, "stdout": stdout, "stderr": stderr, "rows": rows,
            "results": {r["path"]: r for r in json.loads((out / "results.json").read_text())},
            "out": out, "secret": secret, "paths": paths, "seconds": time.monotonic() - started,
            "peak": peak[0], "base": base, "host_socket_connections": connections}


def points(graded, name: str) -> int:
    return int(graded["rows"][f"{name}.ipynb"]["total"])


def status(graded, name: str) -> str:
    return graded["rows"][f"{name}.ipynb"]["status"]


def test_the_class_is_graded_and_every_submission_has_a_row(graded):
    assert graded["code"] == 0, graded["stderr"][-2000:]
    assert set(graded["rows"]) == {f"{name}.ipynb" for name in graded["paths"]}


def test_honest_submissions_score_as_always_while_hostile_ones_run_beside_them(graded):
    assert points(graded, "right") == FULL and status(graded, "right") == "ok"
    assert points(graded, "untouched") == 0
    assert points(graded, "a/x") == FULL and points(graded, "b/x") == 0


# 1. no points without work -------------------------------------------------------------

def test_the_answer_key_cannot_be_imported_in_the_sandbox(graded):
    assert points(graded, "steal_the_key") == 0
    assert status(graded, "steal_the_key") == "ok"  # it ran; the key was simply not there


def test_the_kernel_learns_no_seed_and_the_probe_carries_none(graded):
    # the learner's spy rewrote one answer at probe time; only own work could score
    assert points(graded, "seed_and_probe") == 2  # the monthly rate it wrote itself


def test_the_courses_own_functions_score_nothing_as_answers(graded):
    result = graded["results"]["course_functions.ipynb"]
    assert result["total"] == 0
    messages = [p["message"] for e in result["exercises"] for p in e["parts"]]
    assert sum("the course's own function" in m for m in messages) == 2


# 2. no link is followed ---------------------------------------------------------------

def test_links_planted_in_the_scratch_folder_leave_host_files_alone(graded):
    info = graded["secret"].stat()
    assert (info.st_uid, info.st_gid, oct(info.st_mode & 0o777)) == (0, 0, "0o600")
    assert graded["secret"].read_text() == "the instructor's own file"


def test_a_submitted_link_is_refused_not_graded_as_its_target(graded):
    assert status(graded, "linked_solution") == "symlink"
    assert points(graded, "linked_solution") == 0


# 3. nothing of the grader's environment reaches the kernel -----------------------------

def test_the_graders_environment_reaches_neither_kernel_nor_feedback(graded):
    out = graded["out"]
    texts = [(out / "results.json").read_text(), (out / "grades.csv").read_text()]
    texts += [page.read_text() for page in (out / "feedback").iterdir()]
    assert not any(TOKEN in text for text in texts)
    leaked = graded["results"]["leak_environment.ipynb"]
    message = next(p["message"] for e in leaked["exercises"] for p in e["parts"]
                   if p["answer"] == "discounted_clv")
    assert "ValueError" in message and "PATH=" in message  # the kernel's few variables only


# 4. one submission never harms the others ----------------------------------------------

def test_an_answer_too_large_to_compare_scores_zero_for_that_part_only(graded):
    assert points(graded, "overflow") == FULL - 3 - 2


def test_a_pipe_or_a_device_at_the_answers_path_is_no_answer_and_no_hang(graded):
    for name in ("fifo_answers", "zero_answers"):
        assert points(graded, name) == 0
        assert any("answers-file" in p for p in graded["results"][f"{name}.ipynb"]["problems"])


def test_a_file_name_longer_than_the_file_system_allows_is_graded(graded):
    row = graded["rows"][f"{'n' * 243}.ipynb"]
    assert row["total"] == str(FULL) and len(row["submission"]) <= 80


def test_same_named_submissions_each_keep_their_own_result(graded):
    names = {graded["rows"][p]["submission"] for p in ("a/x.ipynb", "b/x.ipynb", "x-2.ipynb")}
    assert len(names) == 3
    assert [points(graded, n) for n in ("a/x", "b/x", "x-2")] == [FULL, 0, FULL - 3]
    for name in names:
        assert (graded["out"] / "feedback" / f"{name}.html").is_file()


def test_filling_the_scratch_disk_stays_within_that_submissions_own_quota(graded):
    assert status(graded, "fill_the_disk") in ("ok", "errors")
    assert points(graded, "right") == FULL


# 5. the grader's own memory -----------------------------------------------------------

def test_huge_kernel_messages_are_cut_named_a_flood_and_never_held(graded):
    for name in ("huge_display", "huge_buffer"):
        assert status(graded, name) == "flooded" and points(graded, name) == FULL
    assert graded["peak"] < 1.0 * 2**30, graded["peak"]


# 6. limits that hold --------------------------------------------------------------------

def test_the_whole_notebook_limit_follows_the_cell_limit(graded):
    # --timeout 8 gives a notebook 40 s: 30 cells of 4 s cannot all run
    assert status(graded, "slow_cells") == "timeout"
    assert graded["seconds"] < 5 * CELL_LIMIT + 90


def test_absurdly_large_notebooks_are_named_not_run(graded):
    assert status(graded, "many_cells") == "too_large"
    assert status(graded, "huge_cell") == "too_large"


# 7. the instructor says which chapter ---------------------------------------------------

def test_another_chapters_notebook_is_the_wrong_notebook(graded):
    assert status(graded, "other_chapter") == "wrong_notebook"
    assert points(graded, "other_chapter") == 0
    assert {row["chapter"] for row in graded["rows"].values()} == {"ch04"}


# the host afterwards ---------------------------------------------------------------------

def test_no_kernel_process_outlives_the_grading(graded):
    assert _kernel_processes(graded["base"]) == []


def test_no_scratch_mount_outlives_the_grading(graded):
    assert str(graded["base"]) not in Path("/proc/mounts").read_text()
    assert list((graded["base"] / "tmp").iterdir()) == []


# found by a red-team read ----------------------------------------------------------------

def test_text_no_codec_can_write_still_leaves_a_whole_gradebook(graded):
    assert status(graded, "surrogate") in ("ok", "errors") and points(graded, "surrogate") == 0
    assert (graded["out"] / "feedback" / "surrogate.html").is_file()
    assert not list(graded["out"].glob(".*.tmp")) and not list(graded["out"].glob("**/.*.tmp"))


def test_a_kernel_that_never_stops_talking_still_runs_out_of_time(graded):
    assert status(graded, "keeps_talking") in ("timeout", "flooded")
    assert points(graded, "keeps_talking") == FULL  # what it answered before still counts


def test_many_large_frames_exhaust_only_their_own_grading_child(graded):
    assert status(graded, "many_frames") == "flooded"
    assert graded["peak"] < 1.0 * 2**30, graded["peak"]


def test_the_grader_never_dials_a_socket_the_kernel_swapped_in(graded):
    assert graded["host_socket_connections"] == 0
    assert points(graded, "swap_sockets") == FULL


def test_a_file_name_that_splits_cells_in_a_spreadsheet_stays_in_one_quoted_cell(graded):
    text = (graded["out"] / "grades.csv").read_text()
    assert '"x;=1+1;.ipynb"' in text


# warm kernels: forks of one zygote, each in a sandbox of its own ----------------------

def _problems(graded, name: str) -> str:
    return " ".join(graded["results"][f"{name}.ipynb"]["problems"])


def test_the_class_was_graded_in_warm_kernels(graded):
    assert "Kernels start cold" not in graded["stderr"], graded["stderr"][-1000:]


def test_a_warm_kernel_finds_nothing_another_submission_left_or_holds(graded):
    for name in ("warm_b_find", "warm_c_find"):
        assert "SawAnotherSubmission" not in _problems(graded, name), _problems(graded, name)
        assert points(graded, name) == FULL


def test_a_warm_kernel_keeps_no_privilege_of_the_zygote_it_was_forked_from(graded):
    for name in ("warm_b_find", "warm_c_find"):
        assert "KeptPrivileges" not in _problems(graded, name), _problems(graded, name)


def test_killing_every_process_it_can_reaches_only_its_own_kernel(graded):
    assert points(graded, "warm_d_kill_everyone") == FULL
    assert points(graded, "warm_a_leave") == FULL and points(graded, "right") == FULL
