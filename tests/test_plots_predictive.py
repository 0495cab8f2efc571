"""Chapter 9's figures are labelled and show exactly what the fitted model says on CDNOW."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from clv_course.datasets import load
from clv_course.errors import InputError
from clv_course.models import BGNBD, ParetoNBD, ShiftedBetaGeometric
from clv_course.plots import predictive

CALIBRATION_END, HOLDOUT_END = "1997-09-30", "1998-06-30"


@pytest.fixture(scope="module")
def model(summary):
    return BGNBD().fit_summary(summary)


@pytest.fixture(scope="module")
def transactions():
    return load("cdnow_sample")


@pytest.fixture(scope="module")
def curves(model, transactions):
    return predictive.cumulative_curves(model, transactions, calibration_end=CALIBRATION_END,
                                        holdout_end=HOLDOUT_END, unit="week")


def assert_labelled(figure):
    axes = figure.axes[0]
    assert axes.get_title() and axes.get_xlabel() and axes.get_ylabel()


# ------------------------------------------------------------- cumulative repeat purchases

def test_cumulative_figure_is_labelled_with_a_line_at_the_end_of_calibration(model, transactions):
    figure = predictive.cumulative_repeat_transactions(
        model, transactions, calibration_end=CALIBRATION_END, holdout_end=HOLDOUT_END, unit="week")
    assert_labelled(figure)
    assert "Weeks since Jan 1, 1997" == figure.axes[0].get_xlabel()
    vertical = [line for line in figure.axes[0].lines
                if len(set(np.asarray(line.get_xdata(), dtype=float))) == 1]
    assert len(vertical) == 1
    assert vertical[0].get_xdata()[0] == pytest.approx(272 / 7)  # 1997-01-01 to 1997-09-30


def test_final_predicted_cumulative_value_is_the_models_sum_over_customers(curves, model, summary):
    ages = summary["T"] + summary["duration_holdout"]
    assert curves["predicted"].iloc[-1] == pytest.approx(model.expected_purchases(ages).sum())


def test_actual_cumulative_counts_every_repeat_purchase_of_calibration_and_holdout(curves, summary):
    assert curves["actual"].iloc[-1] == summary["frequency"].sum() + summary["frequency_holdout"].sum()


def test_at_the_end_of_calibration_the_curves_are_the_summarys_purchases_and_the_models(
        curves, model, summary):
    at_end = curves.loc[272 / 7]  # 1997-01-01 to 1997-09-30
    assert at_end["actual"] == summary["frequency"].sum()
    assert at_end["predicted"] == pytest.approx(model.expected_purchases(summary["T"]).sum())


def test_cumulative_figure_plots_the_curves_it_computes(model, transactions, curves):
    figure = predictive.cumulative_repeat_transactions(
        model, transactions, calibration_end=CALIBRATION_END, holdout_end=HOLDOUT_END, unit="week")
    plotted = [line.get_ydata() for line in figure.axes[0].lines[:2]]
    assert np.array_equal(plotted[0], curves["actual"])
    assert np.allclose(plotted[1], curves["predicted"])


def test_cumulative_curves_refuse_an_unfitted_model(transactions):
    with pytest.raises(InputError, match="fitted"):
        predictive.cumulative_curves(BGNBD(), transactions, calibration_end=CALIBRATION_END,
                                     holdout_end=HOLDOUT_END, unit="week")


# ------------------------------------------------------------- conditional expectations

def test_conditional_table_groups_seven_and_more_and_keeps_every_customer(model, summary):
    table = predictive.conditional_expectation_table(model, summary)
    assert list(table.index) == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert table["customers"].sum() == len(summary)
    assert table.loc["0", "customers"] == (summary["frequency"] == 0).sum()


def test_conditional_table_predictions_add_up_to_the_models_holdout_forecast(model, summary):
    table = predictive.conditional_expectation_table(model, summary)
    forecast = model.conditional_expected_purchases(39, summary["frequency"], summary["recency"],
                                                    summary["T"]).sum()
    assert (table["customers"] * table["predicted"]).sum() == pytest.approx(forecast)
    assert (table["customers"] * table["actual"]).sum() == pytest.approx(1882)


def test_conditional_figure_is_labelled_and_shows_the_table(model, summary):
    figure = predictive.conditional_expectations(model, summary)
    assert_labelled(figure)
    table = predictive.conditional_expectation_table(model, summary)
    actual, predicted = figure.axes[0].lines[:2]
    assert np.allclose(actual.get_ydata(), table["actual"])
    assert np.allclose(predicted.get_ydata(), table["predicted"])
    assert [t.get_text() for t in figure.axes[0].get_xticklabels()][-1] == "7+"


def test_conditional_table_needs_the_holdout_columns(model, summary):
    with pytest.raises(InputError, match="holdout_end"):
        predictive.conditional_expectation_table(model, summary[["frequency", "recency", "T"]])


# ------------------------------------------------------------------------- P(alive)

def test_probability_alive_curves_are_the_models_values(model):
    figure = predictive.probability_alive_by_recency(model, T=38.86, frequencies=(1, 5))
    assert_labelled(figure)
    curve = figure.axes[0].lines[1]
    recency, alive = curve.get_xdata(), curve.get_ydata()
    assert recency[-1] == pytest.approx(38.86)
    assert alive[-1] == pytest.approx(model.probability_alive(5, 38.86, 38.86))
    assert np.all(np.diff(alive) > 0)  # a more recent last purchase, a likelier live customer


def _default_cycle():
    import matplotlib
    return {matplotlib.colors.to_hex(c) for c in matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]}


def test_probability_alive_curves_take_the_palettes_colours_not_matplotlibs_defaults(model):
    from matplotlib.colors import to_hex
    from clv_course.plots import palette
    axes = predictive.probability_alive_by_recency(model, T=38.86).axes[0]
    colours = [to_hex(line.get_color()) for line in axes.lines]
    assert len(colours) == 4 and len(set(colours)) == 4
    assert set(colours) <= {c.lower() for c in palette.CATEGORICAL}
    assert not set(colours) & _default_cycle()


def test_probability_alive_curves_differ_in_line_style_and_marker_too_in_the_legend(model):
    axes = predictive.probability_alive_by_recency(model, T=38.86).axes[0]
    styles = [(line.get_linestyle(), line.get_marker()) for line in axes.lines]
    assert len({style for style, _ in styles}) == 4 and len({marker for _, marker in styles}) == 4
    assert all(marker not in ("None", "", None) for _, marker in styles)
    handles = axes.get_legend().legend_handles
    assert [(h.get_linestyle(), h.get_marker()) for h in handles] == styles
    assert [t.get_text() for t in axes.get_legend().get_texts()] == [
        "Frequency 1", "Frequency 2", "Frequency 5", "Frequency 10"]


def test_probability_alive_histogram_counts_every_customer(model, summary):
    figure = predictive.probability_alive_histogram(model, summary)
    assert_labelled(figure)
    heights = [patch.get_height() for patch in figure.axes[0].patches]
    assert sum(heights) == len(summary)


def test_probability_alive_histogram_stacks_one_time_buyers_and_points_at_the_spike(model, summary):
    figure = predictive.probability_alive_histogram(model, summary, bins=20)
    axes = figure.axes[0]
    one_time = axes.patches[:20]  # the first layer of the stack: one-time buyers
    assert sum(p.get_height() for p in one_time) == (summary["frequency"] == 0).sum()
    assert one_time[-1].get_height() == (summary["frequency"] == 0).sum()  # all at P(alive) = 1
    (arrow,) = axes.texts
    assert "1,411 one-time buyers" in arrow.get_text() and "by construction" in arrow.get_text()
    assert "BG/NBD" in axes.get_title()
    assert [t.get_text() for t in axes.get_legend().get_texts()] == [
        "One-time buyers (no repeat purchase)", "Repeat buyers"]


def test_a_pareto_histogram_has_no_spike_to_point_at(summary):
    pareto = ParetoNBD().fit_summary(summary)
    figure = predictive.probability_alive_histogram(pareto, summary)
    assert len(figure.axes[0].texts) == 0 and "Pareto/NBD" in figure.axes[0].get_title()


@pytest.mark.parametrize("model_class", [BGNBD, ParetoNBD])
def test_the_histogram_legend_never_covers_the_tallest_bar(model_class, summary):
    figure = predictive.probability_alive_histogram(model_class().fit_summary(summary), summary)
    axes = figure.axes[0]
    FigureCanvasAgg(figure).draw()  # lays the legend out where it will be shown
    legend = axes.get_legend().get_window_extent()
    tallest = max(axes.patches, key=lambda patch: patch.get_y() + patch.get_height())
    assert not legend.overlaps(tallest.get_bbox().transformed(axes.transData))


def test_alive_band_table_keeps_every_customer_and_puts_certainty_in_the_last_band(model,
                                                                                 summary):
    table = predictive.alive_band_table(model, summary)
    assert list(table.index) == ["0%-20%", "20%-40%", "40%-60%", "60%-80%", "80%-100%"]
    assert table["customers"].sum() == len(summary)
    one_time = summary["frequency"] == 0
    assert table.loc["80%-100%", "one_time_buyers"] == one_time.sum()
    alive = model.probability_alive(summary["frequency"], summary["recency"], summary["T"])
    top = np.asarray(alive) > 0.8
    assert table.loc["80%-100%", "bought_in_holdout"] == pytest.approx(
        (summary["frequency_holdout"].to_numpy()[top] > 0).mean())
    assert table["mean_p_alive"].is_monotonic_increasing


def test_alive_band_table_needs_the_holdout(model, summary):
    with pytest.raises(InputError, match="holdout_end"):
        predictive.alive_band_table(model, summary[["frequency", "recency", "T"]])


# ------------------------------------------------------------- retention by tenure (sBG)

ACTIVE = {"Regular": [631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173],
          "High End": [869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394]}


def test_retention_by_tenure_shows_the_observed_rates_and_the_models():
    models = {name: ShiftedBetaGeometric().fit(counts[:7], initial=1000)
              for name, counts in ACTIVE.items()}
    figure = predictive.retention_by_tenure(ACTIVE, models, initial=1000, fitted_periods=7)
    assert_labelled(figure)
    axes = figure.axes[0]
    observed, model_line = axes.lines[0], axes.lines[1]
    assert observed.get_ydata()[0] == pytest.approx(0.631)
    assert observed.get_ydata()[1] == pytest.approx(468 / 631)
    assert np.allclose(model_line.get_ydata(), models["Regular"].retention_rate(np.arange(1, 13)))
    assert np.all(np.diff(model_line.get_ydata()) > 0)
    assert list(axes.get_xticks()) == list(range(1, 13))
    assert "Year of tenure" == axes.get_xlabel() and "%" in axes.get_yticklabels()[1].get_text()


def test_retention_by_tenure_tells_the_cohorts_apart_by_marker_and_line_style():
    models = {name: ShiftedBetaGeometric().fit(counts[:7], initial=1000)
              for name, counts in ACTIVE.items()}
    axes = predictive.retention_by_tenure(ACTIVE, models, initial=1000, fitted_periods=7).axes[0]
    regular_dots, regular_line, high_dots, high_line = axes.lines[:4]
    assert regular_dots.get_linestyle() == high_dots.get_linestyle() == "None"  # dots alone
    assert regular_dots.get_marker() != high_dots.get_marker()
    assert "None" not in (regular_dots.get_marker(), high_dots.get_marker())
    assert regular_line.get_linestyle() != high_line.get_linestyle()
    # and not dotted: a dotted line marks where the fit ends
    assert ":" not in (regular_line.get_linestyle(), high_line.get_linestyle())
    handles = axes.get_legend().legend_handles
    assert [(h.get_marker(), h.get_linestyle()) for h in handles] == [
        (line.get_marker(), line.get_linestyle()) for line in axes.lines[:4]]


def test_retention_by_tenure_needs_a_model_per_cohort():
    model = ShiftedBetaGeometric().fit(ACTIVE["Regular"][:7], initial=1000)
    with pytest.raises(InputError, match="one fitted model per cohort"):
        predictive.retention_by_tenure(ACTIVE, {"Regular": model}, initial=1000, fitted_periods=7)


# ------------------------------------------------------------- frequency-recency matrix

def test_matrix_cells_are_the_models_conditional_expectations(model):
    grid = predictive.frequency_recency_grid(model, T=38.86, horizon=39, max_frequency=10)
    recency = grid.columns[-1]
    assert grid.loc[3, recency] == pytest.approx(
        model.conditional_expected_purchases(39, 3, recency, 38.86))
    assert grid.loc[0, 0.0] == pytest.approx(model.conditional_expected_purchases(39, 0, 0, 38.86))


def test_matrix_leaves_impossible_cells_empty(model):
    grid = predictive.frequency_recency_grid(model, T=30, what="alive")
    assert np.isnan(grid.loc[0].iloc[1:]).all()
    assert np.isnan(grid.loc[1:, 0.0]).all()
    assert not np.isnan(grid.loc[1:].iloc[:, 1:].to_numpy()).any()


def test_matrix_figure_is_labelled_and_shows_the_grid(model):
    figure = predictive.frequency_recency_matrix(model, T=38.86, horizon=39, max_frequency=10)
    assert_labelled(figure)
    grid = predictive.frequency_recency_grid(model, T=38.86, horizon=39, max_frequency=10)
    shown = np.asarray(figure.axes[0].images[0].get_array().filled(np.nan))
    assert np.allclose(shown, grid.to_numpy(), equal_nan=True)
    assert figure.axes[1].get_ylabel() == "Expected purchases"


def test_matrix_refuses_an_unknown_quantity(model):
    with pytest.raises(InputError, match="purchases"):
        predictive.frequency_recency_grid(model, T=30, what="revenue")


# ------------------------------------------------------------- calibration histogram

def test_calibration_purchase_histogram_shows_actual_and_each_models_expected(model, summary):
    from clv_course.models import calibration_histogram
    pareto = ParetoNBD().fit_summary(summary)
    figure = predictive.calibration_purchase_histogram([model, pareto], summary)
    assert_labelled(figure)
    axes = figure.axes[0]
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["Actual", "BG/NBD",
                                                                     "Pareto/NBD"]
    heights = np.array([p.get_height() for p in axes.patches]).reshape(3, 8)
    assert heights[0].sum() == len(summary) and heights[0][0] == 1411
    assert np.allclose(heights[1], calibration_histogram(model, summary)["expected"])
    assert np.allclose(heights[2], calibration_histogram(pareto, summary)["expected"])
    assert [t.get_text() for t in axes.get_xticklabels()][-1] == "7+"
    assert axes.get_ylabel() == "Customers"


def test_calibration_purchase_histogram_takes_one_model_and_refuses_an_unfitted_one(model,
                                                                                   summary):
    figure = predictive.calibration_purchase_histogram(model, summary)
    assert len(figure.axes[0].patches) == 16
    with pytest.raises(InputError, match="fitted"):
        predictive.calibration_purchase_histogram([model, BGNBD()], summary)


# ------------------------------------------------------------- weekly tracking

@pytest.fixture(scope="module")
def weekly(model, transactions):
    return predictive.incremental_curves(model, transactions, calibration_end=CALIBRATION_END,
                                         holdout_end=HOLDOUT_END, unit="week")


def test_incremental_curves_are_the_cumulative_ones_week_by_week(weekly, curves):
    assert list(weekly.index) == list(range(1, 78))  # 545 days: 77 whole weeks
    at_week_77 = curves.loc[77]
    assert weekly["actual"].sum() == at_week_77["actual"]
    assert weekly["predicted"].sum() == pytest.approx(at_week_77["predicted"])
    assert (weekly["actual"] >= 0).all() and (weekly["predicted"] > 0).all()
    assert weekly.loc[1, "actual"] == curves.loc[1, "actual"]


def test_incremental_figure_is_labelled_per_week_and_marks_the_end_of_calibration(
        model, transactions, weekly):
    figure = predictive.incremental_repeat_transactions(
        model, transactions, calibration_end=CALIBRATION_END, holdout_end=HOLDOUT_END, unit="week")
    assert_labelled(figure)
    axes = figure.axes[0]
    assert axes.get_xlabel() == "Weeks since Jan 1, 1997"
    assert axes.get_ylabel() == "Repeat purchases per week"
    actual, predicted, split = axes.lines[:3]
    assert np.array_equal(actual.get_ydata(), weekly["actual"])
    assert np.allclose(predicted.get_ydata(), weekly["predicted"])
    assert split.get_xdata()[0] == pytest.approx(272 / 7)


# ------------------------------------------------------------- spend against frequency

def test_spend_scatter_shows_every_repeat_buyer_on_log_axes_with_the_medians(summary):
    figure = predictive.spend_against_frequency(summary, currency="USD")
    assert_labelled(figure)
    axes = figure.axes[0]
    repeat = summary[summary["frequency"] > 0]
    assert len(axes.collections[0].get_offsets()) == len(repeat)
    assert axes.get_xscale() == "log" and axes.get_yscale() == "log"
    assert "USD" in axes.get_ylabel() and "log scale" in axes.get_xlabel()
    medians = axes.lines[0]
    groups = repeat.groupby("frequency")["monetary_value"]
    kept = groups.size() >= 10
    assert np.allclose(medians.get_ydata(), groups.median()[kept])


def test_spend_scatter_needs_repeat_buyers(summary):
    with pytest.raises(InputError, match="repeat buyers"):
        predictive.spend_against_frequency(summary[summary["frequency"] == 0])


# ------------------------------------------------------------- heterogeneity

def test_heterogeneity_plots_the_fitted_gamma_and_beta_densities(model):
    from scipy import stats
    figure = predictive.heterogeneity_distributions(model)
    left, right = figure.axes[:2]
    for axes in (left, right):
        assert axes.get_title() and axes.get_xlabel() and axes.get_ylabel()
    params = model.params_
    assert left.get_xlabel() == "Purchase rate λ (purchases per week)"
    rate_curve = left.lines[0]
    x = rate_curve.get_xdata()
    assert np.allclose(rate_curve.get_ydata(),
                       stats.gamma(params["r"], scale=1 / params["alpha"]).pdf(x))
    assert left.lines[1].get_xdata()[0] == pytest.approx(params["r"] / params["alpha"])
    p_curve = right.lines[0]
    assert np.allclose(p_curve.get_ydata(), stats.beta(params["a"], params["b"]).pdf(
        p_curve.get_xdata()))
    assert right.lines[1].get_xdata()[0] == pytest.approx(params["a"] / (params["a"]
                                                                         + params["b"]))
    assert "%" in right.get_xticklabels()[1].get_text()


def test_heterogeneity_titles_say_what_their_x_axes_plot(model):
    left, right = predictive.heterogeneity_distributions(model).axes[:2]
    assert left.get_title().startswith("Purchase rates: gamma")
    assert right.get_xlabel() == "Dropout probability p after a repeat purchase"
    assert right.get_title().startswith("Dropout after a repeat purchase: beta")


def test_heterogeneity_fitted_in_days_labels_the_rate_per_day(transactions):
    from clv_course.summary import customer_summary
    days = BGNBD().fit_summary(customer_summary(transactions, calibration_end=CALIBRATION_END,
                                                unit="day"))
    figure = predictive.heterogeneity_distributions(days)
    assert figure.axes[0].get_xlabel() == "Purchase rate λ (purchases per day)"


def test_heterogeneity_needs_a_fitted_bgnbd(summary):
    with pytest.raises(InputError, match="BGNBD"):
        predictive.heterogeneity_distributions(ParetoNBD().fit_summary(summary))
    with pytest.raises(InputError, match="BGNBD"):
        predictive.heterogeneity_distributions(BGNBD())
