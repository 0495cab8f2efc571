"""pandas tables in the learner's number format, as a notebook in that language shows them."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from clv_course.i18n import language
from clv_course.table_display import _frame_html, _series_text, localize_series_text, table_html


class _Printer:
    def __init__(self) -> None:
        self.written = ""

    def text(self, text: str) -> None:
        self.written += text


def _series_shown(series: pd.Series) -> str:
    printer = _Printer()
    _series_text(series, printer, False)
    return printer.written


FRAME = pd.DataFrame({"sBG": [0.5, 0.631, math.inf], "label": ["a", "b", "c"]},
                     index=pd.Index([1, 2, 7], name="year"))


def test_a_float_cell_gets_the_decimal_mark_and_a_text_cell_stays_as_written():
    frame = FRAME.assign(label=["2.357", "b", "c"])  # clv.fmt's German thousands
    html = table_html(frame, ",", "∞")
    assert "<td>0,631</td>" in html and "<td>0,500</td>" in html and "<td>∞</td>" in html
    assert "<td>2.357</td>" in html and "<th>7</th>" in html


def test_a_negative_or_tiny_number_keeps_its_sign_and_exponent():
    html = table_html(pd.DataFrame({"x": [-0.25, -math.inf, 1e-7]}), ",", "∞")
    assert "<td>-2,500000e-01</td>" in html and "<td>-∞</td>" in html
    assert localize_series_text("a    1.5e-07", ",", "∞") == "a    1,5e-07"


def test_with_a_decimal_point_the_table_is_exactly_the_one_pandas_shows():
    for frame in (FRAME, pd.DataFrame({"a": range(200)}).astype(float),
                  pd.DataFrame({i: [1.5] for i in range(40)})):
        assert table_html(frame, ".", "inf") == frame._repr_html_()


def test_a_float_series_gets_the_mark_on_its_values_and_not_on_its_labels():
    text = localize_series_text("v1.5    0.25\nb       inf\nName: x, dtype: float64", ",", "∞")
    assert text == "v1.5    0,25\nb       ∞\nName: x, dtype: float64"


@pytest.mark.parametrize("code", ["de", "da", "it"])
def test_in_german_danish_and_italian_a_table_shows_decimal_commas(code):
    with language(code):
        assert "<td>0,631</td>" in _frame_html(FRAME)
        assert "0,25" in _series_shown(pd.Series([0.25, 1.0], name="x"))


def test_in_english_a_table_is_shown_exactly_as_pandas_shows_it():
    with language("en"):
        assert _frame_html(FRAME) == FRAME._repr_html_()
        assert _series_shown(pd.Series([0.25, math.inf])) == repr(pd.Series([0.25, math.inf]))


def test_a_series_of_text_or_whole_numbers_is_left_as_pandas_writes_it():
    with language("de"):
        for series in (pd.Series(["0.5 €"]), pd.Series([1, 2])):
            assert _series_shown(series) == repr(series)


def _run_in_a_kernel(cells: list[str], folder) -> list:
    import nbformat
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell, new_notebook
    notebook = new_notebook(cells=[new_code_cell(source) for source in cells])
    NotebookClient(notebook, timeout=60, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    return [cell.outputs for cell in notebook.cells]


TABLE = "import pandas as pd\npd.DataFrame({'sBG': [0.5, 0.631]})"


@pytest.mark.slow
def test_in_a_german_notebook_a_dataframe_shows_decimal_commas(tmp_path):
    outputs = _run_in_a_kernel(["import clv_course as clv\nclv.set_language('de')\n"
                                "clv.tables_in_language()", TABLE], tmp_path)
    assert "<td>0,631</td>" in outputs[1][0].data["text/html"]


@pytest.mark.slow
def test_importing_the_package_alone_leaves_pandas_tables_as_they_are(tmp_path):
    outputs = _run_in_a_kernel(["import clv_course as clv\nclv.set_language('de')", TABLE],
                               tmp_path)
    assert "<td>0.631</td>" in outputs[1][0].data["text/html"]
