"""Chapter 1's figures: revenue against profit per customer."""

from __future__ import annotations

from matplotlib.figure import Figure

from clv_course.formatting import fmt
from clv_course.i18n import _
from clv_course.plots import label, money_axis, new_figure


def revenue_and_profit(revenue: float, profit: float, *, currency: str) -> Figure:
    """Two bars, revenue and profit per customer, each labelled with its amount."""
    figure, axes = new_figure(5.5, 3.5)
    names = [_("Revenue"), _("Profit")]
    bars = axes.bar(names, [revenue, profit], color=["#2e86c1", "#28b463"])
    for bar, value in zip(bars, [revenue, profit]):
        axes.annotate(fmt(value, "money", currency=currency), (bar.get_x() + bar.get_width() / 2,
                      bar.get_height()), ha="center", va="bottom")
    label(axes, _("What a customer has been worth so far"), "", _("Per customer"))
    money_axis(axes, currency)
    return figure
