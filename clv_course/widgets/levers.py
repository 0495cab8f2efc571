"""Chapter 7's lever simulator: sliders per lever, each lever's net CLV gain as money."""

from __future__ import annotations

import ipywidgets as widgets

from clv_course.formatting import fmt
from clv_course.i18n import _
from clv_course.levers import (LEVER_NAMES, Baseline, loyalty_lever, personalisation_lever,
                               service_lever, upsell_lever)


def simulator_results(baseline: Baseline, *, service_points: float, service_cost: float,
                      personalisation_uplift: float, personalisation_share: float,
                      personalisation_cost: float, loyalty_points: float, loyalty_share: float,
                      loyalty_cost: float, upsell_uplift: float) -> list:
    """The four levers applied to ``baseline`` with the sliders' values (a list of LeverResult)."""
    return [service_lever(baseline, service_points, service_cost),
            personalisation_lever(baseline, personalisation_uplift, personalisation_share,
                                  personalisation_cost),
            loyalty_lever(baseline, loyalty_points, loyalty_share, loyalty_cost),
            upsell_lever(baseline, upsell_uplift)]


def simulator_text(baseline: Baseline, *, currency: str, **settings: float) -> str:
    """The simulator's result as a small localized HTML table: each lever's CLV and net gain."""
    rows = []
    for result in simulator_results(baseline, **settings):
        verdict = _("pays") if result.pays else _("does not pay")
        rows.append("<tr><td>{name}</td><td>{after}</td><td><b>{gain}</b></td><td>{verdict}</td>"
                    "</tr>".format(name=_(LEVER_NAMES[result.lever]),
                                   after=fmt(result.clv_after, "money", currency=currency),
                                   gain=fmt(result.net_gain, "money", currency=currency),
                                   verdict=verdict))
    head = _("<p>Baseline CLV: <b>{clv}</b> (yearly margin {margin}, retention {retention})</p>"
             ).format(clv=fmt(baseline.clv, "money", currency=currency),
                      margin=fmt(baseline.yearly_margin, "money", currency=currency),
                      retention=fmt(baseline.retention, "percent", digits=1))
    columns = "<tr><th>{lever}</th><th>{after}</th><th>{gain}</th><th></th></tr>".format(
        lever=_("Lever"), after=_("CLV after"), gain=_("Net gain per customer"))
    return head + "<table>" + columns + "".join(rows) + "</table>"


def lever_simulator(baseline: Baseline, *, currency: str = "EUR") -> widgets.VBox:
    """Sliders for each lever's effect and cost; the table below shows what each adds to CLV."""
    style = {"description_width": "20em"}
    layout = widgets.Layout(width="40em")

    def percent(value: float, high: float, step: float, text: str) -> widgets.FloatSlider:
        return widgets.FloatSlider(value=value, min=0.0, max=high, step=step, style=style,
                                   layout=layout, description=text, readout_format=".0%")

    def money(value: float, high: float, text: str) -> widgets.FloatSlider:
        return widgets.FloatSlider(value=value, min=0.0, max=high, step=0.5, style=style,
                                   layout=layout, readout_format=".1f",
                                   description=text.format(currency=currency))

    headroom = max(0.0, round(0.95 - baseline.retention, 2))
    sliders = {
        "service_points": percent(min(0.03, headroom), headroom, 0.01,
                                  _("Service: retention up by (points)")),
        "service_cost": money(2.0, 30.0, _("Service: cost per customer per year ({currency})")),
        "personalisation_uplift": percent(0.15, 0.5, 0.01,
                                          _("Personalisation: more orders per year")),
        "personalisation_share": percent(0.3, 1.0, 0.05,
                                         _("Personalisation: share of customers targeted")),
        "personalisation_cost": money(4.0, 30.0, _("Personalisation: cost per targeted customer "
                                                   "per year ({currency})")),
        "loyalty_points": percent(min(0.05, headroom), headroom, 0.01,
                                  _("Loyalty: members' retention up by (points)")),
        "loyalty_share": percent(0.4, 1.0, 0.05, _("Loyalty: share of customers who join")),
        "loyalty_cost": money(5.0, 30.0, _("Loyalty: cost per member per year ({currency})")),
        "upsell_uplift": percent(0.05, 0.3, 0.01, _("Upselling: margin per order up by")),
    }
    result = widgets.HTML()

    def update(_change: object = None) -> None:
        settings = {name: slider.value for name, slider in sliders.items()}
        result.value = simulator_text(baseline, currency=currency, **settings)

    for slider in sliders.values():
        slider.observe(update, names="value")
    update()
    return widgets.VBox([*sliders.values(), result])
