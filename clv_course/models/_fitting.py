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

from collections.abc import Callable, Mapping
from typing import Any, Self

import numpy as np
import pandas as pd
from scipy.linalg import cho_factor, cho_solve
from scipy.optimize import minimize
from scipy.special import hyp2f1

from clv_course.errors import InputError
from clv_course.i18n import _

ArrayLike = Any  # a number, list, numpy array or pandas Series
Result = Any  # float for numbers in, numpy array for arrays in


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


def _hyp2f1_a1_series(b: float, c: float, z: float, chunk: int = 4096,
                      max_terms: int = 10**8) -> float:
    """The series of :func:`hyp2f1_a1` for one (b, c, z), ``chunk`` terms at a time."""
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

def maximise_log_likelihood(total_log_likelihood: Callable[[np.ndarray], float],
                            start: Mapping[str, float]) -> tuple[dict[str, float], float]:
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
    """
    names = list(start)
    first = np.log(np.array(list(start.values()), dtype=float))
    with np.errstate(all="ignore"):
        at_start = float(total_log_likelihood(np.exp(first)))
    scale = abs(at_start) if np.isfinite(at_start) and at_start != 0 else 1.0

    def negative_scaled(log_params: np.ndarray) -> float:
        with np.errstate(all="ignore"):
            value = total_log_likelihood(np.exp(log_params))
        return -value / scale if np.isfinite(value) else np.inf

    # Tighter than scipy's defaults (gtol 1e-5 stops ~1e-3 short in the flat directions), so
    # that the Newton steps start close; tighter still only costs evaluations.
    result = minimize(negative_scaled, first, method="L-BFGS-B",
                      options={"ftol": 1e-11, "gtol": 1e-7})
    if not result.success or not np.isfinite(result.fun):
        result = minimize(negative_scaled, result.x if np.isfinite(result.fun) else first,
                          method="Nelder-Mead",
                          options={"xatol": 1e-8, "fatol": 1e-12, "maxiter": 4000})
    if not np.isfinite(result.fun) or not np.all(np.isfinite(np.exp(result.x))):
        raise InputError(_("The model could not be fitted to these data (the likelihood has "
                           "no finite maximum). Check that the data describe real customers."))
    best = _newton_polish(negative_scaled, result.x, float(result.fun))
    params = dict(zip(names, map(float, np.exp(best))))
    return params, float(total_log_likelihood(np.exp(best)))


def _newton_polish(f: Callable[[np.ndarray], float], x: np.ndarray, fx: float,
                   h: float = 1e-3, steps: int = 8) -> np.ndarray:
    """``x`` moved by Newton steps to where the gradient of ``f`` is 0, if that is nearby.

    The gradient comes from a 5-point stencil (error of order h^4, far below
    rounding at h = 1e-3), so the point reached is the optimum itself, to ~1e-9
    in log-parameters, whatever path the optimiser took to get near it. The
    Hessian only sets the speed, so it is computed once (chord method): each
    further step costs just a gradient. A step that is large, not finite or
    lowers the likelihood ends the polish: then there is no clear peak near ``x``
    (e.g. a ridge running off to infinity) and ``x`` is kept.
    """
    n = x.size
    unit = np.eye(n) * h

    def gradient_and_values(point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        # values[i] = f at point + k h e_i for k = -2, -1, 1, 2
        values = np.array([[f(point + k * unit[i]) for k in (-2, -1, 1, 2)] for i in range(n)])
        return (values @ np.array([1.0, -8.0, 8.0, -1.0])) / (12 * h), values

    gradient, values = gradient_and_values(x)
    if not np.all(np.isfinite(values)):
        return x
    hessian = np.diag((values @ np.array([-1.0, 16.0, 16.0, -1.0]) - 30 * fx) / (12 * h * h))
    for i in range(n):  # f(x +- (h e_i + h e_j)) against the stencil's f(x +- h e_i): error h^2
        for j in range(i):
            hessian[i, j] = hessian[j, i] = (
                f(x + unit[i] + unit[j]) + f(x - unit[i] - unit[j]) + 2 * fx
                - values[i, 1] - values[i, 2] - values[j, 1] - values[j, 2]) / (2 * h * h)
    try:
        factor = cho_factor(hessian)  # positive definite: a peak, not a saddle or a ridge
    except (np.linalg.LinAlgError, ValueError):  # ValueError: an infinite trial value
        return x
    for _step in range(steps):
        delta = -cho_solve(factor, gradient)
        size = np.max(np.abs(delta))
        if not np.isfinite(size) or size > 1:
            return x
        trial = x + delta
        f_trial = f(trial)
        if not f_trial <= fx + 1e-13 * max(1.0, abs(fx)):  # more than rounding worse
            return x
        x, fx = trial, f_trial
        if size < 1e-8:
            return x
        gradient, values = gradient_and_values(x)
        if not np.all(np.isfinite(values)):
            return x
    return x


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

    @classmethod
    def from_params(cls, **params: float) -> Self:
        """A model with these parameters (no data needed; ``log_likelihood_`` stays None)."""
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
        return model

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

    @staticmethod
    def _log_likelihood(params: tuple[float, ...], x: np.ndarray, t_x: np.ndarray,
                        T: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def fit(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> Self:
        """Estimate the parameters by maximum likelihood; returns the fitted model."""
        x, t_x, big_t = customer_arrays(frequency, recency, T)
        if x.size == 0:
            raise InputError(_("There are no customers to fit the model to."))
        rows, counts = distinct_rows(x.ravel(), t_x.ravel(), big_t.ravel())
        self.params_, self.log_likelihood_ = maximise_log_likelihood(
            lambda params: counts @ self._log_likelihood(tuple(params), *rows),
            dict.fromkeys(self.PARAMETERS, 1.0))
        return self

    def fit_summary(self, summary: pd.DataFrame) -> Self:
        """``fit`` on the ``frequency``, ``recency`` and ``T`` columns of a customer summary."""
        return self.fit(*summary_columns(summary, "frequency", "recency", "T"))

    def log_likelihood(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> Result:
        """Each customer's log-likelihood under the fitted parameters (they sum to the total)."""
        params = self._fitted()
        return output(self._log_likelihood(params, *customer_arrays(frequency, recency, T)))
