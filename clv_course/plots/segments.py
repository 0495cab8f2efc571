"""Chapter 6's figures: how concentrated customer value is, and the value of each decile."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from clv_course.formatting import fmt
from clv_course.i18n import _
from clv_course.plots import label, new_figure, percent_axis
from clv_course.segments import concentration_curve, top_share, value_deciles


def concentration_plot(values, *, highlight: float = 0.2) -> Figure:
    """The concentration (Lorenz) curve, most valuable customers first, against the diagonal.

    The diagonal is what equal customers would give; the further the curve bows
    above it, the more the best customers matter. The point at ``highlight``
    reads "the top 20 % bring X %" off the chart.
    """
    curve = concentration_curve(values)
    figure, axes = new_figure(6.0, 4.5)
    axes.plot(curve["customer_share"], curve["value_share"], color="#2e86c1", linewidth=2,
              label=_("Customers, most valuable first"))
    axes.plot([0, 1], [0, 1], color="grey", linestyle="--", label=_("Equality: all worth the same"))
    share = top_share(values, highlight)
    axes.plot([highlight, highlight, 0], [0, share, share], color="#c0392b", linestyle=":")
    axes.scatter([highlight], [share], color="#c0392b", zorder=3)
    axes.annotate(_("top {customers} bring {value}").format(
        customers=fmt(highlight, "percent", digits=0), value=fmt(share, "percent", digits=1)),
        (highlight, share), xytext=(12, -18), textcoords="offset points", color="#c0392b")
    label(axes, _("How concentrated customer value is"), _("Share of customers"),
          _("Share of total value"))
    percent_axis(axes, "x")
    percent_axis(axes, "y")
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1.02)
    axes.legend(loc="lower right")
    return figure


def decile_plot(values: pd.Series) -> Figure:
    """One bar per value decile: the share of total value each tenth of the customers brings."""
    values = pd.Series(values)
    deciles = value_deciles(values)
    shares = values.groupby(deciles).sum() / values.sum()
    figure, axes = new_figure(6.5, 3.8)
    bars = axes.bar(shares.index.astype(str), shares.to_numpy(), color="#28b463")
    for bar, share in zip(bars, shares.to_numpy()):
        axes.annotate(fmt(share, "percent", digits=1), (bar.get_x() + bar.get_width() / 2,
                      max(float(share), 0.0)), ha="center", va="bottom")
    label(axes, _("Share of total value by decile"), _("Decile (10 = most valuable tenth)"),
          _("Share of total value"))
    percent_axis(axes, "y")
    axes.set_ylim(0, float(np.max(shares.to_numpy())) * 1.15)
    return figure
