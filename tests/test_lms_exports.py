"""Grades back into the LMS: each export has the columns and fields its system documents."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime

import pytest

from clv_course.cli import main
from clv_course.errors import CourseError
from clv_course.grading.exports import canvas_csv, export, gradescope_results, moodle_csv


def _result(submission, student, source, total, language="en", parts=((3, 3), (2, 4))):
    exercises = [{"exercise": "ch04-margin", "title": "Margin", "points": total, "max_points": 7,
                  "parts": [{"answer": f"answer_{i}", "points": p, "max_points": m,
                             "message": "Right." if p == m else "Not yet."}
                            for i, (p, m) in enumerate(parts)]}]
    return {"submission": submission, "student": student, "id_source": source,
            "language": language, "chapter": "ch04", "status": "ok", "total": total,
            "max_total": 7, "exercises": exercises}


@pytest.fixture
def gradebook(tmp_path):
    results = [_result("smithjane_41234_1_x", "41234", "canvas", 5),
               _result("doejohn_45678_2_x", "45678", "canvas", 7, language="de"),
               _result("doejohn_45678_3_x", "45678", "canvas", 2)]
    (tmp_path / "results.json").write_text(json.dumps(results))
    return tmp_path


def _rows(text):
    return list(csv.reader(io.StringIO(text)))


def test_canvas_csv_has_canvas_columns_a_points_possible_row_and_a_row_per_student(gradebook):
    rows = _rows(canvas_csv(json.loads((gradebook / "results.json").read_text()), "CLV ch04"))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "CLV ch04"]
    assert rows[1][0] == "Points Possible" and rows[1][-1] == "7"
    assert sorted((r[1], r[-1]) for r in rows[2:]) == [("41234", "5"), ("45678", "7")]


def test_canvas_gets_a_non_canvas_id_as_the_sis_login_id():
    rows = _rows(canvas_csv([_result("alice", "alice", "nbgrader", 5)], "CLV ch04"))
    assert rows[2][1:4] == ["", "", "alice"]


def test_every_canvas_cell_is_quoted_so_no_spreadsheet_splits_one_into_a_formula():
    text = canvas_csv([_result("x", "x;=cmd|' /C calc'!A0", "nbgrader", 5)], "CLV ch04")
    assert "\"x;=cmd|' /C calc'!A0\"" in text


def test_a_students_best_submission_is_their_grade_and_they_appear_once(gradebook):
    rows = _rows(canvas_csv(json.loads((gradebook / "results.json").read_text()), "A"))
    assert [r[-1] for r in rows[2:] if r[1] == "45678"] == ["7"]


def test_moodle_worksheet_has_the_columns_its_importer_looks_for():
    rows = _rows(moodle_csv([_result("Jane_12_assignsubmission_file_", "12", "moodle", 5)],
                            now=datetime(2026, 12, 1, 22, 40)))
    assert {"Identifier", "Grade", "Last modified (grade)", "Feedback comments"} <= set(rows[0])
    row = dict(zip(rows[0], rows[1]))
    assert row["Identifier"] == "Participant 12" and row["Grade"] == "5"
    assert row["Maximum Grade"] == "7"
    assert row["Last modified (grade)"] == "Tuesday, 01 December 2026, 10:40 PM"


def test_moodle_refuses_ids_that_are_not_participant_numbers_with_a_sentence():
    with pytest.raises(CourseError, match="participant numbers"):
        moodle_csv([_result("alice", "alice", "nbgrader", 5)])


def test_gradescope_results_have_a_test_per_part_whose_scores_sum_to_the_score():
    results = gradescope_results(_result("a", "a", "folder", 5))
    assert results["score"] == 5 == sum(t["score"] for t in results["tests"])
    assert [set(t) >= {"name", "score", "max_score", "output"} for t in results["tests"]] == [True] * 2
    assert results["tests"][1] == {"name": "Margin: answer_1", "score": 2, "max_score": 4,
                                   "output": "Not yet.", "visibility": "visible"}


def test_gradescope_export_writes_a_results_json_per_submission_in_its_language(gradebook):
    written = export(gradebook, "gradescope")
    assert len(written) == 3 and all(p.name == "results.json" for p in written)
    german = json.loads((gradebook / "gradescope/doejohn_45678_2_x/results.json").read_text())
    assert german["output"] == "Gesamt: 7 von 7 Punkten."


def test_the_export_command_writes_the_file_and_prints_its_path(gradebook, capsys):
    assert main(["export", "--format", "canvas", str(gradebook)]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(gradebook / "canvas.csv")
    assert "1 students handed in more than one file" in captured.err and "45678" in captured.err
    assert (gradebook / "canvas.csv").read_text().startswith("\"Student\",\"ID\",")


def test_exporting_a_folder_that_is_no_gradebook_says_so_in_one_sentence(tmp_path, capsys):
    assert main(["export", "--format", "moodle", str(tmp_path)]) == 2
    assert "results.json" in capsys.readouterr().err


@pytest.mark.parametrize("results", [
    [{"total": 1}],
    [{"submission": "../../escaped", "total": 1, "max_total": 1, "exercises": []}],
    [{"submission": "a", "total": "10", "max_total": 10, "exercises": []}],
    {"not": "a list"},
])
def test_a_tampered_results_json_is_refused_in_one_sentence_and_nothing_is_written(tmp_path,
                                                                                 results):
    (tmp_path / "results.json").write_text(json.dumps(results))
    with pytest.raises(CourseError, match="results.json"):
        export(tmp_path, "gradescope")
    assert not (tmp_path / "gradescope").exists()
