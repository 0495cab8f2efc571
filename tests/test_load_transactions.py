"""load_transactions: every data mistake is one sentence naming the file, row and column.

Rows are counted as a spreadsheet counts them: the header is row 1, the
first transaction row 2.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from clv_course import datasets
from clv_course.datasets import DataNote, load_transactions
from clv_course.errors import DataFileError, InputError


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
    assert not re.search(r"[.;:!?]\s+[A-Z]", message), f"not one sentence: {message}"
    assert message.endswith(".") and "\n" not in message


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


def test_decimal_comma_amount_in_a_comma_file_is_read_as_a_decimal_comma(tmp_path):
    path = write(tmp_path, 'customer_id,date,amount\nc1,2024-01-01,12\nc2,2024-01-02,"12,50"\n')

    frame = load_transactions(path)

    assert frame["amount"].tolist() == [12.0, 12.5]


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


def test_identical_rows_are_kept_with_a_note_naming_their_count_and_first_rows(tmp_path):
    # Two equal purchases on one day are legitimate in a file without an order id.
    path = write(tmp_path, "customer_id,date,amount\n"
                           "c1,2024-01-01,12.50\nc2,2024-01-02,3\nc1,2024-01-01,12.5\n"
                           "c2,2024-01-02,3\n")

    with pytest.warns(DataNote) as notes:
        frame = load_transactions(path)

    assert len(frame) == 4
    message = str(notes[0].message)
    assert re.search(r"\b2 in all; the first is row 4, like row 2\b", message), message
    assert frame.attrs["notes"] == [message]


def test_identical_rows_out_of_date_order_are_named_by_their_rows_in_the_file(tmp_path):
    path = write(tmp_path, "customer_id,date,amount\n"
                           "c1,2024-01-02,5\nc2,2024-01-01,3\nc2,2024-01-01,3\nc1,2024-01-02,5.0\n"
                           "c1,2024-01-02,6\n")

    with pytest.warns(DataNote) as notes:
        frame = load_transactions(path)

    assert len(frame) == 5
    message = str(notes[0].message)
    assert re.search(r"\b2 in all; the first is row 4, like row 3\b", message), message


def test_identical_rows_are_found_in_a_large_file_and_only_those(tmp_path):
    days = pd.date_range("2024-01-01", periods=40).strftime("%Y-%m-%d")
    rows = [f"c{i % 997},{days[i * 40 // 120_000]},{i % 5003 / 100:.2f}" for i in range(120_000)]
    rows.insert(70_001, rows[70_000])  # the same purchase twice
    rows.insert(90_000, rows[89_990].split(",")[0] + "x," + rows[89_990].split(",", 1)[1])
    path = write(tmp_path, "customer_id,date,amount\n" + "\n".join(rows) + "\n")

    with pytest.warns(DataNote) as notes:
        frame = load_transactions(path)

    assert len(frame) == 120_002
    message = str(notes[0].message)
    assert re.search(r"\b1 in all; the first is row 70003, like row 70002\b", message), message


def test_the_loaded_frame_can_be_changed_like_any_frame(tmp_path):
    path = write(tmp_path, "customer_id,date,quantity,amount\nc1,2024-01-01,2,12.5\n"
                           "c2,2024-01-02,1,4.25\n")

    frame = load_transactions(path)
    frame.loc[0, "amount"] = 13.0
    frame.loc[1, "quantity"] = 3

    assert frame["amount"].tolist() == [13.0, 4.25]
    assert frame["quantity"].tolist() == [2, 3]


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


def test_whole_amounts_are_floats_and_quantities_whole_numbers(tmp_path):
    path = write(tmp_path, "customer_id,date,quantity,amount\nc1,2024-01-01,2,12\n")

    frame = load_transactions(path)

    assert frame["amount"].dtype == "float64" and frame["quantity"].dtype == "int64"


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


# --------------------------------------------------------------------------- number styles

@pytest.mark.parametrize("text, value", [
    ("1.234,50", 1234.5), ("12,50 €", 12.5), ("$12.50", 12.5), ("1,234.50", 1234.5),
    ("1 234.50", 1234.5), ("1 234,50", 1234.5), ("€ 1.234,50", 1234.5), ("EUR 12,50", 12.5),
    ("kr. 1.234,50", 1234.5), ("-12,50 €", -12.5), ("1.234.567", 1234567.0),
    ("1,234,567", 1234567.0), ("0.500", 0.5), ("7.99", 7.99),
])
def test_each_number_style_is_read_as_written(tmp_path, text, value):
    path = write(tmp_path, f'customer_id,date,amount,is_refund\nc1,2024-01-01,"{text}",'
                           f'{"true" if value < 0 else "false"}\n')

    frame = load_transactions(path)

    assert frame["amount"].tolist() == [pytest.approx(value)]


def test_a_point_decimal_is_never_deleted_even_when_decimal_comma_is_passed(tmp_path):
    path = write(tmp_path, "customer_id;date;amount\nc1;2024-01-01;7.99\nc2;2024-01-02;12.5\n")

    frame = load_transactions(path, sep=";", decimal=",")

    assert frame["amount"].tolist() == [7.99, 12.5]


def test_whole_euro_thousands_follow_the_decimal_commas_of_the_column(tmp_path):
    path = write(tmp_path, "customer_id;date;amount\n"
                           "c1;2024-01-01;1.234\nc2;2024-01-02;2.500\nc3;2024-01-03;12,50\n")

    frame = load_transactions(path, sep=";")

    assert frame["amount"].tolist() == [1234.0, 2500.0, 12.5]


def test_whole_euro_thousands_follow_the_decimal_commas_elsewhere_in_the_file(tmp_path):
    path = write(tmp_path, "customer_id;date;amount;gross_margin\n"
                           "c1;2024-01-01;1.234;3,50\nc2;2024-01-02;2.500;0,75\n")

    frame = load_transactions(path, sep=";")

    assert frame["amount"].tolist() == [1234.0, 2500.0]
    assert frame["gross_margin"].tolist() == [3.5, 0.75]


def test_a_value_that_reads_both_ways_with_nothing_to_tell_asks_for_decimal(tmp_path):
    path = write(tmp_path, "customer_id;date;amount\nc1;2024-01-01;12\nc2;2024-01-02;1.234\n")

    error = load_error(path, sep=";")

    assert_names(error, path, row=3, column="amount")
    assert "'1.234' could be 1234 or 1.234" in str(error)
    assert load_transactions(path, sep=";", decimal=",")["amount"].tolist() == [12.0, 1234.0]
    assert load_transactions(path, sep=";", decimal=".")["amount"].tolist() == [12.0, 1.234]


def test_a_column_mixing_a_decimal_point_and_a_decimal_comma_names_a_row_of_each(tmp_path):
    path = write(tmp_path, "customer_id;date;amount\n"
                           "c1;2024-01-01;12,50\nc2;2024-01-02;7.00\nc3;2024-01-03;3\n")

    error = load_error(path, sep=";", decimal=",")

    assert_names(error, path, row=2, column="amount")
    assert "row 3 has '7.00' with a decimal point" in str(error)
    assert "row 2 has '12,50' with a decimal comma" in str(error)


def test_a_column_mixing_currencies_names_a_row_of_each(tmp_path):
    path = write(tmp_path, 'customer_id,date,amount\nc1,2024-01-01,12.50 €\nc2,2024-01-02,$3.00\n')

    error = load_error(path)

    assert_names(error, path, row=2, column="amount")
    assert re.search(r"row 2 is in EUR and row 3 in USD", str(error)), str(error)


def test_a_number_too_large_for_a_float_is_called_too_large(tmp_path):
    path = write(tmp_path, "customer_id,date,amount\nc1,2024-01-01,12\nc2,2024-01-02,1e309\n")

    error = load_error(path)

    assert_names(error, path, row=3, column="amount")
    assert "too large" in str(error)
    assert "not a number" not in str(error)


def test_extra_numeric_columns_come_back_as_numbers_and_ids_stay_text(tmp_path):
    path = write(tmp_path, "order_id;customer_id;date;amount;gross_margin;local_amount;zip;note\n"
                           "0012;c1;2024-01-01;12,50;5,25;93,25 kr.;01067;gift\n"
                           "0013;c2;2024-01-02;1.234,00;518,28;9.205,64 kr.;10115;\n")

    frame = load_transactions(path, sep=";")

    assert frame["gross_margin"].tolist() == [5.25, 518.28]
    assert frame["local_amount"].tolist() == [93.25, 9205.64]
    assert frame["gross_margin"].sum() == pytest.approx(523.53)
    assert frame["order_id"].tolist() == ["0012", "0013"]
    assert frame["zip"].tolist() == ["01067", "10115"]
    assert frame["note"].tolist()[0] == "gift" and pd.isna(frame["note"].tolist()[1])


def test_an_empty_cell_in_an_extra_numeric_column_is_missing_not_an_error(tmp_path):
    path = write(tmp_path, "customer_id,date,amount,gross_margin\n"
                           "c1,2024-01-01,12,5.5\nc2,2024-01-02,3,\n")

    frame = load_transactions(path)

    assert frame["gross_margin"].iloc[0] == 5.5 and pd.isna(frame["gross_margin"].iloc[1])


# --------------------------------------------------------------------------- refunds, quantities

def test_refunds_written_as_positive_amounts_are_made_negative_with_a_note(tmp_path):
    path = write(tmp_path, "customer_id,date,quantity,amount,is_refund\n"
                           "c1,2024-01-01,1,25,false\nc1,2024-01-05,1,25,true\n")

    with pytest.warns(DataNote, match=r"made negative .*1 in all; the first is row 3"):
        frame = load_transactions(path)

    assert frame["amount"].tolist() == [25.0, -25.0]
    assert frame["quantity"].tolist() == [1, -1]
    assert frame["amount"].sum() == 0


def test_refunds_both_positive_and_negative_are_refused_naming_one_of_each(tmp_path):
    path = write(tmp_path, "customer_id,date,amount,is_refund\n"
                           "c1,2024-01-01,25,false\nc1,2024-01-05,25,true\nc2,2024-01-06,-3,true\n")

    error = load_error(path)

    assert_names(error, path, row=3, column="amount")
    assert "row 3 is positive while the one in row 4 is negative" in str(error)


@pytest.mark.parametrize("quantity", ["-3", "0", "1.5"])
def test_a_quantity_that_is_not_a_positive_whole_number_is_refused_on_an_order(tmp_path, quantity):
    path = write(tmp_path, "customer_id,date,quantity,amount\n"
                           f"c1,2024-01-01,2,12\nc2,2024-01-02,{quantity},3\n")

    error = load_error(path)

    assert_names(error, path, row=3, column="quantity")
    assert quantity in str(error)


def test_an_empty_quantity_counts_as_one_with_a_note(tmp_path):
    path = write(tmp_path, "customer_id,date,quantity,amount\nc1,2024-01-01,2,12\nc2,2024-01-02,,3\n")

    with pytest.warns(DataNote, match="row 3"):
        frame = load_transactions(path)

    assert frame["quantity"].tolist() == [2, 1]
    assert frame["quantity"].dtype == "int64"


# --------------------------------------------------------------------------- header and rename

def test_a_duplicated_header_is_refused_naming_both_columns(tmp_path):
    path = write(tmp_path, "customer_id,date,amount,amount\nc1,2024-01-01,12,13\n")

    error = load_error(path)

    assert_names(error, path, row=1, column="amount")
    assert "columns 3 and 4" in str(error)


def test_rename_onto_an_existing_column_is_refused(tmp_path):
    path = write(tmp_path, "customer_id,date,amount,Betrag\nc1,2024-01-01,12,13\n")

    error = load_error(path, rename={"Betrag": "amount"})

    assert_names(error, path, row=1, column="amount")
    assert "'amount' and 'Betrag'" in str(error)


def test_rename_of_a_column_the_file_does_not_have_is_named(tmp_path):
    path = write(tmp_path, "customer_id,date,amount\nc1,2024-01-01,12\n")

    error = load_error(path, rename={"Betrag": "amount"})

    assert_names(error, path, row=1, column="Betrag")


def test_semicolon_header_holding_a_comma_suggests_sep_semicolon(tmp_path):
    path = write(tmp_path, "customer_id;date;amount;Betrag, brutto\nc1;2024-01-01;12;13\n")

    error = load_error(path)

    assert "sep=';'" in str(error)


@pytest.mark.parametrize("options, words", [
    ({"rename": ["Betrag", "amount"]}, "rename maps your column names"),
    ({"sep": None}, "sep is the one character"),
    ({"sep": ";;"}, "sep is the one character"),
    ({"encoding": "utf-99"}, "'utf-99' is not an encoding"),
    ({"decimal": ";"}, "decimal is '.' or ','"),
    ({"timezone": "Mars/Olympus"}, "'Mars/Olympus' is not a time zone"),
    ({"date_format": 5}, "date_format is a pattern"),
])
def test_an_argument_misuse_is_one_sentence(tmp_path, options, words):
    path = write(tmp_path, "customer_id,date,amount\nc1,2024-01-01,12\n")

    with pytest.raises(InputError) as info:
        load_transactions(path, **options)

    assert words in str(info.value)
    assert str(info.value).count(". ") == 0 and "\n" not in str(info.value)


# --------------------------------------------------------------------------- dates

@pytest.mark.parametrize("partial", ["2024-03", "2024"])
def test_a_partial_date_is_refused(tmp_path, partial):
    path = write(tmp_path, f"customer_id,date,amount\nc1,2024-01-01,12\nc2,{partial},3\n")

    error = load_error(path)

    assert_names(error, path, row=3, column="date")
    assert f"{partial!r}" in str(error) and "not a day" in str(error)


def test_offsets_that_change_with_daylight_saving_are_converted_to_utc_with_a_note(tmp_path):
    path = write(tmp_path, "customer_id,date,amount\n"
                           "c1,2024-03-30T23:30:00+01:00,12\nc1,2024-03-31T23:30:00+02:00,3\n")

    with pytest.warns(DataNote, match="converted to UTC"):
        frame = load_transactions(path)

    assert frame["date"].dt.tz is None
    assert frame["date"].tolist() == [pd.Timestamp("2024-03-30 22:30"),
                                      pd.Timestamp("2024-03-31 21:30")]
    with pytest.warns(DataNote, match="converted to Europe/Berlin"):
        berlin = load_transactions(path, timezone="Europe/Berlin")
    assert berlin["date"].tolist() == [pd.Timestamp("2024-03-30 23:30"),
                                       pd.Timestamp("2024-03-31 23:30")]


def test_times_with_and_without_a_zone_are_refused_naming_one_of_each(tmp_path):
    path = write(tmp_path, "customer_id,date,amount\n"
                           "c1,2024-03-30T10:00:00Z,12\nc1,2024-03-31 10:00:00,3\n")

    error = load_error(path)

    assert_names(error, path, row=2, column="date")
    assert "row 2 has '2024-03-30T10:00:00Z' and row 3 has '2024-03-31 10:00:00'" in str(error)


# --------------------------------------------------------------------------- encodings, kinds of file

@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig"])
def test_utf16_and_byte_order_marks_are_simply_read(tmp_path, encoding):
    path = write(tmp_path, "customer_id,date,amount\nMüller,2024-01-02,3\n".encode(encoding))

    frame = load_transactions(path)

    assert frame["customer_id"].tolist() == ["Müller"]
    assert list(frame.columns) == ["customer_id", "date", "quantity", "amount"]


def test_utf8_read_as_latin1_is_read_as_utf8_with_a_note(tmp_path):
    path = write(tmp_path, "customer_id,date,amount\nMüller,2024-01-02,3\n")

    with pytest.warns(DataNote, match="read as UTF-8"):
        frame = load_transactions(path, encoding="latin-1")

    assert frame["customer_id"].tolist() == ["Müller"]


@pytest.mark.parametrize("content, words", [
    (b"\x89PNG\r\n\x1a\n" + bytes(40), "PNG file"),
    (b"\x1f\x8b\x08\x00" + bytes(40), "compressed with gzip"),
    (b"PK\x03\x04" + b"\x14\x00" * 10 + b"[Content_Types].xml xl/workbook.xml", "Excel workbook"),
    (b"PK\x03\x04" + b"\x14\x00" * 10 + b"orders.csv", "ZIP archive"),
])
def test_files_that_are_not_csv_are_named_as_what_they_are(tmp_path, content, words):
    path = write(tmp_path, content)

    error = load_error(path)

    assert_names(error, path, row=None)
    assert words in str(error) and "encoding" not in str(error)


def test_a_folder_is_called_a_folder(tmp_path):
    error = load_error(tmp_path)

    assert "is a folder" in str(error)


def test_excels_sep_line_is_honoured(tmp_path):
    path = write(tmp_path, "sep=;\ncustomer_id;date;amount\nc1;2024-01-01;12,50\nc2;2024-01-02;x\n")

    error = load_error(path)

    assert_names(error, path, row=3, column="amount")
    path = write(tmp_path, "sep=;\ncustomer_id;date;amount\nc1;2024-01-01;12,50\n")
    assert load_transactions(path)["amount"].tolist() == [12.5]


# --------------------------------------------------------------------------- one row numbering

QUOTED_NEWLINE = 'customer_id,date,amount,note\nc1,2024-01-01,12,"two\nlines"\n\n'


@pytest.mark.parametrize("bad_row, column", [
    ("c2,yesterday,3,x\n", "date"),
    ("c2,2024-01-02,abc,x\n", "amount"),
    ("c2,2024-01-02,3,x,y\n", None),
    ('c2,2024-01-02,3,"open\nc3,2024-01-03,4,x\n', None),
], ids=["bad-date", "bad-number", "too-many-values", "unclosed-quote"])
def test_every_error_kind_counts_rows_as_a_spreadsheet_shows_them(tmp_path, bad_row, column):
    # row 1 header, row 2 a value over two lines, row 3 blank, row 4 the bad one
    path = write(tmp_path, QUOTED_NEWLINE + bad_row)

    error = load_error(path)

    assert_names(error, path, row=4, column=column)


def test_an_encoding_error_counts_rows_as_a_spreadsheet_shows_them(tmp_path):
    path = write(tmp_path, QUOTED_NEWLINE.encode() + "Müller,2024-01-02,3,x\n".encode("cp1252"))

    error = load_error(path)

    assert_names(error, path, row=4)


def test_an_unclosed_quote_says_so_without_pandas_words(tmp_path):
    path = write(tmp_path, 'customer_id,date,amount\nc1,2024-01-01,12\nc2,"2024-01-02,3\n')

    error = load_error(path)

    assert_names(error, path, row=3)
    assert "never closed" in str(error) and "EOF" not in str(error)


# --------------------------------------------------------------------------- types from every path

def test_the_shop_written_to_csv_loads_back_with_the_same_types_and_values(tmp_path):
    shop = datasets.load("shop")
    path = tmp_path / "shop.csv"
    shop.to_csv(path, index=False)

    frame = load_transactions(path)

    # rows come in date order, the file's order within a day
    expected = shop.sort_values("date", kind="stable").reset_index(drop=True)
    assert frame.dtypes.to_dict() == expected.dtypes.to_dict()
    pd.testing.assert_frame_equal(frame, expected[frame.columns.tolist()], check_like=True)


def test_cdnow_written_to_csv_loads_back_with_integer_ids_and_quantities(tmp_path):
    cdnow = datasets.load("cdnow_sample")
    path = tmp_path / "cdnow.csv"
    cdnow.to_csv(path, index=False)

    with pytest.warns(DataNote):  # the sample has identical purchases on one day
        frame = load_transactions(path)

    expected = cdnow.sort_values("date", kind="stable").reset_index(drop=True)
    assert frame.dtypes.to_dict() == cdnow.dtypes.to_dict()
    pd.testing.assert_frame_equal(frame, expected)


def test_the_loader_benchmark_runs_on_a_small_file(root, tmp_path):
    result = subprocess.run([sys.executable, str(root / "benchmarks" / "bench_loader.py"),
                             "--rows", "3000", "--rounds", "1", "--file", str(tmp_path / "export.csv")],
                            capture_output=True, text=True, timeout=120, check=True)
    assert "pandas.read_csv:" in result.stdout and "clv_course load_transactions:" in result.stdout
    assert "3,000 rows" in result.stdout


def test_spaces_around_values_are_ignored(tmp_path):
    path = write(tmp_path, "customer_id , date , amount , channel\n"
                           "c1 , 2024-01-01 , 12.50 , own shop \n c1,2024-01-02\t,3,web\n")

    frame = load_transactions(path)

    assert frame["customer_id"].tolist() == ["c1", "c1"]
    assert frame["date"].tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-02")]
    assert frame["amount"].tolist() == [12.5, 3.0]
    assert frame["channel"].tolist() == ["own shop", "web"]


def test_one_fixed_offset_is_converted_too_so_later_code_sees_plain_times(tmp_path):
    path = write(tmp_path, "customer_id,date,amount\nc1,2024-01-05T10:00:00+01:00,12\n")

    with pytest.warns(DataNote, match="converted to UTC"):
        frame = load_transactions(path)

    assert frame["date"].tolist() == [pd.Timestamp("2024-01-05 09:00")]
    assert frame["date"].dt.tz is None


def test_a_separator_at_the_end_of_every_line_adds_no_column(tmp_path):
    path = write(tmp_path, "customer_id,date,amount,,\nc1,2024-01-01,12,,\n")

    frame = load_transactions(path)

    assert list(frame.columns) == ["customer_id", "date", "quantity", "amount"]


def test_crlf_cp1252_semicolon_export_with_german_dates_and_euros_loads(tmp_path):
    path = write(tmp_path, "sep=;\r\nKunde;Datum;Betrag;Menge\r\nMüller;15.03.2024;1.234,50 €;2\r\n"
                           "Schmidt;16.03.2024;7,99 €;1\r\n\r\n".encode("cp1252"))

    frame = load_transactions(path, encoding="cp1252", date_format="%d.%m.%Y", rename={
        "Kunde": "customer_id", "Datum": "date", "Betrag": "amount", "Menge": "quantity"})

    assert frame["customer_id"].tolist() == ["Müller", "Schmidt"]
    assert frame["amount"].tolist() == [1234.5, 7.99]
    assert frame["quantity"].tolist() == [2, 1]


def test_an_extra_true_false_column_stays_true_false(tmp_path):
    path = write(tmp_path, "customer_id,date,amount,newsletter\nc1,2024-01-01,12,true\n"
                           "c2,2024-01-02,3,false\n")

    frame = load_transactions(path)

    assert frame["newsletter"].tolist() == [True, False]


def test_true_false_where_the_amount_belongs_is_not_a_number(tmp_path):
    path = write(tmp_path, "customer_id,date,amount\nc1,2024-01-01,true\n")

    error = load_error(path)

    assert_names(error, path, row=2, column="amount")
    assert "'true' is not a number" in str(error)


def test_an_empty_quantity_column_counts_as_one(tmp_path):
    path = write(tmp_path, "customer_id;date;amount;quantity\nc1;2024-01-01;12;\n")

    with pytest.warns(DataNote):
        frame = load_transactions(path, sep=";")

    assert frame["quantity"].tolist() == [1]
