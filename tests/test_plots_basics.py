"""Chapter 1's figure (ch01): value per customer, its units, its mean and median, its top tenth."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import clv_course as clv
from clv_course import segments
from clv_course.errors import InputError
from clv_course.plots.basics import value_per_customer_histogram


@pytest.fixture(scope="module")
def profit():
    return segments.value_per_customer(clv.datasets.load("shop"))


def _axes(values, **options):
    return value_per_customer_histogram(values, currency="EUR", **options).axes[0]


def test_ch01_histogram_names_its_units_on_both_axes(profit):
    axes = _axes(profit)
    assert axes.get_title()
    assert "(EUR)" in axes.get_xlabel() and "so far" in axes.get_xlabel()
    assert axes.get_ylabel() == "Number of customers"
    assert any("€" in tick.get_text() for tick in axes.get_xticklabels())


def test_ch01_histogram_marks_mean_and_median_where_they_are(profit):
    mean_line, median_line = _axes(profit).get_lines()
    assert mean_line.get_xdata()[0] == pytest.approx(profit.mean())
    assert median_line.get_xdata()[0] == pytest.approx(profit.median())
    assert mean_line.get_xdata()[0] > median_line.get_xdata()[0]  # the shop's value is skewed


def test_ch01_histogram_legend_reads_out_mean_median_and_the_top_tenths_share(profit):
    texts = [t.get_text() for t in _axes(profit).get_legend().get_texts()]
    share = segments.top_share(profit, 0.1)
    assert texts[0] == f"Top 10% of customers: {100 * share:.0f}% of the gross profit"
    assert texts[1] == clv.fmt(profit.mean(), "money", currency="EUR").join(["Mean: ", ""])
    assert texts[2].startswith("Median: €")


def test_ch01_histogram_shades_exactly_the_top_tenth(profit):
    axes = _axes(profit)
    band = next(p for p in axes.patches if p.get_zorder() == 0)
    start = band.get_x()
    top = len(profit) // 10
    assert (profit >= start).sum() == top


def test_ch01_histogram_counts_every_customer_on_the_chart_or_in_its_note(profit):
    axes = _axes(profit)
    bars = sum(p.get_height() for p in axes.patches if p.get_zorder() != 0)
    note = next(t.get_text() for t in axes.texts)
    beyond = int(note.split()[0].replace(",", ""))
    assert bars + beyond == len(profit)
    assert f"€{profit.max():,.0f}" in note


def test_ch01_histogram_without_a_cut_has_no_note():
    axes = _axes(pd.Series([0.0, 10.0, 20.0, 30.0, 500.0]), cut=1.0)
    assert len(axes.texts) == 0
    assert sum(p.get_height() for p in axes.patches if p.get_zorder() != 0) == 5


def test_ch01_histogram_of_revenue_says_revenue():
    axes = _axes(np.array([10.0, 20.0, 300.0]), what="revenue")
    assert axes.get_xlabel() == "Revenue per customer so far (EUR)"


def test_ch01_histogram_refuses_empty_input_and_an_unknown_kind():
    with pytest.raises(InputError):
        value_per_customer_histogram(pd.Series([], dtype=float), currency="EUR")
    with pytest.raises(InputError):
        value_per_customer_histogram(pd.Series([1.0]), currency="EUR", what="margin")


def test_a_title_longer_than_the_figure_wraps_instead_of_widening_the_picture():
    """A notebook saves figures with bbox_inches="tight": an unwrapped long title widens them."""
    import io

    import matplotlib.image
    from clv_course.plots import label, new_figure
    figure, axes = new_figure(5.0, 3.0)
    label(axes, "Welche Eingangsgröße bewegt den CLV am stärksten? " * 3, "x", "y")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=50, bbox_inches="tight")
    buffer.seek(0)
    assert matplotlib.image.imread(buffer).shape[1] <= (5.0 + 2 * 0.1) * 50 + 1  # 0.1 in padding
