"""Where a class's submissions come from, and whose each one is.

An instructor's class rarely arrives as a flat folder. Three layouts are read
as they are, with the student id taken from where the layout keeps it:

- **nbgrader**: the course folder's ``submitted/<student>/<assignment>/<notebook>.ipynb``
  (what ``nbgrader collect`` makes), or the exchange's
  ``inbound/<student>+<assignment>+<timestamp>[+<random>]/<notebook>.ipynb``
  (only each student's newest hand-in counts, as nbgrader itself collects it);
- **an LMS zip**, read without unpacking: Canvas names each file
  ``<name>[_LATE]_<user id>_<submission id>_<file>``; Moodle puts each
  participant's files under ``<Full Name>_<participant id>_assignsubmission_file_``;
- **a plain folder**: a file at its top is the student of its name
  (``alice.ipynb``), a file in a sub-folder the student of that folder
  (``alice/ch04.ipynb``).

Nothing here opens a submitted file; :mod:`~clv_course.grading.submissions` does,
safely.
"""

from __future__ import annotations

import os
import pwd
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

#: an nbgrader inbound hand-in whose maker this machine cannot check (its id is no user here)
UNCHECKED = "nbgrader-unchecked"

_NBGRADER_INBOUND = re.compile(r"^(?P<student>[^+/]+)\+(?P<assignment>[^+/]+)\+(?P<time>[^+/]+)"
                               r"(?:\+[^/]*)?$")
_CANVAS = re.compile(r"^(?P<name>[^_/]+)(?:_LATE)?_(?P<user>\d+)_(?P<submission>\d+)_(?P<file>[^/]+)$")
# Moodle's folder per participant ends with the marker; a flat name has the learner's own file
# name after it, so there the first marker counts (a file name cannot claim another's number)
_MOODLE_FOLDER = re.compile(r"_(?P<participant>\d+)_assignsubmission_(?:file|onlinetext)_$")
_MOODLE_FLAT = re.compile(r"^(?P<name>[^/]+?)_(?P<participant>\d+)_assignsubmission_"
                          r"(?:file|onlinetext)_(?P<file>[^/]*)$")


@dataclass(frozen=True)
class Owner:
    """Whose a file is: the student id and the layout it was read from."""

    student: str
    source: str


def owner_in_folder(relative: str, folder_name: str) -> Owner | None:
    """Whose the file at ``relative`` (inside a folder called ``folder_name``) is.

    None means: not a hand-in of this layout (nbgrader's ``timestamp.txt``, an
    older hand-in of the same student, ...): the file is not graded.
    """
    parts = PurePosixPath(relative).parts
    nbgrader = _nbgrader_owner(parts, folder_name)
    if nbgrader is not None:
        return nbgrader or None
    if len(parts) == 1:
        return Owner(PurePosixPath(parts[0]).stem, "folder")
    return Owner(parts[0], "folder")


def _nbgrader_owner(parts: tuple[str, ...], folder_name: str) -> Owner | bool | None:
    """An nbgrader hand-in's owner; False for a file of the layout that is not one; else None.

    ``submitted/`` counts only as the folder given or right inside it, never inside
    ``inbound/`` (which every student can write); in ``inbound/`` only a notebook
    right inside a ``<student>+<assignment>+<time>`` folder is a hand-in.
    """
    chain = (folder_name, *parts)
    handin = inbound_handin(parts, folder_name)
    if handin is not None:
        student, depth = handin
        return Owner(student, "nbgrader") if chain[-1].endswith(".ipynb") and \
            len(parts) == depth + 1 else False
    if "inbound" in chain[:-1]:
        return False  # anything else in the exchange is no one's hand-in
    for i in (0, 1):
        if chain[i] == "submitted" and len(chain) - i == 4:  # submitted/<student>/<assignment>/<file>
            return Owner(chain[i + 1], "nbgrader") if chain[-1].endswith(".ipynb") else False
    return None


def inbound_handin(parts: tuple[str, ...], folder_name: str) -> tuple[str, int] | None:
    """For a file under nbgrader's ``inbound/``: the student its hand-in folder names, and
    how many parts of ``parts`` lead to that folder; None for a file outside ``inbound/``."""
    chain = (folder_name, *parts)
    if "inbound" not in chain[:-2]:
        return None
    i = chain.index("inbound")
    found = _NBGRADER_INBOUND.match(chain[i + 1])
    return (found["student"], i + 1) if found else None


def not_the_students(folder: Path, student: str) -> bool | None:
    """Whether an inbound folder named for ``student`` was made by another user.

    nbgrader's inbound folder is writable by every student, so anyone can make a
    folder named ``victim+ps1+...``; where the machine knows the user ``student``,
    only a folder that user owns is theirs. None: this machine cannot tell (the
    id is no user here, as on a hub whose learners all share one uid).
    """
    try:
        expected = pwd.getpwnam(student).pw_uid
    except (KeyError, ValueError):
        return None
    try:
        return os.lstat(folder).st_uid != expected or not os.path.isdir(folder) \
            or os.path.islink(folder)
    except OSError:
        return True


def newest_inbound(relatives: list[str], folder_name: str) -> set[str]:
    """The files that are not each student's newest hand-in in an nbgrader inbound folder."""
    newest: dict[tuple[str, str, str], tuple[str, str]] = {}
    older: set[str] = set()
    for relative in relatives:
        parts = PurePosixPath(relative).parts
        if inbound_handin(parts, folder_name) is None:
            continue
        chain = (folder_name, *parts)
        found = _NBGRADER_INBOUND.match(chain[-2])
        if not found:
            continue
        key = (found["student"], found["assignment"], chain[-1])
        if key in newest and newest[key][0] >= found["time"]:
            older.add(relative)
            continue
        if key in newest:
            older.add(newest[key][1])
        newest[key] = (found["time"], relative)
    return older


def owner_in_archive(member: str) -> Owner:
    """Whose the archive member is: Canvas and Moodle names carry an id, other files their name.

    The LMS's own prefix is matched at the start of the name, Canvas's first: the
    learner names only what follows it, so an uploaded file name cannot borrow an id.
    """
    parts = _name_parts(member) or ("submission",)
    canvas = _CANVAS.match(parts[-1]) if len(parts) == 1 else None
    if canvas:
        return Owner(canvas["user"], "canvas")
    for part in parts[:-1]:
        moodle = _MOODLE_FOLDER.search(part)
        if moodle:
            return Owner(moodle["participant"], "moodle")
    moodle = _MOODLE_FLAT.match(parts[-1]) if len(parts) == 1 else None
    if moodle:
        return Owner(moodle["participant"], "moodle")
    return Owner(parts[0] if len(parts) > 1 else PurePosixPath(parts[0]).stem, "folder")


def skipped_member(member: str) -> bool:
    """Archive entries that are no one's hand-in: folders, macOS metadata, hidden files."""
    parts = _name_parts(member)
    return (not parts or member.endswith("/") or parts[0] == "__MACOSX"
            or any(p.startswith(".") for p in parts) or ".ipynb_checkpoints" in parts)


def _name_parts(member: str) -> tuple[str, ...]:
    """A member's name as parts, without root, ``.`` or ``..``: it is only ever a name here."""
    return tuple(p for p in PurePosixPath(member).parts if p not in ("/", ".", ".."))
