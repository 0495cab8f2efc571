"""Errors a learner can act on, shown as one plain sentence.

Everything the package raises because of the learner's data or input is a
:class:`CourseError`. In Jupyter, :func:`install_friendly_errors` shows such an
error as its message alone (no traceback through our code), because the
learner needs to know what to fix, not where in clv_course it was noticed.
"""

from __future__ import annotations

from typing import Any


class CourseError(Exception):
    """A problem with the learner's input, explained in the learner's language."""


class DataFileError(CourseError, ValueError):
    """A data file that cannot be used as it is: names the file, row and column."""

    def __init__(self, message: str, *, path: str | None = None, row: int | None = None,
                 column: str | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.row = row
        self.column = column


class InputError(CourseError, ValueError):
    """An argument outside what a function can compute with (a negative rate, say)."""


def _show_course_error(shell: Any, etype: type, value: BaseException, tb: Any,
                       tb_offset: int | None = None) -> None:
    from IPython.display import HTML, display

    from clv_course.i18n import _

    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    display(HTML(_ERROR_BOX.format(title=_("Please check this:"), text=text)))


_ERROR_BOX = ('<div class="clv-course-error" style="border-left:4px solid #c0392b;'
              'padding:0.4em 0.8em;background:#fdf2f2"><strong>{title}</strong> {text}</div>')


def install_friendly_errors() -> bool:
    """In IPython, show CourseError as a short message. Returns True when installed."""
    import sys
    if "IPython" not in sys.modules:  # not in Jupyter or IPython: nothing to install
        return False
    from IPython import get_ipython
    shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc((CourseError,), _show_course_error)
    return True
