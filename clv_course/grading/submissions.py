"""Finding a class's submissions and reading each one safely.

Every file handed in gets a gradebook name that cannot collide with another's
(two ``x.ipynb`` in different folders, a file literally called ``x-2.ipynb``, a
name hundreds of characters long) and keeps its relative path, so every row of
the gradebook leads back to the file. A submitted file is opened without
following links and read only up to its size cap: a symlink, a named pipe or a
huge file is refused with a status, never followed, waited on or read whole.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat

from clv_course.grading.sandbox import UntrustedFile, read_untrusted
from clv_course.i18n import LANGUAGES

MAX_SUBMISSION_BYTES = 20 * 2**20
#: the longest gradebook name; longer ones are cut and made unique by a hash
MAX_NAME = 80
#: a notebook with more code cells than this, or a cell larger, is not run
MAX_CELLS = 2000
MAX_CELL_CHARS = 1_000_000


@dataclass(frozen=True)
class Submission:
    """One file handed in: where it is, its path as handed in, and its gradebook name."""

    path: Path
    relative: str
    name: str


class Refused(Exception):
    """A submitted file the grader will not open; its ``status`` says why."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


def find_submissions(paths: list[Path]) -> list[Submission]:
    """Files given, and every file inside folders given (links not followed), named uniquely."""
    found: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            for folder, subfolders, files in os.walk(path, followlinks=False):
                subfolders[:] = sorted(d for d in subfolders if not d.startswith(".")
                                       and d != ".ipynb_checkpoints")
                for file in sorted(files):
                    if not file.startswith("."):
                        full = Path(folder) / file
                        found.append((full, full.relative_to(path).as_posix()))
        elif path.exists() or path.is_symlink():
            found.append((path, path.name))
    return [Submission(path, relative, name)
            for (path, relative), name in zip(found, unique_names([str(p) for p, _r in found],
                                                                  [r for _p, r in found]))]


def unique_names(keys: list[str], relatives: list[str]) -> list[str]:
    """A safe, unique file name per submission: its relative path, plus a hash where needed.

    The hash is of the submission's whole path, so a class graded again (the same
    files) gets the same names, which resuming depends on.
    """
    def base(relative: str) -> str:
        stem = relative.rsplit(".", 1)[0] if "." in relative.rsplit("/", 1)[-1] else relative
        return re.sub(r"[^A-Za-z0-9_.-]+", "_", stem).strip("._-") or "submission"

    def hashed(name: str, key: str) -> str:
        return f"{name[:MAX_NAME - 9]}-{hashlib.sha256(key.encode()).hexdigest()[:8]}"

    bases = [base(r) for r in relatives]
    names = [b if len(b) <= MAX_NAME else hashed(b, k) for b, k in zip(bases, keys)]
    for attempt in itertools.count():
        seen: dict[str, int] = {}
        for name in names:
            seen[name.casefold()] = seen.get(name.casefold(), 0) + 1
        clashing = [i for i, name in enumerate(names) if seen[name.casefold()] > 1]
        if not clashing:
            return names
        for i in clashing:
            names[i] = hashed(bases[i], f"{keys[i]}#{attempt}")
    raise AssertionError  # pragma: no cover - the loop returns


def read_submission(path: Path) -> bytes:
    """The file's bytes, opened without following a link; :class:`Refused` for anything else."""
    try:
        return read_untrusted(path, MAX_SUBMISSION_BYTES)
    except UntrustedFile as problem:
        raise Refused({"link": "symlink", "too_large": "too_large"}.get(
            problem.reason, "not_a_notebook")) from None


def read_notebook(raw: bytes) -> nbformat.NotebookNode | None:
    """The notebook in ``raw``, outputs dropped and ids made unique; None if it is not one."""
    try:
        with warnings.catch_warnings():  # duplicate ids are repaired below, quietly
            warnings.simplefilter("ignore")
            notebook = nbformat.reads(raw.decode("utf-8"), as_version=4)
        cells = notebook.cells
        if type(cells) is not list:
            return None
    except Exception:  # any parse failure means: not a notebook we can run
        return None
    seen: set[str] = set()
    kept = []
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or cell.get("cell_type") not in ("code", "markdown", "raw") \
                or not isinstance(cell.get("source", ""), str):
            continue
        cell_id = cell.get("id") if isinstance(cell.get("id"), str) else f"cell-{index}"
        cell_id = cell_id[:64]
        if cell_id in seen:
            cell_id = f"{cell_id}-{index}"
        seen.add(cell_id)
        cell["id"] = cell_id
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        kept.append(cell)
    notebook.cells = kept
    return notebook


def too_large(notebook: nbformat.NotebookNode) -> bool:
    """True for a notebook no chapter comes near: too many code cells, or a huge one."""
    code = [c for c in notebook.cells if c.get("cell_type") == "code"]
    return len(code) > MAX_CELLS or any(len(c.get("source", "")) > MAX_CELL_CHARS for c in code)


def language_of(notebook: nbformat.NotebookNode) -> str:
    """The language the notebook says it is in (its feedback is written in it); else English."""
    meta = notebook.metadata.get("clv_course", {}) if isinstance(notebook.metadata, dict) else {}
    meta = meta if isinstance(meta, dict) else {}
    return meta["language"] if meta.get("language") in LANGUAGES else "en"


def claimed_chapter(notebook: nbformat.NotebookNode) -> str | None:
    """The chapter the notebook claims to be (metadata, else its check cells), if any."""
    meta = notebook.metadata.get("clv_course", {}) if isinstance(notebook.metadata, dict) else {}
    meta = meta if isinstance(meta, dict) else {}
    if type(meta.get("chapter")) is str:
        return meta["chapter"]
    sources = " ".join(c.source for c in notebook.cells if c.cell_type == "code")
    found = re.findall(r'check\(\s*["\'](ch\d\d)-', sources)
    return found[0] if found else None
