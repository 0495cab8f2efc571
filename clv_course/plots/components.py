"""Chapter 2's figures: how order values and observed lifespans are spread.

A single average hides the shape behind it. These figures show the shape, so a
learner sees why the mean order value sits above the median (a long right
tail) and why so many observed lifespans are zero (one-time buyers).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from clv_course.errors import InputError
from clv_course.formatting import fmt
from clv_course.i18n import N_, _
from clv_course.plots import label, money_axis, new_figure, number_axis, percent_axis
from clv_course.units import Unit, check_unit

# The unit names as a learner reads them on an axis label.
_UNIT_NAMES = {"day": N_("days"), "week": N_("weeks"), "month": N_("months"),
               "quarter": N_("quarters"), "year": N_("years")}


def _values(values, what: str) -> np.ndarray:
    array = np.asarray(pd.Series(values, dtype=float).dropna())
    if array.size == 0:
        raise InputError(_("There are no {what} to plot.").format(what=what))
    return array


def order_value_histogram(amounts: pd.Series | np.ndarray, *, currency: str,
                          bins: int = 60) -> Figure:
    """A histogram of order values with the mean and the median marked.

    The gap between the two lines is the outlier pitfall made visible: a few
    large orders pull the mean to the right, the median stays with the typical
    order.
    """
    values = _values(amounts, _("order values"))
    figure, axes = new_figure(7.0, 4.0)
    axes.hist(values, bins=bins, color="#aed6f1", edgecolor="#2e86c1", linewidth=0.5)
    mean, median = float(values.mean()), float(np.median(values))
    axes.axvline(mean, color="#c0392b", linewidth=2,
                 label=_("Mean: {value}").format(value=fmt(mean, "money", currency=currency)))
    axes.axvline(median, color="#28b463", linewidth=2, linestyle="--",
                 label=_("Median: {value}").format(value=fmt(median, "money", currency=currency)))
    axes.legend()
    label(axes, _("How order values are spread"), _("Order value"), _("Number of orders"))
    money_axis(axes, currency, which="x")
    number_axis(axes, which="y")
    return figure


def lifespan_histogram(lifespans: pd.Series | np.ndarray, *, unit: Unit, bins: int = 30) -> Figure:
    """A histogram of observed lifespans, as shares of customers, with the zeros called out.

    The tall first bar is made of one-time buyers, whose observed lifespan is
    0; the title says how many they are.
    """
    values = _values(lifespans, _("lifespans"))
    unit_name = _(_UNIT_NAMES[check_unit(unit)])
    figure, axes = new_figure(7.0, 4.0)
    axes.hist(values, bins=bins, weights=np.full(values.size, 1.0 / values.size),
              color="#d7bde2", edgecolor="#7d3c98", linewidth=0.5)
    zero_share = float(np.mean(values == 0))
    label(axes, _("Observed lifespans ({share} of customers at 0)").format(
              share=fmt(zero_share, "percent", digits=0)),
          _("Time from first to last order ({unit})").format(unit=unit_name),
          _("Share of customers"))
    percent_axis(axes, which="y")
    return figure
