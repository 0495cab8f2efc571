"""Grading on a Dask cluster: the same grades as the local pool, and no grade lost to a dying worker.

A real ``distributed.LocalCluster`` on loopback, two worker processes, each
submission in its own sandboxed kernel on a worker, exactly as ``--scheduler``
runs it against a cluster of machines.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")
import dask  # noqa: E402

from clv_course.grading.gradebook import grade  # noqa: E402
from clv_course.grading.sandbox import Limits, bwrap_path  # noqa: E402
from tests.support.hostile_class import build  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("grading-cluster")]
LIMITS = Limits(cell_timeout=20, wall_time=120)
CLASS = ("right.ipynb", "partly_wrong.ipynb", "in_german.ipynb", "malformed.ipynb")
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cluster():
    with dask.config.set({"distributed.worker.daemon": False}):
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      host="127.0.0.1", dashboard_address=None,
                                      memory_limit=0) as local:
            yield local


@pytest.fixture(scope="module")
def a_class(tmp_path_factory):
    everything = tmp_path_factory.mktemp("everything")
    build(ROOT, everything)
    folder = tmp_path_factory.mktemp("class")
    for name in CLASS:
        shutil.copy(everything / name, folder / name)
    return folder


def _grade(folder, out, **options):
    return grade([folder], out, chapter="ch01", limits=LIMITS, progress=lambda line: None,
                 require_sandbox=bwrap_path() is not None, **options)


def _grades(results):
    return {r["submission"]: (r["total"], r["status"],
                              [(e["exercise"], e["points"]) for e in r["exercises"]])
            for r in results}


def test_a_class_graded_on_the_cluster_gets_exactly_the_local_pools_grades(cluster, a_class,
                                                                           tmp_path):
    local, remote = tmp_path / "local", tmp_path / "remote"
    here = _grade(a_class, local, jobs=2)
    (remote / ".state").mkdir(parents=True)
    shutil.copy(local / ".state/seed", remote / ".state/seed")  # the same class, the same data
    there = _grade(a_class, remote, scheduler=cluster.scheduler_address)
    assert _grades(there) == _grades(here)
    assert _grades(here)["right"][:2] == (10, "ok")
    assert (remote / "grades.csv").read_text() == (local / "grades.csv").read_text()


def test_a_worker_killed_mid_run_loses_no_grade_and_counts_none_twice(cluster, a_class, tmp_path):
    slow = tmp_path / "slow"
    slow.mkdir()
    right = json.loads((a_class / "right.ipynb").read_text())
    right["cells"].insert(2, {"cell_type": "code", "id": "nap", "metadata": {}, "outputs": [],
                              "execution_count": None, "source": "import time\ntime.sleep(3)"})
    for i in range(4):
        (slow / f"learner{i}.ipynb").write_text(json.dumps(right))
    with distributed.Client(cluster.scheduler_address) as client:
        pids = list(client.run(os.getpid).values())
    lines = []

    def progress(line):
        if not lines:  # the first result is in: the others are running or queued on both workers
            os.kill(pids[0], signal.SIGKILL)
        lines.append(line)

    results = grade([slow], tmp_path / "out", chapter="ch01", limits=LIMITS, progress=progress,
                    require_sandbox=bwrap_path() is not None,
                    scheduler=cluster.scheduler_address)
    assert sorted(r["submission"] for r in results) == [f"learner{i}" for i in range(4)]
    assert {(r["total"], r["status"]) for r in results} == {(10, "ok")}
    assert len(lines) == 4  # each result counted once
    assert len(list((tmp_path / "out/.state").glob("learner*.json"))) == 4
    with distributed.Client(cluster.scheduler_address) as client:
        assert pids[0] not in client.run(os.getpid).values()  # it did die; its nanny restarted it


def test_a_scheduler_that_does_not_answer_is_one_sentence(tmp_path, capsys):
    from clv_course.cli import main
    assert main(["grade", str(tmp_path), "--out", str(tmp_path / "out"), "--chapter", "01",
                 "--scheduler", "tcp://127.0.0.1:9"]) == 2
    assert "No Dask scheduler answers at tcp://127.0.0.1:9" in capsys.readouterr().err
