"""What the models share: checking a learner's data, and fitting by maximum likelihood.

Every model in this package is fitted the same way as in Fader & Hardie's
spreadsheets (where Excel's Solver does the work): choose the parameters that
make the observed data most probable, i.e. maximise the total log-likelihood
``LL(params) = sum over customers of log L(params | that customer's data)``.

Two details make this fast and safe, and they live here once:

- All parameters of these models are positive, so the optimiser works on
  their logarithms: ``params = exp(log_params)`` is positive for any real
  ``log_params``, and no bounds are needed.
- Customers with identical data add identical terms to the log-likelihood, so
  each distinct ``(frequency, recency, T)`` row is computed once and weighted
  by how many customers share it (on CDNOW, 2,357 customers are 1,016 rows).
"""

from __future__ import annotations

import contextvars
import sys
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Self

import numpy as np
import pandas as pd
from scipy.linalg import cho_factor, cho_solve
from scipy.optimize import minimize
from scipy.special import hyp2f1

from clv_course.errors import InputError
from clv_course.i18n import _
from clv_course.units import check_unit

ArrayLike = Any  # a number, list, numpy array or pandas Series
Result = Any  # float for numbers in, numpy array for arrays in


# ------------------------------------------------------------------------- warnings

class CourseWarning(UserWarning):
    """A result to read with care, explained in one sentence in the learner's language."""


class FitWarning(CourseWarning):
    """Estimates at the edge of what the fit allows, or on a flat likelihood: not to rely on."""


class DiscountRateWarning(CourseWarning):
    """A discount rate per period that would be implausible as a yearly cost of capital."""


_PACKAGE_DIR = str(Path(__file__).resolve().parents[1])


def warn(message: str, category: type[CourseWarning] = CourseWarning) -> None:
    """Warn with ``message``, pointing at the learner's line (the first caller outside clv_course)."""
    level, frame = 2, sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE_DIR):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


# ------------------------------------------------------------------- checking the data

def as_values(values: ArrayLike, name: str) -> np.ndarray:
    """``values`` as a float array, refusing NaN and infinity (they would poison every sum)."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InputError(_("{name} must hold numbers.").format(name=name)) from None
    bad = ~np.isfinite(array)
    if bad.any():
        raise InputError(_("{name} has {count} missing (NaN) or infinite values; drop or fill "
                           "those customers first.").format(name=name, count=int(bad.sum())))
    return array


def purchase_counts(values: ArrayLike, name: str = "frequency") -> np.ndarray:
    """Repeat-purchase counts: whole numbers, 0 or more."""
    array = as_values(values, name)
    if (array < 0).any():
        raise InputError(_("{name} cannot be negative ({count} customers are).").format(
            name=name, count=int((array < 0).sum())))
    if (array != np.round(array)).any():
        raise InputError(_("{name} counts repeat purchases, so it must be a whole number "
                           "({count} customers have a fraction).").format(
            name=name, count=int((array != np.round(array)).sum())))
    return array


def same_shapes(arrays: Mapping[str, np.ndarray]) -> None:
    """Refuse columns of different lengths: they cannot describe the same customers."""
    if len({a.shape for a in arrays.values()}) > 1:
        lengths = ", ".join(f"{name} {a.size}" for name, a in arrays.items())
        raise InputError(_("These inputs must have one value per customer, but their lengths "
                           "differ: {lengths}.").format(lengths=lengths))


def customer_arrays(frequency: ArrayLike, recency: ArrayLike,
                    T: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Check customers' ``x, t_x, T`` (frequency, recency, T) as :mod:`clv_course.summary` has them.

    Impossible combinations are refused with a message saying how many
    customers have them: a negative value, a fractional number of purchases,
    a last purchase after the end of calibration (``t_x > T``), repeat purchases
    at the moment of the first one (``x > 0`` with ``t_x = 0``) or the reverse.
    """
    x = purchase_counts(frequency)
    t_x = as_values(recency, "recency")
    big_t = as_values(T, "T")
    same_shapes({"frequency": x, "recency": t_x, "T": big_t})
    for name, array in (("recency", t_x), ("T", big_t)):
        if (array < 0).any():
            raise InputError(_("{name} cannot be negative ({count} customers are).").format(
                name=name, count=int((array < 0).sum())))
    if (t_x > big_t).any():
        raise InputError(_("Recency cannot exceed T ({count} customers do).").format(
            count=int((t_x > big_t).sum())))
    if ((x > 0) & (t_x == 0)).any():
        raise InputError(_("A customer with repeat purchases (frequency > 0) must have recency "
                           "> 0 ({count} customers have recency 0).").format(
            count=int(((x > 0) & (t_x == 0)).sum())))
    if ((x == 0) & (t_x > 0)).any():
        raise InputError(_("A customer without repeat purchases (frequency 0) must have recency "
                           "0 ({count} customers do not).").format(
            count=int(((x == 0) & (t_x > 0)).sum())))
    return x, t_x, big_t


def summary_columns(summary: pd.DataFrame, *columns: str) -> list[pd.Series]:
    """The named columns of a customer summary, or a clear error naming the missing ones."""
    missing = [c for c in columns if c not in getattr(summary, "columns", ())]
    if missing:
        raise InputError(_("The summary needs the columns {columns}; it has: {found}. Build it "
                           "with clv_course.summary.customer_summary.").format(
            columns=", ".join(missing),
            found=", ".join(map(str, getattr(summary, "columns", []))) or "-"))
    return [summary[c] for c in columns]


def check_times(t: ArrayLike) -> np.ndarray:
    """Prediction horizons: finite and not negative."""
    times = as_values(t, "t")
    if (times < 0).any():
        raise InputError(_("The time t must be 0 or more; got {value}.").format(value=t))
    return times


def output(value: np.ndarray) -> Result:
    """Numbers in, a number out; arrays in, an array out."""
    value = np.asarray(value, dtype=float)
    return float(value) if value.ndim == 0 else value


def distinct_rows(*columns: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """The distinct rows of ``columns`` and how many customers have each one."""
    rows, counts = np.unique(np.column_stack(columns), axis=0, return_counts=True)
    return list(rows.T), counts.astype(float)


# -------------------------------------------------------------------- a special function

def hyp2f1_a1(b: ArrayLike, c: ArrayLike, z: ArrayLike) -> np.ndarray:
    """Gauss's hypergeometric 2F1(1, b; c; z) = sum_j (b)_j / (c)_j z^j, for 0 < b < c, 0 <= z < 1.

    Pareto/NBD's A_0 and sBG's DERL both need this one case. scipy.special.hyp2f1
    is accurate for it but returns NaN for some large b, c with z near 1 (a
    customer with thousands of purchases; a nearly uniform cohort). There we add
    up the series itself: its terms are positive and shrink at least by the
    factor z, so the rest of the sum after a term u is at most u z / (1 - z),
    and we stop when that is below 1e-16 of the total.
    """
    values = np.array(hyp2f1(1, b, c, z), dtype=float)
    failed = ~np.isfinite(values)
    if failed.any():
        arguments = (np.broadcast_to(v, values.shape)[failed] for v in (b, c, z))
        values[failed] = [_hyp2f1_a1_series(*triple) for triple in zip(*arguments)]
    return values


#: the most terms :func:`_hyp2f1_a1_series` adds before it gives up (NaN). A fit lowers it
#: (trial points far from the data would otherwise cost seconds each); predictions keep 1e8.
SERIES_TERMS: contextvars.ContextVar[int] = contextvars.ContextVar("series_terms", default=10**8)


def _hyp2f1_a1_series(b: float, c: float, z: float, chunk: int = 4096,
                      max_terms: int | None = None) -> float:
    """The series of :func:`hyp2f1_a1` for one (b, c, z), ``chunk`` terms at a time."""
    if max_terms is None:
        max_terms = SERIES_TERMS.get()
    total, term = 0.0, 1.0
    for start in range(0, max_terms, chunk):
        j = np.arange(start, start + chunk)
        terms = term * np.cumprod(np.concatenate([[1.0], (b + j) / (c + j) * z]))
        total += terms[:-1].sum()
        term = terms[-1]
        if term * z <= 1e-16 * total * (1 - z):
            return total
    return float("nan")


# ---------------------------------------------------------------------------- the fit

#: how far (a factor) a parameter may go from its scale: the box the optimiser searches
BOX = 1e6
#: the most likelihood evaluations of one fit, and the most series terms of one 2F1 in it
MAX_EVALUATIONS = 3000
FIT_SERIES_TERMS = 10**5
#: a total log-likelihood that changes by less than this along a unit step in log-parameters
#: (a factor e) is flat: the data cannot tell such parameter values apart
FLAT_CURVATURE = 1e-2


class Fit(tuple):
    """``(params, log_likelihood)`` with ``boundary`` and ``flat``: names of badly-pinned params."""

    boundary: list[str]
    flat: list[str]


def maximise_log_likelihood(total_log_likelihood: Callable[[np.ndarray], float],
                            start: Mapping[str, float],
                            scales: Mapping[str, float] | None = None) -> Fit:
    """The parameters with the largest total log-likelihood, and that log-likelihood.

    ``total_log_likelihood`` takes the positive parameters in the order of
    ``start``. The optimiser, L-BFGS-B with numerical gradients, sees their
    logarithms, and the log-likelihood divided by its size at the start (the
    same optimum, with values of order 1, so that its stopping rules behave the
    same on 100 or 100,000 customers). If its line search gives up, which numerical
    gradients can cause near the optimum, Nelder-Mead finishes from there.
    L-BFGS-B stops when the log-likelihood stops rising by more than rounding,
    which on a flat ridge (Pareto/NBD's s and beta) can be 1e-4 short of the
    optimum, so Newton steps finish the job (:func:`_newton_polish`).
    Trial points far from the data can overflow; they count as impossible
    (+inf), so no warning reaches the learner.

    Degenerate data (nobody buys again, nobody leaves) have no finite optimum:
    the likelihood keeps rising as some parameter runs off to 0 or infinity.
    So each parameter stays within a factor :data:`BOX` of its ``scales``
    entry (1 for shape parameters; a typical time or spend for scale
    parameters), the evaluations and the series of each 2F1 are bounded, and
    the result says which parameters ended at the edge of that box
    (``boundary``) or where the likelihood is flat (``flat``: its curvature in
    log-parameters is below :data:`FLAT_CURVATURE`), for the model to report.
    """
    names = list(start)
    scale_of = np.log([float((scales or {}).get(name, 1.0)) for name in names])
    half = np.log(BOX)
    low, high = scale_of - half, scale_of + half
    first = np.clip(np.log(np.array(list(start.values()), dtype=float)), low, high)
    token = SERIES_TERMS.set(FIT_SERIES_TERMS)
    try:
        with np.errstate(all="ignore"):
            at_start = float(total_log_likelihood(np.exp(first)))
        scale = abs(at_start) if np.isfinite(at_start) and at_start != 0 else 1.0

        def negative_scaled(log_params: np.ndarray) -> float:
            with np.errstate(all="ignore"):
                value = total_log_likelihood(np.exp(log_params))
            return -value / scale if np.isfinite(value) else np.inf

        bounds = list(zip(low, high))
        # Tighter than scipy's defaults (gtol 1e-5 stops ~1e-3 short in the flat directions), so
        # that the Newton steps start close; tighter still only costs evaluations.
        result = minimize(negative_scaled, first, method="L-BFGS-B", bounds=bounds,
                          options={"ftol": 1e-11, "gtol": 1e-7, "maxfun": MAX_EVALUATIONS})
        if not result.success or not np.isfinite(result.fun):
            restart = result.x if np.isfinite(result.fun) else first
            polished = minimize(negative_scaled, restart, method="Nelder-Mead", bounds=bounds,
                                options={"xatol": 1e-8, "fatol": 1e-12,
                                         "maxfev": MAX_EVALUATIONS})
            if np.isfinite(polished.fun) and not polished.fun > result.fun:
                result = polished
        if not np.isfinite(result.fun) or not np.all(np.isfinite(np.exp(result.x))):
            raise InputError(_("The model could not be fitted to these data (the likelihood has "
                               "no finite maximum). Check that the data describe real customers."))
        best, hessian = _newton_polish(negative_scaled, result.x, float(result.fun), low, high)
        with np.errstate(all="ignore"):
            log_likelihood = float(total_log_likelihood(np.exp(best)))
    finally:
        SERIES_TERMS.reset(token)
    fit = Fit((dict(zip(names, map(float, np.exp(best)))), log_likelihood))
    edge = 1e-3 * half
    fit.boundary = [name for name, value, lo, hi in zip(names, best, low, high)
                    if value < lo + edge or value > hi - edge]
    fit.flat = _flat_directions(names, hessian, scale, exclude=fit.boundary)
    return fit


def _flat_directions(names: list[str], hessian: np.ndarray | None, scale: float,
                     exclude: list[str]) -> list[str]:
    """The parameters along which the total log-likelihood is (almost) flat at the optimum.

    ``hessian`` is that of -LL / ``scale`` in log-parameters (None: not finite
    there, nothing to say). An eigenvalue of the total below
    :data:`FLAT_CURVATURE` (or a negative one: no peak) is a flat direction;
    the parameters that move most along it are named.
    """
    if hessian is None:
        return []
    keep = [i for i, name in enumerate(names) if name not in exclude]
    if not keep:
        return []
    values, vectors = np.linalg.eigh(hessian[np.ix_(keep, keep)] * scale)
    flat: list[str] = []
    for value, vector in zip(values, vectors.T):
        if value < FLAT_CURVATURE:
            flat += [names[keep[i]] for i in np.flatnonzero(np.abs(vector) > 0.3)
                     if names[keep[i]] not in flat]
    return [name for name in names if name in flat]


def _newton_polish(f: Callable[[np.ndarray], float], x: np.ndarray, fx: float,
                   low: np.ndarray, high: np.ndarray, h: float = 1e-3,
                   steps: int = 8) -> tuple[np.ndarray, np.ndarray | None]:
    """``x`` moved by Newton steps to where the gradient of ``f`` is 0, if that is nearby.

    The gradient comes from a 5-point stencil (error of order h^4, far below
    rounding at h = 1e-3), so the point reached is the optimum itself, to ~1e-9
    in log-parameters, whatever path the optimiser took to get near it. The
    Hessian only sets the speed, so it is computed once (chord method): each
    further step costs just a gradient. A step that is large, not finite, leaves
    the box ``low``..``high`` or lowers the likelihood ends the polish: then
    there is no clear peak near ``x`` (e.g. a ridge running off to infinity)
    and ``x`` is kept. Returns the point and the Hessian at the start (None if
    some value of the stencil is not finite).
    """
    n = x.size
    unit = np.eye(n) * h

    def gradient_and_values(point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # values[i] = f at point + k h e_i for k = -2, -1, 1, 2
        values = np.array([[f(point + k * unit[i]) for k in (-2, -1, 1, 2)] for i in range(n)])
        return (values @ np.array([1.0, -8.0, 8.0, -1.0])) / (12 * h), values

    gradient, values = gradient_and_values(x)
    if not np.all(np.isfinite(values)):
        return x, None
    hessian = np.diag((values @ np.array([-1.0, 16.0, 16.0, -1.0]) - 30 * fx) / (12 * h * h))
    for i in range(n):  # f(x +- (h e_i + h e_j)) against the stencil's f(x +- h e_i): error h^2
        for j in range(i):
            hessian[i, j] = hessian[j, i] = (
                f(x + unit[i] + unit[j]) + f(x - unit[i] - unit[j]) + 2 * fx
                - values[i, 1] - values[i, 2] - values[j, 1] - values[j, 2]) / (2 * h * h)
    if not np.all(np.isfinite(hessian)):
        return x, None
    start_hessian = hessian.copy()
    try:
        factor = cho_factor(hessian)  # positive definite: a peak, not a saddle or a ridge
    except (np.linalg.LinAlgError, ValueError):
        return x, start_hessian
    for _step in range(steps):
        delta = -cho_solve(factor, gradient)
        size = np.max(np.abs(delta))
        if not np.isfinite(size) or size > 1:
            return x, start_hessian
        trial = x + delta
        if np.any(trial < low) or np.any(trial > high):
            return x, start_hessian
        f_trial = f(trial)
        if not f_trial <= fx + 1e-13 * max(1.0, abs(fx)):  # more than rounding worse
            return x, start_hessian
        x, fx = trial, f_trial
        if size < 1e-8:
            return x, start_hessian
        gradient, values = gradient_and_values(x)
        if not np.all(np.isfinite(values)):
            return x, start_hessian
    return x, start_hessian


def report_fit(model: str, fit: Fit, reason: str | None = None) -> None:
    """One FitWarning for a fit the data do not pin down: ``reason`` if the model knows why."""
    if not (fit.boundary or fit.flat or reason):
        return
    params = ", ".join(f"{name} = {value:.3g}" for name, value in fit[0].items())
    if reason is not None:
        message = reason
    elif fit.boundary:
        message = _("{model}: the estimates of {names} ran to the edge of what the fit allows "
                    "({params}), so these data cannot pin them down; do not read them as facts "
                    "about the customers, and fit on more customers or a longer calibration "
                    "period.").format(model=model, names=", ".join(fit.boundary), params=params)
    else:
        message = _("{model}: the likelihood is almost flat in {names} ({params}), so these "
                    "data cannot pin them down; do not read them as facts about the customers, "
                    "and fit on more customers or a longer calibration period.").format(
            model=model, names=", ".join(fit.flat), params=params)
    warn(message, FitWarning)


# ------------------------------------------------------------------- shared model logic

class Model:
    """A model with named positive parameters, fitted by maximum likelihood.

    After ``fit``, ``params_`` maps each parameter's name (as in the paper) to
    its estimate and ``log_likelihood_`` is the total log-likelihood of the
    fitted data, the number the papers report. ``from_params`` builds a model
    from known parameters, e.g. a paper's published estimates.
    """

    #: parameter names, in the papers' order
    PARAMETERS: tuple[str, ...] = ()

    def __init__(self) -> None:
        self.params_: dict[str, float] | None = None
        self.log_likelihood_: float | None = None
        #: the time unit of the data it was fitted on ("week", ...), None if not known
        self.unit_: str | None = None

    @classmethod
    def from_params(cls, *, unit: str | None = None, **params: float) -> Self:
        """A model with these parameters (no data needed; ``log_likelihood_`` stays None).

        ``unit``, if given, is the time unit the parameters are in (e.g. ``"week"``
        for the papers' CDNOW estimates): :func:`~clv_course.models.predicted_clv`
        then refuses a different one.
        """
        if set(params) != set(cls.PARAMETERS):
            raise InputError(_("{model} needs exactly the parameters {expected}; got {got}.")
                             .format(model=cls.__name__, expected=", ".join(cls.PARAMETERS),
                                     got=", ".join(params) or "-"))
        for name, value in params.items():
            number = isinstance(value, (int, float, np.number)) and not isinstance(value, bool)
            if not (number and np.isfinite(value) and value > 0):
                raise InputError(_("The parameter {name} must be a positive number; got {value}.")
                                 .format(name=name, value=value))
        model = cls()
        model.params_ = {name: float(params[name]) for name in cls.PARAMETERS}
        model.unit_ = None if unit is None else check_unit(unit)
        return model

    def _remember_unit(self, unit: str | None, summary: pd.DataFrame | None = None) -> None:
        """Keep the data's time unit: ``unit=`` if given, else the summary's (see customer_summary).

        A ``unit=`` that contradicts the summary's own is refused.
        """
        recorded = None if summary is None else getattr(summary, "attrs", {}).get("unit")
        if unit is not None:
            check_unit(unit)
            if recorded is not None and recorded != unit:
                raise InputError(_("The summary was built with unit={recorded!r}, but unit={unit!r} "
                                   "was passed; its recency and T are in {recorded!r} periods.")
                                 .format(recorded=recorded, unit=unit))
        self.unit_ = unit if unit is not None else recorded

    def _fitted(self) -> tuple[float, ...]:
        """The parameters in the papers' order, or a clear error before ``fit``."""
        if self.params_ is None:
            raise InputError(_("Fit the model first: call .fit(...) on your data, or build it "
                               "with .from_params(...)."))
        return tuple(self.params_[name] for name in self.PARAMETERS)

    def __repr__(self) -> str:
        if self.params_ is None:
            return f"{type(self).__name__}()"
        shown = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
        return f"{type(self).__name__}({shown})"


class PurchaseModel(Model):
    """What BG/NBD and Pareto/NBD share: data ``(x, t_x, T)``, fitting and the summary.

    A subclass gives ``_log_likelihood(params, x, t_x, T)``, the per-customer
    log-likelihood as a numpy function, and the methods that predict.
    """

    #: the parameters measured in time units (they scale with the unit of recency and T)
    TIME_SCALES: tuple[str, ...] = ()

    @staticmethod
    def _log_likelihood(params: tuple[float, ...], x: np.ndarray, t_x: np.ndarray,
                        T: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _purchases_if_alive(self, t: np.ndarray, x: np.ndarray, T: np.ndarray) -> np.ndarray:
        """E[Y(t)] for a customer still alive at T after x purchases; times P(alive), this is
        ``conditional_expected_purchases``. It needs no recency, so customers who share x and T
        share it (``predicted_clv`` works that out once for each such pair)."""
        raise NotImplementedError

    def fit(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike, *,
            unit: str | None = None) -> Self:
        """Estimate the parameters by maximum likelihood; returns the fitted model.

        ``unit`` is the time unit of recency and T (e.g. ``"week"``); the model
        remembers it as ``unit_``, so that predictions in another unit are refused.
        Data that cannot pin the parameters down (nobody bought again; every last
        purchase at the end of calibration) give a :class:`FitWarning`.
        """
        x, t_x, big_t = customer_arrays(frequency, recency, T)
        if x.size == 0:
            raise InputError(_("There are no customers to fit the model to."))
        self._remember_unit(unit)
        rows, counts = distinct_rows(x.ravel(), t_x.ravel(), big_t.ravel())
        time_scale = float(np.mean(big_t)) if np.mean(big_t) > 0 else 1.0
        fit = maximise_log_likelihood(
            lambda params: counts @ self._log_likelihood(tuple(params), *rows),
            dict.fromkeys(self.PARAMETERS, 1.0),
            scales={name: time_scale for name in self.TIME_SCALES})
        self.params_, self.log_likelihood_ = fit
        report_fit(type(self).__name__, fit, self._degenerate_reason(x, t_x, big_t, fit))
        return self

    def _degenerate_reason(self, x: np.ndarray, t_x: np.ndarray, T: np.ndarray,
                           fit: Fit) -> str | None:
        """Why these data cannot pin the parameters down, in one sentence; None if they can."""
        params = ", ".join(f"{name} = {value:.3g}" for name, value in fit[0].items())
        model = type(self).__name__
        if not (x > 0).any():
            return _("{model}: no customer made a repeat purchase, so these data cannot tell how "
                     "often customers buy or when they leave; the fitted parameters ({params}) "
                     "are not estimates to rely on.").format(model=model, params=params)
        if np.all(t_x == T):
            return _("{model}: every customer's last purchase falls at the end of calibration "
                     "(recency = T), so these data show nobody leaving; the fitted parameters "
                     "({params}) are not estimates to rely on.").format(model=model,
                                                                       params=params)
        return None

    def fit_summary(self, summary: pd.DataFrame, *, unit: str | None = None) -> Self:
        """``fit`` on the ``frequency``, ``recency`` and ``T`` columns of a customer summary.

        The model remembers the summary's time unit (``summary.attrs["unit"]``,
        set by :func:`clv_course.summary.customer_summary`) unless ``unit`` is given.
        """
        columns = summary_columns(summary, "frequency", "recency", "T")
        self._remember_unit(unit, summary)
        return self.fit(*columns, unit=self.unit_)

    def log_likelihood(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> Result:
        """Each customer's log-likelihood under the fitted parameters (they sum to the total)."""
        params = self._fitted()
        return output(self._log_likelihood(params, *customer_arrays(frequency, recency, T)))
