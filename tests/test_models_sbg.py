"""The shifted-beta-geometric model reproduces Fader & Hardie (2007), fitted on years 1-7.

The data: two cohorts of 1,000 customers each, and how many of them were still
active at the end of years 1 to 12. The model sees years 1-7 only.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import betaln

import clv_course.i18n
from clv_course.errors import InputError
from clv_course.models import ShiftedBetaGeometric

ACTIVE = {
    "Regular": [631, 468, 382, 326, 289, 262, 241, 223, 207, 194, 183, 173],
    "High End": [869, 743, 653, 593, 551, 517, 491, 468, 445, 427, 409, 394],
}
#: segment: (alpha, beta, log-likelihood, customers projected at year 12)
PUBLISHED = {"Regular": (0.704, 1.182, -1680.27, 170), "High End": (0.668, 3.806, -1611.16, 378)}


@pytest.fixture(autouse=True)
def english_messages(monkeypatch):
    monkeypatch.setattr(clv_course.i18n, "_current_language", "en")


@pytest.fixture(scope="module", params=list(ACTIVE))
def segment(request):
    name = request.param
    return name, ShiftedBetaGeometric().fit(ACTIVE[name][:7], initial=1000)


@pytest.fixture(scope="module")
def regular():
    return ShiftedBetaGeometric().fit(ACTIVE["Regular"][:7], initial=1000)


# ------------------------------------------------------------------ the published figures

def test_fit_finds_the_published_parameters(segment):
    name, model = segment
    alpha, beta, _ll, _year_12 = PUBLISHED[name]
    assert round(model.params_["alpha"], 3) == alpha
    assert round(model.params_["beta"], 3) == beta


def test_total_log_likelihood_is_the_published_one(segment):
    name, model = segment
    assert model.log_likelihood_ == pytest.approx(PUBLISHED[name][2], abs=0.01)


def test_projected_survivors_at_year_12_are_the_published_ones(segment):
    name, model = segment
    assert model.projected_active(12) == pytest.approx(PUBLISHED[name][3], abs=1.5)


def test_projections_of_the_unseen_years_8_to_12_are_within_5_percent_of_actual(segment):
    name, model = segment
    actual = np.array(ACTIVE[name][7:])
    assert np.all(np.abs(model.projected_active(np.arange(8, 13)) / actual - 1) < 0.05)


# ------------------------------------------------------------------ survival and retention

def test_retention_rates_rise_over_time(segment):
    _name, model = segment
    assert np.all(np.diff(model.retention_rate(np.arange(1, 13))) > 0)


def test_retention_rate_is_survival_over_last_periods_survival(regular):
    t = np.arange(1, 13)
    assert regular.retention_rate(t) == pytest.approx(regular.survival(t) / regular.survival(t - 1))


def test_everyone_is_active_at_the_start_and_fewer_each_period(regular):
    survival = regular.survival(np.arange(0, 13))
    assert survival[0] == 1.0
    assert np.all(np.diff(survival) < 0)


def test_churn_so_far_and_survival_add_up_to_everyone(regular):
    t = np.arange(1, 13)
    assert regular.churn_probability(t).cumsum() + regular.survival(t) == pytest.approx(1.0)


def test_a_projection_for_a_new_cohort_scales_with_its_size(regular):
    quarter = regular.projected_active(5) / 4
    assert regular.projected_active(5, initial=250) == pytest.approx(quarter)


# ------------------------------------------------------------------ DERL

def derl_by_summing(alpha, beta, d, n, terms=20_000):
    """sum_{t >= n} S(t) / S(n - 1) / (1 + d)^(t - n), summed until the terms are below 1e-300."""
    t = np.arange(n, n + terms)
    log_terms = betaln(alpha, beta + t) - betaln(alpha, beta + n - 1) - (t - n) * math.log1p(d)
    return float(np.exp(log_terms).sum())


@settings(max_examples=30, deadline=None)
@given(alpha=st.floats(0.1, 10), beta=st.floats(0.1, 10), d=st.floats(0.05, 0.5),
       renewals=st.integers(0, 20))
def test_derl_is_the_discounted_sum_of_future_survival(alpha, beta, d, renewals):
    model = ShiftedBetaGeometric.from_params(alpha=alpha, beta=beta)
    expected = derl_by_summing(alpha, beta, d, renewals + 1)
    assert model.derl(d, renewals=renewals) == pytest.approx(expected, rel=1e-9)


def test_derl_of_identical_customers_is_the_geometric_series():
    # alpha, beta -> infinity with alpha / (alpha + beta) = theta: everyone leaves with theta.
    theta, d = 0.2, 0.1
    model = ShiftedBetaGeometric.from_params(alpha=theta * 1e8, beta=(1 - theta) * 1e8)
    assert model.derl(d) == pytest.approx((1 - theta) * (1 + d) / (d + theta), rel=1e-6)


def test_customers_who_renewed_more_often_are_worth_more(regular):
    values = [regular.derl(0.1, renewals=n) for n in range(6)]
    assert np.all(np.diff(values) > 0)


def test_undiscounted_residual_lifetime_is_infinite_when_alpha_is_below_one(regular):
    assert regular.params_["alpha"] < 1
    assert regular.derl(0.0) == math.inf


# ------------------------------------------------------------------ impossible input

def test_one_period_is_not_enough_to_fit():
    with pytest.raises(InputError, match="at least two periods"):
        ShiftedBetaGeometric().fit([631], initial=1000)


def test_a_growing_cohort_is_refused():
    with pytest.raises(InputError, match=r"grows in period 3 \(from 468.0 to 500.0\)"):
        ShiftedBetaGeometric().fit([631, 468, 500], initial=1000)


def test_more_active_customers_than_the_cohort_had_are_refused():
    with pytest.raises(InputError, match="grows in period 1"):
        ShiftedBetaGeometric().fit([1200, 900], initial=1000)


def test_negative_counts_are_refused():
    with pytest.raises(InputError, match="active customers cannot be negative"):
        ShiftedBetaGeometric().fit([600, -1], initial=1000)


def test_missing_counts_are_refused():
    with pytest.raises(InputError, match="1 missing"):
        ShiftedBetaGeometric().fit([631, float("nan"), 382], initial=1000)


def test_a_cohort_without_churn_is_refused():
    with pytest.raises(InputError, match="No customer left"):
        ShiftedBetaGeometric().fit([1000, 1000], initial=1000)


def test_an_empty_cohort_is_refused():
    with pytest.raises(InputError, match="must be a positive number"):
        ShiftedBetaGeometric().fit([0, 0], initial=0)


def test_using_the_model_before_fit_is_refused():
    with pytest.raises(InputError, match="Fit the model first"):
        ShiftedBetaGeometric().survival(3)


def test_periods_are_whole_numbers_from_one_for_retention(regular):
    with pytest.raises(InputError, match="whole numbers from 1 on"):
        regular.retention_rate(0)
    with pytest.raises(InputError, match="whole numbers from 1 on"):
        regular.retention_rate(1.5)


def test_a_negative_discount_rate_is_refused(regular):
    with pytest.raises(InputError, match="discount rate must be 0 or more"):
        regular.derl(-0.1)
