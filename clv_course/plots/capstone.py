"""Chapter 10's figures: what a customer of each group is worth, and what winning one may cost.

- :func:`clv_by_group`: revenue and profit CLV of each group side by side. The
  capstone values customers per country (or any other group) with the
  retention-based formula; showing revenue next to profit keeps the margin's
  bite in view, which is the mistake a summary table hides most easily.
- :func:`value_against_cac`: the discounted margin a new customer of each
  acquisition channel has brought after so many periods, against three times
  the channel's CAC: where a curve crosses its line, the channel has reached
  the 3 : 1 rule of thumb, and the gap at the end shows the room left.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from clv_course.errors import InputError
from clv_course.formatting import fmt
from clv_course.i18n import N_, _
from clv_course.plots import label, money_axis, new_figure, paired_money_bars
from clv_course.plots.palette import BLACK, BLUE, GREEN, GREY, ORANGE, PALE_BLUE, PURPLE, RED, SKY

__all__ = ["clv_by_group", "value_against_cac"]

REVENUE_COLOUR = PALE_BLUE
PROFIT_COLOUR = GREEN
#: the x-axis label for the shop's grouping columns; other names are shown as they are
#: one colour per acquisition channel of the shop; other groups take the next free colour
CHANNEL_COLOURS = {"search": BLUE, "social": RED, "referral": GREEN,
                   "marketplace": ORANGE}
SPARE_COLOURS = [PURPLE, GREY, BLACK, SKY]
#: the line styles of the target lines, one per channel in turn (the value curves are solid):
#: with the channel's name at the line's end they tell the lines apart without their colours
TARGET_STYLES = ("--", "-.", ":", (0, (6, 2, 1, 2, 1, 2)))
#: the markers of the value curves, one per channel in turn, shown in the legend too
CURVE_MARKERS = ("o", "s", "^", "D", "v", "P", "X")
#: the x-axis of value_against_cac, per time unit
SINCE_FIRST = {"day": N_("Days since the first purchase"),
               "week": N_("Weeks since the first purchase"),
               "month": N_("Months since the first purchase"),
               "quarter": N_("Quarters since the first purchase"),
               "year": N_("Years since the first purchase")}
GROUP_LABELS = {"country": N_("Country"), "acquisition_channel": N_("Acquisition channel"),
                "sales_channel": N_("Sales channel")}


def _values(values: pd.Series, what: str) -> pd.Series:
    if not isinstance(values, pd.Series) or values.empty:
        raise InputError(_("Expected {what} as a pandas Series with one value per group.")
                         .format(what=what))
    numbers = pd.to_numeric(values, errors="coerce").astype(float)
    if not np.all(np.isfinite(numbers)):
        raise InputError(_("{what} has a missing or infinite value; compute it for every group "
                           "first.").format(what=what))
    return numbers


def clv_by_group(revenue_clv: pd.Series, profit_clv: pd.Series, *, currency: str,
                 by: str) -> Figure:
    """Paired bars per group: revenue CLV (light) and profit CLV (dark), each with its amount.

    ``revenue_clv`` and ``profit_clv`` are Series indexed by the same groups;
    ``by`` is the column they were grouped by (``"country"``), which names the
    x-axis. Bars are sorted by profit CLV, largest first.
    """
    revenue = _values(revenue_clv, _("the revenue CLV"))
    profit = _values(profit_clv, _("the profit CLV"))
    if set(revenue.index) != set(profit.index):
        raise InputError(_("Revenue and profit CLV must name the same groups; got {revenue} "
                           "and {profit}.").format(revenue=", ".join(map(str, revenue.index)),
                                                   profit=", ".join(map(str, profit.index))))
    profit = profit.sort_values(ascending=False)
    revenue = revenue.reindex(profit.index)
    figure, axes = new_figure(7.0, 4.0)
    paired_money_bars(axes, [(revenue, REVENUE_COLOUR, _("Revenue CLV")),
                             (profit, PROFIT_COLOUR, _("Profit CLV"))], currency=currency)
    axes.legend(frameon=False, loc="upper right")
    name = GROUP_LABELS.get(by)
    label(axes, _("Discounted lifetime value of a customer"), _(name) if name else str(by),
          _("Per active customer ({currency})").format(currency=currency))
    money_axis(axes, currency)
    axes.margins(y=0.15)
    return figure


def _label_targets(axes, targets: list[tuple[float, object, str]], ratio: str) -> None:
    """Name each target line at its right end, just outside the axes, moved apart to stay legible.

    ``targets`` holds (height, channel, colour) per line. Labels closer than a
    twentieth of the y-axis are moved up, in order of height, so none covers another.
    """
    bottom, top = axes.get_ylim()
    gap = (top - max(bottom, 0.0)) / 20
    placed = None
    for height, channel, colour in sorted(targets, key=lambda item: item[0]):
        at = height if placed is None else max(height, placed + gap)
        placed = at
        axes.annotate(_("{ratio} x CAC: {channel}").format(ratio=ratio, channel=channel),
                      (1.01, at), xycoords=("axes fraction", "data"),
                      ha="left", va="center", color=colour, fontsize=8, annotation_clip=False)


def value_against_cac(curves: pd.DataFrame, cac: pd.Series, *, currency: str, unit: str = "week",
                      target: float = 3.0) -> Figure:
    """One line per channel: a new customer's cumulative discounted margin, with ``target`` x CAC.

    ``curves`` is indexed by the periods since the first purchase (0, 1, ...,
    in ``unit``) with one column per channel; ``cac`` is a Series indexed by the
    same channels. Each channel's ``target`` x CAC is drawn as a line in its
    colour, with a line style of its own and the channel's name at its right
    end; each curve (solid, with a marker of its own) ends with its CLV:CAC ratio.
    """
    if not isinstance(curves, pd.DataFrame) or curves.empty:
        raise InputError(_("Expected the value curves as a pandas DataFrame with one column per "
                           "channel."))
    cac = _values(cac, _("the CAC"))
    if set(curves.columns) != set(cac.index):
        raise InputError(_("The value curves and the CAC must name the same channels; got "
                           "{curves} and {cac}.").format(curves=", ".join(map(str, curves.columns)),
                                                        cac=", ".join(map(str, cac.index))))
    if unit not in SINCE_FIRST:
        raise InputError(_("The unit must be one of {units}; got {unit!r}.").format(
            units=", ".join(SINCE_FIRST), unit=unit))
    if not np.isfinite(target) or target <= 0:
        raise InputError(_("The target ratio must be a positive number, such as 3; got {value}.")
                         .format(value=target))
    for channel in curves.columns:
        _values(curves[channel], _("the value curve of {channel}").format(channel=channel))
    spare = iter(SPARE_COLOURS * 4)
    order = curves.iloc[-1].sort_values(ascending=False).index
    figure, axes = new_figure(8.5, 4.5)  # wider than most: the target lines are named on the right
    targets = []
    for i, channel in enumerate(order):
        colour = CHANNEL_COLOURS.get(str(channel)) or next(spare)
        values = curves[channel].astype(float)
        axes.plot(values.index, values.to_numpy(), color=colour, linewidth=2, label=str(channel),
                  marker=CURVE_MARKERS[i % len(CURVE_MARKERS)], markersize=5,
                  markevery=(i * len(values) // (10 * len(order)), max(len(values) // 10, 1)))
        axes.axhline(target * cac[channel], color=colour, linewidth=1,
                     linestyle=TARGET_STYLES[i % len(TARGET_STYLES)])
        targets.append((target * cac[channel], channel, colour))
        ratio = values.iloc[-1] / cac[channel]
        axes.annotate(_("{ratio} : 1").format(ratio=fmt(ratio, "number", digits=1)),
                      (values.index[-1], values.iloc[-1]), xytext=(4, 0),
                      textcoords="offset points", va="center", color=colour, fontsize=9)
    _label_targets(axes, targets, fmt(target, "number", digits=0))
    axes.legend(frameon=False, loc="upper left")
    title = _("What a new customer is expected to bring, against {ratio} x what she cost")
    label(axes, title.format(ratio=fmt(target, "number", digits=0)), _(SINCE_FIRST[unit]),
          _("Discounted margin per new customer ({currency})").format(currency=currency))
    money_axis(axes, currency)
    axes.set_xlim(curves.index[0], curves.index[-1] * 1.12)
    axes.set_ylim(bottom=0)
    return figure
