"""Invariants of the CLV formulas in clv_course.metrics, checked with hypothesis.

Where an invariant is an inequality between two floating-point results, a
relative slack of 1e-9 allows for rounding; it is far below any real effect.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clv_course import metrics

SLACK = 1e-9

margins = st.floats(min_value=0.0, max_value=1_000.0, allow_nan=False, allow_infinity=False)
signed_margins = st.floats(min_value=-1_000.0, max_value=1_000.0, allow_nan=False,
                           allow_infinity=False)
retentions = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
# No discounting (0) or a real rate: below ~1e-16, 1 + d == 1 in floating point, so the formulas
# see no discounting at all while d > 0 says otherwise; 1e-6 is already far below any real rate.
discounts = st.one_of(st.just(0.0), st.floats(min_value=1e-6, max_value=1.0))
costs = st.floats(min_value=0.0, max_value=1_000.0, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=0.0, max_value=1e4, allow_nan=False, allow_infinity=False)

#: (customer, day offset) pairs: a few customers ordering over about four months.
orders = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 120)), min_size=1, max_size=40)


def at_most(a: float, b: float) -> bool:
    """a <= b up to rounding."""
    return a <= b + SLACK * max(abs(a), abs(b), 1.0)


def as_transactions(pairs) -> pd.DataFrame:
    start = pd.Timestamp("2024-01-01")
    return pd.DataFrame({
        "customer_id": [customer for customer, _ in pairs],
        "date": [start + pd.Timedelta(days=day) for _, day in pairs],
        "amount": 10.0,
    })


# --------------------------------------------------------- finite sum and closed form

@settings(max_examples=100, deadline=None)
@given(margin=signed_margins, retention=st.floats(0.0, 0.95), discount=discounts)
def test_closed_form_is_the_limit_of_the_finite_sum(margin, retention, discount):
    # r / (1 + d) <= 0.95, so the terms after 2000 periods are below 0.95**2000 ~ 1e-45
    finite = metrics.discounted_clv(margin, retention, discount, periods=2000)
    closed = metrics.discounted_clv_closed_form(margin, retention, discount)
    assert finite == pytest.approx(closed, rel=1e-9, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(margin=margins, retention=retentions, discount=discounts, periods=st.integers(0, 300))
def test_finite_sum_grows_with_periods_but_never_exceeds_the_closed_form(
        margin, retention, discount, periods):
    shorter = metrics.discounted_clv(margin, retention, discount, periods=periods)
    longer = metrics.discounted_clv(margin, retention, discount, periods=periods + 1)
    closed = metrics.discounted_clv_closed_form(margin, retention, discount)
    assert at_most(shorter, longer)
    assert at_most(longer, closed)


# ------------------------------------------------------------- direction of each input

@settings(max_examples=100, deadline=None)
@given(margin=margins, retention=st.tuples(retentions, retentions), discount=discounts,
       periods=st.integers(1, 50))
def test_discounted_clv_rises_with_retention(margin, retention, discount, periods):
    low, high = sorted(retention)
    assert at_most(metrics.discounted_clv(margin, low, discount, periods=periods),
                   metrics.discounted_clv(margin, high, discount, periods=periods))
    assert at_most(metrics.discounted_clv_closed_form(margin, low, discount),
                   metrics.discounted_clv_closed_form(margin, high, discount))


@settings(max_examples=100, deadline=None)
@given(margin=st.tuples(signed_margins, signed_margins), retention=retentions,
       discount=discounts, periods=st.integers(1, 50))
def test_discounted_clv_rises_with_margin(margin, retention, discount, periods):
    low, high = sorted(margin)
    assert at_most(metrics.discounted_clv(low, retention, discount, periods=periods),
                   metrics.discounted_clv(high, retention, discount, periods=periods))
    low_value = metrics.discounted_clv_closed_form(low, retention, discount)
    high_value = metrics.discounted_clv_closed_form(high, retention, discount)
    if retention == 1.0 and discount == 0.0:
        # Kept forever, never discounted: +-inf (0 for a zero margin), where the slack of
        # at_most would give inf - inf = nan; infinities compare exactly, so compare plainly.
        assert low_value <= high_value
    else:
        assert at_most(low_value, high_value)


@settings(max_examples=100, deadline=None)
@given(margin=margins, retention=retentions, discount=st.tuples(discounts, discounts),
       periods=st.integers(1, 50))
def test_discounted_clv_falls_with_the_discount_rate(margin, retention, discount, periods):
    low, high = sorted(discount)
    assert at_most(metrics.discounted_clv(margin, retention, high, periods=periods),
                   metrics.discounted_clv(margin, retention, low, periods=periods))
    assert at_most(metrics.discounted_clv_closed_form(margin, retention, high),
                   metrics.discounted_clv_closed_form(margin, retention, low))


# -------------------------------------------------------------------- simple formulas

@settings(max_examples=100, deadline=None)
@given(aov=positive, frequency=positive, lifespan=positive)
def test_historic_clv_is_the_product_of_its_components(aov, frequency, lifespan):
    assert metrics.historic_clv(aov, frequency, lifespan) == pytest.approx(
        aov * frequency * lifespan)


@settings(max_examples=100, deadline=None)
@given(aov=positive, frequency=positive, lifespan=positive,
       margin=st.floats(-1.0, 1.0, allow_nan=False))
def test_margin_clv_is_historic_clv_times_margin(aov, frequency, lifespan, margin):
    assert metrics.margin_clv(aov, frequency, lifespan, margin) == pytest.approx(
        metrics.historic_clv(aov, frequency, lifespan) * margin)


@settings(max_examples=100, deadline=None)
@given(churn=st.floats(0.001, 1.0, allow_nan=False))
def test_expected_lifetime_times_churn_is_one(churn):
    assert metrics.expected_lifetime(churn) * churn == pytest.approx(1.0)


# ----------------------------------------------------------------------------- payback

@settings(max_examples=100, deadline=None)
@given(cac=costs, margin=st.tuples(costs, costs), retention=retentions,
       discount=st.floats(0.0, 0.5, allow_nan=False))
def test_payback_period_falls_weakly_as_margin_rises(cac, margin, retention, discount):
    low, high = sorted(margin)
    slow = metrics.payback_period(cac, low, retention=retention, discount_rate=discount)
    fast = metrics.payback_period(cac, high, retention=retention, discount_rate=discount)
    assert fast <= slow


@settings(max_examples=100, deadline=None)
@given(cac=costs, margin=costs, retention=retentions,
       discount=st.floats(0.0, 0.5, allow_nan=False))
def test_payback_period_is_a_whole_number_of_periods_or_infinite(cac, margin, retention,
                                                                  discount):
    result = metrics.payback_period(cac, margin, retention=retention, discount_rate=discount)
    assert result == math.inf or (result >= 0 and result == int(result))


# ------------------------------------------------------------------- retention, churn

@settings(max_examples=50, deadline=None)
@given(pairs=orders, unit=st.sampled_from(["week", "month", "quarter"]))
def test_retention_rate_is_a_share_between_zero_and_one(pairs, unit):
    rates = metrics.retention_rate(as_transactions(pairs), unit=unit).dropna()
    assert ((rates >= 0.0) & (rates <= 1.0)).all()


@settings(max_examples=50, deadline=None)
@given(pairs=orders, unit=st.sampled_from(["week", "month", "quarter"]))
def test_churn_and_retention_add_up_to_one(pairs, unit):
    data = as_transactions(pairs)
    retention = metrics.retention_rate(data, unit=unit)
    churn = metrics.churn_rate(data, unit=unit)
    assert churn.index.equals(retention.index)
    assert (churn.isna() == retention.isna()).all()
    np.testing.assert_allclose((churn + retention).dropna(), 1.0)
