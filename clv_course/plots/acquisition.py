"""Chapter 5's figures: what a customer is worth against what winning them costs.

Three views a marketer needs side by side: what a customer is worth (chapter 5
uses the gross profit so far per customer as a stand-in for profit CLV) next to CAC per channel,
the CLV:CAC ratio against the 3:1 rule of thumb, and the cumulative expected
margin of one customer climbing towards the CAC it has to earn back.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from clv_course.errors import InputError
from clv_course.formatting import fmt
from clv_course.i18n import N_, _
from clv_course.plots import label, money_axis, new_figure, number_axis, paired_money_bars
from clv_course.plots.palette import BLUE, GREEN, ORANGE, PALE_GREY, RED
from clv_course.units import Unit, check_unit

__all__ = ["clv_and_cac", "clv_cac_ratio_chart", "payback_curve"]

CLV_COLOUR = GREEN
CAC_COLOUR = ORANGE
RATIO_COLOUR = BLUE
BELOW_COLOUR = RED
WAITING_COLOUR = PALE_GREY
#: the x-axis label of a payback curve, per time unit: bar n is the total after n periods'
#: margins, each received at the start of its period (so bar 1 is at acquisition, not after it)
PERIOD_LABELS = {"day": N_("Days of margin received (each at the start of its day)"),
                 "week": N_("Weeks of margin received (each at the start of its week)"),
                 "month": N_("Months of margin received (each at the start of its month)"),
                 "quarter": N_("Quarters of margin received (each at the start of its quarter)"),
                 "year": N_("Years of margin received (each at the start of its year)")}


def _series(values: pd.Series, what: str) -> pd.Series:
    if not isinstance(values, pd.Series) or values.empty:
        raise InputError(_("Expected {what} as a pandas Series with one value per channel.")
                         .format(what=what))
    return values.astype(float)


def clv_and_cac(clv: pd.Series, cac: pd.Series, *, currency: str) -> Figure:
    """What a customer is worth and CAC per channel as paired bars, each labelled with its amount.

    ``clv`` is the gross profit so far per customer, standing in for profit CLV (the
    legend says so): it understates customers still buying and ignores discounting.

    ``clv`` and ``cac`` are Series indexed by channel; they must name the same
    channels (the order of ``clv`` is kept), so no channel silently drops out.
    """
    clv, cac = _series(clv, _("the CLV")), _series(cac, _("the CAC"))
    if set(clv.index) != set(cac.index):
        raise InputError(_("CLV and CAC must name the same channels; got {clv} and {cac}.")
                         .format(clv=", ".join(map(str, clv.index)),
                                 cac=", ".join(map(str, cac.index))))
    cac = cac.reindex(clv.index)
    figure, axes = new_figure(7.5, 4.0)
    worth = _("Gross profit so far (stand-in for profit CLV)")
    paired_money_bars(axes, [(clv, CLV_COLOUR, worth), (cac, CAC_COLOUR, _("CAC"))],
                      currency=currency)
    axes.legend(frameon=False)
    label(axes, _("What a customer is worth and what winning one costs"),
          _("Acquisition channel"), _("Per new customer ({currency})").format(currency=currency))
    money_axis(axes, currency)
    axes.margins(y=0.12)
    return figure


def clv_cac_ratio_chart(ratio: pd.Series, *, target: float = 3.0,
                        value_name: str | None = None) -> Figure:
    """CLV:CAC per channel as bars, with the target ratio drawn as a dashed line.

    Bars below the target are drawn in red, so the channels that fall short of
    the rule of thumb stand out. ``value_name`` names what stands in the numerator
    on the y-axis ("Gross profit so far per customer"); by default "Profit CLV".
    """
    ratio = _series(ratio, _("the CLV:CAC ratio"))
    if not np.isfinite(target) or target <= 0:
        raise InputError(_("The target ratio must be a positive number, such as 3; got {value}.")
                         .format(value=target))
    figure, axes = new_figure(7.0, 4.0)
    colours = [RATIO_COLOUR if value >= target else BELOW_COLOUR for value in ratio]
    bars = axes.bar([str(name) for name in ratio.index], ratio.to_numpy(), color=colours)
    for bar, value in zip(bars, ratio):  # inside the bar, so a label never sits on the line
        axes.annotate(_("{ratio} : 1").format(ratio=fmt(value, "number", digits=1)),
                      (bar.get_x() + bar.get_width() / 2, bar.get_height() / 2),
                      ha="center", va="center", color="white", fontweight="bold")
    axes.axhline(target, color="black", linestyle="--", linewidth=1,
                 label=_("Rule of thumb: {ratio} : 1").format(ratio=fmt(target, "number", digits=0)))
    axes.legend(frameon=False, loc="upper right")
    label(axes, _("CLV:CAC ratio per acquisition channel"), _("Acquisition channel"),
          _("{value} / CAC").format(value=value_name) if value_name else _("Profit CLV / CAC"))
    number_axis(axes, digits=0)
    axes.margins(y=0.12)
    return figure


def payback_curve(cac: float, margin_per_period: float, *, retention: float = 1.0,
                  periods: int = 24, currency: str, unit: Unit = "month") -> Figure:
    """Cumulative expected margin of one new customer against the CAC it must repay.

    The margin of period ``t`` (1, 2, ...) arrives at its start and counts only
    if the customer is still there, with probability ``retention ** (t - 1)``,
    as in :func:`clv_course.metrics.payback_period`; a period is one ``unit``.
    Bar ``t`` is the total after ``t`` margins, so the x-axis counts periods of
    margin received, not time since acquisition (the first margin comes at once).
    The first period whose bar reaches the CAC line is the payback period; with
    low retention the curve may flatten below the line and never pay back.
    """
    check_unit(unit)
    if cac < 0 or margin_per_period < 0:
        raise InputError(_("Acquisition cost and margin cannot be negative."))
    if not 0 <= retention <= 1:
        raise InputError(_("The retention rate must be between 0 and 1; got {value}.")
                         .format(value=retention))
    if int(periods) != periods or periods < 1:
        raise InputError(_("The number of periods must be a whole number, 1 or more; got "
                           "{value}.").format(value=periods))
    t = np.arange(1, int(periods) + 1)
    cumulative = np.cumsum(margin_per_period * retention ** (t - 1))
    figure, axes = new_figure(7.0, 4.0)
    paid = cumulative >= cac * (1 - 1e-12)
    axes.bar(t[~paid], cumulative[~paid], color=WAITING_COLOUR, label=_("Not yet paid back"))
    axes.bar(t[paid], cumulative[paid], color=RATIO_COLOUR, label=_("Paid back"))
    axes.axhline(cac, color=CAC_COLOUR, linestyle="--", linewidth=1.5,
                 label=_("CAC: {amount}").format(amount=fmt(cac, "money", currency=currency)))
    axes.legend(frameon=False, loc="upper left")
    label(axes, _("Cumulative expected margin of a new customer against its CAC"),
          _(PERIOD_LABELS[unit]), _("Expected margin so far, per customer ({currency})")
          .format(currency=currency))
    money_axis(axes, currency)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))  # whole periods only
    return figure
