"""load_transactions: every data mistake is one sentence naming the file, row and column.

Rows are counted as a spreadsheet counts them: the header is row 1, the
first transaction row 2.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from clv_course.datasets import load_transactions
from clv_course.errors import DataFileError


def write(tmp_path: Path, content: str | bytes, name: str = "orders.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def load_error(path: Path, **options) -> DataFileError:
    with pytest.raises(DataFileError) as info:
        load_transactions(path, **options)
    return info.value


def assert_names(error: DataFileError, path: Path, row: int | None,
                 column: str | None = None) -> None:
    """The message names the file, the row and the column; the attributes hold them too.

    A mistake in the header (row 1) is described as one in the header or its
    columns, so only the attribute says "row 1" there.
    """
    message = str(error)
    assert path.name in message
    assert error.path == str(path)
    assert error.row == row
    assert error.column == column
    if row is not None and row > 1:
        assert re.search(rf"\brow {row}\b", message), message
    if column is not None:
        assert repr(column) in message


# --------------------------------------------------------------------------- bad input

def test_missing_column_is_named_with_the_columns_found_and_a_rename_hint(tmp_path):
    path = write(tmp_path, "client,date,amount\nc1,2024-01-01,12\n")

    error = load_error(path)

    assert_names(error, path, row=1, column="customer_id")
    assert "header has: client, date, amount" in str(error)
    assert "rename={'your name': 'customer_id'}" in str(error)


def test_unparsable_date_names_its_row_and_suggests_date_format(tmp_path):
    path = write(tmp_path, "customer_id,date,amount\nc1,2024-01-01,12\nc2,15.03.2024,3\n")

    error = load_error(path)

    assert_names(error, path, row=3, column="date")
    assert "'15.03.2024'" in str(error)
    assert "date_format=" in str(error)


def test_date_not_matching_the_given_date_format_names_the_format(tmp_path):
    path = write(tmp_path, "customer_id,date,amount\nc1,01.01.2024,12\nc2,2024-03-15,3\n")

    error = load_error(path, date_format="%d.%m.%Y")

    assert_names(error, path, row=3, column="date")
    assert "'2024-03-15'" in str(error)
    assert "date_format='%d.%m.%Y'" in str(error)


def test_non_numeric_amount_names_its_row_and_column(tmp_path):
    path = write(tmp_path, "customer_id,date,amount\nc1,2024-01-01,12\nc2,2024-01-02,abc\n")

    error = load_error(path)

    assert_names(error, path, row=3, column="amount")
    assert "'abc'" in str(error)
    assert "decimal=" not in str(error)


def test_decimal_comma_amount_suggests_decimal_comma(tmp_path):
    path = write(tmp_path, 'customer_id,date,amount\nc1,2024-01-01,12\nc2,2024-01-02,"12,50"\n')

    error = load_error(path)

    assert_names(error, path, row=3, column="amount")
    assert "'12,50'" in str(error)
    assert "decimal=','" in str(error)


def test_negative_amount_without_refund_flag_is_refused(tmp_path):
    path = write(tmp_path, "customer_id,date,amount\nc1,2024-01-01,12\nc2,2024-01-02,-3\n")

    error = load_error(path)

    assert_names(error, path, row=3, column="amount")
    assert "-3" in str(error)
    assert "is_refund" in str(error)


def test_negative_amount_flagged_as_refund_is_accepted(tmp_path):
    path = write(tmp_path, "customer_id,date,amount,is_refund\n"
                           "c1,2024-01-01,12,false\nc1,2024-01-02,-3,true\n")

    frame = load_transactions(path)

    assert frame["amount"].tolist() == [12.0, -3.0]
    assert frame["is_refund"].tolist() == [False, True]


def test_invalid_refund_flag_is_named(tmp_path):
    path = write(tmp_path, "customer_id,date,amount,is_refund\n"
                           "c1,2024-01-01,12,false\nc1,2024-01-02,-3,maybe\n")

    error = load_error(path)

    assert_names(error, path, row=3, column="is_refund")
    assert "'maybe'" in str(error)


@pytest.mark.parametrize("row_text, column", [
    (",2024-01-02,3", "customer_id"),
    ("c2,,3", "date"),
    ("c2,2024-01-02,", "amount"),
])
def test_empty_cell_in_a_required_column_is_named(tmp_path, row_text, column):
    path = write(tmp_path, f"customer_id,date,amount\nc1,2024-01-01,12\n{row_text}\n")

    error = load_error(path)

    assert_names(error, path, row=3, column=column)
    assert "empty" in str(error)


def test_exact_duplicate_row_names_both_rows(tmp_path):
    path = write(tmp_path, "customer_id,date,amount\n"
                           "c1,2024-01-01,12\nc2,2024-01-02,3\nc1,2024-01-01,12\n")

    error = load_error(path)

    assert_names(error, path, row=4)
    assert re.search(r"\brow 4\b.*\brow 2\b", str(error)), str(error)


def test_empty_file_asks_for_a_header_row(tmp_path):
    path = write(tmp_path, "")

    error = load_error(path)

    assert_names(error, path, row=None)
    assert "empty" in str(error)
    assert "customer_id,date,amount" in str(error)


def test_header_only_file_says_there_are_no_transactions(tmp_path):
    path = write(tmp_path, "customer_id,date,amount\n")

    error = load_error(path)

    assert_names(error, path, row=None)
    assert "no transactions" in str(error)


@pytest.mark.parametrize("body", [
    "c1;2024-01-01;12\nc2;2024-01-02;3\n",
    # A decimal comma in a later row must not hide the separator hint.
    "c1;2024-01-01;12\nc2;2024-01-02;3,50\n",
], ids=["whole-amounts", "decimal-comma-in-a-later-row"])
def test_semicolon_file_read_with_default_sep_suggests_sep_semicolon(tmp_path, body):
    path = write(tmp_path, "customer_id;date;amount\n" + body)

    error = load_error(path)

    assert_names(error, path, row=1)
    assert "sep=';'" in str(error)


def test_cp1252_bytes_read_as_utf8_name_the_row_and_suggest_cp1252(tmp_path):
    path = write(tmp_path, "customer_id,date,amount\nc1,2024-01-01,12\n"
                           "Müller,2024-01-02,3\n".encode("cp1252"))

    error = load_error(path)

    assert_names(error, path, row=3)
    assert "encoding='cp1252'" in str(error)


@pytest.mark.parametrize("rows, bad_row", [
    ("c1,2024-01-01,12\nc2,2024-01-02,3,4\n", 3),
    # pandas would take the extra leading value of a first row as an index.
    ("c1,2024-01-01,12,4\nc2,2024-01-02,3\n", 2),
], ids=["later-row", "first-row"])
def test_row_with_too_many_values_is_named(tmp_path, rows, bad_row):
    path = write(tmp_path, "customer_id,date,amount\n" + rows)

    error = load_error(path)

    assert_names(error, path, row=bad_row)
    assert "4 values" in str(error)
    assert "3 columns" in str(error)


def test_missing_file_is_named(tmp_path):
    path = tmp_path / "no_such_file.csv"

    error = load_error(path)

    assert_names(error, path, row=None)
    assert str(path) in str(error)


# --------------------------------------------------------------------------- good input

def test_good_file_loads_with_dates_float_amounts_and_quantity_one(tmp_path):
    path = write(tmp_path, "customer_id,date,amount\n"
                           "c2,2024-01-03,5.5\nc1,2024-01-02,12\nc1,2024-01-01,7.25\n")

    frame = load_transactions(path)

    assert list(frame.columns) == ["customer_id", "date", "quantity", "amount"]
    assert pd.api.types.is_datetime64_any_dtype(frame["date"])
    assert frame["amount"].dtype == "float64"
    assert frame["quantity"].tolist() == [1, 1, 1]
    assert frame["customer_id"].tolist() == ["c1", "c1", "c2"]
    assert frame["date"].tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-02"),
                                      pd.Timestamp("2024-01-03")]
    assert frame["amount"].tolist() == [7.25, 12.0, 5.5]


def test_quantity_column_is_read_as_numbers(tmp_path):
    path = write(tmp_path, "customer_id,date,quantity,amount\nc1,2024-01-01,3,12\n")

    frame = load_transactions(path)

    assert frame["quantity"].tolist() == [3.0]


def test_semicolon_file_with_decimal_commas_loads_with_sep_and_decimal(tmp_path):
    path = write(tmp_path, "customer_id;date;amount\nc1;2024-01-01;12,50\nc2;2024-01-02;1.234,5\n")

    frame = load_transactions(path, sep=";", decimal=",")

    assert frame["amount"].tolist() == pytest.approx([12.5, 1234.5])


def test_rename_maps_own_column_names(tmp_path):
    path = write(tmp_path, "client,order_date,total\nc1,2024-01-01,12\n")

    frame = load_transactions(path, rename={"client": "customer_id", "order_date": "date",
                                            "total": "amount"})

    assert frame["customer_id"].tolist() == ["c1"]
    assert frame["date"].tolist() == [pd.Timestamp("2024-01-01")]
    assert frame["amount"].tolist() == [12.0]


def test_date_format_reads_day_month_year_dates(tmp_path):
    path = write(tmp_path, "customer_id,date,amount\nc1,15.03.2024,12\nc1,01.02.2024,3\n")

    frame = load_transactions(path, date_format="%d.%m.%Y")

    assert frame["date"].tolist() == [pd.Timestamp("2024-02-01"), pd.Timestamp("2024-03-15")]


def test_utf8_byte_order_mark_is_tolerated(tmp_path):
    path = write(tmp_path, "\ufeffcustomer_id,date,amount\nc1,2024-01-01,12\n")

    frame = load_transactions(path)

    assert frame["customer_id"].tolist() == ["c1"]


def test_cp1252_file_loads_with_encoding_cp1252(tmp_path):
    path = write(tmp_path, "customer_id,date,amount\nMüller,2024-01-02,3\n".encode("cp1252"))

    frame = load_transactions(path, encoding="cp1252")

    assert frame["customer_id"].tolist() == ["Müller"]


def test_rows_are_counted_as_in_the_file_even_after_a_blank_line(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text("customer_id,date,amount\nc1,2024-01-01,12\n\nc2,2024-01-02,abc\n",
                    encoding="utf-8")
    with pytest.raises(DataFileError) as error:
        load_transactions(path)
    assert error.value.row == 4
    assert "row 4" in str(error.value)


def test_blank_lines_are_skipped_in_a_good_file(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text("customer_id,date,amount\nc1,2024-01-01,12\n\nc2,2024-01-02,8\n\n",
                    encoding="utf-8")
    assert len(load_transactions(path)) == 2
