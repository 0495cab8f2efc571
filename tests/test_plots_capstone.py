"""Chapter 10's figure: revenue and profit CLV per group, labelled, sorted, refusing bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import clv_course as clv
from clv_course.errors import InputError
from clv_course.plots.capstone import clv_by_group, value_against_cac


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


@pytest.mark.parametrize("currency", ["EUR", "DKK"])
def test_the_y_axis_names_the_currency_it_was_given(countries, currency):
    axes = clv_by_group(*countries, currency=currency, by="country").axes[0]
    assert axes.get_ylabel() == f"Per active customer ({currency})"


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


# ------------------------------------------------------------ a new customer's value against CAC

@pytest.fixture(scope="module")
def curves():
    weeks = np.arange(261)
    values = pd.DataFrame({"search": 20 + 0.5 * weeks, "referral": 20 + 0.6 * weeks,
                           "marketplace": 15 + 0.3 * weeks}, index=weeks)
    return values, pd.Series({"search": 38.0, "referral": 15.0, "marketplace": 9.0})


def test_value_curves_name_their_axes_with_units(curves):
    axes = value_against_cac(*curves, currency="EUR", unit="week").axes[0]
    assert axes.get_xlabel() == "Weeks since the first purchase"
    assert "EUR" in axes.get_ylabel() and axes.get_title()


def _targets(axes):
    """The horizontal target lines: two points at one height, drawn broken (not solid)."""
    return [line for line in axes.get_lines() if line.get_linestyle() not in ("-", "None")
            and len(line.get_xdata()) == 2 and len(set(line.get_ydata())) == 1]


def test_one_solid_curve_and_one_target_line_per_channel(curves):
    values, cac = curves
    axes = value_against_cac(values, cac, currency="EUR").axes[0]
    solid = [line for line in axes.get_lines() if line.get_linestyle() == "-"]
    assert len(solid) == 3
    assert sorted(line.get_ydata()[0] for line in _targets(axes)) == pytest.approx(sorted(3 * cac))


def test_each_target_line_has_a_line_style_of_its_own(curves):
    axes = value_against_cac(*curves, currency="EUR").axes[0]
    styles = [line.get_linestyle() for line in _targets(axes)]
    assert len(styles) == 3 and len(set(styles)) == 3


def test_each_target_line_is_named_at_its_right_end_with_its_channel(curves):
    values, cac = curves
    axes = value_against_cac(values, cac, currency="EUR").axes[0]
    names = {t.get_text(): t for t in axes.texts if "CAC" in t.get_text()}
    assert set(names) == {f"3 x CAC: {channel}" for channel in cac.index}
    for channel, text in ((c, names[f"3 x CAC: {c}"]) for c in cac.index):
        x, y = text.xy
        assert x >= 1.0 and y == pytest.approx(3 * cac[channel], abs=0.1 * 3 * cac.max())
        target = next(line for line in _targets(axes)
                      if line.get_ydata()[0] == pytest.approx(3 * cac[channel]))
        assert text.get_color() == target.get_color()


def test_close_target_lines_get_labels_that_do_not_overlap(curves):
    values, _cac = curves
    cac = pd.Series({"search": 10.0, "referral": 10.2, "marketplace": 10.4})
    figure = value_against_cac(values, cac, currency="EUR")
    figure.canvas.draw()
    boxes = [t.get_window_extent() for t in figure.axes[0].texts if "CAC" in t.get_text()]
    assert len(boxes) == 3
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def test_each_value_curve_has_a_marker_of_its_own_shown_in_the_legend(curves):
    axes = value_against_cac(*curves, currency="EUR").axes[0]
    solid = [line for line in axes.get_lines() if line.get_linestyle() == "-"]
    markers = [line.get_marker() for line in solid]
    assert len(set(markers)) == 3 and "None" not in markers and "" not in markers
    assert [h.get_marker() for h in axes.get_legend().legend_handles] == markers


def test_the_legend_lists_only_the_channels_and_says_nothing_about_dashes(curves):
    values, cac = curves
    legend = value_against_cac(values, cac, currency="EUR").axes[0].get_legend()
    texts = [t.get_text() for t in legend.get_texts()]
    assert sorted(texts) == sorted(cac.index) and not any("dashed" in t for t in texts)


def test_each_curve_ends_with_its_ratio(curves):
    values, cac = curves
    texts = [t.get_text() for t in value_against_cac(values, cac, currency="EUR").axes[0].texts
             if t.get_text().endswith(" : 1")]
    assert len(texts) == 3 and f"{values['referral'].iloc[-1] / cac['referral']:.1f} : 1" in texts


def test_value_curves_and_cac_must_name_the_same_channels(curves):
    values, cac = curves
    with pytest.raises(InputError, match="same channels"):
        value_against_cac(values, cac.drop("search"), currency="EUR")


def test_value_curves_refuse_an_unknown_unit_and_a_bad_target(curves):
    with pytest.raises(InputError, match="unit"):
        value_against_cac(*curves, currency="EUR", unit="fortnight")
    with pytest.raises(InputError, match="positive"):
        value_against_cac(*curves, currency="EUR", target=0)
