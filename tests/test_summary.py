"""customer_summary: frequency, recency, T and monetary value, as the research papers count them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clv_course.datasets import load
from clv_course.errors import InputError
from clv_course.summary import customer_summary


def orders(*rows, refunds: list[bool] | None = None) -> pd.DataFrame:
    """A transaction table from (customer_id, 'YYYY-MM-DD', amount) tuples."""
    frame = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    frame["date"] = pd.to_datetime(frame["date"])
    if refunds is not None:
        frame["is_refund"] = refunds
    return frame


# Worked example, calibration ends 2024-01-29 (included):
#
#   a: 01-01 10, 01-08 20, 01-15 30
#      purchase days 3 -> frequency 2; recency 01-01..01-15 = 14 days = 2 weeks;
#      T 01-01..01-29 = 28 days = 4 weeks; monetary (20 + 30) / 2 = 25
#   b: 01-05 50
#      frequency 0, recency 0, T 01-05..01-29 = 24 days = 24/7 weeks, monetary 0
#   c: 01-03 5, 01-03 7, 01-17 14
#      purchase days 2 (01-03 counts once) -> frequency 1; recency 14 days = 2 weeks;
#      T 01-03..01-29 = 26 days = 26/7 weeks; monetary 14 (the first day is left out)
WORKED_EXAMPLE = orders(
    ("a", "2024-01-01", 10), ("a", "2024-01-08", 20), ("a", "2024-01-15", 30),
    ("b", "2024-01-05", 50),
    ("c", "2024-01-03", 5), ("c", "2024-01-03", 7), ("c", "2024-01-17", 14),
)


def test_worked_example_in_days():
    summary = customer_summary(WORKED_EXAMPLE, calibration_end="2024-01-29", unit="day")

    assert summary.index.tolist() == ["a", "b", "c"]
    assert summary["frequency"].tolist() == [2, 0, 1]
    assert summary["recency"].tolist() == pytest.approx([14, 0, 14])
    assert summary["T"].tolist() == pytest.approx([28, 24, 26])
    assert summary["monetary_value"].tolist() == pytest.approx([25, 0, 14])


def test_worked_example_in_weeks_divides_days_by_seven():
    summary = customer_summary(WORKED_EXAMPLE, calibration_end="2024-01-29", unit="week")

    assert summary["frequency"].tolist() == [2, 0, 1]
    assert summary["recency"].tolist() == pytest.approx([2, 0, 2])
    assert summary["T"].tolist() == pytest.approx([4, 24 / 7, 26 / 7])
    assert summary["monetary_value"].tolist() == pytest.approx([25, 0, 14])


def test_same_day_purchases_count_once_and_their_amounts_are_summed():
    # Day 1: three orders; day 2: two orders of 4 and 6 -> one repeat day worth 10.
    transactions = orders(("a", "2024-01-01", 1), ("a", "2024-01-01", 2), ("a", "2024-01-01", 3),
                          ("a", "2024-01-02", 4), ("a", "2024-01-02", 6))

    summary = customer_summary(transactions, calibration_end="2024-01-10", unit="day")

    assert summary.loc["a", "frequency"] == 1
    assert summary.loc["a", "monetary_value"] == pytest.approx(10)


def test_first_purchase_is_left_out_of_monetary_value():
    transactions = orders(("a", "2024-01-01", 100), ("a", "2024-01-05", 10),
                          ("a", "2024-01-09", 20))

    summary = customer_summary(transactions, calibration_end="2024-01-10", unit="day")

    assert summary.loc["a", "monetary_value"] == pytest.approx(15)


def test_customers_first_buying_after_calibration_end_are_left_out():
    transactions = orders(("a", "2024-01-01", 10), ("late", "2024-02-01", 10))

    summary = customer_summary(transactions, calibration_end="2024-01-31", unit="day")

    assert summary.index.tolist() == ["a"]


def test_purchases_after_calibration_end_do_not_count_in_calibration():
    transactions = orders(("a", "2024-01-01", 10), ("a", "2024-01-31", 20),
                          ("a", "2024-02-01", 99))

    summary = customer_summary(transactions, calibration_end="2024-01-31", unit="day")

    assert summary.loc["a", "frequency"] == 1
    assert summary.loc["a", "recency"] == pytest.approx(30)
    assert summary.loc["a", "monetary_value"] == pytest.approx(20)


# Holdout 2024-02-01 .. 2024-03-01 (2024 is a leap year: 30 days after 01-31):
#   a: holdout days 02-10 (10 + 30 = 40) and 02-20 (20) -> frequency_holdout 2,
#      monetary_value_holdout (40 + 20) / 2 = 30; 03-05 is after holdout_end
#   b: nothing in the holdout -> 0 and 0
HOLDOUT_EXAMPLE = orders(
    ("a", "2024-01-01", 10), ("a", "2024-02-10", 10), ("a", "2024-02-10", 30),
    ("a", "2024-02-20", 20), ("a", "2024-03-05", 99),
    ("b", "2024-01-15", 50),
)


def test_holdout_columns_count_purchase_days_and_mean_spend():
    summary = customer_summary(HOLDOUT_EXAMPLE, calibration_end="2024-01-31",
                               holdout_end="2024-03-01", unit="day")

    assert summary["frequency_holdout"].tolist() == [2, 0]
    assert summary["monetary_value_holdout"].tolist() == pytest.approx([30, 0])
    assert summary["duration_holdout"].tolist() == pytest.approx([30, 30])


def test_holdout_duration_is_in_the_unit():
    summary = customer_summary(HOLDOUT_EXAMPLE, calibration_end="2024-01-31",
                               holdout_end="2024-03-01", unit="week")

    assert summary["duration_holdout"].tolist() == pytest.approx([30 / 7, 30 / 7])


def test_without_holdout_end_there_are_no_holdout_columns():
    summary = customer_summary(HOLDOUT_EXAMPLE, calibration_end="2024-01-31", unit="day")

    assert list(summary.columns) == ["frequency", "recency", "T", "monetary_value"]


def test_refund_rows_are_not_purchases():
    transactions = orders(("a", "2024-01-01", 10), ("a", "2024-01-05", -10),
                          ("b", "2024-01-01", 10), ("b", "2024-01-08", 30),
                          ("b", "2024-01-08", -5),
                          refunds=[False, True, False, False, True])

    summary = customer_summary(transactions, calibration_end="2024-01-31", unit="day")

    assert summary.loc["a", "frequency"] == 0
    assert summary.loc["a", "recency"] == 0
    assert summary.loc["b", "frequency"] == 1
    assert summary.loc["b", "monetary_value"] == pytest.approx(30)


@pytest.mark.parametrize("holdout_end", ["2024-01-15", "2024-01-29"],
                         ids=["before", "same-day"])
def test_holdout_end_must_come_after_calibration_end(holdout_end):
    with pytest.raises(InputError, match="holdout_end must come after calibration_end"):
        customer_summary(WORKED_EXAMPLE, calibration_end="2024-01-29", holdout_end=holdout_end,
                         unit="day")


def test_calibration_end_that_is_not_a_date_is_refused():
    with pytest.raises(InputError, match=r"calibration_end must be a date.*'end of sept'"):
        customer_summary(WORKED_EXAMPLE, calibration_end="end of sept", unit="day")


def test_missing_column_is_named():
    transactions = WORKED_EXAMPLE.rename(columns={"customer_id": "client"})

    with pytest.raises(InputError, match="need a column 'customer_id'"):
        customer_summary(transactions, calibration_end="2024-01-29", unit="day")


# --------------------------------------------------------------------------- CDNOW

@pytest.fixture(scope="module")
def cdnow_summary() -> pd.DataFrame:
    return customer_summary(load("cdnow_sample"), calibration_end="1997-09-30",
                            holdout_end="1998-06-30", unit="week")


def test_cdnow_sample_has_2357_customers(cdnow_summary):
    assert len(cdnow_summary) == 2357


def test_cdnow_sample_has_1411_customers_without_repeat_purchase(cdnow_summary):
    assert (cdnow_summary["frequency"] == 0).sum() == 1411


def test_cdnow_sample_repeat_purchases_sum_to_2457(cdnow_summary):
    assert cdnow_summary["frequency"].sum() == 2457


def test_cdnow_sample_T_runs_from_27_00_to_38_86_weeks(cdnow_summary):
    assert cdnow_summary["T"].min() == pytest.approx(27.00, abs=0.005)
    assert cdnow_summary["T"].max() == pytest.approx(38.86, abs=0.005)


def test_cdnow_sample_946_repeat_buyers_spend_35_08_on_average(cdnow_summary):
    repeat_buyers = cdnow_summary[cdnow_summary["frequency"] > 0]

    assert len(repeat_buyers) == 946
    assert repeat_buyers["monetary_value"].mean() == pytest.approx(35.08, abs=0.005)


def test_cdnow_sample_recency_never_exceeds_T(cdnow_summary):
    assert (cdnow_summary["recency"] <= cdnow_summary["T"]).all()


# --------------------------------------------------------------------------- properties

@st.composite
def small_transactions(draw):
    size = draw(st.integers(min_value=1, max_value=25))
    customers = draw(st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=size,
                              max_size=size))
    days = draw(st.lists(st.integers(min_value=0, max_value=60), min_size=size, max_size=size))
    amounts = draw(st.lists(st.floats(min_value=0, max_value=500, allow_nan=False),
                            min_size=size, max_size=size))
    frame = pd.DataFrame({
        "customer_id": customers,
        "date": pd.Timestamp("2024-01-01") + pd.to_timedelta(days, unit="D"),
        "amount": amounts,
    })
    calibration_end = (pd.Timestamp("2024-01-01")
                       + pd.Timedelta(days=draw(st.integers(min_value=min(days), max_value=90))))
    unit = draw(st.sampled_from(["day", "week", "month"]))
    return frame, calibration_end, unit


@settings(max_examples=150, deadline=None)
@given(small_transactions())
def test_summary_invariants_hold_on_random_transactions(case):
    transactions, calibration_end, unit = case

    summary = customer_summary(transactions, calibration_end=calibration_end, unit=unit)

    assert (summary["frequency"] >= 0).all()
    assert (summary["recency"] >= 0).all()
    assert (summary["recency"] <= summary["T"]).all()
    no_repeat = summary[summary["frequency"] == 0]
    assert (no_repeat["recency"] == 0).all()
    assert (no_repeat["monetary_value"] == 0).all()
    assert np.isfinite(summary.to_numpy(dtype=float)).all()


def test_the_summary_records_its_unit_for_the_models():
    for unit in ("day", "week", "month"):
        summary = customer_summary(HOLDOUT_EXAMPLE, calibration_end="2024-01-31",
                                   holdout_end="2024-03-01", unit=unit)
        assert summary.attrs["unit"] == unit
