"""Chapter 8's figures: the sales channels side by side, and CLV estimated from aggregates."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from clv_course.channels import ESTIMATE_NAMES
from clv_course.formatting import fmt
from clv_course.i18n import N_, _
from clv_course.plots import label, money_axis, new_figure, number_axis, percent_axis
from clv_course.plots.palette import BLUE, GREEN, GREY, ORANGE, PALE_GREY

#: colours for the channels, so the same channel looks the same in every panel
_COLOURS = {"own_shop": BLUE, "marketplace": ORANGE}
_CHANNEL_NAMES = {"own_shop": N_("Own shop"), "marketplace": N_("Marketplace")}
#: the hatch of the revenue bars, which the margin bars next to them do not have
REVENUE_HATCH = "//"


def _channel_name(channel: str) -> str:
    name = _CHANNEL_NAMES.get(channel)
    return _(name) if name else str(channel)


def _annotate(axes, bars, values, style: str, currency: str | None = None) -> None:
    for bar, value in zip(bars, values):
        text = (fmt(value, "money", currency=currency) if style == "money"
                else fmt(value, "percent", digits=1) if style == "percent"
                else fmt(value, "number", digits=2))
        axes.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                      ha="center", va="bottom", fontsize=8)


def channel_comparison(table: pd.DataFrame, *, currency: str, window: str | None = None) -> Figure:
    """Three panels from :func:`clv_course.channels.channel_comparison`: per order, per customer, refunds.

    The first panel puts revenue (AOV) and margin per order of each channel side
    by side, so the commission's bite is visible next to similar order values.
    ``window`` names the period the table covers (``"2023-2025"``) on the middle
    panel, whose orders per customer add up over that whole period.
    """
    figure, (money, orders, refunds) = new_figure(11, 3.8, ncols=3)
    channels = list(table.index)
    names = [_channel_name(c) for c in channels]
    colours = [_COLOURS.get(c, GREY) for c in channels]
    width = 0.38
    positions = range(len(channels))
    # revenue: the channel's colour, pale and hatched in it, so the legend tells revenue from
    # margin by the hatching as well as by the shade (in greyscale too)
    aov = money.bar([p - width / 2 for p in positions], table["aov"], width,
                    color=[(colour, 0.45) for colour in colours], edgecolor=colours, linewidth=0,
                    hatch=REVENUE_HATCH, label=_("Revenue per order (AOV)"))
    margin = money.bar([p + width / 2 for p in positions], table["margin_per_order"], width,
                       color=colours, label=_("Margin per order"))
    _annotate(money, aov, table["aov"], "money", currency)
    _annotate(money, margin, table["margin_per_order"], "money", currency)
    money.set_xticks(list(positions), names)
    money.set_ylim(0, float(table["aov"].max()) * 1.4)
    money.legend(loc="upper center", fontsize=8)
    label(money, _("What an order brings"), _("Sales channel"), _("Per order, net of refunds ({currency})").format(currency=currency))
    money_axis(money, currency)

    bars = orders.bar(names, table["orders_per_customer"], color=colours)
    _annotate(orders, bars, table["orders_per_customer"], "number")
    per_customer = (_("Orders per customer, {window}").format(window=window) if window
                    else _("Orders per customer over the data window"))
    label(orders, _("Orders per customer"), _("Sales channel"), per_customer)
    number_axis(orders, digits=1)

    bars = refunds.bar(names, table["refund_rate"], color=colours)
    _annotate(refunds, bars, table["refund_rate"], "percent")
    label(refunds, _("Refund rate"), _("Sales channel"), _("Refunds per order (%)"))
    percent_axis(refunds)
    figure.suptitle(_("Own shop and marketplace compared"))
    return figure


def aggregate_estimates(estimates: pd.Series, *, currency: str) -> Figure:
    """Horizontal bars: profit per customer estimated from aggregates, against linked orders."""
    figure, axes = new_figure(7.5, 3.6)
    names = [_(ESTIMATE_NAMES[key]) if key in ESTIMATE_NAMES else str(key) for key in estimates.index]
    colours = [GREEN if key == "linked" else PALE_GREY for key in estimates.index]
    bars = axes.barh(names, estimates.to_list(), color=colours)
    for bar, value in zip(bars, estimates):
        axes.annotate(" " + fmt(value, "money", currency=currency),
                      (bar.get_width(), bar.get_y() + bar.get_height() / 2), va="center", fontsize=9)
    if "linked" in estimates.index:
        axes.axvline(estimates["linked"], color=GREEN, linestyle="--", linewidth=1)
    axes.invert_yaxis()
    axes.set_xlim(0, max(estimates) * 1.25)
    label(axes, _("Profit per customer: aggregate estimates against linked orders"),
          _("Gross profit per customer over the data window ({currency})").format(currency=currency),
          "")
    money_axis(axes, currency, which="x")
    return figure
