"""Plain values: the only thing that travels from a learner's code to a check.

A learner's answer may be any Python object, including one built to cheat (an
``__eq__`` that always says True, a ``float`` subclass that lies). Before any
comparison the answer is turned into plain data (None, bool, int, float, str,
lists and dicts of them) by looking at its *exact* type, never by calling its
methods; anything else is refused with a sentence saying what was expected.
Plain data is JSON, so the grader can carry it out of a sandboxed process and
compare it in its own, where the learner's code has no say.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from clv_course.errors import CourseError
from clv_course.i18n import _

Plain = None | bool | int | float | str | list | dict
#: the tag a tuple's items travel under, so a message can say "a tuple", not "a list"
TUPLE = "__tuple__"

_INTS = {int, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64}
_FLOATS = {float, np.float16, np.float32, np.float64}
#: how deep lists and dicts may nest, and how many items in all, before we refuse
MAX_DEPTH = 6
MAX_ITEMS = 200_000


class AnswerTypeError(CourseError, TypeError):
    """An answer of a kind the course cannot check (or one pretending to be a number)."""


def describe(value: Any) -> str:
    """A learner-readable name for a value's type: 'a number', 'a table', 'nothing'."""
    kind = type(value)
    if value is None:
        return _("nothing (None)")
    if value is Ellipsis:
        return _("the placeholder ...")
    if kind is bool or kind is np.bool_:
        return _("True or False")
    if kind in _INTS or kind in _FLOATS:
        return _("a number")
    if kind is str:
        return _("a piece of text")
    if kind is pd.Series:
        return _("a pandas Series")
    if kind is pd.DataFrame:
        return _("a pandas DataFrame")
    if kind is list:
        return _("a list")
    if kind is tuple:
        return _("a tuple")
    if kind is dict:
        return _("a dictionary")
    if callable(value):
        return _("a function")
    return _("an object of type {name}").format(name=kind.__name__)


def to_plain(value: Any) -> Plain:
    """``value`` as plain JSON-ready data, judged by exact type; raises AnswerTypeError."""
    budget = [MAX_ITEMS]
    return _plain(value, 0, budget)


def _plain(value: Any, depth: int, budget: list[int]) -> Plain:
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:
        raise AnswerTypeError(_("This answer is far larger than anything the exercise asks for."))
    kind = type(value)
    if value is None:
        return None
    if kind is bool or kind is np.bool_:
        return bool(value)
    if kind in _INTS:
        return int(value)
    if kind in _FLOATS:
        return float(value)
    if kind is str:
        return str.__str__(value)
    if kind is list:
        return [_plain(item, depth + 1, budget) for item in list.__iter__(value)]
    if kind is tuple:  # compared like a list, but named as what it is in messages
        return {TUPLE: [_plain(item, depth + 1, budget) for item in tuple.__iter__(value)]}
    if kind is dict:
        return {_key(key): _plain(item, depth + 1, budget) for key, item in dict.items(value)}
    if kind is pd.Series:
        budget[0] -= len(value)
        if budget[0] < 0:
            raise AnswerTypeError(_("This answer is far larger than anything the exercise asks for."))
        return {"__series__": {_key(k): _plain(v, depth + 1, budget)
                               for k, v in zip(value.index, value.to_list())}}
    if kind is pd.DataFrame:
        return {"__frame__": {_key(column): _plain(value[column], depth + 1, budget)
                              for column in value.columns}}
    if kind in (pd.Timedelta, np.timedelta64):
        raise AnswerTypeError(_("This is a time span, not a number: use .days for a number of "
                                "days (.dt.days for a whole column)."))
    raise AnswerTypeError(_("Expected a plain value, but this is {kind}.").format(
        kind=describe(value)))


def _key(key: Any) -> str:
    """Index labels become text so they survive JSON: dates as ISO, numbers as written."""
    kind = type(key)
    if kind is str:
        return str.__str__(key)
    if kind is pd.Timestamp:
        return key.isoformat()
    if kind is pd.Period:
        return str(key)
    if kind in _INTS:
        return str(int(key))
    if kind in _FLOATS:
        return repr(float(key))
    if kind is bool or kind is np.bool_:
        return str(bool(key))
    if kind is tuple:
        return "|".join(_key(part) for part in key)
    raise AnswerTypeError(_("The labels of this answer should be text, numbers or dates, not "
                            "{kind}.").format(kind=describe(key)))


@dataclass(frozen=True)
class Tolerance:
    """How close a number must be: within ``relative`` of the expected value or ``absolute``."""

    relative: float = 1e-6
    absolute: float = 1e-9


def is_number(value: Plain) -> bool:
    return type(value) in (int, float)


def mismatch(answer: Plain, expected: Plain, tolerance: Tolerance = Tolerance()) -> str | None:
    """None when ``answer`` matches ``expected``; otherwise a sentence saying what differs.

    A tuple and a list with the same items match: only the messages tell them apart.

    Both sides are plain data (see :func:`to_plain`); the sentence never quotes the
    expected value, so a failed check does not hand out the solution.
    """
    if _is_tuple(expected):
        expected = expected[TUPLE]
    if _is_tuple(answer) and type(expected) is list:
        answer = answer[TUPLE]
    if is_number(expected):
        if not is_number(answer):
            return _("Expected a number, but this is {kind}.").format(kind=_plain_kind(answer))
        if math.isnan(expected):
            return None if math.isnan(answer) else _("The value is not right yet.")
        if math.isnan(answer):
            return _("The answer is NaN (not a number): look for a division by zero or an "
                     "empty selection.")
        if math.isinf(answer) and answer != expected:
            return _("The answer is infinite: look for a division by zero.")
        if not math.isclose(answer, expected, rel_tol=tolerance.relative, abs_tol=tolerance.absolute):
            return _("The value is not right yet.")
        return None
    if type(expected) is bool or type(expected) is str or expected is None:
        if type(answer) is not type(expected) or answer != expected:
            return _("The value is not right yet.")
        return None
    if type(expected) is dict and len(expected) == 1 and next(iter(expected)) in ("__series__",
                                                                                  "__frame__"):
        tag = next(iter(expected))
        if type(answer) is not dict or tag not in answer:
            wanted = _("a pandas Series") if tag == "__series__" else _("a pandas DataFrame")
            return _("Expected {wanted}, but this is {kind}.").format(
                wanted=wanted, kind=_plain_kind(answer))
        return _mapping_mismatch(answer[tag], expected[tag], tolerance, tag)
    if type(expected) is dict:
        if type(answer) is not dict or _is_tuple(answer):
            return _("Expected a dictionary, but this is {kind}.").format(kind=_plain_kind(answer))
        return _mapping_mismatch(answer, expected, tolerance, "dict")
    if type(expected) is list:
        if type(answer) is not list:
            return _("Expected a list, but this is {kind}.").format(kind=_plain_kind(answer))
        if len(answer) != len(expected):
            return _("Expected {expected} items, but there are {actual}.").format(
                expected=len(expected), actual=len(answer))
        for item, wanted in zip(answer, expected):
            problem = mismatch(item, wanted, tolerance)
            if problem:
                return problem
        return None
    raise TypeError(_("An exercise expects a value of a kind the checks cannot compare."))


def _mapping_mismatch(answer: dict, expected: dict, tolerance: Tolerance, tag: str) -> str | None:
    if type(answer) is not dict:
        return _("The value is not right yet.")
    missing = [key for key in expected if key not in answer]
    extra = [key for key in answer if key not in expected]
    if tag == "__frame__" and (missing or extra):
        return _("The columns should be {expected}; this table has {actual}.").format(
            expected=", ".join(expected), actual=", ".join(answer) or "-")
    if len(answer) != len(expected):
        return _("Expected {expected} entries, but there are {actual}.").format(
            expected=len(expected), actual=len(answer))
    if missing:
        return _("Some labels differ from the expected ones (for example, {label} is "
                 "missing).").format(label=missing[0])
    for key, wanted in expected.items():
        problem = mismatch(answer[key], wanted, tolerance)
        if problem:
            where = (_("In column {label}: ") if tag == "__frame__" else _("At {label}: ")).format(
                label=key)
            return where + problem
    return None


def _is_tuple(value: Plain) -> bool:
    return type(value) is dict and len(value) == 1 and TUPLE in value


def _plain_kind(value: Plain) -> str:
    if _is_tuple(value):
        return _("a tuple")
    if type(value) is dict and "__series__" in value:
        return _("a pandas Series")
    if type(value) is dict and "__frame__" in value:
        return _("a pandas DataFrame")
    if value is None:
        return _("nothing (None)")
    if type(value) is str and value == "...":
        return _("the placeholder ...")
    return describe(value)
