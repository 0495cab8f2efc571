"""``clv-course doctor``: is everything the course needs here, and if not, what fixes it.

Each check gives a :class:`Finding`: what was looked at, whether it is fine, what
was seen, and, when it is not fine, the one command that fixes it. The command's
exit status is 0 only when every finding is fine, so a teacher can run it in a
class's set-up script.
"""

from __future__ import annotations

import hashlib
import importlib
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from clv_course.i18n import _

DISTRIBUTION = "clv-course"
#: sha256sum-style list of every data file, next to the files (``datasets/SHA256SUMS``)
CHECKSUMS = "SHA256SUMS"
#: distribution name -> import name, where they differ
IMPORT_NAMES = {"jupyter-client": "jupyter_client", "pyzmq": "zmq", "ipython": "IPython",
                "pyyaml": "yaml", "py3langid": "py3langid"}
#: JupyterLab's language pack for each course language but English
LANGUAGE_PACKS = {"de": "jupyterlab-language-pack-de-DE", "da": "jupyterlab-language-pack-da-DK",
                  "it": "jupyterlab-language-pack-it-IT"}


@dataclass(frozen=True)
class Finding:
    """One thing the doctor looked at."""

    what: str
    ok: bool
    detail: str
    fix: str = ""  # the command that fixes it, when not ok


# --- packages ----------------------------------------------------------------------------------

def requirements(distribution: str = DISTRIBUTION) -> list[tuple[str, str]]:
    """(name, lower bound) of each runtime dependency the installed course declares."""
    found = []
    for requirement in metadata.requires(distribution) or []:
        if "extra ==" in requirement:
            continue
        match = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(?:>=\s*([^,;\s]+))?", requirement)
        if match:
            found.append((match.group(1), match.group(2) or ""))
    return found


def _release(version: str) -> tuple[int, ...]:
    """The numeric release of a version (4.2.post0 -> (4, 2, 0)), enough to compare bounds."""
    parts = [int(number) for number in re.findall(r"\d+", version.split("+")[0])][:4]
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def check_package(name: str, lower: str, *,
                  version_of: Callable[[str], str] = metadata.version,
                  importer: Callable[[str], object] = importlib.import_module) -> Finding:
    """Whether one dependency is installed, importable and at least its declared version."""
    fix = f'{sys.executable} -m pip install "{name}>={lower}"' if lower else \
        f"{sys.executable} -m pip install {name}"
    try:
        version = version_of(name)
    except metadata.PackageNotFoundError:
        return Finding(name, False, _("not installed"), fix)
    if lower and _release(version) < _release(lower):
        return Finding(name, False, _("{version} is older than {lower}, which the course "
                                      "needs").format(version=version, lower=lower), fix)
    module = IMPORT_NAMES.get(name.lower(), name.lower().replace("-", "_"))
    if not name.lower().startswith("jupyterlab-language-pack"):
        try:
            importer(module)
        except Exception as error:  # any failure to import is what the learner must know
            return Finding(name, False, _("{version} is installed but does not import: "
                                          "{error}").format(version=version, error=error), fix)
    return Finding(name, True, version)


def check_python() -> Finding:
    version = ".".join(map(str, sys.version_info[:3]))
    ok = sys.version_info >= (3, 11)
    return Finding("Python", ok, version, "" if ok else _(
        "install Python 3.11 or newer, then run: make lab"))


# --- kernel, data, language packs, sandbox -------------------------------------------------------

def check_kernel() -> Finding:
    """A Python kernel JupyterLab can start for the notebooks."""
    fix = f"{sys.executable} -m ipykernel install --user"
    try:
        from jupyter_client.kernelspec import KernelSpecManager
        specs = KernelSpecManager().find_kernel_specs()
    except Exception as error:
        return Finding(_("kernel"), False, str(error), fix)
    if "python3" not in specs:
        return Finding(_("kernel"), False, _("no Python kernel is installed"), fix)
    return Finding(_("kernel"), True, "python3")


def data_files(folder: Path) -> dict[str, str]:
    """relative path -> expected sha256, from the folder's checksum list."""
    listed = {}
    for line in (folder / CHECKSUMS).read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            listed[name.lstrip("*")] = digest
    return listed


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_datasets(folder: Path | None = None) -> list[Finding]:
    """Every data file present and byte for byte the one the course was made with."""
    from clv_course.datasets import datasets_dir
    folder = folder or datasets_dir()
    fix = (_("restore the data: git checkout -- datasets (in a copy of the course), or "
             "{python} -m pip install --force-reinstall clv-course").format(python=sys.executable))
    try:
        listed = data_files(folder)
    except OSError:
        return [Finding(_("data"), False, _("no checksum list in {folder}").format(folder=folder),
                        fix)]
    findings = []
    for name, expected in sorted(listed.items()):
        path = folder / name
        if not path.is_file():
            findings.append(Finding(f"data:{name}", False, _("missing"), fix))
        elif sha256(path) != expected:
            findings.append(Finding(f"data:{name}", False,
                                    _("changed or damaged (its checksum differs)"), fix))
        else:
            findings.append(Finding(f"data:{name}", True, _("intact")))
    return findings


def check_language_packs(languages: Iterable[str]) -> list[Finding]:
    """JupyterLab's language pack for each course language that has one."""
    return [check_package(LANGUAGE_PACKS[code], "") for code in languages if code in LANGUAGE_PACKS]


def check_sandbox() -> Finding:
    """Whether the grader can contain a submission (bubblewrap, user namespaces, root)."""
    from clv_course.grading.sandbox import sandbox_warning
    warning = sandbox_warning()
    if warning is None:
        return Finding(_("sandbox"), True, _("bubblewrap works"))
    return Finding(_("sandbox"), False, warning,
                   _("as root: apt-get install -y bubblewrap, then grade as root"))


# --- all of it -----------------------------------------------------------------------------------

def examine(*, grader: bool = False, start_kernel: bool = True) -> list[Finding]:
    """Every finding, in the order a learner would fix them."""
    from clv_course.authoring import BUILT_LANGUAGES
    findings = [check_python()]
    findings += [check_package(name, lower) for name, lower in requirements()
                 if not name.lower().startswith("jupyterlab-language-pack")]
    if start_kernel:
        findings.append(check_kernel())
    findings += check_datasets()
    findings += check_language_packs(BUILT_LANGUAGES)
    if grader:
        findings.append(check_sandbox())
    return findings


def report(findings: list[Finding]) -> tuple[str, int]:
    """The doctor's text, and its exit status (0: all is well)."""
    lines = []
    for finding in findings:
        mark = _("OK") if finding.ok else _("FAIL")
        lines.append(f"{mark:<5} {finding.what:<34} {finding.detail}")
        if not finding.ok and finding.fix:
            lines.append("      " + _("fix: {command}").format(command=finding.fix))
    problems = [f for f in findings if not f.ok]
    lines.append(_("All set: the course is ready.") if not problems else
                 _("{count} problem(s): run the fix under each FAIL, then clv-course doctor "
                   "again.").format(count=len(problems)))
    return "\n".join(lines), 1 if problems else 0
