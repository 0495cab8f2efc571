"""Chapter 4's figures: the finite sum reaching the closed form, and the tornado chart."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from clv_course import metrics
from clv_course.errors import InputError
from clv_course.formatting import fmt
from clv_course.i18n import N_, _
from clv_course.plots import label, money_axis, new_figure
from clv_course.plots.palette import BLUE, ORANGE, RED
from clv_course.units import check_unit

#: the x axis of the convergence chart, per time unit: every axis names its unit
PERIODS_SUMMED = {
    "day": N_("Days summed (n)"), "week": N_("Weeks summed (n)"), "month": N_("Months summed (n)"),
    "quarter": N_("Quarters summed (n)"), "year": N_("Years summed (n)"),
}

#: how the inputs of :func:`clv_course.sensitivity.component_clv` are named on the chart
INPUT_LABELS = {
    "aov": N_("Order value"),
    "frequency": N_("Purchase frequency"),
    "margin": N_("Margin rate"),
    "retention": N_("Retention rate"),
    "churn": N_("Churn rate"),
    "discount_rate": N_("Discount rate"),
}
#: the hatch of the tornado's bars for the lower input (the higher input's bars are plain)
LOWER_HATCH = "///"


def convergence(margin: float, retention: float, discount_rate: float, *, max_periods: int = 30,
                currency: str, unit: str) -> Figure:
    """Discounted CLV summed over 1, 2, ... periods, with the closed form as a dashed line.

    Shows that the finite sum of :func:`clv_course.metrics.discounted_clv`
    grows towards :func:`clv_course.metrics.discounted_clv_closed_form` and how
    many periods it takes to get close. ``unit`` is the period of the inputs
    (margin, retention and discount rate per ``unit``), named on the x axis.
    """
    unit = check_unit(unit)
    if int(max_periods) != max_periods or max_periods < 1:
        raise InputError(_("The number of periods must be a whole number, 1 or more; got "
                           "{value}.").format(value=max_periods))
    periods = np.arange(1, int(max_periods) + 1)
    sums = [metrics.discounted_clv(margin, retention, discount_rate, periods=int(n)) for n in periods]
    limit = metrics.discounted_clv_closed_form(margin, retention, discount_rate)
    if not np.isfinite(limit):
        raise InputError(_("The closed form is infinite for these inputs: with full retention "
                           "and no discounting the sum never stops growing."))
    figure, axes = new_figure()
    axes.plot(periods, sums, marker="o", markersize=3, label=_("Sum over the first n periods"))
    axes.axhline(limit, color=RED, linestyle="--",
                 label=_("Closed form: {value}").format(value=fmt(limit, "money", currency=currency)))
    axes.set_ylim(0, limit * 1.1)
    label(axes, _("The finite sum approaches the closed form"), _(PERIODS_SUMMED[unit]),
          _("Discounted CLV ({currency})").format(currency=currency))
    money_axis(axes, currency)
    axes.legend(loc="lower right")
    return figure


def tornado(table: pd.DataFrame, *, currency: str) -> Figure:
    """Horizontal bars of how much CLV changes when each input is lower or higher.

    ``table`` is the result of :func:`clv_course.sensitivity.one_at_a_time`:
    the input with the largest swing is drawn at the top, bars start at the
    base CLV (the vertical line).
    """
    needed = {"low_change", "high_change"}
    if not isinstance(table, pd.DataFrame) or not needed <= set(table.columns) or table.empty:
        raise InputError(_("The tornado chart needs the table made by "
                           "clv_course.sensitivity.one_at_a_time."))
    base = float(table.attrs.get("base", 0.0))
    change = table.attrs.get("change")
    ordered = table.iloc[::-1]  # barh draws the first row at the bottom
    names = [_(INPUT_LABELS[name]) if name in INPUT_LABELS else str(name) for name in ordered.index]
    positions = np.arange(len(ordered))
    figure, axes = new_figure(7.0, 0.6 * len(ordered) + 1.8)
    lower = _("Input lower") if change is None else _("Input {change} lower").format(
        change=fmt(change, "percent", digits=0))
    higher = _("Input higher") if change is None else _("Input {change} higher").format(
        change=fmt(change, "percent", digits=0))
    # the lower input's bars are hatched, so the two stay apart without their colours (in
    # greyscale, or for a reader who cannot tell the colours), in the bars and in the legend
    for column, colour, hatch, name in (("low_change", ORANGE, LOWER_HATCH, lower),
                                        ("high_change", BLUE, "", higher)):
        bars = axes.barh(positions, ordered[column], left=base, color=colour, hatch=hatch,
                         edgecolor="white", linewidth=0, label=name)
        # each bar's end is labelled with the CLV it reaches, outside the bar
        for bar, delta in zip(bars, ordered[column]):
            axes.annotate(fmt(base + float(delta), "money", currency=currency, digits=1),
                          (base + float(delta), bar.get_y() + bar.get_height() / 2),
                          xytext=(3 if delta >= 0 else -3, 0), textcoords="offset points",
                          ha="left" if delta >= 0 else "right", va="center", fontsize=8)
    axes.axvline(base, color="black", linewidth=1)
    axes.margins(x=0.12)
    axes.set_yticks(positions, names)
    label(axes, _("Which input moves CLV most (base: {base})").format(
        base=fmt(base, "money", currency=currency)), _("CLV ({currency})").format(currency=currency), "")
    money_axis(axes, currency, which="x")
    figure.legend(loc="outside lower center", ncols=2)
    return figure
