"""Checks and views every module shares on a table of transactions.

One place decides what a usable table is (a DataFrame with the needed columns
and at least one row) and which rows are orders (refund rows are not), so
every metric counts orders the same way.
"""

from __future__ import annotations

import pandas as pd

from clv_course.errors import InputError
from clv_course.i18n import _


def require_columns(transactions: pd.DataFrame, *columns: str) -> None:
    """Raise a one-sentence InputError unless ``transactions`` is a non-empty table with ``columns``."""
    if not isinstance(transactions, pd.DataFrame):
        raise InputError(_("Expected a table of transactions (a pandas DataFrame), got {kind}.")
                         .format(kind=type(transactions).__name__))
    missing = [c for c in columns if c not in transactions.columns]
    if missing:
        raise InputError(_("The transactions need a column {column!r}; they have: {found}.")
                         .format(column=missing[0], found=", ".join(map(str, transactions.columns))))
    if transactions.empty:
        raise InputError(_("The table of transactions is empty."))


def is_refund(transactions: pd.DataFrame) -> pd.Series:
    """True for refund rows (``is_refund``); all False when the table has no such column."""
    if "is_refund" in transactions.columns:
        return transactions["is_refund"].astype(bool)
    return pd.Series(False, index=transactions.index)


def orders(transactions: pd.DataFrame) -> pd.DataFrame:
    """The rows that are orders: refund rows are not orders."""
    return transactions[~is_refund(transactions)]
