"""Chapter 10's figure: revenue and profit CLV of each group side by side.

The capstone values customers per country (or any other group) with the
retention-based formula; showing revenue next to profit keeps the margin's
bite in view, which is the mistake a summary table hides most easily.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from clv_course.errors import InputError
from clv_course.i18n import N_, _
from clv_course.plots import label, money_axis, new_figure, paired_money_bars

__all__ = ["clv_by_group"]

REVENUE_COLOUR = "#aed6f1"
PROFIT_COLOUR = "#28b463"
#: the x-axis label for the shop's grouping columns; other names are shown as they are
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
          _("Per active customer"))
    money_axis(axes, currency)
    axes.margins(y=0.15)
    return figure
