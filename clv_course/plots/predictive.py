"""Chapter 9's figures: what a fitted purchase model (BG/NBD, Pareto/NBD) says, and whether it holds.

- :func:`cumulative_repeat_transactions`: the model's cumulative repeat purchases
  against the actual ones, through calibration and holdout (the paper's Figure 1);
- :func:`conditional_expectations`: mean holdout purchases, actual against
  predicted, by number of calibration repeat purchases (the paper's Figure 4);
- :func:`probability_alive_by_recency` and :func:`probability_alive_histogram`:
  who is probably still a customer (one-time buyers told apart from repeat buyers);
- :func:`alive_band_table`: P(alive) bands against what customers did in the holdout;
- :func:`frequency_recency_matrix`: expected purchases (or P(alive)) for every
  frequency and recency of a customer of a given age, as a heatmap.
- :func:`retention_by_tenure`: a subscription cohort's observed retention rates
  against the shifted-beta-geometric model's, rising with tenure;
- :func:`calibration_purchase_histogram`: customers with 0, 1, ..., 7+ repeat
  purchases in calibration, actual against each model (the paper's Figure 2);
- :func:`incremental_repeat_transactions`: repeat purchases per period, actual
  against the model, through calibration and holdout;
- :func:`spend_against_frequency`: mean spend against repeat purchases, the
  Gamma-Gamma independence check;
- :func:`heterogeneity_distributions`: BG/NBD's fitted gamma distribution of
  purchase rates and beta distribution of dropout probabilities.

Each takes a fitted model and the data, computes what it shows with the
model's own methods, and returns the labelled Figure.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator
from scipy import stats

from clv_course.errors import InputError
from clv_course.formatting import fmt, fmt_date
from clv_course.i18n import N_, _
from clv_course.models._fitting import PurchaseModel
from clv_course.models.bgnbd import BGNBD
from clv_course.models.checks import calibration_histogram
from clv_course.models.sbg import ShiftedBetaGeometric
from clv_course.plots import label, new_figure, number_axis, percent_axis
from clv_course.plots.palette import BLUE, CATEGORICAL, GREEN, ORANGE, PALE_BLUE, PURPLE
from clv_course.summary import customer_summary
from clv_course.units import Unit, days_per

#: the time unit as an axis word, e.g. "Weeks since 1997-01-01"
UNIT_SINCE = {"day": N_("Days since {date}"), "week": N_("Weeks since {date}"),
              "month": N_("Months since {date}"), "quarter": N_("Quarters since {date}"),
              "year": N_("Years since {date}")}
#: the time unit as a singular noun, "purchases per week"
UNIT_SINGULAR = {"day": N_("day"), "week": N_("week"), "month": N_("month"),
                 "quarter": N_("quarter"), "year": N_("year")}
#: the time unit as a plural noun for axis labels
UNIT_NAMES = {"day": N_("days"), "week": N_("weeks"), "month": N_("months"),
              "quarter": N_("quarters"), "year": N_("years")}

ACTUAL_COLOUR = BLUE
MODEL_COLOUR = ORANGE
ONE_TIME_COLOUR = PALE_BLUE
#: what tells one line of a figure from another besides its colour: a line style and a marker,
#: taken in turn (a colour-blind or greyscale reader tells the lines apart by these)
LINE_STYLES = ("-", "--", "-.", ":")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
#: the line styles of retention_by_tenure's cohorts: not dotted, which marks where the fit ends
COHORT_STYLES = LINE_STYLES[:3]
#: the purchase models by the names the papers give them
MODEL_NAMES = {"BGNBD": "BG/NBD", "ParetoNBD": "Pareto/NBD"}


def _check_model(model: PurchaseModel) -> PurchaseModel:
    if not isinstance(model, PurchaseModel) or model.params_ is None:
        raise InputError(_("Pass a fitted BGNBD or ParetoNBD model (call .fit_summary first)."))
    return model


def fmt_number(value: float) -> str:
    """A time such as 38.86 (one decimal) or 39 (none) as the learner's locale writes it."""
    return fmt(value, "number", digits=0 if float(value).is_integer() else 1)


def _day(value) -> int:
    return int(np.datetime64(pd.Timestamp(value).date(), "D").astype(np.int64))


def cumulative_curves(model: PurchaseModel, transactions: pd.DataFrame, *, calibration_end,
                      holdout_end, unit: Unit) -> pd.DataFrame:
    """Actual and predicted cumulative repeat purchases of the calibration cohort, per period.

    The cohort is every customer whose first purchase falls in the calibration
    period. A repeat purchase is a purchase day after the customer's first (as
    in :func:`clv_course.summary.customer_summary`). The model predicts for each
    customer E[X(age)], the purchases of a new customer in her first ``age``
    periods, and we add these up. Rows: one per whole period from the first
    purchase day, and the last days of calibration and holdout; index: periods
    since the first purchase day.
    """
    _check_model(model)
    summary = customer_summary(transactions, calibration_end=calibration_end, unit=unit,
                               holdout_end=holdout_end)
    length = days_per(unit)
    cal_end, hold_end = _day(calibration_end), _day(holdout_end)
    first_day = np.rint(cal_end - summary["T"].to_numpy() * length).astype(np.int64)
    start = int(first_day.min())

    rows = transactions[transactions["customer_id"].isin(summary.index)]
    if "is_refund" in rows.columns:
        rows = rows[~rows["is_refund"].astype(bool)]
    days = pd.DataFrame({"customer_id": rows["customer_id"].to_numpy(),
                         "day": rows["date"].to_numpy().astype("datetime64[D]").astype(np.int64)})
    days = days.drop_duplicates()
    firsts = days.groupby("customer_id")["day"].transform("min")
    repeat_days = np.sort(days.loc[(days["day"] > firsts) & (days["day"] <= hold_end), "day"]
                          .to_numpy())

    ends = np.arange(start, hold_end + 1, length)[1:]
    ends = np.unique(np.append(np.floor(ends), [cal_end, hold_end])).astype(np.int64)
    actual = np.searchsorted(repeat_days, ends, side="right")
    starts, counts = np.unique(first_day, return_counts=True)  # customers who began on each day
    ages = np.clip(ends[:, None] - starts[None, :], 0, None) / length
    predicted = (np.asarray(model.expected_purchases(ages)) * counts).sum(axis=1)
    return pd.DataFrame({"actual": actual, "predicted": predicted},
                        index=pd.Index((ends - start) / length, name="time"))


def cumulative_repeat_transactions(model: PurchaseModel, transactions: pd.DataFrame, *,
                                   calibration_end, holdout_end, unit: Unit) -> Figure:
    """Cumulative repeat purchases, actual against the model, with the end of calibration marked.

    Left of the line the model was fitted to these purchases; right of it, it
    predicts purchases it has never seen: the honest test.
    """
    curves = cumulative_curves(model, transactions, calibration_end=calibration_end,
                               holdout_end=holdout_end, unit=unit)
    start = pd.Timestamp(_day(holdout_end) - curves.index[-1] * days_per(unit), unit="D")
    figure, axes = _actual_against_model(curves, start, calibration_end, unit)
    label(axes, _("Cumulative repeat purchases: actual and predicted"),
          _(UNIT_SINCE[unit]).format(date=fmt_date(start.date())), _("Repeat purchases"))
    number_axis(axes)
    axes.legend()
    return figure


def conditional_expectation_table(model: PurchaseModel, summary: pd.DataFrame, *,
                                  max_frequency: int = 7) -> pd.DataFrame:
    """Mean holdout purchases per customer, actual and predicted, by calibration frequency.

    Customers with ``max_frequency`` or more repeat purchases share the last
    group (labelled e.g. ``"7+"``). The prediction for each customer is
    E[Y(t) | x, t_x, T] with t the holdout's length; ``summary`` must come from
    :func:`clv_course.summary.customer_summary` with a ``holdout_end``.
    """
    _check_model(model)
    needed = ["frequency", "recency", "T", "frequency_holdout", "duration_holdout"]
    missing = [c for c in needed if c not in summary.columns]
    if missing:
        raise InputError(_("The summary needs the columns {columns}; build it with "
                           "customer_summary(..., holdout_end=...).").format(
            columns=", ".join(missing)))
    predicted = model.conditional_expected_purchases(summary["duration_holdout"],
                                                     summary["frequency"], summary["recency"],
                                                     summary["T"])
    group = np.minimum(summary["frequency"].to_numpy(dtype=int), max_frequency)
    table = pd.DataFrame({"group": group, "actual": summary["frequency_holdout"].to_numpy(),
                          "predicted": np.asarray(predicted, dtype=float)})
    table = table.groupby("group").agg(customers=("actual", "size"), actual=("actual", "mean"),
                                       predicted=("predicted", "mean"))
    table.index = [f"{g}+" if g == max_frequency else str(g) for g in table.index]
    table.index.name = "frequency"
    return table


def conditional_expectations(model: PurchaseModel, summary: pd.DataFrame, *,
                             max_frequency: int = 7) -> Figure:
    """Mean holdout purchases, actual against predicted, by calibration repeat purchases."""
    table = conditional_expectation_table(model, summary, max_frequency=max_frequency)
    figure, axes = new_figure(7.0, 4.0)
    positions = np.arange(len(table))
    axes.plot(positions, table["actual"], marker="o", color=ACTUAL_COLOUR, label=_("Actual"))
    axes.plot(positions, table["predicted"], marker="s", linestyle="--", color=MODEL_COLOUR,
              label=_("Model"))
    axes.set_xticks(positions, table.index)
    label(axes, _("Holdout purchases per customer, by purchases in calibration"),
          _("Repeat purchases in calibration"), _("Mean purchases in the holdout"))
    number_axis(axes, digits=1)
    axes.legend()
    return figure


def probability_alive_by_recency(model: PurchaseModel, *, T: float,
                                 frequencies: tuple[int, ...] = (1, 2, 5, 10),
                                 unit: Unit = "week", points: int = 200) -> Figure:
    """P(alive) of a customer of age ``T`` against the time of her last purchase, per frequency.

    The longer ago the last purchase (small recency), the likelier she has
    left; and the more often she used to buy, the more a silence means.
    """
    _check_model(model)
    if not T > 0:
        raise InputError(_("T, the age of the customer, must be positive; got {value}.").format(
            value=T))
    recency = np.linspace(T / points, T, points)
    figure, axes = new_figure(7.0, 4.0)
    for i, frequency in enumerate(frequencies):
        alive = model.probability_alive(np.full(points, frequency), recency, np.full(points, T))
        # a colour of the palette, and a line style and marker of its own for each frequency
        axes.plot(recency, alive, color=CATEGORICAL[i % len(CATEGORICAL)],
                  linestyle=LINE_STYLES[i % len(LINE_STYLES)], marker=MARKERS[i % len(MARKERS)],
                  markevery=(i * points // (8 * max(len(frequencies), 1)), points // 8),
                  markersize=5, label=_("Frequency {count}").format(count=frequency))
    axes.set_ylim(0, 1.02)
    unit_name = _(UNIT_NAMES[unit])
    label(axes, _("Probability alive for a customer of age {age} {unit}").format(
        age=fmt_number(T), unit=unit_name),
        _("Recency: time of the last purchase ({unit})").format(unit=unit_name),
        _("Probability alive"))
    percent_axis(axes)
    axes.legend()
    return figure


def model_name(model: PurchaseModel) -> str:
    """The model's name as the papers write it: ``BG/NBD`` or ``Pareto/NBD``."""
    return MODEL_NAMES.get(type(model).__name__, type(model).__name__)


def probability_alive_histogram(model: PurchaseModel, summary: pd.DataFrame, *,
                                bins: int = 20) -> Figure:
    """How many customers have each probability of being alive at the end of calibration.

    The bars are stacked: one-time buyers (no repeat purchase in calibration)
    below, repeat buyers above. When customers sit at exactly P(alive) = 1 (in
    BG/NBD every one-time buyer does, by construction: one can only drop out
    right after a repeat purchase) an arrow says how many, so the spike is not
    read as good news. The legend sits on the side away from the tallest bar.
    """
    _check_model(model)
    alive = np.asarray(model.probability_alive(summary["frequency"], summary["recency"],
                                               summary["T"]), dtype=float)
    one_time = summary["frequency"].to_numpy() == 0
    figure, axes = new_figure(7.0, 4.2)
    axes.hist([alive[one_time], alive[~one_time]], bins=np.linspace(0, 1, bins + 1),
              stacked=True, color=[ONE_TIME_COLOUR, ACTUAL_COLOUR], edgecolor="white",
              label=[_("One-time buyers (no repeat purchase)"), _("Repeat buyers")])
    certain = int(np.count_nonzero(one_time & (alive == 1.0)))
    if certain:
        top = max(patch.get_height() for patch in axes.patches)
        axes.annotate(_("{count} one-time buyers:\nP(alive) = 1 by construction").format(
            count=fmt(certain, "integer")), xy=(1 - 0.5 / bins, certain),
            xytext=(0.62, 0.8 * top), ha="center", arrowprops={"arrowstyle": "->"})
    label(axes, _("Probability alive at the end of calibration ({model})").format(
        model=model_name(model)), _("Probability alive"), _("Customers"))
    percent_axis(axes, which="x")
    number_axis(axes)
    # the legend goes to the side away from the tallest bar, so it never hides it
    totals, edges = np.histogram(alive, bins=np.linspace(0, 1, bins + 1))
    tallest = edges[int(np.argmax(totals))] + 0.5 / bins
    axes.legend(loc="upper right" if tallest < 0.5 else "upper left")
    return figure


#: the P(alive) bands of :func:`alive_band_table`
ALIVE_BANDS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


def alive_band_table(model: PurchaseModel, summary: pd.DataFrame, *,
                     edges: tuple[float, ...] = ALIVE_BANDS) -> pd.DataFrame:
    """P(alive) at the end of calibration against what the customers did in the holdout.

    One row per band of P(alive) (the first band includes 0, every band its
    upper edge, so P(alive) = 1 falls in the last one): how many customers,
    how many of them are one-time buyers, their mean P(alive), and the share
    who bought at least once in the holdout. Being alive is not the same as
    buying within the holdout, so the last column may fall short of P(alive);
    a band whose share is far *above* its P(alive) was called dead too soon.
    ``summary`` needs the holdout columns (``customer_summary(..., holdout_end=...)``).
    """
    _check_model(model)
    if "frequency_holdout" not in summary.columns:
        raise InputError(_("The summary needs the columns {columns}; build it with "
                           "customer_summary(..., holdout_end=...).").format(
            columns="frequency_holdout"))
    alive = np.asarray(model.probability_alive(summary["frequency"], summary["recency"],
                                               summary["T"]), dtype=float)
    labels = [f"{fmt(low, 'percent', digits=0)}-{fmt(high, 'percent', digits=0)}"
              for low, high in zip(edges[:-1], edges[1:])]
    band = pd.cut(alive, bins=list(edges), labels=labels, include_lowest=True)
    table = pd.DataFrame({"band": band, "one_time": summary["frequency"].to_numpy() == 0,
                          "alive": alive,
                          "bought": summary["frequency_holdout"].to_numpy() > 0})
    table = table.groupby("band", observed=False).agg(
        customers=("alive", "size"), one_time_buyers=("one_time", "sum"),
        mean_p_alive=("alive", "mean"), bought_in_holdout=("bought", "mean"))
    table.index.name = _("P(alive) band")
    return table


def frequency_recency_grid(model: PurchaseModel, *, T: float, horizon: float = 1.0,
                           what: Literal["purchases", "alive"] = "purchases",
                           max_frequency: int = 20, points: int = 40) -> pd.DataFrame:
    """The values the heatmap shows: rows frequency 0..max_frequency, columns recency 0..T.

    ``what="purchases"``: expected purchases in the next ``horizon`` periods;
    ``what="alive"``: P(alive). Impossible cells are NaN: a customer without
    repeat purchases has recency 0, and one with repeat purchases has recency > 0.
    """
    _check_model(model)
    if what not in ("purchases", "alive"):
        raise InputError(_("what must be 'purchases' or 'alive'; got {value!r}.").format(
            value=what))
    if not T > 0:
        raise InputError(_("T, the age of the customer, must be positive; got {value}.").format(
            value=T))
    recency = np.linspace(0, T, points)
    frequency = np.arange(max_frequency + 1)
    x, t_x = np.meshgrid(frequency, recency, indexing="ij")
    possible = (x == 0) == (t_x == 0)
    values = np.full(x.shape, np.nan)
    xs, ts, big_t = x[possible], t_x[possible], np.full(possible.sum(), float(T))
    values[possible] = (model.probability_alive(xs, ts, big_t) if what == "alive"
                        else model.conditional_expected_purchases(horizon, xs, ts, big_t))
    return pd.DataFrame(values, index=pd.Index(frequency, name="frequency"),
                        columns=pd.Index(recency, name="recency"))


def frequency_recency_matrix(model: PurchaseModel, *, T: float, horizon: float = 1.0,
                             what: Literal["purchases", "alive"] = "purchases",
                             max_frequency: int = 20, unit: Unit = "week") -> Figure:
    """Heatmap of expected purchases (or P(alive)) by frequency and recency, at age ``T``.

    The best customers sit bottom right in the usual picture: many purchases,
    the last one recent. Frequent buyers who fell silent long ago are dark.
    """
    grid = frequency_recency_grid(model, T=T, horizon=horizon, what=what,
                                  max_frequency=max_frequency)
    figure, axes = new_figure(7.0, 5.0)
    step = grid.columns[1] - grid.columns[0] if len(grid.columns) > 1 else 1.0
    extent = (grid.columns[0] - step / 2, grid.columns[-1] + step / 2,
              grid.index[-1] + 0.5, grid.index[0] - 0.5)
    image = axes.imshow(grid.to_numpy(), aspect="auto", extent=extent, cmap="viridis",
                        interpolation="nearest")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    colourbar = figure.colorbar(image, ax=axes)
    unit_name = _(UNIT_NAMES[unit])
    if what == "alive":
        title = _("Probability alive by frequency and recency (age {age} {unit})")
        colourbar.set_label(_("Probability alive"))
    else:
        title = _("Expected purchases in the next {horizon} {unit} (age {age} {unit})")
        colourbar.set_label(_("Expected purchases"))
    label(axes, title.format(age=fmt_number(T), horizon=fmt_number(horizon), unit=unit_name),
          _("Recency: time of the last purchase ({unit})").format(unit=unit_name),
          _("Frequency: repeat purchases"))
    return figure


def retention_by_tenure(active: dict[str, list[float]], models: dict[str, ShiftedBetaGeometric],
                        *, initial: float, fitted_periods: int) -> Figure:
    """Each cohort's retention rate per period of tenure, observed and as the sBG model has it.

    ``active[name]`` holds the customers of a cohort of ``initial`` still
    active at the end of periods 1, 2, ...; the observed rate of period t is
    active(t) / active(t - 1). ``models[name]`` is the sBG model fitted on
    the first ``fitted_periods`` periods; a dotted line marks where its
    projection starts. Periods are years here, as in Fader & Hardie (2007).
    """
    if set(active) != set(models):
        raise InputError(_("Give one fitted model per cohort: the cohorts are {cohorts}.").format(
            cohorts=", ".join(active)))
    figure, axes = new_figure(7.0, 4.2)
    colours = (ACTUAL_COLOUR, MODEL_COLOUR, GREEN, *(c for c in CATEGORICAL
                                                     if c not in (ACTUAL_COLOUR, MODEL_COLOUR, GREEN)))
    for i, (name, counts) in enumerate(active.items()):
        # each cohort has a colour, a marker and a line style of its own
        colour = colours[i % len(colours)]
        counts = np.asarray(counts, dtype=float)
        observed = counts / np.concatenate([[initial], counts[:-1]])
        periods = np.arange(1, len(counts) + 1)
        axes.plot(periods, observed, linestyle="none", marker=MARKERS[i % len(MARKERS)],
                  color=colour, label=_("{cohort}: observed").format(cohort=name))
        axes.plot(periods, models[name].retention_rate(periods),
                  linestyle=COHORT_STYLES[i % len(COHORT_STYLES)], color=colour,
                  label=_("{cohort}: sBG").format(cohort=name))
    axes.axvline(fitted_periods + 0.5, color="grey", linestyle=":", linewidth=1)
    axes.annotate(_("not used in the fit"), (fitted_periods + 0.5, 0.5), xytext=(4, 0),
                  xycoords=("data", "axes fraction"), textcoords="offset points", color="grey")
    axes.set_xticks(np.arange(1, max(len(c) for c in active.values()) + 1))
    label(axes, _("Retention rate by year of tenure: observed and sBG"), _("Year of tenure"),
          _("Retention rate (share of last year's customers who renew)"))
    percent_axis(axes)
    axes.legend(loc="lower right", fontsize=8)
    return figure


def calibration_purchase_histogram(models: PurchaseModel | list[PurchaseModel],
                                   summary: pd.DataFrame, *, max_frequency: int = 7) -> Figure:
    """Customers with 0, 1, ..., ``max_frequency``+ repeat purchases in calibration, as bars.

    One bar per group for the actual customers and one for each model's
    expected customers (:func:`clv_course.models.calibration_histogram`), side
    by side. The check is in-sample: the models were fitted to these customers.
    """
    models = [models] if isinstance(models, PurchaseModel) else list(models)
    tables = [calibration_histogram(_check_model(m), summary, max_frequency=max_frequency)
              for m in models]
    figure, axes = new_figure(7.5, 4.2)
    positions = np.arange(len(tables[0]))
    width = 0.8 / (len(models) + 1)
    bars = [(tables[0]["actual"], ACTUAL_COLOUR, _("Actual"))]
    bars += [(t["expected"], colour, model_name(m))
             for t, m, colour in zip(tables, models, (MODEL_COLOUR, GREEN, PURPLE))]
    for k, (values, colour, name) in enumerate(bars):
        axes.bar(positions + (k - len(models) / 2) * width, values, width, color=colour,
                 label=name)
    axes.set_xticks(positions, tables[0].index)
    label(axes, _("Repeat purchases in calibration: actual and expected customers"),
          _("Repeat purchases in calibration"), _("Customers"))
    number_axis(axes)
    axes.legend()
    return figure


def incremental_curves(model: PurchaseModel, transactions: pd.DataFrame, *, calibration_end,
                       holdout_end, unit: Unit) -> pd.DataFrame:
    """Actual and predicted repeat purchases of the calibration cohort in each whole period.

    The differences of :func:`cumulative_curves` between its whole periods: row
    k (k = 1, 2, ...) counts the repeat purchases of period k since the first
    purchase day. A last period cut short by the end of the holdout is left
    out, so the rows add up to the cumulative counts at the last whole period.
    """
    curves = cumulative_curves(model, transactions, calibration_end=calibration_end,
                               holdout_end=holdout_end, unit=unit)
    whole = curves[np.isclose(curves.index, np.round(curves.index))]
    whole.index = pd.Index(np.round(whole.index).astype(int), name="period")
    return whole.diff().fillna(whole)


def _actual_against_model(curves: pd.DataFrame, start: pd.Timestamp, calibration_end,
                          unit: Unit) -> tuple[Figure, Axes]:
    """A figure of actual (solid) and predicted (dashed) purchases, calibration's end dotted."""
    figure, axes = new_figure(7.5, 4.2)
    axes.plot(curves.index, curves["actual"], color=ACTUAL_COLOUR, label=_("Actual"))
    axes.plot(curves.index, curves["predicted"], color=MODEL_COLOUR, linestyle="--",
              label=_("Model"))
    split = (_day(calibration_end) - _day(start)) / days_per(unit)
    axes.axvline(split, color="grey", linestyle=":", label=_("End of calibration"))
    return figure, axes


def incremental_repeat_transactions(model: PurchaseModel, transactions: pd.DataFrame, *,
                                    calibration_end, holdout_end, unit: Unit) -> Figure:
    """Repeat purchases per period, actual against the model, with the end of calibration marked.

    The cumulative curve hides when the model is wrong; this one shows it
    period by period (seasons, holidays, a campaign the model cannot know).
    """
    curves = incremental_curves(model, transactions, calibration_end=calibration_end,
                                holdout_end=holdout_end, unit=unit)
    total = cumulative_curves(model, transactions, calibration_end=calibration_end,
                              holdout_end=holdout_end, unit=unit).index[-1]
    start = pd.Timestamp(_day(holdout_end) - total * days_per(unit), unit="D")
    figure, axes = _actual_against_model(curves, start, calibration_end, unit)
    per = _(UNIT_SINGULAR[unit])
    label(axes, _("Repeat purchases per {unit}: actual and predicted").format(unit=per),
          _(UNIT_SINCE[unit]).format(date=fmt_date(start.date())),
          _("Repeat purchases per {unit}").format(unit=per))
    number_axis(axes)
    axes.set_ylim(bottom=0)
    axes.legend()
    return figure


def spend_against_frequency(summary: pd.DataFrame, *, currency: str = "USD") -> Figure:
    """Each repeat buyer's mean spend per repeat purchase against her repeat purchases.

    Both axes are logarithmic (spend is skewed, most buyers have few
    purchases); points are transparent so that crowded spots look dark. A line
    joins the median spend of each number of repeat purchases (up to the last
    with at least 10 customers): a flat line is what Gamma-Gamma assumes.
    """
    repeat = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    if repeat.empty:
        raise InputError(_("There are no repeat buyers with a positive spend to plot."))
    figure, axes = new_figure(7.0, 4.2)
    axes.scatter(repeat["frequency"], repeat["monetary_value"], s=12, alpha=0.3,
                 color=ACTUAL_COLOUR, edgecolor="none", label=_("One repeat buyer"))
    groups = repeat.groupby("frequency")["monetary_value"]
    medians = groups.median()[groups.size() >= 10]
    axes.plot(medians.index, medians, marker="o", color=MODEL_COLOUR,
              label=_("Median spend (10 or more customers)"))
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt(v, "number", digits=0)))
    axes.yaxis.set_major_formatter(FuncFormatter(
        lambda v, _pos: fmt(v, "money", currency=currency, digits=0)))
    label(axes, _("Mean spend per repeat purchase against repeat purchases"),
          _("Repeat purchases in calibration (log scale)"),
          _("Mean spend per repeat purchase ({currency}, log scale)").format(currency=currency))
    axes.legend()
    return figure


def heterogeneity_distributions(model: BGNBD, *, points: int = 400) -> Figure:
    """BG/NBD's two fitted distributions across customers, side by side.

    Left: the gamma density of the purchase rate λ (shape r, rate alpha, so
    scale 1 / alpha), in purchases per period of the model's unit. Right: the
    beta density of the dropout probability p after a repeat purchase (a, b). A
    dashed line marks each mean, r / alpha and a / (a + b). With a shape below
    1 a density rises without bound at 0, so the y-axis is cut at three times
    the density at the distribution's median; the rate axis ends at the 95th
    percentile (one customer in twenty buys faster).
    """
    if not isinstance(model, BGNBD) or model.params_ is None:
        raise InputError(_("Pass a fitted BGNBD model (call .fit_summary first)."))
    params = model.params_
    rate = stats.gamma(params["r"], scale=1 / params["alpha"])
    dropout = stats.beta(params["a"], params["b"])
    unit = model.unit_ or "week"
    figure, (left, right) = new_figure(10.0, 4.2, ncols=2)
    for axes, distribution, high, mean, shown in (
            (left, rate, rate.ppf(0.95), params["r"] / params["alpha"], "number"),
            (right, dropout, 1.0, params["a"] / (params["a"] + params["b"]), "percent")):
        grid = np.linspace(high / points, high * (1 - 0.5 / points), points)
        axes.plot(grid, distribution.pdf(grid), color=ACTUAL_COLOUR)
        axes.axvline(mean, color=MODEL_COLOUR, linestyle="--", label=_("Mean {value}").format(
            value=fmt(mean, shown, digits=3 if shown == "number" else 1)))
        axes.set_xlim(0, high)
        axes.set_ylim(0, 3 * float(distribution.pdf(distribution.median())))
        axes.legend()
    label(left, _("Purchase rates: gamma (r = {r}, alpha = {alpha})").format(
        r=fmt(params["r"], "number", digits=3), alpha=fmt(params["alpha"], "number", digits=3)),
        _("Purchase rate λ (purchases per {unit})").format(unit=_(UNIT_SINGULAR[unit])),
        _("Density (share of customers per unit of λ)"))
    label(right, _("Dropout after a repeat purchase: beta (a = {a}, b = {b})").format(
        a=fmt(params["a"], "number", digits=3), b=fmt(params["b"], "number", digits=3)),
        _("Dropout probability p after a repeat purchase"), _("Density (share of customers per unit of p)"))
    percent_axis(right, which="x")
    return figure
