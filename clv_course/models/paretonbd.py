"""The Pareto/NBD purchase model: Schmittlein, Morrison & Colombo (1987), "Counting Your Customers".

The story, one customer at a time (times in the summary's unit, e.g. weeks):

- while alive, the customer buys at random at rate lambda (a Poisson process);
- her lifetime is exponential with rate mu: she can leave at any moment,
  not only after a purchase (the difference from BG/NBD);
- lambda varies across customers as gamma(r, alpha), mu as gamma(s, beta).

The expressions follow Fader, Hardie & Lee (2005), "A Note on Deriving the
Pareto/NBD Model and Related Expressions", which writes the likelihood with a
Gauss hypergeometric function 2F1. As in BG/NBD, a customer's data update her
rates to gamma(r + x, alpha + T) and gamma(s, beta + T) if she is still alive.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, gammaln

from clv_course.models._fitting import (ArrayLike, PurchaseModel, Result, check_times,
                                        customer_arrays, hyp2f1_a1, output)


def _log_hypergeometric_part(r, alpha, s, beta, x, time):
    """log[2F1(r + s + x, b; r + s + x + 1; z) / (m + time)^(r + s + x)], one half of A_0.

    The note's two branches (both give the same A_0; each keeps 0 <= z < 1):

    - alpha >= beta: m = alpha, b = s + 1, z = (alpha - beta) / (alpha + time);
    - alpha < beta:  m = beta,  b = r + x, z = (beta - alpha) / (beta + time).

    For a frequent buyer, 2F1 as printed overflows when alpha < beta (it grows
    like (1 - z)^-(r + x)), and scipy's 2F1 can fail when alpha >= beta. Euler's
    transformation (Abramowitz & Stegun 15.3.3), with c = a + 1,

        2F1(a, b; c; z) = (1 - z)^(c - a - b) * 2F1(1, c - b; c; z),

    moves the growth into a logarithm; the 2F1 left is a series of positive
    terms, at most 1 / (1 - z) (see :func:`~clv_course.models._fitting.hyp2f1_a1`).
    """
    if alpha >= beta:
        big, small, b = alpha, beta, s + 1
    else:
        big, small, b = beta, alpha, r + x
    a = r + s + x
    c = a + 1
    z = (big - small) / (big + time)
    log_one_minus_z = np.log(small + time) - np.log(big + time)
    log_2f1 = (c - a - b) * log_one_minus_z + np.log(hyp2f1_a1(c - b, c, z))
    return log_2f1 - a * np.log(big + time)


def _log_a0(r, alpha, s, beta, x, t_x, T):
    """log A_0, where A_0 = [2F1 part at t_x] - [2F1 part at T] >= 0.

    A_0 / (r + s + x) is the integral over the dropout time tau in (t_x, T) of
    (alpha + tau)^-(r + x) (beta + tau)^-(s + 1), so it is 0 when t_x = T.
    log(e^u - e^v) = u + log(1 - e^(v - u)) keeps it in log space.
    """
    at_t_x = _log_hypergeometric_part(r, alpha, s, beta, x, t_x)
    at_T = _log_hypergeometric_part(r, alpha, s, beta, x, T)
    gap = np.minimum(at_T - at_t_x, 0.0)  # rounding must not make A_0 negative
    with np.errstate(divide="ignore"):  # gap = 0 means A_0 = 0 exactly: log 0 = -inf
        return at_t_x + np.log1p(-np.exp(gap))


def _expected_count(r, alpha, s, beta, t):
    """E[X(t)] for a customer with gamma(r, alpha) purchase rate and gamma(s, beta) dropout rate:

        E[X(t)] = r beta / (alpha (s - 1)) * [1 - (beta / (beta + t))^(s - 1)]

    written as -expm1((s - 1) log(beta / (beta + t))) / (s - 1), which stays accurate
    near s = 1 and has the limit r / alpha * log(1 + t / beta) at s = 1.
    """
    log_ratio = -np.log1p(t / beta)
    if s == 1:
        share = -log_ratio
    else:
        share = -np.expm1((s - 1) * log_ratio) / (s - 1)
    return r * beta / alpha * share


class ParetoNBD(PurchaseModel):
    """Pareto/NBD: how often customers buy, and when they silently leave (at any time).

    >>> ParetoNBD().fit_summary(summary).params_       # doctest: +SKIP
    {'r': 0.553, 'alpha': 10.578, 's': 0.606, 'beta': 11.669}   # CDNOW, weeks
    """

    PARAMETERS = ("r", "alpha", "s", "beta")

    @staticmethod
    def _log_likelihood(params, x, t_x, T):
        """log L for each customer (Fader, Hardie & Lee 2005, the note's likelihood):

            L = Gamma(r + x) alpha^r beta^s / Gamma(r)
                * { 1 / ((alpha + T)^(r + x) (beta + T)^s) + s / (r + s + x) * A_0 }

        The first term: alive at T; the second: left at some time in (t_x, T).
        """
        r, alpha, s, beta = params
        common = gammaln(r + x) - gammaln(r) + r * np.log(alpha) + s * np.log(beta)
        alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
        left = np.log(s / (r + s + x)) + _log_a0(r, alpha, s, beta, x, t_x, T)
        return common + np.logaddexp(alive, left)

    def _log_odds_dead(self, x, t_x, T):
        """log of (s / (r + s + x)) (alpha + T)^(r + x) (beta + T)^s A_0 = P(dead) / P(alive)."""
        r, alpha, s, beta = self._fitted()
        return (np.log(s / (r + s + x)) + (r + x) * np.log(alpha + T) + s * np.log(beta + T)
                + _log_a0(r, alpha, s, beta, x, t_x, T))

    def probability_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> Result:
        """P(alive | x, t_x, T), from the note:

            P(alive) = 1 / {1 + s / (r + s + x) * (alpha + T)^(r + x) (beta + T)^s * A_0}

        computed as expit(-log odds) so that no power overflows. A purchase at T
        (t_x = T) means A_0 = 0: alive for sure.
        """
        x, t_x, T = customer_arrays(frequency, recency, T)
        return output(expit(-self._log_odds_dead(x, t_x, T)))

    def expected_purchases(self, t: ArrayLike) -> Result:
        """E[X(t)]: purchases a new customer is expected to make in her first t periods:

            E[X(t)] = r beta / (alpha (s - 1)) [1 - (beta / (beta + t))^(s - 1)]
        """
        r, alpha, s, beta = self._fitted()
        return output(_expected_count(r, alpha, s, beta, check_times(t)))

    def conditional_expected_purchases(self, t: ArrayLike, frequency: ArrayLike,
                                       recency: ArrayLike, T: ArrayLike) -> Result:
        """E[Y(t) | x, t_x, T]: purchases in the next t periods (the note; SMC 1987):

            E[Y(t) | x, t_x, T] = P(alive) * (r + x)(beta + T) / ((alpha + T)(s - 1))
                                  * [1 - ((beta + T) / (beta + T + t))^(s - 1)]

        that is, P(alive) times E[X(t)] with the updated parameters r + x,
        alpha + T, s, beta + T. ``t`` broadcasts against the customers.
        """
        r, alpha, s, beta = self._fitted()
        times = check_times(t)
        x, t_x, T = customer_arrays(frequency, recency, T)
        alive = expit(-self._log_odds_dead(x, t_x, T))
        return output(alive * _expected_count(r + x, alpha + T, s, beta + T, times))
