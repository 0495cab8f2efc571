"""A learner's progress: which exercises their public checks have passed, kept on their machine.

``clv.check(...)`` records an exercise here when every public check of it
passes; ``clv.progress()`` shows the chapters as a small table and chart in the
learner's language. The record is one plain JSON file in the user's data folder
(``platformdirs.user_data_dir("clv-course")``), never in the course folder and
never sent anywhere; deleting it resets the progress. A file that cannot be
read is set aside (``progress.json.unreadable``), reported in one sentence and
started afresh: progress is never a reason for a check to fail.
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from clv_course.formatting import fmt
from clv_course.i18n import _

FILE_NAME = "progress.json"
#: set in the kernels that build the website: their record is nobody's
SITE_VARIABLE = "CLV_COURSE_SITE"
VERSION = 1


def progress_file() -> Path:
    """Where this user's progress is kept (``$XDG_DATA_HOME/clv-course/`` on Linux)."""
    from platformdirs import user_data_dir
    return Path(user_data_dir("clv-course", appauthor=False)) / FILE_NAME


def _fresh() -> dict:
    return {"version": VERSION, "passed": {}}


def read(path: Path | None = None) -> tuple[dict, str | None]:
    """The record and, when the file was unreadable (and is now set aside), a sentence saying so."""
    path = path or progress_file()
    if not path.exists():
        return _fresh(), None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if not (isinstance(record, dict) and isinstance(record.get("passed"), dict)
                and all(isinstance(k, str) and isinstance(v, str)
                        for k, v in record["passed"].items())):
            raise ValueError  # not a progress record
        return record, None
    except (OSError, UnicodeDecodeError, ValueError):
        aside = path.with_name(path.name + ".unreadable")
        try:
            os.replace(path, aside)
        except OSError:
            aside = path
        _write(_fresh(), path)
        return _fresh(), _("Your progress file could not be read, so it starts afresh (the old "
                           "one is kept as {aside}).").format(aside=aside)


def _write(record: dict, path: Path) -> None:
    """Write the record atomically: a half-written file never replaces a good one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".progress-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(record, out, indent=1, sort_keys=True)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def record_pass(exercise_id: str, path: Path | None = None) -> str | None:
    """Note that ``exercise_id``'s public checks all passed; a sentence if the file was reset.

    Never raises: a full disk or a read-only home must not break the learner's check.
    """
    path = path or progress_file()
    try:
        record, note = read(path)
        record["passed"].setdefault(exercise_id, datetime.now(timezone.utc).isoformat(
            timespec="seconds"))
        _write(record, path)
        return note
    except OSError as error:
        return _("Your progress could not be saved ({error}).").format(error=error)


def table(record: dict | None = None) -> pd.DataFrame:
    """Per chapter: exercises passed, exercises in all, and which are still open."""
    from clv_course.exercises import registry
    passed = set((record if record is not None else read()[0])["passed"])
    rows = {}
    for exercise in registry().values():
        row = rows.setdefault(exercise.chapter, {"passed": 0, "total": 0, "open": []})
        row["total"] += 1
        if exercise.id in passed:
            row["passed"] += 1
        else:
            row["open"].append(exercise.id)
    frame = pd.DataFrame.from_dict(rows, orient="index").sort_index()
    frame["open"] = frame["open"].map(", ".join)
    return frame


class ProgressReport:
    """What ``clv.progress()`` shows: a table and a chart in a notebook, text in a console."""

    def __init__(self, frame: pd.DataFrame, note: str | None = None) -> None:
        self.frame = frame
        self.note = note

    def _labelled(self) -> pd.DataFrame:
        shown = self.frame.rename(columns={"passed": _("passed"), "total": _("exercises"),
                                           "open": _("still open")})
        shown.index = [_("Chapter {number}").format(number=int(c[2:])) for c in shown.index]
        return shown

    def _chart_png(self) -> str:
        import matplotlib
        from matplotlib.figure import Figure
        matplotlib.rcParams.setdefault("figure.dpi", 100)
        figure = Figure(figsize=(6, 3.2))
        axis = figure.subplots()
        shown = self._labelled()
        shares = self.frame["passed"] / self.frame["total"]
        axis.barh(shown.index[::-1], shares[::-1] * 100, color="#2a7ab0")
        axis.set_xlim(0, 100)
        axis.set_xlabel(_("exercises passed (% of the chapter's exercises)"))
        axis.set_title(_("Your progress through the course"))
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        return base64.b64encode(buffer.getvalue()).decode("ascii")

    def summary(self) -> str:
        done, total = int(self.frame["passed"].sum()), int(self.frame["total"].sum())
        if os.environ.get(SITE_VARIABLE):  # a page of the website shows a newcomer's record
            return _("Here is a newcomer's progress: {done} of the course's {total} exercises "
                     "passed. In JupyterLab, this cell shows your own, kept on your "
                     "computer.").format(done=done, total=total)
        return _("You have passed {done} of the course's {total} exercises (kept in {path}).").format(
            done=done, total=total, path=progress_file())

    def chart_alt(self) -> str:
        """What the chart shows, for a screen reader: its bars in words."""
        shares = ", ".join(f"{name} {fmt(share, 'percent', digits=0)}" for name, share in zip(
            self._labelled().index, self.frame["passed"] / self.frame["total"]))
        return _("Bar chart of the share of each chapter's exercises you have passed: "
                 "{shares}").format(shares=shares)

    def _repr_html_(self) -> str:
        note = f"<p><b>{html.escape(self.note)}</b></p>" if self.note else ""
        return (f"{note}<p>{html.escape(self.summary())}</p>{self._labelled().to_html()}"
                f'<img alt="{html.escape(self.chart_alt())}" '
                f'src="data:image/png;base64,{self._chart_png()}">')

    def __repr__(self) -> str:
        note = f"{self.note}\n" if self.note else ""
        return f"{note}{self.summary()}\n{self._labelled().to_string()}"


def progress() -> ProgressReport:
    """The learner's progress so far, chapter by chapter (recorded by passing public checks)."""
    record, note = read()
    return ProgressReport(table(record), note)
