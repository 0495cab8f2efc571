"""Chapter 7's figures: what each lever adds to CLV, and why retention compounds."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from clv_course.formatting import fmt
from clv_course.i18n import _
from clv_course.levers import Baseline
from clv_course.metrics import discounted_clv_closed_form
from clv_course.plots import label, money_axis, new_figure, percent_axis
from clv_course.plots.palette import BLUE, GREEN, GREY, PALE_BLUE, RED, TEXT_GREY


def lever_gains(table: pd.DataFrame, *, currency: str) -> Figure:
    """Each lever's CLV gain per customer before and after its cost (a :func:`compare_levers` table).

    Pale bars are the gross gain, dark bars the net gain, each labelled with its
    amount (the pale ones in grey): the gap between them is what the lever costs.
    """
    figure, axes = new_figure(8.0, 4.5)
    positions = np.arange(len(table))
    width = 0.38
    pale = axes.bar(positions - width / 2, table["gross_gain"], width, color=PALE_BLUE,
                    label=_("Gain before the lever's cost"))
    for bar, value in zip(pale, table["gross_gain"]):
        axes.annotate(fmt(value, "money", currency=currency), (bar.get_x() + bar.get_width() / 2,
                      max(value, 0)), ha="center", va="bottom", fontsize=8, color=TEXT_GREY)
    bars = axes.bar(positions + width / 2, table["net_gain"], width,
                    color=[GREEN if v > 0 else RED for v in table["net_gain"]],
                    label=_("Gain net of the lever's cost"))
    for bar, value in zip(bars, table["net_gain"]):
        axes.annotate(fmt(value, "money", currency=currency), (bar.get_x() + bar.get_width() / 2,
                      max(value, 0)), ha="center", va="bottom", fontsize=9)
    axes.axhline(0, color="black", linewidth=0.8)
    axes.set_xticks(positions, [textwrap.fill(str(name), 16, break_long_words=False) for name in table.index])
    label(axes, _("What each lever adds to the CLV of an average customer"), _("Lever"),
          _("CLV gain per customer ({currency})").format(currency=currency))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    money_axis(axes, currency)  # whole euros only: a tick at 2.5 would read as 3
    axes.legend(loc="best", fontsize=9)
    return figure


def clv_by_retention(baseline: Baseline, *, currency: str, highest: float = 0.9) -> Figure:
    """CLV of the baseline customer as retention varies: the curve steepens as retention rises.

    A dotted line marks retention (1 + d) / 2: to its right CLV's elasticity to
    retention, r / (1 + d - r), exceeds 1, so a per cent more retention moves CLV
    more than a per cent more order value, frequency or margin.
    """
    figure, axes = new_figure(6.5, 4.0)
    retention = np.linspace(0.0, highest, 181)
    values = discounted_clv_closed_form(baseline.yearly_margin, retention, baseline.discount_rate)
    axes.plot(retention, values, color=BLUE)
    axes.scatter([baseline.retention], [baseline.clv], color=RED, zorder=3,
                 label=_("The shop today"))
    threshold = (1 + baseline.discount_rate) / 2
    if threshold < highest:
        axes.axvline(threshold, color=GREY, linestyle=":", linewidth=1.2,
                     label=_("Right of this line: 1 % more retention beats 1 % more order value"))
    label(axes, _("CLV rises ever faster as retention rises"),
          _("Yearly retention (share of customers who buy again next year)"),
          _("Discounted CLV per customer ({currency})").format(currency=currency))
    percent_axis(axes, which="x")
    money_axis(axes, currency)
    axes.legend(loc="upper left", fontsize=9)
    return figure
