"""From the English master notebooks to the notebooks learners and teachers open.

Authors write each chapter once, in ``masters/NN_name.ipynb``, with every
exercise's solution between marker lines::

    ### BEGIN SOLUTION
    shop_aov = revenue / orders
    ### END SOLUTION

``build`` writes, for each master,

- ``notebooks/<lang>/NN_name.ipynb``, the student notebook: each solution becomes
  a placeholder (``shop_aov = ...`` for a name the solution assigns, ``...`` inside
  a function body), so the notebook still runs from top to bottom;
- ``solutions/<lang>/NN_name.ipynb``: the master without the marker lines.

Both are stored without outputs, with the master's cell ids. Nobody edits them
by hand: ``python -m clv_course.authoring --check`` (and a test) fails when one
is stale.

Every language in ``BUILT_LANGUAGES`` other than English is generated from the
same master with its prose and comments taken from ``translations/<lang>.po``
(:mod:`clv_course.translation`); a missing, fuzzy or broken translation fails
the build, naming the cell.
"""

from __future__ import annotations

import argparse
import ast
import copy
import sys
import textwrap
from pathlib import Path

import nbformat

from clv_course import translation
from clv_course.i18n import _, set_language

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
ROOT = Path(__file__).resolve().parents[1]
MASTERS = "masters"
STUDENT = "notebooks"
SOLUTION = "solutions"
#: the languages whose notebooks are generated; a language joins only once its catalog,
#: translations/<lang>.po, is complete (``python -m clv_course.translation check <lang>``)
BUILT_LANGUAGES = ("en", "de", "da", "it")


class MarkerError(ValueError):
    """A master whose solution markers do not pair up."""


def masters(root: Path = ROOT) -> list[Path]:
    """The master notebooks, in chapter order."""
    return sorted((root / MASTERS).glob("[0-9][0-9]_*.ipynb"))


def chapter_of(path: Path) -> str:
    """``02_components.ipynb`` -> ``ch02``: the chapter (and exercise prefix) of a notebook."""
    return f"ch{path.name[:2]}"


def placeholder_source(solution: str, indent: str) -> str:
    """The placeholder for one solution block, keeping its indentation."""
    comment = _("your code here")
    if indent:
        return f"{indent}...  # {comment}"
    names: list[str] = []
    try:
        tree = ast.parse(textwrap.dedent(solution))
    except SyntaxError:
        tree = ast.Module(body=[], type_ignores=[])
    for statement in tree.body:
        targets = []
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
            targets = [statement.target]
        elif isinstance(statement, (ast.FunctionDef, ast.ClassDef)):
            names.append(statement.name)
        for target in targets:
            for node in ast.walk(target):
                if isinstance(node, ast.Name) and node.id not in names:
                    names.append(node.id)
    if not names:
        return f"...  # {comment}"
    return "\n".join(f"{name} = ...  # {comment}" for name in names)


def strip_solutions(source: str, *, keep: bool) -> str:
    """``source`` with each marked block kept (solution) or replaced (student)."""
    out: list[str] = []
    block: list[str] | None = None
    indent = ""
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped == BEGIN:
            if block is not None:
                raise MarkerError(_("A solution block starts inside another one."))
            block, indent = [], line[: len(line) - len(line.lstrip())]
        elif stripped == END:
            if block is None:
                raise MarkerError(_("A solution block ends without having started."))
            out.extend(block if keep else [placeholder_source("\n".join(block), indent)])
            block = None
        elif block is not None:
            block.append(line)
        else:
            out.append(line)
    if block is not None:
        raise MarkerError(_("A solution block is never closed."))
    return "\n".join(out)


def has_solution(source: str) -> bool:
    return any(line.strip() == BEGIN for line in source.split("\n"))


def derive(master: nbformat.NotebookNode, *, student: bool, chapter: str,
           language: str = "en") -> nbformat.NotebookNode:
    """The student (``student=True``) or solution notebook of a master, without outputs.

    Its metadata names the chapter and language, so the grader knows which
    exercises and which language a submission has, whatever its file is called.
    """
    notebook = copy.deepcopy(master)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
            if has_solution(cell.source):
                cell.source = strip_solutions(cell.source, keep=not student)
        cell.metadata.pop("execution", None)
    notebook.metadata.pop("widgets", None)
    notebook.metadata["clv_course"] = {"chapter": chapter, "language": language}
    return notebook


def rendered(notebook: nbformat.NotebookNode) -> str:
    return nbformat.writes(notebook) + "\n"


def targets(master: Path, language: str, root: Path = ROOT) -> dict[Path, bool]:
    """Generated path -> whether it is the student notebook."""
    return {root / STUDENT / language / master.name: True,
            root / SOLUTION / language / master.name: False}


def expected_files(root: Path = ROOT, languages: tuple[str, ...] | None = None) -> dict[Path, str]:
    """Every generated notebook and the text it should have, for the built languages.

    Raises ``translation.TranslationError`` listing every cell of a built language
    that cannot be translated, or that would not match the English notebook.
    """
    files = {}
    problems: list[str] = []
    try:
        for language in BUILT_LANGUAGES if languages is None else languages:
            set_language(language)
            catalog = None
            if language != "en":
                path = translation.catalog_path(language, root)
                if not path.exists():
                    problems.append(f"{language}: {path.relative_to(root)} does not exist")
                    continue
                catalog = translation.read_catalog(path, language)
            for master in masters(root):
                english = nbformat.read(master, as_version=4)
                notebook = english
                if catalog is not None:
                    try:
                        notebook = translation.translate(english, catalog,
                                                         where=f"{language}/{master.name}")
                    except translation.TranslationError as error:
                        problems += error.problems
                        continue
                for path, student in targets(master, language, root).items():
                    derived = derive(notebook, student=student, language=language,
                                     chapter=chapter_of(master))
                    if catalog is not None:
                        reference = derive(english, student=student, language=language,
                                           chapter=chapter_of(master))
                        problems += [f"{path.relative_to(root)}: {problem}" for problem
                                     in translation.parity_problems(reference, derived)]
                    files[path] = rendered(derived)
    finally:
        set_language("en")
    if problems:
        raise translation.TranslationError(problems)
    return files


def stale_files(root: Path = ROOT, languages: tuple[str, ...] | None = None) -> list[Path]:
    """Generated notebooks that are missing or differ from their master."""
    return [path for path, text in expected_files(root, languages).items()
            if not path.exists() or path.read_text(encoding="utf-8") != text]


def build(root: Path = ROOT, languages: tuple[str, ...] | None = None) -> list[Path]:
    """Write every stale generated notebook; returns the paths written."""
    written = []
    for path, text in expected_files(root, languages).items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            written.append(path)
    return written


def student_notebooks(languages: list[str], chapters: list[str] | None = None,
                      course: Path | None = None) -> list[Path]:
    """The student notebooks of ``chapters`` (e.g. "02"; all if None) in ``languages``.

    ``course`` is a course folder (a checkout, with ``notebooks/``); by default the
    one this package was installed from.
    """
    source_root = (course or ROOT) / STUDENT
    found = []
    for language in languages:
        for chapter in chapters if chapters is not None else ["[0-9][0-9]"]:
            found += sorted((source_root / language).glob(f"{chapter.zfill(2)}_*.ipynb"))
    return found


def release(chapters: list[str], languages: list[str], out: Path,
            course: Path | None = None) -> list[Path]:
    """Copy the student notebooks of ``chapters`` (e.g. "02") in ``languages`` into ``out``."""
    written = []
    for source in student_notebooks(languages, chapters, course):
        target = out / source.parent.name / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
        written.append(target)
    return written


def main(argv: list[str] | None = None, root: Path | None = None) -> int:
    parser = argparse.ArgumentParser(description=_("Generate the student and solution notebooks "
                                                   "from the masters."))
    parser.add_argument("--check", action="store_true", help=_("only report stale notebooks"))
    args = parser.parse_args(argv)
    root = root or ROOT
    try:
        paths = stale_files(root) if args.check else build(root)
    except translation.TranslationError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    for path in paths:
        print(path.relative_to(root))
    return 1 if (args.check and paths) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
