"""Notebooks are stored clean (no outputs, readable stable ids) and generated from masters."""

from __future__ import annotations

import re

import nbformat
import pytest

from clv_course.authoring import BEGIN, END, expected_files, masters, stale_files


def _notebooks(root):
    return sorted(p for folder in ("masters", "notebooks", "solutions")
                  for p in (root / folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def test_there_is_a_start_page_for_learners(root):
    assert (root / "notebooks" / "en" / "00_start_here.ipynb").is_file()


def test_notebooks_are_stored_without_outputs(root):
    for path in _notebooks(root):
        notebook = nbformat.read(path, as_version=4)
        dirty = [c.id for c in notebook.cells if c.cell_type == "code"
                 and (c.outputs or c.execution_count is not None)]
        assert dirty == [], f"{path.name} has outputs in {dirty}"


def test_notebook_cells_have_unique_readable_ids(root):
    for path in _notebooks(root):
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        ids = [cell.id for cell in notebook.cells]
        assert len(ids) == len(set(ids)), f"{path.name} repeats a cell id"
        unreadable = [i for i in ids if not re.fullmatch(r"ch\d\d(-[a-z0-9]+)+", i)]
        assert unreadable == [], f"{path.name}: ids should name the chapter and the cell"


def test_cell_ids_are_unique_across_the_course_so_translations_can_key_on_them(root):
    seen = {}
    for path in masters(root):
        for cell in nbformat.read(path, as_version=4).cells:
            assert cell.id not in seen, f"{cell.id} is in {path.name} and {seen.get(cell.id)}"
            seen[cell.id] = path.name


def test_generated_notebooks_are_fresh(root):
    assert stale_files(root) == [], "run `make notebooks` after editing a master"


def test_no_notebook_is_generated_without_a_master(root):
    generated = {p for folder in ("notebooks", "solutions") for p in (root / folder).rglob("*.ipynb")
                 if ".ipynb_checkpoints" not in p.parts}
    assert generated == set(expected_files(root))


@pytest.mark.parametrize("folder", ["notebooks", "solutions"])
def test_generated_notebooks_carry_no_solution_markers(root, folder):
    for path in (root / folder).rglob("*.ipynb"):
        text = path.read_text()
        assert BEGIN not in text and END not in text, path


def test_student_notebooks_hide_every_solution_line(root):
    for master in masters(root):
        student = (root / "notebooks" / "en" / master.name).read_text()
        for cell in nbformat.read(master, as_version=4).cells:
            inside = False
            for line in cell.source.split("\n"):
                if line.strip() in (BEGIN, END):
                    inside = line.strip() == BEGIN
                elif inside and line.strip():
                    assert line.strip() not in _code_lines(student), (master.name, line)


def _code_lines(notebook_text: str) -> set[str]:
    notebook = nbformat.reads(notebook_text, as_version=4)
    return {line.strip() for cell in notebook.cells if cell.cell_type == "code"
            for line in cell.source.split("\n")}


def test_every_chapter_opens_with_a_title_and_prose_before_code(root):
    for path in masters(root):
        cells = nbformat.read(path, as_version=4).cells
        assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# "), path.name
