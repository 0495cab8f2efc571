"""Every learner-facing message goes through one translation function, and catalogs work."""

from __future__ import annotations

import ast
import io
import re
import textwrap

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from clv_course.errors import InputError
from clv_course import i18n
from clv_course.i18n import _, get_language, set_language

PACKAGE_FILES = "clv_course/**/*.py"
#: calls whose first argument a learner reads
SHOWN_TO_LEARNER = {"print", "_fail", "DataFileError", "InputError", "CourseError", "ValueError",
                    "TypeError", "KeyError", "FileNotFoundError", "RuntimeError", "HTML"}


def _has_words(text: str) -> bool:
    return bool(re.search(r"[A-Za-z]{2,}", text))


def _english_glued_into_code(tree: ast.AST) -> list[int]:
    """Line numbers where a literal with words reaches the learner without _()."""
    lines = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and node.args):
            continue
        name = getattr(node.func, "id", getattr(node.func, "attr", ""))
        if name not in SHOWN_TO_LEARNER:
            continue
        first = node.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str) and _has_words(first.value):
            lines.append(node.lineno)
        elif isinstance(first, ast.JoinedStr) and any(
                isinstance(part, ast.Constant) and _has_words(part.value) for part in first.values):
            lines.append(node.lineno)
    return lines


def test_the_checker_finds_english_glued_into_code():
    tree = ast.parse(textwrap.dedent("""
        raise InputError("The rate is wrong")
        print(f"Total: {x}")
        raise InputError(_("The rate is wrong"))
        print(f"{_('OK'):<5} {x}")
    """))
    assert _english_glued_into_code(tree) == [2, 3]


def test_every_learner_facing_message_goes_through_the_translation_function(root):
    offenders = {}
    for path in sorted(root.glob(PACKAGE_FILES)):
        lines = _english_glued_into_code(ast.parse(path.read_text(), filename=str(path)))
        if lines:
            offenders[path.name] = lines
    assert offenders == {}


def test_message_template_lists_exactly_the_messages_in_the_code(root):
    in_code = {message for _file, _line, message, _comments, _context in
               extract_from_dir(str(root / "clv_course"), keywords={"_": None, "N_": None})}
    with open(root / "clv_course" / "locale" / "clv_course.pot", "rb") as handle:
        in_template = {m.id for m in read_po(handle) if m.id}
    assert in_template == in_code, "run `make messages` to refresh clv_course.pot"


def test_messages_are_english_by_default():
    assert get_language() == "en"
    assert _("The table of transactions is empty.") == "The table of transactions is empty."


def test_the_language_can_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("CLV_COURSE_LANG", "it_IT.UTF-8")
    assert get_language() == "it"


def test_set_language_accepts_region_codes():
    assert set_language("de-DE") == "de"
    assert get_language() == "de"


def test_an_unknown_language_is_a_clear_error():
    with pytest.raises(ValueError, match="Choose one of"):
        set_language("fr")


def test_a_translated_catalog_is_used_for_the_chosen_language(catalog):
    import pandas as pd

    from clv_course.metrics import average_order_value

    catalog("de", "Die Tabelle der Transaktionen ist leer.")
    with pytest.raises(InputError, match="Die Tabelle der Transaktionen ist leer"):
        average_order_value(pd.DataFrame({"customer_id": [], "amount": []}))


def test_a_stale_fuzzy_translation_falls_back_to_english(catalog):
    catalog("da", "Forældet oversættelse.", fuzzy=True)
    assert _("The table of transactions is empty.") == "The table of transactions is empty."


def test_the_template_is_a_valid_gettext_catalog(root):
    text = (root / "clv_course" / "locale" / "clv_course.pot").read_bytes()
    catalog = read_po(io.BytesIO(text))
    assert len([m for m in catalog if m.id]) > 20


def test_a_language_block_speaks_its_language_inside_only():
    from clv_course.i18n import language
    with language("de"):
        assert get_language() == "de"
    assert get_language() == "en"


def test_each_thread_keeps_its_own_language_block():
    import threading
    from clv_course.i18n import language
    seen = {}
    barrier = threading.Barrier(2)

    def speak(code):
        with language(code):
            barrier.wait()
            seen[code] = get_language()

    threads = [threading.Thread(target=speak, args=(c,)) for c in ("de", "it")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"de": "de", "it": "it"}


@pytest.mark.parametrize("session, expected", [
    ("notebooks/de/01_what_is_clv.ipynb", "de"),
    ("/home/ana/clv-course/solutions/it/09_predictive_clv.ipynb", "it"),
    ("de/00_start_here.ipynb", "de"),  # `make lab` serves notebooks/
    ("work/my_analysis.ipynb", None),
    ("projects/it/notes/plan.ipynb", None),
])
def test_a_notebook_in_a_language_folder_speaks_that_language(session, expected):
    assert i18n.notebook_language(session) == expected


def test_the_notebooks_folder_wins_over_the_environment_but_not_over_set_language(monkeypatch):
    monkeypatch.setenv("CLV_COURSE_LANG", "it")
    monkeypatch.setenv("JPY_SESSION_NAME", "notebooks/de/02_components.ipynb")
    assert i18n.get_language() == "de"
    i18n.set_language("da")
    assert i18n.get_language() == "da"
