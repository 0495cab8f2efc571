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


def _customer_codes(ids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Dense codes 0..k-1 per customer and the ids they stand for, in sorted order.

    Integer ids in a compact range are their own codes (no hashing); other ids
    are factorised. Codes of ids that never occur are dropped later.
    """
    if pd.api.types.is_integer_dtype(ids.dtype) and len(ids):
        values = ids.to_numpy(dtype=np.int64)
        low, high = int(values.min()), int(values.max())
        if high - low < 4 * len(values) + 1024:
            return values - low, np.arange(low, high + 1)
    codes, customers = pd.factorize(ids, sort=True)
    return codes.astype(np.int64), np.asarray(customers)


def _first_row_of_each_purchase_day(codes: np.ndarray, days: np.ndarray) -> np.ndarray:
    """True on the first row of each (customer, day): later rows that day are not new purchases.

    A hash of the key customer * span + day finds repeats without sorting; a
    32-bit key, when it fits, hashes more than twice as fast as a 64-bit one.
    """
    if not days.size:
        return np.ones(0, dtype=bool)
    first = days.min()
    key = codes * (int(days.max() - first) + 1) + (days - first)
    if key.max() < 2**32:
        key = key.astype(np.uint32)
    return ~pd.Series(key).duplicated().to_numpy()


def customer_summary(transactions: pd.DataFrame, *, calibration_end, unit: Unit,
                     holdout_end=None) -> pd.DataFrame:
    """Frequency, recency, T and mean spend per customer, for a calibration period.

    ``calibration_end`` and ``holdout_end`` are included in their periods.
    Refund rows (``is_refund``) are not purchases and are left out. The result
    is indexed by ``customer_id`` in sorted order, and ``result.attrs["unit"]``
    records ``unit``: models fitted on it remember it (``unit_``), and
    :func:`clv_course.models.predicted_clv` refuses another unit.
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

    codes, customers = _customer_codes(transactions["customer_id"])
    days = _day_numbers(transactions["date"])
    amounts = (transactions["amount"].to_numpy(dtype=float) if "amount" in transactions.columns
               else np.zeros(len(days)))
    size = len(customers)

    # Masks and bincount weights instead of filtered copies: this is the hot loop.
    new_day = _first_row_of_each_purchase_day(codes, days)
    first_day = np.full(size, np.iinfo(np.int64).max)
    np.minimum.at(first_day, codes, days)
    keep = first_day <= cal_end
    if not keep.any():
        raise InputError(_("No customer made a first purchase by calibration_end {date}.").format(
            date=pd.Timestamp(calibration_end).date()))

    in_calibration = days <= cal_end
    last_day = np.full(size, np.iinfo(np.int64).min)
    np.maximum.at(last_day, codes, np.where(in_calibration, days, np.iinfo(np.int64).min))
    purchase_days = np.bincount(codes, weights=new_day & in_calibration, minlength=size)
    spend = np.bincount(codes, weights=np.where(in_calibration, amounts, 0.0), minlength=size)
    first_spend = np.bincount(codes, weights=np.where(days == first_day[codes], amounts, 0.0),
                              minlength=size)

    frequency = purchase_days.astype(np.int64) - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        monetary = np.where(frequency > 0, (spend - first_spend) / frequency, 0.0)
    summary = pd.DataFrame({
        "frequency": frequency,
        "recency": (last_day - first_day) / length,
        "T": (cal_end - first_day) / length,
        "monetary_value": monetary,
    }, index=pd.Index(customers, name="customer_id"))

    if hold_end is not None:
        in_holdout = ~in_calibration & (days <= hold_end)
        hold_days = np.bincount(codes, weights=new_day & in_holdout, minlength=size).astype(np.int64)
        hold_spend = np.bincount(codes, weights=np.where(in_holdout, amounts, 0.0), minlength=size)
        with np.errstate(invalid="ignore", divide="ignore"):
            summary["frequency_holdout"] = hold_days
            summary["monetary_value_holdout"] = np.where(hold_days > 0, hold_spend / hold_days, 0.0)
        summary["duration_holdout"] = (hold_end - cal_end) / length
    summary = summary[keep]
    summary.attrs["unit"] = unit  # the models remember it, and refuse predictions in another
    return summary
