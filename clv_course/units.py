"""Time units, named once, so every time-based metric says which one it uses.

A *duration* in a unit is days divided by that unit's length (the research
papers measure CDNOW in weeks as days / 7). A *calendar period* groups dates
into weeks, months, quarters or years, for retention and cohorts.
"""

from __future__ import annotations

from typing import Literal

from clv_course.errors import InputError
from clv_course.i18n import _

Unit = Literal["day", "week", "month", "quarter", "year"]

#: Length of each unit in days (a month is a twelfth of an average year).
DAYS_PER_UNIT: dict[str, float] = {
    "day": 1.0, "week": 7.0, "month": 365.25 / 12, "quarter": 365.25 / 4, "year": 365.25,
}
#: The pandas period frequency of each unit, for calendar grouping.
PERIOD_FREQUENCY: dict[str, str] = {"day": "D", "week": "W", "month": "M", "quarter": "Q",
                                    "year": "Y"}


def check_unit(unit: str) -> str:
    """Return ``unit`` if the course knows it, else raise a clear InputError."""
    if unit not in DAYS_PER_UNIT:
        raise InputError(_("Unknown time unit {unit!r}. Use one of: {units}.").format(
            unit=unit, units=", ".join(DAYS_PER_UNIT)))
    return unit


def days_per(unit: str) -> float:
    """How many days one ``unit`` lasts."""
    return DAYS_PER_UNIT[check_unit(unit)]
