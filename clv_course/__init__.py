"""clv_course: the helper package of the Customer Lifetime Value course.

One module per concern, in the order data flows:

- :mod:`clv_course.datasets`: the course's data and a careful loader for your own CSV;
- :mod:`clv_course.shop`: the synthetic shop's generative model and true parameters;
- :mod:`clv_course.tables`: what a usable table of transactions is, and which rows are orders;
- :mod:`clv_course.metrics`: CLV components (AOV, frequency, lifespan, retention,
  discounting, CAC, payback), with :mod:`~clv_course.summary` and :mod:`~clv_course.cohorts`;
- :mod:`clv_course.segments`, :mod:`~clv_course.sensitivity`, :mod:`~clv_course.levers` and
  :mod:`~clv_course.channels`: segmentation, sensitivity, what-if levers, sales channels;
- :mod:`clv_course.plots` and :mod:`clv_course.widgets`: labelled figures and interactive tools;
- :mod:`clv_course.i18n`, :mod:`~clv_course.formatting` and :mod:`~clv_course.table_display`:
  the learner's language, and numbers as it writes them, in tables too;
- :mod:`clv_course.models`: BG/NBD, Pareto/NBD, Gamma-Gamma and sBG, for predicted CLV;
- :mod:`clv_course.exercises`, :mod:`~clv_course.checking` and :mod:`~clv_course.selfcheck`:
  the exercises, how answers are judged, and the learner's one-line ``clv.check("id")``;
- :mod:`clv_course.authoring`: student and solution notebooks generated from the masters;
- :mod:`clv_course.grading` and :mod:`clv_course.cli`: the instructor's ``clv-course grade``;
- :mod:`clv_course.errors`: problems explained as one sentence.

Submodules load on first use (``clv.metrics``), so the command line starts fast.
"""

from __future__ import annotations

import importlib
from typing import Any

from clv_course.errors import CourseError, DataFileError, InputError, install_friendly_errors
from clv_course.i18n import LANGUAGES, _, get_language, set_language

__version__ = "0.1.0"
__all__ = ["datasets", "metrics", "fmt", "set_language", "get_language", "LANGUAGES", "_",
           "CourseError", "DataFileError", "InputError", "check", "progress", "friendly_errors",
           "tables_in_language",
           "__version__"]

#: names loaded on first use, so a tool that needs one module does not import pandas
_LAZY = {"fmt": "clv_course.formatting:fmt", "check": "clv_course.selfcheck:check",
         "progress": "clv_course.learner_progress:progress"} | {
    name: f"clv_course.{name}" for name in (
        "datasets", "metrics", "summary", "cohorts", "tables", "units", "shop", "segments",
        "sensitivity", "levers", "channels", "models", "plots", "widgets", "formatting")}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'clv_course' has no attribute {name!r}")
    module, _sep, attribute = _LAZY[name].partition(":")
    value = importlib.import_module(module)
    value = getattr(value, attribute) if attribute else value
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


def friendly_errors() -> None:
    """In Jupyter, show the course's own errors as one sentence, without a traceback.

    Each chapter's first cell calls it; importing the package changes nothing in
    IPython by itself. A learner's own errors keep their normal traceback.
    """
    install_friendly_errors()


def tables_in_language() -> None:
    """In Jupyter, show pandas tables with the learner's decimal mark (0,631 in German).

    Each chapter's first cell calls it, beside :func:`friendly_errors`; see
    :mod:`clv_course.table_display`.
    """
    from clv_course.table_display import show_tables_in_language
    show_tables_in_language()


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext clv_course`` does the same as :func:`friendly_errors`."""
    install_friendly_errors()
