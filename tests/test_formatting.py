"""Numbers reach the learner in the learner's locale, through one helper."""

from __future__ import annotations

import math

import pytest

from clv_course import fmt, set_language


@pytest.mark.parametrize(("language", "currency", "expected"), [
    ("en", "USD", "$1,234.50"),
    ("de", "EUR", "1.234,50\xa0€"),
    ("da", "DKK", "1.234,50\xa0kr."),
    ("it", "EUR", "1.234,50\xa0€"),
])
def test_money_is_written_as_the_learners_language_writes_it(language, currency, expected):
    set_language(language)
    assert fmt(1234.5, "money", currency=currency) == expected


def test_money_can_be_rounded_to_whole_units():
    set_language("de")
    assert fmt(1234.5, "money", currency="EUR", digits=0) == "1.235\xa0€"


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "25.6%"), ("de", "25,6\xa0%"), ("da", "25,6\xa0%"), ("it", "25,6%")])
def test_percentages_follow_local_spacing_and_decimal_marks(language, expected):
    set_language(language)
    assert fmt(0.256, "percent", digits=1) == expected


def test_plain_numbers_use_local_grouping_and_the_asked_decimals():
    set_language("da")
    assert fmt(1234567.891, digits=1) == "1.234.567,9"
    set_language("en")
    assert fmt(1234567.891, "integer") == "1,234,568"


def test_infinite_and_missing_values_are_shown_as_signs_not_errors():
    assert fmt(math.inf, "money", currency="EUR") == "∞"
    assert fmt(math.nan) == "–"


def test_money_without_a_currency_is_a_clear_error():
    with pytest.raises(ValueError, match="currency code"):
        fmt(10, "money")


def test_an_unknown_style_is_a_clear_error():
    with pytest.raises(ValueError, match="Unknown number style"):
        fmt(10, "roman")
