"""The instructor's grader on a class of right, partly wrong, broken and hostile submissions.

The class is graded once (two at a time, short time limits) by the same code
`clv-course grade` runs; each test then reads one promise off the gradebook.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from clv_course.cli import main
from clv_course.exercises import CourseData, get
from clv_course.grading.gradebook import grade
from clv_course.grading.runner import derived_seeds
from clv_course.grading.sandbox import Limits, bwrap_path
from tests.support.hostile_class import build

# one worker grades the class once for all these tests
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grading-class")]
LIMITS = Limits(cell_timeout=5, wall_time=90)

EXPECTED = {  # submission: (points out of 10, status)
    "right": (10, "ok"),
    "partly_wrong": (7, "ok"),
    "untouched": (0, "ok"),
    "infinite_loop": (10, "timeout"),
    "sys_exit": (10, "errors"),
    "os_exit": (10, "crashed"),
    "memory_bomb": (10, "errors"),
    "output_flood": (10, "flooded"),
    "flood_then_die": (10, "flooded"),
    "flood_then_die_later": (10, "crashed"),
    "rigged_eq": (7, "ok"),
    "patched_checker": (0, "errors"),  # the checker is not even importable in the sandbox
    "deleted_cells": (6, "ok"),
    "duplicated_cells": (10, "ok"),
    "reordered_cells": (6, "errors"),
    "in_german": (10, "ok"),
    "in_danish": (10, "ok"),
    "in_italian": (10, "ok"),
    "partly_wrong_in_german": (7, "ok"),
    "malformed": (0, "not_a_notebook"),
    "picture": (0, "not_a_notebook"),
    "essay": (0, "not_a_notebook"),
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    submissions = tmp_path_factory.mktemp("submissions")
    build(root, submissions)
    out = tmp_path_factory.mktemp("gradebook")
    lines = []
    results = grade([submissions], out, chapter="ch01", jobs=2, limits=LIMITS,
                    progress=lines.append, require_sandbox=False)
    return {"submissions": submissions, "out": out, "results": {r["submission"]: r for r in results},
            "progress": lines}


def test_every_submission_gets_exactly_its_expected_points_and_status(graded):
    got = {name: (r["total"], r["status"]) for name, r in graded["results"].items()
           if name in EXPECTED}
    problems = {name: r["problems"] for name, r in graded["results"].items()
                if got.get(name) != EXPECTED.get(name)}
    assert got == EXPECTED, problems


def test_a_fork_bomb_is_contained_and_keeps_exactly_the_points_it_earned(graded):
    # whether the kernel survives its own fork bomb depends on the scheduler; the grade does not
    result = graded["results"]["fork_bomb"]
    assert result["total"] == 10 and result["status"] in ("ok", "crashed", "errors", "timeout")


def test_the_gradebook_has_a_row_per_submission_with_a_column_per_exercise(graded):
    with open(graded["out"] / "grades.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(graded["results"])
    assert list(rows[0])[:8] == ["submission", "student", "language", "total", "max_total",
                                 "status", "chapter", "path"]
    assert {"ch01-simple-clv", "ch01-profit-clv", "ch01-shop-value"} <= set(rows[0])
    right = next(r for r in rows if r["submission"] == "right")
    assert (right["total"], right["max_total"], right["ch01-simple-clv"]) == ("10", "10", "3")
    assert right["student"] == "right"  # a file at the top of a plain folder: its name


def test_results_json_has_the_outcome_of_every_check(graded):
    results = json.loads((graded["out"] / "results.json").read_text())
    partly = next(r for r in results if r["submission"] == "partly_wrong")
    simple = next(e for e in partly["exercises"] if e["exercise"] == "ch01-simple-clv")
    assert simple["parts"][0]["points"] == 0 and "fresh inputs" in simple["parts"][0]["message"]


def test_every_submission_gets_a_feedback_page(graded):
    for name in graded["results"]:
        assert (graded["out"] / "feedback" / f"{name}.html").is_file()


@pytest.mark.parametrize("name, code", [("in_german", "de"), ("in_danish", "da"),
                                        ("in_italian", "it")])
def test_feedback_is_written_in_the_submissions_language(graded, name, code):
    from clv_course.i18n import _, language
    page = (graded["out"] / "feedback" / f"{name}.html").read_text()
    with language(code):
        title = _("Feedback for {name}").format(name=name)
    assert f'<html lang="{code}">' in page and title in page
    assert title != f"Feedback for {name}"
    assert graded["results"][name]["language"] == code


def test_a_german_submission_gets_its_feedback_and_hints_in_german(graded):
    from clv_course.i18n import _, language
    page = (graded["out"] / "feedback" / "partly_wrong_in_german.html").read_text()
    messages = [part["message"] for check in graded["results"]["partly_wrong_in_german"]["exercises"]
                for part in check["parts"] if part["points"] < part["max_points"]]
    with language("de"):
        title = _("Feedback for {name}").format(name="partly_wrong_in_german")
    assert title != "Feedback for partly_wrong_in_german" and title in page
    english = graded["results"]["partly_wrong"]
    english_messages = [part["message"] for check in english["exercises"] for part in check["parts"]
                        if part["points"] < part["max_points"]]
    assert messages and len(messages) == len(english_messages)
    assert all(german != english for german, english in zip(messages, english_messages))


def test_no_output_reveals_a_hidden_input_or_a_solution(graded):
    data_seed, calls_seed = derived_seeds(int((graded["out"] / ".state" / "seed").read_text()))
    part = get("ch01-simple-clv").parts[0]
    hidden = [repr(v) for case in part.grading_cases(calls_seed, CourseData(data_seed))
              for v in case.args]
    texts = [(graded["out"] / "grades.csv").read_text(), (graded["out"] / "results.json").read_text()]
    texts += [p.read_text() for p in (graded["out"] / "feedback").iterdir()]
    for text in texts:
        assert "BEGIN SOLUTION" not in text and "aov * frequency * lifespan" not in text
        assert not any(value in text for value in hidden)


def test_grading_again_gives_the_same_grades_without_running_anything(graded):
    lines = []
    again = grade([graded["submissions"]], graded["out"], chapter="ch01", jobs=2, limits=LIMITS,
                  progress=lines.append, require_sandbox=False)
    assert lines == []
    assert {r["submission"]: r["total"] for r in again} == \
        {n: r["total"] for n, r in graded["results"].items()}


def test_an_interrupted_run_picks_up_where_it_stopped(graded, tmp_path):
    out = tmp_path / "gradebook"
    shutil.copytree(graded["out"], out)
    (out / ".state" / "right.json").unlink()
    (out / "grades.csv").unlink()
    lines = []
    again = grade([graded["submissions"]], out, chapter="ch01", jobs=1, limits=LIMITS,
                  progress=lines.append, require_sandbox=False)
    assert len(lines) == 1 and "right" in lines[0]
    assert next(r for r in again if r["submission"] == "right")["total"] == 10
    assert (out / "grades.csv").exists()


def test_an_lms_zip_and_an_nbgrader_folder_are_graded_as_they_are_with_student_ids(graded,
                                                                                   tmp_path):
    import zipfile
    from clv_course.grading.exports import export
    right = (graded["submissions"] / "right.ipynb").read_bytes()
    untouched = (graded["submissions"] / "untouched.ipynb").read_bytes()
    with zipfile.ZipFile(tmp_path / "canvas.zip", "w") as archive:
        archive.writestr("smithjane_41234_998877_01_what_is_clv.ipynb", right)
        archive.writestr("doejohn_LATE_45678_998878_01_what_is_clv.ipynb", untouched)
    handed_in = tmp_path / "course/submitted/alice/week1"
    handed_in.mkdir(parents=True)
    (handed_in / "01_what_is_clv.ipynb").write_bytes(right)
    (handed_in / "timestamp.txt").write_text("2026-12-01 09:00:00.000000 UTC")
    out = tmp_path / "gradebook"
    results = grade([tmp_path / "canvas.zip", tmp_path / "course"], out, chapter="ch01", jobs=2,
                    limits=LIMITS, progress=lambda line: None, require_sandbox=False)
    assert {(r["student"], r["total"]) for r in results} == {("41234", 10), ("45678", 0),
                                                             ("alice", 10)}
    with open(out / "grades.csv", newline="") as handle:
        assert {row["student"] for row in csv.DictReader(handle)} == {"41234", "45678", "alice"}
    [canvas] = export(out, "canvas")
    rows = list(csv.reader(canvas.read_text().splitlines()))
    assert sorted((row[1], row[3], row[-1]) for row in rows[2:]) == [
        ("", "alice", "10"), ("41234", "", "10"), ("45678", "", "0")]


def test_progress_is_shown_as_a_bar_with_each_submissions_result(graded):
    assert len(graded["progress"]) == len(graded["results"])
    assert graded["progress"][-1].startswith("[####################] 23/23 ")
    assert any(line.endswith("right: 10/10 points (ok)") for line in graded["progress"])


def test_release_writes_the_student_notebooks_of_the_chosen_chapters(tmp_path, capsys):
    assert main(["release", "--chapters", "1", "--languages", "en", "--out", str(tmp_path)]) == 0
    released = tmp_path / "en" / "01_what_is_clv.ipynb"
    assert released.is_file() and "BEGIN SOLUTION" not in released.read_text()


needs_bwrap = pytest.mark.skipif(bwrap_path() is None, reason="bubblewrap is not installed")


def _in_sandbox(tmp_path: Path, script: str) -> subprocess.CompletedProcess:
    """``script`` run by Python in a cold kernel's sandbox, as a kernel's own user."""
    from clv_course.grading.sandbox import (give_to, limit_setter, next_uid, passed_fds,
                                            sandbox_command)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    uid = next_uid()
    give_to(uid, scratch)
    command = sandbox_command([sys.executable, "-c", script], scratch, uid)
    return subprocess.run(command, capture_output=True, text=True, timeout=60,
                          pass_fds=passed_fds(command),
                          preexec_fn=limit_setter(LIMITS, sandboxed=True))


@needs_bwrap
def test_a_sandboxed_submission_cannot_read_write_or_reach_the_network(tmp_path):
    secret = tmp_path / "instructor" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("the answers")
    gradebook = tmp_path / "gradebook"
    gradebook.mkdir()
    done = _in_sandbox(tmp_path, (
        "import socket\n"
        "def attempt(action):\n"
        "    try:\n        action()\n        return 'yes'\n"
        "    except Exception:\n        return 'no'\n"
        f"read = attempt(lambda: open({str(secret)!r}).read())\n"
        f"write = attempt(lambda: open({str(gradebook / 'grades.csv')!r}, 'w').write('x'))\n"
        "net = attempt(lambda: socket.create_connection(('1.1.1.1', 80), timeout=3))\n"
        "own = attempt(lambda: open('mine.txt', 'w').write('x'))\n"
        "print(read, write, net, own)\n"))
    assert done.stdout.split() == ["no", "no", "no", "yes"], done.stderr
    assert not (gradebook / "grades.csv").exists()


@needs_bwrap
def test_a_cold_kernel_reaches_no_keyring_and_makes_no_user_namespace(tmp_path):
    done = _in_sandbox(tmp_path, (
        "import ctypes, errno, platform\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        "print(libc.unshare(0x10000000), ctypes.get_errno() == errno.EPERM)\n"
        "if platform.machine() == 'x86_64':\n"
        "    print(libc.syscall(250, 0, -3, 0), ctypes.get_errno() == errno.EPERM)\n"))
    assert set(done.stdout.split()) == {"-1", "True"}, done.stderr


def test_without_a_sandbox_the_grader_refuses_unless_told(tmp_path, monkeypatch, capsys):
    from clv_course.grading import gradebook, sandbox
    monkeypatch.setattr(sandbox, "bwrap_path", lambda: None)
    monkeypatch.setattr(gradebook, "bwrap_path", lambda: None)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "essay.txt").write_text("no notebook")
    assert main(["grade", str(tmp_path / "in"), "--out", str(tmp_path / "out"),
                 "--chapter", "01"]) == 2
    assert "--no-sandbox" in capsys.readouterr().err
    assert not (tmp_path / "out" / "grades.csv").exists()


def test_with_no_sandbox_asked_for_the_grader_says_so_loudly_and_still_grades(tmp_path, monkeypatch,
                                                                              capsys):
    from clv_course.grading import gradebook, sandbox
    monkeypatch.setattr(sandbox, "bwrap_path", lambda: None)
    monkeypatch.setattr(gradebook, "bwrap_path", lambda: None)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "essay.txt").write_text("no notebook")
    assert main(["grade", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--chapter", "01",
                 "--no-sandbox"]) == 0
    captured = capsys.readouterr()
    assert "WARNING: no sandbox is available" in captured.err
    assert (tmp_path / "out" / "grades.csv").read_text().splitlines()[1].startswith(
        '"essay","essay","en","0","10","not_a_notebook","ch01","essay.txt",')
