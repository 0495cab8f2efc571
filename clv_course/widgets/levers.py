"""Chapter 7's lever simulator: sliders per lever, each lever's net CLV gain as money.

Every slider shows its value in words next to it, in the learner's locale: a
retention gain in **percentage points** ("3 points"), a relative change or a
share as a **percentage** ("15 %"), a cost as **money**. A built-in readout
would print a gain of three points as "3%", which reads as a relative change.
"""

from __future__ import annotations

import ipywidgets as widgets

from clv_course.formatting import fmt
from clv_course.i18n import _
from clv_course.widgets import fit_labels
from clv_course.widgets.slider import Slider
from clv_course.levers import (LEVER_NAMES, Baseline, LeverResult, loyalty_lever,
                               personalisation_lever, service_lever, upsell_lever)


def _targeted_personalisation(baseline: Baseline, targeted: Baseline, uplift: float, share: float,
                              cost: float) -> LeverResult:
    """Personalisation computed on the targeted customers, as a gain per average customer."""
    per_targeted = personalisation_lever(targeted, uplift, 1.0, cost)
    return LeverResult("personalisation", baseline.clv,
                       baseline.clv + share * per_targeted.net_gain, share * per_targeted.cost)


def simulator_results(baseline: Baseline, *, service_points: float, service_cost: float,
                      personalisation_uplift: float, personalisation_share: float,
                      personalisation_cost: float, loyalty_points: float, loyalty_share: float,
                      loyalty_cost: float, upsell_uplift: float, upsell_cost: float = 0.0,
                      targeted: Baseline | None = None) -> list:
    """The four levers applied to ``baseline`` with the sliders' values (a list of LeverResult).

    With ``targeted`` (the baseline of the customers personalisation reaches, a
    ``personalisation_share`` of all), personalisation is computed on them and
    scaled to the average customer; without it, on the average customer.
    """
    if targeted is None:
        personalisation = personalisation_lever(baseline, personalisation_uplift,
                                                personalisation_share, personalisation_cost)
    else:
        personalisation = _targeted_personalisation(baseline, targeted, personalisation_uplift,
                                                    personalisation_share, personalisation_cost)
    return [service_lever(baseline, service_points, service_cost), personalisation,
            loyalty_lever(baseline, loyalty_points, loyalty_share, loyalty_cost),
            upsell_lever(baseline, upsell_uplift, upsell_cost)]


def simulator_text(baseline: Baseline, *, currency: str, targeted: Baseline | None = None,
                   **settings: float) -> str:
    """The simulator's result as a small localized HTML table: each lever's CLV and net gain."""
    rows = []
    for result in simulator_results(baseline, targeted=targeted, **settings):
        verdict = _("pays") if result.pays else _("does not pay")
        rows.append('<tr><th scope="row">{name}</th><td>{after}</td><td><b>{gain}</b></td>'
                    "<td>{verdict}</td></tr>".format(
                        name=_(LEVER_NAMES[result.lever]),
                        after=fmt(result.clv_after, "money", currency=currency),
                        gain=fmt(result.net_gain, "money", currency=currency), verdict=verdict))
    head = _("<p>Baseline CLV: <b>{clv}</b> (yearly margin {margin}, retention {retention})</p>"
             ).format(clv=fmt(baseline.clv, "money", currency=currency),
                      margin=fmt(baseline.yearly_margin, "money", currency=currency),
                      retention=fmt(baseline.retention, "percent", digits=1))
    columns = ('<tr><th scope="col">{lever}</th><th scope="col">{after}</th>'
               '<th scope="col">{gain}</th><th scope="col">{pays}</th></tr>').format(
        lever=_("Lever"), after=_("CLV after"), gain=_("Net gain per customer"),
        pays=_("Pays off?"))
    return head + "<table>" + columns + "".join(rows) + "</table>"


def readout(value: float, kind: str, currency: str) -> str:
    """A slider's value in words: ``points`` (0.03 -> 3 points), ``percent`` or ``money``."""
    if kind == "points":
        return _("{value} points").format(value=fmt(100 * value, "number", digits=0))
    if kind == "percent":
        return fmt(value, "percent", digits=0)
    return fmt(value, "money", currency=currency)


def lever_simulator(baseline: Baseline, *, currency: str = "EUR", targeted: Baseline | None = None,
                    targeted_share: float = 0.3) -> widgets.VBox:
    """Sliders for each lever's effect and cost; the table below shows what each adds to CLV.

    With ``targeted``, personalisation reaches those customers (a ``targeted_share``
    of all) and has no share slider. Each slider shows its value in words
    beside it; the sliders by name are in ``box.sliders``.
    """
    layout = widgets.Layout()  # one for all its sliders; fit_labels sets the width

    def slider(value: float, high: float, step: float, text: str, kind: str) -> Slider:
        return Slider(value=value, min=0.0, max=high, step=step, layout=layout, description=text,
                      readout_of=lambda number: readout(number, kind, currency))

    headroom = max(0.0, round(0.95 - baseline.retention, 2))
    if targeted is not None:
        headroom = min(headroom, max(0.0, round(0.95 - targeted.retention, 2)))
    sliders = {
        "service_points": slider(min(0.03, headroom), headroom, 0.01,
                                 _("Service: retention up by (percentage points)"), "points"),
        "service_cost": slider(2.0, 30.0, 0.5, _("Service: cost per customer per year ({currency})")
                               .format(currency=currency), "money"),
        "personalisation_uplift": slider(0.15, 0.5, 0.01,
                                         _("Personalisation: orders per year up by"), "percent"),
        "personalisation_share": slider(0.3, 1.0, 0.05,
                                        _("Personalisation: share of customers targeted"),
                                        "percent"),
        "personalisation_cost": slider(4.0, 30.0, 0.5, _("Personalisation: cost per targeted "
                                                         "customer per year ({currency})").format(
            currency=currency), "money"),
        "loyalty_points": slider(min(0.05, headroom), headroom, 0.01,
                                 _("Loyalty: members' retention up by (percentage points)"),
                                 "points"),
        "loyalty_share": slider(0.4, 1.0, 0.05, _("Loyalty: share of customers who join"),
                                "percent"),
        "loyalty_cost": slider(5.0, 30.0, 0.5, _("Loyalty: cost per member per year ({currency})")
                               .format(currency=currency), "money"),
        "upsell_uplift": slider(0.05, 0.3, 0.01, _("Upselling: margin per order up by"), "percent"),
        "upsell_cost": slider(1.0, 30.0, 0.5, _("Upselling: cost per customer per year ({currency})")
                              .format(currency=currency), "money"),
    }
    fit_labels(sliders.values(), minimum=22.0, slider=24.0)
    if targeted is not None:
        del sliders["personalisation_share"]
    result = widgets.HTML()

    def update(_change: object = None) -> None:
        settings = {name: control.value for name, control in sliders.items()}
        if targeted is not None:
            settings["personalisation_share"] = targeted_share
        result.value = simulator_text(baseline, currency=currency, targeted=targeted, **settings)

    for control in sliders.values():
        control.observe(update, names="value")
    update()
    box = widgets.VBox([*sliders.values(), result])
    box.sliders = sliders
    return box
