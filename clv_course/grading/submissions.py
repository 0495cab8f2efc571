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
import stat
import threading
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType

import nbformat

from clv_course.grading.layouts import (UNCHECKED, Owner, inbound_handin, newest_inbound,
                                        not_the_students, owner_in_archive, owner_in_folder,
                                        skipped_member)
from clv_course.grading.sandbox import (UntrustedFile, file_identity, open_untrusted,
                                        read_untrusted)
from clv_course.i18n import LANGUAGES

MAX_SUBMISSION_BYTES = 20 * 2**20
#: the longest gradebook name; longer ones are cut and made unique by a hash
MAX_NAME = 80
#: a notebook with more code cells than this, or a cell larger, is not run
MAX_CELLS = 2000
MAX_CELL_CHARS = 1_000_000
#: an archive with more entries than this is not a class's export
MAX_ARCHIVE_MEMBERS = 200_000
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Submission:
    """One file handed in: where it is, its path as handed in, its gradebook name, whose it is.

    ``member`` is the file's name inside the zip archive at ``path``, or None for a
    plain file; ``student`` is the id the layout gives it and ``id_source`` that
    layout (see :mod:`~clv_course.grading.layouts`).
    """

    path: Path
    relative: str
    name: str
    student: str = ""
    id_source: str = "folder"
    member: str | None = None
    #: a status the file gets without being read (it is not the hand-in it claims to be)
    refused: str = ""
    #: (device, inode) of the file when it was found: a file swapped since is not read
    identity: tuple[int, int] | None = None


class Refused(Exception):
    """A submitted file the grader will not open; its ``status`` says why."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


def find_submissions(paths: list[Path]) -> list[Submission]:
    """Files given, files inside folders given (links not followed), and members of zips given.

    Each gets a unique gradebook name and the student id its layout carries.
    """
    found: list[tuple[Path, str, str | None, Owner | str]] = []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            found += _in_folder(path)
        elif _is_zip(path) and (listed := archive_members(path)) is not None:
            members, left_out = listed
            found += [(path, f"{path.name}/{member}", member, owner_in_archive(member))
                      for member in members]
            if left_out:  # reported as one row, never dropped in silence
                rest = f"+{left_out} more entries"
                found.append((path, f"{path.name}/{rest}", rest, "too_large"))
        elif path.exists() or path.is_symlink():  # a broken zip too: graded as not a notebook
            found.append((path, path.name, None, Owner(path.stem, "folder")))
    unique: dict[str, tuple[Path, str, str | None, Owner | str]] = {}
    for entry in found:  # a folder given twice, or a name twice in one zip, is one hand-in
        unique.setdefault(f"{entry[0]}#{entry[2]}" if entry[2] else str(entry[0]), entry)
    names = unique_names(list(unique), [r for _p, r, _m, _o in unique.values()])
    return [Submission(path, relative, name, owner.student[:200], owner.source, member,
                       identity=None if member else file_identity(path))
            if isinstance(owner, Owner) else Submission(path, relative, name, refused=owner)
            for (path, relative, member, owner), name in zip(unique.values(), names)]


def _in_folder(folder: Path) -> list[tuple[Path, str, None, Owner | str]]:
    """Every hand-in in ``folder`` with its owner; files no layout counts are left out.

    An nbgrader inbound hand-in made by someone other than the student it names is
    kept, owned by no one, with the status ``not_the_students``, and never counts
    as that student's newest.
    """
    files: list[str] = []
    for where, subfolders, names in os.walk(folder, followlinks=False):
        subfolders[:] = sorted(d for d in subfolders if not d.startswith(".")
                               and d != ".ipynb_checkpoints")
        files += [(Path(where) / n).relative_to(folder).as_posix()
                  for n in sorted(names) if not n.startswith(".")]
    checks: dict[str, bool | None] = {}  # relative file -> made by another user?
    for relative in files:
        parts = PurePosixPath(relative).parts
        handin = inbound_handin(parts, folder.name)
        if handin is not None:
            checks[relative] = not_the_students(folder.joinpath(*parts[:handin[1]]), handin[0])
    # only hand-ins whose maker is known compete for "newest": an unchecked one never hides another
    older = newest_inbound([r for r in files if checks.get(r, False) is False], folder.name)
    found: list[tuple[Path, str, None, Owner | str]] = []
    for relative in files:
        owner = owner_in_folder(relative, folder.name)
        if owner is None or relative in older:
            continue
        if checks.get(relative) is True:
            found.append((folder / relative, relative, None, "not_the_students"))
        elif relative in checks and checks[relative] is None:
            found.append((folder / relative, relative, None, Owner(owner.student, UNCHECKED)))
        else:
            found.append((folder / relative, relative, None, owner))
    return found


def _is_zip(path: Path) -> bool:
    """A regular file that starts like a zip archive (never a link, never a pipe)."""
    try:
        with open_untrusted(path) as stream:
            return stream.read(4) == _ZIP_MAGIC
    except (UntrustedFile, OSError):
        return False


def archive_members(path: Path) -> tuple[list[str], int] | None:
    """The names of the hand-ins in a zip, in order, and how many entries past the cap were
    left out; None if it is not a readable zip."""
    try:
        with open_untrusted(path) as stream, zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
    except (UntrustedFile, OSError, zipfile.BadZipFile, ValueError, EOFError):
        return None
    return (sorted(info.filename for info in infos[:MAX_ARCHIVE_MEMBERS]
                   if not skipped_member(info.filename)),
            max(0, len(infos) - MAX_ARCHIVE_MEMBERS))


def unique_names(keys: list[str], relatives: list[str]) -> list[str]:
    """A safe, unique file name per submission: its relative path, plus a hash where needed.

    The hash is of the submission's whole path, so a class graded again (the same
    files) gets the same names, which resuming depends on.
    """
    def base(relative: str) -> str:
        stem = relative.rsplit(".", 1)[0] if "." in relative.rsplit("/", 1)[-1] else relative
        safe = re.sub(r"\.\.+", "", re.sub(r"[^A-Za-z0-9_.-]+", "_", stem))
        return safe.strip("._-") or "submission"

    def hashed(name: str, key: str) -> str:
        digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()
        return f"{name[:MAX_NAME - 9]}-{digest[:8]}"

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


def read_submission(path: Path, identity: tuple[int, int] | None = None) -> bytes:
    """The file's bytes, opened without following a link; :class:`Refused` for anything else.

    With ``identity``, a file that is not the one found then is refused as ``changed``.
    """
    try:
        return read_untrusted(path, MAX_SUBMISSION_BYTES, identity)
    except UntrustedFile as problem:
        raise Refused({"link": "symlink", "too_large": "too_large", "changed": "changed"}.get(
            problem.reason, "not_a_notebook")) from None


class SubmissionReader:
    """Reads each submission's bytes: a plain file directly, a zip member from its archive.

    An archive is opened once (without following a link) and shared by the
    threads that grade it; a member is read only up to the size cap, whatever
    its header claims, so a zip bomb costs no more than one large notebook.
    """

    def __init__(self) -> None:
        self._archives: dict[Path, zipfile.ZipFile] = {}
        self._lock = threading.Lock()

    def read(self, submission: Submission) -> bytes:
        if submission.refused:
            raise Refused(submission.refused)
        if submission.member is None:
            return read_submission(submission.path, submission.identity)
        archive = self._archive(submission.path)
        try:
            info = archive.getinfo(submission.member)
            if stat.S_ISLNK(info.external_attr >> 16):
                raise Refused("symlink")
            if info.file_size > MAX_SUBMISSION_BYTES:
                raise Refused("too_large")
            with archive.open(info) as stream:
                raw = stream.read(MAX_SUBMISSION_BYTES + 1)
        except Refused:
            raise
        except Exception:  # encrypted, corrupt, an unknown compression: not a notebook we can open
            raise Refused("not_a_notebook") from None
        if len(raw) > MAX_SUBMISSION_BYTES:
            raise Refused("too_large")
        return raw

    def _archive(self, path: Path) -> zipfile.ZipFile:
        with self._lock:
            if path not in self._archives:
                stream = None
                try:
                    stream = open_untrusted(path)
                    self._archives[path] = zipfile.ZipFile(stream)
                except (UntrustedFile, OSError, zipfile.BadZipFile, ValueError, EOFError):
                    if stream is not None:
                        stream.close()
                    raise Refused("not_a_notebook") from None
            return self._archives[path]

    def close(self) -> None:
        with self._lock:
            for archive in self._archives.values():
                archive.fp.close() if archive.fp else None
                archive.close()
            self._archives.clear()

    def __enter__(self) -> SubmissionReader:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.close()


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
