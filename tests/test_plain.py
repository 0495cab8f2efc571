"""Answers become plain data by exact type; comparisons never call the learner's objects."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from clv_course.plain import AnswerTypeError, Tolerance, mismatch, to_plain


class AlwaysEqual:
    def __eq__(self, other):
        return True

    __hash__ = object.__hash__


class LyingFloat(float):
    def __eq__(self, other):
        return True

    __hash__ = float.__hash__


@pytest.mark.parametrize("value, plain", [(3, 3), (2.5, 2.5), (np.float64(1.5), 1.5),
                                          (np.int64(7), 7), (True, True), ("a", "a"), (None, None),
                                          ((1, 2), {"__tuple__": [1, 2]}), ({"a": 1}, {"a": 1})])
def test_plain_values_pass_through(value, plain):
    assert to_plain(value) == plain and type(to_plain(value)) is type(plain)


def test_a_series_keeps_its_labels_as_text():
    series = pd.Series([1.0, 2.0], index=pd.Index(["DE", "IT"]))
    assert to_plain(series) == {"__series__": {"DE": 1.0, "IT": 2.0}}


def test_a_data_frame_becomes_columns_of_series():
    frame = pd.DataFrame({"x": [1, 2]})
    assert to_plain(frame) == {"__frame__": {"x": {"__series__": {"0": 1, "1": 2}}}}


@pytest.mark.parametrize("cheat", [AlwaysEqual(), LyingFloat(1.0), [AlwaysEqual()],
                                   pd.Series([AlwaysEqual()]), {"a": LyingFloat(2.0)}])
def test_objects_pretending_to_be_answers_are_refused(cheat):
    with pytest.raises(AnswerTypeError):
        to_plain(cheat)


def test_an_enormous_answer_is_refused_without_being_walked():
    with pytest.raises(AnswerTypeError):
        to_plain(list(range(1_000_000)))


def test_numbers_match_within_the_relative_tolerance():
    assert mismatch(100.00001, 100.0, Tolerance(relative=1e-6)) is None
    assert mismatch(100.1, 100.0, Tolerance(relative=1e-6)) is not None


def test_an_integer_answer_matches_a_float_expectation():
    assert mismatch(3, 3.0) is None


def test_true_is_not_accepted_as_the_number_one():
    assert mismatch(True, 1.0) is not None


def test_nan_gets_its_own_explanation():
    assert "NaN" in mismatch(math.nan, 2.0)


def test_a_wrong_number_does_not_reveal_the_expected_one():
    assert "123.45" not in mismatch(99.0, 123.45)


def test_series_must_have_the_same_labels():
    expected = to_plain(pd.Series([1.0, 2.0], index=["a", "b"]))
    assert "differ" in mismatch(to_plain(pd.Series([1.0, 2.0], index=["a", "c"])), expected)


def test_a_series_entry_that_differs_is_named():
    expected = to_plain(pd.Series([1.0, 2.0], index=["a", "b"]))
    assert "b" in mismatch(to_plain(pd.Series([1.0, 3.0], index=["a", "b"])), expected)


def test_a_number_where_a_series_is_expected_is_explained():
    expected = to_plain(pd.Series([1.0], index=["a"]))
    assert "Series" in mismatch(1.0, expected)


def test_a_series_of_another_length_is_told_its_length_only():
    import pandas as pd
    from clv_course.plain import mismatch, to_plain
    assert mismatch(to_plain(pd.Series(range(800))), to_plain(pd.Series(range(400)))) == \
        "Expected 400 entries, but there are 800."


def test_a_series_with_other_labels_is_told_one_that_is_missing():
    import pandas as pd
    from clv_course.plain import mismatch, to_plain
    message = mismatch(to_plain(pd.Series([1, 2], index=["a", "c"])),
                       to_plain(pd.Series([1, 2], index=["a", "b"])))
    assert message == "Some labels differ from the expected ones (for example, b is missing)."


def test_a_time_span_is_told_to_become_a_number_of_days():
    import pandas as pd
    import pytest
    from clv_course.plain import AnswerTypeError, to_plain
    with pytest.raises(AnswerTypeError, match=r"\.dt\.days"):
        to_plain(pd.Series(pd.to_timedelta([1, 2], unit="D")))


def test_a_tuple_is_called_a_tuple():
    from clv_course.plain import describe
    assert describe((1, 2)) == "a tuple"


def test_a_tuple_where_a_number_is_expected_is_named_a_tuple():
    from clv_course.plain import mismatch, to_plain
    assert mismatch(to_plain((1.0, 2.0)), to_plain(3.0)) == "Expected a number, but this is a tuple."


def test_a_tuple_and_a_list_with_the_same_items_match():
    from clv_course.plain import mismatch, to_plain
    assert mismatch(to_plain((1, 2.5)), to_plain([1, 2.5])) is None
    assert mismatch(to_plain([1, 2.5]), to_plain((1, 2.5))) is None


def test_a_tuple_where_a_dictionary_is_expected_is_named_a_tuple():
    from clv_course.plain import mismatch, to_plain
    assert mismatch(to_plain(("a", "b", 3)), to_plain({"grow": "a", "cut": "b", "max": 3})) == \
        "Expected a dictionary, but this is a tuple."
