"""Helpers the chapter tests share: run a solution as a learner would, judge it, read a master."""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pandas as pd

import clv_course as clv
from clv_course.checking import collect, judge
from clv_course.exercises import CourseData, FunctionPart, get
from clv_course.i18n import _

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


# ------------------------------------------------------------- solutions, judged as a learner's

def run_solution(tables: Mapping[str, Any], source: str, extra: Mapping[str, Any] | None = None,
                 copy: bool | Collection[str] = True) -> dict[str, Any]:
    """Exec ``source`` with clv, pd, np, ``extra`` and the tables; ``copy`` says which are copies."""
    namespace: dict[str, Any] = {"clv": clv, "pd": pd, "np": np, **(extra or {}), **tables}
    for name, table in tables.items():
        if (copy is True or (copy and name in copy)) and hasattr(table, "copy"):
            namespace[name] = table.copy()
    exec(textwrap.dedent(source), namespace)  # noqa: S102 - the course's own test solutions
    return namespace


def judged(exercise_id: str, namespace: Mapping[str, Any], seed: int | None):
    """Collect and judge one exercise from a namespace, on the data of ``seed``."""
    exercise = get(exercise_id)
    data = CourseData(seed)
    collected = collect(exercise, namespace, grading_seed=seed, data=data)
    return judge(exercise, collected, grading_seed=seed, data=data)


def part_result(exercise_id: str, answer: str, value: Any, seed: int | None = None):
    """The judged part ``answer`` of an exercise when the learner gave ``value``."""
    return next(p for p in judged(exercise_id, {answer: value}, seed).parts if p.answer == answer)


def as_learners(function: Callable, name: str = "learner") -> Callable:
    """``function`` wrapped in a plain function of the learner's own, called ``name``."""
    def learner(*args):
        return function(*args)
    learner.__name__ = learner.__qualname__ = name
    return learner


def assert_mistakes_get_their_hints(exercises: Iterable, seed: int | None,
                                    wrap_functions: bool = True, name: str = "learner") -> None:
    """Every registered wrong answer scores nothing and is told that mistake's own hint."""
    for exercise in exercises:
        for part in exercise.parts:
            for wrong in part.wrong:
                answer = as_learners(wrong.answer, name) \
                    if wrap_functions and isinstance(part, FunctionPart) \
                    else wrong.answer(CourseData(seed))
                outcome = part_result(exercise.id, part.answer, answer, seed)
                assert outcome.points == 0, wrong.mistake
                assert _(wrong.hint) in outcome.message, (wrong.mistake, outcome.message)


def hints(exercises: Iterable) -> Iterator[tuple[Any, str]]:
    """Each exercise with each of its hints: every part's, then those of its wrong answers."""
    for exercise in exercises:
        for part in exercise.parts:
            for hint in [part.hint, *(wrong.hint for wrong in part.wrong)]:
                yield exercise, hint


def assert_hints_free_of(exercises: Iterable, code: re.Pattern, with_id: bool = True) -> None:
    """No hint matches ``code``; the failure names the exercise too unless ``with_id`` is off."""
    for exercise, hint in hints(exercises):
        assert not code.search(hint), (exercise.id, hint) if with_id else hint


# ------------------------------------------------------------------------ the master notebooks

def master(root: Path, path: str):
    """The master notebook at ``path`` under the repository ``root``."""
    return nbformat.read(root / path, as_version=4)


def cells(root: Path, path: str) -> dict[str, Any]:
    """The cells of a master notebook, by id, in order."""
    return {cell.id: cell for cell in master(root, path).cells}


def code(cell) -> str:
    """A cell's source without the solution markers."""
    return cell.source.replace(SOLUTION_MARKERS[0], "").replace(SOLUTION_MARKERS[1], "")


def assert_code_cells(notebook_cells: Iterable, limit: int | None = None, strip: bool = True,
                      kinds: type | tuple[type, ...] = ast.Tuple, allow_empty: bool = False) -> None:
    """No code cell ends in a bare ``kinds`` (none: not checked); given ``limit``, none is longer."""
    for cell in notebook_cells:
        if cell.cell_type != "code":
            continue
        body = ast.parse(code(cell) if strip else cell.source).body if kinds else []
        if kinds and not (allow_empty and not body):
            last = body[-1]
            assert not (isinstance(last, ast.Expr) and isinstance(last.value, kinds)), cell.id
        if limit is not None:
            assert len(cell.source.splitlines()) <= limit, cell.id


def assert_ends_with_summary(notebook_cells: Iterable, *words: str,
                             heading: str = "## What you learned", at_start: bool = True) -> None:
    """The last cell opens with ``heading`` (or holds it, ``at_start`` off) and names each word."""
    last = list(notebook_cells)[-1].source
    opens = last.startswith(heading) if at_start else heading in last
    assert opens and all(word in last for word in words)
