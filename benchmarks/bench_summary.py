"""Benchmark: the customer-base summary of 1,000,000 transactions from 100,000 customers.

Prints the time of clv_course.summary.customer_summary and, when the peer
`lifetimes` is installed (``make bench`` installs it in .venv-bench only), the
time of lifetimes.utils.summary_data_from_transaction_data on the same data in
the same run, the ratio, and whether the two results agree.
Targets: under 2 s, and at least 10x faster than lifetimes.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd
from _timing import best_of  # benchmarks/ is on the path when a script runs

from clv_course.summary import customer_summary

CALIBRATION_END = "2024-12-31"
HOLDOUT_END = "2025-06-30"  # the last purchase day is 2025-06-28


def synthetic_transactions(transactions: int, customers: int, seed: int = 7) -> pd.DataFrame:
    """Skewed, realistic-looking purchases: heavy buyers, same-day repeats, two years."""
    rng = np.random.default_rng(seed)
    weights = rng.gamma(0.8, 1.0, size=customers)
    # every customer buys once; the remaining purchases go to heavy buyers more often
    owner = np.concatenate([np.arange(customers), rng.choice(
        customers, size=transactions - customers, p=weights / weights.sum())])
    first = rng.integers(0, 365, size=customers)
    day = first[owner] + rng.integers(0, 365, size=transactions)
    return pd.DataFrame({
        "customer_id": owner.astype(np.int64) + 1,
        "date": pd.Timestamp("2023-07-01") + pd.to_timedelta(day, unit="D"),
        "amount": np.round(rng.gamma(3.0, 15.0, size=transactions), 2),
    })


def _largest_difference(ours: pd.DataFrame, peer: pd.DataFrame, pairs: dict[str, str]) -> float:
    peer = peer.sort_index()
    if not ours.index.equals(peer.index):
        return float("inf")
    return max(float(np.max(np.abs(ours[a].to_numpy() - peer[b].to_numpy())))
               for a, b in pairs.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    data = synthetic_transactions(args.transactions, args.customers)
    print(f"data: {len(data):,} transactions, {data['customer_id'].nunique():,} customers")

    ours_time, ours = best_of(args.repeats, lambda: customer_summary(
        data, calibration_end=HOLDOUT_END, unit="day"))
    print(f"clv_course customer_summary: {ours_time:.3f} s (best of {args.repeats}); "
          f"target < 2 s: {'met' if ours_time < 2 else 'MISSED'}")
    split_time, split = best_of(args.repeats, lambda: customer_summary(
        data, calibration_end=CALIBRATION_END, holdout_end=HOLDOUT_END, unit="day"))
    print(f"clv_course customer_summary with holdout: {split_time:.3f} s")

    try:
        from lifetimes.utils import (
            calibration_and_holdout_data,
            summary_data_from_transaction_data,
        )
    except ImportError:
        print("lifetimes is not installed here: run `make bench` for the comparison.")
        return
    peer_time, peer = best_of(args.repeats, lambda: summary_data_from_transaction_data(
        data, "customer_id", "date", monetary_value_col="amount",
        observation_period_end=HOLDOUT_END, freq="D"))
    ratio = peer_time / ours_time
    worst = _largest_difference(ours, peer, {c: c for c in ("frequency", "recency", "T",
                                                             "monetary_value")})
    print(f"lifetimes summary_data_from_transaction_data: {peer_time:.3f} s")
    print(f"ratio: clv_course is {ratio:.1f}x faster; target >= 10x: "
          f"{'met' if ratio >= 10 else 'MISSED'}")
    print(f"equal results: {'yes' if worst < 1e-6 else 'NO'} ({len(ours):,} customers, "
          f"largest difference {worst:.2e})")

    peer_split_time, peer_split = best_of(1, lambda: calibration_and_holdout_data(
        data, "customer_id", "date", calibration_period_end=CALIBRATION_END,
        observation_period_end=HOLDOUT_END, freq="D", monetary_value_col="amount"))
    worst = _largest_difference(split, peer_split, {
        "frequency": "frequency_cal", "recency": "recency_cal", "T": "T_cal",
        "monetary_value": "monetary_value_cal", "frequency_holdout": "frequency_holdout",
        "duration_holdout": "duration_holdout"})
    print(f"lifetimes calibration_and_holdout_data: {peer_split_time:.3f} s, ratio "
          f"{peer_split_time / split_time:.1f}x; equal results: {'yes' if worst < 1e-6 else 'NO'} "
          f"(largest difference {worst:.2e}) except monetary_value_holdout, which lifetimes "
          "averages over rows rather than purchase days, unlike its own calibration column")

if __name__ == "__main__":
    main()
