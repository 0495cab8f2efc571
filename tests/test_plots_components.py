"""Chapter 2's figures: labelled with units, marking the right statistics, showing what the text reads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import clv_course as clv
from clv_course.errors import InputError
from clv_course.plots.components import lifespan_histogram, order_value_histogram


@pytest.fixture(scope="module")
def shop():
    return clv.datasets.load("shop")


@pytest.fixture(scope="module")
def shop_orders(shop):
    return shop.loc[~shop["is_refund"], "amount"]


@pytest.fixture(scope="module")
def panels(shop, shop_orders):
    """The figure as chapter 2 draws it: all orders (log counts) and a zoom on the typical ones."""
    whole, zoom = order_value_histogram(shop_orders, currency="EUR",
                                        aov=clv.metrics.average_order_value(shop)).axes
    return whole, zoom


def test_order_value_histogram_is_labelled_with_units(panels):
    for axes in panels:
        assert axes.get_title() and "EUR" in axes.get_xlabel() and "orders" in axes.get_ylabel()


def test_order_value_histogram_marks_mean_and_median_where_they_are(shop_orders):
    axes = order_value_histogram(shop_orders, currency="EUR").axes[0]
    marked = sorted(line.get_xdata()[0] for line in axes.get_lines())
    assert marked == pytest.approx(sorted([shop_orders.mean(), shop_orders.median()]))


def test_order_value_histogram_shows_the_mean_above_the_median_on_the_shop(shop_orders):
    axes = order_value_histogram(shop_orders, currency="EUR").axes[0]
    mean_line, median_line = axes.get_lines()
    assert mean_line.get_xdata()[0] > median_line.get_xdata()[0]


def test_order_value_histogram_marks_the_net_aov_the_chapter_teaches(shop, panels):
    """The mean of the orders ignores refunds; the AOV the CLV formula uses is marked too."""
    net = clv.metrics.average_order_value(shop)
    for axes in panels:
        marked = sorted(line.get_xdata()[0] for line in axes.get_lines())
        assert any(value == pytest.approx(net) for value in marked)
    texts = [t.get_text() for t in panels[1].get_legend().get_texts()]
    assert any(clv.fmt(net, "money", currency="EUR") in text for text in texts)


def test_order_value_histogram_legend_shows_money(panels):
    texts = [t.get_text() for t in panels[1].get_legend().get_texts()]
    assert len(texts) == 3 and all("€" in text for text in texts)


def test_order_value_histogram_counts_every_order(shop_orders):
    axes = order_value_histogram(shop_orders, currency="EUR").axes[0]
    assert sum(patch.get_height() for patch in axes.patches) == len(shop_orders)


def test_order_value_histogram_shows_the_tail_it_talks_about(shop_orders, panels):
    """The whole panel reaches the largest order, and its log axis keeps one-order bars visible."""
    whole, _zoom = panels
    assert whole.get_yscale() == "log"
    assert whole.get_xlim()[1] >= shop_orders.max()
    lowest = min(p.get_height() for p in whole.patches if p.get_height() > 0)
    assert lowest >= whole.get_ylim()[0]


def test_order_value_histogram_zoom_shows_where_the_lines_are(shop_orders, panels):
    _whole, zoom = panels
    low, high = zoom.get_xlim()
    assert all(low <= line.get_xdata()[0] <= high for line in zoom.get_lines())
    assert high < shop_orders.max() / 2


def test_order_value_histogram_refuses_an_empty_series():
    with pytest.raises(InputError):
        order_value_histogram(pd.Series([], dtype=float), currency="EUR")


def test_lifespan_histogram_bars_add_up_to_all_customers():
    axes = lifespan_histogram(pd.Series([0.0, 0.0, 0.5, 1.0, 2.0]), unit="year").axes[0]
    assert sum(patch.get_height() for patch in axes.patches) == pytest.approx(1.0)


def test_lifespan_histogram_title_states_the_share_of_zero_lifespans():
    axes = lifespan_histogram(np.array([0.0, 0.0, 1.0, 2.0]), unit="year").axes[0]
    assert "50.0%" in axes.get_title()


def test_lifespan_histogram_first_bar_is_exactly_the_share_in_the_title():
    """Zeros get a bar of their own: a lifespan of a few days does not join them."""
    values = np.array([0.0, 0.0, 0.0, 0.01, 0.02, 1.0, 2.0, 3.0])
    axes = lifespan_histogram(values, unit="year").axes[0]
    first = min(axes.patches, key=lambda patch: patch.get_x())
    assert first.get_x() + first.get_width() <= 0
    assert first.get_height() == pytest.approx(3 / 8)
    assert clv.fmt(3 / 8, "percent", digits=1) in axes.get_title()


def test_lifespan_histogram_on_cdnow_agrees_with_its_title():
    cdnow = clv.datasets.load("cdnow")
    lifespans = clv.metrics.customer_lifespan(cdnow, unit="year", per_customer=True)
    axes = lifespan_histogram(lifespans, unit="year").axes[0]
    first = min(axes.patches, key=lambda patch: patch.get_x())
    assert clv.fmt(first.get_height(), "percent", digits=1) in axes.get_title()


def test_lifespan_histogram_axes_name_their_units():
    axes = lifespan_histogram(np.array([0.0, 3.0]), unit="month").axes[0]
    assert "months" in axes.get_xlabel() and "%" in axes.get_ylabel()


def test_lifespan_histogram_copes_with_only_one_time_buyers():
    axes = lifespan_histogram(np.zeros(4), unit="year").axes[0]
    assert sum(patch.get_height() for patch in axes.patches) == pytest.approx(1.0)


def test_lifespan_histogram_refuses_an_unknown_unit():
    with pytest.raises(InputError):
        lifespan_histogram(np.array([0.0, 3.0]), unit="fortnight")
