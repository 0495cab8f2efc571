"""In Jupyter, a learner's data mistake reads as one sentence, not a traceback."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook


def _run(cells: list[str], folder) -> nbformat.NotebookNode:
    notebook = new_notebook(cells=[new_code_cell(source) for source in cells])
    NotebookClient(notebook, timeout=60, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return notebook


@pytest.mark.slow
def test_a_bad_data_file_shows_one_sentence_and_no_traceback(tmp_path):
    (tmp_path / "orders.csv").write_text("customer_id,date,amount\nA,2024-01-05,12.50\n"
                                         "B,yesterday,8.00\n", encoding="utf-8")
    notebook = _run(["import clv_course\nclv_course.friendly_errors()",
                     "clv_course.datasets.load_transactions('orders.csv')",
                     "print('the next cell still runs')"], tmp_path)
    outputs = notebook.cells[1].outputs
    assert [o.output_type for o in outputs] == ["display_data"]
    html = outputs[0].data["text/html"]
    assert "orders.csv, row 3, column &#x27;date&#x27;" in html or "orders.csv, row 3, column 'date'" in html
    assert "Traceback" not in html and "pandas" not in html
    assert notebook.cells[2].outputs[0].text == "the next cell still runs\n"


@pytest.mark.slow
def test_errors_in_the_learners_own_code_keep_their_normal_traceback(tmp_path):
    notebook = _run(["import clv_course\nclv_course.friendly_errors()", "1 / 0"], tmp_path)
    assert notebook.cells[1].outputs[0].output_type == "error"
    assert notebook.cells[1].outputs[0].ename == "ZeroDivisionError"


@pytest.mark.slow
def test_importing_the_package_alone_changes_nothing_in_ipython(tmp_path):
    notebook = _run(["import clv_course", "raise clv_course.CourseError('plain')"], tmp_path)
    assert notebook.cells[1].outputs[0].output_type == "error"
