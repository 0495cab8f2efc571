"""The course's one translation function and the learner's language.

Every learner-facing string in the package goes through ``_()`` so that the
course speaks the learner's language. Catalogs are plain gettext ``.po`` files
in ``clv_course/locale/<lang>/LC_MESSAGES/clv_course.po``, read with Babel at
run time (no compile step, nothing to forget before a release). A message
without a translation, or one marked fuzzy (stale), falls back to English.
"""

from __future__ import annotations

import contextvars
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po

DOMAIN = "clv_course"
LOCALE_DIR = Path(__file__).with_name("locale")

#: The course's languages: code -> the language's own name.
LANGUAGES: dict[str, str] = {"en": "English", "de": "Deutsch", "da": "Dansk", "it": "Italiano"}
#: The Babel locale used to format numbers, dates and money in each language.
BABEL_LOCALES: dict[str, str] = {"en": "en_US", "de": "de_DE", "da": "da_DK", "it": "it_IT"}
DEFAULT_LANGUAGE = "en"

#: the learner's choice with set_language(), for the whole process (a notebook's kernel)
_current_language: str | None = None
#: a choice for one block (``with language(...)``): each grader thread speaks its learner's
_block_language: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "clv_course_language", default=None)


def _normalise(code: str) -> str:
    return code.strip().lower().replace("-", "_").split("_")[0]


def notebook_language(path: str | None = None) -> str | None:
    """The language of the course folder a notebook is in (``notebooks/de/...`` -> ``de``).

    JupyterLab tells each kernel which notebook started it (``$JPY_SESSION_NAME``),
    so a German chapter speaks German without a line of code to change it.
    """
    parts = Path(path if path is not None else os.environ.get("JPY_SESSION_NAME", "")).parts
    for folder, code in zip(parts, parts[1:]):
        if folder in ("notebooks", "solutions") and code in LANGUAGES:
            return code
    if len(parts) == 2 and parts[0] in LANGUAGES:  # JupyterLab opened on notebooks/ (make lab)
        return parts[0]
    return None


def get_language() -> str:
    """The learner's language.

    In this order: ``with language()``, set_language(), the folder of the notebook
    (``notebooks/de/``), $CLV_COURSE_LANG, English.
    """
    for chosen in (_block_language.get(), _current_language, notebook_language()):
        if chosen is not None:
            return chosen
    from_env = _normalise(os.environ.get("CLV_COURSE_LANG", ""))
    return from_env if from_env in LANGUAGES else DEFAULT_LANGUAGE


def _checked(code: str) -> str:
    normalised = _normalise(str(code))
    if normalised not in LANGUAGES:
        choices = ", ".join(f"{c} ({name})" for c, name in LANGUAGES.items())
        raise ValueError(_("Unknown language {code!r}. Choose one of: {choices}.").format(
            code=code, choices=choices))
    return normalised


def set_language(code: str) -> str:
    """Switch the course's messages and number formats to ``code`` (en, de, da or it)."""
    global _current_language
    _current_language = _checked(code)
    return _current_language


@contextmanager
def language(code: str) -> Iterator[str]:
    """``with language("de"):`` speaks German inside the block only, in this thread or task."""
    token = _block_language.set(_checked(code))
    try:
        yield _block_language.get()
    finally:
        _block_language.reset(token)


@cache
def _catalog(language: str) -> dict[str, str]:
    """msgid -> translation for one language; empty and fuzzy entries are left out."""
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    return {
        message.id: message.string
        for message in catalog
        if message.id and isinstance(message.id, str) and message.string and not message.fuzzy
    }


def _(message: str) -> str:
    """Translate ``message`` into the learner's language (gettext's ``_``)."""
    return _catalog(get_language()).get(message, message)


def N_(message: str) -> str:
    """Mark ``message`` for translation where it is defined; ``_()`` translates it when shown.

    Exercise titles and hints are defined when a module is imported, before the
    learner picks a language, so they are stored in English and translated late.
    """
    return message


def babel_locale() -> str:
    """The Babel locale name for the learner's language, e.g. ``de_DE``."""
    return BABEL_LOCALES[get_language()]
