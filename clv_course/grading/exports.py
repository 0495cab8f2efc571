"""A class's grades as the import file of the instructor's LMS.

``clv-course export --format canvas|moodle|gradescope GRADEBOOK`` reads the
gradebook's ``results.json`` and writes what each system documents for import:

- **Canvas**, the gradebook CSV (Grades > Import): the columns ``Student``, ``ID``,
  ``SIS User ID``, ``SIS Login ID`` and ``Section``, one column per assignment,
  and a ``Points Possible`` row. An id read from a Canvas zip is the Canvas user
  id (column ``ID``); any other id is written as the ``SIS Login ID``.
- **Moodle**, the assignment's grading worksheet (Assignment > Upload grading
  worksheet): ``Identifier`` (``Participant <id>``, the id of a Moodle zip),
  ``Grade``, ``Maximum Grade``, ``Last modified (grade)`` and
  ``Feedback comments``; Moodle's importer needs the first, the second and the
  date.
- **Gradescope**, one autograder ``results.json`` per submission: the ``score``,
  and a test per exercise part with its ``score``, ``max_score`` and ``output``.

Every file is written atomically, and text that came from a submission is
neutralised for spreadsheets, as the gradebook's own files are.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from clv_course.errors import CourseError
from clv_course.grading.reports import atomic_write, spreadsheet_safe
from clv_course.i18n import _, language

FORMATS = ("canvas", "moodle", "gradescope")
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_COLUMNS = ("Identifier", "Full name", "Status", "Grade", "Maximum Grade",
                  "Grade can be changed", "Last modified (grade)", "Feedback comments")


def load_results(gradebook: Path) -> list[dict[str, Any]]:
    """The judged results a ``clv-course grade`` run left in ``gradebook``."""
    path = gradebook / "results.json"
    try:
        results = json.loads(path.read_text(encoding="utf-8"))
        if type(results) is not list or not all(_well_formed(r) for r in results):
            raise ValueError
    except (OSError, ValueError):
        raise CourseError(_("{path} is not a gradebook written by 'clv-course grade': it has no "
                            "readable results.json.").format(path=gradebook)) from None
    return results


def _well_formed(result: Any) -> bool:
    """A result as ``grade`` writes it: a safe name, whole-number points, a list of exercises."""
    return (type(result) is dict and type(result.get("submission")) is str
            and re.fullmatch(r"[A-Za-z0-9_.-]{1,100}", result["submission"]) is not None
            and ".." not in result["submission"]
            and type(result.get("total")) is int and type(result.get("max_total")) is int
            and type(result.get("student", "")) is str
            and type(result.get("exercises")) is list
            and all(type(e) is dict and type(e.get("parts")) is list for e in result["exercises"]))


def assignment_name(results: list[dict[str, Any]]) -> str:
    """The default assignment column: the chapter graded (``CLV ch04``)."""
    chapters = sorted({str(r.get("chapter") or "") for r in results} - {""})
    return "CLV " + "+".join(chapters) if chapters else "CLV"


def canvas_csv(results: list[dict[str, Any]], assignment: str) -> str:
    """Canvas's gradebook import CSV: one row per student, the points in the assignment's column."""
    table = io.StringIO()
    writer = csv.writer(table, lineterminator="\n", quoting=csv.QUOTE_ALL)  # ';' splits cells too
    writer.writerow([*CANVAS_COLUMNS, assignment])
    maximum = max((r["max_total"] for r in results), default=0)
    writer.writerow(["Points Possible", "", "", "", "", maximum])
    for result in _one_per_student(results):
        student = spreadsheet_safe(result["student"])
        canvas_id = student if result.get("id_source") == "canvas" else ""
        login = "" if canvas_id else student
        writer.writerow([student, canvas_id, "", login, "", result["total"]])
    return table.getvalue()


def moodle_csv(results: list[dict[str, Any]], now: datetime | None = None) -> str:
    """Moodle's grading worksheet: ``Participant <id>`` rows with their grade and feedback."""
    rows = _one_per_student(results)
    not_moodle = [r["student"] for r in rows if not re.fullmatch(r"\d+", r["student"])]
    if not_moodle:
        raise CourseError(_("Moodle's grading worksheet needs the participant numbers of a Moodle "
                            "download, and {count} students have none (for example "
                            "{example}); grade the zip that Moodle's 'Download all submissions' "
                            "gives.").format(count=len(not_moodle), example=not_moodle[0][:40]))
    moment = (now or datetime.now(timezone.utc)).strftime("%A, %d %B %Y, %I:%M %p")
    table = io.StringIO()
    writer = csv.writer(table, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(MOODLE_COLUMNS)
    for result in rows:
        writer.writerow([f"Participant {result['student']}", "", "", result["total"],
                         result["max_total"], "Yes", moment, spreadsheet_safe(_summary(result))])
    return table.getvalue()


def gradescope_results(result: dict[str, Any]) -> dict[str, Any]:
    """Gradescope's autograder ``results.json`` for one submission: a test per exercise part."""
    tests = []
    for exercise in result.get("exercises", []):
        for part in exercise["parts"]:
            tests.append({"name": f"{exercise.get('title', '')}: {part.get('answer', '')}",
                          "score": part.get("points", 0), "max_score": part.get("max_points", 0),
                          "output": str(part.get("message", "")), "visibility": "visible"})
    return {"score": result["total"], "output": _summary(result), "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests}


def export(gradebook: Path, fmt: str, out: Path | None = None, assignment: str | None = None,
           results: list[dict[str, Any]] | None = None) -> list[Path]:
    """Write the import file(s) of ``fmt`` for the gradebook; the paths written.

    ``results`` are the gradebook's, when the caller has read them already.
    """
    results = load_results(gradebook) if results is None else results
    if fmt == "canvas":
        path = out or gradebook / "canvas.csv"
        atomic_write(path, canvas_csv(results, assignment or assignment_name(results)))
        return [path]
    if fmt == "moodle":
        path = out or gradebook / "moodle.csv"
        atomic_write(path, moodle_csv(results))
        return [path]
    if fmt == "gradescope":
        folder = out or gradebook / "gradescope"
        written = []
        for result in results:
            path = folder / (result["submission"]) / "results.json"
            with language(str(result.get("language") or "en")):
                atomic_write(path, json.dumps(gradescope_results(result), indent=1,
                                              ensure_ascii=False))
            written.append(path)
        return written
    raise CourseError(_("There is no export format {format}; choose one of: {formats}.").format(
        format=fmt, formats=", ".join(FORMATS)))


def students_with_several(results: list[dict[str, Any]]) -> list[str]:
    """Students with more than one graded submission: the instructor should look at them.

    Several files are often honest (a draft and the final), but only the best one
    is exported, so the instructor is told whose they are.
    """
    counts = Counter(student for student in map(_student_of, results) if student is not None)
    return sorted(student for student, count in counts.items() if count > 1)


def _student_of(result: dict[str, Any]) -> str | None:
    """Whose a result is; None for a hand-in that is no one's (``not_the_students``)."""
    if "student" in result and not result["student"]:
        return None
    return str(result.get("student") or result["submission"])


def _one_per_student(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each student once, with their best-scoring submission (an LMS takes one grade each).

    A hand-in that is no one's (``not_the_students``) is left out.
    """
    best: dict[str, dict[str, Any]] = {}
    for result in results:
        student = _student_of(result)
        if student is None:
            continue
        if student not in best or result["total"] > best[student]["total"]:
            best[student] = result | {"student": student}
    return list(best.values())


def _summary(result: dict[str, Any]) -> str:
    """The feedback's first lines: the total, in the submission's language."""
    with language(str(result.get("language") or "en")):
        return _("Total: {points} of {max} points.").format(points=result["total"],
                                                           max=result["max_total"])
