"""The customer-base summary that the predictive models (BG/NBD, Pareto/NBD, Gamma-Gamma) read.

For each customer whose first purchase falls in the calibration period:

- ``frequency``: repeat purchases, i.e. distinct purchase days - 1 (several
  orders on one day count once, as in the research papers);
- ``recency``: time from the first to the last purchase day;
- ``T``: time from the first purchase to the end of calibration;
- ``monetary_value``: mean spend of the repeat purchase days (first day left
  out, same-day amounts summed); 0 for customers with no repeat purchase;

and, with ``holdout_end``, the holdout's ``frequency_holdout`` (purchase days),
``monetary_value_holdout`` and ``duration_holdout``. Times are in the stated
unit as days / unit length: weeks are days / 7, not calendar weeks.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from clv_course.errors import InputError
from clv_course.i18n import _
from clv_course.units import Unit, days_per


def _day_numbers(dates: pd.Series) -> np.ndarray:
    if not pd.api.types.is_datetime64_any_dtype(dates):
        raise InputError(_("The column 'date' must hold dates; load the data with "
                           "clv_course.datasets so that it does."))
    if dates.isna().any():
        raise InputError(_("The column 'date' has {count} missing dates.").format(
            count=int(dates.isna().sum())))
    return dates.to_numpy().astype("datetime64[D]").astype(np.int64)


def _day_number(value, name: str) -> int:
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        stamp = pd.NaT
    if pd.isna(stamp):
        raise InputError(_("{name} must be a date such as '1997-09-30'; got {value!r}.").format(
            name=name, value=value))
    return int(np.datetime64(stamp.date(), "D").astype(np.int64))


def _first_and_last(codes: np.ndarray, values: np.ndarray, size: int,
                    fill: float) -> tuple[np.ndarray, np.ndarray]:
    """First and last value per code, for arrays sorted by code."""
    first = np.full(size, fill, dtype=float)
    last = np.full(size, fill, dtype=float)
    if codes.size:
        change = np.flatnonzero(codes[1:] != codes[:-1])
        starts = np.concatenate(([0], change + 1))
        ends = np.concatenate((change, [codes.size - 1]))
        first[codes[starts]] = values[starts]
        last[codes[ends]] = values[ends]
    return first, last


def customer_summary(transactions: pd.DataFrame, *, calibration_end, unit: Unit,
                     holdout_end=None) -> pd.DataFrame:
    """Frequency, recency, T and mean spend per customer, for a calibration period.

    ``calibration_end`` and ``holdout_end`` are included in their periods.
    Refund rows (``is_refund``) are not purchases and are left out. The result
    is indexed by ``customer_id`` in sorted order.
    """
    for column in ("customer_id", "date"):
        if column not in transactions.columns:
            raise InputError(_("The transactions need a column {column!r}; they have: {found}.")
                             .format(column=column, found=", ".join(map(str, transactions.columns))))
    length = days_per(unit)
    if "is_refund" in transactions.columns:
        transactions = transactions[~transactions["is_refund"].astype(bool)]
    cal_end = _day_number(calibration_end, "calibration_end")
    hold_end = None if holdout_end is None else _day_number(holdout_end, "holdout_end")
    if hold_end is not None and hold_end <= cal_end:
        raise InputError(_("holdout_end must come after calibration_end."))

    codes, customers = pd.factorize(transactions["customer_id"], sort=True)
    days = _day_numbers(transactions["date"])
    amounts = (transactions["amount"].to_numpy(dtype=float) if "amount" in transactions.columns
               else np.zeros(len(days)))
    order = np.lexsort((days, codes))
    codes, days, amounts = codes[order], days[order], amounts[order]

    # One entry per customer and purchase day; amounts on the same day summed.
    new_day = np.ones(codes.size, dtype=bool)
    new_day[1:] = (codes[1:] != codes[:-1]) | (days[1:] != days[:-1])
    starts = np.flatnonzero(new_day)
    day_codes, day_days = codes[starts], days[starts]
    day_amounts = np.add.reduceat(amounts, starts) if starts.size else amounts[:0]

    size = len(customers)
    first_day, _last = _first_and_last(day_codes, day_days.astype(float), size, np.nan)
    in_calibration = day_days <= cal_end
    cal_codes = day_codes[in_calibration]
    _first, last_day = _first_and_last(cal_codes, day_days[in_calibration].astype(float), size,
                                       np.nan)
    first_amount, _ = _first_and_last(cal_codes, day_amounts[in_calibration], size, 0.0)
    purchase_days = np.bincount(cal_codes, minlength=size)
    spend = np.bincount(cal_codes, weights=day_amounts[in_calibration], minlength=size)

    keep = first_day <= cal_end
    if not keep.any():
        raise InputError(_("No customer made a first purchase by calibration_end {date}.").format(
            date=pd.Timestamp(calibration_end).date()))
    frequency = purchase_days - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(frequency > 0, (spend - first_amount) / frequency, 0.0)
    summary = pd.DataFrame({
        "frequency": frequency,
        "recency": (last_day - first_day) / length,
        "T": (cal_end - first_day) / length,
        "monetary_value": monetary,
    }, index=pd.Index(customers, name="customer_id"))

    if hold_end is not None:
        in_holdout = (day_days > cal_end) & (day_days <= hold_end)
        hold_codes = day_codes[in_holdout]
        hold_days = np.bincount(hold_codes, minlength=size)
        hold_spend = np.bincount(hold_codes, weights=day_amounts[in_holdout], minlength=size)
        with np.errstate(invalid="ignore", divide="ignore"):
            summary["frequency_holdout"] = hold_days
            summary["monetary_value_holdout"] = np.where(hold_days > 0, hold_spend / hold_days, 0.0)
        summary["duration_holdout"] = (hold_end - cal_end) / length
    return summary[keep]
