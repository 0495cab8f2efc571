"""A hostile LMS zip and a tampered nbgrader exchange: the real CLI, as root, with the sandbox.

The zip holds an honest notebook beside a link to a root-only file, a zip bomb,
a member named to climb out of the folder and one named to claim another
learner's id; the exchange holds a folder made in another student's name. They
are graded once by ``clv-course grade`` in its own process; each test reads one
promise off the gradebook and the host.
"""

from __future__ import annotations

import csv
import json
import os
import pwd
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from clv_course.grading.sandbox import bwrap_path
from tests.support.attacks import CHAPTER, NOTEBOOK, instructor_secret

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grader-hardening-layouts"),
              pytest.mark.skipif(bwrap_path() is None, reason="needs root and bubblewrap")]
RIGHT = (ROOT / "solutions" / "en" / NOTEBOOK).read_bytes()
FULL = 10


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("layouts")
    secret = instructor_secret(base)
    archive = base / "canvas.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("smithjane_41234_998877_04.ipynb", RIGHT)
        link = zipfile.ZipInfo("mallory_666_1_04.ipynb")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zipped.writestr(link, str(secret))
        zipped.writestr("bomb_667_2_04.ipynb", b" " * (64 * 2**20))
        zipped.writestr("../../climber_668_3_04.ipynb", RIGHT)
        zipped.writestr("eve_669_4_smithjane_41234_998877_04.ipynb", b"{}")
    nobody = pwd.getpwnam("nobody")
    inbound = base / "exchange" / "inbound"
    real = inbound / "nobody+ps4+2026-11-30 10:00:00.000000 UTC"
    real.mkdir(parents=True)
    (real / "04.ipynb").write_bytes(RIGHT)
    os.chown(real, nobody.pw_uid, nobody.pw_gid)
    impostor = inbound / "nobody+ps4+2099-01-01 00:00:00.000000 UTC"
    impostor.mkdir()
    (impostor / "04.ipynb").write_text("{}")
    out = base / "gradebook"
    done = subprocess.run([sys.executable, "-m", "clv_course.cli", "grade", str(archive),
                           str(inbound), "--out", str(out), "--chapter", CHAPTER, "--jobs", "2"],
                          capture_output=True, text=True, timeout=600, cwd=base)
    with open(out / "grades.csv", newline="") as handle:
        rows = {row["path"]: row for row in csv.DictReader(handle)}
    return {"done": done, "rows": rows, "base": base, "secret": secret, "out": out}


def _row(graded, fragment):
    [row] = [row for path, row in graded["rows"].items() if fragment in path]
    return row


def test_the_class_is_graded_with_a_row_per_hand_in(graded):
    assert graded["done"].returncode == 0, graded["done"].stderr[-2000:]
    assert len(graded["rows"]) == 7


def test_the_honest_learner_in_the_zip_gets_full_marks_under_their_canvas_id(graded):
    row = _row(graded, "zip/smithjane_41234_998877_04")
    assert (row["student"], row["total"], row["status"]) == ("41234", str(FULL), "ok")


def test_a_link_in_the_zip_is_refused_and_its_target_untouched(graded):
    row = _row(graded, "mallory")
    assert (row["status"], row["total"]) == ("symlink", "0")
    assert stat.S_IMODE(graded["secret"].stat().st_mode) == 0o600
    assert "instructor's own" not in (graded["out"] / "results.json").read_text()


def test_a_zip_bomb_is_refused_as_too_large(graded):
    assert _row(graded, "bomb")["status"] == "too_large"


def test_a_member_named_to_climb_out_is_graded_where_it_is_never_unpacked(graded):
    row = _row(graded, "climber")
    assert (row["student"], row["total"]) == ("668", str(FULL))
    assert not list(graded["base"].parent.glob("climber*")) and \
        not list(graded["base"].glob("**/climber*.ipynb"))


def test_an_uploaded_file_name_cannot_take_another_learners_id(graded):
    assert _row(graded, "eve_669")["student"] == "669"


def test_a_folder_made_in_another_students_name_is_not_theirs_and_hides_nothing(graded):
    assert _row(graded, "2099")["status"] == "not_the_students"
    assert _row(graded, "2099")["student"] == ""
    real = _row(graded, "2026-11-30")
    assert (real["student"], real["total"]) == ("nobody", str(FULL))


def test_the_export_for_canvas_gives_each_canvas_learner_their_own_points(graded):
    subprocess.run([sys.executable, "-m", "clv_course.cli", "export", "--format", "canvas",
                    str(graded["out"])], check=True, capture_output=True)
    rows = list(csv.reader((graded["out"] / "canvas.csv").read_text().splitlines()))
    by_id = {row[1]: row[-1] for row in rows[2:] if row[1]}
    assert by_id["41234"] == str(FULL) and by_id["666"] == "0"
    assert json.loads((graded["out"] / "results.json").read_text())  # still a whole gradebook
