"""pandas tables in the learner's number format: 0,631 and ∞ in German, Danish and Italian.

pandas writes every table it shows with a decimal point and ``inf``, and has no option for
another mark (its ``decimal=`` belongs to ``to_html`` and ``to_string``, not to what a
notebook displays). :func:`show_tables_in_language` gives IPython a formatter for
DataFrames and float Series: pandas renders them as always (its columns, widths and
truncation), with the decimal mark and infinity of the language the course speaks at
that moment in the float columns; text, such as ``clv.fmt``'s "2.357", stays as written.
Each chapter's first cell calls it, through ``clv.tables_in_language()``; importing the
package changes nothing.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from clv_course.i18n import babel_locale

#: a table cell that holds infinity, as pandas writes it in a float column
_INFINITY_CELL = re.compile(r"<td>(-?)inf</td>")
#: the value at the end of a line of a float Series' text (its index comes first)
_LAST_NUMBER = re.compile(r"(?<=\s)(-?)(?:(\d+)\.(\d+)(e[+-]\d+)?|inf)$")


def number_marks() -> tuple[str, str]:
    """The decimal mark and the infinity sign of the language the course speaks now."""
    from babel.numbers import get_decimal_symbol, get_infinity_symbol
    locale = babel_locale()
    return get_decimal_symbol(locale), get_infinity_symbol(locale)


def table_html(frame: Any, decimal: str, infinity: str) -> str:
    """A DataFrame as a notebook shows it, its float columns written with ``decimal`` and
    ``infinity``: pandas' own ``to_html`` with the options ``_repr_html_`` reads (and its
    ``min_rows`` for a long table), so text columns, such as ``clv.fmt``'s "2.357", stay."""
    import pandas as pd
    rows = pd.get_option("display.max_rows")
    if rows and len(frame) > rows:
        rows = pd.get_option("display.min_rows") or rows
    html = frame.to_html(notebook=True, decimal=decimal, max_rows=rows,
                         max_cols=pd.get_option("display.max_columns"),
                         show_dimensions=pd.get_option("display.show_dimensions"))
    return _INFINITY_CELL.sub(lambda match: f"<td>{match.group(1)}{infinity}</td>", html)


def localize_series_text(text: str, decimal: str, infinity: str) -> str:
    """A float Series' text with each value written with ``decimal`` and ``infinity``."""
    def value(match: re.Match[str]) -> str:
        if match.group(2) is not None:
            return f"{match.group(1)}{match.group(2)}{decimal}{match.group(3)}" \
                   f"{match.group(4) or ''}"
        return f"{match.group(1)}{infinity}"
    return "\n".join(_LAST_NUMBER.sub(value, line) for line in text.split("\n"))


def _frame_html(frame: Any) -> str | None:
    import pandas as pd
    decimal, infinity = number_marks()
    if decimal == "." or frame._info_repr() or not pd.get_option("display.notebook_repr_html"):
        return frame._repr_html_()  # English, or no table to write: as pandas shows it
    return table_html(frame, decimal, infinity)  # rendered once, not once more by pandas


def _series_text(series: Any, printer: Any, cycle: bool) -> None:
    text = repr(series)
    decimal, infinity = number_marks()
    if series.dtype.kind == "f" and decimal != ".":
        text = localize_series_text(text, decimal, infinity)
    printer.text(text)


def show_tables_in_language() -> bool:
    """In IPython, show pandas tables in the learner's number format; True when installed."""
    if "IPython" not in sys.modules:
        return False
    from IPython import get_ipython
    shell = get_ipython()
    if shell is None:
        return False
    import pandas as pd
    formatters = shell.display_formatter.formatters
    formatters["text/html"].for_type(pd.DataFrame, _frame_html)
    formatters["text/plain"].for_type(pd.Series, _series_text)
    return True
