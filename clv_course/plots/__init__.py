"""The course's figures (matplotlib), one module per topic, all labelled and localized.

Every function returns the matplotlib ``Figure`` so a notebook shows it once and
a test can read its labels. Titles and axis labels go through ``_()``; tick
labels that are money, percentages or counts go through :func:`clv_course.fmt`
via :func:`money_axis`, :func:`percent_axis` and :func:`number_axis`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from clv_course.formatting import fmt

__all__ = ["new_figure", "label", "money_axis", "percent_axis", "number_axis", "paired_money_bars"]


def new_figure(width: float = 7.0, height: float = 4.0, ncols: int = 1) -> tuple[Figure, Axes]:
    """A figure sized for a notebook, with constrained layout so labels never overlap."""
    figure, axes = plt.subplots(1, ncols, figsize=(width, height), layout="constrained")
    plt.close(figure)  # the notebook shows the returned figure once, not twice
    return figure, axes


def label(axes: Axes, title: str, xlabel: str, ylabel: str) -> Axes:
    """Set the three labels every course figure has (already translated by the caller).

    They wrap at the figure's edge: a German or Italian title can be half as long
    again as the English one, and would otherwise run off the figure.
    """
    axes.set_title(title, wrap=True)
    axes.set_xlabel(xlabel, wrap=True)
    axes.set_ylabel(ylabel, wrap=True)
    return axes


def money_axis(axes: Axes, currency: str, which: str = "y", digits: int = 0) -> None:
    """Tick labels as money in the learner's locale."""
    formatter = FuncFormatter(lambda value, _pos: fmt(value, "money", currency=currency, digits=digits))
    (axes.yaxis if which == "y" else axes.xaxis).set_major_formatter(formatter)


def percent_axis(axes: Axes, which: str = "y", digits: int = 0) -> None:
    """Tick labels as percentages (0.25 -> 25 %) in the learner's locale."""
    formatter = FuncFormatter(lambda value, _pos: fmt(value, "percent", digits=digits))
    (axes.yaxis if which == "y" else axes.xaxis).set_major_formatter(formatter)


def number_axis(axes: Axes, which: str = "y", digits: int = 0) -> None:
    """Tick labels as numbers with the locale's separators."""
    formatter = FuncFormatter(lambda value, _pos: fmt(value, "number", digits=digits))
    (axes.yaxis if which == "y" else axes.xaxis).set_major_formatter(formatter)


def paired_money_bars(axes: Axes, pairs: list[tuple[pd.Series, str, str]], *,
                      currency: str) -> None:
    """Two bars per group, side by side, each labelled with its amount as money.

    ``pairs`` holds two (values, colour, legend name) triples whose values share
    one index; the groups appear in that index's order.
    """
    groups = pairs[0][0].index
    positions = np.arange(len(groups))
    width = 0.38
    for offset, (values, colour, name) in zip((-width / 2, width / 2), pairs):
        bars = axes.bar(positions + offset, values.reindex(groups).to_numpy(), width,
                        color=colour, label=name)
        for bar, value in zip(bars, values.reindex(groups)):
            axes.annotate(fmt(value, "money", currency=currency, digits=0),
                          (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                          ha="center", va="bottom", fontsize=9)
    axes.set_xticks(positions, [str(name) for name in groups])
