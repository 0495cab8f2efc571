"""Grading throughput: clv-course's grader against nbgrader's autograde, in the same run.

One class of 40 submissions of chapter 1 (right, partly wrong and broken), written
twice: as clv-course student notebooks, and as the equivalent nbgrader assignment
(the same cells; each check cell becomes an nbgrader test cell with the same
points). Both graders grade the whole class; the script prints both times and the
ratio. nbgrader is installed in the benchmark environment only (``make bench``).

The same class is also graded through ``--scheduler`` on a ``distributed.LocalCluster``
of two worker processes on this machine (loopback), to show what the cluster path
costs over the local pool; on a real cluster each worker is a machine of its own.

Run: ``.venv-bench/bin/python benchmarks/bench_grader.py [--submissions 40] [--jobs N]``
(``--jobs`` defaults to what ``clv-course grade`` uses: cores + 1).
"""

from __future__ import annotations

import argparse
import collections
import copy
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from clv_course.grading.gradebook import default_jobs, grade  # noqa: E402
from clv_course.grading.sandbox import Limits, sandbox_warning  # noqa: E402

CHAPTER = "01_what_is_clv.ipynb"
ASSIGNMENT = "ch01"
#: nbgrader test cells standing in for each clv.check cell: (points, the asserts)
NBGRADER_TESTS = {
    "ch01-simple-clv": (3, "assert abs(simple_clv(50, 4, 3) - 600) < 1e-9\n"
                           "assert abs(simple_clv(12.5, 2, 7) - 175) < 1e-9"),
    "ch01-profit-clv": (3, "assert abs(profit_clv(50, 4, 3, 0.3) - 180) < 1e-9\n"
                           "assert abs(profit_clv(10, 1, 1, 0.5) - 5) < 1e-9"),
    "ch01-shop-value": (4, "import math\n"
                           "expected = shop['amount'].sum() / shop['customer_id'].nunique()\n"
                           "assert math.isclose(revenue_per_customer, expected, rel_tol=1e-6)\n"
                           "expected = shop['gross_margin'].sum() / shop['customer_id'].nunique()\n"
                           "assert math.isclose(profit_per_customer, expected, rel_tol=1e-6)"),
}
WRONG_SIMPLE = "def simple_clv(aov, frequency, lifespan):\n    return aov + frequency + lifespan"
BROKEN = "raise RuntimeError('I gave up here')"


def kind_of(index: int) -> str:
    """Half right, a third partly wrong, the rest broken."""
    return "right" if index % 6 in (0, 1, 2) else "partly" if index % 6 in (3, 4) else "broken"


def answered(notebook: nbformat.NotebookNode, solution: nbformat.NotebookNode, kind: str) -> nbformat.NotebookNode:
    """The student notebook filled in as a learner of ``kind`` would."""
    filled = copy.deepcopy(notebook)
    sources = {cell.id: cell.source for cell in solution.cells}
    for cell in filled.cells:
        if cell.id in ("ch01-simple", "ch01-profit", "ch01-shop-value"):
            cell.source = sources[cell.id]
        if kind == "partly" and cell.id == "ch01-simple":
            cell.source = WRONG_SIMPLE
        if kind == "broken" and cell.id == "ch01-profit":
            cell.source = BROKEN
    return filled


def nbgrader_source(master: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The master as an nbgrader source notebook: solution cells and graded test cells."""
    notebook = copy.deepcopy(master)
    for cell in notebook.cells:
        meta = None
        if "### BEGIN SOLUTION" in cell.source:
            meta = {"solution": True, "grade": False, "locked": False, "grade_id": cell.id}
        for exercise_id, (points, asserts) in NBGRADER_TESTS.items():
            if cell.source.strip() == f'clv.check("{exercise_id}")':
                cell.source = asserts
                meta = {"solution": False, "grade": True, "locked": True, "points": points,
                        "grade_id": f"test-{exercise_id}"}
        if meta:
            cell.metadata["nbgrader"] = meta | {"schema_version": 3}
    return notebook


def run_nbgrader(folder: Path, master: nbformat.NotebookNode, solution: nbformat.NotebookNode,
                 count: int) -> float:
    course = folder / "nbgrader"
    (course / "source" / ASSIGNMENT).mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\n"
        f"c.CourseDirectory.root = {str(course)!r}\n"
        "c.CourseDirectory.course_id = 'clv'\n"
        "c.ExecutePreprocessor.timeout = 60\n")
    nbformat.write(nbgrader_source(master), course / "source" / ASSIGNMENT / CHAPTER)
    nbgrader = [sys.executable, "-m", "nbgrader"]
    # nbgrader calls its helpers (alembic) by name: they live beside this Python
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    subprocess.run([*nbgrader, "generate_assignment", ASSIGNMENT, "--create", "--force"],
                   cwd=course, check=True, capture_output=True, env=env)
    released = nbformat.read(course / "release" / ASSIGNMENT / CHAPTER, as_version=4)
    for index in range(count):
        target = course / "submitted" / f"learner{index:02d}" / ASSIGNMENT / CHAPTER
        target.parent.mkdir(parents=True)
        nbformat.write(answered(released, solution, kind_of(index)), target)
    started = time.perf_counter()
    done = subprocess.run([*nbgrader, "autograde", ASSIGNMENT, "--create", "--force"], cwd=course,
                          capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - started
    graded = len(list((course / "autograded").glob(f"*/{ASSIGNMENT}/{CHAPTER}")))
    if graded != count:
        print(done.stderr[-2000:])
        raise SystemExit(f"nbgrader graded {graded} of {count}")
    return elapsed


def run_ours(folder: Path, student: nbformat.NotebookNode, solution: nbformat.NotebookNode,
             count: int, jobs: int) -> tuple[float, list[dict]]:
    submissions = folder / "ours" / "submitted"
    submissions.mkdir(parents=True)
    for index in range(count):
        nbformat.write(answered(student, solution, kind_of(index)),
                       submissions / f"learner{index:02d}.ipynb")
    started = time.perf_counter()
    results = grade([submissions], folder / "ours" / "gradebook", chapter="ch01", jobs=jobs,
                    limits=Limits(cell_timeout=60), progress=lambda line: None,
                    require_sandbox=False)  # the script prints the sandbox warning itself
    return time.perf_counter() - started, results


def run_on_cluster(folder: Path, jobs: int) -> tuple[float, list[dict]] | None:
    """The class already written by :func:`run_ours`, graded again on a LocalCluster."""
    try:
        import dask
        import distributed
    except ImportError:
        return None
    with dask.config.set({"distributed.worker.daemon": False}), distributed.LocalCluster(
            n_workers=2, threads_per_worker=max(1, -(-jobs // 2)), processes=True,
            host="127.0.0.1", dashboard_address=None, memory_limit=0) as cluster:
        started = time.perf_counter()
        results = grade([folder / "ours" / "submitted"], folder / "cluster", chapter="ch01",
                        limits=Limits(cell_timeout=60), progress=lambda line: None,
                        require_sandbox=False, scheduler=cluster.scheduler_address)
        return time.perf_counter() - started, results


def statuses(results: list[dict]) -> str:
    """How the submissions ended (a bench whose grades went wrong must say so)."""
    counts = collections.Counter((r["status"], r["total"]) for r in results)
    return ", ".join(f"{n} x {status} {total}" for (status, total), n in sorted(counts.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=default_jobs())
    args = parser.parse_args()
    master = nbformat.read(ROOT / "masters" / CHAPTER, as_version=4)
    student = nbformat.read(ROOT / "notebooks" / "en" / CHAPTER, as_version=4)
    solution = nbformat.read(ROOT / "solutions" / "en" / CHAPTER, as_version=4)
    warning = sandbox_warning()
    print(f"grading {args.submissions} submissions of chapter 1 "
          f"({'no sandbox' if warning else 'bubblewrap sandbox'}, {args.jobs} jobs)")
    with tempfile.TemporaryDirectory(prefix="clv-bench-grader-") as folder:
        ours, results = run_ours(Path(folder), student, solution, args.submissions, args.jobs)
        os.environ["CLV_COURSE_WARM_KERNELS"] = "0"  # the same class, each kernel started cold
        cold, cold_results = run_ours(Path(folder) / "cold", student, solution, args.submissions,
                                      args.jobs)
        del os.environ["CLV_COURSE_WARM_KERNELS"]
        on_cluster = run_on_cluster(Path(folder), args.jobs)
        theirs = run_nbgrader(Path(folder), master, solution, args.submissions) \
            if importlib.util.find_spec("nbgrader") else None
        shutil.rmtree(folder, ignore_errors=True)
    print(f"clv-course grade : {ours:7.1f} s  ({args.submissions / ours:.2f} submissions/s, "
          f"{ours / args.submissions * args.jobs:.2f} s per submission per job; {statuses(results)})")
    same_cold = {r["submission"]: r["total"] for r in cold_results} == \
        {r["submission"]: r["total"] for r in results}
    print(f"... kernels started cold: {cold:7.1f} s  ({args.submissions / cold:.2f} submissions/s; "
          f"{'the same totals' if same_cold else 'DIFFERENT TOTALS'}; warm kernels are "
          f"{cold / ours:.2f}x faster)")
    if on_cluster is not None:
        seconds, clustered = on_cluster
        same = {r["submission"]: r["total"] for r in clustered} == \
            {r["submission"]: r["total"] for r in results}
        print(f"... on a LocalCluster (2 workers): {seconds:7.1f} s  "
              f"({args.submissions / seconds:.2f} submissions/s; {statuses(clustered)}; "
              f"{'the same totals' if same else 'DIFFERENT TOTALS'})")
    if theirs is None:
        print("nbgrader is not installed here: `make bench` installs it in .venv-bench")
        return
    print(f"nbgrader autograde: {theirs:7.1f} s  ({args.submissions / theirs:.2f} submissions/s)")
    print(f"ratio: clv-course is {theirs / ours:.2f}x nbgrader's throughput "
          f"({theirs / cold:.2f}x with kernels started cold)")
    if on_cluster is not None:
        print(f"ratio on the LocalCluster: {theirs / on_cluster[0]:.2f}x nbgrader's throughput")


if __name__ == "__main__":
    main()
