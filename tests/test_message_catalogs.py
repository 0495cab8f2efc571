"""Translating the package's own messages: the catalogs follow the code, work files go both ways."""

from __future__ import annotations

import shutil

import pytest

from clv_course import message_catalogs as messages
from clv_course.message_catalogs import LOCALE, catalog_path, main, read


@pytest.fixture
def locale(tmp_path):
    copy = tmp_path / "locale"
    shutil.copytree(LOCALE, copy)
    return copy


def _template_with(locale, *extra):
    pot = locale / "clv_course.pot"
    pot.write_text(pot.read_text(encoding="utf-8") + "".join(
        f'\nmsgid "{text}"\nmsgstr ""\n' for text in extra), encoding="utf-8")


def test_update_brings_new_messages_in_empty_and_drops_what_the_code_no_longer_has(locale):
    _template_with(locale, "A brand-new message for {name}.")
    catalog = read(catalog_path("de", locale), "de")
    catalog.add("A message the code lost", "Eine verlorene Meldung")
    messages.write(catalog, catalog_path("de", locale))
    assert messages.update("de", locale) == ["A message the code lost"]
    updated = read(catalog_path("de", locale), "de")
    assert updated["A brand-new message for {name}."].string == ""
    assert updated.get("A message the code lost") is None


def test_export_lists_only_what_is_left_and_import_takes_it_back(locale, tmp_path, capsys):
    _template_with(locale, "A brand-new message for {name}.")
    messages.update("it", locale)
    assert main(["export", "it", "--out", str(tmp_path / "work")], locale=locale) == 0
    work = tmp_path / "work" / "clv_course.it.txt"
    text = work.read_text(encoding="utf-8")
    assert "A brand-new message for {name}." in text and text.count("@@@@ END") == 1
    work.write_text(text.replace("@@@@ END", "Un messaggio nuovo per {name}.\n@@@@ END"),
                    encoding="utf-8")
    assert main(["import", "it", str(work)], locale=locale) == 0
    assert read(catalog_path("it", locale), "it")["A brand-new message for {name}."].string == \
        "Un messaggio nuovo per {name}."


def test_a_translation_that_changes_a_field_is_refused_and_not_written(locale, tmp_path, capsys):
    _template_with(locale, "Total for {name}: {value:.2f}")
    messages.update("da", locale)
    main(["export", "da", "--out", str(tmp_path)], locale=locale)
    work = tmp_path / "clv_course.da.txt"
    work.write_text(work.read_text(encoding="utf-8").replace(
        "@@@@ END", "I alt for {navn}: {value:.2f}\n@@@@ END"), encoding="utf-8")
    assert main(["import", "da", str(work)], locale=locale) == 1
    assert "fields" in capsys.readouterr().out
    assert read(catalog_path("da", locale), "da")["Total for {name}: {value:.2f}"].string == ""


def test_the_committed_catalogs_are_in_step_with_the_template(locale):
    for language in ("de", "da", "it"):
        assert messages.update(language, locale) == []
        assert all(m.string for m in read(catalog_path(language, locale), language) if m.id)
