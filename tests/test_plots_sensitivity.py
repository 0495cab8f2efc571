"""Chapter 4's tornado chart stays readable without its colours (WCAG 1.4.1, use of colour)."""

from __future__ import annotations

import pytest

from clv_course.formatting import fmt
from clv_course.plots.sensitivity import tornado
from clv_course.sensitivity import component_clv, one_at_a_time

INPUTS = {"aov": 55.0, "frequency": 2.8, "margin": 0.38, "churn": 0.46, "discount_rate": 0.10}


def _churn_clv(aov, frequency, margin, churn, discount_rate):
    return component_clv(aov, frequency, margin, 1 - churn, discount_rate)


@pytest.fixture(scope="module")
def table():
    return one_at_a_time(INPUTS, model=_churn_clv)


def _bars(axes, rows):
    """The lower input's bars, then the higher input's: barh draws them in that order."""
    return axes.patches[:rows], axes.patches[rows:2 * rows]


def test_tornado_tells_lower_from_higher_by_hatching_not_only_by_colour(table):
    axes = tornado(table, currency="EUR").axes[0]
    lower, higher = _bars(axes, len(table))
    assert {bar.get_hatch() for bar in lower} == {lower[0].get_hatch()} and lower[0].get_hatch()
    assert {bar.get_hatch() or "" for bar in higher} == {""}


def test_tornado_legend_shows_the_hatching_too(table):
    figure = tornado(table, currency="EUR")
    legend = figure.legends[0]
    hatches = [handle.get_hatch() or "" for handle in legend.legend_handles]
    assert [t.get_text() for t in legend.get_texts()] == ["Input 10% lower", "Input 10% higher"]
    assert hatches[0] and not hatches[1]


def test_each_tornado_bar_ends_with_the_clv_it_reaches(table):
    axes = tornado(table, currency="EUR").axes[0]
    base = table.attrs["base"]
    texts = [t.get_text() for t in axes.texts]
    ordered = table.iloc[::-1]
    expected = [fmt(base + change, "money", currency="EUR", digits=1)
                for column in ("low_change", "high_change") for change in ordered[column]]
    assert texts == expected
    # a bar that lowers CLV has its label on its left, one that raises it on its right
    for text, change in zip(axes.texts, [*ordered["low_change"], *ordered["high_change"]]):
        assert text.get_ha() == ("left" if change >= 0 else "right")


def test_tornado_value_labels_stay_inside_the_figure(table):
    figure = tornado(table, currency="EUR")
    figure.canvas.draw()
    inside = figure.bbox
    for text in figure.axes[0].texts:
        box = text.get_window_extent()
        assert inside.x0 <= box.x0 and box.x1 <= inside.x1
