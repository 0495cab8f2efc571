"""The one place where numbers become text for a learner.

Babel formats each number in the learner's locale: ``1.234,50 €`` in German,
``$1,234.50`` in English. Notebooks, widgets, plots and messages call
:func:`fmt` rather than f-strings, so a translated course never shows an
English decimal point.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from babel import Locale
from babel.numbers import format_currency, format_decimal, format_percent

from clv_course.i18n import _, babel_locale

Style = Literal["number", "money", "percent", "integer"]


def _half_up(number: float, digits: int) -> Decimal:
    """Round as people do (2.5 -> 3), not as bankers do (Babel's default, 2.5 -> 2)."""
    return Decimal(repr(number)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


class Formatted(str):
    """A formatted number: shown in Jupyter as the text itself, without quotes or escapes.

    A bare ``'1.234,50\xa0€'`` at the end of a cell would otherwise show its
    no-break space as ``\xa0``; ``repr()`` elsewhere stays that of a string.
    """

    def _repr_pretty_(self, printer, cycle: bool) -> None:
        printer.text(str(self))


def fmt_date(value) -> str:
    """A date as the learner's locale writes it (``01.01.1997``, ``Jan 1, 1997``)."""
    from babel.dates import format_date
    return Formatted(format_date(value, format="medium", locale=babel_locale()))


def fmt(value: float, style: Style = "number", *, currency: str | None = None,
        digits: int = 2) -> str:
    """Format ``value`` for the learner's locale (see :func:`_fmt`)."""
    return Formatted(_fmt(value, style, currency=currency, digits=digits))


def _fmt(value: float, style: Style = "number", *, currency: str | None = None,
         digits: int = 2) -> str:
    """Format ``value`` for the learner's locale.

    ``style`` is ``"number"`` (``digits`` decimals), ``"integer"``, ``"percent"``
    (0.256 -> 25.6 % with ``digits=1``) or ``"money"`` (needs ``currency``, an
    ISO code such as ``"EUR"``, ``"DKK"`` or ``"USD"``). Infinite and missing
    values are shown as the signs a reader knows, ``∞`` and ``–``.
    """
    locale = babel_locale()
    number = float(value)
    if math.isnan(number):
        return "–"
    if math.isinf(number):
        return "∞" if number > 0 else "−∞"
    if style == "integer":
        return format_decimal(_half_up(number, 0), format="#,##0", locale=locale)
    if style == "number":
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
        return format_decimal(_half_up(number, digits), format=pattern, locale=locale)
    if style == "percent":
        pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + " %"
        text = format_percent(number, format=pattern, locale=locale)
        # Babel's explicit pattern keeps the space; English and Italian write 26%.
        return text.replace(" %", "%") if locale.startswith(("en", "it")) else text.replace(" %", "\xa0%")
    if style == "money":
        if not currency:
            raise ValueError(_("Money needs a currency code such as 'EUR', 'DKK' or 'USD'."))
        pattern = Locale.parse(locale).currency_formats["standard"].pattern
        if digits != 2:
            pattern = pattern.replace("0.00", "0" + ("." + "0" * digits if digits > 0 else ""))
        return format_currency(_half_up(number, digits), currency, format=pattern, locale=locale,
                               currency_digits=False)
    raise ValueError(_("Unknown number style {style!r}: use number, integer, percent or money.")
                     .format(style=style))
