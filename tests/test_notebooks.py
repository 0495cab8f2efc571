"""Notebooks are stored clean (no outputs, readable stable ids) and run headless."""

from __future__ import annotations

import re

import nbformat
import pytest
from nbclient import NotebookClient


def _notebooks(root):
    return sorted((root / "notebooks").rglob("*.ipynb"))


def test_there_is_a_start_page(root):
    assert (root / "notebooks" / "00_start_here.ipynb").is_file()


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
        unreadable = [i for i in ids if not re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)+", i)]
        assert unreadable == [], f"{path.name}: ids should name the cell, not be random"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["00_start_here.ipynb"])
def test_notebook_executes_headless_without_error(root, name):
    notebook = nbformat.read(root / "notebooks" / name, as_version=4)
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(root / "notebooks")}}).execute()
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert errors == []
