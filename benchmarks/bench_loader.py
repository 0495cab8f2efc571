"""Benchmark: load_transactions against pandas.read_csv on a generated 200 MB export.

Writes (once, then reuses) a CSV of 4,800,000 order lines, about 200 MB, as a shop
would export it: ``customer_id,date,quantity,amount,is_refund,sales_channel``, in order of
the order date, with refunds as negative amounts and, as in any real file without an order
id, a few identical purchases on the same day. (A file out of date order costs the loader
one sort more.) Then reads it in a fresh process each with
``pandas.read_csv(path)`` and with ``clv_course.datasets.load_transactions(path)``,
and prints each one's time and peak memory (the process's peak resident set, from
``VmHWM`` in ``/proc/self/status``, or ``resource.getrusage`` elsewhere; both processes
import the same modules first) and the ratios.
Target: load_transactions within 1.5x of pandas.read_csv in time and in peak memory.

The two readers take turns (``--rounds``, 3 by default) and each keeps its fastest time.

Run: ``python benchmarks/bench_loader.py [--rows 4800000] [--rounds 3] [--file PATH]``
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
TARGET = 1.5


def write_export(path: Path, rows: int, seed: int = 17) -> None:
    """A realistic order-line export: skewed customers, two years, 5 % refunds."""
    rng = np.random.default_rng(seed)
    customers = max(rows // 10, 1)
    weights = rng.gamma(0.8, 1.0, size=customers)
    owner = rng.choice(customers, size=rows, p=weights / weights.sum())
    day = rng.integers(0, 730, size=rows)
    quantity = 1 + rng.poisson(0.6, size=rows)
    amount = np.round(rng.gamma(3.0, 20.0, size=rows) * quantity, 2)
    refund = rng.random(rows) < 0.05
    frame = pd.DataFrame({
        "customer_id": pd.Series(owner).map("C{:07d}".format),
        "date": (pd.Timestamp("2023-01-01") + pd.to_timedelta(day, unit="D")).strftime("%Y-%m-%d"),
        "quantity": np.where(refund, -quantity, quantity),
        "amount": np.where(refund, -amount, amount),
        "is_refund": np.where(refund, "true", "false"),
        "sales_channel": np.where(rng.random(rows) < 0.3, "marketplace", "own_shop"),
    })
    frame = frame.iloc[np.argsort(day, kind="stable")]  # exported in order of the order date
    partial = path.with_suffix(".partial")
    frame.to_csv(partial, index=False, float_format="%.2f")
    partial.replace(path)


def _peak_mb() -> float:
    """This process's peak resident memory: VmHWM on Linux (ru_maxrss survives exec there)."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(status.split("VmHWM:")[1].split()[0]) / 1024
    except (OSError, IndexError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _child(reader: str, path: str, repeats: int) -> None:
    """Runs in its own process: import, read ``repeats`` times, report time and peak memory."""
    sys.path.insert(0, str(ROOT))
    from clv_course.datasets import (
        load_transactions,  # both readers import the same modules
    )

    read = {"pandas": lambda: pd.read_csv(path),
            "clv_course": lambda: load_transactions(path)}[reader]
    before = _peak_mb()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        frame = read()
        times.append(time.perf_counter() - start)
        rows = len(frame)
        del frame
    print(json.dumps({"seconds": min(times), "peak_mb": _peak_mb(), "before_mb": before,
                      "rows": rows}))


def measure(reader: str, path: Path, repeats: int) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", reader, "--file", str(path),
                           "--repeats", str(repeats)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=4_800_000)
    parser.add_argument("--repeats", type=int, default=1, help="reads per process")
    parser.add_argument("--rounds", type=int, default=3,
                        help="pairs of processes, pandas then clv_course, taking turns")
    parser.add_argument("--file", type=Path, default=None,
                        help="the CSV to read (written first when it does not exist)")
    parser.add_argument("--child", choices=["pandas", "clv_course"], help=argparse.SUPPRESS)
    parser.add_argument("--write", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child, str(args.file), args.repeats)
        return
    if args.write:
        write_export(args.file, args.rows)
        return
    path = args.file or Path(tempfile.gettempdir()) / f"clv_course_bench_{args.rows}.csv"
    if not path.exists():
        start = time.perf_counter()
        # in a process of its own, so this one stays small for the readers it starts
        subprocess.run([sys.executable, __file__, "--write", "--rows", str(args.rows),
                        "--file", str(path)], check=True)
        print(f"wrote {path} in {time.perf_counter() - start:.1f} s")
    load = os.getloadavg()[0]
    print(f"data: {args.rows:,} rows, {path.stat().st_size / 1e6:,.0f} MB; "
          f"load average {load:.1f} on {os.cpu_count()} cores"
          + (" (the machine is busy: times are noisy)" if load > (os.cpu_count() or 1) else ""))
    # The readers take turns, so that a busy moment of the machine falls on both; each keeps
    # its fastest time (the least disturbed) and its largest peak memory.
    results: dict[str, list[dict]] = {"pandas": [], "clv_course": []}
    for _round in range(args.rounds):
        for reader, runs in results.items():
            runs.append(measure(reader, path, args.repeats))
    pandas, ours = ({"seconds": min(r["seconds"] for r in runs),
                     "peak_mb": max(r["peak_mb"] for r in runs),
                     "before_mb": max(r["before_mb"] for r in runs), "rows": runs[0]["rows"]}
                    for runs in results.values())
    for name, result in (("pandas.read_csv", pandas), ("clv_course load_transactions", ours)):
        print(f"{name}: {result['seconds']:.2f} s (best of {args.rounds}), peak memory {result['peak_mb']:,.0f} MB "
              f"({result['peak_mb'] - result['before_mb']:,.0f} MB for the read), "
              f"{result['rows']:,} rows")
    time_ratio = ours["seconds"] / pandas["seconds"]
    memory_ratio = ours["peak_mb"] / pandas["peak_mb"]
    print(f"ratio: time {time_ratio:.2f}x, peak memory {memory_ratio:.2f}x pandas; "
          f"target <= {TARGET}x: {'met' if max(time_ratio, memory_ratio) <= TARGET else 'MISSED'}")


if __name__ == "__main__":
    main()
