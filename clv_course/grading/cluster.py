"""Grading on a Dask cluster, for a class too large for one machine.

``clv-course grade ... --scheduler tcp://HOST:8786`` hands each submission to a
worker of an existing ``distributed`` cluster. The instructor's machine reads
every file (safely, see :mod:`~clv_course.grading.submissions`) and sends only
its bytes; a worker runs it in its own sandboxed kernel and judges it exactly as
the local pool does (:func:`~clv_course.grading.gradebook.grade_and_judge`), and
the result comes back to the same progress bar, gradebook and resume state.

A worker that dies mid-run loses nothing: the scheduler runs its submissions
again on another worker, and the gradebook counts each result once. A
submission that kills every worker it lands on is given up after the
scheduler's allowed failures and gets ``grader_error``, like any failure of ours.

Each worker needs the course installed (the same version), bubblewrap, root,
and to run as a non-daemon process, because the grader starts a child process
per submission: ``DASK_DISTRIBUTED__WORKER__DAEMON=False dask worker tcp://HOST:8786``.
"""

from __future__ import annotations

import multiprocessing
import uuid
from concurrent.futures import CancelledError
from collections.abc import Iterator
from typing import Any

from clv_course.errors import CourseError
from clv_course.i18n import _

#: submissions in flight per worker thread: enough to keep every worker busy, few enough
#: that a class of 10,000 is never all in the instructor's memory at once
IN_FLIGHT_PER_THREAD = 3


def worker_facts() -> dict[str, Any]:
    """What the grader must know of a worker before sending it submissions (runs there)."""
    import clv_course
    from clv_course.grading.sandbox import bwrap_path
    return {"version": clv_course.__version__, "sandbox": bwrap_path() is not None,
            "daemon": bool(multiprocessing.current_process().daemon)}


def cluster_pool(address: str, *, require_sandbox: bool = True):  # -> gradebook.Pool
    """A pool that grades on the cluster whose scheduler is at ``address``.

    Refuses, with one sentence, a scheduler it cannot reach, a cluster without
    workers, and workers that could not grade as this machine would.
    """
    try:
        from distributed import Client
    except ImportError:
        raise CourseError(_("Grading on a cluster needs the 'distributed' package: "
                            "pip install 'clv-course[cluster]'.")) from None
    try:
        client = Client(address, timeout="20s")
    except (OSError, TimeoutError, ValueError) as error:
        raise CourseError(_("No Dask scheduler answers at {address}: {error}").format(
            address=address, error=error)) from None
    try:
        _check_workers(client, require_sandbox)
    except BaseException:
        client.close()
        raise

    def run(todo: list, reader: Any, settings: dict[str, Any]) -> Iterator[tuple[Any, dict]]:
        done = 0
        try:
            for submission, result in _graded_on(client, todo, reader, settings):
                done += 1
                yield submission, result
        except (OSError, TimeoutError, CancelledError) as error:
            raise CourseError(_("The Dask scheduler at {address} was lost after {done} of "
                                "{count} submissions ({error}); what was graded is kept: run "
                                "the same command again to grade the rest.").format(
                address=address, done=done, count=len(todo), error=type(error).__name__)) from None
        finally:
            client.close()
    return run


def _check_workers(client: Any, require_sandbox: bool) -> None:
    import clv_course
    facts = client.run(worker_facts)
    if not facts:
        raise CourseError(_("The Dask cluster has no workers yet; start some with "
                            "'dask worker {address}'.").format(address=client.scheduler.address))
    for worker, fact in sorted(facts.items()):
        if fact["version"] != clv_course.__version__:
            raise CourseError(_("The worker {worker} has clv-course {theirs}, this machine "
                                "{ours}: install the same version everywhere.").format(
                worker=worker, theirs=fact["version"], ours=clv_course.__version__))
        if fact["daemon"]:
            raise CourseError(_("The worker {worker} runs as a daemon process and so cannot start "
                                "a kernel per submission; start it with "
                                "DASK_DISTRIBUTED__WORKER__DAEMON=False.").format(worker=worker))
        if require_sandbox and not fact["sandbox"]:
            raise CourseError(_("No sandbox works on the worker {worker} (install the "
                                "'bubblewrap' package and run it as root); pass --no-sandbox to "
                                "grade anyway, with limits only.").format(worker=worker))


def _graded_on(client: Any, todo: list, reader: Any,
               settings: dict[str, Any]) -> Iterator[tuple[Any, dict[str, Any]]]:
    """Send the submissions a window at a time; yield each result as it comes back."""
    from distributed import as_completed

    from clv_course.grading.gradebook import failed_result, grade_and_judge, read_or_refuse
    threads = sum(client.nthreads().values()) or 1
    waiting = iter(todo)
    run = uuid.uuid4().hex[:8]
    futures: dict[Any, Any] = {}

    def send(count: int) -> list:
        sent = []
        for submission in waiting:
            future = client.submit(grade_and_judge, submission, read_or_refuse(reader, submission),
                                   **settings, key=f"clv-grade-{run}-{submission.name}",
                                   pure=False)
            futures[future] = submission
            sent.append(future)
            if len(sent) >= count:
                break
        return sent

    queue = as_completed(send(threads * IN_FLIGHT_PER_THREAD))
    for future in queue:
        submission = futures.pop(future)
        try:
            result = future.result()
        except Exception as error:  # noqa: BLE001 - e.g. it killed every worker it was sent to
            result = failed_result(submission, settings["chapter"], error)
        future.release()
        yield submission, result
        for new in send(1):
            queue.add(new)
