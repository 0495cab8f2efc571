"""The whole course in German: catalogs complete, notebooks at parity, German where a learner looks.

Execution (every German notebook runs; solutions score full marks, students zero)
is in test_course_notebooks.py, grading a German submission in test_grading.py,
the browser in test_browser.py; this file holds the fast checks.
"""

from __future__ import annotations

import re
import string

import matplotlib
import nbformat
import pandas as pd
import pytest
from babel.messages.pofile import read_po

from clv_course import translation
from clv_course.authoring import BUILT_LANGUAGES, masters
from clv_course.cli import main
from clv_course.formatting import fmt
from clv_course.i18n import LOCALE_DIR, _, language

matplotlib.use("agg")

CHAPTERS = [path.name for path in masters()]
#: English terms German keeps (docs/glossary.de.md), stripped before identifying the language
KEPT_TERMS = ("Customer Lifetime Value", "Lifetime Value", "Upselling", "Cross-Selling",
              "Holdout", "Marketplace", "Recency", "Frequency", "Monetary Value", "Monetary",
              "Break-even", "Gamma-Gamma", "Pareto/NBD", "BG/NBD", "Shifted-Beta-Geometric",
              "Likelihood", "Log-Likelihood", "Bootstrap", "Score", "Champions", "High End",
              "Social Media", "Heatmap", "Tornado", "Notebook", "JupyterLab", "CDNOW")


def _package_catalog(code: str):
    with (LOCALE_DIR / code / "LC_MESSAGES" / "clv_course.po").open("rb") as handle:
        return read_po(handle, locale=code)


def _template():
    with (LOCALE_DIR / "clv_course.pot").open("rb") as handle:
        return read_po(handle)


def _fields(text: str) -> list[tuple[str, str, str]]:
    """The replacement fields of a str.format message: name, conversion and format spec."""
    return sorted((name, conversion or "", spec or "") for _literal, name, spec, conversion
                  in string.Formatter().parse(text) if name is not None)


def test_german_is_a_built_language():
    assert "de" in BUILT_LANGUAGES


def test_every_package_message_has_a_german_translation_that_is_not_fuzzy():
    german = {m.id: m for m in _package_catalog("de") if m.id}
    wanted = {m.id for m in _template() if m.id}
    assert wanted - german.keys() == set(), "run pybabel update (see README, Translating)"
    assert german.keys() - wanted == set(), "the catalog has messages the code no longer has"
    assert [i for i, m in german.items() if not m.string or m.fuzzy] == []


def test_german_package_messages_keep_every_placeholder_with_its_format():
    broken = [m.id for m in _package_catalog("de") if m.id and m.string
              and _fields(m.id) != _fields(m.string)]
    assert broken == []


def test_the_german_notebook_catalog_is_complete_and_sound():
    catalog = translation.read_catalog(translation.catalog_path("de"), "de")
    translation.merge(catalog, translation.extract(masters()))
    assert translation.check(catalog) == []


@pytest.mark.parametrize("folder", ["notebooks", "solutions"])
@pytest.mark.parametrize("name", CHAPTERS)
def test_a_german_notebook_has_the_english_cells_ids_types_and_code(root, folder, name):
    english = nbformat.read(root / folder / "en" / name, as_version=4)
    german = nbformat.read(root / folder / "de" / name, as_version=4)
    assert translation.parity_problems(english, german) == []
    assert german.metadata["clv_course"]["language"] == "de"


def _prose(markdown: str) -> str:
    """A markdown cell's words only: no math, code, links, HTML or terms German keeps."""
    text = re.sub(r"\$\$.*?\$\$|\$[^$\n]*\$|```.*?```|`[^`]*`", " ", markdown, flags=re.DOTALL)
    text = re.sub(r"\]\([^)]*\)|https?://\S+|<[^>]+>", " ", text)
    for term in sorted(KEPT_TERMS, key=len, reverse=True):
        text = text.replace(term, " ")
    return re.sub(r"[#*_>|\-]+", " ", text)


@pytest.fixture(scope="module")
def identify():
    from py3langid import langid
    langid.set_languages(["en", "de", "da", "it"])
    return lambda text: langid.classify(text)[0]


def test_the_language_identifier_tells_german_from_english(identify):
    assert identify("Der Kunde kauft im Schnitt viermal im Jahr bei uns ein.") == "de"
    assert identify("The customer buys from us four times a year on average.") == "en"


def test_every_german_markdown_cell_of_five_words_or_more_reads_as_german(root, identify):
    not_german = []
    for name in CHAPTERS:
        for cell in nbformat.read(root / "notebooks" / "de" / name, as_version=4).cells:
            prose = _prose(cell.source) if cell.cell_type == "markdown" else ""
            if len(re.findall(r"[^\W\d_]{2,}", prose)) >= 5 and identify(prose) != "de":
                not_german.append(f"{name} {cell.id}: {identify(prose)}")
    assert not_german == []


def test_numbers_and_money_come_out_in_german_format():
    with language("de"):
        assert fmt(1234.5, "money", currency="EUR") == "1.234,50\xa0€"
        assert fmt(0.256, "percent", digits=0) == "26\xa0%"
        assert fmt(1234567, "integer") == "1.234.567"


def test_a_wrong_answer_is_told_in_german_with_its_hint():
    from clv_course.selfcheck import check
    namespace = {"simple_clv": lambda aov, frequency, lifespan: aov + frequency + lifespan}
    english = check("ch01-simple-clv", namespace)
    with language("de"):
        german = check("ch01-simple-clv", namespace)
    assert not german.passed and german.title != english.title
    assert [text for _ok, text in german.lines] != [text for _ok, text in english.lines]
    assert german.footer.startswith("Dies sind die öffentlichen Prüfungen")


def test_a_figure_is_labelled_in_german():
    from clv_course.plots.basics import value_per_customer_histogram
    values = pd.Series([10.0, 20.0, 35.0, 80.0, 400.0] * 20)
    with language("de"):
        figure = value_per_customer_histogram(values, currency="EUR", what="profit", top=0.1)
        german_labels = [figure.axes[0].get_xlabel(), figure.axes[0].get_ylabel()]
    english = value_per_customer_histogram(values, currency="EUR", what="profit", top=0.1)
    english_labels = [english.axes[0].get_xlabel(), english.axes[0].get_ylabel()]
    assert all(g and g != e for g, e in zip(german_labels, english_labels))


def test_the_command_speaks_german_when_asked(capsys):
    with pytest.raises(SystemExit):
        main(["--lang", "de", "--help"])
    help_text = capsys.readouterr().out
    with language("de"):
        assert _("write the student notebooks for a class") in help_text
    assert "write the student notebooks for a class" not in help_text


def test_release_writes_german_notebooks_and_refuses_a_language_not_built_yet(tmp_path, capsys):
    assert main(["release", "--chapters", "1", "--languages", "de", "--out", str(tmp_path)]) == 0
    released = nbformat.read(tmp_path / "de" / "01_what_is_clv.ipynb", as_version=4)
    assert released.metadata["clv_course"]["language"] == "de"
    with pytest.raises(SystemExit):
        main(["release", "--chapters", "1", "--languages", "da", "--out", str(tmp_path)])
    assert "da" in capsys.readouterr().err
