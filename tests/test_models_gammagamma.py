"""Gamma-Gamma (Fader, Hardie & Lee 2005) reproduces the published fit on CDNOW's repeat buyers."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clv_course.errors import InputError
from clv_course.models import GammaGamma

PUBLISHED = {"p": 6.25, "q": 3.74, "gamma": 15.44}


@pytest.fixture(scope="module")
def model(summary):
    return GammaGamma().fit_summary(summary)


# ------------------------------------------------------------------ the published figures

def test_the_sample_has_946_repeat_buyers(summary):
    assert (summary["frequency"] > 0).sum() == 946


def test_fit_finds_the_published_parameters_to_two_decimals(model):
    for name, value in PUBLISHED.items():
        assert model.params_[name] == pytest.approx(value, abs=0.005), name


def test_total_log_likelihood_is_the_published_one(model):
    assert model.log_likelihood_ == pytest.approx(-4055.92, abs=0.01)


# ------------------------------------------------------------------ the fit

def test_one_time_buyers_do_not_change_the_fit(model, summary):
    repeat = summary[summary["frequency"] > 0]
    assert GammaGamma().fit(repeat["frequency"], repeat["monetary_value"]).params_ == \
        pytest.approx(model.params_)


def test_per_customer_log_likelihoods_add_up_to_the_total(model, summary):
    values = model.log_likelihood(summary["frequency"], summary["monetary_value"])
    assert np.all(values[summary["frequency"].to_numpy() == 0] == 0)
    assert values.sum() == pytest.approx(model.log_likelihood_)


def test_spend_in_cents_scales_gamma_only(model, summary):
    cents = GammaGamma().fit(summary["frequency"], summary["monetary_value"] * 100)
    expected = dict(model.params_, gamma=model.params_["gamma"] * 100)
    assert cents.params_ == pytest.approx(expected, rel=1e-4)


def test_fitting_cdnow_raises_no_numerical_warnings(summary):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        GammaGamma().fit_summary(summary)


# ------------------------------------------------------------------ expected spend

def test_a_one_time_buyer_is_expected_to_spend_the_population_mean(model):
    p, q, gamma = (model.params_[k] for k in GammaGamma.PARAMETERS)
    assert model.expected_spend(0, 0) == pytest.approx(p * gamma / (q - 1))


@settings(max_examples=50, deadline=None)
@given(x=st.integers(1, 200), spend=st.floats(0.01, 10_000))
def test_expected_spend_lies_between_the_population_mean_and_the_customers_own(model, x, spend):
    population = model.expected_spend(0, 0)
    low, high = sorted([population, spend])
    assert low * (1 - 1e-12) <= model.expected_spend(x, spend) <= high * (1 + 1e-12)


def test_more_purchases_move_the_expectation_towards_the_customers_own_mean(model):
    distances = np.abs(model.expected_spend([1, 5, 50], [100.0] * 3) - 100.0)
    assert np.all(np.diff(distances) < 0)


# ------------------------------------------------------------------ impossible input

def test_a_repeat_buyer_with_no_spend_is_refused():
    with pytest.raises(InputError, match="positive mean spend for every repeat buyer"):
        GammaGamma().fit([1, 2, 3], [10.0, 0.0, 12.0])


def test_negative_frequency_is_refused():
    with pytest.raises(InputError, match="frequency cannot be negative"):
        GammaGamma().fit([1, -2], [10.0, 12.0])


def test_missing_spend_is_refused():
    with pytest.raises(InputError, match="monetary_value has 1 missing"):
        GammaGamma().fit([1, 2], [10.0, float("nan")])


def test_columns_of_different_lengths_are_refused():
    with pytest.raises(InputError, match="lengths differ"):
        GammaGamma().fit([1, 2, 3], [10.0, 12.0])


def test_data_without_repeat_buyers_are_refused():
    with pytest.raises(InputError, match="needs repeat buyers"):
        GammaGamma().fit([0, 0], [0.0, 0.0])


def test_using_the_model_before_fit_is_refused():
    with pytest.raises(InputError, match="Fit the model first"):
        GammaGamma().expected_spend([1], [10.0])


def test_an_infinite_population_mean_is_refused():
    heavy_tailed = GammaGamma.from_params(p=6.0, q=0.9, gamma=15.0)
    with pytest.raises(InputError, match="mean spend is infinite"):
        heavy_tailed.expected_spend([0], [0.0])
