"""The ``clv-course`` command: check a set-up, release student notebooks, grade a class."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from clv_course.grading.sandbox import CELL_TIMEOUT
from clv_course.i18n import LANGUAGES, _, set_language

def _positive(text: str) -> int:
    """A whole number of seconds above zero, or argparse's own error."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(_("{value!r} is not a whole number of seconds above "
                                           "zero").format(value=text))
    return value


def _chosen_language(argv: list[str] | None) -> str | None:
    """``--lang`` read before the parser is built, so that its own help speaks that language."""
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--lang", choices=sorted(LANGUAGES))
    try:
        known, _rest = early.parse_known_args(argv)
    except SystemExit:  # a wrong --lang: the full parser reports it below
        return None
    return known.lang


def _add_notebook_choice(command: argparse.ArgumentParser, languages: tuple[str, ...]) -> None:
    """--languages, --chapters and --course: which student notebooks a command reads."""
    command.add_argument("--languages", nargs="+", default=list(languages), choices=languages,
                         help=_("languages of the notebooks to write"))
    command.add_argument("--chapters", nargs="+", default=None,
                         help=_("chapter numbers, e.g. 01 02 (default: all)"))
    command.add_argument("--course", type=Path, default=None,
                         help=_("the course folder to release from (default: this installation's)"))


def main(argv: list[str] | None = None) -> int:
    from clv_course.authoring import BUILT_LANGUAGES
    chosen = _chosen_language(argv)
    if chosen:
        set_language(chosen)
    parser = argparse.ArgumentParser(prog="clv-course", description=_(
        "The Customer Lifetime Value course's command."))
    parser.add_argument("--lang", choices=sorted(LANGUAGES), help=_("language of the messages"))
    commands = parser.add_subparsers(dest="command", required=True)
    doctor = commands.add_parser("doctor", help=_(
        "check that everything the course needs is here, and say how to fix what is not"))
    doctor.add_argument("--grader", action="store_true",
                        help=_("also check what grading needs (the sandbox)"))
    commands.add_parser("check", help=_("the same as doctor, without starting a kernel"))
    release = commands.add_parser("release", help=_("write the student notebooks for a class"))
    release.add_argument("--chapters", nargs="+", required=True,
                         help=_("chapter numbers, e.g. 01 02"))
    release.add_argument("--languages", nargs="+", default=["en"], choices=BUILT_LANGUAGES,
                         help=_("languages of the notebooks to write"))
    release.add_argument("--out", type=Path, required=True)
    release.add_argument("--course", type=Path, default=None,
                         help=_("the course folder to release from (default: this installation's)"))
    slides = commands.add_parser("slides", help=_(
        "write each chapter as a reveal.js slide deck that opens offline"))
    slides.add_argument("--out", type=Path, required=True, help=_("folder for the decks"))
    _add_notebook_choice(slides, BUILT_LANGUAGES)
    site = commands.add_parser("site", help=_(
        "write the course as a website that opens offline, every chapter executed"))
    site.add_argument("--out", type=Path, required=True, help=_("folder for the website"))
    _add_notebook_choice(site, BUILT_LANGUAGES)
    site.add_argument("--jobs", type=_positive, default=None,
                      help=_("chapters executed at once (default: the number of cores)"))
    grade = commands.add_parser("grade", help=_("grade a class's submissions"))
    grade.add_argument("submissions", nargs="+", type=Path,
                       help=_("notebooks, folders of them (nbgrader's too), or an LMS's zip"))
    grade.add_argument("--out", type=Path, required=True, help=_("folder for the gradebook"))
    grade.add_argument("--chapter", required=True,
                       help=_("the chapter set for this assignment, e.g. 02"))
    grade.add_argument("--jobs", type=int, default=None,
                       help=_("submissions graded at once (default: cores + 1)"))
    grade.add_argument("--timeout", type=_positive, default=CELL_TIMEOUT,
                       help=_("seconds one cell may run"))
    grade.add_argument("--notebook-timeout", type=_positive, default=None,
                       help=_("seconds a whole notebook may run (default: 5 x --timeout)"))
    grade.add_argument("--no-sandbox", action="store_true",
                       help=_("grade even where no sandbox works (submissions can read your files)"))
    grade.add_argument("--scheduler", default=None, metavar="tcp://HOST:8786",
                       help=_("grade on the workers of this Dask scheduler instead of here"))
    export = commands.add_parser("export", help=_("write a gradebook as an LMS's import file"))
    export.add_argument("gradebook", type=Path, help=_("the folder 'clv-course grade' wrote"))
    export.add_argument("--format", required=True, choices=("canvas", "moodle", "gradescope"))
    export.add_argument("--out", type=Path, default=None,
                        help=_("file (or, for gradescope, folder) to write (default: in the gradebook)"))
    export.add_argument("--assignment", default=None,
                        help=_("the assignment's column name in Canvas (default: CLV and the chapter)"))
    args = parser.parse_args(argv)
    if args.command in ("doctor", "check"):
        from clv_course.doctor import examine, report
        text, status = report(examine(grader=getattr(args, "grader", False),
                                      start_kernel=args.command == "doctor"))
        print(text)
        return status
    if args.command == "release":
        from clv_course.authoring import release as release_notebooks
        written = release_notebooks([c.zfill(2) for c in args.chapters], args.languages, args.out,
                                    course=args.course)
        for path in written:
            print(path)
        if not written:
            print(_("No student notebook matches those chapters."), file=sys.stderr)
        return 0 if written else 1
    if args.command == "slides":
        from clv_course.authoring import student_notebooks
        from clv_course.slides import build
        notebooks = student_notebooks(args.languages, args.chapters, course=args.course)
        if not notebooks:
            print(_("No student notebook matches those chapters."), file=sys.stderr)
            return 1
        for path in build(notebooks, args.out):
            print(path)
        return 0
    if args.command == "site":
        from clv_course.authoring import student_notebooks
        from clv_course.website import SiteError, build as build_site
        notebooks = student_notebooks(args.languages, args.chapters, course=args.course)
        if not notebooks:
            print(_("No student notebook matches those chapters."), file=sys.stderr)
            return 1
        try:
            build_site(notebooks, args.out, jobs=args.jobs, progress=print)
        except SiteError as error:
            print(error, file=sys.stderr)
            return 1
        print(args.out / "index.html")
        return 0
    if args.command == "grade":
        from clv_course.errors import CourseError
        from clv_course.grading.gradebook import grade as grade_class
        from clv_course.grading.sandbox import Limits, sandbox_warning
        warning = sandbox_warning()
        if warning and args.no_sandbox:
            print(warning, file=sys.stderr)
        limits = Limits(cell_timeout=args.timeout,
                        wall_time=args.notebook_timeout or 5 * args.timeout)
        try:
            chapter = "ch" + args.chapter.removeprefix("ch").zfill(2)
            results = grade_class(args.submissions, args.out, chapter=chapter, jobs=args.jobs, limits=limits,
                                  require_sandbox=not args.no_sandbox, scheduler=args.scheduler,
                                  progress=lambda line: print(line, file=sys.stderr))
        except CourseError as error:
            print(error, file=sys.stderr)
            return 2
        print(_("Graded {count} submissions; the gradebook is {path}.").format(
            count=len(results), path=args.out / "grades.csv"))
        return 0
    if args.command == "export":
        from clv_course.errors import CourseError
        from clv_course.grading.exports import export as export_gradebook
        from clv_course.grading.exports import load_results, students_with_several
        try:
            results = load_results(args.gradebook)
            for path in export_gradebook(args.gradebook, args.format, args.out, args.assignment,
                                         results=results):
                print(path)
            several = students_with_several(results)
            if several and args.format != "gradescope":
                print(_("{count} students handed in more than one file; each got the points of "
                        "their best one: {students}").format(
                    count=len(several), students=", ".join(several[:20])), file=sys.stderr)
        except CourseError as error:
            print(error, file=sys.stderr)
            return 2
        return 0
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
