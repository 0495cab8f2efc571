"""Segmentation (chapter 6): RFM, equal-sized groups and how concentrated value is."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clv_course import segments
from clv_course.datasets import load
from clv_course.errors import InputError
from clv_course.plots.segments import concentration_plot, decile_plot


def _transactions() -> pd.DataFrame:
    """Two customers: A buys twice and returns the second order; B buys on the reference day."""
    return pd.DataFrame({
        "customer_id": ["A", "A", "A", "B", "B"],
        "date": pd.to_datetime(["2024-01-01", "2024-01-10", "2024-01-20", "2024-01-05",
                                "2024-01-31"]),
        "amount": [100.0, 50.0, -50.0, 20.0, 30.0],
        "gross_margin": [40.0, 20.0, -20.0, 8.0, 12.0],
        "is_refund": [False, False, True, False, False],
    })


@pytest.fixture(scope="module")
def shop_profit() -> pd.Series:
    return segments.value_per_customer(load("shop"), "gross_margin")


# ----------------------------------------------------------------------------- RFM

def test_recency_counts_days_since_the_last_order_with_zero_on_the_reference_day():
    rfm = segments.rfm_table(_transactions(), reference_date="2024-01-31")
    assert rfm.loc["A", "recency"] == 21 and rfm.loc["B", "recency"] == 0


def test_a_refund_neither_makes_a_customer_recent_nor_counts_as_an_order():
    rfm = segments.rfm_table(_transactions(), reference_date="2024-01-31")
    assert rfm.loc["A", "recency"] == (pd.Timestamp("2024-01-31") - pd.Timestamp("2024-01-10")).days
    assert rfm.loc["A", "frequency"] == 2


def test_monetary_is_the_total_net_of_refunds():
    rfm = segments.rfm_table(_transactions(), reference_date="2024-01-31")
    assert rfm.loc["A", "monetary"] == pytest.approx(100.0)


def test_rows_after_the_reference_date_are_ignored():
    rfm = segments.rfm_table(_transactions(), reference_date="2024-01-15")
    assert rfm.loc["A", "monetary"] == pytest.approx(150.0)
    assert rfm.loc["B", "frequency"] == 1 and rfm.loc["B", "recency"] == 10


def test_a_reference_date_before_every_order_is_a_clear_error():
    with pytest.raises(InputError, match="no orders"):
        segments.rfm_table(_transactions(), reference_date="2023-12-31")


def test_rfm_on_the_shop_has_one_row_per_customer_and_no_negative_recency():
    shop = load("shop")
    rfm = segments.rfm_table(shop, reference_date=shop["date"].max())
    assert len(rfm) == shop["customer_id"].nunique()
    assert rfm["recency"].min() == 0 and (rfm["frequency"] >= 1).all()


# ----------------------------------------------------------------------------- scores

def test_scores_make_equal_groups_even_when_most_values_tie():
    values = pd.Series([1] * 70 + [2] * 20 + [5] * 10)
    scores = segments.quantile_scores(values, 5)
    assert scores.value_counts().to_dict() == {1: 20, 2: 20, 3: 20, 4: 20, 5: 20}


def test_scores_keep_the_order_of_the_values():
    values = pd.Series(np.random.default_rng(1).normal(size=200))
    scores = segments.quantile_scores(values, 5)
    assert values[scores == 5].min() > values[scores == 4].max()


def test_recency_scores_are_reversed_so_the_most_recent_score_highest():
    scores = segments.quantile_scores(pd.Series([0, 10, 20, 30, 40]), 5, higher_is_better=False)
    assert scores.tolist() == [5, 4, 3, 2, 1]


def test_too_few_customers_for_the_groups_is_a_clear_error():
    with pytest.raises(InputError, match="at least 10"):
        segments.value_deciles(pd.Series([1.0, 2.0, 3.0]))


def test_deciles_run_from_1_to_10_with_10_for_the_most_valuable(shop_profit):
    deciles = segments.value_deciles(shop_profit)
    assert sorted(deciles.unique()) == list(range(1, 11))
    assert deciles[shop_profit.idxmax()] == 10 and deciles[shop_profit.idxmin()] == 1
    assert deciles.index.equals(shop_profit.index)


def test_tiers_are_the_top_fifth_the_next_three_tenths_and_the_bottom_half(shop_profit):
    counts = segments.clv_tiers(shop_profit).value_counts(normalize=True)
    assert counts.to_dict() == pytest.approx({"A": 0.2, "B": 0.3, "C": 0.5})


def test_segment_rules_are_tried_in_order():
    r = pd.Series([5, 3, 5, 1, 1, 2])
    f = pd.Series([5, 3, 1, 5, 1, 1])
    assert segments.rfm_segment(r, f).tolist() == ["champions", "loyal", "new", "at_risk", "lost",
                                                   "needs_attention"]


def test_every_segment_of_the_shop_has_a_suggested_action():
    shop = load("shop")
    scores = segments.rfm_scores(segments.rfm_table(shop, reference_date=shop["date"].max()))
    assert set(scores["segment"]) <= set(segments.segment_actions().index)
    assert scores[["r_score", "f_score", "m_score"]].isin(range(1, 6)).all().all()


# ----------------------------------------------------------------------------- concentration

def test_gini_is_zero_when_everyone_is_worth_the_same():
    assert segments.gini(np.full(50, 7.0)) == pytest.approx(0.0, abs=1e-12)


def test_gini_is_n_minus_one_over_n_when_one_customer_has_everything():
    assert segments.gini([0, 0, 0, 10.0]) == pytest.approx(3 / 4)


def test_gini_is_one_minus_twice_the_area_under_the_lorenz_curve():
    values = np.random.default_rng(3).lognormal(3, 1, 300)
    curve = segments.lorenz_curve(values)
    x, y = curve["customer_share"].to_numpy(), curve["value_share"].to_numpy()
    area = np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2)  # trapezoids (np.trapezoid needs numpy 2)
    assert segments.gini(values) == pytest.approx(1 - 2 * area)


def test_gini_does_not_depend_on_the_order_of_the_values():
    values = np.random.default_rng(4).gamma(0.8, 50, 100)
    assert segments.gini(values) == pytest.approx(segments.gini(values[::-1]))


def test_the_lorenz_curve_runs_from_origin_to_one_below_the_diagonal():
    curve = segments.lorenz_curve(np.random.default_rng(5).gamma(0.8, 50, 100))
    assert curve.iloc[0].tolist() == [0.0, 0.0] and curve.iloc[-1].tolist() == pytest.approx([1, 1])
    assert (curve["value_share"] <= curve["customer_share"] + 1e-12).all()


def test_the_concentration_curve_reads_the_top_share(shop_profit):
    curve = segments.concentration_curve(shop_profit)
    at_20 = curve.loc[np.isclose(curve["customer_share"], 0.2), "value_share"].item()
    assert at_20 == pytest.approx(segments.top_share(shop_profit, 0.2))


def test_top_share_of_equal_customers_is_their_share_of_customers():
    assert segments.top_share(np.ones(10), 0.2) == pytest.approx(0.2)


def test_top_share_takes_the_most_valuable_customers_rounded_down():
    assert segments.top_share([1, 2, 3, 4, 10.0], 0.5) == pytest.approx(14 / 20)


def test_top_share_of_the_shop_profit_is_well_above_twenty_percent(shop_profit):
    assert 0.4 < segments.top_share(shop_profit, 0.2) < 0.8


def test_shares_of_a_total_of_zero_are_refused():
    with pytest.raises(InputError, match="zero or less"):
        segments.gini([0.0, 0.0])


def test_a_share_of_customers_outside_zero_to_one_is_refused():
    with pytest.raises(InputError, match="at most 1"):
        segments.top_share([1.0, 2.0], 20)


# ----------------------------------------------------------------------------- plots

def test_the_concentration_plot_is_labelled_and_shows_the_diagonal(shop_profit):
    axes = concentration_plot(shop_profit).axes[0]
    assert axes.get_title() and axes.get_xlabel() and axes.get_ylabel()
    diagonal = [line for line in axes.get_lines() if list(line.get_xdata()) == [0, 1]]
    assert diagonal and list(diagonal[0].get_ydata()) == [0, 1]
    assert any("top 20" in text.get_text() for text in axes.texts)


def test_the_decile_plot_has_ten_labelled_bars(shop_profit):
    axes = decile_plot(shop_profit).axes[0]
    assert len(axes.patches) == 10
    assert axes.get_title() and axes.get_xlabel() and axes.get_ylabel()


def test_the_figures_say_what_they_measure_as_shares_without_a_currency(shop_profit):
    """A share of the total has no unit: the axes name the measure, not a currency."""
    for figure in (concentration_plot(shop_profit), decile_plot(shop_profit)):
        axes = figure.axes[0]
        assert "profit" in axes.get_title() and "profit" in axes.get_xlabel()
        assert axes.get_ylabel() == "Share of total profit (gross margin)"
    revenue = segments.value_per_customer(load("cdnow"), "amount")
    axes = decile_plot(revenue, measure="revenue").axes[0]
    assert axes.get_ylabel() == "Share of total revenue"


def test_the_concentration_plot_can_mark_both_readings_or_only_one(shop_profit):
    with_guide = concentration_plot(shop_profit, reach=0.8).axes[0]
    assert any("bring 80" in text.get_text() for text in with_guide.texts)
    without = concentration_plot(shop_profit, reach=None).axes[0]
    assert [text.get_text().startswith("top 20") for text in without.texts] == [True]


def test_an_unknown_measure_is_a_clear_error(shop_profit):
    with pytest.raises(InputError, match="measure"):
        concentration_plot(shop_profit, measure="value")
