"""predicted_clv adds up each period's expected purchases x expected spend x margin, discounted."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clv_course.errors import InputError
from clv_course.models import BGNBD, GammaGamma, ParetoNBD, predicted_clv


@pytest.fixture(scope="module")
def purchases(summary):
    return BGNBD().fit_summary(summary)


@pytest.fixture(scope="module")
def spend(summary):
    return GammaGamma().fit_summary(summary)


def clv(purchases, spend, summary, **overrides):
    arguments = {"horizon": 52, "margin": 0.3, "discount_rate": 0.002, "unit": "week"} | overrides
    return predicted_clv(purchases, spend, summary, **arguments)


def test_one_customer_worked_out_by_hand(purchases, spend):
    customer = pd.DataFrame({"frequency": [2], "recency": [30.43], "T": [38.86],
                             "monetary_value": [40.0]})
    cumulative = [purchases.conditional_expected_purchases(k, 2, 30.43, 38.86) for k in (1, 2, 3)]
    per_period = np.diff([0.0, *cumulative])
    by_hand = sum(n / 1.01 ** k for k, n in zip((1, 2, 3), per_period)) * \
        spend.expected_spend(2, 40.0) * 0.25
    result = clv(purchases, spend, customer, horizon=3, margin=0.25, discount_rate=0.01)
    assert result.iloc[0] == pytest.approx(by_hand, rel=1e-12)


def test_without_discounting_it_is_expected_purchases_times_spend_times_margin(purchases, spend,
                                                                                summary):
    x, t_x, T, m = (summary[c] for c in ("frequency", "recency", "T", "monetary_value"))
    expected = purchases.conditional_expected_purchases(39, x, t_x, T) * \
        spend.expected_spend(x, m) * 0.3
    result = clv(purchases, spend, summary, horizon=39, discount_rate=0.0)
    assert result.to_numpy() == pytest.approx(expected, rel=1e-10)


def test_a_higher_discount_rate_lowers_every_customers_value(purchases, spend, summary):
    low, high = (clv(purchases, spend, summary, discount_rate=d) for d in (0.001, 0.01))
    assert np.all(high < low)


def test_a_longer_horizon_never_lowers_a_value(purchases, spend, summary):
    short, long = (clv(purchases, spend, summary, horizon=h) for h in (26, 52))
    assert np.all(long >= short)


def test_no_margin_means_no_value(purchases, spend, summary):
    assert np.all(clv(purchases, spend, summary, margin=0.0) == 0)


def test_one_value_per_customer_named_clv(purchases, spend, summary):
    result = clv(purchases, spend, summary)
    assert result.name == "clv"
    assert result.index.equals(summary.index)
    assert np.all(np.isfinite(result)) and np.all(result > 0)


def test_pareto_nbd_can_be_the_purchase_model(spend, summary):
    result = clv(ParetoNBD().fit_summary(summary), spend, summary)
    assert np.all(np.isfinite(result)) and np.all(result > 0)


@pytest.mark.parametrize("model", [BGNBD, ParetoNBD])
def test_a_horizon_of_many_blocks_of_periods_is_the_period_by_period_sum(model, spend, summary):
    purchases = model().fit_summary(summary)
    x, t_x, T = (summary[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))
    horizon, rate = 600, 0.002  # periods 1-256, 257-512 and 513-600 are three blocks
    by_period, before = np.zeros(len(summary)), np.zeros(len(summary))
    for k in range(1, horizon + 1):
        by_k = np.asarray(purchases.conditional_expected_purchases(k, x, t_x, T))
        by_period += (by_k - before) / (1 + rate) ** k
        before = by_k
    expected = by_period * spend.expected_spend(x, summary["monetary_value"]) * 0.3
    result = clv(purchases, spend, summary, horizon=horizon, discount_rate=rate)
    assert result.to_numpy() == pytest.approx(expected, rel=1e-10)


# ------------------------------------------------------------------ impossible input

def test_a_negative_discount_rate_is_refused(purchases, spend, summary):
    with pytest.raises(InputError, match="discount rate must be 0 or more"):
        clv(purchases, spend, summary, discount_rate=-0.01)


def test_a_margin_above_one_is_refused(purchases, spend, summary):
    with pytest.raises(InputError, match="between 0 and 1"):
        clv(purchases, spend, summary, margin=30)


@pytest.mark.parametrize("horizon", [0, 2.5, True])
def test_a_horizon_that_is_not_a_positive_whole_number_is_refused(purchases, spend, summary,
                                                                 horizon):
    with pytest.raises(InputError, match="whole number of periods"):
        clv(purchases, spend, summary, horizon=horizon)


def test_an_unknown_unit_is_refused(purchases, spend, summary):
    with pytest.raises(InputError, match="Unknown time unit"):
        clv(purchases, spend, summary, unit="fortnight")


def test_models_in_the_wrong_places_are_refused(purchases, spend, summary):
    with pytest.raises(InputError, match="purchase_model must be"):
        clv(spend, purchases, summary)


def test_an_unfitted_model_is_refused(spend, summary):
    with pytest.raises(InputError, match="Fit the model first"):
        clv(BGNBD(), spend, summary)


def test_a_summary_without_monetary_value_is_refused(purchases, spend, summary):
    with pytest.raises(InputError, match="needs the columns monetary_value"):
        clv(purchases, spend, summary.drop(columns="monetary_value"))
