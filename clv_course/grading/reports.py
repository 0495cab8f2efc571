"""What a class's grading leaves behind: grades.csv, results.json and a feedback page each.

Every file is written atomically (a temporary file, then a rename), so an
interrupted run never leaves half a gradebook. Text that came from a submission
is escaped in HTML and neutralised in CSV (a cell starting with ``=`` is a
formula to a spreadsheet).
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from clv_course.i18n import N_, _, language

MAX_REPORT_BYTES = 5 * 2**20


def status_of(report: dict[str, Any]) -> str:
    """One word for how the run went: the worst thing that happened."""
    if type(report.get("status")) is str:
        return report["status"]
    if report.get("crashes"):
        return "crashed"
    if report.get("flooded"):  # a flood usually runs into the time limit too: name the cause
        return "flooded"
    if report.get("timeouts"):
        return "timeout"
    return "errors" if report.get("errors") else "ok"


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a reader sees the old file or the new, never half.

    Text that cannot be encoded (a lone surrogate from a file name or a kernel's
    message) is written as a backslash escape rather than stopping the gradebook.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace",
                       newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_gradebook(results: list[dict[str, Any]], out: Path) -> None:
    """grades.csv, results.json and feedback/<submission>.html, each written atomically."""
    exercise_ids = sorted({e["exercise"] for r in results for e in r["exercises"]})
    table = io.StringIO()
    writer = csv.writer(table, lineterminator="\n", quoting=csv.QUOTE_ALL)  # ';' splits cells too
    writer.writerow(["submission", "student", "language", "total", "max_total", "status",
                     "chapter", "path", *exercise_ids])
    for result in results:
        points = {e["exercise"]: e["points"] for e in result["exercises"]}
        writer.writerow([spreadsheet_safe(str(v)) for v in (
            result["submission"], result.get("student", ""), result["language"], result["total"],
            result["max_total"],
            result["status"], result.get("chapter") or "", result.get("path", ""),
            *[points.get(i, "") for i in exercise_ids])])
    atomic_write(out / "grades.csv", table.getvalue())
    atomic_write(out / "results.json", json.dumps(results, indent=1, ensure_ascii=False))
    for result in results:  # one page that cannot be written never stops the others
        try:
            atomic_write(out / "feedback" / f"{result['submission']}.html", feedback_html(result))
        except Exception as error:  # noqa: BLE001
            print(_("The feedback page of {name} could not be written: {error}").format(
                name=result["submission"], error=error), file=sys.stderr)


def spreadsheet_safe(text: str) -> str:
    """``text`` as a CSV cell no spreadsheet runs as a formula (a learner named the file)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def feedback_html(result: dict[str, Any]) -> str:
    """One learner's feedback page, in the learner's language: points and a sentence per check."""
    with language(result["language"]):
        e = html.escape
        rows = []
        for exercise in result["exercises"]:
            rows.append(f"<h2>{e(exercise['title'])}: {exercise['points']}/{exercise['max_points']}</h2><ul>")
            rows += [f"<li>{'✔' if p['points'] == p['max_points'] else '✘'} <code>{e(p['answer'])}"
                     f"</code>: {e(p['message'])} ({p['points']}/{p['max_points']})</li>"
                     for p in exercise["parts"]]
            rows.append("</ul>")
        status = STATUS_TEXT.get(result["status"], STATUS_TEXT["crashed"])
        return ("<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">"
                "<title>{title}</title></head><body><h1>{title}</h1><p>{total}</p><p>{status}</p>"
                "{rows}</body></html>\n").format(
            lang=e(result["language"]), title=e(_("Feedback for {name}").format(name=result["submission"])),
            total=e(_("Total: {points} of {max} points.").format(points=result["total"],
                                                                 max=result["max_total"])),
            status=e(_(status)), rows="".join(rows))


#: every status a submission can end with, and what its feedback page says about it
STATUS_TEXT = {
    "ok": N_("Your notebook ran from top to bottom."),
    "errors": N_("Some cells of your notebook raised an error; the other cells were graded."),
    "flooded": N_("Your notebook printed far too much output; the output was cut."),
    "timeout": N_("Your notebook took too long; cells that ran too long were stopped."),
    "crashed": N_("Your notebook stopped the Python kernel; what could be graded was graded."),
    "wrong_notebook": N_("This is not the chapter notebook that was set for this assignment."),
    "not_a_notebook": N_("This file is not a Jupyter notebook that can be opened."),
    "symlink": N_("This file is a link to another file; hand in the notebook itself."),
    "changed": N_("This file was replaced while the class was being graded; it was not graded."),
    "not_the_students": N_("This hand-in was made by another user than the student it names; "
                           "it was not graded."),
    "too_large": N_("This notebook is far larger than any chapter; it was not run."),
    "grader_error": N_("The grader could not judge this notebook; your teacher will look at it."),
}
