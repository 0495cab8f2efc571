"""The BG/NBD purchase model: Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way".

The story, one customer at a time (times in the summary's unit, e.g. weeks):

- while alive, the customer buys at random at rate lambda (a Poisson process);
- right after each repeat purchase (the first purchase only starts the clock)
  she drops out for good with probability p;
- lambda varies across customers as gamma(r, alpha), p as beta(a, b).

The data per customer are x (repeat purchases), t_x (time of the last one,
"recency") and T (time since the first purchase); see
:func:`clv_course.summary.customer_summary`.

A thread through the formulas: given a customer's data, her lambda is
gamma(r + x, alpha + T) and her p is beta(a, b + x) *if she is still alive*.
So what she will do next is what a brand-new customer with those updated
parameters would do, times the probability that she is alive.
"""

from __future__ import annotations

import numpy as np
from scipy.special import betainc, betaln, expit, gammaln, hyp2f1

from clv_course.models._fitting import (ArrayLike, PurchaseModel, Result, check_times,
                                        customer_arrays, output, purchase_counts)


def _expected_count(r, alpha, a, b, t):
    """E[X(t)], eq. (7) of the paper, for a customer with gamma(r, alpha) and beta(a, b):

        E[X(t)] = (a + b - 1) / (a - 1)
                  * [1 - (alpha / (alpha + t))^r * 2F1(r, b; a + b - 1; t / (alpha + t))]

    With z = t / (alpha + t), Euler's transformation (Abramowitz & Stegun 15.3.3)
    2F1(r, b; c; z) = (1 - z)^(c - r - b) * 2F1(c - r, c - b; c; z) turns the bracket into

        1 - (alpha / (alpha + t))^(a - 1) * 2F1(a + b - 1 - r, a - 1; a + b - 1; z),

    the same number without the huge power (1 - z)^-r and huge 2F1 that a
    customer with hundreds of purchases would otherwise need (r grows with x
    when this is used for predictions, see below).

    At a = 1 the fraction is 0 / 0 with a finite limit; there we average the
    values at a = 1 +- 1e-4 (error of order 1e-8).

    At a + b = 1 (c = 0) the 2F1 has a pole that the factor c cancels: since
    (c)_k = c (k - 1)! + O(c^2), c * 2F1(c - r, a - 1; c; z) tends to
    -r (a - 1) z 2F1(1 - r, a; 2; z), so the limit is

        E[X(t)] = r z (alpha / (alpha + t))^(a - 1) 2F1(1 - r, a; 2; z),

    used for |c| < 1e-9 (elsewhere the formula above is accurate).
    """
    if abs(a - 1) < 1e-6:
        return (_expected_count(r, alpha, 1 - 1e-4, b, t)
                + _expected_count(r, alpha, 1 + 1e-4, b, t)) / 2
    c = a + b - 1
    z = t / (alpha + t)
    with np.errstate(all="ignore"):
        if np.all(np.abs(c) < 1e-9):
            return r * z * (alpha / (alpha + t)) ** (a - 1) * hyp2f1(1 - r, a, 2, z)
        bracket = 1 - (alpha / (alpha + t)) ** (a - 1) * hyp2f1(c - r, a - 1, c, z)
        value = c / (a - 1) * bracket
        if np.any(np.abs(c) < 1e-9):  # arrays of customers: some have c = 0
            limit = r * z * (alpha / (alpha + t)) ** (a - 1) * hyp2f1(1 - r, a, 2, z)
            value = np.where(np.abs(c) < 1e-9, limit, value)
    return value


class BGNBD(PurchaseModel):
    """Beta-geometric/NBD: how often customers buy, and when they silently leave.

    >>> model = BGNBD().fit_summary(summary)            # doctest: +SKIP
    >>> model.params_                                   # doctest: +SKIP
    {'r': 0.2426, 'alpha': 4.4136, 'a': 0.7929, 'b': 2.4259}   # CDNOW, weeks
    """

    PARAMETERS = ("r", "alpha", "a", "b")
    TIME_SCALES = ("alpha",)

    @staticmethod
    def _log_likelihood(params, x, t_x, T):
        """log L for each customer, eq. (6) of the paper:

            L = B(a, b + x) / B(a, b) * Gamma(r + x) alpha^r / (Gamma(r) (alpha + T)^(r + x))
              + [x > 0] B(a + 1, b + x - 1) / B(a, b)
                        * Gamma(r + x) alpha^r / (Gamma(r) (alpha + t_x)^(r + x))

        The first term: still alive at T; the second: dropped out right after
        the purchase at t_x (impossible without a repeat purchase). Both are
        added as logarithms (logaddexp), so no power can overflow.
        """
        r, alpha, a, b = params
        common = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
        alive = betaln(a, b + x) - betaln(a, b) - (r + x) * np.log(alpha + T)
        b_after = np.where(x > 0, b + x - 1, 1.0)  # any positive number where x = 0
        dropped = np.where(x > 0, betaln(a + 1, b_after) - betaln(a, b)
                           - (r + x) * np.log(alpha + t_x), -np.inf)
        return common + np.logaddexp(alive, dropped)

    def probability_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> Result:
        """P(alive | x, t_x, T), from Fader, Hardie & Lee (2008), "Computing P(alive) using the
        BG/NBD model":

            P(alive) = 1 / (1 + [x > 0] a / (b + x - 1) * ((alpha + T) / (alpha + t_x))^(r + x))

        A customer with no repeat purchase is alive for sure: in BG/NBD one can
        only drop out right after a purchase, and the first one starts the clock.
        """
        r, alpha, a, b = self._fitted()
        x, t_x, T = customer_arrays(frequency, recency, T)
        b_after = np.where(x > 0, b + x - 1, 1.0)
        log_odds_dead = np.log(a) - np.log(b_after) + (r + x) * (np.log(alpha + T)
                                                                 - np.log(alpha + t_x))
        return output(np.where(x > 0, expit(-log_odds_dead), 1.0))

    def expected_purchases(self, t: ArrayLike) -> Result:
        """E[X(t)]: purchases a new customer is expected to make in her first t periods (eq. 7)."""
        r, alpha, a, b = self._fitted()
        return output(_expected_count(r, alpha, a, b, check_times(t)))

    def conditional_expected_purchases(self, t: ArrayLike, frequency: ArrayLike,
                                       recency: ArrayLike, T: ArrayLike) -> Result:
        """E[Y(t) | x, t_x, T]: purchases in the next t periods, eq. (10) of the paper:

            E[Y(t) | x, t_x, T] = P(alive) * (a + b + x - 1) / (a - 1)
                * [1 - ((alpha + T) / (alpha + T + t))^(r + x)
                       * 2F1(r + x, b + x; a + b + x - 1; t / (alpha + T + t))]

        that is, P(alive) times eq. (7) with the updated parameters
        r + x, alpha + T, a, b + x. ``t`` broadcasts against the customers.
        """
        times = check_times(t)
        x, t_x, T = customer_arrays(frequency, recency, T)
        alive = np.asarray(self.probability_alive(x, t_x, T))
        return output(alive * self._purchases_if_alive(times, x, T))

    def _purchases_if_alive(self, t: np.ndarray, x: np.ndarray, T: np.ndarray) -> np.ndarray:
        """Eq. (7) with the updated parameters: E[Y(t)] for a customer alive at T."""
        r, alpha, a, b = self._fitted()
        return _expected_count(r + x, alpha + T, a, b + x, t)

    def probability_of_purchases(self, t: ArrayLike, x: ArrayLike) -> Result:
        """P(X(t) = x): the probability that a new customer makes x purchases in her first t
        periods, eq. (8) of Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way":

            P(X(t) = x) = B(a, b + x) / B(a, b)
                          * Gamma(r + x) / (Gamma(r) x!) (alpha / (alpha + t))^r (t / (alpha + t))^x
                        + [x > 0] B(a + 1, b + x - 1) / B(a, b)
                          * [1 - (alpha / (alpha + t))^r
                                 * sum_{j=0..x-1} Gamma(r + j) / (Gamma(r) j!) (t / (alpha + t))^j]

        The first term: still alive at t, with x purchases (a negative binomial
        count); the second: dropped out after the x-th purchase. The bracket is
        the chance of at least x purchases in the NBD, the regularised incomplete
        beta function I_z(x, r) with z = t / (alpha + t), computed as such (no
        cancellation). ``t`` and ``x`` broadcast against each other.
        """
        r, alpha, a, b = self._fitted()
        times = check_times(t)
        counts = purchase_counts(x, "x")
        with np.errstate(divide="ignore", invalid="ignore"):
            log_p = np.log(alpha) - np.log(alpha + times)  # log(alpha / (alpha + t))
            log_q = np.log(times) - np.log(alpha + times)  # log(t / (alpha + t)), -inf at t = 0
            log_nbd = (gammaln(r + counts) - gammaln(r) - gammaln(counts + 1) + r * log_p
                       + np.where(counts > 0, counts * log_q, 0.0))
            alive = np.exp(betaln(a, b + counts) - betaln(a, b) + log_nbd)
            b_after = np.where(counts > 0, b + counts - 1, 1.0)
            at_least_x = betainc(np.maximum(counts, 1.0), r, times / (alpha + times))
            dropped = np.where(counts > 0, np.exp(betaln(a + 1, b_after) - betaln(a, b))
                               * at_least_x, 0.0)
        return output(alive + dropped)
