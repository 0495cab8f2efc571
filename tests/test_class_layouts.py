"""Where a class comes from: nbgrader's folders, an LMS's zip, a plain folder, and whose each file is."""

from __future__ import annotations

import os
import pwd
import stat
import zipfile

import pytest

from clv_course.grading.layouts import UNCHECKED
from clv_course.grading.submissions import (MAX_SUBMISSION_BYTES, Refused, SubmissionReader,
                                            find_submissions)


def _write(path, text="{}"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _owners(found):
    return {s.relative: (s.student, s.id_source) for s in found}


def test_nbgraders_submitted_folder_gives_each_notebook_its_student(tmp_path):
    course = tmp_path / "course"
    _write(course / "submitted/alice/ps1/04_margin.ipynb")
    _write(course / "submitted/alice/ps1/timestamp.txt", "2026-11-30 10:00:00 UTC")
    _write(course / "submitted/bob/ps1/04_margin.ipynb")
    assert _owners(find_submissions([course])) == {
        "submitted/alice/ps1/04_margin.ipynb": ("alice", "nbgrader"),
        "submitted/bob/ps1/04_margin.ipynb": ("bob", "nbgrader")}


def test_the_submitted_folder_itself_can_be_given(tmp_path):
    _write(tmp_path / "submitted/carol/ps1/04_margin.ipynb")
    found = find_submissions([tmp_path / "submitted"])
    assert _owners(found) == {"carol/ps1/04_margin.ipynb": ("carol", "nbgrader")}


def test_nbgraders_exchange_inbound_counts_only_each_students_newest_hand_in(tmp_path):
    me = pwd.getpwuid(os.getuid()).pw_name  # folders this user made are this user's
    inbound = tmp_path / "exchange/clv/inbound"
    _write(inbound / f"{me}+ps1+2026-11-30 10:00:00.000000 UTC+abc/04_margin.ipynb", "old")
    _write(inbound / f"{me}+ps1+2026-11-30 12:00:00.000000 UTC+def/04_margin.ipynb", "new")
    [newest] = find_submissions([inbound])
    assert (newest.student, newest.id_source) == (me, "nbgrader")
    assert "12:00:00" in newest.relative


def test_inbound_hand_ins_whose_maker_cannot_be_checked_are_all_graded_and_marked(tmp_path):
    inbound = tmp_path / "inbound"  # ids that are no user on this machine, as on many hubs
    _write(inbound / "zz-alice+ps1+2026-11-30 10:00:00.000000 UTC/04_margin.ipynb")
    _write(inbound / "zz-alice+ps1+2099-01-01 00:00:00.000000 UTC/04_margin.ipynb")
    found = find_submissions([inbound])
    assert [(s.student, s.id_source) for s in found] == [("zz-alice", UNCHECKED)] * 2


def test_submitted_inside_the_writable_inbound_folder_is_no_ones_hand_in(tmp_path):
    me = pwd.getpwuid(os.getuid()).pw_name
    inbound = tmp_path / "inbound"
    _write(inbound / "submitted/bob/ps1/04_margin.ipynb")
    _write(inbound / f"{me}+ps1+2026-11-30 10:00:00 UTC/submitted/bob/ps1/04_margin.ipynb")
    assert find_submissions([inbound]) == []


def test_a_plain_folder_names_students_by_file_or_by_sub_folder(tmp_path):
    _write(tmp_path / "class/dora.ipynb")
    _write(tmp_path / "class/emil/ch04.ipynb")
    assert _owners(find_submissions([tmp_path / "class"])) == {
        "dora.ipynb": ("dora", "folder"), "emil/ch04.ipynb": ("emil", "folder")}


def _zip(path, members: dict[str, bytes], links: tuple[str, ...] = ()):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, "/etc/shadow")
    return path


def test_a_canvas_zip_is_read_without_unpacking_with_the_canvas_user_id(tmp_path):
    archive = _zip(tmp_path / "submissions.zip", {
        "smithjane_41234_998877_04_margin.ipynb": b'{"a": 1}',
        "doejohn_LATE_45678_998878_04_margin-1.ipynb": b'{"b": 2}',
        "__MACOSX/._smithjane_41234_998877_04_margin.ipynb": b"junk"})
    found = find_submissions([archive])
    assert sorted((s.student, s.id_source) for s in found) == [("41234", "canvas"),
                                                                ("45678", "canvas")]
    assert not list(tmp_path.glob("*.ipynb"))  # nothing unpacked
    with SubmissionReader() as reader:
        assert {reader.read(s) for s in found} == {b'{"a": 1}', b'{"b": 2}'}


def test_a_moodle_zip_gives_each_file_its_participant_number(tmp_path):
    archive = _zip(tmp_path / "moodle.zip", {
        "Jane Smith_1234567_assignsubmission_file_/04_margin.ipynb": b"{}",
        "Jens Hansen_7654321_assignsubmission_file_04_margin.ipynb": b"{}"})
    assert sorted(s.student for s in find_submissions([archive])) == ["1234567", "7654321"]
    assert {s.id_source for s in find_submissions([archive])} == {"moodle"}


def test_a_link_inside_a_zip_is_refused_not_followed(tmp_path):
    archive = _zip(tmp_path / "class.zip", {}, links=("mallory_1_2_04.ipynb",))
    [link] = find_submissions([archive])
    with SubmissionReader() as reader, pytest.raises(Refused) as refused:
        reader.read(link)
    assert refused.value.status == "symlink"


def test_a_zip_bomb_member_is_read_no_further_than_the_size_cap(tmp_path):
    archive = _zip(tmp_path / "class.zip", {"bomb_1_2_x.ipynb": b"0" * (MAX_SUBMISSION_BYTES + 10)})
    [bomb] = find_submissions([archive])
    with SubmissionReader() as reader, pytest.raises(Refused) as refused:
        reader.read(bomb)
    assert refused.value.status == "too_large"


def test_a_member_named_to_climb_out_is_only_a_name_and_gets_a_safe_gradebook_name(tmp_path):
    archive = _zip(tmp_path / "class.zip", {"../../etc/evil.ipynb": b"{}"})
    [member] = find_submissions([archive])
    assert "/" not in member.name and ".." not in member.name
    assert not (tmp_path.parent.parent / "etc/evil.ipynb").exists()


def test_a_broken_zip_is_one_submission_that_is_not_a_notebook(tmp_path):
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    [submission] = find_submissions([broken])
    assert submission.member is None  # read as a file: it becomes status not_a_notebook


def test_two_zips_of_the_same_names_keep_apart(tmp_path):
    members = {"smithjane_1_2_a.ipynb": b"{}"}
    found = find_submissions([_zip(tmp_path / "one.zip", members),
                              _zip(tmp_path / "two.zip", members)])
    assert len({s.name for s in found}) == 2


@pytest.mark.skipif(os.geteuid() != 0, reason="making a folder another user owns needs root")
def test_an_inbound_hand_in_made_by_another_user_is_not_that_students(tmp_path):
    victim = pwd.getpwnam("nobody")
    inbound = tmp_path / "inbound"
    real = _write(inbound / "nobody+ps1+2026-11-30 10:00:00.000000 UTC/04_margin.ipynb", "real")
    os.chown(real.parent, victim.pw_uid, victim.pw_gid)
    _write(inbound / "nobody+ps1+2099-01-01 00:00:00.000000 UTC/04_margin.ipynb", "impostor")
    found = find_submissions([inbound])
    owned = [s for s in found if s.student == "nobody"]
    assert [s.relative for s in owned] == [real.relative_to(inbound).as_posix()]
    [impostor] = [s for s in found if s.refused]
    assert impostor.refused == "not_the_students" and impostor.student == ""
    with SubmissionReader() as reader, pytest.raises(Refused):
        reader.read(impostor)


def test_a_moodle_file_name_cannot_claim_another_participants_number(tmp_path):
    archive = _zip(tmp_path / "moodle.zip", {
        "Jens Hansen_7654321_assignsubmission_file_x_1111_assignsubmission_file_y.ipynb": b"{}",
        "Jane Smith_1234567_assignsubmission_file_/z_1111_assignsubmission_file_/a.ipynb": b"{}"})
    assert sorted(s.student for s in find_submissions([archive])) == ["1234567", "7654321"]


def test_a_canvas_upload_named_like_a_moodle_hand_in_keeps_its_canvas_id(tmp_path):
    archive = _zip(tmp_path / "c.zip", {
        "smithjane_41234_998877_x_999_assignsubmission_file_y.ipynb": b"{}",
        "doejane_123_456_a\\victim_999_888_x.ipynb": b"{}"})
    assert sorted(s.student for s in find_submissions([archive])) == ["123", "41234"]


def test_a_folder_given_twice_is_graded_once_and_finding_ends(tmp_path):
    _write(tmp_path / "class/dora.ipynb")
    assert [s.student for s in find_submissions([tmp_path / "class", tmp_path / "class"])] \
        == ["dora"]


def test_file_names_that_are_not_utf8_are_found_and_named_safely(tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    for raw in (b"\xff.ipynb", b"\xfe.ipynb"):
        folder.joinpath(os.fsdecode(raw)).write_text("{}")
    names = [s.name for s in find_submissions([folder])]
    assert len(set(names)) == 2 and all(n.isascii() for n in names)


def test_a_hand_in_whose_folder_is_swapped_for_a_link_after_listing_is_not_read(tmp_path):
    mine = _write(tmp_path / "class/mallory/04.ipynb", "MINE")
    _write(tmp_path / "class/bob/04.ipynb", "VICTIM")
    [mallory] = [s for s in find_submissions([tmp_path / "class"]) if s.student == "mallory"]
    mine.parent.rename(tmp_path / "class/mallory-old")
    (tmp_path / "class/mallory").symlink_to(tmp_path / "class/bob")
    with SubmissionReader() as reader, pytest.raises(Refused) as refused:
        reader.read(mallory)
    assert refused.value.status == "changed"


def test_entries_past_the_cap_of_a_zip_are_one_row_that_says_so(tmp_path, monkeypatch):
    from clv_course.grading import submissions
    monkeypatch.setattr(submissions, "MAX_ARCHIVE_MEMBERS", 2)
    archive = _zip(tmp_path / "c.zip", {f"s{i}_{i}_1_x.ipynb": b"{}" for i in range(5)})
    found = find_submissions([archive])
    assert len(found) == 3 and found[-1].refused == "too_large"
    assert found[-1].relative == "c.zip/+3 more entries"
