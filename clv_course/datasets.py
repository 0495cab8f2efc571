"""The course's data sets, and a careful loader for a learner's own transactions.

``load(name)`` returns tidy transactions: one row per order line with
``customer_id``, ``date``, ``quantity`` and ``amount`` (plus the shop's extra
columns). ``load_transactions(path)`` reads a learner's CSV and answers every
data mistake with one sentence naming the file, the row and the column, so a
learner never has to read a traceback from inside pandas.
"""

from __future__ import annotations

import csv
import io
import os
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from clv_course.errors import DataFileError, InputError
from clv_course.i18n import _

REQUIRED_COLUMNS = ("customer_id", "date", "amount")
_PACKAGE_DIR = Path(__file__).resolve().parent


def datasets_dir() -> Path:
    """Where the data files are: the repository's datasets/ or the installed copy."""
    for candidate in (_PACKAGE_DIR.parent / "datasets", _PACKAGE_DIR / "_datasets"):
        if (candidate / "cdnow").is_dir():
            return candidate
    raise FileNotFoundError(_("The course's datasets folder is missing; reinstall the course."))


def _read_cdnow(path: Path, *, sample: bool) -> pd.DataFrame:
    names = (["customer_id", "sample_id", "date", "quantity", "amount"] if sample
             else ["customer_id", "date", "quantity", "amount"])
    frame = pd.read_csv(path, sep=r"\s+", header=None, names=names, skiprows=0 if sample else 1,
                        dtype={"customer_id": "int64", "date": "str", "quantity": "int64",
                               "amount": "float64"})
    frame["date"] = pd.to_datetime(frame["date"], format="%Y%m%d")
    frame = frame[["customer_id", "date", "quantity", "amount"]]
    frame = frame.sort_values(["customer_id", "date"], kind="stable").reset_index(drop=True)
    frame.attrs["currency"] = "USD"
    return frame


def _read_shop(table: str) -> pd.DataFrame:
    folder = datasets_dir() / "shop"
    if table == "customers":
        frame = pd.read_csv(folder / "customers.csv", parse_dates=["first_purchase"],
                            dtype={"customer_id": "str"})
    elif table == "marketing":
        frame = pd.read_csv(folder / "marketing_spend.csv", dtype={"month": "str"})
        frame["month"] = pd.PeriodIndex(frame["month"], freq="M")
    else:
        frame = pd.read_csv(folder / "transactions.csv", parse_dates=["date"],
                            dtype={"customer_id": "str", "order_id": "str"})
        customers = _read_shop("customers")[["customer_id", "country", "acquisition_channel"]]
        frame = frame.merge(customers, on="customer_id", how="left", validate="many_to_one")
    frame.attrs["currency"] = "EUR"
    return frame


#: name -> (what it is, how to read it)
DATASETS = {
    "cdnow": ("CDNOW: all 23,570 customers, 1997-01 to 1998-06, USD",
              lambda: _read_cdnow(datasets_dir() / "cdnow" / "CDNOW_master.txt", sample=False)),
    "cdnow_sample": ("CDNOW: the 1/10 sample of 2,357 customers used in the research papers",
                     lambda: _read_cdnow(datasets_dir() / "cdnow" / "CDNOW_sample.txt", sample=True)),
    "shop": ("Synthetic European shop: order lines with country, channels, margin and refunds",
             lambda: _read_shop("transactions")),
    "shop_customers": ("Synthetic European shop: one row per customer with acquisition channel",
                       lambda: _read_shop("customers")),
    "shop_marketing": ("Synthetic European shop: marketing spend per month and channel, EUR",
                       lambda: _read_shop("marketing")),
}


def available() -> dict[str, str]:
    """The data sets ``load`` knows: name -> one-line description."""
    return {name: description for name, (description, _reader) in DATASETS.items()}


#: Set by the grader: the notebook then sees a fresh variant of every data set (see load).
SEED_VARIABLE = "CLV_COURSE_DATA_SEED"
#: Share of customers a fresh variant keeps.
RESAMPLE_KEEP = 0.85


def data_seed() -> int | None:
    """The grader's data seed for this process, or None for the course's own data."""
    value = os.environ.get(SEED_VARIABLE, "").strip()
    return int(value) if value.lstrip("-").isdigit() else None


def load(name: str, *, seed: int | None = None) -> pd.DataFrame:
    """Load one of the course's data sets by name (see :func:`available`).

    With a ``seed`` (or ``$CLV_COURSE_DATA_SEED``, which the grader sets) the data
    are a fresh variant: a seeded 85 % of the customers, marketing spend moved
    by up to 15 %. Answers computed from the data change with it, so a number
    typed into a notebook cannot pass a grading check.
    """
    if name not in DATASETS:
        raise InputError(_("There is no data set called {name!r}. Available: {names}.").format(
            name=name, names=", ".join(DATASETS)))
    frame = _cached(name, data_seed() if seed is None else seed)
    copy = frame.copy()
    copy.attrs = dict(frame.attrs)
    return copy


@lru_cache(maxsize=16)
def _cached(name: str, seed: int | None) -> pd.DataFrame:
    frame = DATASETS[name][1]()
    return frame if seed is None else _fresh_variant(frame, seed)


def _fresh_variant(frame: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The same kind of data with other numbers: a seeded subset of customers, or of spend."""
    attrs = dict(frame.attrs)
    if "customer_id" in frame.columns:
        key = f"{seed % 10**16:016d}"
        hashes = pd.util.hash_pandas_object(frame["customer_id"].astype(str), index=False,
                                            hash_key=key).to_numpy()
        frame = frame[hashes % 1000 < RESAMPLE_KEEP * 1000].reset_index(drop=True)
    elif "spend" in frame.columns:
        factors = np.random.default_rng(seed).uniform(0.85, 1.15, len(frame))
        frame = frame.assign(spend=(frame["spend"] * factors).round(2))
    frame.attrs = attrs
    return frame


# --------------------------------------------------------------------------- learner's CSV

_OTHER_SEPARATORS = {";": "';'", "\t": "'\\t' (tab)", "|": "'|'", ",": "','"}


def _fail(message: str, path: Path, row: int | None = None, column: str | None = None) -> None:
    raise DataFileError(message, path=str(path), row=row, column=column)


def _decode(raw: bytes, path: Path, encoding: str) -> str:
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as error:
        row = raw[: error.start].count(b"\n") + 1
        _fail(_("{file}, row {row}: the file is not in the {encoding} encoding. Save it as "
                "UTF-8, or pass encoding='cp1252' (Excel on Windows) or encoding='latin-1'.")
              .format(file=path.name, row=row, encoding=encoding), path, row)
    return text.removeprefix("\ufeff")


def _too_many_values(path: Path, row: int, seen: int, expected: int, sep: str) -> None:
    _fail(_("{file}, row {row}: this row has {seen} values but the header has {expected} "
            "columns. Check for a stray separator {sep!r} inside a value.")
          .format(file=path.name, row=row, seen=seen, expected=expected, sep=sep), path, row)


def _parse(text: str, path: Path, sep: str) -> pd.DataFrame:
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                            skipinitialspace=True, skip_blank_lines=False, engine="c")
    except pd.errors.ParserError as error:
        match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(error))
        if match:
            expected, row, seen = (int(g) for g in match.groups())
            _too_many_values(path, row, seen, expected, sep)
        _fail(_("{file}: the file could not be read as CSV ({reason}).")
              .format(file=path.name, reason=str(error).strip()), path)
    if not isinstance(frame.index, pd.RangeIndex):
        # The first data row has more values than the header: pandas would silently take
        # the extra leading values as an index and shift every column to the left.
        reader = csv.reader(io.StringIO(text), delimiter=sep, skipinitialspace=True)
        expected = len(next(reader))
        for record in reader:
            if len(record) > expected:
                _too_many_values(path, reader.line_num, len(record), expected, sep)
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def _check_separator(header: str, path: Path, sep: str) -> None:
    if sep in header:
        return
    for other, shown in _OTHER_SEPARATORS.items():
        if other != sep and other in header:
            _fail(_("{file}: the columns seem to be separated by {shown}, not {sep!r}. "
                    "Pass sep={other!r}.").format(file=path.name, shown=shown, sep=sep,
                                                  other=other), path, 1)


def load_transactions(path: str | Path, *, sep: str = ",", decimal: str = ".",
                      encoding: str = "utf-8", date_format: str | None = None,
                      rename: dict[str, str] | None = None) -> pd.DataFrame:
    """Read a learner's CSV of transactions and check it row by row.

    The file needs the columns ``customer_id``, ``date`` (ISO ``2024-03-15``
    unless ``date_format`` says otherwise, e.g. ``"%d.%m.%Y"``) and ``amount``;
    ``quantity`` (default 1) and ``is_refund`` (true/false) are optional.
    ``rename`` maps your own column names to these. A negative amount is only
    accepted on a row whose ``is_refund`` is true. Any problem raises
    :class:`DataFileError` with the file, row (as a spreadsheet counts them,
    header = row 1) and column.
    """
    path = Path(path)
    if not path.is_file():
        _fail(_("There is no file {file}.").format(file=path), path)
    raw = path.read_bytes()
    text = _decode(raw, path, encoding)
    if not text.strip():
        _fail(_("{file} is empty: it should start with a header row such as "
                "customer_id,date,amount.").format(file=path.name), path)
    header = text.splitlines()[0]
    _check_separator(header, path, sep)
    frame = _parse(text, path, sep)
    if rename:
        frame = frame.rename(columns=rename)
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        _fail(_("{file}: the column {column!r} is missing. The header has: {found}. "
                "Use rename={{'your name': '{column}'}} if it is there under another name.")
              .format(file=path.name, column=missing[0], found=", ".join(frame.columns)),
              path, 1, missing[0])
    blank_line = frame.apply(lambda column: column.str.strip().eq("")).all(axis=1).to_numpy()
    lines = np.flatnonzero(~blank_line) + 2  # each record's row in the file (header = row 1)
    frame = frame[~blank_line].reset_index(drop=True)
    if frame.empty:
        _fail(_("{file} has a header but no transactions.").format(file=path.name), path)

    for column in [c for c in ("customer_id", "date", "amount") if c in frame.columns]:
        blank = frame[column].str.strip().eq("").to_numpy()
        if blank.any():
            row = int(lines[np.flatnonzero(blank)[0]])
            _fail(_("{file}, row {row}, column {column!r}: the value is empty.")
                  .format(file=path.name, row=row, column=column), path, row, column)

    dates = pd.to_datetime(frame["date"].str.strip(), format=date_format or "ISO8601",
                           errors="coerce")
    bad = dates.isna().to_numpy()
    if bad.any():
        position = int(np.flatnonzero(bad)[0])
        row = int(lines[position])
        hint = (_("Dates should look like 2024-03-15, or pass date_format='%d.%m.%Y' "
                  "(or the pattern your file uses).") if date_format is None else
                _("It does not match date_format={pattern!r}.").format(pattern=date_format))
        _fail(_("{file}, row {row}, column 'date': {value!r} is not a date. {hint}")
              .format(file=path.name, row=row, value=frame["date"].iat[position], hint=hint),
              path, row, "date")

    numbers = {}
    for column in [c for c in ("amount", "quantity") if c in frame.columns]:
        raw_values = frame[column].str.strip()
        if decimal != ".":
            raw_values = raw_values.str.replace(".", "", regex=False).str.replace(
                decimal, ".", regex=False)
        values = pd.to_numeric(raw_values, errors="coerce")
        bad = values.isna().to_numpy() | ~np.isfinite(values.to_numpy(dtype=float, na_value=np.nan))
        if bad.any():
            position = int(np.flatnonzero(bad)[0])
            value = frame[column].iat[position]
            hint = (_(" It looks like a decimal comma: pass decimal=','.")
                    if decimal == "." and re.fullmatch(r"-?\d+,\d+", value.strip()) else "")
            _fail(_("{file}, row {row}, column {column!r}: {value!r} is not a number.{hint}")
                  .format(file=path.name, row=int(lines[position]), column=column, value=value, hint=hint),
                  path, int(lines[position]), column)
        numbers[column] = values.astype(float)

    is_refund = np.zeros(len(frame), dtype=bool)
    if "is_refund" in frame.columns:
        flags = frame["is_refund"].str.strip().str.lower()
        known = flags.isin(["true", "false", "1", "0", "yes", "no", ""])
        if not known.all():
            position = int(np.flatnonzero(~known.to_numpy())[0])
            _fail(_("{file}, row {row}, column 'is_refund': {value!r} should be true or false.")
                  .format(file=path.name, row=int(lines[position]), value=frame["is_refund"].iat[position]),
                  path, int(lines[position]), "is_refund")
        is_refund = flags.isin(["true", "1", "yes"]).to_numpy()
    negative = (numbers["amount"].to_numpy() < 0) & ~is_refund
    if negative.any():
        position = int(np.flatnonzero(negative)[0])
        _fail(_("{file}, row {row}, column 'amount': {value} is negative. If it is a refund, add "
                "a column is_refund and set it to true on that row; otherwise correct the amount.")
              .format(file=path.name, row=int(lines[position]), value=frame["amount"].iat[position].strip()),
              path, int(lines[position]), "amount")

    duplicated = frame.duplicated(keep="first").to_numpy()
    if duplicated.any():
        position = int(np.flatnonzero(duplicated)[0])
        first = int(np.flatnonzero((frame == frame.iloc[position]).all(axis=1).to_numpy())[0])
        _fail(_("{file}, row {row} repeats row {first} exactly. Remove the copy, or add an "
                "order_id column if these really are two orders.")
              .format(file=path.name, row=int(lines[position]), first=int(lines[first])), path, int(lines[position]))

    result = pd.DataFrame({
        "customer_id": frame["customer_id"].str.strip(),
        "date": dates,
        "quantity": numbers.get("quantity", pd.Series(1.0, index=frame.index)),
        "amount": numbers["amount"],
    })
    if "is_refund" in frame.columns:
        result["is_refund"] = is_refund
    extra = [c for c in frame.columns if c not in result.columns]
    for column in extra:
        result[column] = frame[column]
    return result.sort_values(["customer_id", "date"], kind="stable").reset_index(drop=True)
