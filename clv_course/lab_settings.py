"""The JupyterLab settings ``make lab`` opens the course with, one folder per language.

A learner who asks for German (``CLV_COURSE_LANG=de make lab``) should find
JupyterLab's own menus in German too, through its language pack; nobody should
be asked about Jupyter news on their first visit; and every cell of a chapter is
in the page (no windowing), for the browser's find and for screen readers. All are user settings
of JupyterLab, so ``make lab`` points ``$JUPYTERLAB_SETTINGS_DIR`` at
``.venv/lab-settings/<lang>/`` and this module writes the files there.
A file that already exists is left alone: a setting the learner changed stays.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from clv_course.i18n import _

START_PAGE = "00_start_here.ipynb"
#: JupyterLab's locale names for the course's languages (its language packs' names)
LAB_LOCALES = {"en": "en", "de": "de_DE", "da": "da_DK", "it": "it_IT"}


def settings_files(language: str) -> dict[str, dict]:
    """Settings file (relative to the settings folder) -> its content, for one language."""
    return {
        "@jupyterlab/translation-extension/plugin.jupyterlab-settings":
            {"locale": LAB_LOCALES[language]},
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
            {"fetchNews": "false", "checkForUpdates": False},
        # every cell in the page, not only those in view: the browser's find and a screen
        # reader see the whole chapter (our chapters are short), and JupyterLab 4.2-4.5 keep
        # widgets below the fold from showing otherwise
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings":
            {"windowingMode": "none"},
    }


def write_settings(language: str, folder: Path) -> list[Path]:
    """Write the settings JupyterLab lacks for ``language`` into ``folder``; the files written."""
    written = []
    for name, content in settings_files(language).items():
        path = folder / name
        if path.exists():
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    """``python -m clv_course.lab_settings <lang> <folder>``: prints the language's start page."""
    from clv_course.authoring import BUILT_LANGUAGES
    args = sys.argv[1:] if argv is None else argv
    language = args[0].strip().lower() if args else "en"
    if language not in BUILT_LANGUAGES or len(args) != 2:
        print(_("The course has notebooks in {languages}; CLV_COURSE_LANG={language!r} is none "
                "of them.").format(languages=", ".join(BUILT_LANGUAGES), language=language),
              file=sys.stderr)
        return 2
    write_settings(language, Path(args[1]) / language)
    print(f"{language}/{START_PAGE}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
