"""P(X(t) = x) for BG/NBD and Pareto/NBD, Pareto/NBD's DET, and the calibration histogram,
checked against brute-force sums and integrals."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import gammaln

from clv_course.errors import InputError
from clv_course.models import BGNBD, ParetoNBD, calibration_histogram

BG = {"r": 0.2426, "alpha": 4.4136, "a": 0.7929, "b": 2.4259}
PARETO = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
COUNTS = np.arange(0, 400)


@pytest.mark.parametrize("model", [BGNBD.from_params(**BG), ParetoNBD.from_params(**PARETO)],
                         ids=["bgnbd", "paretonbd"])
@pytest.mark.parametrize("t", [1.0, 39.0, 78.0])
def test_the_probabilities_add_up_to_one_and_their_mean_is_expected_purchases(model, t):
    probabilities = model.probability_of_purchases(t, COUNTS)
    assert np.all(probabilities >= 0)
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-9)
    assert COUNTS @ probabilities == pytest.approx(model.expected_purchases(t), rel=1e-8)


def test_no_time_means_no_purchase():
    for model in (BGNBD.from_params(**BG), ParetoNBD.from_params(**PARETO)):
        assert list(model.probability_of_purchases(0, [0, 1, 2])) == [1.0, 0.0, 0.0]


def nbd(r, alpha, x, tau):
    """P(x purchases by tau | alive): the negative binomial of the gamma-mixed Poisson."""
    if tau == 0:
        return float(x == 0)
    return np.exp(gammaln(r + x) - gammaln(r) - gammaln(x + 1) + r * np.log(alpha / (alpha + tau))
                  + x * np.log(tau / (alpha + tau)))


@pytest.mark.parametrize("params", [PARETO, {"r": 0.5, "alpha": 20.0, "s": 1.5, "beta": 5.0}])
@pytest.mark.parametrize("t, x", [(1.0, 0), (39.0, 1), (39.0, 5), (78.0, 10), (30.0, 3)])
def test_pareto_nbd_probability_is_the_integral_over_the_dropout_time(params, t, x):
    r, alpha, s, beta = params.values()
    alive = nbd(r, alpha, x, t) * (beta / (beta + t)) ** s
    left = quad(lambda tau: nbd(r, alpha, x, tau) * s / beta * (beta / (beta + tau)) ** (s + 1),
                0, t, epsabs=1e-14, limit=200)[0]
    assert ParetoNBD.from_params(**params).probability_of_purchases(t, x) == pytest.approx(
        alive + left, rel=1e-8, abs=1e-14)


def test_bgnbd_probability_is_the_sum_over_the_dropout_purchase():
    """Eq. (8) by brute force: alive with x purchases, or dropped out after the x-th one."""
    r, alpha, a, b = BG.values()
    model, t = BGNBD.from_params(**BG), 39.0
    from scipy.special import betaln
    for x in (0, 1, 4):
        alive = np.exp(betaln(a, b + x) - betaln(a, b)) * nbd(r, alpha, x, t)
        dropped = 0.0 if x == 0 else np.exp(betaln(a + 1, b + x - 1) - betaln(a, b)) * (
            1 - sum(nbd(r, alpha, j, t) for j in range(x)))
        assert model.probability_of_purchases(t, x) == pytest.approx(alive + dropped, rel=1e-10)


@pytest.mark.parametrize("customer", [(0, 0.0, 38.0), (2, 30.43, 38.86), (10, 35.0, 38.0)])
@pytest.mark.parametrize("delta", [0.0027, 0.05])
def test_det_is_the_discounted_integral_of_expected_purchases(customer, delta):
    r, alpha, s, beta = PARETO.values()
    x, t_x, T = customer
    model = ParetoNBD.from_params(**PARETO)
    alive = model.probability_alive(x, t_x, T)
    rate = lambda t: alive * (r + x) / (alpha + T) * ((beta + T) / (beta + T + t)) ** s  # noqa: E731
    integral = quad(lambda t: np.exp(-delta * t) * rate(t), 0, np.inf, limit=500,
                    epsrel=1e-12)[0]
    assert model.discounted_expected_transactions(delta, x, t_x, T) == pytest.approx(
        integral, rel=1e-8)


def test_det_needs_a_positive_rate():
    with pytest.raises(InputError, match="delta"):
        ParetoNBD.from_params(**PARETO).discounted_expected_transactions(0, 1, 2, 3)


@pytest.mark.parametrize("model_class", [BGNBD, ParetoNBD])
def test_the_calibration_histogram_sums_each_customers_probabilities(summary, model_class):
    model = model_class().fit_summary(summary)
    table = calibration_histogram(model, summary)
    assert list(table.index) == ["0", "1", "2", "3", "4", "5", "6", "7+"]
    assert table["actual"].tolist() == [1411, 439, 214, 100, 62, 38, 29, 64]  # the paper's data
    assert table["expected"].sum() == pytest.approx(len(summary))
    by_hand = sum(model.probability_of_purchases(T, 2) for T in summary["T"])
    assert table.loc["2", "expected"] == pytest.approx(by_hand, rel=1e-10)
    assert np.abs(table["expected"] - table["actual"]).max() < 50  # close to the data it fits


def test_the_calibration_histogram_refuses_an_unfitted_model(summary):
    with pytest.raises(InputError, match="fitted"):
        calibration_histogram(BGNBD(), summary)
