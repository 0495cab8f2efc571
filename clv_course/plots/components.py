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
from clv_course.plots.palette import (BLUE, DARK_ORANGE, GREEN, PALE_BLUE, PALE_ORANGE,
                                      PALE_PURPLE, PURPLE, RED)
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
                          aov: float | None = None, bins: int = 60,
                          zoom_quantile: float = 0.95) -> Figure:
    """Order values in two panels: all of them on a log count axis, and the typical ones.

    The left panel runs to the largest order, on a logarithmic count axis, so
    the bars of the long tail (a handful of orders each) stay visible next to
    bars of thousands. The right panel zooms in on the orders up to the
    ``zoom_quantile`` (95 % of them by default), on an ordinary count axis,
    where the lines for the mean, the median and (if given) the net ``aov``
    can be told apart. The gap between mean and median is the outlier pitfall
    made visible. ``amounts`` are orders as ordered, so their mean ignores
    refunds; ``aov`` net of refunds is what the CLV formula uses.
    """
    values = _values(amounts, _("order values"))
    figure, (whole, zoom) = new_figure(10.0, 4.0, ncols=2)
    low = min(0.0, float(values.min()))
    mean, median = float(values.mean()), float(np.median(values))
    lines = [(mean, RED, "-", _("Mean of the orders: {value}")),
             (median, GREEN, "--", _("Median: {value}"))]
    if aov is not None:
        lines.append((float(aov), PURPLE, ":", _("AOV net of refunds: {value}")))
    cut = float(np.quantile(values, zoom_quantile))
    whole.set_yscale("log")  # before the tick labels: a new scale brings its own
    for axes, top in ((whole, float(values.max())), (zoom, cut)):
        shown = values[values <= top]
        axes.hist(shown, bins=bins, range=(low, top), color=PALE_BLUE, edgecolor=BLUE,
                  linewidth=0.5)
        for value, colour, style, text in lines:
            axes.axvline(value, color=colour, linewidth=2, linestyle=style,
                         label=text.format(value=fmt(value, "money", currency=currency)))
        axes.set_xlim(low, top * 1.02)
        money_axis(axes, currency, which="x")
        number_axis(axes, which="y")
    label(whole, _("All orders, up to the largest"),
          _("Order value ({currency})").format(currency=currency),
          _("Number of orders (log scale)"))
    label(zoom, _("The typical orders: the {share} up to {value}").format(
              share=fmt(float(np.mean(values <= cut)), "percent", digits=0),
              value=fmt(cut, "money", currency=currency, digits=0)),
          _("Order value ({currency})").format(currency=currency), _("Number of orders"))
    zoom.legend()
    figure.suptitle(_("How order values are spread"))
    return figure


def lifespan_histogram(lifespans: pd.Series | np.ndarray, *, unit: Unit, bins: int = 30) -> Figure:
    """Observed lifespans as shares of customers, the zeros in a bar of their own.

    Customers who bought on one day only have lifespan exactly 0; they get
    their own bar, in another colour, left of 0, whose height is the share the
    title states. The other bars split the positive lifespans, so no bar mixes
    one-time buyers with customers who came back a few days later.
    """
    values = _values(lifespans, _("lifespans"))
    unit_name = _(_UNIT_NAMES[check_unit(unit)])
    figure, axes = new_figure(7.0, 4.0)
    zero_share = float(np.mean(values == 0))
    positive = values[values > 0]
    width = (float(positive.max()) / bins) if positive.size else 1.0
    zeros = axes.bar(-width / 2, zero_share, width=width, color=PALE_ORANGE, edgecolor=DARK_ORANGE,
                     linewidth=0.5)
    handles = [zeros]
    names = [_("Lifespan 0 (bought on one day only): {share}").format(
        share=fmt(zero_share, "percent", digits=1))]
    if positive.size:
        *_counts, patches = axes.hist(positive, bins=bins, range=(0.0, float(positive.max())),
                                      weights=np.full(positive.size, 1.0 / values.size),
                                      color=PALE_PURPLE, edgecolor=PURPLE, linewidth=0.5)
        handles.append(patches[0])
        names.append(_("Came back at least once: {share}").format(
            share=fmt(1 - zero_share, "percent", digits=1)))
    axes.legend(handles, names)
    label(axes, _("Observed lifespans ({share} of customers at 0)").format(
              share=fmt(zero_share, "percent", digits=1)),
          _("Time from first to last order ({unit})").format(unit=unit_name),
          _("Share of customers (%)"))
    percent_axis(axes, which="y")
    number_axis(axes, which="x", digits=1)  # 0,5 years in German, Danish and Italian
    return figure
