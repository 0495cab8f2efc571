"""Chapter 3's figures: the cohort retention heatmap and survival under two retention stories."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from clv_course.errors import InputError
from clv_course.formatting import fmt
from clv_course.i18n import N_, _
from clv_course.plots import label, new_figure, percent_axis
from clv_course.plots.palette import BLUE, RED
from clv_course.units import check_unit

#: the x axis of the heatmap, per time unit: every axis names its unit
SINCE_FIRST_ORDER = {
    "day": N_("Days since the first order"), "week": N_("Weeks since the first order"),
    "month": N_("Months since the first order"), "quarter": N_("Quarters since the first order"),
    "year": N_("Years since the first order"),
}
#: the x axis of the survival curves, per time unit
SINCE_START = {
    "day": N_("Days since the start"), "week": N_("Weeks since the start"),
    "month": N_("Months since the start"), "quarter": N_("Quarters since the start"),
    "year": N_("Years since the start"),
}
_UNIT_OF_FREQUENCY = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year",
                      "A": "year"}


def _matrix_unit(matrix: pd.DataFrame) -> str:
    """The time unit of a retention matrix, read from its index of calendar periods."""
    if isinstance(matrix.index, pd.PeriodIndex):
        code = matrix.index.freqstr.split("-")[0].rstrip("E")
        if code in _UNIT_OF_FREQUENCY:
            return _UNIT_OF_FREQUENCY[code]
    raise InputError(_("Say which time unit the matrix's periods are in: unit=\"quarter\", for "
                       "example."))


def cohort_heatmap(matrix: pd.DataFrame, *, unit: str | None = None,
                   title: str | None = None) -> Figure:
    """A retention matrix (cohorts x periods since the first order) as a heatmap in percent.

    Each cell shows its percentage, so the figure reads like the table it
    draws; cells beyond the end of the data (NaN) stay blank instead of
    looking like 0 %, which would suggest every customer had left. The x axis
    names the time unit: ``unit``, or the unit of the matrix's calendar periods.
    """
    if not isinstance(matrix, pd.DataFrame) or matrix.empty:
        raise InputError(_("The retention matrix must be a non-empty table (a pandas DataFrame), "
                           "as clv_course.cohorts.retention_matrix returns."))
    unit = check_unit(unit) if unit is not None else _matrix_unit(matrix)
    values = matrix.to_numpy(dtype=float)
    rows, columns = values.shape
    figure, axes = new_figure(max(5.0, 1.0 + 0.7 * columns), max(3.0, 1.2 + 0.45 * rows))
    image = axes.imshow(np.ma.masked_invalid(values), cmap="Blues", vmin=0.0, vmax=1.0,
                        aspect="auto")
    for row in range(rows):
        for column in range(columns):
            value = values[row, column]
            if np.isnan(value):
                continue
            axes.text(column, row, fmt(value, "percent", digits=0), ha="center", va="center",
                      fontsize=8, color="white" if value > 0.6 else "black")
    axes.set_xticks(range(columns), [str(c) for c in matrix.columns])
    axes.set_yticks(range(rows), [str(i) for i in matrix.index])
    label(axes, title or _("Share of each cohort ordering in each period"),
          _(SINCE_FIRST_ORDER[unit]), _("Cohort (period of the first order)"))
    bar = figure.colorbar(image, ax=axes, shrink=0.8)
    bar.set_label(_("Share of the cohort active"))
    percent_axis(bar.ax, which="y")
    return figure


def survival_curves(observed: Sequence[float], *, sbg: Sequence[float],
                    constant: Sequence[float], fitted_periods: int, unit: str) -> Figure:
    """A cohort's observed survival against two projections: sBG and a constant retention rate.

    All three are shares of the starting cohort at the end of periods 0, 1,
    2, ... (so they begin at 1). The first ``fitted_periods`` periods were
    used to fit the projections; a dotted line marks where the projection
    starts, because a model is judged by the periods it has not seen. ``unit``
    names the periods on the x axis.
    """
    unit = check_unit(unit)
    observed, sbg, constant = (np.asarray(s, dtype=float) for s in (observed, sbg, constant))
    if len(sbg) != len(constant) or len(observed) > len(sbg):
        raise InputError(_("The two projections must cover the same periods, at least as many as "
                           "the observed survival."))
    figure, axes = new_figure(7.0, 4.0)
    periods = np.arange(len(sbg))
    axes.plot(np.arange(len(observed)), observed, "o", color="black", label=_("Observed"))
    axes.plot(periods, sbg, "-", color=BLUE, label=_("sBG (retention rises with tenure)"))
    axes.plot(periods, constant, "--", color=RED, label=_("Constant retention rate"))
    axes.axvline(fitted_periods, color="grey", linestyle=":", linewidth=1)
    axes.annotate(_("projection"), (fitted_periods, 0.95), xytext=(4, 0),
                  textcoords="offset points", color="grey")
    label(axes, _("Share of a cohort still active"), _(SINCE_START[unit]),
          _("Share of the cohort active"))
    percent_axis(axes)
    axes.set_ylim(0, 1.05)
    axes.legend(loc="upper right")  # the curves fall away from it; the projection label is left
    return figure
