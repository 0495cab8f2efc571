"""Chapter 8's channel comparison tells revenue from margin without relying on colour."""

from __future__ import annotations

import pytest

import clv_course as clv
from clv_course import channels
from clv_course.plots.channels import channel_comparison


@pytest.fixture(scope="module")
def table():
    return channels.channel_comparison(clv.datasets.load("shop"))


def test_revenue_bars_are_hatched_and_margin_bars_are_not(table):
    money = channel_comparison(table, currency="EUR", window="2023-2025").axes[0]
    revenue, margin = money.patches[:len(table)], money.patches[len(table):2 * len(table)]
    assert all(bar.get_hatch() for bar in revenue)
    assert not any(bar.get_hatch() for bar in margin)


def test_the_per_order_legend_works_in_greyscale(table):
    legend = channel_comparison(table, currency="EUR").axes[0].get_legend()
    handles = dict(zip([t.get_text() for t in legend.get_texts()], legend.legend_handles))
    assert handles["Revenue per order (AOV)"].get_hatch()
    assert not handles["Margin per order"].get_hatch()


def test_revenue_bars_stay_pale_and_margin_bars_strong(table):
    money = channel_comparison(table, currency="EUR").axes[0]
    revenue, margin = money.patches[0], money.patches[len(table)]
    assert revenue.get_facecolor()[3] < 1 and margin.get_facecolor()[3] == 1
    assert revenue.get_facecolor()[:3] == pytest.approx(margin.get_facecolor()[:3])
