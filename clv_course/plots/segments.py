"""Chapter 6's figures: how concentrated customer value is, and the value of each decile.

Both name what they measure on their axes: ``measure="profit"`` (gross margin,
the chapter's default) or ``"revenue"``. Both draw shares of the total, which
carry no currency, so neither needs one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from clv_course.errors import InputError
from clv_course.formatting import fmt
from clv_course.i18n import N_, _
from clv_course.plots import label, new_figure, percent_axis
from clv_course.plots.palette import BLUE, GREEN, PURPLE, RED
from clv_course.segments import concentration_curve, top_share, value_deciles

#: title, x label and y label of each figure, per measure
_CONCENTRATION_LABELS = {
    "profit": (N_("How concentrated customer profit is"),
               N_("Share of customers, most profitable first"),
               N_("Share of total profit (gross margin)")),
    "revenue": (N_("How concentrated customer revenue is"),
                N_("Share of customers, highest revenue first"),
                N_("Share of total revenue")),
}
_DECILE_LABELS = {
    "profit": (N_("Share of total profit by decile"),
               N_("Decile of customers by profit (10 = most profitable tenth)"),
               N_("Share of total profit (gross margin)")),
    "revenue": (N_("Share of total revenue by decile"),
                N_("Decile of customers by revenue (10 = highest tenth)"),
                N_("Share of total revenue")),
}


def _labels(table: dict, measure: str) -> tuple[str, str, str]:
    if measure not in table:
        raise InputError(_("The measure must be one of {choices}; got {value!r}.").format(
            choices=", ".join(table), value=measure))
    title, xlabel, ylabel = table[measure]
    return _(title), _(xlabel), _(ylabel)


def concentration_plot(values, *, highlight: float = 0.2, reach: float | None = 0.8,
                       measure: str = "profit") -> Figure:
    """The concentration curve, most valuable customers first, against the diagonal.

    The diagonal is what equal customers would give; the further the curve bows
    above it, the more the best customers matter. The point at ``highlight``
    reads "the top 20 % bring X %" off the chart; the guide at ``reach`` (None for
    none) reads it the other way round: "Y % of the customers bring 80 %".
    """
    labels = _labels(_CONCENTRATION_LABELS, measure)
    curve = concentration_curve(values)
    figure, axes = new_figure(6.0, 4.5)
    axes.plot(curve["customer_share"], curve["value_share"], color=BLUE, linewidth=2,
              label=_("Concentration curve"))
    axes.plot([0, 1], [0, 1], color="grey", linestyle="--", label=_("Equality: all worth the same"))
    share = top_share(values, highlight)
    axes.plot([highlight, highlight, 0], [0, share, share], color=RED, linestyle=":")
    axes.scatter([highlight], [share], color=RED, zorder=3)
    axes.annotate(_("top {customers} bring {value}").format(
        customers=fmt(highlight, "percent", digits=0), value=fmt(share, "percent", digits=1)),
        (highlight, share), xytext=(12, -18), textcoords="offset points", color=RED)
    if reach is not None:
        needed = float(curve.loc[curve["value_share"] >= reach - 1e-12, "customer_share"].iloc[0])
        axes.plot([0, needed, needed], [reach, reach, 0], color=PURPLE, linestyle=":")
        axes.scatter([needed], [reach], color=PURPLE, zorder=3)
        axes.annotate(_("{customers} bring {value}").format(
            customers=fmt(needed, "percent", digits=1), value=fmt(reach, "percent", digits=0)),
            (needed, reach), xytext=(12, -18), textcoords="offset points", color=PURPLE)
    label(axes, *labels)
    percent_axis(axes, "x")
    percent_axis(axes, "y")
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1.02)
    axes.legend(loc="lower right")
    return figure


def decile_plot(values: pd.Series, *, measure: str = "profit") -> Figure:
    """One bar per value decile: the share of total value each tenth of the customers brings."""
    labels = _labels(_DECILE_LABELS, measure)
    values = pd.Series(values)
    deciles = value_deciles(values)
    shares = values.groupby(deciles).sum() / values.sum()
    figure, axes = new_figure(6.5, 3.8)
    bars = axes.bar(shares.index.astype(str), shares.to_numpy(), color=GREEN)
    for bar, share in zip(bars, shares.to_numpy()):
        axes.annotate(fmt(share, "percent", digits=1), (bar.get_x() + bar.get_width() / 2,
                      max(float(share), 0.0)), ha="center", va="bottom")
    label(axes, *labels)
    percent_axis(axes, "y")
    axes.set_ylim(0, float(np.max(shares.to_numpy())) * 1.15)
    return figure
