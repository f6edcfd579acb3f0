"""Training speed against the exact limit and the reference code's published times.

Prints, per case: the wall time of training to convergence (n_generators="auto"), the final
loss, the largest principal angle between the learned and the exact span, the time the exact
null space takes for the same oracle, their ratio, and the method's reference code's time.

    python benchmarks/bench_training.py            # so(3), so(4), so(1,3), so(10)
    python benchmarks/bench_training.py --big      # adds su(3), g2, su(6), f4, e6 from the catalog
    python benchmarks/bench_training.py --save     # also write benchmarks/results/training.json (the docs show it)

The reference code's figures come from benchmarks/reference_code.json, labelled by source.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import sympy as sp
import torch

from liealg.exact import principal_angles, solve_symmetries
from liealg.oracle import Oracle
from liealg.training import fit_auto

sys.path.insert(0, str(Path(__file__).resolve().parent))
import record  # benchmarks/record.py: saved results, the reference code's figures

COLUMNS = ["case", "dim", "train s", "final loss", "span err", "exact s", "train/exact"]


def quadric(p: int, q: int = 0) -> Oracle:
    xs = sp.symbols(f"x1:{p + q + 1}", real=True)
    return Oracle(sum(x**2 for x in xs[:p]) - sum(x**2 for x in xs[p:]))


def run(name: str, oracle: Oracle, seed: int = 0) -> dict:
    t0 = time.perf_counter()
    exact = solve_symmetries(oracle)
    t_exact = time.perf_counter() - t0
    t0 = time.perf_counter()
    result, dim, _ = fit_auto(oracle, seed=seed)
    t_train = time.perf_counter() - t0
    angle = float(np.max(principal_angles(result.generators, exact))) if result is not None else float("nan")
    return dict(case=name, dim=dim, exact_dim=len(exact), train_s=t_train, loss=result.loss["total"],
                angle=angle, exact_s=t_exact, ratio=t_train / max(t_exact, 1e-9), converged=result.converged,
                reference=record.reference_for(name))


def cells(r: dict) -> list[str]:
    return [r["case"], f"{r['dim']}", f"{r['train_s']:.2f}", f"{r['loss']:.2e}", f"{r['angle']:.1e}",
            f"{r['exact_s']:.3f}", f"{r['ratio']:.0f}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--big", action="store_true", help="also the catalog's su(3), g2, su(6), f4, e6")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--save", action="store_true", help="write benchmarks/results/training.json")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    cases = [("so(3)", quadric(3)), ("so(4)", quadric(4)), ("so(1,3)", quadric(3, 1)), ("so(10)", quadric(10))]
    if args.big:
        from liealg.catalog import oracles as catalog

        for key in ("su3", "g2", "su6", "f4", "e6"):
            try:
                cases.append((key, catalog.get(key).oracle()))
            except Exception as exc:  # a missing catalog entry should not stop the table
                print(f"skipping {key}: {exc}")
    # Warm-up: the first torch call in a process pays one-off initialization costs.
    fit_auto(quadric(2), seed=0)
    rows = [run(name, oracle) for name, oracle in cases]
    header = (f"{'case':10s} {'dim':>4s} {'train s':>9s} {'final loss':>11s} {'span err':>9s} {'exact s':>8s} "
              f"{'train/exact':>11s}  reference code")
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['case']:10s} {r['dim']:4d} {r['train_s']:9.2f} {r['loss']:11.2e} {r['angle']:9.1e} "
              f"{r['exact_s']:8.3f} {r['ratio']:11.0f}  {r['reference']}")
    if args.save:
        command = "python benchmarks/bench_training.py" + (" --big" if args.big else "") + \
            (f" --threads {args.threads}" if args.threads != 2 else "")
        path = record.save(
            "training", title="Training to convergence against the exact solver", script="benchmarks/bench_training.py",
            command=command, columns=COLUMNS, rows=[cells(r) for r in rows],
            notes=['n_generators="auto"; train s: wall time of fit_auto to convergence (after one warm-up fit); '
                   "span err: the largest principal angle (rad) between the learned and the exact span; "
                   "exact s: the exact null space of the same oracle"])
        print(f"saved {path}")


if __name__ == "__main__":
    main()
