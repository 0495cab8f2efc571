"""Grade a class: every submission in its own contained kernel, judged here, kept for resuming.

``grade(paths, out, chapter=...)`` finds the submissions (see
:mod:`~clv_course.grading.submissions`), runs each in a sandbox (see
:mod:`~clv_course.grading.kernels`), several at once, reads back only the plain
answers, judges them in this process on the class's fresh data variant, and
writes the gradebook (see :mod:`~clv_course.grading.reports`). Each submission
is graded and judged inside its own error boundary: whatever it does, the others
are graded and the gradebook is written. Results are kept per submission in
``.state/``, so a second run skips what is done and an interrupted one picks up
where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any

from clv_course.errors import CourseError
from clv_course.exercises import chapter_exercises, registry
from clv_course.grading.kernels import run_contained, warm_up
from clv_course.grading.layouts import UNCHECKED
from clv_course.grading.reports import STATUS_TEXT, atomic_write, status_of, write_gradebook
from clv_course.grading.runner import derived_seeds, grading_requests, judge_answers
from clv_course.grading.sandbox import Limits, bwrap_path
from clv_course.grading.submissions import (Refused, Submission, SubmissionReader,
                                            claimed_chapter, find_submissions, language_of,
                                            read_notebook, too_large)
from clv_course.i18n import _, language

#: version of how grades are computed: a change invalidates kept results
GRADER_VERSION = "4"


class SandboxMissing(CourseError):
    """Grading was asked for with a sandbox, and none works on this machine."""


def chapters() -> list[str]:
    """The chapters that have exercises (``ch01`` ...)."""
    return sorted({exercise.chapter for exercise in registry().values()})


def class_seed(out: Path) -> int:
    """The class's data seed: drawn once, kept in the gradebook, so grading again agrees."""
    path = out / ".state" / "seed"
    if path.exists():
        return int(path.read_text().strip())
    seed = secrets.randbelow(2**31)
    atomic_write(path, str(seed))
    return seed


def _base_result(submission: Submission, chapter: str) -> dict[str, Any]:
    return {"submission": submission.name, "student": submission.student,
            "id_source": submission.id_source, "path": submission.relative,
            "file": str(submission.path), "sha256": "", "language": "en", "chapter": chapter,
            "status": "not_a_notebook", "answers": {}, "problems": []}


def grade_one(submission: Submission, raw: bytes | Refused, *, chapter: str, seed: int,
              limits: Limits) -> dict[str, Any]:
    """Run one submission of ``chapter`` from its bytes (or the reason it was refused).

    Always returns a result, never raises for the submission's content.
    """
    result = _base_result(submission, chapter)
    if isinstance(raw, Refused):
        result["status"] = raw.status
        return result
    result["sha256"] = hashlib.sha256(raw).hexdigest()
    notebook = read_notebook(raw)
    if notebook is None:
        return result
    result["language"] = language_of(notebook)
    claimed = claimed_chapter(notebook)
    if claimed is not None and claimed != chapter:
        result["status"] = "wrong_notebook"
        result["problems"] = [f"chapter: {claimed[:20]}"]
        return result
    if too_large(notebook):
        result["status"] = "too_large"
        return result
    exercises = chapter_exercises(chapter)
    report = run_contained(notebook, grading_requests(exercises, seed),
                           data_seed=derived_seeds(seed)[0], language=result["language"],
                           limits=limits)
    result["status"] = status_of(report)
    result["answers"] = report.get("answers") if type(report.get("answers")) is dict else {}
    result["problems"] = [str(p)[:200] for key in ("errors", "timeouts", "crashes")
                          for p in (report.get(key) if type(report.get(key)) is list else [])][:20]
    return result


#: statuses of files that were never run: their parts say why instead of judging nothing
NOT_RUN = ("not_a_notebook", "wrong_notebook", "symlink", "too_large", "not_the_students",
           "changed", "grader_error")


def judged(result: dict[str, Any], seed: int) -> dict[str, Any]:
    """The result with points and messages, judged here in the submission's language."""
    exercises = chapter_exercises(result["chapter"])
    with language(result["language"]):
        judgements = judge_answers(exercises, result["answers"], seed)
        exercises_out = [j.to_plain() | {"title": _(j.exercise.title)} for j in judgements]
        if result["status"] in NOT_RUN:
            for exercise in exercises_out:
                for part in exercise["parts"]:
                    part["message"] = _(STATUS_TEXT[result["status"]])
    total = sum(e["points"] for e in exercises_out)
    maximum = sum(e["max_points"] for e in exercises_out)
    return {key: result[key] for key in ("submission", "student", "id_source", "path", "file",
                                         "sha256", "language", "chapter", "status",
                                         "problems")} | {
        "total": total, "max_total": maximum, "exercises": exercises_out}


def failed_result(submission: Submission, chapter: str, error: BaseException) -> dict[str, Any]:
    """What a submission gets when the grader itself failed on it: zero, a status, the reason."""
    result = _base_result(submission, chapter)
    result.update(status="grader_error", total=0, max_total=0, exercises=[],
                  problems=[f"grader: {type(error).__name__}: {error}"[:200]])
    result.pop("answers")
    return result


def grade_and_judge(submission: Submission, raw: bytes | Refused, *, chapter: str, seed: int,
                    limits: Limits) -> dict[str, Any]:
    """One submission graded and judged inside its own error boundary: always a result.

    This is the unit of work a local thread or a cluster's worker runs; it needs
    the file's bytes only, never its path.
    """
    try:  # the error boundary: nothing one submission does reaches another
        return judged(grade_one(submission, raw, chapter=chapter, seed=seed, limits=limits), seed)
    except Exception as error:  # noqa: BLE001 - our own failure on one file
        return failed_result(submission, chapter, error)


def read_or_refuse(reader: SubmissionReader, submission: Submission) -> bytes | Refused:
    """The submission's bytes, or why it is not read (a link, too large, not a file)."""
    try:
        return reader.read(submission)
    except Refused as refused:
        return refused
    except Exception:  # noqa: BLE001 - an I/O error on one file stops only that file
        return Refused("not_a_notebook")


def default_jobs() -> int:
    """One submission per core and one more: a kernel waits on its sockets part of the time."""
    return (os.cpu_count() or 1) + 1


#: grades a list of submissions somewhere and yields each with its result as it finishes
Pool = Callable[[list[Submission], SubmissionReader, dict[str, Any]],
                Iterator[tuple[Submission, dict[str, Any]]]]


def local_pool(jobs: int) -> Pool:
    """Grade on this machine, ``jobs`` submissions at a time."""
    def run(todo: list[Submission], reader: SubmissionReader,
            settings: dict[str, Any]) -> Iterator[tuple[Submission, dict[str, Any]]]:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = {pool.submit(lambda s: grade_and_judge(s, read_or_refuse(reader, s),
                                                              **settings), s): s for s in todo}
            for future in as_completed(futures):
                yield futures[future], future.result()
    return run


def grade(paths: list[Path], out: Path, *, chapter: str, jobs: int | None = None,
          limits: Limits = Limits(), progress: Callable[[str], None] = print,
          require_sandbox: bool = True, scheduler: str | None = None) -> list[dict[str, Any]]:
    """Grade every submission of ``chapter`` (``"ch01"``) under ``paths`` into ``out``.

    Refuses to run without a working sandbox unless ``require_sandbox`` is False.
    With ``scheduler`` (``tcp://host:8786``) the submissions are graded on that
    Dask cluster's workers (see :mod:`~clv_course.grading.cluster`), else here.
    Returns the judged results, one per submission, in the order found.
    """
    if scheduler is None and bwrap_path() is not None:
        warm_up()
    if chapter not in chapters():
        raise CourseError(_("There is no chapter {chapter} with exercises; choose one of: "
                            "{chapters}.").format(chapter=chapter, chapters=", ".join(chapters())))
    if scheduler is None and require_sandbox and bwrap_path() is None:
        raise SandboxMissing(_("No sandbox works here (install the 'bubblewrap' package and run "
                               "as root), so submissions could read your files. Pass "
                               "--no-sandbox to grade anyway, with limits only."))
    if scheduler is not None:
        from clv_course.grading.cluster import cluster_pool
        pool = cluster_pool(scheduler, require_sandbox=require_sandbox)
    else:
        pool = local_pool(jobs or default_jobs())
    out.mkdir(parents=True, exist_ok=True)
    seed = class_seed(out)
    submissions = find_submissions(paths)
    unchecked = sum(s.id_source == UNCHECKED for s in submissions)
    if unchecked:
        progress(_("{count} hand-ins in nbgrader's inbound folder name students who are no user "
                   "on this machine, so who made them cannot be checked: every one of them is "
                   "graded (not only each student's newest), marked nbgrader-unchecked in "
                   "results.json.").format(count=unchecked))
    state = out / ".state"
    results: dict[str, dict[str, Any]] = {}
    todo = []
    with SubmissionReader() as reader:
        for submission in submissions:
            kept = _kept(state, submission, seed, chapter, reader)
            if kept is not None:
                results[submission.name] = kept
            else:
                todo.append(submission)
        done = len(results)
        settings = {"chapter": chapter, "seed": seed, "limits": limits}
        for submission, result in pool(todo, reader, settings):
            if submission.name in results:  # counted once, even if a cluster ran it twice
                continue
            results[submission.name] = result
            atomic_write(state / f"{submission.name}.json", json.dumps(
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


def _kept(state: Path, submission: Submission, seed: int, chapter: str,
          reader: SubmissionReader) -> dict[str, Any] | None:
    """The result kept from an earlier run, if the same file was graded for the same chapter."""
    path = state / f"{submission.name}.json"
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        result = kept["result"]
        if kept["version"] != GRADER_VERSION or kept["seed"] != seed \
                or result["chapter"] != chapter or result["path"] != submission.relative:
            return None
        if result["status"] in ("symlink", "grader_error", "not_the_students", "changed"):
            return None  # nothing was read: look again
        if result["sha256"] == hashlib.sha256(reader.read(submission)).hexdigest():
            # whose it is comes from where it is found now, never from an older run
            return result | {"student": submission.student, "id_source": submission.id_source}
    except Exception:  # noqa: BLE001 - anything amiss with a kept result: grade it again
        pass
    return None
