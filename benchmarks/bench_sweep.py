"""Sweeps: the executors' per-point overhead and the speed-up of two workers over one (prints a table).

Run from the repository root::

    python benchmarks/bench_sweep.py                 # local and dask, 1 and 2 workers, 8 points
    python benchmarks/bench_sweep.py --points 16 --n 10 --executors dask

Every point is the whole chain (train, exact, certify, name) on ``x1^2 + ... + x(n-1)^2 + a xn^2``
(so(n), about 1-2 s a point at n = 12 on one core), one thread per worker. Each executor is
started and warmed (every worker has imported torch and run a point) before the timed sweep, so
the figures are the steady state of a long sweep, not the start-up.

* ``overhead / point``: ``(workers * wall - sum of the points' own times) / points``, the time a
  point costs beyond its own work (scheduling, pickling, collecting, writing the row), and that
  as a fraction of a point's own time. The issue's goal: under 10 % for points of 1 s or more.
* ``speed-up``: wall time with one worker over wall time with two, for the same points, run
  side by side in this process. Two workers on a 2-core machine shared with other jobs cannot
  reach 2x; the load average is printed with the results. When a point's wall time (``mean
  point``) grows well past its CPU time (``CPU s``) with two workers, the two were waiting for
  cores held by other jobs: that is the machine, not the executor.
"""

from __future__ import annotations

import argparse
import os
import time

from liealg.config import TrainConfig
from liealg.sweeps import make_executor, sweep


def formula(n: int) -> str:
    return " + ".join(f"x{i}**2" for i in range(1, n)) + f" + a*x{n}**2"


def values(count: int, start: int = 2) -> list[str]:
    return [f"{start + i}/{i + 1}" for i in range(count)]  # distinct positive couplings


def timed_sweep(executor, n: int, points: int, seed: int) -> dict:
    training = TrainConfig(num_threads=1)
    # Warm every worker: imports, torch's first optimizer, lambdify caches.
    sweep(formula(n), {"a": values(2 * executor.workers, start=100)}, seed=seed, training=training,
          executor=executor)
    t0 = time.perf_counter()
    result = sweep(formula(n), {"a": values(points)}, seed=seed, training=training, executor=executor)
    wall = time.perf_counter() - t0
    own = sum(p.seconds for p in result.points)
    cpu = sum(p.cpu_seconds for p in result.points)
    bad = [p for p in result.points if p.status != "ok"]
    return {"wall": wall, "own": own, "points": len(result.points), "workers": executor.workers,
            "mean_point": own / len(result.points), "mean_cpu": cpu / len(result.points),
            "overhead": (executor.workers * wall - own) / len(result.points),
            "failed": len(bad)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=8)
    ap.add_argument("--n", type=int, default=12, help="size of the quadratic form (12: so(12), 66 generators)")
    ap.add_argument("--executors", default="local,dask")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          f"{args.points} points of so({args.n}) training")
    rows = []
    for name in args.executors.split(","):
        for workers in (1, 2):
            with make_executor(name, workers=workers) as executor:
                r = timed_sweep(executor, args.n, args.points, args.seed)
            rows.append((name, r))
            failed = f", {r['failed']} point(s) not ok" if r["failed"] else ""
            print(f"  {name:5s} {workers} worker(s): wall {r['wall']:6.1f} s, mean point {r['mean_point']:.2f} s "
                  f"({r['mean_cpu']:.2f} s CPU), "
                  f"overhead/point {r['overhead'] * 1000:7.1f} ms ({100 * r['overhead'] / r['mean_point']:5.1f} %)"
                  f"{failed}", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print()
    print("executor  workers  wall s  mean point s  (CPU s)  overhead/point ms  overhead %  speed-up vs 1 worker")
    for name, r in rows:
        one = next(x for n, x in rows if n == name and x["workers"] == 1)
        speed = one["wall"] / r["wall"]
        print(f"{name:8s}  {r['workers']:7d}  {r['wall']:6.1f}  {r['mean_point']:12.2f}  {r['mean_cpu']:7.2f}  "
              f"{r['overhead'] * 1000:17.1f}  "
              f"{100 * r['overhead'] / r['mean_point']:10.1f}  {speed:20.2f}")


if __name__ == "__main__":
    main()
