"""Units are carried, not trusted: the summary records its unit, models remember it, and
predicted_clv refuses another one; an implausible discount rate per period is warned about."""

from __future__ import annotations

import warnings

import pytest

from clv_course.errors import InputError
from clv_course.models import (BGNBD, DiscountRateWarning, GammaGamma, ParetoNBD,
                               predicted_clv)

WEEKLY_TEN_PERCENT = 1.10 ** (1 / 52) - 1


@pytest.fixture(scope="module")
def purchases(summary):
    return BGNBD().fit_summary(summary)


@pytest.fixture(scope="module")
def spend(summary):
    return GammaGamma().fit_summary(summary)


def clv(purchases, spend, summary, **overrides):
    arguments = {"horizon": 4, "margin": 0.3, "discount_rate": WEEKLY_TEN_PERCENT,
                 "unit": "week"} | overrides
    return predicted_clv(purchases, spend, summary, **arguments)


def test_models_fitted_on_a_summary_remember_its_unit(summary, purchases, spend):
    assert summary.attrs["unit"] == "week"
    assert purchases.unit_ == "week" and spend.unit_ == "week"


def test_an_explicit_unit_is_remembered_and_a_contradicting_one_refused(summary):
    columns = summary["frequency"], summary["recency"], summary["T"]
    assert BGNBD().fit(*columns, unit="week").unit_ == "week"
    assert BGNBD().fit(*columns).unit_ is None
    assert BGNBD.from_params(r=0.24, alpha=4.4, a=0.79, b=2.4, unit="week").unit_ == "week"
    with pytest.raises(InputError, match="unit='week'.*unit='day'"):
        ParetoNBD().fit_summary(summary, unit="day")
    with pytest.raises(InputError, match="Unknown time unit"):
        BGNBD().fit(*columns, unit="fortnight")


def test_a_month_on_a_weekly_model_is_refused_not_silently_the_same_number(purchases, spend,
                                                                          summary):
    with pytest.raises(InputError, match="fitted on data in unit='week'.*unit='month'"):
        clv(purchases, spend, summary, unit="month", discount_rate=0.008)


def test_a_summary_in_another_unit_is_refused_even_for_a_model_without_a_unit(spend, summary):
    model = BGNBD.from_params(r=0.2426, alpha=4.4136, a=0.7929, b=2.4259)  # no unit known
    with pytest.raises(InputError, match="summary was built with unit='week'"):
        clv(model, spend, summary, unit="month", discount_rate=0.008)
    assert len(clv(model, spend, summary)) == len(summary)  # the matching unit works


def test_the_refusal_speaks_the_learners_language(purchases, spend, summary, catalog):
    catalog("de", "Falsche Einheit.", msgid=(
        "The purchase model was fitted on data in unit={fitted!r}, but unit={unit!r} was passed: "
        "its rates are per {fitted!r}, so pass unit={fitted!r}, with the horizon and the discount "
        "rate per {fitted!r} too."))
    with pytest.raises(InputError, match="Falsche Einheit"):
        clv(purchases, spend, summary, unit="month", discount_rate=0.008)


def test_ten_percent_per_week_is_warned_about_with_its_yearly_rate(purchases, spend, summary):
    with pytest.warns(DiscountRateWarning, match=r"0\.1000 per 'week' period compounds to "
                                                 r"14,348% a year") as caught:
        clv(purchases, spend, summary, discount_rate=0.10)
    assert issubclass(caught[0].category, UserWarning)
    assert caught[0].filename == __file__  # points at the learner's line, not at clv_course


def test_plausible_rates_give_no_warning(purchases, spend, summary):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clv(purchases, spend, summary)
        clv(purchases, spend, summary, discount_rate=0.0)


def test_the_rate_warning_speaks_the_learners_language(purchases, spend, summary, catalog):
    catalog("de", "Unplausibler Zinssatz.", msgid=(
        "A discount rate of {rate} per {unit!r} period compounds to {yearly} a year; if you "
        "meant a yearly rate y, the rate per {unit!r} period is (1 + y) ** (1 / {periods}) - 1 "
        "(0.10 a year is {example} per {unit!r} period)."))
    with pytest.warns(DiscountRateWarning, match="Unplausibler Zinssatz"):
        clv(purchases, spend, summary, discount_rate=0.10)


def test_the_rate_warning_writes_python_numbers_in_german_too(purchases, spend, summary):
    from clv_course.i18n import language
    with language("de"), pytest.warns(DiscountRateWarning) as caught:
        clv(purchases, spend, summary, discount_rate=0.10)
    text = str(caught[0].message)
    assert "0.1000" in text and "(1 / 52.18)" in text and "0.00183" in text
