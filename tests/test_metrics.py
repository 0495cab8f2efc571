"""Hand-computed examples for the CLV components in clv_course.metrics.

Each test builds a tiny table, works the expected number out by hand in a
comment, and checks one behaviour. customer_summary, cohort_table and
retention_matrix are tested elsewhere.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import clv_course.i18n
from clv_course import metrics
from clv_course.errors import CourseError, InputError


@pytest.fixture(autouse=True)
def english_messages(monkeypatch):
    """Error messages are asserted in English, whatever $CLV_COURSE_LANG says."""
    monkeypatch.setattr(clv_course.i18n, "_current_language", "en")


def transactions(rows, *, refunds: bool = False) -> pd.DataFrame:
    """A tidy transaction table from (customer_id, date, amount[, is_refund]) tuples."""
    columns = ["customer_id", "date", "amount"] + (["is_refund"] if refunds else [])
    frame = pd.DataFrame(rows, columns=columns)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


# A buys 10 and 30, B buys 50.
ORDERS = transactions([
    ("A", "2024-01-01", 10.0),
    ("A", "2024-01-05", 30.0),
    ("B", "2024-01-08", 50.0),
])

# The same orders, plus a refund of 10 to A (refund rows carry negative amounts).
ORDERS_WITH_REFUND = transactions([
    ("A", "2024-01-01", 10.0, False),
    ("A", "2024-01-05", 30.0, False),
    ("A", "2024-01-06", -10.0, True),
    ("B", "2024-01-08", 50.0, False),
], refunds=True)

# A orders on Jan 1, 5 and 14; B on Jan 8. First to last date: 14 days = 2 weeks.
FOUR_ORDERS = transactions([
    ("A", "2024-01-01", 10.0),
    ("A", "2024-01-05", 10.0),
    ("A", "2024-01-14", 10.0),
    ("B", "2024-01-08", 10.0),
])


# ------------------------------------------------------------------ average_order_value

def test_average_order_value_is_revenue_per_order():
    # (10 + 30 + 50) / 3 orders = 30
    assert metrics.average_order_value(ORDERS) == pytest.approx(30.0)


def test_average_order_value_per_customer_is_each_customers_revenue_per_order():
    # A: (10 + 30) / 2 = 20; B: 50 / 1 = 50
    result = metrics.average_order_value(ORDERS, per_customer=True)
    assert result.to_dict() == pytest.approx({"A": 20.0, "B": 50.0})
    assert result.name == "average_order_value"


def test_average_order_value_net_of_refunds_subtracts_refunds_but_does_not_count_them_as_orders():
    # (10 + 30 - 10 + 50) / 3 orders = 80 / 3
    assert metrics.average_order_value(ORDERS_WITH_REFUND) == pytest.approx(80 / 3)


def test_average_order_value_gross_ignores_refund_rows():
    # net_of_refunds=False: (10 + 30 + 50) / 3 orders = 30 (not 80/4 or 90/4)
    result = metrics.average_order_value(ORDERS_WITH_REFUND, net_of_refunds=False)
    assert result == pytest.approx(30.0)


def test_average_order_value_per_customer_net_of_refunds():
    # A: (10 + 30 - 10) / 2 orders = 15; B: 50 / 1 = 50
    result = metrics.average_order_value(ORDERS_WITH_REFUND, per_customer=True)
    assert result.to_dict() == pytest.approx({"A": 15.0, "B": 50.0})


def test_average_order_value_per_customer_gross_of_refunds():
    # A: (10 + 30) / 2 orders = 20; B: 50 / 1 = 50
    result = metrics.average_order_value(ORDERS_WITH_REFUND, per_customer=True,
                                         net_of_refunds=False)
    assert result.to_dict() == pytest.approx({"A": 20.0, "B": 50.0})


# ------------------------------------------------------------------- purchase_frequency

def test_purchase_frequency_is_orders_per_customer_per_unit():
    # 4 orders / 2 customers / (14 days = 2 weeks) = 1 order per customer per week
    assert metrics.purchase_frequency(FOUR_ORDERS, unit="week") == pytest.approx(1.0)


def test_purchase_frequency_per_day():
    # 4 orders / 2 customers / 14 days = 1/7 per day
    assert metrics.purchase_frequency(FOUR_ORDERS, unit="day") == pytest.approx(1 / 7)


def test_purchase_frequency_per_year_is_twelve_times_per_month():
    # per year: 2 / (14 / 365.25) = 52.18...; per month: 2 / (14 / 30.4375) = 4.348...
    per_year = metrics.purchase_frequency(FOUR_ORDERS, unit="year")
    per_month = metrics.purchase_frequency(FOUR_ORDERS, unit="month")
    assert per_year == pytest.approx(2 * 365.25 / 14)
    assert per_month == pytest.approx(2 * (365.25 / 12) / 14)
    assert per_year == pytest.approx(12 * per_month)


def test_purchase_frequency_per_customer():
    # A: 3 orders / 2 weeks = 1.5; B: 1 order / 2 weeks = 0.5
    result = metrics.purchase_frequency(FOUR_ORDERS, unit="week", per_customer=True)
    assert result.to_dict() == pytest.approx({"A": 1.5, "B": 0.5})
    assert result.name == "purchase_frequency"


def test_purchase_frequency_does_not_count_refunds_as_orders():
    # 3 orders (the refund is not one) / 2 customers / (8 days = 8/7 weeks) = 1.3125
    assert metrics.purchase_frequency(ORDERS_WITH_REFUND, unit="week") == pytest.approx(
        3 / 2 / (8 / 7))


def test_purchase_frequency_window_can_end_after_the_last_order():
    # Jan 1 .. Jan 28 = 28 days = 4 weeks: 4 orders / 2 customers / 4 weeks = 0.5
    result = metrics.purchase_frequency(FOUR_ORDERS, unit="week", end="2024-01-28")
    assert result == pytest.approx(0.5)


def test_purchase_frequency_window_can_start_before_the_first_order():
    # Dec 25 .. Jan 14 = 21 days = 3 weeks: 4 orders / 2 customers / 3 weeks = 2/3
    result = metrics.purchase_frequency(FOUR_ORDERS, unit="week", start="2023-12-25")
    assert result == pytest.approx(2 / 3)


def test_purchase_frequency_counts_only_orders_inside_the_window():
    # Jan 1 .. Jan 10 = 10 days = 10/7 weeks; inside it A ordered on Jan 1 and 5, B on Jan 8
    # (A's order of Jan 14 is after the window): 3 orders / 2 customers / (10/7) = 1.05
    result = metrics.purchase_frequency(FOUR_ORDERS, unit="week", end="2024-01-10")
    assert result == pytest.approx(1.05)


# -------------------------------------------------------------------- customer_lifespan

def test_customer_lifespan_is_time_from_first_to_last_order():
    # A: Jan 1 .. Jan 14 = 13 days; B: one order = 0 days
    result = metrics.customer_lifespan(FOUR_ORDERS, unit="day", per_customer=True)
    assert result.to_dict() == pytest.approx({"A": 13.0, "B": 0.0})


def test_customer_lifespan_is_the_mean_over_customers_in_the_unit():
    # (13 + 0) / 2 = 6.5 days = 6.5 / 7 weeks
    result = metrics.customer_lifespan(FOUR_ORDERS, unit="week")
    assert result == pytest.approx(6.5 / 7)


def test_customer_lifespan_in_months_uses_the_average_month():
    # A: 13 days / (365.25 / 12) days per month
    result = metrics.customer_lifespan(FOUR_ORDERS, unit="month", per_customer=True)
    assert result["A"] == pytest.approx(13 / 30.4375)


def test_customer_lifespan_ignores_refund_rows():
    # A's orders: Jan 1 and Jan 5 = 4 days (the refund on Jan 6 is not an order)
    result = metrics.customer_lifespan(ORDERS_WITH_REFUND, unit="day", per_customer=True)
    assert result["A"] == pytest.approx(4.0)


# ------------------------------------------------------------------- retention and churn

# January: A (twice), B, C; February: A, B, D; March: D.
MONTHLY = transactions([
    ("A", "2024-01-03", 10.0),
    ("A", "2024-01-20", 10.0),
    ("B", "2024-01-10", 10.0),
    ("C", "2024-01-15", 10.0),
    ("A", "2024-02-02", 10.0),
    ("B", "2024-02-28", 10.0),
    ("D", "2024-02-14", 10.0),
    ("D", "2024-03-01", 10.0),
])


def test_retention_rate_is_share_of_last_periods_customers_who_order_again():
    # Feb: {A,B,C} & {A,B,D} = {A,B} -> 2/3; Mar: {A,B,D} & {D} = {D} -> 1/3
    result = metrics.retention_rate(MONTHLY, unit="month")
    assert list(result.index) == [pd.Period("2024-02", "M"), pd.Period("2024-03", "M")]
    assert result.to_list() == pytest.approx([2 / 3, 1 / 3])
    assert result.name == "retention_rate"


def test_retention_rate_after_a_period_without_customers_is_nan():
    # Jan {A}, Feb {}, Mar {A}: Feb = 0/1 = 0; Mar has no February customers -> NaN
    data = transactions([("A", "2024-01-05", 1.0), ("A", "2024-03-05", 1.0)])
    result = metrics.retention_rate(data, unit="month")
    assert result.iloc[0] == 0.0
    assert math.isnan(result.iloc[1])


def test_retention_rate_does_not_count_a_refund_as_activity():
    # Jan {A, B}; in Feb A orders and B only gets a refund -> Feb = 1/2
    data = transactions([
        ("A", "2024-01-05", 10.0, False),
        ("B", "2024-01-06", 10.0, False),
        ("A", "2024-02-05", 10.0, False),
        ("B", "2024-02-06", -10.0, True),
    ], refunds=True)
    assert metrics.retention_rate(data, unit="month").to_list() == pytest.approx([0.5])


def test_retention_rate_by_year_uses_calendar_years():
    # 2023 {A, B}; 2024 {A} -> 1/2 (Dec 31 and Jan 1 are in different years)
    data = transactions([
        ("A", "2023-12-31", 1.0), ("B", "2023-06-01", 1.0), ("A", "2024-01-01", 1.0),
    ])
    result = metrics.retention_rate(data, unit="year")
    assert result.to_list() == pytest.approx([0.5])


def test_churn_rate_is_one_minus_retention():
    # Feb: 1 - 2/3 = 1/3; Mar: 1 - 1/3 = 2/3
    result = metrics.churn_rate(MONTHLY, unit="month")
    assert result.to_list() == pytest.approx([1 / 3, 2 / 3])
    assert result.name == "churn_rate"


def test_expected_lifetime_is_one_over_churn():
    # 20 % churn per month -> 1 / 0.2 = 5 months
    assert metrics.expected_lifetime(0.2) == pytest.approx(5.0)


def test_expected_lifetime_with_no_churn_is_infinite():
    assert metrics.expected_lifetime(0.0) == math.inf


def test_expected_lifetime_works_elementwise_on_arrays():
    # 1 / [0.5, 0.25, 1] = [2, 4, 1]
    result = metrics.expected_lifetime(np.array([0.5, 0.25, 1.0]))
    np.testing.assert_allclose(result, [2.0, 4.0, 1.0])


# ------------------------------------------------------------------------ CLV formulas

def test_historic_clv_is_aov_times_frequency_times_lifespan():
    # 50 per order x 4 orders per year x 3 years = 600
    assert metrics.historic_clv(50.0, 4.0, 3.0) == pytest.approx(600.0)


def test_margin_clv_is_historic_clv_times_margin():
    # 50 x 4 x 3 = 600 revenue; 30 % margin -> 180
    assert metrics.margin_clv(50.0, 4.0, 3.0, 0.3) == pytest.approx(180.0)


def test_discounted_clv_sums_discounted_retained_margins():
    # 100 * (1 + 0.8/1.1 + 0.8**2/1.1**2) = 100 + 72.727... + 52.892... = 225.619...
    result = metrics.discounted_clv(100.0, 0.8, 0.1, periods=3)
    assert result == pytest.approx(100 * (1 + 0.8 / 1.1 + 0.64 / 1.21))
    assert result == pytest.approx(225.6198, abs=1e-4)


def test_discounted_clv_of_one_period_is_the_margin_earned_now():
    # t = 0 only: 100 * (0.8/1.1)**0 = 100
    assert metrics.discounted_clv(100.0, 0.8, 0.1, periods=1) == pytest.approx(100.0)


def test_discounted_clv_of_zero_periods_is_zero():
    assert metrics.discounted_clv(100.0, 0.8, 0.1, periods=0) == 0.0


def test_discounted_clv_without_discount_and_full_retention_is_margin_times_periods():
    # 100 x (1 + 1 + 1 + 1 + 1) = 500
    assert metrics.discounted_clv(100.0, 1.0, 0.0, periods=5) == pytest.approx(500.0)


def test_discounted_clv_works_elementwise_on_retention_arrays():
    # periods=2: 100 * (1 + r/1.0) for r = 0.5, 0.9 -> 150, 190
    result = metrics.discounted_clv(100.0, np.array([0.5, 0.9]), 0.0, periods=2)
    np.testing.assert_allclose(result, [150.0, 190.0])


def test_discounted_clv_closed_form_is_m_times_one_plus_d_over_one_plus_d_minus_r():
    # 100 * 1.1 / (1.1 - 0.8) = 110 / 0.3 = 366.67
    result = metrics.discounted_clv_closed_form(100.0, 0.8, 0.1)
    assert result == pytest.approx(110 / 0.3)


def test_discounted_clv_closed_form_without_retention_is_the_margin():
    # r = 0: 100 * 1.1 / 1.1 = 100
    assert metrics.discounted_clv_closed_form(100.0, 0.0, 0.1) == pytest.approx(100.0)


def test_discounted_clv_closed_form_is_infinite_with_full_retention_and_no_discount():
    # 1 + 0 - 1 = 0 in the denominator
    assert metrics.discounted_clv_closed_form(100.0, 1.0, 0.0) == math.inf


# ------------------------------------------------------------------- acquisition cost

def test_acquisition_cost_is_spend_per_new_customer():
    # 1000 / 40 = 25
    assert metrics.acquisition_cost(1000.0, 40) == pytest.approx(25.0)


def test_acquisition_cost_with_no_new_customers_is_infinite():
    assert metrics.acquisition_cost(500.0, 0) == math.inf


def test_acquisition_cost_keeps_the_index_of_a_series():
    # search: 500 / 5 = 100; social: 300 / 1 = 300
    spend = pd.Series({"search": 500.0, "social": 300.0})
    result = metrics.acquisition_cost(spend, pd.Series({"search": 5, "social": 1}))
    assert result.to_dict() == pytest.approx({"search": 100.0, "social": 300.0})


def test_acquisition_cost_by_channel_divides_each_channels_spend_by_its_customers():
    # search: (300 + 200) / 5 customers = 100; social: 300 / 1 = 300;
    # email: no spend, 1 customer -> 0; tv: 1000 spend, no customer -> inf
    marketing = pd.DataFrame({
        "channel": ["search", "social", "search", "tv"],
        "spend": [300.0, 300.0, 200.0, 1000.0],
    })
    customers = pd.DataFrame({
        "customer_id": [1, 2, 3, 4, 5, 6, 7],
        "acquisition_channel": ["search"] * 5 + ["social", "email"],
    })
    table = metrics.acquisition_cost_by_channel(marketing, customers)
    assert table.loc["search", "spend"] == pytest.approx(500.0)
    assert table.loc["search", "new_customers"] == 5
    assert table["cac"].to_dict() == pytest.approx(
        {"search": 100.0, "social": 300.0, "email": 0.0, "tv": math.inf})


def test_acquisition_cost_by_channel_reads_the_named_channel_column():
    # source "ads": 400 / 2 customers = 200
    marketing = pd.DataFrame({"channel": ["ads"], "spend": [400.0]})
    customers = pd.DataFrame({"customer_id": [1, 2], "source": ["ads", "ads"]})
    table = metrics.acquisition_cost_by_channel(marketing, customers, channel="source")
    assert table.loc["ads", "cac"] == pytest.approx(200.0)


def test_clv_cac_ratio_is_clv_over_cac():
    # 300 / 100 = 3 (the rule of thumb's threshold); 50 / 100 = 0.5 (loses money)
    np.testing.assert_allclose(
        metrics.clv_cac_ratio(np.array([300.0, 50.0]), np.array([100.0, 100.0])), [3.0, 0.5])


def test_payback_period_counts_whole_periods_until_cac_is_repaid():
    # CAC 100, margin 30 at the start of each period: 30, 60, 90, 120 -> 4 periods
    assert metrics.payback_period(100.0, 30.0) == 4


def test_payback_period_counts_an_exact_repayment():
    # CAC 120, margin 30: 30, 60, 90, 120 -> repaid exactly in period 4
    assert metrics.payback_period(120.0, 30.0) == 4


def test_payback_period_is_longer_with_discounting():
    # CAC 120, margin 30, d = 10 %: 30 + 27.27 + 24.79 + 22.54 = 104.60 < 120,
    # + 20.49 = 125.09 -> 5 periods
    assert metrics.payback_period(120.0, 30.0, discount_rate=0.1) == 5


def test_payback_period_is_longer_with_churn():
    # CAC 100, margin 30, r = 0.8: 30 + 24 + 19.2 + 15.36 = 88.56, + 12.29 = 100.85 -> 5
    assert metrics.payback_period(100.0, 30.0, retention=0.8) == 5


def test_payback_period_is_infinite_when_never_repaid():
    # CAC 100, margin 30, r = 0.5: at most 30 / (1 - 0.5) = 60 < 100
    assert metrics.payback_period(100.0, 30.0, retention=0.5) == math.inf


def test_payback_period_with_no_margin_is_infinite():
    assert metrics.payback_period(100.0, 0.0) == math.inf


def test_payback_period_of_a_free_customer_is_zero():
    assert metrics.payback_period(0.0, 30.0) == 0


# ----------------------------------------------------------------------------- errors

def test_input_error_is_a_course_error():
    assert issubclass(InputError, CourseError)


def test_unknown_unit_is_an_input_error():
    with pytest.raises(InputError, match="Unknown time unit 'fortnight'"):
        metrics.purchase_frequency(FOUR_ORDERS, unit="fortnight")


def test_unknown_unit_in_retention_is_an_input_error():
    with pytest.raises(InputError, match="Unknown time unit"):
        metrics.retention_rate(MONTHLY, unit="months")


def test_missing_column_is_an_input_error_naming_the_column():
    with pytest.raises(InputError, match="column 'amount'"):
        metrics.average_order_value(FOUR_ORDERS.drop(columns="amount"))


def test_missing_date_column_is_an_input_error():
    with pytest.raises(InputError, match="column 'date'"):
        metrics.customer_lifespan(FOUR_ORDERS.drop(columns="date"), unit="day")


def test_empty_transactions_are_an_input_error():
    with pytest.raises(InputError, match="empty"):
        metrics.average_order_value(FOUR_ORDERS.iloc[:0])


def test_a_non_table_is_an_input_error():
    with pytest.raises(InputError, match="DataFrame"):
        metrics.average_order_value([("A", 10.0)])


def test_window_ending_before_it_starts_is_an_input_error():
    with pytest.raises(InputError, match="before its start"):
        metrics.purchase_frequency(FOUR_ORDERS, unit="week", start="2024-02-01",
                                   end="2024-01-01")


def test_window_without_transactions_is_an_input_error():
    with pytest.raises(InputError, match="No transactions"):
        metrics.purchase_frequency(FOUR_ORDERS, unit="week", start="2024-03-01",
                                   end="2024-03-31")


def test_retention_rate_above_one_is_an_input_error():
    with pytest.raises(InputError, match="retention rate must be between"):
        metrics.discounted_clv(100.0, 1.2, 0.1, periods=3)


def test_retention_rate_above_one_in_closed_form_is_an_input_error():
    with pytest.raises(InputError, match="retention rate"):
        metrics.discounted_clv_closed_form(100.0, 1.2, 0.1)


def test_churn_rate_above_one_is_an_input_error():
    with pytest.raises(InputError, match="churn rate"):
        metrics.expected_lifetime(1.5)


def test_margin_above_one_is_an_input_error():
    with pytest.raises(InputError, match="margin"):
        metrics.margin_clv(50.0, 4.0, 3.0, 30)


def test_negative_discount_rate_is_an_input_error():
    with pytest.raises(InputError, match="discount rate must be 0 or more"):
        metrics.discounted_clv(100.0, 0.8, -0.1, periods=3)


def test_negative_periods_is_an_input_error():
    with pytest.raises(InputError, match="number of periods"):
        metrics.discounted_clv(100.0, 0.8, 0.1, periods=-1)


def test_fractional_periods_is_an_input_error():
    with pytest.raises(InputError, match="whole number"):
        metrics.discounted_clv(100.0, 0.8, 0.1, periods=2.5)


def test_negative_spend_is_an_input_error():
    with pytest.raises(InputError, match="cannot be negative"):
        metrics.acquisition_cost(-100.0, 10)


def test_negative_cac_in_payback_is_an_input_error():
    with pytest.raises(InputError, match="cannot be negative"):
        metrics.payback_period(-100.0, 30.0)


def test_expected_lifetime_keeps_the_index_of_a_series():
    churn = pd.Series([0.5, 0.25], index=["search", "referral"])
    result = metrics.expected_lifetime(churn)
    assert list(result.index) == ["search", "referral"]
    assert list(result) == [2.0, 4.0]


def test_closed_form_without_churn_or_discounting_follows_the_sign_of_the_margin():
    # r = 1, d = 0: the finite sums are m * n, so the limit is +inf, 0 or -inf
    assert metrics.discounted_clv_closed_form(10.0, 1.0, 0.0) == math.inf
    assert metrics.discounted_clv_closed_form(0.0, 1.0, 0.0) == 0.0
    assert metrics.discounted_clv_closed_form(-10.0, 1.0, 0.0) == -math.inf
