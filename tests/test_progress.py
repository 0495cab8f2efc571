"""A learner's progress: recorded when a public check passes, shown per chapter, never lost."""

from __future__ import annotations

import json

import pytest

from clv_course import learner_progress as progress
from clv_course.i18n import language
from clv_course.selfcheck import check


@pytest.fixture
def data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    return tmp_path


def _answer_everything_in_chapter_zero(monkeypatch):
    """A learner's namespace with chapter 0's three answers, as the kernel would hold them."""
    from clv_course.datasets import load
    cdnow = load("cdnow_sample")
    names = {"cdnow": cdnow, "n_purchases": len(cdnow),
             "n_customers": cdnow["customer_id"].nunique(), "total_revenue": cdnow["amount"].sum()}
    monkeypatch.setattr("clv_course.selfcheck._learner_namespace", lambda: names)


def test_the_progress_file_is_in_the_users_data_folder_not_the_course(data_home, root):
    path = progress.progress_file()
    assert path == data_home / "clv-course" / "progress.json"
    assert root not in path.parents


def test_passing_a_check_records_the_exercise_and_progress_reports_it(data_home, monkeypatch):
    _answer_everything_in_chapter_zero(monkeypatch)
    assert check("ch00-rows").passed
    record = json.loads(progress.progress_file().read_text())
    assert list(record["passed"]) == ["ch00-rows"]
    table = progress.progress().frame
    assert table.loc["ch00", "passed"] == 1 and table.loc["ch00", "total"] == 3
    assert table.loc["ch00", "open"] == "ch00-customers, ch00-revenue"
    assert table.loc["ch01", "passed"] == 0


def test_a_failing_check_records_nothing(data_home, monkeypatch):
    monkeypatch.setattr("clv_course.selfcheck._learner_namespace", lambda: {"n_purchases": 3})
    assert not check("ch00-rows").passed
    assert not progress.progress_file().exists()


def test_a_corrupt_progress_file_is_reported_set_aside_and_replaced(data_home, monkeypatch):
    path = progress.progress_file()
    path.parent.mkdir(parents=True)
    path.write_text("{not json", encoding="utf-8")
    report = progress.progress()
    assert "could not be read" in report.note and report.frame["passed"].sum() == 0
    assert path.with_name("progress.json.unreadable").read_text() == "{not json"
    assert json.loads(path.read_text()) == {"passed": {}, "version": 1}
    _answer_everything_in_chapter_zero(monkeypatch)
    path.write_text('{"passed": ["a list"]}', encoding="utf-8")
    result = check("ch00-rows")  # the check still passes, and says the file was reset
    assert result.passed and any("could not be read" in text for _ok, text in result.lines)
    assert list(json.loads(path.read_text())["passed"]) == ["ch00-rows"]


def test_an_unwritable_progress_folder_never_breaks_a_check(data_home, monkeypatch):
    _answer_everything_in_chapter_zero(monkeypatch)
    (data_home / "clv-course").write_text("a file where the folder should be")
    result = check("ch00-rows")
    assert result.passed and any("could not be saved" in text for _ok, text in result.lines)


def test_progress_shows_a_table_and_a_labelled_chart_in_the_learners_language(data_home):
    with language("de"):
        page = progress.progress()._repr_html_()
    assert "Kapitel 0" in page and 'src="data:image/png;base64,' in page
    assert "Chapter 0" not in page and "exercises passed" not in page


def test_the_progress_charts_alt_text_says_each_chapters_share_in_words(data_home):
    with language("de"):
        page = progress.progress()._repr_html_()
    alt = page.split('alt="')[1].split('"')[0]
    assert alt.startswith("Balkendiagramm") and "Kapitel 0 0\xa0%" in alt and "Kapitel 10" in alt


def test_a_page_of_the_website_shows_a_newcomers_progress_and_no_folder(data_home, monkeypatch):
    monkeypatch.setenv(progress.SITE_VARIABLE, "1")
    with language("de"):
        summary = progress.progress().summary()
    assert summary.startswith("Hier sehen Sie den Stand eines Neulings: 0 von ")
    assert str(data_home) not in summary
