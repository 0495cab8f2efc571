"""The learner's one-line check: ``clv.check("ch02-aov")`` after an exercise.

It runs the exercise's public checks on the learner's names and says, in the
learner's language, what is right and what to look at, never the solution and
never a traceback. It says plainly that grading runs further checks on fresh
data, because passing a visible check does not prove an answer right.
"""

from __future__ import annotations

import html
import inspect
import os
from typing import Any

from clv_course.i18n import _

#: set by the grader in a grading kernel, where the answer key is not there to check with
GRADING_VARIABLE = "CLV_COURSE_GRADING"


class CheckReport:
    """What a check found; Jupyter shows it as a small coloured box, a console as text."""

    def __init__(self, title: str, lines: list[tuple[bool, str]], footer: str,
                 result: Any = None) -> None:
        self.title = title
        self.lines = lines
        self.footer = footer
        self.result = result

    @property
    def passed(self) -> bool:
        return bool(self.lines) and all(ok for ok, _text in self.lines)

    def __repr__(self) -> str:
        marks = [f"  {'✔' if ok else '✘'} {text}" for ok, text in self.lines]
        return "\n".join([self.title, *marks, self.footer])

    def _repr_html_(self) -> str:
        colour = "#1e8449" if self.passed else "#b9770e"
        items = "".join(f"<li>{'✔' if ok else '✘'} {html.escape(text)}</li>" for ok, text in self.lines)
        return (f'<div class="clv-course-check" style="border-left:4px solid {colour};'
                f'padding:0.3em 0.8em;margin:0.2em 0">'
                f"<strong>{html.escape(self.title)}</strong>"
                f'<ul style="list-style:none;padding-left:0.3em;margin:0.3em 0">{items}</ul>'
                f"<small>{html.escape(self.footer)}</small></div>")


def check(exercise_id: str, namespace: dict[str, Any] | None = None) -> CheckReport:
    """Check the answers to ``exercise_id`` found in the notebook (or in ``namespace``)."""
    if os.environ.get(GRADING_VARIABLE) == "1":  # the grader judges, outside this kernel
        return CheckReport(_("This notebook is being graded."), [], "")
    try:
        from clv_course.checking import collect, judge
        from clv_course.exercises import get
        exercise = get(exercise_id)
        names = namespace if namespace is not None else _learner_namespace()
        result = judge(exercise, collect(exercise, names))
    except Exception as error:  # never a traceback from the checker itself
        return CheckReport(_("The check could not run"), [(False, str(error))],
                           _("If this keeps happening, tell your teacher."))
    lines = []
    for part in result.parts:
        points = _("{points}/{max} points").format(points=part.points, max=part.max_points)
        lines.append((part.passed, f"{part.answer}: {part.message} ({points})"))
    if result.points == result.max_points:
        title = _("{title}: all public checks pass.").format(title=_(exercise.title))
        if namespace is None:  # the learner's own notebook, not a test or a tool
            from clv_course.learner_progress import record_pass
            note = record_pass(exercise_id)
            if note:
                lines.append((True, note))
    else:
        title = _("{title}: {points} of {max} points so far.").format(
            title=_(exercise.title), points=result.points, max=result.max_points)
    footer = _("These are the public checks. Grading runs more checks on fresh data, so make "
               "your code compute the answer rather than type a number in.")
    return CheckReport(title, lines, footer, result)


def _learner_namespace() -> dict[str, Any]:
    """The notebook's variables: IPython's namespace, or the caller's globals outside it."""
    try:
        from IPython import get_ipython
        shell = get_ipython()
    except ImportError:  # pragma: no cover - IPython ships with the course
        shell = None
    if shell is not None:
        return shell.user_ns
    frame = inspect.currentframe()
    caller = frame.f_back.f_back if frame and frame.f_back else None
    return caller.f_globals if caller else {}
