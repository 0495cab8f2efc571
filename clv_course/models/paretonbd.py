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
from scipy.special import betaln, expit, gammaln, hyp2f1, hyperu

from clv_course.errors import InputError
from clv_course.i18n import _
from clv_course.models._fitting import (ArrayLike, PurchaseModel, Result, as_values,
                                        check_times, customer_arrays, hyp2f1_a1, output,
                                        purchase_counts)


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
    TIME_SCALES = ("alpha", "beta")

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
        times = check_times(t)
        x, t_x, T = customer_arrays(frequency, recency, T)
        alive = expit(-self._log_odds_dead(x, t_x, T))
        return output(alive * self._purchases_if_alive(times, x, T))

    def _purchases_if_alive(self, t: np.ndarray, x: np.ndarray, T: np.ndarray) -> np.ndarray:
        """E[X(t)] with the updated parameters: E[Y(t)] for a customer alive at T."""
        r, alpha, s, beta = self._fitted()
        return _expected_count(r + x, alpha + T, s, beta + T, t)

    def probability_of_purchases(self, t: ArrayLike, x: ArrayLike) -> Result:
        """P(X(t) = x): the probability that a new customer makes x purchases in her first t
        periods, from Fader, Hardie & Lee (2005), "A Note on Deriving the Pareto/NBD Model and
        Related Expressions" (eq. 17):

            P(X(t) = x) = Gamma(r + x) / (Gamma(r) x!) (alpha / (alpha + t))^r (t / (alpha + t))^x
                          * (beta / (beta + t))^s
                        + alpha^r beta^s B(r + x, s + 1) / B(r, s)
                          * [B_1 - sum_{j=0..x} Gamma(r + s + j) / (Gamma(r + s) j!) t^j B_2(j)]

        with, for alpha >= beta,
        B_1 = 2F1(r + s, s + 1; r + s + x + 1; (alpha - beta) / alpha) / alpha^(r + s) and
        B_2(j) = 2F1(r + s + j, s + 1; r + s + x + 1; (alpha - beta) / (alpha + t))
                 / (alpha + t)^(r + s + j),
        and for alpha < beta the same with s + 1 -> r + x and alpha -> beta in the
        2F1's second argument, argument z and power. The first term: alive at t
        with x purchases; the second: left at some time tau < t after x purchases,
        i.e. the integral over tau of NBD(x; tau) s / beta (beta / (beta + tau))^(s + 1).
        Accurate for the moderate x and t of a histogram (the bracket is a
        difference). ``t`` and ``x`` broadcast against each other.
        """
        r, alpha, s, beta = self._fitted()
        times, counts = np.broadcast_arrays(check_times(t), purchase_counts(x, "x"))
        result = np.empty(times.shape, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            for index in np.ndindex(times.shape):
                result[index] = self._probability_one(float(times[index]), int(counts[index]))
        return output(np.clip(result, 0.0, 1.0))

    def _probability_one(self, t: float, x: int) -> float:
        """:meth:`probability_of_purchases` for one t and one x."""
        r, alpha, s, beta = self._fitted()
        if t == 0:
            return float(x == 0)
        alive = np.exp(gammaln(r + x) - gammaln(r) - gammaln(x + 1) + r * np.log(alpha / (alpha + t))
                       + x * np.log(t / (alpha + t)) + s * np.log(beta / (beta + t)))
        if alpha >= beta:
            big, second = alpha, s + 1
        else:
            big, second = beta, r + x
        small = beta if alpha >= beta else alpha
        c = r + s + x + 1
        first = hyp2f1(r + s, second, c, (big - small) / big) / big ** (r + s)
        j = np.arange(x + 1)
        log_terms = (gammaln(r + s + j) - gammaln(r + s) - gammaln(j + 1) + j * np.log(t)
                     - (r + s + j) * np.log(big + t))
        later = np.sum(np.exp(log_terms) * hyp2f1(r + s + j, second, c, (big - small) / (big + t)))
        left = np.exp(r * np.log(alpha) + s * np.log(beta) + betaln(r + x, s + 1)
                      - betaln(r, s)) * (first - later)
        return float(alive + left)

    def discounted_expected_transactions(self, delta: float, frequency: ArrayLike,
                                         recency: ArrayLike, T: ArrayLike) -> Result:
        """DET: each customer's future purchases over an infinite horizon, discounted continuously
        at rate ``delta`` per period, from Fader, Hardie & Lee (2005), "RFM and CLV: Using
        Iso-Value Curves for Customer Base Analysis", Journal of Marketing Research (eq. 2):

            DET(delta | r, alpha, s, beta, x, t_x, T)
                = alpha^r beta^s delta^(s - 1) Gamma(r + x + 1) Psi(s, s; delta (beta + T))
                  / (Gamma(r) (alpha + T)^(r + x + 1) L(r, alpha, s, beta | x, t_x, T))

        where Psi is the confluent hypergeometric function of the second kind
        (Tricomi's U) and L the likelihood. Equivalently, what we compute:

            DET = P(alive) * (r + x) / (alpha + T) * (beta + T) * U(1, 2 - s; delta (beta + T)),

        the expected rate of an alive customer times E[1 / (mu + delta)] for her
        dropout rate mu ~ gamma(s, beta + T), using Kummer's
        (delta B)^s U(s, s; delta B) = delta B U(1, 2 - s; delta B). A yearly
        rate R is delta = log(1 + R) / (periods a year); e.g. 15 % a year is
        delta = 0.0027 per week. Multiply by the expected margin per purchase
        for the customer's residual value.
        """
        r, alpha, s, beta = self._fitted()
        rate = float(as_values(delta, "delta"))
        if not rate > 0:
            raise InputError(_("delta, the continuous discount rate per period, must be more "
                               "than 0 (0.0027 per week for 15 % a year); got {value}.")
                             .format(value=delta))
        x, t_x, T = customer_arrays(frequency, recency, T)
        alive = expit(-self._log_odds_dead(x, t_x, T))
        with np.errstate(all="ignore"):
            inverse_mean = (beta + T) * hyperu(1.0, 2.0 - s, rate * (beta + T))
        return output(alive * (r + x) / (alpha + T) * inverse_mean)
