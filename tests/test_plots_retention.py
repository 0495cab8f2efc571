"""Chapter 3's figures: the cohort heatmap and the survival curves, labelled and honest."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from clv_course.cohorts import retention_matrix
from clv_course.datasets import load
from clv_course.errors import InputError
from clv_course.i18n import set_language
from clv_course.plots.retention import cohort_heatmap, survival_curves

MATRIX = pd.DataFrame([[1.0, 0.5, 0.25], [1.0, 0.4, np.nan]],
                      index=pd.PeriodIndex(["2023", "2024"], freq="Y"), columns=[0, 1, 2])


def _cell_texts(figure: Figure) -> list[str]:
    return [text.get_text() for text in figure.axes[0].texts]


def test_cohort_heatmap_returns_a_figure_with_title_and_axis_labels():
    axes = cohort_heatmap(MATRIX).axes[0]
    assert axes.get_title() and axes.get_xlabel() and axes.get_ylabel()


def test_cohort_heatmap_writes_each_known_cell_as_a_percentage():
    assert _cell_texts(cohort_heatmap(MATRIX)) == ["100%", "50%", "25%", "100%", "40%"]


def test_cohort_heatmap_leaves_cells_beyond_the_data_blank():
    assert len(_cell_texts(cohort_heatmap(MATRIX))) == int(MATRIX.notna().sum().sum())


def test_cohort_heatmap_labels_rows_with_the_cohorts():
    labels = [tick.get_text() for tick in cohort_heatmap(MATRIX).axes[0].get_yticklabels()]
    assert labels == ["2023", "2024"]


def test_cohort_heatmap_uses_a_custom_title():
    assert cohort_heatmap(MATRIX, title="Mine").axes[0].get_title() == "Mine"


def test_cohort_heatmap_axis_labels_are_translated(catalog):
    catalog("de", "Jahre seit der ersten Bestellung", msgid="Years since the first order")
    assert cohort_heatmap(MATRIX).axes[0].get_xlabel() == "Jahre seit der ersten Bestellung"


def test_cohort_heatmap_writes_percentages_in_the_learners_locale():
    set_language("de")
    assert _cell_texts(cohort_heatmap(MATRIX))[1] == "50\xa0%"


def test_cohort_heatmap_draws_the_shops_quarterly_matrix():
    matrix = retention_matrix(load("shop"), unit="quarter")
    figure = cohort_heatmap(matrix)
    assert len(_cell_texts(figure)) == int(matrix.notna().sum().sum())


def test_cohort_heatmap_rejects_an_empty_table():
    with pytest.raises(InputError):
        cohort_heatmap(pd.DataFrame())


def test_survival_curves_draw_observed_and_both_projections_with_a_legend():
    years = np.arange(5)
    figure = survival_curves([1, 0.6, 0.45], sbg=0.8 ** years, constant=0.7 ** years,
                             fitted_periods=2, unit="year")
    axes = figure.axes[0]
    assert len(axes.get_legend().get_texts()) == 3
    assert axes.get_title() and axes.get_xlabel() and axes.get_ylabel()


def test_survival_curves_reject_projections_of_different_lengths():
    with pytest.raises(InputError):
        survival_curves([1, 0.6], sbg=[1, 0.8, 0.6], constant=[1, 0.7], fitted_periods=1,
                        unit="year")


@pytest.mark.parametrize("unit, words", [("quarter", "Quarters"), ("year", "Years"),
                                         ("month", "Months")])
def test_cohort_heatmap_names_the_unit_of_its_periods(unit, words):
    matrix = retention_matrix(load("shop"), unit=unit)
    assert cohort_heatmap(matrix).axes[0].get_xlabel() == f"{words} since the first order"


def test_cohort_heatmap_asks_for_the_unit_when_the_matrix_does_not_say():
    plain = MATRIX.set_axis(["first", "second"], axis=0)
    with pytest.raises(InputError, match="unit"):
        cohort_heatmap(plain)
    assert cohort_heatmap(plain, unit="week").axes[0].get_xlabel() == "Weeks since the first order"


def test_survival_curves_name_the_unit_on_the_x_axis():
    figure = survival_curves([1, 0.6], sbg=[1, 0.8, 0.6], constant=[1, 0.7, 0.5],
                             fitted_periods=1, unit="month")
    assert figure.axes[0].get_xlabel() == "Months since the start"


def test_survival_curves_refuse_an_unknown_unit():
    with pytest.raises(InputError, match="Unknown time unit"):
        survival_curves([1, 0.6], sbg=[1, 0.8], constant=[1, 0.7], fitted_periods=1, unit="decade")
