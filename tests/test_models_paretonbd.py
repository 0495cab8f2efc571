"""Pareto/NBD (Schmittlein, Morrison & Colombo 1987) reproduces the published CDNOW fit.

The likelihood's hypergeometric term A_0 has two branches (alpha >= beta and
alpha < beta); both are checked against the integral A_0 stands for. The model
is fitted once for the module, on the CDNOW sample in weeks.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.special import gammaln

from clv_course.errors import InputError
from clv_course.models import ParetoNBD
from clv_course.models._fitting import distinct_rows, maximise_log_likelihood

PUBLISHED = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}


@pytest.fixture(scope="module")
def model(summary):
    return ParetoNBD().fit_summary(summary)


def columns(summary):
    return summary["frequency"], summary["recency"], summary["T"]


def log_likelihood_by_integration(r, alpha, s, beta, x, t_x, T):
    """The likelihood straight from the model: alive at T, or gone at some tau in (t_x, T).

    L = E[lambda^x e^-(lambda + mu) T]
        + integral_{t_x}^{T} E[lambda^x e^-lambda tau] E[mu e^-mu tau] dtau
    with lambda ~ gamma(r, alpha) and mu ~ gamma(s, beta); no hypergeometric function involved.
    Both terms carry the factor (alpha + T)^-(r + x), taken out so that nothing underflows.
    """
    integral, _error = quad(lambda tau: ((alpha + T) / (alpha + tau)) ** (r + x)
                            * (beta + tau) ** -(s + 1), t_x, T, epsabs=0, epsrel=1e-12)
    return (gammaln(r + x) - gammaln(r) + r * math.log(alpha) + s * math.log(beta)
            - (r + x) * math.log(alpha + T) + math.log((beta + T) ** -s + s * integral))


# ------------------------------------------------------------------ the published figures

def test_fit_finds_the_published_parameters(model):
    for name, value in PUBLISHED.items():
        assert model.params_[name] == pytest.approx(value, rel=1e-3), name


def test_total_log_likelihood_is_the_published_one(model):
    assert model.log_likelihood_ == pytest.approx(-9595.0, abs=0.1)


def test_holdout_purchases_are_predicted_within_the_verified_band(model, summary):
    # Verified: 1,666 predicted (lifetimes 0.11.3 agrees) against 1,882 actual in weeks 40-78.
    predicted = model.conditional_expected_purchases(39, *columns(summary)).sum()
    assert 1600 < predicted < 1700


# ------------------------------------------------------------------ the likelihood

@pytest.mark.parametrize("params", [
    (0.55, 10.6, 0.61, 11.7),   # alpha < beta
    (0.55, 11.7, 0.61, 10.6),   # alpha > beta
    (2.0, 1.0, 3.0, 50.0),      # alpha much smaller than beta
    (0.3, 50.0, 0.2, 0.5),      # alpha much larger than beta
], ids=["alpha<beta", "alpha>beta", "alpha<<beta", "alpha>>beta"])
@pytest.mark.parametrize("customer", [(0, 0, 30), (3, 10, 30), (20, 29.9, 30), (100, 20, 30)],
                         ids=["one-time", "few", "recent", "frequent"])
def test_both_hypergeometric_branches_equal_the_integral_they_stand_for(params, customer):
    model = ParetoNBD.from_params(**dict(zip(ParetoNBD.PARAMETERS, params)))
    expected = log_likelihood_by_integration(*params, *customer)
    assert model.log_likelihood(*customer) == pytest.approx(expected, rel=1e-10, abs=1e-10)


def test_the_two_branches_meet_at_alpha_equal_to_beta():
    values = [ParetoNBD.from_params(r=0.5, alpha=alpha, s=0.6, beta=10.0).log_likelihood(4, 20, 38)
              for alpha in (10.0 - 1e-7, 10.0, 10.0 + 1e-7)]
    assert values[0] == pytest.approx(values[1], abs=1e-6)
    assert values[2] == pytest.approx(values[1], abs=1e-6)


@pytest.mark.parametrize(("params", "customer"), [
    ((0.5, 10.0, 0.6, 1000.0), (500, 29, 30)),    # alpha << beta: 2F1 as printed ~ 100^500
    ((0.5, 1000.0, 0.6, 0.5), (3000, 0.1, 30)),   # alpha >> beta: scipy's 2F1 gives NaN here
], ids=["alpha<<beta", "alpha>>beta"])
def test_a_very_frequent_buyer_does_not_overflow(params, customer):
    model = ParetoNBD.from_params(**dict(zip(ParetoNBD.PARAMETERS, params)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        value = model.log_likelihood(*customer)
    assert value == pytest.approx(log_likelihood_by_integration(*params, *customer), rel=1e-9)


def test_per_customer_log_likelihoods_add_up_to_the_total(model, summary):
    assert model.log_likelihood(*columns(summary)).sum() == pytest.approx(model.log_likelihood_)


def test_fitting_cdnow_raises_no_numerical_warnings(summary):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ParetoNBD().fit_summary(summary)


def test_measuring_time_in_days_scales_alpha_and_beta_only(model, summary):
    # Tight on purpose: the flat s-beta ridge once let the optimiser stop 1e-4 short in one unit.
    in_days = ParetoNBD().fit(summary["frequency"], summary["recency"] * 7, summary["T"] * 7)
    expected = dict(model.params_, alpha=model.params_["alpha"] * 7, beta=model.params_["beta"] * 7)
    assert in_days.params_ == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("start", [(0.8, 1.3, 1.2, 0.7), (0.5, 10.0, 0.5, 12.0),
                                   (2.0, 0.2, 3.0, 40.0)],
                         ids=["near-default", "near-optimum", "far"])
def test_the_fit_reaches_the_same_optimum_from_any_start(model, summary, start):
    # Another start means another optimiser path: the optimum, not the path, must decide the fit.
    rows, counts = distinct_rows(*(summary[c].to_numpy(dtype=float)
                                   for c in ("frequency", "recency", "T")))
    params, _ll = maximise_log_likelihood(
        lambda p: counts @ ParetoNBD._log_likelihood(tuple(p), *rows),
        dict(zip(ParetoNBD.PARAMETERS, start)))
    assert params == pytest.approx(model.params_, rel=1e-6)


# ------------------------------------------------------------------ predictions

def test_a_purchase_at_the_end_of_calibration_means_alive(model):
    assert model.probability_alive(5, 38.0, 38.0) == 1.0


@settings(max_examples=50, deadline=None)
@given(x=st.integers(0, 300), share=st.floats(0.01, 1.0), T=st.floats(0.1, 500))
def test_probability_alive_is_a_probability(model, x, share, T):
    recency = share * T if x > 0 else 0.0
    assert 0 <= model.probability_alive(x, recency, T) <= 1


@settings(max_examples=50, deadline=None)
@given(t=st.floats(0, 1000), more=st.floats(1e-3, 1000))
def test_expected_purchases_increase_with_t(model, t, more):
    assert model.expected_purchases(t + more) > model.expected_purchases(t)


def test_s_equal_to_one_is_the_limit_of_the_general_formula():
    def at(s):
        return ParetoNBD.from_params(r=0.5, alpha=10, s=s, beta=12).expected_purchases(39)
    assert at(1.0) == pytest.approx(at(1 + 1e-9), rel=1e-8)
    assert at(1.0) == pytest.approx(0.5 / 10 * 12 * math.log(1 + 39 / 12))


def test_conditional_expectation_is_the_notes_formula(model):
    r, alpha, s, beta = (model.params_[k] for k in ParetoNBD.PARAMETERS)
    x, t_x, T, t = 4, 30.0, 38.0, 39.0
    formula = ((r + x) * (beta + T) / ((alpha + T) * (s - 1))
               * (1 - ((beta + T) / (beta + T + t)) ** (s - 1)))
    expected = formula * model.probability_alive(x, t_x, T)
    assert model.conditional_expected_purchases(t, x, t_x, T) == pytest.approx(expected, rel=1e-12)


# ------------------------------------------------------------------ impossible input

@pytest.mark.parametrize(("frequency", "recency", "T", "message"), [
    ([-1], [0], [10], "frequency cannot be negative"),
    ([1], [12], [10], "Recency cannot exceed T"),
    ([2], [0], [10], "frequency > 0"),
    ([1], [float("nan")], [10], "missing"),
    ([1, 0], [3], [10, 10], "lengths differ"),
], ids=["negative", "recency>T", "repeat-at-time-0", "NaN", "lengths"])
def test_impossible_customers_are_refused_as_in_bgnbd(model, frequency, recency, T, message):
    with pytest.raises(InputError, match=message):
        model.conditional_expected_purchases(10, frequency, recency, T)


def test_using_the_model_before_fit_is_refused():
    with pytest.raises(InputError, match="Fit the model first"):
        ParetoNBD().expected_purchases(np.arange(3))
