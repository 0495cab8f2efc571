"""The course's slider: a value on its scale, said in words, named by its label."""

from __future__ import annotations

from clv_course.i18n import language
from clv_course.formatting import fmt
from clv_course.widgets.slider import Slider


def test_a_value_off_the_scale_is_kept_within_min_and_max():
    slider = Slider(value=5, min=0, max=1, step=0.1)
    assert slider.value == 1
    slider.value = -3
    assert slider.value == 0


def test_a_value_from_the_browser_lands_on_the_steps_grid():
    slider = Slider(value=0.3, min=0.05, max=0.9, step=0.05)
    slider.value = 0.15000000000000002  # what a browser's float arithmetic sends
    assert slider.value == 0.15
    slider.value = 0.42
    assert slider.value == 0.4


def test_the_readout_says_the_value_in_words_and_follows_it():
    slider = Slider(value=0.3, min=0, max=1, step=0.05,
                    readout_of=lambda value: fmt(value, "percent", digits=0))
    assert slider.readout == "30%"
    slider.value = 0.45
    assert slider.readout == "45%"


def test_the_readout_is_in_the_learners_locale():
    with language("de"):
        slider = Slider(value=2.5, min=0, max=10, step=0.5,
                        readout_of=lambda value: fmt(value, "money", currency="EUR"))
    assert slider.readout == "2,50\xa0€"


def test_its_front_end_ties_the_label_to_a_native_range_input():
    """What gives the slider its accessible name: <label for> on an <input type=range>."""
    esm = Slider._esm
    assert 'input.type = "range"' in esm and "label.htmlFor = id" in esm
    assert 'setAttribute("aria-valuetext"' in esm
