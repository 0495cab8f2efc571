"""The ``clv-course`` command: check a set-up, release student notebooks, grade a class."""

from __future__ import annotations

import argparse
import importlib
import sys
from importlib import metadata
from pathlib import Path

from clv_course.i18n import LANGUAGES, _, set_language

#: import name -> distribution name, for every runtime dependency
RUNTIME_MODULES = {"jupyterlab": "jupyterlab", "ipykernel": "ipykernel", "pandas": "pandas",
                   "numpy": "numpy", "scipy": "scipy", "matplotlib": "matplotlib",
                   "ipywidgets": "ipywidgets", "babel": "babel", "nbformat": "nbformat",
                   "nbclient": "nbclient"}


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
    release = commands.add_parser("release", help=_("write the student notebooks for a class"))
    release.add_argument("--chapters", nargs="+", required=True,
                         help=_("chapter numbers, e.g. 01 02"))
    release.add_argument("--languages", nargs="+", default=["en"], choices=sorted(LANGUAGES))
    release.add_argument("--out", type=Path, required=True)
    grade = commands.add_parser("grade", help=_("grade a class's submissions"))
    grade.add_argument("submissions", nargs="+", type=Path,
                       help=_("notebooks, or folders of them"))
    grade.add_argument("--out", type=Path, required=True, help=_("folder for the gradebook"))
    grade.add_argument("--jobs", type=int, default=None,
                       help=_("submissions graded at once (default: cores + 1)"))
    grade.add_argument("--timeout", type=int, default=60, help=_("seconds one cell may run"))
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
    if args.command == "release":
        from clv_course.grading.gradebook import release as release_notebooks
        written = release_notebooks([c.zfill(2) for c in args.chapters], args.languages, args.out)
        for path in written:
            print(path)
        if not written:
            print(_("No student notebook matches those chapters."), file=sys.stderr)
        return 0 if written else 1
    if args.command == "grade":
        from clv_course.grading.gradebook import grade as grade_class
        from clv_course.grading.sandbox import Limits, sandbox_warning
        warning = sandbox_warning()
        if warning:
            print(warning, file=sys.stderr)
        limits = Limits(cell_timeout=args.timeout, wall_time=max(600, args.timeout * 10))
        results = grade_class(args.submissions, args.out, jobs=args.jobs, limits=limits,
                              progress=lambda line: print(line, file=sys.stderr))
        print(_("Graded {count} submissions; the gradebook is {path}.").format(
            count=len(results), path=args.out / "grades.csv"))
        return 0
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
