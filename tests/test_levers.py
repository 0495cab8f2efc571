"""Chapter 7's what-if levers, their figures and the simulator's arithmetic."""

from __future__ import annotations

import pytest

from clv_course import datasets, levers
from clv_course.errors import InputError
from clv_course.metrics import discounted_clv_closed_form
from clv_course.plots.levers import clv_by_retention, lever_gains
from clv_course.widgets.levers import lever_simulator, simulator_results, simulator_text

BASE = levers.Baseline(margin_per_order=20.0, orders_per_year=3.0, retention=0.5,
                       discount_rate=0.1)
SETTINGS = dict(service_points=0.03, service_cost=2.0, personalisation_uplift=0.15,
                personalisation_share=0.3, personalisation_cost=4.0, loyalty_points=0.05,
                loyalty_share=0.4, loyalty_cost=5.0, upsell_uplift=0.05)


@pytest.fixture(scope="module")
def shop():
    return datasets.load("shop")


def test_margin_per_order_counts_refund_margin_but_not_refund_rows(shop):
    orders = (~shop["is_refund"]).sum()
    assert levers.margin_per_order(shop) == pytest.approx(shop["gross_margin"].sum() / orders)
    assert levers.margin_per_order(shop) < shop.loc[~shop["is_refund"], "gross_margin"].mean()


def test_a_customer_counts_once_per_calendar_year_with_an_order(shop):
    orders = shop[~shop["is_refund"]]
    pairs = {(c, d.year) for c, d in zip(orders["customer_id"], orders["date"])}
    assert levers.active_customer_years(shop) == len(pairs)


def test_the_shop_baseline_has_a_plausible_yearly_margin_and_retention(shop):
    baseline = levers.shop_baseline(shop)
    assert 0.3 < baseline.retention < 0.8
    assert baseline.yearly_margin == pytest.approx(shop["gross_margin"].sum()
                                                   / levers.active_customer_years(shop))


def test_baseline_clv_is_the_discounted_closed_form():
    assert BASE.clv == pytest.approx(60.0 * 1.1 / 0.6)


def test_a_retention_gain_raises_retention_not_churn():
    assert levers.clv_after_retention_gain(60, 0.5, 0.1, 0.05) == pytest.approx(60 * 1.1 / 0.55)


def test_a_retention_gain_that_reaches_full_retention_is_an_input_error():
    with pytest.raises(InputError):
        levers.clv_after_retention_gain(60, 0.96, 0.1, 0.05)


def test_the_loyalty_cost_comes_off_every_year_of_margin():
    expected = discounted_clv_closed_form(55, 0.55, 0.1) - discounted_clv_closed_form(60, 0.5, 0.1)
    assert levers.loyalty_net_gain(60, 0.5, 0.1, 0.05, 5) == pytest.approx(expected)


def test_at_the_break_even_cost_the_loyalty_programme_gains_nothing():
    cost = levers.loyalty_break_even_cost(60, 0.5, 0.1, 0.05)
    assert levers.loyalty_net_gain(60, 0.5, 0.1, 0.05, cost) == pytest.approx(0, abs=1e-9)
    assert levers.loyalty_net_gain(60, 0.5, 0.1, 0.05, cost + 1) < 0


def test_five_points_of_retention_are_a_larger_push_than_five_percent_more_margin():
    retention = levers.service_lever(BASE, 0.05)
    upsell = levers.upsell_lever(BASE, 0.05)
    assert upsell.net_gain / upsell.clv_before == pytest.approx(0.05)
    assert retention.net_gain > upsell.net_gain


@pytest.mark.parametrize("retention, retention_wins", [(0.5, False), (0.6, True)])
def test_like_for_like_retention_wins_only_above_half_of_one_plus_d(retention, retention_wins):
    """A small relative push: retention's elasticity r / (1 + d - r) exceeds 1 iff r > (1 + d) / 2."""
    base = levers.Baseline(20.0, 3.0, retention, 0.1)
    push = 0.001
    by_retention = levers.service_lever(base, push * retention).net_gain
    by_margin = levers.upsell_lever(base, push).net_gain
    assert (by_retention > by_margin) is retention_wins


def test_upselling_with_a_cost_breaks_even_at_its_extra_yearly_margin():
    break_even = 0.05 * BASE.yearly_margin
    assert levers.upsell_lever(BASE, 0.05, cost_per_year=break_even).net_gain == pytest.approx(0)
    assert levers.upsell_lever(BASE, 0.05, cost_per_year=1.0).net_gain < \
        levers.upsell_lever(BASE, 0.05).net_gain


def test_net_gain_is_gross_gain_minus_the_cost():
    result = levers.service_lever(BASE, 0.03, cost_per_year=2.0)
    assert result.cost == pytest.approx(discounted_clv_closed_form(2.0, 0.53, 0.1))
    assert result.net_gain == pytest.approx(result.gross_gain - result.cost)


def test_a_lever_whose_cost_exceeds_its_gain_does_not_pay():
    result = levers.loyalty_lever(BASE, 0.01, share=1.0, cost_per_year=20.0)
    assert result.net_gain < 0 and not result.pays


def test_a_targeted_lever_scales_with_the_share_targeted():
    everyone = levers.personalisation_lever(BASE, 0.2, share=1.0, cost_per_year=3.0)
    some = levers.personalisation_lever(BASE, 0.2, share=0.25, cost_per_year=3.0)
    assert some.net_gain == pytest.approx(0.25 * everyone.net_gain)


def test_a_share_above_one_is_an_input_error():
    with pytest.raises(InputError):
        levers.personalisation_lever(BASE, 0.2, share=1.5, cost_per_year=3.0)


def test_a_negative_cost_is_an_input_error():
    with pytest.raises(InputError):
        levers.service_lever(BASE, 0.02, cost_per_year=-1.0)


def test_the_comparison_table_has_one_row_per_lever():
    table = levers.compare_levers(simulator_results(BASE, **SETTINGS))
    assert list(table.index) == ["Better service", "Personalisation", "Loyalty programme",
                                 "Upselling and cross-selling"]
    assert list(table["net_gain"]) == pytest.approx(list(table["gross_gain"] - table["cost"]))


def test_the_lever_chart_is_labelled_with_whole_money_ticks():
    figure = lever_gains(levers.compare_levers(simulator_results(BASE, **SETTINGS)), currency="EUR")
    axes = figure.axes[0]
    assert axes.get_title() and axes.get_xlabel() and "EUR" in axes.get_ylabel()
    figure.canvas.draw()
    assert any("€" in tick.get_text() for tick in axes.get_yticklabels())
    assert all(float(tick) == int(tick) for tick in axes.get_yticks())  # no 2.5 shown as 3


def test_every_bar_of_the_lever_chart_is_labelled_with_its_amount():
    """The docstring's promise: pale (gross) and dark (net) bars both carry their amount."""
    table = levers.compare_levers(simulator_results(BASE, **SETTINGS))
    axes = lever_gains(table, currency="EUR").axes[0]
    texts = [text.get_text() for text in axes.texts]
    assert len(texts) == 2 * len(table) and all("€" in text for text in texts)


def test_the_retention_curve_is_labelled_and_marks_the_shop_and_the_like_for_like_line():
    axes = clv_by_retention(BASE, currency="EUR").axes[0]
    assert axes.get_title() and axes.get_xlabel() and "EUR" in axes.get_ylabel()
    assert axes.get_legend() is not None
    assert [line.get_xdata()[0] for line in axes.get_lines()[1:]] == [pytest.approx(0.55)]


def test_the_simulator_text_shows_each_lever_and_the_baseline_as_money():
    text = simulator_text(BASE, currency="EUR", **SETTINGS)
    assert "€110.00" in text
    for name in levers.LEVER_NAMES.values():
        assert name in text


def test_moving_a_slider_updates_the_simulator_result():
    box = lever_simulator(BASE, currency="EUR")
    before = box.children[-1].value
    box.sliders["service_cost"].value = 25.0  # service cost per customer per year
    assert box.children[-1].value != before
    assert "does not pay" in box.children[-1].value


def test_points_sliders_read_as_points_and_rates_as_percentages():
    """A retention gain of 0.03 is three points, not "3%" (a relative change)."""
    box = lever_simulator(BASE, currency="EUR")
    readouts = {name: slider.readout for name, slider in box.sliders.items()}
    assert readouts["service_points"] == "3 points" and readouts["loyalty_points"] == "5 points"
    assert readouts["personalisation_uplift"] == "15%" and readouts["loyalty_share"] == "40%"
    assert readouts["service_cost"] == "€2.00" and readouts["upsell_cost"] == "€1.00"
    box.sliders["service_points"].value = 0.04
    assert box.children[0].readout == "4 points"


def test_a_targeted_simulator_computes_personalisation_on_the_targeted_customers():
    targeted = levers.Baseline(margin_per_order=20.0, orders_per_year=5.0, retention=0.8)
    on_targeted = simulator_results(BASE, targeted=targeted, **SETTINGS)[1]
    on_average = simulator_results(BASE, **SETTINGS)[1]
    per_targeted = levers.personalisation_lever(targeted, 0.15, 1.0, 4.0)
    assert on_targeted.clv_before == pytest.approx(BASE.clv)
    assert on_targeted.net_gain == pytest.approx(0.3 * per_targeted.net_gain)
    assert on_targeted.net_gain > on_average.net_gain
    box = lever_simulator(BASE, currency="EUR", targeted=targeted)
    assert "personalisation_share" not in box.sliders


def test_every_column_of_the_simulators_table_has_a_header():
    import re
    text = simulator_text(BASE, currency="EUR", **SETTINGS)
    assert not re.search(r"<th\b[^>]*>\s*</th>", text) and "Pays off?" in text


def test_each_row_of_the_simulators_table_is_headed_by_its_lever():
    import re
    text = simulator_text(BASE, currency="EUR", **SETTINGS)
    assert re.findall(r'<th scope="row">([^<]+)</th>', text) == list(levers.LEVER_NAMES.values())
