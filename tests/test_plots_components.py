"""Chapter 2's figures: labelled, marking the right statistics, refusing empty input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import clv_course as clv
from clv_course.errors import InputError
from clv_course.plots.components import lifespan_histogram, order_value_histogram


@pytest.fixture(scope="module")
def shop_orders():
    shop = clv.datasets.load("shop")
    return shop.loc[~shop["is_refund"], "amount"]


def test_order_value_histogram_is_labelled(shop_orders):
    axes = order_value_histogram(shop_orders, currency="EUR").axes[0]
    assert axes.get_title() and axes.get_xlabel() and axes.get_ylabel()


def test_order_value_histogram_marks_mean_and_median_where_they_are(shop_orders):
    axes = order_value_histogram(shop_orders, currency="EUR").axes[0]
    marked = sorted(line.get_xdata()[0] for line in axes.get_lines())
    assert marked == pytest.approx(sorted([shop_orders.mean(), shop_orders.median()]))


def test_order_value_histogram_shows_the_mean_above_the_median_on_the_shop(shop_orders):
    axes = order_value_histogram(shop_orders, currency="EUR").axes[0]
    mean_line, median_line = axes.get_lines()
    assert mean_line.get_xdata()[0] > median_line.get_xdata()[0]


def test_order_value_histogram_legend_shows_money(shop_orders):
    axes = order_value_histogram(shop_orders, currency="EUR").axes[0]
    texts = [t.get_text() for t in axes.get_legend().get_texts()]
    assert all("€" in text for text in texts)


def test_order_value_histogram_counts_every_order(shop_orders):
    axes = order_value_histogram(shop_orders, currency="EUR").axes[0]
    assert sum(patch.get_height() for patch in axes.patches) == len(shop_orders)


def test_order_value_histogram_refuses_an_empty_series():
    with pytest.raises(InputError):
        order_value_histogram(pd.Series([], dtype=float), currency="EUR")


def test_lifespan_histogram_bars_add_up_to_all_customers():
    axes = lifespan_histogram(pd.Series([0.0, 0.0, 0.5, 1.0, 2.0]), unit="year").axes[0]
    assert sum(patch.get_height() for patch in axes.patches) == pytest.approx(1.0)


def test_lifespan_histogram_title_states_the_share_of_zero_lifespans():
    axes = lifespan_histogram(np.array([0.0, 0.0, 1.0, 2.0]), unit="year").axes[0]
    assert "50%" in axes.get_title()


def test_lifespan_histogram_axis_names_the_unit():
    axes = lifespan_histogram(np.array([0.0, 3.0]), unit="month").axes[0]
    assert "months" in axes.get_xlabel()


def test_lifespan_histogram_refuses_an_unknown_unit():
    with pytest.raises(InputError):
        lifespan_histogram(np.array([0.0, 3.0]), unit="fortnight")
