"""The benchmark scripts keep working (their speed is measured by `make bench`, not here)."""

from __future__ import annotations

import subprocess
import sys

import pytest


def test_summary_benchmark_runs_and_reports_its_time(root):
    result = subprocess.run(
        [sys.executable, str(root / "benchmarks" / "bench_summary.py"), "--transactions", "5000",
         "--customers", "500", "--repeats", "1"],
        capture_output=True, text=True, timeout=120, check=True)
    assert "clv_course customer_summary:" in result.stdout
    assert "5,000 transactions, 500 customers" in result.stdout


def test_models_benchmark_runs_and_reports_each_models_fit_time(root):
    result = subprocess.run([sys.executable, str(root / "benchmarks" / "bench_models.py")],
                            capture_output=True, text=True, timeout=300, check=True)
    for model in ("BG/NBD", "Pareto/NBD", "Gamma-Gamma"):
        assert model in result.stdout


# Grading under the full suite's load once left a submission at 0 points: this grades beside
# the class test's other graders, one after the other on one worker, not against them.
@pytest.mark.xdist_group("grading-class")
def test_grader_benchmark_runs_and_reports_its_time(root):
    result = subprocess.run([sys.executable, str(root / "benchmarks" / "bench_grader.py"),
                             "--submissions", "6"],
                            capture_output=True, text=True, timeout=300, check=True)
    assert "clv-course grade :" in result.stdout
    assert "1 x errors 7, 2 x ok 7, 3 x ok 10" in result.stdout  # broken, partly wrong, right
    assert "on a LocalCluster (2 workers)" in result.stdout and "kernels started cold" in result.stdout
    assert result.stdout.count("the same totals") == 2  # cold kernels and the cluster agree
