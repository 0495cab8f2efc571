"""Student notebooks are generated from solutions: each solution becomes a placeholder."""

from __future__ import annotations

import pytest

from clv_course.authoring import MarkerError, placeholder_source, strip_solutions

SOLUTION = "x = 1\n### BEGIN SOLUTION\naov = revenue / orders\n### END SOLUTION\ncheck()"


def test_a_solution_assigning_a_name_becomes_that_name_set_to_a_placeholder():
    assert strip_solutions(SOLUTION, keep=False) == "x = 1\naov = ...  # your code here\ncheck()"


def test_the_solution_notebook_keeps_the_solution_and_drops_the_markers():
    assert strip_solutions(SOLUTION, keep=True) == "x = 1\naov = revenue / orders\ncheck()"


def test_a_solution_inside_a_function_body_becomes_an_indented_ellipsis():
    source = "def f(a):\n    ### BEGIN SOLUTION\n    return a * 2\n    ### END SOLUTION"
    assert strip_solutions(source, keep=False) == "def f(a):\n    ...  # your code here"


def test_every_name_a_solution_assigns_gets_its_own_placeholder_once():
    assert placeholder_source("a = 1\nb, c = 2, 3\na += 1", "") == (
        "a = ...  # your code here\nb = ...  # your code here\nc = ...  # your code here")


def test_a_solution_that_assigns_nothing_becomes_a_bare_placeholder():
    assert placeholder_source("print(1)", "") == "...  # your code here"


@pytest.mark.parametrize("source", ["### BEGIN SOLUTION\nx = 1",
                                    "x = 1\n### END SOLUTION",
                                    "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION"])
def test_unpaired_markers_are_an_error(source):
    with pytest.raises(MarkerError):
        strip_solutions(source, keep=False)
