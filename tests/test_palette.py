"""The plots' colours stay apart for viewers with colour-vision deficiencies.

Each deficiency is simulated with Machado, Oliveira and Fernandes (2009), full
severity, in linear RGB; two colours count as apart when their CIELAB distance
(CIE76) is at least 15, well above the 2.3 of a just-noticeable difference.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np
import pytest

from clv_course.plots import palette

ROOT = Path(__file__).resolve().parents[1]
MACHADO = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
    "normal vision": np.eye(3),
}
APART = 15.0


def _linear(colour: str) -> np.ndarray:
    srgb = np.array([int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _lab(linear: np.ndarray) -> np.ndarray:
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ linear / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def distance(one: str, other: str, vision: str) -> float:
    seen = [np.clip(np.array(MACHADO[vision]) @ _linear(c), 0, 1) for c in (one, other)]
    return float(np.linalg.norm(_lab(seen[0]) - _lab(seen[1])))


@pytest.mark.parametrize("vision", sorted(MACHADO))
def test_every_pair_of_the_strong_colours_stays_apart(vision):
    close = [(a, b, round(distance(a, b, vision), 1))
             for a, b in itertools.combinations(palette.CATEGORICAL, 2)
             if distance(a, b, vision) < APART]
    assert close == []


def test_the_simulation_tells_the_classic_red_green_pair_apart_only_in_normal_vision():
    red, green = "#ff0000", "#00a000"  # the pair a deuteranope confuses
    assert distance(red, green, "normal vision") > 50
    assert distance(red, green, "deuteranopia") < distance(red, green, "normal vision") / 3


def test_the_capstones_channels_take_only_strong_colours_or_grey():
    from clv_course.plots import capstone
    used = [*capstone.CHANNEL_COLOURS.values(), *capstone.SPARE_COLOURS]
    assert set(used) <= set(palette.CATEGORICAL) | {palette.GREY}


def test_no_plot_or_widget_writes_a_colour_of_its_own():
    sources = [p for folder in ("plots", "widgets") for p in (ROOT / "clv_course" / folder).glob("*.py")
               if p.name != "palette.py"]
    found = [f"{p.name}: {m}" for p in sources for m in re.findall(r"#[0-9a-fA-F]{6}\b", p.read_text())]
    assert found == []
