"""cohort_table and retention_matrix: acquisition cohorts by periods since the first order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clv_course.cohorts import cohort_table, retention_matrix
from clv_course.datasets import load
from clv_course.errors import InputError

# Worked example by month; the data end in March 2024:
#
#   a: Jan 10, Feb 20, Mar 30      cohort Jan, active at ages 0, 1, 2
#   b: Jan 40, Mar 50              cohort Jan, active at ages 0, 2
#   c: Feb 5, Feb 6 (same month)   cohort Feb, active at age 0 only
#   d: Mar 7                       cohort Mar, active at age 0
#
#   customers   0  1  2            revenue    0   1   2
#   2024-01     2  1  2            2024-01   50  20  80
#   2024-02     1  0  NaN          2024-02   11   0  NaN
#   2024-03     1  NaN NaN         2024-03    7  NaN NaN
#
# NaN: April and May lie beyond the data, so nobody could have ordered then.
TRANSACTIONS = pd.DataFrame({
    "customer_id": ["a", "a", "a", "b", "b", "c", "c", "d"],
    "date": pd.to_datetime(["2024-01-05", "2024-02-10", "2024-03-01", "2024-01-20",
                            "2024-03-15", "2024-02-03", "2024-02-25", "2024-03-10"]),
    "amount": [10.0, 20.0, 30.0, 40.0, 50.0, 5.0, 6.0, 7.0],
})


def expected_table(rows: list[list[float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, index=pd.period_range("2024-01", periods=3, freq="M", name="cohort"),
                        columns=pd.Index([0, 1, 2], name="periods_since_first_order"),
                        dtype=float)


def test_cohort_table_counts_active_customers_by_months_since_first_order():
    table = cohort_table(TRANSACTIONS, unit="month")

    pd.testing.assert_frame_equal(table, expected_table([[2, 1, 2], [1, 0, np.nan],
                                                         [1, np.nan, np.nan]]))


def test_cohort_sizes_are_in_column_zero():
    table = cohort_table(TRANSACTIONS, unit="month")

    assert table[0].tolist() == [2, 1, 1]


def test_cells_beyond_the_end_of_the_data_are_nan_not_zero():
    table = cohort_table(TRANSACTIONS, unit="month")

    assert table.loc[pd.Period("2024-02", "M"), 1] == 0
    assert np.isnan(table.loc[pd.Period("2024-02", "M"), 2])
    assert table.loc[pd.Period("2024-03", "M"), [1, 2]].isna().all()


def test_revenue_cohort_table_sums_amounts():
    table = cohort_table(TRANSACTIONS, unit="month", values="revenue")

    pd.testing.assert_frame_equal(table, expected_table([[50, 20, 80], [11, 0, np.nan],
                                                         [7, np.nan, np.nan]]))


def test_retention_matrix_divides_by_cohort_size():
    retention = retention_matrix(TRANSACTIONS, unit="month")

    pd.testing.assert_frame_equal(retention, expected_table([[1, 0.5, 1], [1, 0, np.nan],
                                                             [1, np.nan, np.nan]]))


def test_cdnow_retention_starts_at_one_and_stays_within_zero_and_one():
    retention = retention_matrix(load("cdnow_sample"), unit="month")

    assert len(retention) == 3  # CDNOW's customers were all acquired in 1997-Q1
    assert (retention[0] == 1.0).all()
    values = retention.to_numpy().ravel()
    values = values[~np.isnan(values)]
    assert ((values >= 0) & (values <= 1)).all()


def test_invalid_values_option_is_refused():
    with pytest.raises(InputError, match="values must be 'customers' or 'revenue'; got 'orders'"):
        cohort_table(TRANSACTIONS, unit="month", values="orders")


def test_an_empty_table_gets_the_same_sentence_as_every_metric():
    import pandas as pd
    import pytest
    from clv_course.cohorts import cohort_table
    from clv_course.errors import InputError
    empty = pd.DataFrame({"customer_id": [], "date": pd.to_datetime([])})
    with pytest.raises(InputError, match="The table of transactions is empty"):
        cohort_table(empty, unit="month")
