"""Notebook translations: an entry per cell, merged like msgmerge, built only when complete.

Every test but the last runs on a tiny course in a temporary folder (one master,
a hand-written German catalog), not on the real masters, which keep changing.
"""

from __future__ import annotations

import copy

import nbformat
import pytest

from clv_course import authoring
from clv_course import translation as tr

INTRO = ("# Welcome\n\nAn order is worth {value} on average: $m \\cdot r$ per year,\n"
         "see [the data card](datasets/README.md) and `clv.fmt`.")
CODE = ('x = 1  # one order\nlabel = "# not a comment"\ntable = {"orders": x}\n'
        'title = "Orders per customer"\n# the solution follows\n'
        "### BEGIN SOLUTION\naov = revenue / orders\n### END SOLUTION")
OUTRO = "Done."

GERMAN = {
    "ch01-intro": ("# Willkommen\n\nEine Bestellung ist im Schnitt {value} wert: $m \\cdot r$ pro "
                   "Jahr,\nsiehe [die Datenkarte](datasets/README.md) und `clv.fmt`."),
    "ch01-code#comment-1": "eine Bestellung",
    "ch01-code#comment-2": "die Lösung folgt",
    "ch01-code#string-1": "# kein Kommentar",
    "ch01-code#string-2": "Bestellungen pro Kunde",
    "ch01-outro": "Fertig.",
}


def _master(root, intro=INTRO, outro=OUTRO, extra=None):
    cells = [nbformat.v4.new_markdown_cell(intro, id="ch01-intro"),
             nbformat.v4.new_code_cell(CODE, id="ch01-code"),
             nbformat.v4.new_markdown_cell(outro, id="ch01-outro")]
    if extra:
        cells.append(nbformat.v4.new_markdown_cell(extra, id="ch01-extra"))
    notebook = nbformat.v4.new_notebook(cells=cells)
    (root / "masters").mkdir(exist_ok=True)
    nbformat.write(notebook, root / "masters" / "01_tiny.ipynb")


def _quoted(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _catalog(root, translations, *, fuzzy=(), english=None):
    """Write translations/de.po by hand: cell id -> German, for the tiny master's English."""
    english = english or {"ch01-intro": INTRO, "ch01-code#comment-1": "one order",
                          "ch01-code#comment-2": "the solution follows",
                          "ch01-code#string-1": "# not a comment",
                          "ch01-code#string-2": "Orders per customer", "ch01-outro": OUTRO}
    entries = [('msgid ""\nmsgstr ""\n"Language: de\\n"\n'
               '"Content-Type: text/plain; charset=utf-8\\n"\n')]
    for context, msgid in english.items():
        flag = "#, fuzzy\n" if context in fuzzy else ""
        entries.append(f"{flag}msgctxt {_quoted(context)}\nmsgid {_quoted(msgid)}\n"
                       f"msgstr {_quoted(translations.get(context, ''))}\n")
    (root / "translations").mkdir(exist_ok=True)
    tr.catalog_path("de", root).write_text("\n".join(entries), encoding="utf-8")


def _german(root):
    return {m.context: m for m in tr.read_catalog(tr.catalog_path("de", root)) if m.id}


@pytest.fixture
def course(tmp_path):
    _master(tmp_path)
    return tmp_path


def test_the_template_lists_every_markdown_cell_by_id_with_its_whole_source(course):
    template = tr.extract(tr.masters(course))
    markdown = [(m.context, m.id) for m in template if m.id and "#" not in m.context]
    assert markdown == [("ch01-intro", INTRO), ("ch01-outro", OUTRO)]
    assert all(c.startswith("01_tiny.ipynb") for m in template if m.id for c in m.auto_comments)


def test_the_template_lists_each_code_comment_but_not_solution_markers(course):
    template = tr.extract(tr.masters(course))
    comments = [(m.context, m.id) for m in template if m.id and "#comment-" in m.context]
    assert comments == [("ch01-code#comment-1", "one order"),
                        ("ch01-code#comment-2", "the solution follows")]


def test_the_template_lists_labels_of_two_words_or_more_but_not_one_word_keys(course):
    template = tr.extract(tr.masters(course))
    strings = [(m.context, m.id) for m in template if m.id and "#string-" in m.context]
    assert strings == [("ch01-code#string-1", "# not a comment"),
                       ("ch01-code#string-2", "Orders per customer")]
    context = next(m for m in template if m.context == "ch01-code#string-2").auto_comments
    assert context == ['01_tiny.ipynb: text in a code cell: title = "Orders per customer"']


@pytest.mark.parametrize("text, prose", [
    ("customer_id", False), ("money", False), ("2024-12-31", False), ("%.1f %%", False),
    ("projected revenue", True), (" (EUR)", False), ("EUR over the lifespan", True),
    ("Per group: revenue per customer.", True),
])
def test_a_string_is_prose_when_it_has_two_words(text, prose):
    assert tr.is_prose(text) is prose


def test_an_edited_english_cell_makes_its_translation_fuzzy_and_the_check_fail(course):
    _catalog(course, GERMAN)
    assert tr.check(tr.read_catalog(tr.catalog_path("de", course))) == []
    _master(course, intro=INTRO + " It is an average.")
    tr.update("de", course)
    tr.update("de", course)  # the previous English survives a second merge
    intro = _german(course)["ch01-intro"]
    assert intro.fuzzy and intro.string == GERMAN["ch01-intro"] and intro.previous_id == [INTRO]
    problems = tr.check(tr.read_catalog(tr.catalog_path("de", course)))
    assert len(problems) == 1 and problems[0].startswith("ch01-intro: fuzzy")


def test_one_template_merged_into_two_languages_gives_each_its_own_old_translation(course):
    """`translation update` merges one template into every catalog in turn."""
    _catalog(course, GERMAN)
    danish = tr.catalog_path("de", course).read_text(encoding="utf-8").replace(
        "Language: de", "Language: da").replace("Fertig.", "Færdig.")
    tr.catalog_path("da", course).write_text(danish, encoding="utf-8")
    _master(course, outro=OUTRO + " Well done.")
    template = tr.extract(tr.masters(course))
    tr.update("da", course, template)
    tr.update("de", course, template)
    outro = _german(course)["ch01-outro"]
    assert outro.fuzzy and outro.string == "Fertig."


def test_new_cells_come_in_untranslated_and_removed_ones_become_obsolete(course):
    _catalog(course, GERMAN)
    _master(course, extra="A new cell.")
    tr.update("de", course)
    assert _german(course)["ch01-extra"].string == ""
    _master(course)
    tr.update("de", course)
    catalog = tr.read_catalog(tr.catalog_path("de", course))
    assert "ch01-extra" not in {m.context for m in catalog}
    assert [m.context for m in catalog.obsolete.values()] == ["ch01-extra"]


def test_updating_an_up_to_date_catalog_changes_nothing(course):
    tr.write_template(course)
    tr.init("de", course)
    before = tr.catalog_path("de", course).read_text()
    tr.update("de", course)
    assert tr.catalog_path("de", course).read_text() == before
    assert tr.template_text(course) == tr.template_path(course).read_text()


def test_the_translators_check_lists_what_keeps_a_language_from_being_built(course, capsys):
    _catalog(course, {**GERMAN, "ch01-outro": ""})
    assert tr.main(["check", "de"], root=course) == 1
    assert "de: ch01-outro: not translated" in capsys.readouterr().out
    _catalog(course, GERMAN)
    assert tr.main(["check", "de"], root=course) == 0


def test_a_complete_catalog_generates_a_german_notebook_structurally_identical_to_english(course):
    _catalog(course, GERMAN)
    authoring.build(course, ("en", "de"))
    for folder in ("notebooks", "solutions"):
        english = nbformat.read(course / folder / "en" / "01_tiny.ipynb", as_version=4)
        german = nbformat.read(course / folder / "de" / "01_tiny.ipynb", as_version=4)
        assert tr.parity_problems(english, german) == []
        assert german.metadata["clv_course"]["language"] == "de"
        assert german.cells[0].source == GERMAN["ch01-intro"]
        assert german.cells[1].source.startswith(
            'x = 1  # eine Bestellung\nlabel = "# kein Kommentar"\ntable = {"orders": x}\n'
            'title = "Bestellungen pro Kunde"\n# die Lösung folgt\n')
    assert "aov = revenue / orders" in nbformat.read(
        course / "solutions" / "de" / "01_tiny.ipynb", as_version=4).cells[1].source
    assert authoring.stale_files(course, ("en", "de")) == []


def test_the_parity_check_catches_a_lost_cell_and_changed_code(course):
    english = nbformat.read(course / "masters" / "01_tiny.ipynb", as_version=4)
    changed = nbformat.read(course / "masters" / "01_tiny.ipynb", as_version=4)
    changed.cells[1].source = changed.cells[1].source.replace("x = 1", "x = 2")
    del changed.cells[2]
    assert tr.parity_problems(english, changed) == ["2 cells instead of 3",
                                                    "ch01-code: the code differs from the English"]


def test_the_parity_check_allows_a_label_translated_into_one_word_but_not_a_changed_key(course):
    english = nbformat.read(course / "masters" / "01_tiny.ipynb", as_version=4)
    german = nbformat.read(course / "masters" / "01_tiny.ipynb", as_version=4)
    german.cells[1].source = german.cells[1].source.replace("Orders per customer", "Bestellungen")
    assert tr.parity_problems(english, german) == []
    german.cells[1].source = german.cells[1].source.replace('"orders"', '"bestellungen"')
    assert tr.parity_problems(english, german) == ["ch01-code: the code differs from the English"]


@pytest.mark.parametrize("german", ['Bestellungen "pro" Kunde', "Bestellungen pro Kunde\\",
                                    "Bestellungen\npro Kunde"])
def test_a_translated_label_that_breaks_its_string_is_reported(course, german):
    _catalog(course, {**GERMAN, "ch01-code#string-2": german})
    problems = tr.check(tr.read_catalog(tr.catalog_path("de", course)), course)
    assert len(problems) == 1 and problems[0].startswith("ch01-code#string-2:")
    with pytest.raises(tr.TranslationError, match="ch01-code#string-2"):
        authoring.build(course, ("en", "de"))


def test_a_work_file_carries_markdown_and_math_verbatim_into_the_catalog(course, tmp_path):
    tr.write_template(course)
    tr.init("de", course)
    assert tr.main(["export", "de", "--out", str(tmp_path / "work")], root=course) == 0
    work = tmp_path / "work" / "01_tiny.de.txt"
    text = work.read_text()
    for context, german in GERMAN.items():
        text = text.replace(f"{tr.WORK_TRANSLATION}{context}\n\n",
                            f"{tr.WORK_TRANSLATION}{context}\n{german}\n")
    work.write_text(text)
    assert tr.main(["import", "de", str(work), "--dry-run"], root=course) == 0
    assert tr.check(tr.read_catalog(tr.catalog_path("de", course)), course) != []  # not written
    assert tr.main(["import", "de", str(work)], root=course) == 0
    assert {c: m.string for c, m in _german(course).items()} == GERMAN
    assert tr.check(tr.read_catalog(tr.catalog_path("de", course)), course) == []


def test_a_work_file_with_a_broken_translation_fails_the_dry_run_naming_the_entry(course, tmp_path,
                                                                                  capsys):
    tr.write_template(course)
    tr.init("de", course)
    tr.main(["export", "de", "--out", str(tmp_path / "work")], root=course)
    work = tmp_path / "work" / "01_tiny.de.txt"
    work.write_text(work.read_text().replace(f"{tr.WORK_TRANSLATION}ch01-intro\n\n",
                                             f"{tr.WORK_TRANSLATION}ch01-intro\nWillkommen\n"))
    assert tr.main(["import", "de", str(work), "--dry-run"], root=course) == 1
    assert "ch01-intro: placeholders differ" in capsys.readouterr().out


def test_a_translated_placeholder_is_reported(course):
    _catalog(course, {**GERMAN, "ch01-intro": GERMAN["ch01-intro"].replace("{value}", "{wert}")})
    problems = tr.placeholder_problems(tr.read_catalog(tr.catalog_path("de", course)))
    assert len(problems) == 1
    assert problems[0].startswith("ch01-intro:")
    assert "missing '{value}'" in problems[0] and "not in the English '{wert}'" in problems[0]


@pytest.mark.parametrize("english, german", [
    ("$m \\cdot r$", "$m \\times r$"),
    ("](datasets/README.md)", "](datensaetze/LIESMICH.md)"),
    ("`clv.fmt`", "clv.fmt"),
])
def test_math_links_and_inline_code_must_be_kept(course, english, german):
    _catalog(course, {**GERMAN, "ch01-intro": GERMAN["ch01-intro"].replace(english, german)})
    problems = tr.placeholder_problems(tr.read_catalog(tr.catalog_path("de", course)))
    assert len(problems) == 1
    assert problems[0].startswith("ch01-intro:") and f"missing {english!r}" in problems[0]


def test_display_math_and_percent_placeholders_are_compared_too():
    english = "Discounted:\n$$\n\\sum_t m \\frac{r^t}{(1+d)^t}\n$$\nfor %s at 50% off"
    assert tr.placeholder_problem("c", english, english.replace("for", "für")) is None
    assert "'%s'" in tr.placeholder_problem("c", english, english.replace("%s", "%d"))
    assert "missing '$$" in tr.placeholder_problem("c", english, english.replace("(1+d)", "(1+z)"))


def test_the_words_inside_a_formula_are_translated_but_its_symbols_kept():
    english = "$$\\text{AOV} = \\frac{\\text{revenue}}{\\text{orders}}$$ and $\\text{CLV}_n$"
    german = "$$\\text{AOV} = \\frac{\\text{Umsatz}}{\\text{Bestellungen}}$$ und $\\text{CLV}_n$"
    assert tr.placeholder_problem("c", english, german) is None
    assert "missing" in tr.placeholder_problem("c", english, german.replace("frac", "dfrac"))
    assert "missing" in tr.placeholder_problem("c", english, german.replace("_n", "_N"))


@pytest.mark.parametrize("catalog_kwargs, cell", [
    ({"translations": {k: v for k, v in GERMAN.items() if k != "ch01-outro"}}, "ch01-outro"),
    ({"translations": GERMAN, "fuzzy": ("ch01-code#comment-2",)}, "ch01-code#comment-2"),
    ({"translations": GERMAN, "english": {"ch01-intro": "An older intro."}}, "ch01-intro"),
])
def test_a_built_language_with_a_missing_fuzzy_or_stale_translation_fails_check_naming_the_cell(
        course, monkeypatch, capsys, catalog_kwargs, cell):
    _catalog(course, **catalog_kwargs)
    monkeypatch.setattr(authoring, "BUILT_LANGUAGES", ("en", "de"))
    assert authoring.main(["--check"], root=course) == 1
    assert cell in capsys.readouterr().err
    assert authoring.main([], root=course) == 1
    assert not (course / "notebooks" / "de").exists()


def test_a_language_with_a_catalog_is_not_generated_until_it_is_built(course, monkeypatch):
    _catalog(course, {})
    monkeypatch.setattr(authoring, "BUILT_LANGUAGES", ("en",))
    assert authoring.main([], root=course) == 0
    assert authoring.main(["--check"], root=course) == 0
    assert sorted(p.relative_to(course).as_posix() for p in course.rglob("*.ipynb")
                  if "masters" not in p.parts) == ["notebooks/en/01_tiny.ipynb",
                                                    "solutions/en/01_tiny.ipynb"]


def test_the_notebook_template_is_up_to_date_with_the_masters(root):
    assert tr.template_path(root).read_text(encoding="utf-8") == tr.template_text(root), (
        "run `make translations` after editing a master")


def test_a_one_word_label_the_master_marks_in_its_metadata_is_translated(tmp_path):
    cell = nbformat.v4.new_code_cell('pd.Series({"customers": 5, "orders": 9})', id="ch01-size")
    cell.metadata["clv_course"] = {"labels": ["customers"]}
    notebook = nbformat.v4.new_notebook(cells=[cell])
    (tmp_path / "masters").mkdir()
    nbformat.write(notebook, tmp_path / "masters" / "01_tiny.ipynb")
    template = tr.extract(tr.masters(tmp_path))
    assert [(m.context, m.id) for m in template if m.id] == [("ch01-size#string-1", "customers")]
    german = nbformat.from_dict(copy.deepcopy(notebook))
    german.cells[0].source = german.cells[0].source.replace('"customers"', '"Kunden"')
    assert tr.parity_problems(notebook, german) == []
    german.cells[0].source = german.cells[0].source.replace('"orders"', '"Bestellungen"')
    assert tr.parity_problems(notebook, german) == ["ch01-size: the code differs from the English"]


def test_a_label_added_before_a_translated_one_keeps_every_translation(course):
    _catalog(course, GERMAN)
    master = nbformat.read(course / "masters" / "01_tiny.ipynb", as_version=4)
    master.cells[1].source = 'first = "A new first label"\n' + master.cells[1].source
    nbformat.write(master, course / "masters" / "01_tiny.ipynb")
    tr.update("de", course)
    german = _german(course)
    assert german["ch01-code#string-1"].string == ""  # the new label, untranslated
    assert german["ch01-code#string-2"].string == "# kein Kommentar"
    assert german["ch01-code#string-3"].string == "Bestellungen pro Kunde"
    assert not german["ch01-code#string-3"].fuzzy
