"""Every built language beside English: catalogs complete, notebooks at parity, the language
wherever a learner looks.

Execution (every notebook runs in every language; solutions score full marks,
students zero) is in test_course_notebooks.py, grading submissions in their
language in test_grading.py, the browser in test_browser.py; this file holds the
fast checks, once per translated language.
"""

from __future__ import annotations

import re

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
from clv_course.message_catalogs import fields

matplotlib.use("agg")

CHAPTERS = [path.name for path in masters()]
#: every language the course is built in, other than its English source
TRANSLATED = [code for code in BUILT_LANGUAGES if code != "en"]
#: how the package writes 1234.5 EUR, 0.256 as a whole percentage, and 1234567, per language
FORMATS = {"de": ("1.234,50\xa0€", "26\xa0%", "1.234.567"),
           "da": ("1.234,50\xa0€", "26\xa0%", "1.234.567"),
           "it": ("1.234,50\xa0€", "26%", "1.234.567")}
#: English terms the translations keep (docs/glossary.<lang>.md), stripped before identifying
#: the language of a cell
KEPT_TERMS = ("Customer Lifetime Value", "Lifetime Value", "Upselling", "Cross-Selling",
              "Holdout", "Marketplace", "Recency", "Frequency", "Monetary Value", "Monetary",
              "Break-even", "Gamma-Gamma", "Pareto/NBD", "BG/NBD", "Shifted-Beta-Geometric",
              "Likelihood", "Log-Likelihood", "Bootstrap", "Score", "Champions", "High End",
              "Social Media", "Heatmap", "Tornado", "Notebook", "JupyterLab", "CDNOW",
              "churn", "retention", "payback", "marketplace", "holdout", "referral", "tenure")


def _package_catalog(code: str):
    with (LOCALE_DIR / code / "LC_MESSAGES" / "clv_course.po").open("rb") as handle:
        return read_po(handle, locale=code)


def _template():
    with (LOCALE_DIR / "clv_course.pot").open("rb") as handle:
        return read_po(handle)


def test_german_is_a_built_language():
    assert "de" in BUILT_LANGUAGES


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_package_message_has_a_translation_that_is_not_fuzzy(code):
    messages = {m.id: m for m in _package_catalog(code) if m.id}
    wanted = {m.id for m in _template() if m.id}
    assert wanted - messages.keys() == set(), "run pybabel update (see README, Translating)"
    assert messages.keys() - wanted == set(), "the catalog has messages the code no longer has"
    assert [i for i, m in messages.items() if not m.string or m.fuzzy] == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_package_messages_keep_every_placeholder_with_its_format(code):
    broken = [m.id for m in _package_catalog(code) if m.id and m.string
              and fields(m.id) != fields(m.string)]
    assert broken == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_notebook_catalog_is_complete_and_sound(code):
    catalog = translation.read_catalog(translation.catalog_path(code), code)
    translation.merge(catalog, translation.extract(masters()))
    assert translation.check(catalog) == []


@pytest.mark.parametrize("code", TRANSLATED)
@pytest.mark.parametrize("folder", ["notebooks", "solutions"])
@pytest.mark.parametrize("name", CHAPTERS)
def test_a_translated_notebook_has_the_english_cells_ids_types_and_code(root, code, folder, name):
    english = nbformat.read(root / folder / "en" / name, as_version=4)
    translated = nbformat.read(root / folder / code / name, as_version=4)
    assert translation.parity_problems(english, translated) == []
    assert translated.metadata["clv_course"]["language"] == code


def _prose(markdown: str) -> str:
    """A markdown cell's words only: no math, code, links, HTML or terms the translations keep."""
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


@pytest.mark.parametrize("text, code", [
    ("Der Kunde kauft im Schnitt viermal im Jahr bei uns ein.", "de"),
    ("Kunden køber i gennemsnit fire gange om året hos os.", "da"),
    ("Il cliente acquista da noi in media quattro volte l'anno.", "it"),
    ("The customer buys from us four times a year on average.", "en"),
])
def test_the_language_identifier_tells_the_four_languages_apart(identify, text, code):
    assert identify(text) == code


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_figures_alt_text_is_in_the_notebooks_language(root, identify, code):
    wrong = []
    for name in CHAPTERS:
        english = nbformat.read(root / "notebooks" / "en" / name, as_version=4).cells
        own = nbformat.read(root / "notebooks" / code / name, as_version=4).cells
        for en, cell in zip(english, own):
            alt = translation.alt_text(cell)
            if translation.alt_text(en) and (alt == translation.alt_text(en)
                                             or identify(_prose(alt)) != code):
                wrong.append(f"{name} {cell.id}: {alt[:60]}")
    assert wrong == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_markdown_cell_of_five_words_or_more_reads_as_its_language(root, identify, code):
    wrong = []
    for name in CHAPTERS:
        for cell in nbformat.read(root / "notebooks" / code / name, as_version=4).cells:
            prose = _prose(cell.source) if cell.cell_type == "markdown" else ""
            if len(re.findall(r"[^\W\d_]{2,}", prose)) >= 5 and identify(prose) != code:
                wrong.append(f"{name} {cell.id}: {identify(prose)}")
    assert wrong == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_numbers_and_money_come_out_in_the_languages_format(code):
    money, percent, integer = FORMATS[code]
    with language(code):
        assert fmt(1234.5, "money", currency="EUR") == money
        assert fmt(0.256, "percent", digits=0) == percent
        assert fmt(1234567, "integer") == integer


def test_danish_customers_pay_in_kroner_written_the_danish_way():
    with language("da"):
        assert fmt(1234.5, "money", currency="DKK") == "1.234,50\xa0kr."


@pytest.mark.parametrize("code", TRANSLATED)
def test_a_wrong_answer_is_told_in_the_language_with_its_hint(code):
    from clv_course.selfcheck import check
    namespace = {"simple_clv": lambda aov, frequency, lifespan: aov + frequency + lifespan}
    english = check("ch01-simple-clv", namespace)
    with language(code):
        translated = check("ch01-simple-clv", namespace)
        hint = _("{problem} Hint: {hint}").split("{hint}")[0].split("}")[-1].strip()
    assert not translated.passed and translated.title != english.title
    assert [text for _ok, text in translated.lines] != [text for _ok, text in english.lines]
    assert hint != "Hint:" and any(hint in text for _ok, text in translated.lines)
    assert translated.footer != english.footer


@pytest.mark.parametrize("code", TRANSLATED)
def test_a_figure_is_labelled_in_the_language(code):
    from clv_course.plots.basics import value_per_customer_histogram
    values = pd.Series([10.0, 20.0, 35.0, 80.0, 400.0] * 20)
    with language(code):
        figure = value_per_customer_histogram(values, currency="EUR", what="profit", top=0.1)
        translated_labels = [figure.axes[0].get_xlabel(), figure.axes[0].get_ylabel()]
    english = value_per_customer_histogram(values, currency="EUR", what="profit", top=0.1)
    english_labels = [english.axes[0].get_xlabel(), english.axes[0].get_ylabel()]
    assert all(g and g != e for g, e in zip(translated_labels, english_labels))


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_command_speaks_the_language_when_asked(capsys, code):
    with pytest.raises(SystemExit):
        main(["--lang", code, "--help"])
    help_text = capsys.readouterr().out
    with language(code):
        assert _("write the student notebooks for a class") in help_text
    assert "write the student notebooks for a class" not in help_text


@pytest.mark.parametrize("code", TRANSLATED)
def test_release_writes_the_languages_notebooks(tmp_path, code):
    assert main(["release", "--chapters", "1", "--languages", code, "--out", str(tmp_path)]) == 0
    released = nbformat.read(tmp_path / code / "01_what_is_clv.ipynb", as_version=4)
    assert released.metadata["clv_course"]["language"] == code


def test_release_refuses_a_language_that_is_not_built(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["release", "--chapters", "1", "--languages", "xx", "--out", str(tmp_path)])
    assert "xx" in capsys.readouterr().err


@pytest.mark.parametrize("code", ["en", *TRANSLATED])
def test_every_slider_label_fits_its_column_in_the_language(code):
    from clv_course.levers import Baseline
    from clv_course.widgets import EM_PER_CHARACTER
    from clv_course.widgets.calculator import clv_calculator
    from clv_course.widgets.levers import lever_simulator
    from clv_course.widgets.slider import Slider
    with language(code):
        boxes = [clv_calculator(), lever_simulator(Baseline(margin_per_order=15.0,
                                                            orders_per_year=2.0, retention=0.6))]
    sliders = [child for box in boxes for child in _widgets(box) if isinstance(child, Slider)]
    assert sliders
    for slider in sliders:
        assert len(slider.description) * EM_PER_CHARACTER <= slider.label_width + 0.05, \
            slider.description


def _widgets(box):
    """Every widget inside a box, depth first."""
    for child in getattr(box, "children", ()):
        yield child
        yield from _widgets(child)
