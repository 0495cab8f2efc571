"""Sales channels compared and CLV from aggregates (clv_course.channels), with chapter 8's figures.

Small hand-made tables check each number; the course's shop checks the claims
the chapter makes about real data (margins, shared customers, estimates that
straddle the truth).
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from clv_course import channels
from clv_course.datasets import load
from clv_course.errors import InputError
from clv_course.plots import channels as channel_plots


def tiny() -> pd.DataFrame:
    """A: two own-shop orders (100, 50) in 2023 and 2024; B: a marketplace order (80) refunded
    and one own-shop order (40) in 2024; C: one marketplace order (60) in 2024."""
    rows = [
        ("O1", "A", "2023-03-01", "own_shop", 100.0, 42.0, False),
        ("O2", "A", "2024-03-01", "own_shop", 50.0, 21.0, False),
        ("O3", "B", "2024-04-01", "marketplace", 80.0, 21.6, False),
        ("O3", "B", "2024-04-10", "marketplace", -80.0, -21.6, True),
        ("O4", "B", "2024-05-01", "own_shop", 40.0, 16.8, False),
        ("O5", "C", "2024-06-01", "marketplace", 60.0, 16.2, False),
    ]
    frame = pd.DataFrame(rows, columns=["order_id", "customer_id", "date", "sales_channel",
                                        "amount", "gross_margin", "is_refund"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


@pytest.fixture(scope="module")
def shop() -> pd.DataFrame:
    return load("shop")


def test_comparison_nets_refunds_out_of_revenue_but_not_out_of_orders():
    table = channels.channel_comparison(tiny())
    # marketplace: revenue 80 - 80 + 60 = 60 over 2 orders; 1 refund in 2 orders
    assert table.loc["marketplace", "aov"] == pytest.approx(30.0)
    assert table.loc["marketplace", "refund_rate"] == pytest.approx(0.5)


def test_comparison_gives_margin_per_order_and_orders_per_customer():
    table = channels.channel_comparison(tiny())
    # own shop: margin 42 + 21 + 16.8 = 79.8 over 3 orders by 2 customers (A, B)
    assert table.loc["own_shop", "margin_per_order"] == pytest.approx(26.6)
    assert table.loc["own_shop", "orders_per_customer"] == pytest.approx(1.5)


def test_comparison_needs_the_sales_channel_column():
    with pytest.raises(InputError, match="sales_channel"):
        channels.channel_comparison(tiny().drop(columns="sales_channel"))


def test_shop_margin_rates_are_the_data_cards_rates(shop):
    rates = channels.channel_comparison(shop)["margin_rate"]
    assert rates["own_shop"] == pytest.approx(0.42, abs=1e-3)
    assert rates["marketplace"] == pytest.approx(0.27, abs=1e-3)


def test_shared_share_counts_marketplace_customers_also_in_the_own_shop():
    # marketplace customers B and C; only B also bought in the own shop
    assert channels.shared_customer_share(tiny()) == pytest.approx(0.5)
    # own-shop customers A and B; only B also bought on the marketplace
    assert channels.shared_customer_share(tiny(), of="own_shop", also="marketplace") == pytest.approx(0.5)


def test_an_unknown_channel_is_a_clear_error():
    with pytest.raises(InputError, match="webshop"):
        channels.shared_customer_share(tiny(), of="webshop")


def test_aggregate_report_counts_buyers_within_each_year():
    report = channels.aggregate_report(tiny(), channel="own_shop")
    assert report["buyers"].to_list() == [1, 2]  # 2023: A; 2024: A and B
    assert report["orders"].to_list() == [1, 2]
    assert report["revenue"].to_list() == pytest.approx([100.0, 90.0])


def test_buyers_from_repeat_share_subtracts_the_repeat_orders():
    assert channels.buyers_from_repeat_share(200, 0.35) == pytest.approx(130.0)


def test_a_repeat_share_of_one_is_refused():
    with pytest.raises(InputError, match="repeat share"):
        channels.buyers_from_repeat_share(200, 1.0)


def test_repeat_share_over_the_window_recovers_the_distinct_buyers_by_identity(shop):
    table = channels.channel_comparison(shop)
    orders = table.loc["own_shop", "orders"]
    share = channels.repeat_order_share(shop, channel="own_shop")
    assert channels.buyers_from_repeat_share(orders, share) == pytest.approx(
        table.loc["own_shop", "customers"])


def test_a_repeat_share_counted_within_each_year_gives_the_summed_yearly_buyers(shop):
    report = channels.aggregate_report(shop, channel="own_shop")
    yearly_share = 1 - report["buyers"].sum() / report["orders"].sum()
    buyers = channels.buyers_from_repeat_share(report["orders"].sum(), yearly_share)
    assert buyers == pytest.approx(report["buyers"].sum())
    assert buyers > 1.3 * channels.channel_comparison(shop).loc["own_shop", "customers"]


def test_clv_from_aggregates_is_revenue_per_buyer_times_margin_and_years():
    # 10,000 EUR from 200 orders by 80 buyers: 125 EUR per buyer, x 0.3 x 2 years = 75
    assert channels.clv_from_aggregates(10_000, 200, 80, 0.3, 2) == pytest.approx(75.0)


def test_clv_from_aggregates_refuses_more_buyers_than_orders():
    with pytest.raises(InputError, match="more buyers"):
        channels.clv_from_aggregates(1000, 10, 20, 0.3, 1)


def test_linked_clv_divides_the_channels_margin_by_its_distinct_customers():
    # own shop: 79.8 margin, customers A and B
    assert channels.linked_clv(tiny(), channel="own_shop") == pytest.approx(39.9)


def test_the_two_yearly_buyer_estimates_straddle_the_truth(shop):
    estimates = channels.aggregate_estimates(shop, channel="own_shop")
    assert estimates["summed_period_buyers"] < estimates["linked"] < estimates["average_period_buyers"]
    assert estimates["one_buyer_per_order"] < estimates["summed_period_buyers"]


def test_move_value_uses_the_margin_difference():
    # per order 60 x 0.42 - 60 x 0.27 = 9; 4 orders = 36; minus 10 = 26
    assert channels.move_value(60, 60, 4, 0.42, 0.27, 10) == pytest.approx(26.0)


def test_move_value_refuses_a_margin_given_as_percentage():
    with pytest.raises(InputError, match="shop_margin"):
        channels.move_value(60, 60, 4, 42, 0.27, 10)


def test_moving_a_shop_customer_pays_before_costs(shop):
    table = channels.channel_comparison(shop)
    market, own = table.loc["marketplace"], table.loc["own_shop"]
    gain = channels.move_value(own["aov"], market["aov"], 1, own["margin_rate"],
                               market["margin_rate"], 0)
    assert gain > 0 and not math.isnan(gain)


def test_the_channel_chart_is_labelled(shop):
    figure = channel_plots.channel_comparison(channels.channel_comparison(shop), currency="EUR")
    for axes in figure.axes:
        assert axes.get_title() and axes.get_xlabel() and axes.get_ylabel()
    assert "EUR" in figure.axes[0].get_ylabel()
    assert figure.get_suptitle()


def test_the_channel_chart_names_the_window_of_its_orders_per_customer(shop):
    figure = channel_plots.channel_comparison(channels.channel_comparison(shop), currency="EUR",
                                              window="2023-2025")
    assert "2023-2025" in figure.axes[1].get_ylabel()


def test_the_estimates_chart_shows_every_estimate(shop):
    estimates = channels.aggregate_estimates(shop, channel="own_shop")
    figure = channel_plots.aggregate_estimates(estimates, currency="EUR")
    axes = figure.axes[0]
    assert axes.get_title() and "EUR" in axes.get_xlabel()
    assert len(axes.patches) == len(estimates)
    names = [tick.get_text() for tick in axes.get_yticklabels()]
    assert not any("truth" in name.lower() for name in names + [axes.get_title()])
