"""The course's data sets, and a careful loader for a learner's own transactions.

``load(name)`` returns tidy transactions: one row per order line with
``customer_id``, ``date``, ``quantity`` and ``amount`` (plus the shop's extra
columns). ``load_transactions(path)`` reads a learner's CSV and answers every
data mistake with one sentence naming the file, the row and the column, so a
learner never has to read a traceback from inside pandas; what it had to decide
for the learner (times converted to UTC, refunds made negative, identical rows
kept) it says in a :class:`DataNote`.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import re
import warnings
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
                            dtype={"customer_id": "str", "order_id": "str", "quantity": "int64"})
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
    if not value:
        return None
    if not re.fullmatch(r"-?\d+", value):
        raise InputError(_("The environment variable {variable} is {value!r}, but a data seed is a "
                           "whole number such as 42; set a whole number or unset it.")
                         .format(variable=SEED_VARIABLE, value=value))
    return int(value)


def load(name: str, *, seed: int | None = None) -> pd.DataFrame:
    """Load one of the course's data sets by name (see :func:`available`).

    With a ``seed`` (or ``$CLV_COURSE_DATA_SEED``, which the grader sets) the data
    are a fresh variant: a seeded 85 % of the customers, marketing spend moved
    by up to 15 %. Answers computed from the data change with it, so a number
    typed into a notebook cannot pass a grading check.
    """
    if not isinstance(name, str):
        raise InputError(_("The data set's name is text such as 'shop', not a {kind}; "
                           "available: {names}.").format(kind=type(name).__name__,
                                                        names=", ".join(DATASETS)))
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
        raise InputError(_("The seed is a whole number such as 42, not {value!r}.")
                         .format(value=seed))
    if name not in DATASETS:
        raise InputError(_("There is no data set called {name!r}; available: {names}.").format(
            name=name, names=", ".join(DATASETS)))
    frame = _cached(name, data_seed() if seed is None else int(seed))
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

class DataNote(UserWarning):
    """Something about a file that was read as it is, but that the learner should know."""


_OTHER_SEPARATORS = {";": "';'", "\t": "'\\t' (tab)", "|": "'|'", ",": "','"}
#: the first bytes of files that are not text, and what to call them
_MAGIC = ((b"\x89PNG", "png"), (b"\xff\xd8\xff", "jpeg"), (b"GIF8", "gif"), (b"%PDF", "pdf"),
          (b"\x1f\x8b", "gzip"), (b"BZh", "bzip2"), (b"\xfd7zXZ", "xz"), (b"PK\x03\x04", "zip"),
          (b"\xd0\xcf\x11\xe0", "xls"), (b"PAR1", "parquet"), (b"SQLite format 3", "sqlite"))
_SINGLE_BYTE = {"latin_1", "iso8859_1", "cp1252", "iso8859_15"}
_TRUE = ("true", "1", "yes", "y", "t")
_FALSE = ("false", "0", "no", "n", "f")
_CURRENCY = {"€": "EUR", "eur": "EUR", "$": "USD", "us$": "USD", "usd": "USD", "£": "GBP",
             "gbp": "GBP", "kr.": "kr", "kr": "kr", "dkk": "DKK", "sek": "SEK", "nok": "NOK",
             "chf": "CHF", "fr.": "CHF"}
_NUMBER = re.compile(
    r"(?P<s1>[-+\u2212]?)\s*(?P<pre>€|US\$|\$|£|EUR|USD|GBP|DKK|SEK|NOK|CHF|kr\.?|Fr\.)?\s*"
    r"(?P<s2>[-+\u2212]?)\s*(?P<num>\d[\d.,' \u00a0\u202f]*(?:[eE][-+]?\d+)?)\s*"
    r"(?P<post>€|EUR|USD|GBP|DKK|SEK|NOK|CHF|kr\.?|\$|£)?", re.IGNORECASE)
#: (pattern of the digits, convention, how to read them)
_SHAPES = (
    (re.compile(r"\d+"), "plain", lambda s: s),
    (re.compile(r"[1-9]\d{0,2}\.\d{3}"), "ambiguous.", None),
    (re.compile(r"[1-9]\d{0,2},\d{3}"), "ambiguous,", None),
    (re.compile(r"\d+\.\d+(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+"), "point", lambda s: s),
    (re.compile(r"\d+,\d+"), "comma", lambda s: s.replace(",", ".")),
    (re.compile(r"[1-9]\d{0,2}(?:,\d{3})+\.\d+|[1-9]\d{0,2}(?:,\d{3}){2,}"), "point",
     lambda s: s.replace(",", "")),
    (re.compile(r"[1-9]\d{0,2}(?:\.\d{3})+,\d+|[1-9]\d{0,2}(?:\.\d{3}){2,}"), "comma",
     lambda s: s.replace(".", "").replace(",", ".")),
    (re.compile(r"[1-9]\d{0,2}(?:[ \u00a0\u202f']\d{3})+"), "plain",
     lambda s: re.sub(r"[ \u00a0\u202f']", "", s)),
    (re.compile(r"[1-9]\d{0,2}(?:[ \u00a0\u202f']\d{3})+\.\d+"), "point",
     lambda s: re.sub(r"[ \u00a0\u202f']", "", s)),
    (re.compile(r"[1-9]\d{0,2}(?:[ \u00a0\u202f']\d{3})+,\d+"), "comma",
     lambda s: re.sub(r"[ \u00a0\u202f']", "", s).replace(",", ".")),
)
_ISO_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?"
                       r"(?P<zone>Z|[+-]\d{2}(?::?\d{2})?)?", re.IGNORECASE)
_PARTIAL_DATE = re.compile(r"\d{4}(?:[-/.]\d{1,2})?")


def _fail(message: str, path: Path, row: int | None = None, column: str | None = None) -> None:
    raise DataFileError(message, path=str(path), row=row, column=column)


def _kind_of_file(head: bytes) -> str | None:
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return "xlsx" if kind == "zip" and b"xl/" in head else kind
    return None


def _binary_file(path: Path, kind: str) -> None:
    messages = {
        "xlsx": _("{file} is an Excel workbook, not a CSV file: in Excel choose File > Save As > "
                  "CSV UTF-8, or read it with pandas.read_excel."),
        "xls": _("{file} is an old Excel workbook (.xls), not a CSV file: in Excel choose File > "
                 "Save As > CSV UTF-8, or read it with pandas.read_excel."),
        "gzip": _("{file} is compressed with gzip: unpack it first (double-click it, or gunzip "
                  "in a terminal) and load the CSV file inside."),
        "bzip2": _("{file} is compressed with bzip2: unpack it first and load the CSV file inside."),
        "xz": _("{file} is compressed with xz: unpack it first and load the CSV file inside."),
        "zip": _("{file} is a ZIP archive: unpack it first (double-click it) and load the CSV "
                 "file inside."),
        "parquet": _("{file} is a Parquet file, not a CSV file: read it with pandas.read_parquet."),
        "sqlite": _("{file} is an SQLite database, not a CSV file: export the table as CSV first."),
    }
    message = messages.get(kind, _("{file} is a {kind} file, not a CSV file of transactions: "
                                   "pass the path of the CSV export instead."))
    _fail(message.format(file=path.name, kind=kind.upper()), path)


def _choose_encoding(path: Path, head: bytes, encoding: str, notes: list[str]) -> str:
    """The encoding to read with: byte-order marks and UTF-16 win; UTF-8 named latin-1 reads as UTF-8."""
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    pairs = head[: len(head) // 2 * 2]
    if pairs and pairs[1::2].count(0) > 0.3 * len(pairs) / 2 and pairs[0::2].count(0) == 0:
        return "utf-16-le"
    if pairs and pairs[0::2].count(0) > 0.3 * len(pairs) / 2 and pairs[1::2].count(0) == 0:
        return "utf-16-be"
    if b"\x00" in head:
        _fail(_("{file} is not a text file (it holds binary data): pass the path of the CSV "
                "export instead.").format(file=path.name), path)
    if codecs.lookup(encoding).name.replace("-", "_") in _SINGLE_BYTE:
        raw = path.read_bytes()
        if not raw.isascii():
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return encoding
            notes.append(_("{file} was read as UTF-8, not {encoding}: its letters are UTF-8, and "
                           "read as {encoding} they would turn into signs like 'MÃ¼ller'.")
                         .format(file=path.name, encoding=encoding))
            return "utf-8"
    return encoding


def _records_before(text: str, sep: str) -> int:
    """How many records (spreadsheet rows) ``text`` starts, the last one perhaps unfinished."""
    if not text:
        return 0
    count = sum(1 for _record in csv.reader(io.StringIO(text), delimiter=sep))
    return count + (1 if text.endswith(("\n", "\r")) else 0)


def _decode_error(path: Path, encoding: str, sep: str, skip: int) -> None:
    raw = path.read_bytes()
    try:
        raw.decode(encoding)
    except UnicodeDecodeError as error:
        row = _records_before(raw[: error.start].decode(encoding, errors="replace"), sep) - skip
        _fail(_("{file}, row {row}: the file is not in the {encoding} encoding; save it as "
                "UTF-8, or pass encoding='cp1252' (Excel on Windows) or encoding='latin-1'.")
              .format(file=path.name, row=row, encoding=encoding), path, row)


def _too_many_values(path: Path, row: int, seen: int, expected: int, sep: str) -> None:
    _fail(_("{file}, row {row}: this row has {seen} values but the header has {expected} "
            "columns, so check for a stray separator {sep!r} inside a value.")
          .format(file=path.name, row=row, seen=seen, expected=expected, sep=sep), path, row)


def _read_table(path: Path, encoding: str, sep: str, skip: int, header: list[str],
                dtypes: dict[str, str]) -> pd.DataFrame:
    try:
        frame = pd.read_csv(path, sep=sep, encoding=encoding, skiprows=skip, header=0,
                            names=header, dtype=dtypes, keep_default_na=False, na_values=[""],
                            skip_blank_lines=False, skipinitialspace=True, engine="c",
                            compression=None)
    except UnicodeDecodeError:
        _decode_error(path, encoding, sep, skip)
        _fail(_("{file}: the file is not in the {encoding} encoding; save it as UTF-8, or pass "
                "encoding='cp1252' (Excel on Windows) or encoding='latin-1'.")
              .format(file=path.name, encoding=encoding), path)
    except pd.errors.ParserError as error:
        reason = str(error)
        match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", reason)
        if match:
            expected, line, seen = (int(g) for g in match.groups())
            _too_many_values(path, line - skip, seen, expected, sep)
        match = re.search(r"EOF inside string starting at row (\d+)", reason)
        if match:
            row = int(match.group(1)) + 1 - skip
            _fail(_("{file}, row {row}: a quote mark (\") opens a value here that is never "
                    "closed, so the rest of the file would become one value; close or remove "
                    "the quote.").format(file=path.name, row=row), path, row)
        _fail(_("{file}: the file could not be read as CSV ({reason}).")
              .format(file=path.name, reason=reason.strip()), path)
    if not isinstance(frame.index, pd.RangeIndex) or len(frame.columns) != len(header):
        # The first data row has more values than the header: pandas would silently take
        # the extra leading values as an index and shift every column to the left.
        with path.open(encoding=encoding, newline="") as handle:
            for _skipped in range(skip):
                handle.readline()
            reader = csv.reader(handle, delimiter=sep, skipinitialspace=True)
            for row, record in enumerate(reader, start=1):
                if len(record) > len(header):
                    _too_many_values(path, row, len(record), len(header), sep)
    frame.columns = header
    return frame


def _check_header(header: list[str], path: Path, sep: str,
                  rename: dict[str, str]) -> list[str]:
    """The column names after ``rename``; two columns with one name are refused."""
    seen: dict[str, int] = {}
    for number, name in enumerate(header, start=1):
        if name in seen:
            _fail(_("{file}: the header has the column {column!r} twice (columns {first} and "
                    "{second}); rename one of them in the file.")
                  .format(file=path.name, column=name, first=seen[name], second=number),
                  path, 1, name)
        seen[name] = number
    for own in rename:
        if own not in seen:
            _fail(_("{file}: rename names the column {column!r}, but the header has: {found}.")
                  .format(file=path.name, column=own, found=", ".join(header)), path, 1, own)
    renamed = [rename.get(name, name) for name in header]
    for number, name in enumerate(renamed):
        if renamed.index(name) != number:
            other = header[renamed.index(name)]
            first, second = sorted([other, header[number]], key=lambda c: c in rename)
            _fail(_("{file}: rename would give two columns the name {column!r} ({first!r} and "
                    "{second!r}); rename or drop one of them.")
                  .format(file=path.name, column=name, first=first, second=second),
                  path, 1, name)
    return renamed


def _check_separator(header_line: str, path: Path, sep: str, names: list[str]) -> None:
    """A header that fits another separator better is named with that separator."""
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if sep in header_line and not missing:
        return
    for other, shown in _OTHER_SEPARATORS.items():
        if other != sep and header_line.count(other) >= max(1, header_line.count(sep)):
            _fail(_("{file}: the columns seem to be separated by {shown}, not {sep!r}, so "
                    "pass sep={other!r}.").format(file=path.name, shown=shown, sep=sep,
                                                  other=other), path, 1)


def _check_arguments(path, sep, decimal, encoding, date_format, rename, timezone) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise InputError(_("The path is the name of a CSV file such as 'orders.csv', not a "
                           "{kind}.").format(kind=type(path).__name__))
    if not isinstance(sep, str) or len(sep) != 1:
        raise InputError(_("sep is the one character between the values, such as ',' or ';' "
                           "or '\\t', not {value!r}.").format(value=sep))
    if decimal not in (None, ".", ","):
        raise InputError(_("decimal is '.' or ',' (or leave it out: each column's number style "
                           "is detected), not {value!r}.").format(value=decimal))
    try:
        codecs.lookup(encoding if isinstance(encoding, str) else "")
    except LookupError:
        raise InputError(_("{value!r} is not an encoding Python knows: try encoding='utf-8', "
                           "'cp1252' (Excel on Windows) or 'latin-1'.").format(value=encoding)
                         ) from None
    if date_format is not None and not isinstance(date_format, str):
        raise InputError(_("date_format is a pattern such as '%d.%m.%Y', not {value!r}.")
                         .format(value=date_format))
    if rename is not None and not (isinstance(rename, dict) and all(
            isinstance(k, str) and isinstance(v, str) for k, v in rename.items())):
        raise InputError(_("rename maps your column names to the course's, like "
                           "{{'Betrag': 'amount', 'Kunde': 'customer_id'}}, not {value!r}.")
                         .format(value=rename))
    try:
        pd.Timestamp("2024-01-01", tz="UTC").tz_convert(timezone)
    except Exception:  # noqa: BLE001 - pandas raises several kinds for an unknown zone
        raise InputError(_("{value!r} is not a time zone: use 'UTC' or a name such as "
                           "'Europe/Berlin'.").format(value=timezone)) from None
    return Path(path)


def _first_rows(frame: pd.DataFrame, mask: np.ndarray, count: int = 1) -> list[int]:
    """The spreadsheet rows of the first ``count`` records where ``mask`` holds."""
    return [int(i) + 2 for i in frame.index[np.flatnonzero(mask)[:count]]]


def _row_of(frame: pd.DataFrame, codes: np.ndarray, unique: int) -> int:
    return _first_rows(frame, codes == unique)[0]


def _classify_numbers(values: np.ndarray) -> tuple[list[str], list[str | None], list[str | None]]:
    """For each distinct text: its convention, its digits as Python reads them, its currency."""
    kinds, digits, currencies = [], [], []
    for value in values:
        match = _NUMBER.fullmatch(value.strip())
        kind, number, currency = "bad", None, None
        if match and not (match["s1"] and match["s2"]) and not (match["pre"] and match["post"]):
            core = match["num"].strip()
            for pattern, shape, reader in _SHAPES:
                if pattern.fullmatch(core):
                    kind = shape
                    sign = "-" if (match["s1"] or match["s2"]) in ("-", "\u2212") else ""
                    number = sign + (reader(core) if reader else core)
                    break
            symbol = match["pre"] or match["post"]
            currency = _CURRENCY.get(symbol.lower()) if symbol else None
        kinds.append(kind)
        digits.append(number)
        currencies.append(currency)
    return kinds, digits, currencies


class _NumberColumn:
    """A text column's distinct values, classified once; read when the file's convention is known."""

    def __init__(self, frame: pd.DataFrame, column: str) -> None:
        self.column = column
        self.codes, uniques = pd.factorize(frame[column])
        self.uniques = np.asarray(uniques, dtype=object)
        self.kinds, self.digits, self.currencies = _classify_numbers(self.uniques)
        present = set(self.kinds)
        self.is_number = "bad" not in present
        self.convention = ("mixed" if {"point", "comma"} <= present else "point" if "point" in present
                           else "comma" if "comma" in present else None)

    def first_of(self, frame: pd.DataFrame, kind: str) -> tuple[int, str]:
        unique = self.kinds.index(kind)
        return _row_of(frame, self.codes, unique), self.uniques[unique]

    def read(self, frame: pd.DataFrame, path: Path, decimal: str | None) -> np.ndarray:
        column = self.column
        if "bad" in self.kinds:
            row, value = self.first_of(frame, "bad")
            _fail(_("{file}, row {row}, column {column!r}: {value!r} is not a number.")
                  .format(file=path.name, row=row, column=column, value=value), path, row, column)
        if self.convention == "mixed":
            point_row, point = self.first_of(frame, "point")
            comma_row, comma = self.first_of(frame, "comma")
            _fail(_("{file}, column {column!r} mixes number styles: row {point_row} has {point!r} "
                    "with a decimal point and row {comma_row} has {comma!r} with a decimal comma; "
                    "write every number of the column in one style.")
                  .format(file=path.name, column=column, point_row=point_row, point=point,
                          comma_row=comma_row, comma=comma), path, min(point_row, comma_row),
                  column)
        symbols = sorted({c for c in self.currencies if c})
        if len(symbols) > 1:
            rows = [_row_of(frame, self.codes, self.currencies.index(c)) for c in symbols[:2]]
            _fail(_("{file}, column {column!r} mixes currencies: row {first_row} is in {first} "
                    "and row {second_row} in {second}; convert them to one currency first.")
                  .format(file=path.name, column=column, first_row=rows[0], first=symbols[0],
                          second_row=rows[1], second=symbols[1]), path, min(rows), column)
        convention = self.convention or {".": "point", ",": "comma", None: None}[decimal]
        texts = []
        for kind, number in zip(self.kinds, self.digits):
            if kind.startswith("ambiguous"):
                if convention is None:
                    row, value = self.first_of(frame, kind)
                    mark = kind[-1]
                    _fail(_("{file}, row {row}, column {column!r}: {value!r} could be "
                            "{thousands} or {decimal_value}; pass decimal='{mark}' if {mark!r} is "
                            "the decimal mark, or decimal='{other}' if it separates thousands.")
                          .format(file=path.name, row=row, column=column, value=value,
                                  thousands=number.replace(mark, ""),
                                  decimal_value=number.replace(",", "."), mark=mark,
                                  other="," if mark == "." else "."), path, row, column)
                thousands = (mark := kind[-1]) == ("." if convention == "comma" else ",")
                number = number.replace(mark, "") if thousands else number.replace(",", ".")
            texts.append(number)
        if not texts:  # every cell empty
            return np.full(len(self.codes), np.nan)
        values = np.array(texts, dtype=float)[self.codes]
        values[self.codes < 0] = np.nan
        return values

    @property
    def integral(self) -> bool:
        return set(self.kinds) <= {"plain"}


def _may_be_numbers(series: pd.Series) -> bool:
    """A quick look at the first values, so that a text column is not classified in full."""
    sample = series.head(2000).dropna().head(200).to_numpy(dtype=object)
    return "bad" not in _classify_numbers(sample)[0]


def _number_column(frame: pd.DataFrame, column: str, path: Path, decimal: str | None,
                   evidence: str | None, prepared: dict[str, _NumberColumn]) -> np.ndarray:
    """A column's numbers: pandas' own floats, or its text read in the column's convention."""
    series = frame[column]
    if pd.api.types.is_integer_dtype(series.dtype) and isinstance(series.dtype, np.dtype):
        return series.to_numpy()  # whole numbers pandas read itself: nothing to check here
    if pd.api.types.is_float_dtype(series.dtype) and isinstance(series.dtype, np.dtype):
        values = series.to_numpy()
    elif pd.api.types.is_bool_dtype(series):  # true/false where a number belongs
        row = _first_rows(frame, np.ones(len(frame), dtype=bool))[0]
        _fail(_("{file}, row {row}, column {column!r}: {value!r} is not a number.")
              .format(file=path.name, row=row, column=column, value=str(series.iat[0]).lower()),
              path, row, column)
    elif pd.api.types.is_numeric_dtype(series):
        values = series.to_numpy(dtype=float, na_value=np.nan)
    else:
        values = prepared[column].read(frame, path, decimal or evidence)
    infinite = np.isinf(values)
    if infinite.any():
        row = _first_rows(frame, infinite)[0]
        _fail(_("{file}, row {row}, column {column!r}: the number is too large (it is beyond "
                "what a computer can hold); correct the value.")
              .format(file=path.name, row=row, column=column), path, row, column)
    return values


class _Distinct:
    """A column's distinct values and where they are, found once.

    In a file in date order the dates come in runs of one value: the runs are found
    with one comparison of neighbours, and a value per row is made from a value per
    run (np.repeat) without a code per row; otherwise pandas' codes.
    """

    def __init__(self, series: pd.Series) -> None:
        values = series.to_numpy(dtype=object)
        self.runs = None
        if len(values) > 100_000:
            starts = np.empty(len(values), dtype=bool)
            starts[0] = True
            np.not_equal(values[1:], values[:-1], out=starts[1:])
            runs = np.flatnonzero(starts)
            if len(runs) < len(values) // 50:
                run_values = values[runs]
                missing = pd.isna(run_values)  # a missing value is never a date: code -1
                self.runs, self.lengths = runs, np.diff(np.append(runs, len(values)))
                self.run_codes = np.where(missing, -1, np.cumsum(~missing) - 1)
                self.uniques = run_values[~missing]
                return
        self.codes, uniques = pd.factorize(series)
        self.uniques = np.asarray(uniques, dtype=object)

    def missing(self) -> np.ndarray | None:
        """Where the value is missing, or None when it never is."""
        if self.runs is None:
            empty = self.codes < 0
            return empty if empty.any() else None
        empty = self.run_codes < 0
        return np.repeat(empty, self.lengths) if empty.any() else None

    def first_position(self, unique: int) -> int:
        if self.runs is None:
            return int(np.flatnonzero(self.codes == unique)[0])
        return int(self.runs[np.flatnonzero(self.run_codes == unique)[0]])

    def expand(self, per_unique: np.ndarray) -> np.ndarray:
        """A value per row from a value per distinct value (no value is missing)."""
        if self.runs is None:
            return per_unique[self.codes]
        return np.repeat(per_unique[self.run_codes], self.lengths)


def _read_dates(frame: pd.DataFrame, path: Path, date_format: str | None, timezone: str,
                notes: list[str], distinct: _Distinct) -> np.ndarray:
    uniques = distinct.uniques
    texts = pd.Index(uniques).str.strip()

    def row_of(unique: int) -> int:
        return int(frame.index[distinct.first_position(unique)]) + 2

    def refuse(unique: int, hint: str) -> None:
        row = row_of(unique)
        _fail(_("{file}, row {row}, column 'date': {value!r} is not a date; {hint}")
              .format(file=path.name, row=row, value=uniques[unique], hint=hint),
              path, row, "date")

    if date_format is not None:
        zoned = "%z" in date_format or "%Z" in date_format
        try:
            parsed = pd.to_datetime(texts, format=date_format, errors="coerce", utc=zoned)
        except ValueError:
            parsed = pd.DatetimeIndex([pd.NaT] * len(texts))
        bad = np.flatnonzero(parsed.isna())
        if len(bad):
            refuse(int(bad[0]), _("it does not match date_format={pattern!r}.")
                   .format(pattern=date_format))
    else:
        hint = _("dates should look like 2024-03-15, or pass date_format='%d.%m.%Y' "
                 "(or the pattern your file uses).")
        parsed = pd.to_datetime(texts, format="%Y-%m-%d", errors="coerce")
        zoned = False
        if parsed.isna().any():
            matches = [_ISO_DATE.fullmatch(t) for t in texts]
            for unique, match in enumerate(matches):
                if match is None:
                    if _PARTIAL_DATE.fullmatch(texts[unique]):
                        refuse(unique, _("it names a month or a year, not a day, so write "
                                         "the day of the purchase, such as 2024-03-15."))
                    refuse(unique, hint)
            has_zone = np.array([m["zone"] is not None for m in matches])
            zoned = bool(has_zone.any())
            if zoned and not has_zone.all():
                with_zone, without = int(np.argmax(has_zone)), int(np.argmin(has_zone))
                rows = row_of(with_zone), row_of(without)
                _fail(_("{file}, column 'date' mixes times with and without a time zone: row "
                        "{zoned_row} has {zoned!r} and row {naive_row} has {naive!r}; give every "
                        "time its offset, or none.")
                      .format(file=path.name, zoned_row=rows[0], zoned=uniques[with_zone],
                              naive_row=rows[1], naive=uniques[without]), path, min(rows), "date")
            try:
                parsed = pd.to_datetime(texts, format="ISO8601", errors="coerce", utc=zoned)
            except ValueError:
                parsed = pd.DatetimeIndex([pd.NaT] * len(texts))
            bad = np.flatnonzero(parsed.isna())
            if len(bad):
                refuse(int(bad[0]), hint)
    if zoned:
        parsed = parsed.tz_convert(timezone).tz_localize(None)
        notes.append(_("{file}: the dates carry time-zone offsets, so they were converted to "
                       "{zone} (timezone={zone!r}) and are kept without an offset.")
                     .format(file=path.name, zone=timezone))
    return distinct.expand(parsed.to_numpy())


def _read_flags(frame: pd.DataFrame, path: Path) -> np.ndarray:
    flags = frame["is_refund"]
    if pd.api.types.is_bool_dtype(flags):
        return flags.to_numpy()
    codes, uniques = pd.factorize(flags)
    words = [str(u).strip().lower() for u in uniques]
    for unique, word in enumerate(words):
        if word not in _TRUE + _FALSE:
            row = _row_of(frame, codes, unique)
            _fail(_("{file}, row {row}, column 'is_refund': {value!r} should be true or false.")
                  .format(file=path.name, row=row, value=uniques[unique]), path, row, "is_refund")
    truth = np.array([w in _TRUE for w in words] + [False])  # code -1 (empty) is not a refund
    return truth[codes]


def _has_padding(path: Path, encoding: str, sep: str) -> bool:
    """Whether any cell may end in a space: one fast pass over the bytes instead of a strip per cell."""
    if codecs.lookup(encoding).name.startswith("utf-16"):
        return True
    code = sep.encode("ascii", errors="replace")
    ends = (code, b"\n", b"\r", b'"')
    window = bytearray(1 + (1 << 24))  # the last byte before, then the next piece of the file
    previous = b""
    with path.open("rb", buffering=0) as handle:
        while got := handle.readinto(memoryview(window)[1:]):  # one buffer, read into again
            start, end = (1 if not previous else 0), got + 1
            for space in (b" ", b"\t", b"\xa0"):
                if space != code and window.find(space, start, end) >= 0 and any(
                        window.find(space + close, start, end) >= 0
                        for close in ends if close != space):
                    return True
            previous = window[end - 1:end]
            window[0:1] = previous
    return bytes(previous) in (b" ", b"\t")


def _stripped(series: pd.Series, padded: bool) -> pd.Series:
    if not padded or pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        return series
    if isinstance(series.dtype, pd.CategoricalDtype):
        categories = series.cat.categories.str.strip()
        if categories.equals(series.cat.categories):
            return series
        return pd.Series(pd.Categorical(categories.take(series.cat.codes).where(
            series.cat.codes.to_numpy() >= 0)), index=series.index).replace("", np.nan)
    return series.str.strip().replace("", np.nan)


def _customer_ids(frame: pd.DataFrame) -> pd.Series:
    """Ids as pandas reads them: whole numbers as integers (as in CDNOW), anything else as text."""
    ids = frame["customer_id"]
    if pd.api.types.is_float_dtype(ids) and (ids == np.round(ids)).all():
        return ids.astype(np.int64)
    return ids


#: odd multipliers: each round of _sharing_a_slot looks at other bits of the rows' hashes
_ROUNDS = tuple(np.uint64(c) for c in (
    0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0xD6E8FEB86659FD93,
    0xA0761D6478BD642F, 0xE7037ED1A0B428DB, 0x8EBC6AF09C88C6E3, 0x589965CC75374CC3))
#: rows looked at together (whole days at a time), so that the tables stay small
_CHUNK_ROWS = 1 << 16


def _value_bits(values: np.ndarray) -> np.ndarray:
    """A column's values as 64-bit words; equal values (0.0 and -0.0, any NaN) give equal words."""
    if values.dtype.kind == "f":
        values = values.astype(np.float64) + 0.0  # -0.0 + 0.0 is 0.0
        nan = np.isnan(values)
        if nan.any():
            values[nan] = np.nan
    if values.dtype.itemsize == 8:
        return values.view(np.uint64)
    return values.astype(np.uint64)


def _sharing_a_slot(hashes: np.ndarray, days: np.ndarray, multiplier: np.uint64) -> np.ndarray:
    """Which rows share a slot of their day's table with another row of that day.

    Each run of one day (``days`` is in order) gets a table of four to eight times its
    rows, so a row alone in its value is alone in its slot too about six times in seven;
    rows of equal hash always share. A count of the slots (np.bincount, which touches
    one day's table at a time) is much faster than a sort.
    """
    size = len(hashes)
    starts = np.flatnonzero(np.concatenate(([True], days[1:] != days[:-1])))
    lengths = np.diff(np.append(starts, size))
    slots = np.left_shift(np.int64(1), np.frexp(lengths)[1].astype(np.int64) + 2)
    offsets = np.cumsum(slots) - slots
    with np.errstate(over="ignore"):
        mixed = ((hashes * multiplier) >> np.uint64(32)).astype(np.int64)
    slot = np.repeat(offsets, lengths) + (mixed & np.repeat(slots - 1, lengths))
    return np.bincount(slot, minlength=int(slots.sum()))[slot] > 1


def _maybe_identical(result: pd.DataFrame) -> np.ndarray:
    """Positions of the rows that may equal another row: all that do, and a few that do not.

    ``result`` is in date order, so identical rows lie in one run of a date. Rows are
    compared within their day on a hash of their amount first, in rounds that each look
    at other bits and keep only the rows that still share; when a round keeps most rows
    (they do share those values), the next column joins the hash of the rows left: the
    other numbers, then the customer. The few rows left are compared exactly by the caller.
    """
    size = len(result)
    if size < 2:
        return np.zeros(0, dtype=np.intp)
    days = result["date"].to_numpy().view(np.int64)
    day_starts = np.flatnonzero(days[1:] != days[:-1]) + 1
    if len(day_starts) == size - 1:  # every row on a day (or at a time) of its own
        return np.zeros(0, dtype=np.intp)
    numbers = sorted((c for c in result.columns if c != "date" and isinstance(
        result[c].dtype, np.dtype) and result[c].dtype.kind in "biufmM"),
        key=lambda c: c != "amount")  # the amount tells most rows apart
    columns: list[tuple[str, np.ndarray]] = [(c, result[c].to_numpy()) for c in numbers]
    if "customer_id" not in numbers:  # text, never empty
        columns.append(("customer_id", np.asarray(result["customer_id"].array, dtype=object)))
    near = np.searchsorted(day_starts, np.arange(_CHUNK_ROWS, size, _CHUNK_ROWS))
    cuts = np.unique(np.concatenate(([0], day_starts[near[near < len(day_starts)]], [size])))
    found = []
    for low, high in itertools.pairwise(cuts):
        positions = np.arange(low, high)
        chunk_days = days[low:high]
        hashes = np.zeros(high - low, dtype=np.uint64)
        pending = list(columns)
        turn, stalled = 0, True
        while len(positions) > 1:
            if stalled:
                if not pending:
                    break
                _name, values = pending.pop(0)
                values = values[low:high] if turn == 0 else values[positions]
                if values.dtype == object:  # Python's own hash of text is the fastest
                    words = np.fromiter(map(hash, values), dtype=np.int64,
                                        count=len(values)).view(np.uint64)
                else:
                    words = _value_bits(values)
                    words = words ^ (words >> np.uint64(32))  # the high bits reach the slots too
                with np.errstate(over="ignore"):
                    hashes += words
                    hashes *= _ROUNDS[len(pending) % len(_ROUNDS)]
            before = len(positions)
            keep = np.flatnonzero(_sharing_a_slot(hashes, chunk_days, _ROUNDS[turn % len(_ROUNDS)]))
            # (np.take of the kept places is many times faster than a mask as an index)
            positions, hashes, chunk_days = positions.take(keep), hashes.take(keep), chunk_days.take(keep)
            turn += 1
            stalled = len(positions) > 0.7 * before  # the rows left mostly share these values
        found.append(positions)
    return np.concatenate(found)


def _duplicate_note(result: pd.DataFrame, path: Path, notes: list[str]) -> None:
    """Identical rows are legitimate (two equal purchases on one day): a note, never a refusal.

    ``result`` is in date order (the file's within a day), its index the record's place in
    the file; the few candidates of :func:`_maybe_identical` are compared exactly.
    """
    positions = _maybe_identical(result)
    if len(positions) < 2:
        return
    subset = result.iloc[positions]
    repeated = subset.duplicated(keep="first").to_numpy()
    if not repeated.any():
        return
    full = pd.util.hash_pandas_object(subset, index=False).to_numpy()
    labels = subset.index.to_numpy()
    copy_position = int(np.flatnonzero(repeated)[np.argmin(labels[repeated])])
    first = labels[full == full[copy_position]].min()
    notes.append(_("{file}: some rows repeat an earlier row exactly ({count} in all; the first "
                   "is row {row}, like row {first}); they were kept as separate purchases, so "
                   "remove them if they are copies.")
                 .format(file=path.name, count=int(repeated.sum()),
                         row=int(labels[copy_position]) + 2, first=int(first) + 2))


def load_transactions(path: str | Path, *, sep: str = ",", decimal: str | None = None,
                      encoding: str = "utf-8", date_format: str | None = None,
                      rename: dict[str, str] | None = None,
                      timezone: str = "UTC") -> pd.DataFrame:
    """Read a learner's CSV of transactions and check it row by row.

    The file needs the columns ``customer_id``, ``date`` (ISO ``2024-03-15``
    unless ``date_format`` says otherwise, e.g. ``"%d.%m.%Y"``) and ``amount``;
    ``quantity`` (a whole number, default 1) and ``is_refund`` (true/false) are
    optional. ``rename`` maps your own column names to these.

    Numbers are read in each column's own style: ``12.50``, ``12,50``,
    ``1.234,50``, ``1,234.50``, ``1 234.50``, with a currency sign such as
    ``12,50 €`` or ``$12.50``; a column that mixes a decimal point and a decimal
    comma is refused. ``decimal`` only decides values that could be read both
    ways, like ``1.234``. Extra columns that hold numbers come back as numbers.

    Refunds are negative amounts on rows whose ``is_refund`` is true: a file
    whose refund rows are all positive is turned negative (with a note). An
    ordinary order needs a positive whole quantity.

    Times with time-zone offsets (``2024-03-31T10:00:00+02:00``, ``...Z``) are
    converted to ``timezone`` and kept without an offset. It is UTC, one zone for
    any shop, unless you pass your shop's zone (e.g. ``"Europe/Berlin"``) to keep
    its calendar days; a file mixing times with and without an offset is refused.
    UTF-8 (with or without a byte-order mark) and UTF-16 files are read as they
    are; an Excel ``sep=;`` first line is honoured; a file that is not a CSV
    (an Excel workbook, a ZIP or gzip archive, a picture) is named as what it is.

    The table comes back in date order (the file's order within a day), with the
    types ``load`` gives: ``customer_id`` as integers when every id is a whole
    number (as in CDNOW), as text otherwise; ``quantity`` int64; ``amount``
    float64; ``date`` without a time zone.

    Any problem raises :class:`DataFileError` with the file, row (the row a
    spreadsheet shows, header = row 1, a value over two lines still one row, an
    Excel ``sep=`` line not counted) and column; a misused argument raises
    :class:`InputError`. Things worth knowing that do not stop the file
    (identical rows, which are legitimate without an order id; converted times;
    refunds made negative; empty quantities) are :class:`DataNote` warnings,
    also kept in ``frame.attrs["notes"]``.
    """
    path = _check_arguments(path, sep, decimal, encoding, date_format, rename, timezone)
    rename = rename or {}
    if path.is_dir():
        _fail(_("{file} is a folder, not a file: pass the path of the CSV file inside it.")
              .format(file=path), path)
    if not path.is_file():
        _fail(_("There is no file {file}.").format(file=path), path)
    notes: list[str] = []
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    kind = _kind_of_file(head)
    if kind:
        _binary_file(path, kind)
    encoding = _choose_encoding(path, head, encoding, notes)
    head_text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head)
    if not head_text.strip():
        _fail(_("{file} is empty: it should start with a header row such as "
                "customer_id,date,amount.").format(file=path.name), path)
    lines = head_text.splitlines()
    skip = 0
    excel = re.fullmatch(r'"?sep=(.)"?,*', lines[0].strip())
    if excel:  # Excel's own hint on the first line: the header is the next one
        sep, skip = excel.group(1), 1
    header_line = lines[skip] if len(lines) > skip else ""
    header = [name.strip() or f"unnamed_{number}" for number, name in enumerate(
        next(csv.reader([header_line], delimiter=sep, skipinitialspace=True), []), start=1)]
    names = [rename.get(name, name) for name in header]
    _check_separator(header_line, path, sep, names)
    names = _check_header(header, path, sep, rename)
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        _fail(_("{file}: the column {column!r} is missing (the header has: {found}); use "
                "rename={{'your name': '{column}'}} if it is there under another name.")
              .format(file=path.name, column=missing[0], found=", ".join(header)),
              path, 1, missing[0])
    # pandas reads ids and, in a comma-separated file, plain numbers itself (fast, in C);
    # where a comma is not the separator, numbers may use it, so they are read as text.
    text_first = sep != ","
    dtypes = {own: "str" for own, name in zip(header, names)
              if name not in ("customer_id", "is_refund") and (
                  text_first or name == "date" or re.search(r"id$", name, re.IGNORECASE))}
    frame = _read_table(path, encoding, sep, skip, header, dtypes)
    frame.columns = names
    unnamed = [c for c in names if c.startswith("unnamed_") and c not in rename.values()
               and frame[c].isna().all()]
    if unnamed:  # a separator at the end of each line: an empty column without a name
        frame = frame.drop(columns=unnamed)
        names = [c for c in names if c not in unnamed]
    padded = _has_padding(path, encoding, sep)
    for column in names:
        series = frame[column]
        stripped = _stripped(series, padded)
        if stripped is not series:  # setting a column copies it
            frame[column] = stripped

    distinct_dates = _Distinct(frame["date"])  # also says where a date is missing
    missing = {c: distinct_dates.missing() if c == "date" else frame[c].isna().to_numpy()
               for c in REQUIRED_COLUMNS}
    missing = {c: m for c, m in missing.items() if m is not None and m.any()}
    if len(missing) == len(REQUIRED_COLUMNS):
        blank_line = np.logical_and.reduce(list(missing.values()))
        if blank_line.any():  # blank in the required columns: is the whole line blank?
            others = frame.loc[blank_line, [c for c in names if c not in REQUIRED_COLUMNS]]
            blank_line[blank_line] = others.isna().all(axis=1).to_numpy()
        if blank_line.any():
            frame = frame[~blank_line]  # the index keeps each record's place: row = index + 2
            missing = {c: m[~blank_line] for c, m in missing.items()}
            distinct_dates = _Distinct(frame["date"])
    if frame.empty:
        _fail(_("{file} has a header but no transactions.").format(file=path.name), path)
    for column in REQUIRED_COLUMNS:
        if column in missing and missing[column].any():
            row = _first_rows(frame, missing[column])[0]
            _fail(_("{file}, row {row}, column {column!r}: the value is empty.")
                  .format(file=path.name, row=row, column=column), path, row, column)

    dates = _read_dates(frame, path, date_format, timezone, notes, distinct_dates)

    # Numbers: each text column's distinct values are classified once; a column that
    # cannot tell its decimal mark from its own values (1.234) follows the rest of the file.
    candidates = [c for c in names if c not in ("customer_id", "date", "is_refund")
                  and not re.search(r"id$", c, re.IGNORECASE)]
    prepared = {c: _NumberColumn(frame, c) for c in candidates
                if not pd.api.types.is_numeric_dtype(frame[c])
                and not pd.api.types.is_bool_dtype(frame[c])
                and (c in ("amount", "quantity") or _may_be_numbers(frame[c]))}
    styles = {p.convention for p in prepared.values()
              if p.is_number and p.convention in ("point", "comma")}
    evidence = styles.pop() if len(styles) == 1 else None
    evidence = {"point": ".", "comma": ",", None: None}[evidence]
    amount = _number_column(frame, "amount", path, decimal, evidence, prepared).astype(
        np.float64, copy=False)

    is_refund = _read_flags(frame, path) if "is_refund" in frame.columns else None
    refund = is_refund if is_refund is not None else np.zeros(len(frame), dtype=bool)
    negative = (amount < 0) & ~refund
    if negative.any():
        row = _first_rows(frame, negative)[0]
        value = frame["amount"].iat[int(np.flatnonzero(negative)[0])]
        _fail(_("{file}, row {row}, column 'amount': {value} is negative; if it is a refund, add "
                "a column is_refund and set it to true on that row, otherwise correct the amount.")
              .format(file=path.name, row=row, value=str(value).strip()), path, row, "amount")
    positive_refund, negative_refund = refund & (amount > 0), refund & (amount < 0)
    if positive_refund.any() and negative_refund.any():
        rows = _first_rows(frame, positive_refund)[0], _first_rows(frame, negative_refund)[0]
        _fail(_("{file}, column 'amount': refunds should be negative amounts, but the refund in "
                "row {positive_row} is positive while the one in row {negative_row} is negative; "
                "write every refund as a negative amount.")
              .format(file=path.name, positive_row=rows[0], negative_row=rows[1]), path, rows[0],
              "amount")
    flipped = positive_refund.any()
    if flipped:
        amount = np.where(refund, -np.abs(amount), amount)

    if "quantity" in frame.columns:
        quantity = _number_column(frame, "quantity", path, decimal, evidence, prepared)
        empty = np.isnan(quantity) if quantity.dtype.kind == "f" else np.zeros(0, dtype=bool)
        if empty.any():
            notes.append(_("{file}: some rows have no quantity ({count} in all; the first is "
                           "row {row}); they count as 1.")
                         .format(file=path.name, count=int(empty.sum()),
                                 row=_first_rows(frame, empty)[0]))
            quantity = np.where(empty, 1.0, quantity)
        wrong = ((quantity <= 0) & ~refund) | (quantity == 0)
        if quantity.dtype.kind == "f":
            wrong |= quantity != np.round(quantity)
        if wrong.any():
            position = int(np.flatnonzero(wrong)[0])
            row = _first_rows(frame, wrong)[0]
            _fail(_("{file}, row {row}, column 'quantity': {value} is not a number of items; an "
                    "order's quantity is a whole number of at least 1.")
                  .format(file=path.name, row=row, value=str(frame["quantity"].iat[position])
                          .strip()), path, row, "quantity")
        quantity = quantity.astype(np.int64, copy=False)
        if flipped:
            quantity = np.where(refund, -np.abs(quantity), quantity)
    else:
        quantity = np.ones(len(frame), dtype=np.int64)
    if flipped:
        notes.append(_("{file}: the refunds had positive amounts, so they were made negative "
                       "as the course stores them ({count} in all; the first is row {row}).")
                     .format(file=path.name, count=int(positive_refund.sum()),
                             row=_first_rows(frame, positive_refund)[0]))

    columns = {"customer_id": _customer_ids(frame), "date": dates, "quantity": quantity,
               "amount": amount}
    if is_refund is not None:
        columns["is_refund"] = is_refund
    for column in names:
        if column in columns:
            continue
        numbers = prepared.get(column)
        if numbers is not None and numbers.is_number and (numbers.convention or evidence
                                                          or decimal or numbers.integral):
            leading_zero = any(u.strip().startswith("0") and len(u.strip()) > 1
                               and u.strip()[1].isdigit() for u in numbers.uniques)
            if not leading_zero and len(numbers.uniques):
                values = _number_column(frame, column, path, decimal, evidence, prepared)
                integral = numbers.integral and not np.isnan(values).any()
                columns[column] = values.astype(np.int64) if integral else values
                continue
        columns[column] = frame[column]
    for column, values in columns.items():
        if isinstance(values, np.ndarray) and not values.flags.writeable:
            # the file's own numbers, seen through pandas: its Series keeps them writable
            # (copied on a first write while the read frame is alive, as pandas does)
            source = frame[column] if column in frame.columns else None
            own = source.to_numpy() if source is not None else None
            same = (own is not None and own.dtype == values.dtype and own.shape == values.shape
                    and own.ctypes.data == values.ctypes.data and own.strides == values.strides)
            columns[column] = source if same else values.copy()
    # one frame built once (a column set on a frame is copied)
    result = pd.DataFrame(columns, index=frame.index, copy=False)
    days = result["date"].to_numpy()
    if len(days) > 1 and (days[1:] < days[:-1]).any():  # date order; the file's within a day
        result = result.take(np.argsort(days, kind="stable"))
    _duplicate_note(result, path, notes)  # the index is still each record's place in the file
    result = result.reset_index(drop=True)
    result.attrs["notes"] = notes
    for note in notes:
        warnings.warn(DataNote(note), stacklevel=2)
    return result
