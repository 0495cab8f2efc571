"""A slider a screen reader can name: a native range input with its label and its value in words.

ipywidgets' sliders draw their handle with noUiSlider, which gives the handle no
accessible name: a screen reader says "slider, 50" and not what the 50 is (axe's
``aria-input-field-name``). This one is a plain ``<input type="range">`` tied to a
``<label>``, written with anywidget so it needs no JupyterLab extension of our own.
Its readout is the value as the learner's locale writes it ("3 points", "30 %",
"€50.00"), shown beside the slider and read out as ``aria-valuetext``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import anywidget
import traitlets

HERE = Path(__file__).resolve().parent


class Slider(anywidget.AnyWidget):
    """A labelled slider; ``readout_of(value)`` says the value in words for the readout."""

    _esm = (HERE / "slider.js").read_text(encoding="utf-8")
    _css = (HERE / "slider.css").read_text(encoding="utf-8")

    value = traitlets.Float(0.0).tag(sync=True)
    min = traitlets.Float(0.0).tag(sync=True)
    max = traitlets.Float(100.0).tag(sync=True)
    step = traitlets.Float(1.0).tag(sync=True)
    description = traitlets.Unicode("").tag(sync=True)
    #: the value in words, beside the slider and as its aria-valuetext
    readout = traitlets.Unicode("").tag(sync=True)
    #: the width of the label column, in em (see :func:`clv_course.widgets.fit_labels`)
    label_width = traitlets.Float(16.0).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)

    def __init__(self, *, readout_of: Callable[[float], str] = str, **traits: object) -> None:
        self.readout_of = readout_of
        super().__init__(**traits)
        self.observe(self._say_value, names="value")
        self._say_value()

    @traitlets.validate("value")
    def _on_the_scale(self, proposal: traitlets.Bunch) -> float:
        """Clamped to [min, max] and put on the step's grid (a browser sends 0.15000000000000002)."""
        value = min(max(float(proposal["value"]), self.min), self.max)
        if self.step > 0:
            value = self.min + round((value - self.min) / self.step) * self.step
        return round(min(value, self.max), 10)

    def _say_value(self, _change: object = None) -> None:
        self.readout = str(self.readout_of(self.value))
