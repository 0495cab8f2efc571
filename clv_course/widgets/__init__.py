"""The course's interactive tools (ipywidgets), one module per tool, localized.

Each tool is a function returning a widget, and keeps its arithmetic in a
plain function beside it, so a test can check the numbers without a browser.
Their sliders are :class:`clv_course.widgets.slider.Slider`, which a screen
reader can name.
"""

from collections.abc import Iterable

#: the width of one character of a slider's label, in em (JupyterLab's sans-serif at 13 px)
EM_PER_CHARACTER = 0.55


def fit_labels(controls: Iterable, *, minimum: float, slider: float = 16.0) -> None:
    """Widen the label column of ``controls`` so the longest label fits, in any language.

    A German or Italian label can be half as long again as the English one; the
    column is as wide as the longest, so the sliders of one tool line up.
    """
    controls = list(controls)
    longest = max((len(control.description) for control in controls), default=0)
    width = max(minimum, round(longest * EM_PER_CHARACTER, 1))
    for control in controls:
        control.label_width = width
        control.layout.width = f"{width + slider}em"
