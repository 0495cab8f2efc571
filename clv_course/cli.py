"""The ``clv-course`` command: checks a learner's set-up (more commands come with the grader)."""

from __future__ import annotations

import argparse
import importlib
import sys
from importlib import metadata

from clv_course.i18n import LANGUAGES, _, set_language

#: import name -> distribution name, for every runtime dependency
RUNTIME_MODULES = {"jupyterlab": "jupyterlab", "ipykernel": "ipykernel", "pandas": "pandas",
                   "numpy": "numpy", "scipy": "scipy", "matplotlib": "matplotlib",
                   "ipywidgets": "ipywidgets", "babel": "babel"}


def check_environment() -> list[tuple[str, bool, str]]:
    """(what, ok, detail) for each package the course needs and for its data."""
    results = []
    for module, distribution in RUNTIME_MODULES.items():
        try:
            importlib.import_module(module)
            results.append((module, True, metadata.version(distribution)))
        except Exception as error:  # any failure to import is what we report
            results.append((module, False, f"{type(error).__name__}: {error}"))
    try:
        from clv_course.datasets import available, load
        for name in available():
            rows = len(load(name))
            results.append((f"data:{name}", True, _("{rows} rows").format(rows=rows)))
    except Exception as error:
        results.append(("data", False, f"{type(error).__name__}: {error}"))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="clv-course", description=_(
        "The Customer Lifetime Value course's command."))
    parser.add_argument("--lang", choices=sorted(LANGUAGES), help=_("language of the messages"))
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help=_("check that everything the course needs is installed"))
    args = parser.parse_args(argv)
    if args.lang:
        set_language(args.lang)
    if args.command == "check":
        results = check_environment()
        for what, ok, detail in results:
            print(f"{_('OK') if ok else _('FAIL'):<5} {what:<22} {detail}")
        failed = [what for what, ok, _detail in results if not ok]
        print(_("All set: the course is ready.") if not failed else
              _("Something is missing: {names}. Run 'make lab' again.").format(
                  names=", ".join(failed)))
        return 1 if failed else 0
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
