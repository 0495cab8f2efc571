"""The course's exercises, written once: what the learner defines and how it is judged.

Each chapter has a module ``chNN.py`` with a list ``EXERCISES``. An exercise has
one or more *parts*, each naming something the learner defines in the notebook
and worth some points (partial credit is per part):

- :class:`ValuePart`: a value computed from the course's data, e.g. ``shop_aov``.
  Its ``expected(data)`` computes the right value from the same data. The grader
  runs the notebook on a fresh variant of the data (see
  :func:`clv_course.datasets.load`), so a typed-in number cannot pass.
- :class:`FunctionPart`: a function, e.g. ``simple_clv(aov, frequency, lifespan)``.
  It is called on ``cases(rng, data)``: fixed inputs for the learner's self-check,
  fresh ones from the grader's seed at grading time, and compared with
  ``reference`` called on the same inputs.

Every part lists plausible :class:`Wrong` answers (a unit mix-up, revenue for
profit, an off-by-one period) with the hint a learner who gave one should read;
a test proves each check rejects each of them.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pandas as pd

from clv_course.collecting import Call
from clv_course.datasets import data_seed, load
from clv_course.errors import InputError
from clv_course.i18n import N_, _
from clv_course.plain import Tolerance

__all__ = ["CourseData", "Exercise", "FunctionPart", "ValuePart", "Wrong", "Case", "N_",
           "Tolerance", "registry", "get", "chapter_exercises"]


class CourseData:
    """The course's data sets as one notebook run sees them: its own, or the grader's variant."""

    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed

    @classmethod
    def current(cls) -> CourseData:
        """The data this process's notebooks load (the grader's variant while grading)."""
        return cls(data_seed())

    def load(self, name: str) -> pd.DataFrame:
        return load(name, seed=self.seed)


@dataclass(frozen=True)
class Case(Call):
    """One call of a learner's function: positional and keyword arguments."""

    def describe(self, name: str) -> str:
        """``name(50.0, 4, unit='year')``: a short series in full, a table by size and columns.

        A learner should be able to rebuild the failing call from what the check says.
        """
        def show(value: Any) -> str:
            if isinstance(value, pd.DataFrame):
                return _("<table of {rows} rows with columns {columns}>").format(
                    rows=len(value), columns=", ".join(map(str, value.columns)))
            if isinstance(value, pd.Series):
                values = [str(v) for v in value.head(8).to_list()]
                more = ", ..." if len(value) > 8 else ""
                return _("<series of {rows} values: {values}>").format(
                    rows=len(value), values=", ".join(values) + more)
            return repr(value)
        inside = [show(a) for a in self.args] + [f"{k}={show(v)}" for k, v in self.kwargs.items()]
        return f"{name}({', '.join(inside)})"


@dataclass(frozen=True)
class Wrong:
    """A plausible wrong answer: what it is, how to compute it, what to tell the learner.

    For a value part ``answer(data)`` computes the wrong value; for a function
    part ``answer`` is the wrong function itself.
    """

    mistake: str
    answer: Callable
    hint: str


@dataclass(frozen=True)
class ValuePart:
    """A value the learner computes from the course's data and stores under ``answer``.

    ``accepted`` lists other defensible answers (another stated convention, say a
    365-day year) that earn full points too, each computed like ``expected``.
    """

    answer: str
    points: int
    expected: Callable[[CourseData], Any]
    hint: str
    wrong: Sequence[Wrong] = ()
    tolerance: Tolerance = Tolerance()
    accepted: Sequence[Callable[[CourseData], Any]] = ()


@dataclass(frozen=True)
class FunctionPart:
    """A function the learner writes and names ``answer``; judged on ``cases``."""

    answer: str
    points: int
    reference: Callable
    cases: Callable[[np.random.Generator, CourseData], list[Case]]
    hint: str
    wrong: Sequence[Wrong] = ()
    tolerance: Tolerance = Tolerance()

    def public_cases(self, data: CourseData) -> list[Case]:
        """The inputs a learner's self-check uses: always the same."""
        return self.cases(np.random.default_rng(PUBLIC_SEED), data)

    def grading_cases(self, seed: int, data: CourseData) -> list[Case]:
        """The grader's fresh inputs, drawn from its seed."""
        return self.cases(np.random.default_rng([seed, GRADING_STREAM]), data)


Part = ValuePart | FunctionPart
PUBLIC_SEED = 20240101
GRADING_STREAM = 7


@dataclass(frozen=True)
class Exercise:
    """One graded exercise: an id shared by every language, a title and its parts."""

    id: str
    title: str
    parts: Sequence[Part]

    @property
    def points(self) -> int:
        return sum(part.points for part in self.parts)

    @property
    def chapter(self) -> str:
        return self.id.split("-")[0]


@cache
def registry() -> dict[str, Exercise]:
    """Every exercise of the course by id, found in the chapter modules ``chNN``."""
    found: dict[str, Exercise] = {}
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name.startswith("ch")):
        for exercise in importlib.import_module(f"{__name__}.{module}").EXERCISES:
            if exercise.id in found:
                raise RuntimeError(_("Two exercises are called {id}.").format(id=exercise.id))
            found[exercise.id] = exercise
    return found


def get(exercise_id: str) -> Exercise:
    """The exercise called ``exercise_id``, or a sentence listing the ones that exist.

    Only the exercise's own chapter module is imported, so a learner's check
    does not load every chapter's helpers.
    """
    chapter = str(exercise_id).split("-")[0]
    try:
        module = importlib.import_module(f"{__name__}.{chapter}") if chapter.startswith("ch") \
            and chapter[2:].isdigit() else None
    except ImportError:
        module = None
    exercises = {e.id: e for e in getattr(module, "EXERCISES", [])}
    if exercise_id not in exercises:
        raise InputError(_("There is no exercise {id!r}. Check the spelling in the check cell; "
                           "this chapter's exercises are: {ids}.").format(
            id=exercise_id, ids=", ".join(exercises) or "-"))
    return exercises[exercise_id]


def chapter_exercises(chapter: str) -> list[Exercise]:
    """The exercises of one chapter (``"ch02"``), in the order they were defined."""
    return [e for e in registry().values() if e.chapter == chapter]
