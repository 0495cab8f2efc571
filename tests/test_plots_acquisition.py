"""Chapter 5's figures: labelled, drawing the right bars and lines, refusing bad input."""

from __future__ import annotations

import pandas as pd
import pytest

import clv_course as clv
from clv_course.errors import InputError
from clv_course.plots.acquisition import clv_and_cac, clv_cac_ratio_chart, payback_curve


@pytest.fixture(scope="module")
def channels():
    """Profit CLV and CAC per channel of the course's shop."""
    shop = clv.datasets.load("shop")
    by_channel = shop.groupby("acquisition_channel")
    profit = by_channel["gross_margin"].sum() / by_channel["customer_id"].nunique()
    cac = clv.metrics.acquisition_cost_by_channel(clv.datasets.load("shop_marketing"),
                                                  clv.datasets.load("shop_customers"))["cac"]
    return profit, cac


def _labelled(figure):
    axes = figure.axes[0]
    return bool(axes.get_title() and axes.get_xlabel() and axes.get_ylabel())


def test_clv_and_cac_is_labelled(channels):
    assert _labelled(clv_and_cac(*channels, currency="EUR"))


def test_clv_and_cac_draws_one_clv_and_one_cac_bar_per_channel(channels):
    profit, cac = channels
    axes = clv_and_cac(profit, cac, currency="EUR").axes[0]
    heights = [patch.get_height() for patch in axes.patches]
    assert heights == pytest.approx(list(profit) + list(cac.reindex(profit.index)))


def test_clv_and_cac_pairs_each_cac_with_its_own_channel(channels):
    profit, cac = channels
    shuffled = cac.iloc[::-1]
    axes = clv_and_cac(profit, shuffled, currency="EUR").axes[0]
    cac_heights = [patch.get_height() for patch in axes.patches][len(profit):]
    assert cac_heights == pytest.approx(list(cac.reindex(profit.index)))


def test_clv_and_cac_labels_bars_with_money(channels):
    axes = clv_and_cac(*channels, currency="EUR").axes[0]
    assert all("€" in text.get_text() for text in axes.texts)


def test_clv_and_cac_refuses_channels_that_do_not_match(channels):
    profit, cac = channels
    with pytest.raises(InputError):
        clv_and_cac(profit, cac.drop(cac.index[0]), currency="EUR")


def test_clv_and_cac_refuses_a_number_instead_of_a_series(channels):
    with pytest.raises(InputError):
        clv_and_cac(100.0, channels[1], currency="EUR")


def test_ratio_chart_is_labelled():
    assert _labelled(clv_cac_ratio_chart(pd.Series({"search": 2.9, "referral": 9.0})))


def test_ratio_chart_draws_the_target_line_where_asked():
    axes = clv_cac_ratio_chart(pd.Series({"search": 2.9, "referral": 9.0}), target=4).axes[0]
    (line,) = axes.get_lines()
    assert list(line.get_ydata()) == [4, 4]


def test_ratio_chart_colours_channels_below_the_target_differently():
    axes = clv_cac_ratio_chart(pd.Series({"search": 2.9, "social": 3.6, "referral": 9.0})).axes[0]
    below, above, far_above = (patch.get_facecolor() for patch in axes.patches)
    assert below != above and above == far_above


def test_ratio_chart_writes_each_ratio_as_so_many_to_one():
    axes = clv_cac_ratio_chart(pd.Series({"search": 2.94})).axes[0]
    assert [text.get_text() for text in axes.texts] == ["2.9 : 1"]


def test_ratio_chart_refuses_a_target_of_zero():
    with pytest.raises(InputError):
        clv_cac_ratio_chart(pd.Series({"search": 2.9}), target=0)


def test_payback_curve_is_labelled():
    assert _labelled(payback_curve(100, 30, currency="EUR"))


def test_payback_curve_marks_the_payback_month_as_metrics_counts_it():
    figure = payback_curve(38, 6, retention=0.9, periods=24, currency="EUR")
    paid_bars = figure.axes[0].containers[1]
    first_paid = min(patch.get_x() + patch.get_width() / 2 for patch in paid_bars)
    assert first_paid == pytest.approx(clv.metrics.payback_period(38, 6, retention=0.9))


def test_payback_curve_accumulates_the_expected_margin():
    figure = payback_curve(100, 30, retention=0.5, periods=3, currency="EUR")
    heights = sorted(patch.get_height() for patch in figure.axes[0].patches)
    assert heights == pytest.approx([30, 45, 52.5])


def test_payback_curve_shows_no_paid_bar_when_the_customer_never_pays_back():
    figure = payback_curve(38, 6, retention=0.8, periods=36, currency="EUR")
    assert len(figure.axes[0].containers[1]) == 0


def test_payback_curve_names_the_time_unit_on_its_axis():
    assert "Weeks" in payback_curve(10, 3, currency="EUR", unit="week").axes[0].get_xlabel()


def test_payback_curve_refuses_a_retention_above_one():
    with pytest.raises(InputError):
        payback_curve(100, 30, retention=1.2, currency="EUR")


def test_payback_curve_axis_counts_periods_of_margin_not_time_since_acquisition():
    """Bar 1 is the margin received at acquisition: the axis must not call it "1 month after"."""
    axes = payback_curve(100, 30, currency="EUR").axes[0]
    assert "Months of margin received" in axes.get_xlabel()
    assert "since acquisition" not in axes.get_xlabel()
    first_bar = min(patch.get_x() + patch.get_width() / 2 for patch in axes.patches)
    assert first_bar == 1


def test_payback_curve_ticks_whole_periods_and_names_the_currency():
    axes = payback_curve(38, 6, retention=0.9, periods=24, currency="DKK").axes[0]
    ticks = [tick for tick in axes.get_xticks() if 0 <= tick <= 24]
    assert all(float(tick).is_integer() for tick in ticks)
    assert "DKK" in axes.get_ylabel()


def test_clv_and_cac_names_the_currency_on_its_axis(channels):
    assert "EUR" in clv_and_cac(*channels, currency="EUR").axes[0].get_ylabel()


def test_the_ratio_chart_names_what_stands_in_for_clv():
    ratio = pd.Series({"search": 2.9, "referral": 9.0})
    assert clv_cac_ratio_chart(ratio).axes[0].get_ylabel() == "Profit CLV / CAC"
    named = clv_cac_ratio_chart(ratio, value_name="Gross profit so far per customer")
    assert named.axes[0].get_ylabel() == "Gross profit so far per customer / CAC"


def test_the_clv_and_cac_legend_says_the_bars_are_profit_so_far(channels):
    legend = clv_and_cac(*channels, currency="EUR").axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [
        "Gross profit so far (stand-in for profit CLV)", "CAC"]
