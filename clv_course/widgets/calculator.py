"""Chapter 1's CLV calculator: move the sliders, see the projected revenue and profit CLV.

The projection is the simple formula (order value x orders per year x years, times the
gross margin rate for profit), undiscounted; chapter 4 adds discounting.
"""

from __future__ import annotations

import ipywidgets as widgets

from clv_course.formatting import fmt
from clv_course.i18n import _
from clv_course.widgets import fit_labels
from clv_course.widgets.slider import Slider
from clv_course.metrics import historic_clv, margin_clv


def calculator_text(aov: float, frequency: float, lifespan: float, margin: float,
                    currency: str) -> str:
    """The calculator's result as one localized sentence (HTML): a projection, undiscounted."""
    revenue = historic_clv(aov, frequency, lifespan)
    profit = margin_clv(aov, frequency, lifespan, margin)
    return _("Revenue CLV (projected, undiscounted): <b>{revenue}</b> &middot; profit CLV at a "
             "{margin} gross margin: <b>{profit}</b>").format(revenue=fmt(revenue, "money", currency=currency),
                                       margin=fmt(margin, "percent", digits=0),
                                       profit=fmt(profit, "money", currency=currency))


def clv_calculator(aov: float = 50.0, frequency: float = 4.0, lifespan: float = 3.0,
                   margin: float = 0.3, currency: str = "EUR") -> widgets.VBox:
    """Sliders for AOV, purchases per year, lifespan in years and margin, and the CLV they give."""
    layout = widgets.Layout()  # one for all its sliders; fit_labels sets the width
    sliders = {
        "aov": Slider(value=aov, min=5, max=300, step=5, layout=layout,
                      description=_("Average order value ({currency})").format(currency=currency),
                      readout_of=lambda value: fmt(value, "money", currency=currency)),
        "frequency": Slider(value=frequency, min=0.5, max=24, step=0.5, layout=layout,
                            description=_("Purchases per year"),
                            readout_of=lambda value: fmt(value, "number", digits=1)),
        "lifespan": Slider(value=lifespan, min=0.5, max=15, step=0.5, layout=layout,
                           description=_("Lifespan in years"),
                           readout_of=lambda value: fmt(value, "number", digits=1)),
        "margin": Slider(value=margin, min=0.05, max=0.9, step=0.05, layout=layout,
                         description=_("Gross margin rate"),
                         readout_of=lambda value: fmt(value, "percent", digits=0)),
    }
    fit_labels(sliders.values(), minimum=16.0, slider=24.0)
    result = widgets.HTML()

    def update(_change: object = None) -> None:
        values = {name: slider.value for name, slider in sliders.items()}
        result.value = calculator_text(currency=currency, **values)

    for slider in sliders.values():
        slider.observe(update, names="value")
    update()
    return widgets.VBox([*sliders.values(), result])
