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
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
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


@pytest.fixture
def catalog(tmp_path, monkeypatch):
    """Install a one-entry catalog: catalog(language, translation, fuzzy=False, msgid=...)."""
    def install(language: str, translation: str, *, fuzzy: bool = False,
                msgid: str = "The table of transactions is empty.") -> None:
        target = tmp_path / "locale" / language / "LC_MESSAGES"
        target.mkdir(parents=True)
        flag = "#, fuzzy\n" if fuzzy else ""
        (target / "clv_course.po").write_text(
            'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            f'{flag}msgid "{msgid}"\nmsgstr "{translation}"\n', encoding="utf-8")
        monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path / "locale")
        i18n._catalog.cache_clear()
        i18n.set_language(language)
    return install


@pytest.fixture(autouse=True, scope="session")
def progress_kept_apart(tmp_path_factory):
    """Public checks that pass record progress: in the tests, never in the real user's folder.

    Set for the whole session, so kernels and servers the tests start inherit it.
    """
    import os
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("user-data"))


def pytest_collection_finish(session):
    """Under ``--dist loadgroup`` a test marked ``xdist_group`` must really be grouped.

    The grading classes and the grader benchmark share a worker so that they never
    grade against each other; pytest 9.2 with pytest-xdist 3.8 silently spread
    such groups over the workers, so this stops the run instead.
    """
    if getattr(session.config.option, "loadgroup", False):
        loose = [item.nodeid for item in session.items
                 if item.get_closest_marker("xdist_group") and "@" not in item.nodeid]
        if loose:
            raise pytest.UsageError(f"pytest-xdist did not group {len(loose)} tests marked "
                                    f"xdist_group, e.g. {loose[0]}")
