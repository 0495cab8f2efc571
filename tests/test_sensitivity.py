"""Chapter 4's sensitivity analysis and figures: right changes, clear errors, labelled charts."""

from __future__ import annotations

import pytest

import clv_course as clv
from clv_course.errors import InputError
from clv_course.plots.sensitivity import convergence, tornado
from clv_course.sensitivity import component_clv, one_at_a_time

INPUTS = {"aov": 55.0, "frequency": 2.8, "margin": 0.38, "retention": 0.54, "discount_rate": 0.10}


@pytest.fixture(scope="module")
def shop_inputs():
    shop = clv.datasets.load("shop")
    return {"aov": clv.metrics.average_order_value(shop), "frequency": 2.8,
            "margin": shop["gross_margin"].sum() / shop["amount"].sum(),
            "retention": float(clv.metrics.retention_rate(shop, unit="year").mean()),
            "discount_rate": 0.10}


def test_component_clv_is_the_closed_form_of_the_margin_per_period():
    margin = 55.0 * 2.8 * 0.38
    assert component_clv(**INPUTS) == pytest.approx(margin * 1.10 / (1.10 - 0.54))


def test_one_at_a_time_has_one_row_per_input():
    assert sorted(one_at_a_time(INPUTS).index) == sorted(INPUTS)


def test_one_at_a_time_keeps_the_base_clv():
    assert one_at_a_time(INPUTS).attrs["base"] == pytest.approx(component_clv(**INPUTS))


def test_multiplicative_inputs_move_clv_by_exactly_the_change():
    table = one_at_a_time(INPUTS, change=0.2)
    base = table.attrs["base"]
    for name in ("aov", "frequency", "margin"):
        assert table.loc[name, "high"] == pytest.approx(base * 1.2)
        assert table.loc[name, "low"] == pytest.approx(base * 0.8)


def test_a_higher_discount_rate_lowers_clv():
    row = one_at_a_time(INPUTS).loc["discount_rate"]
    assert row["high_change"] < 0 < row["low_change"]


def test_retention_change_is_asymmetric_upwards():
    row = one_at_a_time(INPUTS).loc["retention"]
    assert row["high_change"] > -row["low_change"] > 0


def test_largest_swing_comes_first():
    swings = one_at_a_time({**INPUTS, "retention": 0.85}).loc[:, "swing"]
    assert swings.index[0] == "retention"
    assert list(swings) == sorted(swings, reverse=True)


def test_equal_swings_keep_the_order_given():
    assert list(one_at_a_time(INPUTS).index[:3]) == ["aov", "frequency", "margin"]


def test_discount_rate_moves_the_shop_clv_least(shop_inputs):
    assert one_at_a_time(shop_inputs).index[-1] == "discount_rate"


def test_one_at_a_time_accepts_another_model():
    table = one_at_a_time({"a": 2.0, "b": 3.0}, model=lambda a, b: a * b * b)
    assert table.loc["b", "high"] == pytest.approx(2.0 * 3.3 ** 2)
    assert table.index[0] == "b"


@pytest.mark.parametrize("change", [0, 1, -0.1, 1.5])
def test_change_outside_zero_and_one_is_refused(change):
    with pytest.raises(InputError, match="share between 0 and 1"):
        one_at_a_time(INPUTS, change=change)


def test_missing_input_is_named():
    with pytest.raises(InputError, match="retention"):
        one_at_a_time({k: v for k, v in INPUTS.items() if k != "retention"})


def test_unknown_input_is_named():
    with pytest.raises(InputError, match="churn"):
        one_at_a_time({**INPUTS, "churn": 0.2})


def test_retention_pushed_above_one_is_explained():
    with pytest.raises(InputError, match="Changing retention"):
        one_at_a_time({**INPUTS, "retention": 0.95}, change=0.1)


def test_infinite_clv_is_refused():
    with pytest.raises(InputError, match="infinite"):
        one_at_a_time({**INPUTS, "retention": 1.0, "discount_rate": 0.0}, change=0.1)


def test_convergence_is_labelled():
    axes = convergence(30, 0.8, 0.1, max_periods=10, currency="EUR", unit="year").axes[0]
    assert axes.get_title() and axes.get_xlabel() and axes.get_ylabel()


def test_convergence_line_ends_near_the_closed_form():
    axes = convergence(30, 0.8, 0.1, max_periods=60, currency="EUR", unit="year").axes[0]
    line, limit = axes.get_lines()
    assert line.get_ydata()[0] == pytest.approx(30)
    assert line.get_ydata()[-1] == pytest.approx(limit.get_ydata()[0], rel=1e-6)
    assert limit.get_ydata()[0] == pytest.approx(110)


def test_convergence_refuses_an_infinite_limit():
    with pytest.raises(InputError, match="infinite"):
        convergence(30, 1.0, 0.0, currency="EUR", unit="year")


def test_tornado_is_labelled_with_translated_input_names(shop_inputs):
    figure = tornado(one_at_a_time(shop_inputs), currency="EUR")
    axes = figure.axes[0]
    names = [tick.get_text() for tick in axes.get_yticklabels()]
    assert axes.get_title() and axes.get_xlabel()
    assert names[-1] == "Order value"  # ties keep the order given; aov is first
    assert "Discount rate" in names


def test_tornado_bars_start_at_the_base_clv():
    table = one_at_a_time(INPUTS)
    axes = tornado(table, currency="EUR").axes[0]
    assert [bar.get_x() for bar in axes.patches] == pytest.approx([table.attrs["base"]] * 10)


def test_tornado_refuses_another_table():
    with pytest.raises(InputError, match="one_at_a_time"):
        tornado(clv.datasets.load("shop_marketing"), currency="EUR")


def test_convergence_names_the_period_and_the_currency_on_its_axes():
    axes = convergence(5, 0.95, 0.008, max_periods=12, currency="EUR", unit="month").axes[0]
    assert axes.get_xlabel() == "Months summed (n)" and "EUR" in axes.get_ylabel()


def test_tornado_names_the_currency_and_a_churn_input():
    def churn_clv(aov, frequency, margin, churn, discount_rate):
        return component_clv(aov, frequency, margin, 1 - churn, discount_rate)

    inputs = {**{k: v for k, v in INPUTS.items() if k != "retention"}, "churn": 0.46}
    axes = tornado(one_at_a_time(inputs, model=churn_clv), currency="EUR").axes[0]
    assert "Churn rate" in [tick.get_text() for tick in axes.get_yticklabels()]
    assert "EUR" in axes.get_xlabel()
