"""Chapter 1's figure: how value is spread over the customers, so far.

One average per customer hides that a few customers bring much of the value and
most bring less than the average. The histogram shows the spread with the mean
and the median marked and the most valuable tenth of the customers shaded, with
the share of the total they bring.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from clv_course.errors import InputError
from clv_course.formatting import fmt
from clv_course.i18n import N_, _
from clv_course.plots import label, money_axis, new_figure, number_axis
from clv_course.plots.palette import BLUE, GREEN, PALE_BLUE, PALE_ORANGE, RED, TEXT_GREY
from clv_course.segments import top_share

# What is plotted, as the axis names it ({currency} is filled in).
_AXIS = {"profit": N_("Gross profit per customer so far ({currency})"),
         "revenue": N_("Revenue per customer so far ({currency})")}
_TITLE = {"profit": N_("How the gross profit so far is spread over the customers"),
          "revenue": N_("How the revenue so far is spread over the customers")}
_WHAT = {"profit": N_("the gross profit"), "revenue": N_("the revenue")}


def value_per_customer_histogram(values: pd.Series | np.ndarray, *, currency: str,
                                 what: str = "profit", top: float = 0.1, bins: int = 50,
                                 cut: float = 0.99) -> Figure:
    """A histogram of value per customer, mean and median marked, the top ``top`` shaded.

    ``values`` holds one value per customer (revenue or gross profit so far,
    ``what``). The x-axis ends at the ``cut`` quantile so the bulk of the
    customers stays readable; the few beyond it are counted in a note. The shaded
    band starts at the least valuable of the ``floor(top x n)`` most valuable
    customers (the convention of :func:`clv_course.segments.top_share`), and its
    legend entry says what share of the total they bring.
    """
    if what not in _AXIS:
        raise InputError(_("what must be one of {names}; got {value!r}.").format(
            names=", ".join(_AXIS), value=what))
    array = np.asarray(pd.Series(values, dtype=float).dropna())
    if array.size == 0:
        raise InputError(_("There are no values per customer to plot."))
    mean, median = float(array.mean()), float(np.median(array))
    share = top_share(array, top)
    ordered = np.sort(array)[::-1]
    threshold = float(ordered[max(math.floor(top * array.size + 1e-9), 1) - 1])
    upper = float(np.quantile(array, cut))
    low = min(0.0, float(array.min()))
    shown = array[array <= upper]

    figure, axes = new_figure(7.5, 4.2)
    axes.hist(shown, bins=np.linspace(low, upper, bins + 1), color=PALE_BLUE, edgecolor=BLUE,
              linewidth=0.5)
    axes.axvspan(min(threshold, upper), upper, color=PALE_ORANGE, alpha=0.25, zorder=0,
                 label=_("Top {top} of customers: {share} of {what}").format(
                     top=fmt(top, "percent", digits=0), share=fmt(share, "percent", digits=0),
                     what=_(_WHAT[what])))
    axes.axvline(mean, color=RED, linewidth=2,
                 label=_("Mean: {value}").format(value=fmt(mean, "money", currency=currency)))
    axes.axvline(median, color=GREEN, linewidth=2, linestyle="--",
                 label=_("Median: {value}").format(value=fmt(median, "money", currency=currency)))
    beyond = int((array > upper).sum())
    if beyond:
        axes.text(0.98, 0.5, _("{count} customers above {limit}\n(up to {largest}) lie beyond "
                               "the right edge").format(
                      count=fmt(beyond, "integer"), limit=fmt(upper, "money", currency=currency, digits=0),
                      largest=fmt(float(array.max()), "money", currency=currency, digits=0)),
                  transform=axes.transAxes, ha="right", va="center", fontsize=9, color=TEXT_GREY)
    axes.set_xlim(low, upper)
    axes.legend(loc="upper right")
    label(axes, _(_TITLE[what]), _(_AXIS[what]).format(currency=currency), _("Number of customers"))
    money_axis(axes, currency, which="x")
    number_axis(axes, which="y")
    return figure
