"""Degenerate data give one localized FitWarning, finite estimates, no numpy RuntimeWarning,
and take little time; and the closed forms and limits at the edges of the formulas."""

from __future__ import annotations

import time
import warnings

import numpy as np
import pytest
from scipy.special import betaln

from clv_course.models import (BGNBD, FitWarning, GammaGamma, ParetoNBD,
                               ShiftedBetaGeometric)

T = np.linspace(5.0, 40.0, 50)
NOBODY_BUYS_AGAIN = (np.zeros(50), np.zeros(50), T)
NOBODY_LEAVES = (np.arange(50) % 5 + 1.0, T, T)  # every last purchase at the end of calibration


def fit_quietly(fit):
    """Run ``fit``: the course's warnings recorded, any numpy RuntimeWarning an error; and time."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.simplefilter("error", RuntimeWarning)
        start = time.perf_counter()
        model = fit()
        seconds = time.perf_counter() - start
    return model, [w for w in caught if issubclass(w.category, FitWarning)], seconds


@pytest.mark.parametrize("model_class", [BGNBD, ParetoNBD])
@pytest.mark.parametrize("data, says", [(NOBODY_BUYS_AGAIN, "no customer made a repeat purchase"),
                                        (NOBODY_LEAVES, "last purchase falls at the end")])
def test_degenerate_purchase_data_give_one_warning_and_finite_estimates(model_class, data, says):
    model, caught, seconds = fit_quietly(lambda: model_class().fit(*data))
    assert len(caught) == 1 and says in str(caught[0].message)
    assert caught[0].filename == __file__
    assert all(np.isfinite(v) and 0 < v < 1e13 for v in model.params_.values())
    assert seconds < 10  # Pareto/NBD on nobody-buys-again took minutes


def test_a_three_customer_pareto_nbd_fit_is_quick():
    model, caught, seconds = fit_quietly(lambda: ParetoNBD().fit([0, 2, 5], [0, 10, 30],
                                                                  [30, 35, 40]))
    assert seconds < 6  # was 11 s
    assert len(caught) == 1  # three customers cannot pin four parameters down


def test_one_repeat_buyer_for_gamma_gamma_is_warned_about():
    model, caught, _seconds = fit_quietly(lambda: GammaGamma().fit([3, 0, 0], [20.0, 0, 0]))
    assert len(caught) == 1 and "only one customer" in str(caught[0].message)
    assert all(np.isfinite(v) and v < 1e13 for v in model.params_.values())  # was p = 2e54


def test_the_fit_warning_speaks_the_learners_language(catalog):
    catalog("de", "Keine Wiederholungskäufe.", msgid=(
        "{model}: no customer made a repeat purchase, so these data cannot tell how often "
        "customers buy or when they leave; the fitted parameters ({params}) are not estimates "
        "to rely on."))
    with pytest.warns(FitWarning, match="Keine Wiederholungskäufe"):
        BGNBD().fit(*NOBODY_BUYS_AGAIN)


def test_real_data_give_no_warning(summary):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        BGNBD().fit_summary(summary)
        ParetoNBD().fit_summary(summary)
        GammaGamma().fit_summary(summary)
        ShiftedBetaGeometric().fit([631, 468, 382, 326, 289, 262, 241], initial=1000)


def test_derl_without_discounting_is_the_closed_form_and_quick():
    start = time.perf_counter()
    value = ShiftedBetaGeometric.from_params(alpha=1.5, beta=1e5).derl(0)
    assert time.perf_counter() - start < 0.5  # was NaN after 4.5 s
    assert value == pytest.approx(1e5 / 0.5)


@pytest.mark.parametrize("renewals", [0, 3])
def test_derl_without_discounting_is_the_sum_of_survival(renewals):
    alpha, beta, n = 3.0, 2.0, renewals + 1
    t = np.arange(n, 2_000_000, dtype=float)
    brute = np.exp(betaln(alpha, beta + t) - betaln(alpha, beta + n - 1)).sum()
    model = ShiftedBetaGeometric.from_params(alpha=alpha, beta=beta)
    assert model.derl(0, renewals=renewals) == pytest.approx(brute, rel=1e-6)


def test_bgnbd_with_a_plus_b_equal_to_one_uses_the_limit():
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        exact = BGNBD.from_params(r=0.5, alpha=2.0, a=0.4, b=0.6)
        values = exact.expected_purchases(np.array([1.0, 10.0]))
        conditional = exact.conditional_expected_purchases(10, [0, 2], [0, 3], [5, 6])
    assert np.all(np.isfinite(values)) and np.all(np.isfinite(conditional))
    for step in (1e-6, -1e-6):
        near = BGNBD.from_params(r=0.5, alpha=2.0, a=0.4, b=0.6 + step)
        assert values == pytest.approx(near.expected_purchases(np.array([1.0, 10.0])), rel=1e-5)
        assert conditional == pytest.approx(
            near.conditional_expected_purchases(10, [0, 2], [0, 3], [5, 6]), rel=1e-5)
