"""Chapter 10's figure: revenue and profit CLV per group, labelled, sorted, refusing bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import clv_course as clv
from clv_course.errors import InputError
from clv_course.plots.capstone import clv_by_group


@pytest.fixture(scope="module")
def countries():
    """Revenue and profit per customer of each country of the course's shop."""
    shop = clv.datasets.load("shop")
    by_country = shop.groupby("country")
    customers = by_country["customer_id"].nunique()
    return by_country["amount"].sum() / customers, by_country["gross_margin"].sum() / customers


def test_the_figure_has_a_title_and_both_axis_labels(countries):
    axes = clv_by_group(*countries, currency="EUR", by="country").axes[0]
    assert axes.get_title() and axes.get_xlabel() == "Country" and axes.get_ylabel()


def test_an_unknown_grouping_column_names_the_axis_as_it_is(countries):
    axes = clv_by_group(*countries, currency="EUR", by="region").axes[0]
    assert axes.get_xlabel() == "region"


def test_one_revenue_and_one_profit_bar_per_group(countries):
    revenue, profit = countries
    axes = clv_by_group(revenue, profit, currency="EUR", by="country").axes[0]
    order = profit.sort_values(ascending=False).index
    heights = [patch.get_height() for patch in axes.patches]
    assert heights == pytest.approx(list(revenue.reindex(order)) + list(profit.reindex(order)))


def test_groups_are_sorted_by_profit_largest_first(countries):
    revenue, profit = countries
    axes = clv_by_group(revenue, profit, currency="EUR", by="country").axes[0]
    labels = [tick.get_text() for tick in axes.get_xticklabels()]
    assert labels == list(profit.sort_values(ascending=False).index)


def test_each_revenue_bar_belongs_to_its_own_group(countries):
    revenue, profit = countries
    axes = clv_by_group(revenue.iloc[::-1], profit, currency="EUR", by="country").axes[0]
    order = profit.sort_values(ascending=False).index
    revenue_heights = [patch.get_height() for patch in axes.patches][:len(order)]
    assert revenue_heights == pytest.approx(list(revenue.reindex(order)))


def test_every_bar_is_labelled_with_money(countries):
    axes = clv_by_group(*countries, currency="EUR", by="country").axes[0]
    assert len(axes.texts) == 2 * len(countries[1])
    assert all("€" in text.get_text() for text in axes.texts)


def test_groups_that_do_not_match_are_refused(countries):
    revenue, profit = countries
    with pytest.raises(InputError, match="same groups"):
        clv_by_group(revenue.drop(revenue.index[0]), profit, currency="EUR", by="country")


def test_a_number_instead_of_a_series_is_refused(countries):
    with pytest.raises(InputError, match="pandas Series"):
        clv_by_group(100.0, countries[1], currency="EUR", by="country")


def test_an_infinite_value_is_refused(countries):
    revenue, profit = countries
    broken = profit.copy()
    broken.iloc[0] = np.inf
    with pytest.raises(InputError, match="infinite"):
        clv_by_group(revenue, broken, currency="EUR", by="country")


def test_an_empty_series_is_refused():
    with pytest.raises(InputError, match="pandas Series"):
        clv_by_group(pd.Series(dtype=float), pd.Series(dtype=float), currency="EUR",
                     by="country")
