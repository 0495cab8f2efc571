"""The shifted-beta-geometric (sBG) retention model.

Fader & Hardie (2007), "How to Project Customer Retention", Journal of Interactive Marketing.

For contracts and subscriptions, where we *see* who leaves. The story:

- at the end of each period a customer renews, or leaves for good with her own
  probability theta (so her lifetime is geometric: P(T = t | theta) = theta (1 - theta)^(t - 1));
- theta varies across customers as beta(alpha, beta).

Heterogeneity is the point: the customers likely to leave leave first, so the
cohort that remains is ever more loyal and the retention rate *rises* over time,
as in real data, while a single theta would keep it flat and project far too
few survivors.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Self

import numpy as np
from scipy.special import betaln

from clv_course.errors import InputError
from clv_course.i18n import _
from clv_course.models._fitting import (ArrayLike, Model, Result, as_values, hyp2f1_a1,
                                        maximise_log_likelihood, output, report_fit)


def _periods(t: ArrayLike, first: int) -> np.ndarray:
    """Period numbers: whole numbers from ``first`` on."""
    periods = as_values(t, "t")
    if (periods < first).any() or (periods != np.round(periods)).any():
        raise InputError(_("Periods are whole numbers from {first} on; got {value}.").format(
            first=first, value=t))
    return periods


class ShiftedBetaGeometric(Model):
    """sBG: survival, retention rates and residual value of a cohort of subscribers.

    >>> model = ShiftedBetaGeometric().fit([631, 468, 382, 326, 289, 262, 241], initial=1000)
    >>> round(model.params_["alpha"], 3), round(model.params_["beta"], 3)
    (0.704, 1.182)
    """

    PARAMETERS = ("alpha", "beta")

    def __init__(self) -> None:
        super().__init__()
        #: the cohort's size at the start, from ``fit``
        self.initial_: float | None = None

    @staticmethod
    def _log_likelihood(params, initial: float, active: np.ndarray) -> float:
        """The total log-likelihood of Fader & Hardie (2007):

            LL(alpha, beta) = sum_{t=1..n} (n_{t-1} - n_t) log P(T = t) + n_n log S(n)

        where n_t customers are active at the end of period t (n_0 = initial):
        n_{t-1} - n_t left at the end of period t, and the n_n still active
        at the end of the data will leave some time later (right-censored).
        """
        alpha, beta = params
        counts = np.concatenate([[initial], active])
        t = np.arange(1, len(counts))
        left = counts[:-1] - counts[1:]
        log_churn = betaln(alpha + 1, beta + t - 1) - betaln(alpha, beta)
        log_survival = betaln(alpha, beta + t[-1]) - betaln(alpha, beta)
        return float(left @ log_churn + counts[-1] * log_survival)

    def fit(self, active: Sequence[float], *, initial: float) -> Self:
        """Estimate alpha, beta from the number of customers active at the end of periods 1, 2, ...

        ``initial`` is the cohort's size at the start (period 0); for the
        Regular segment of the paper: ``fit([631, 468, 382, 326, 289, 262, 241], initial=1000)``.
        """
        counts = as_values(active, "active")
        start = as_values(initial, "initial")
        if counts.ndim != 1 or len(counts) < 2:
            raise InputError(_("The sBG model needs the active customers at the end of at least "
                               "two periods (one period shows only the average retention)."))
        if start.ndim != 0 or start <= 0:
            raise InputError(_("initial, the size of the cohort at the start, must be a positive "
                               "number; got {value}.").format(value=initial))
        if (counts < 0).any():
            raise InputError(_("The numbers of active customers cannot be negative ({count} "
                               "are).").format(count=int((counts < 0).sum())))
        series = np.concatenate([[start], counts])
        rises = np.flatnonzero(np.diff(series) > 0)
        if rises.size:
            raise InputError(_("A cohort can only lose customers, but it grows in period {period} "
                               "(from {before} to {after}).").format(
                period=int(rises[0]) + 1, before=series[rises[0]], after=series[rises[0] + 1]))
        if counts[-1] == start:
            raise InputError(_("No customer left in these periods, so there is no churn to "
                               "model."))
        fit = maximise_log_likelihood(
            lambda params: self._log_likelihood(tuple(params), float(start), counts),
            dict.fromkeys(self.PARAMETERS, 1.0))
        self.params_, self.log_likelihood_ = fit
        self.initial_ = float(start)
        report_fit(type(self).__name__, fit)
        return self

    def churn_probability(self, t: ArrayLike) -> Result:
        """P(T = t): the share of a new cohort that leaves at the end of period t (t = 1, 2, ...).

            P(T = t | alpha, beta) = B(alpha + 1, beta + t - 1) / B(alpha, beta)
        """
        alpha, beta = self._fitted()
        t = _periods(t, 1)
        return output(np.exp(betaln(alpha + 1, beta + t - 1) - betaln(alpha, beta)))

    def survival(self, t: ArrayLike) -> Result:
        """S(t): the share of a new cohort still active after t periods (S(0) = 1).

            S(t | alpha, beta) = B(alpha, beta + t) / B(alpha, beta)
        """
        alpha, beta = self._fitted()
        t = _periods(t, 0)
        return output(np.exp(betaln(alpha, beta + t) - betaln(alpha, beta)))

    def retention_rate(self, t: ArrayLike) -> Result:
        """r_t = S(t) / S(t - 1): the share of those active in period t - 1 who renew in period t.

            r_t = (beta + t - 1) / (alpha + beta + t - 1)

        It rises with t towards 1: the customers who remain are the loyal ones.
        """
        alpha, beta = self._fitted()
        t = _periods(t, 1)
        return output((beta + t - 1) / (alpha + beta + t - 1))

    def projected_active(self, t: ArrayLike, *, initial: float | None = None) -> Result:
        """Expected customers active after t periods: initial * S(t), for the fitted cohort's size
        unless ``initial`` is given."""
        self._fitted()
        size = self.initial_ if initial is None else float(as_values(initial, "initial"))
        if size is None or size <= 0:
            raise InputError(_("initial, the size of the cohort at the start, must be a positive "
                               "number; got {value}.").format(value=initial))
        return output(size * np.asarray(self.survival(t)))

    def derl(self, discount_rate: float, *, renewals: int = 0) -> float:
        """Discounted expected residual lifetime (Fader & Hardie 2010, "Customer-Base Valuation in a
        Contractual Setting: The Perils of Ignoring Heterogeneity").

        For a customer who has made n - 1 = ``renewals`` renewals and stands at
        the end of period n, just before her next renewal decision: the expected
        number of payments still to come, each discounted to today at
        ``discount_rate`` per period, the first (if she renews) counted in full.
        Multiply by the margin per period to get her residual value.

            DERL = sum_{t >= n} S(t) / S(n - 1) / (1 + d)^(t - n)
                 = (beta + n - 1) / (alpha + beta + n - 1)
                   * 2F1(1, beta + n; alpha + beta + n; 1 / (1 + d))

        The hypergeometric series is exactly that sum (term j is S(n + j) / S(n)
        times 1 / (1 + d)^j). With d = 0 it is the undiscounted expected residual
        lifetime, infinite when alpha <= 1 and otherwise, by Gauss's sum
        2F1(1, B; C; 1) = (C - 1) / (C - 1 - B), the closed form

            DERL(d = 0) = (beta + n - 1) / (alpha - 1)

        (the mean of the beta-geometric residual lifetime), used there: the series
        converges too slowly at z = 1 to be added up.
        """
        alpha, beta = self._fitted()
        d = float(as_values(discount_rate, "discount_rate"))
        if d < 0:
            raise InputError(_("The discount rate must be 0 or more (0.1 for 10 % per period); got "
                               "{value}.").format(value=discount_rate))
        n = float(_periods(renewals, 0)) + 1
        if d == 0:
            # 2F1(1, B; C; 1) = (C - 1) / (C - 1 - B) (Gauss), so DERL = (beta + n - 1) / (alpha - 1)
            return float("inf") if alpha <= 1 else float((beta + n - 1) / (alpha - 1))
        return float((beta + n - 1) / (alpha + beta + n - 1)
                     * hyp2f1_a1(beta + n, alpha + beta + n, 1 / (1 + d)))
