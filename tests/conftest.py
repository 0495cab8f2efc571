"""Shared fixtures: every test starts in English with a fresh translation cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from clv_course import i18n
from clv_course.datasets import load
from clv_course.summary import customer_summary

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def english_by_default(monkeypatch):
    monkeypatch.delenv("CLV_COURSE_LANG", raising=False)
    monkeypatch.setattr(i18n, "_current_language", None)
    yield
    i18n._catalog.cache_clear()


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def summary():
    """The CDNOW sample as the papers summarise it: weeks, calibration to 1997-09-30."""
    return customer_summary(load("cdnow_sample"), calibration_end="1997-09-30",
                            holdout_end="1998-06-30", unit="week")
