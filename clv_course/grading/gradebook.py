"""Grade a class: every submission in its own contained process, judged here, written safely.

``grade(paths, out)`` runs each submission through :mod:`~clv_course.grading.execute`
in a sandbox (see :mod:`~clv_course.grading.sandbox`), several at once, reads
back only the plain answers, judges them in this process on the class's fresh
data variant, and writes ``grades.csv``, ``results.json`` and one localized
``feedback/<submission>.html`` each. Every file is written atomically. A
submission that cannot be graded gets a status and the points it earned; it
never stops the others. Results are kept per submission in ``.state/``, so a
second run skips what is done and an interrupted one picks up where it stopped.
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import json
import os
import queue
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat

from clv_course.exercises import chapter_exercises, registry
from clv_course.grading.runner import judge_answers
from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file

from clv_course.grading.execute import Kernel, execute
from clv_course.grading.sandbox import (Limits, bwrap_path, limit_setter, next_uid,
                                        prepare_scratch, sandbox_command)
from clv_course.i18n import LANGUAGES, N_, _, get_language, set_language

#: version of how grades are computed: a change invalidates kept results
GRADER_VERSION = "1"
MAX_SUBMISSION_BYTES = 20 * 2**20
MAX_REPORT_BYTES = 5 * 2**20


@dataclass(frozen=True)
class Submission:
    """One file handed in: where it is and the name it has in the gradebook."""

    path: Path
    name: str


def find_submissions(paths: list[Path]) -> list[Submission]:
    """Files given, and every file inside folders given, with unique gradebook names."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file()
                            and ".ipynb_checkpoints" not in p.parts and not p.name.startswith("."))
        elif path.is_file():
            files.append(path)
    names: dict[str, int] = {}
    found = []
    for file in files:
        base = re.sub(r"[^A-Za-z0-9_.-]+", "_", file.stem) or "submission"
        names[base] = names.get(base, 0) + 1
        found.append(Submission(file, base if names[base] == 1 else f"{base}-{names[base]}"))
    return found


# ------------------------------------------------------------------------ one submission

def read_notebook(raw: bytes) -> nbformat.NotebookNode | None:
    """The notebook in ``raw``, outputs dropped and ids made unique; None if it is not one."""
    if len(raw) > MAX_SUBMISSION_BYTES:
        return None
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


def identify(notebook: nbformat.NotebookNode, name: str) -> tuple[str | None, str]:
    """(chapter, language) from the notebook's metadata, else its checks or its name."""
    chapters = {exercise.chapter for exercise in registry().values()}
    meta = notebook.metadata.get("clv_course", {}) if isinstance(notebook.metadata, dict) else {}
    meta = meta if isinstance(meta, dict) else {}
    language = meta.get("language") if meta.get("language") in LANGUAGES else "en"
    chapter = meta.get("chapter") if meta.get("chapter") in chapters else None
    if chapter is None:
        sources = " ".join(c.source for c in notebook.cells if c.cell_type == "code")
        found = re.findall(r'check\(\s*["\'](ch\d\d)-', sources)
        chapter = found[0] if found and found[0] in chapters else None
    if chapter is None and re.match(r"\d\d_", name) and f"ch{name[:2]}" in chapters:
        chapter = f"ch{name[:2]}"
    return chapter, language


class SandboxedKernel(Kernel):
    """A kernel in its own bubblewrap sandbox (when available), under the limits.

    The grader talks to it through Unix sockets in the submission's scratch
    folder, the one path both sides see; the kernel has no network at all.
    """

    def __init__(self, env: dict[str, str], scratch: Path, limits: Limits) -> None:
        connection = scratch / "kernel.json"
        write_connection_file(str(connection), transport="ipc", ip=str(scratch / "kernel-ipc"))
        self.uid = next_uid()
        prepare_scratch(scratch, self.uid)
        argv = [sys.executable, "-m", "ipykernel_launcher", "-f", str(connection),
                "--HistoryManager.enabled=False"]
        sandboxed = bwrap_path() is not None
        # the kernel's own messages go to a file the instructor may read when it fails to start
        self.log = scratch.parent / f"{scratch.name}-kernel-{self.uid}.log"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                sandbox_command(argv, scratch, self.uid) if sandboxed else argv, env=env,
                cwd=scratch, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                preexec_fn=limit_setter(limits, sandboxed=sandboxed))
        self.client = BlockingKernelClient(connection_file=str(connection))
        self.client.load_connection_file()
        self.client.start_channels(hb=False)
        try:
            self._wait_until_ready(timeout=60)
        except RuntimeError as error:
            self.close()
            raise RuntimeError(f"{error}: {self._log_tail()}") from None

    def _wait_until_ready(self, timeout: float) -> None:
        """Ask for kernel_info until it answers; judge life by the process, not a heartbeat.

        jupyter_client's own wait declares a kernel dead when its heartbeat is late
        by a second, which a busy machine does often.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.is_alive():
                raise RuntimeError(_("The kernel stopped before it was ready."))
            request = self.client.kernel_info()
            try:
                while True:
                    reply = self.client.get_shell_msg(timeout=1)
                    if reply.get("parent_header", {}).get("msg_id") == request:
                        return
            except queue.Empty:
                continue
        raise RuntimeError(_("The kernel did not start in time."))

    def _log_tail(self) -> str:
        try:
            lines = self.log.read_bytes()[-2000:].decode("utf-8", "replace").strip().splitlines()
        except OSError:
            return ""
        return " | ".join(line for line in lines[-3:] if "without encryption" not in line)

    def is_alive(self) -> bool:
        return self.process.poll() is None

    def interrupt(self) -> None:
        self.client.control_channel.send(self.client.session.msg("interrupt_request", {}))

    def close(self) -> None:
        try:
            self.client.stop_channels()
        finally:
            _kill(self.process)
            _kill_user(self.uid)
            self.log.unlink(missing_ok=True)


def run_contained(notebook: nbformat.NotebookNode, exercise_ids: list[str], *, seed: int,
                  language: str, limits: Limits) -> dict[str, Any]:
    """Run one notebook in its own sandboxed kernel; its run report, or what went wrong."""
    with tempfile.TemporaryDirectory(prefix="clv-course-grade-") as folder:
        scratch = Path(folder)
        _share_font_cache(scratch / ".matplotlib")
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(scratch),
               "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
               "JUPYTER_RUNTIME_DIR": str(scratch / ".jupyter"), "IPYTHONDIR": str(scratch / ".ipython"),
               "MPLCONFIGDIR": str(scratch / ".matplotlib"), "JUPYTER_PLATFORM_DIRS": "1"}
        try:
            report = execute(
                json.loads(nbformat.writes(notebook)), exercise_ids=exercise_ids, seed=seed,
                language=language, timeout=limits.cell_timeout, answers_dir=scratch,
                wall_time=limits.wall_time, start_kernel=lambda kernel_env: SandboxedKernel(
                    {**kernel_env, **env}, scratch, limits))
        except Exception as error:  # a kernel that never started, a broken channel
            return {"status": "crashed", "answers": {},
                    "errors": [f"{type(error).__name__}: {error}"[:200]]}
    if report.get("out_of_time"):
        report["status"] = "timeout"
    return report


def _kill_user(uid: int) -> None:
    """Kill every process of a kernel's sandbox user (the kernel and anything it started)."""
    if bwrap_path():
        subprocess.run(["pkill", "-KILL", "-U", str(uid)], capture_output=True)


def _share_font_cache(folder: Path) -> None:
    """Give the run our matplotlib font list, so it does not spend seconds rebuilding it."""
    try:
        import matplotlib
        from matplotlib import font_manager  # noqa: F401 - builds the cache if missing
        folder.mkdir(exist_ok=True)
        for cache in Path(matplotlib.get_cachedir()).glob("fontlist-*.json"):
            shutil.copyfile(cache, folder / cache.name)
    except Exception:  # a missing cache only costs time
        pass


def _kill(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()


def status_of(report: dict[str, Any]) -> str:
    """One word for how the run went: the worst thing that happened."""
    if type(report.get("status")) is str:
        return report["status"]
    if report.get("crashes"):
        return "crashed"
    if report.get("flooded"):  # a flood usually runs into the time limit too: name the cause
        return "flooded"
    if report.get("timeouts"):
        return "timeout"
    return "errors" if report.get("errors") else "ok"


# ---------------------------------------------------------------------------- the class

def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
        stream.write(text)
    os.replace(temporary, path)


def class_seed(out: Path) -> int:
    """The class's data seed: drawn once, kept in the gradebook, so grading again agrees."""
    path = out / ".state" / "seed"
    if path.exists():
        return int(path.read_text().strip())
    seed = secrets.randbelow(2**31)
    _atomic_write(path, str(seed))
    return seed


def grade_one(submission: Submission, *, seed: int, limits: Limits) -> dict[str, Any]:
    """Run and judge one submission; always returns a result, never raises for its content."""
    raw = submission.path.read_bytes()
    notebook = read_notebook(raw)
    result: dict[str, Any] = {"submission": submission.name, "file": str(submission.path),
                              "sha256": hashlib.sha256(raw).hexdigest(), "language": "en",
                              "chapter": None, "status": "not_a_notebook", "answers": {},
                              "problems": []}
    if notebook is None:
        return result
    chapter, language = identify(notebook, submission.path.name)
    result.update(language=language, chapter=chapter)
    if chapter is None:
        result["status"] = "wrong_notebook"
        return result
    ids = [exercise.id for exercise in chapter_exercises(chapter)]
    report = run_contained(notebook, ids, seed=seed, language=language, limits=limits)
    result["status"] = status_of(report)
    result["answers"] = report.get("answers") if type(report.get("answers")) is dict else {}
    result["problems"] = [str(p)[:200] for key in ("errors", "timeouts", "crashes")
                          for p in (report.get(key) if type(report.get(key)) is list else [])][:20]
    return result


def judged(result: dict[str, Any], seed: int) -> dict[str, Any]:
    """The result with points and messages, judged here in the submission's language."""
    exercises = chapter_exercises(result["chapter"]) if result["chapter"] else []
    previous = get_language()
    set_language(result["language"])
    try:
        judgements = judge_answers(exercises, result["answers"], seed)
        exercises_out = [j.to_plain() | {"title": _(j.exercise.title)} for j in judgements]
    finally:
        set_language(previous)
    total = sum(e["points"] for e in exercises_out)
    maximum = sum(e["max_points"] for e in exercises_out)
    return {key: result[key] for key in ("submission", "file", "sha256", "language", "chapter",
                                         "status", "problems")} | {
        "total": total, "max_total": maximum, "exercises": exercises_out}


def default_jobs() -> int:
    """One submission per core and one more: a kernel waits on its sockets part of the time."""
    return (os.cpu_count() or 1) + 1


def grade(paths: list[Path], out: Path, *, jobs: int | None = None, limits: Limits = Limits(),
          progress: Callable[[str], None] = print) -> list[dict[str, Any]]:
    """Grade every submission under ``paths`` into ``out``; returns the judged results."""
    out.mkdir(parents=True, exist_ok=True)
    jobs = jobs or default_jobs()
    seed = class_seed(out)
    submissions = find_submissions(paths)
    state = out / ".state"
    results: dict[str, dict[str, Any]] = {}
    todo = []
    for submission in submissions:
        kept = _kept(state, submission, seed)
        if kept is not None:
            results[submission.name] = kept
        else:
            todo.append(submission)
    done = len(results)
    def work(submission: Submission) -> dict[str, Any]:
        try:
            return grade_one(submission, seed=seed, limits=limits)
        except Exception as error:  # our own failure on one file must not stop the class
            return {"submission": submission.name, "file": str(submission.path), "sha256": "",
                    "language": "en", "chapter": None, "status": "crashed", "answers": {},
                    "problems": [f"grader: {type(error).__name__}: {error}"[:200]]}

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(work, s): s for s in todo}
        for future in as_completed(futures):
            submission = futures[future]
            result = judged(future.result(), seed)
            results[submission.name] = result
            _atomic_write(state / f"{submission.name}.json", json.dumps(
                {"version": GRADER_VERSION, "seed": seed, "result": result}))
            done += 1
            progress(progress_bar(done, len(submissions)) + " " + _(
                "{name}: {points}/{max} points ({status})").format(
                name=submission.name, points=result["total"], max=result["max_total"],
                status=result["status"]))
    ordered = [results[s.name] for s in submissions]
    write_gradebook(ordered, out)
    return ordered


def progress_bar(done: int, total: int, width: int = 20) -> str:
    """``[########------------]  8/20``: how far the class's grading has come."""
    filled = round(width * done / total) if total else width
    return f"[{'#' * filled}{'-' * (width - filled)}] {done:>{len(str(total))}}/{total}"


def _kept(state: Path, submission: Submission, seed: int) -> dict[str, Any] | None:
    path = state / f"{submission.name}.json"
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        raw = submission.path.read_bytes()
        if kept["version"] == GRADER_VERSION and kept["seed"] == seed \
                and kept["result"]["sha256"] == hashlib.sha256(raw).hexdigest():
            return kept["result"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return None


# ------------------------------------------------------------------------------ outputs

def write_gradebook(results: list[dict[str, Any]], out: Path) -> None:
    """grades.csv, results.json and feedback/<submission>.html, each written atomically."""
    exercise_ids = sorted({e["exercise"] for r in results for e in r["exercises"]})
    table = io.StringIO()
    writer = csv.writer(table, lineterminator="\n")
    writer.writerow(["submission", "language", "total", "max_total", "status", *exercise_ids])
    for result in results:
        points = {e["exercise"]: e["points"] for e in result["exercises"]}
        writer.writerow([result["submission"], result["language"], result["total"],
                         result["max_total"], result["status"],
                         *[points.get(i, "") for i in exercise_ids]])
    _atomic_write(out / "grades.csv", table.getvalue())
    _atomic_write(out / "results.json", json.dumps(results, indent=1, ensure_ascii=False))
    for result in results:
        _atomic_write(out / "feedback" / f"{result['submission']}.html", feedback_html(result))


def feedback_html(result: dict[str, Any]) -> str:
    """One learner's feedback page, in the learner's language: points and a sentence per check."""
    previous = get_language()
    set_language(result["language"])
    try:
        e = html.escape
        rows = []
        for exercise in result["exercises"]:
            rows.append(f"<h2>{e(exercise['title'])}: {exercise['points']}/{exercise['max_points']}</h2><ul>")
            rows += [f"<li>{'✔' if p['points'] == p['max_points'] else '✘'} <code>{e(p['answer'])}"
                     f"</code>: {e(p['message'])} ({p['points']}/{p['max_points']})</li>"
                     for p in exercise["parts"]]
            rows.append("</ul>")
        status = STATUS_TEXT.get(result["status"], STATUS_TEXT["crashed"])
        return ("<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">"
                "<title>{title}</title></head><body><h1>{title}</h1><p>{total}</p><p>{status}</p>"
                "{rows}</body></html>\n").format(
            lang=e(result["language"]), title=e(_("Feedback for {name}").format(name=result["submission"])),
            total=e(_("Total: {points} of {max} points.").format(points=result["total"],
                                                                 max=result["max_total"])),
            status=e(_(status)), rows="".join(rows))
    finally:
        set_language(previous)


#: every status a submission can end with, and what its feedback page says about it
STATUS_TEXT = {
    "ok": N_("Your notebook ran from top to bottom."),
    "errors": N_("Some cells of your notebook raised an error; the other cells were graded."),
    "flooded": N_("Your notebook printed far too much output; the output was cut."),
    "timeout": N_("Your notebook took too long; cells that ran too long were stopped."),
    "crashed": N_("Your notebook stopped the Python kernel; what could be graded was graded."),
    "wrong_notebook": N_("This is not one of the course's chapter notebooks."),
    "not_a_notebook": N_("This file is not a Jupyter notebook that can be opened."),
}


def release(chapters: list[str], languages: list[str], out: Path, root: Path | None = None) -> list[Path]:
    """Copy the student notebooks of ``chapters`` (e.g. "02") in ``languages`` into ``out``."""
    from clv_course.authoring import ROOT, STUDENT
    source_root = (root or ROOT) / STUDENT
    written = []
    for language in languages:
        for chapter in chapters:
            for source in sorted((source_root / language).glob(f"{chapter}_*.ipynb")):
                target = out / language / source.name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
                written.append(target)
    return written
