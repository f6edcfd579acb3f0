"""Speed of the non-linear half: neural vector fields, exact polynomial fields, digit flows.

Prints one table: per case, the wall time to convergence (default tolerance 1e-6), the epochs
(L-BFGS steps), the final relative invariance loss and when it first fell below the goal, the
goal, and whether it was met. The method's reference code needed
20,000-40,000 Adam epochs on the 2-D oracles; the goals of this project are the L1-norm field
to invariance < 1e-4 in < 60 s and the whole digits pipeline (autoencoder, classifier, fields,
figure) for latent 16 / ten classes in < 5 minutes, on 2 CPU cores.

    python benchmarks/bench_nonlinear.py             # everything (a few minutes)
    python benchmarks/bench_nonlinear.py --quick     # without the latent-16 digits run
    python benchmarks/bench_nonlinear.py --threads 2 --plot-dir docs/img
"""

from __future__ import annotations

import argparse
import time

import sympy as sp
import torch

from liealg.exact.polyfields import polynomial_symmetries
from liealg.flows import digits_flows
from liealg.config import TrainConfig
from liealg.nonlinear import FieldLosses, discover_nonlinear
from liealg.oracle import Oracle

REFERENCE_EPOCHS = "20,000-40,000"


def field_case(name: str, oracle: Oracle, goal_loss: float, goal_s: float, **options) -> dict:
    """Train to the default tolerance; also note when the invariance first fell below the goal."""
    hit: list[tuple[int, float]] = []
    t0 = time.perf_counter()

    def progress(epoch: int, losses: dict) -> None:
        if not hit and losses["invariance"] < goal_loss:
            hit.append((epoch, time.perf_counter() - t0))

    result = discover_nonlinear(oracle, seed=0, progress=progress, **options)
    seconds = time.perf_counter() - t0
    inv = result.losses["invariance"]
    reached = f"{hit[0][1]:.1f} s / {hit[0][0]} ep" if hit else "never"
    return dict(case=name, seconds=seconds, epochs=str(result.epochs),
                value=f"inv {inv:.1e} (< {goal_loss:.0e} after {reached})",
                goal=f"inv < {goal_loss:.0e} in < {goal_s:.0f} s", ok=bool(hit) and hit[0][1] < goal_s,
                reference=f"{REFERENCE_EPOCHS} epochs")


def exact_case(name: str, oracle: Oracle, degree: int) -> dict:
    t0 = time.perf_counter()
    sol = polynomial_symmetries(oracle, degree=degree)
    seconds = time.perf_counter() - t0
    return dict(case=name, seconds=seconds, epochs="-", value=f"dim {sol.dimension}, {len(sol.nonlinear)} new",
                goal="< 1 s", ok=seconds < 1.0, reference="-")


def flows_case(latent: int, classes: int, goal_s: float, plot_dir: str | None) -> dict:
    t0 = time.perf_counter()
    report = digits_flows(latent=latent, classes=classes, seed=0, plot_dir=plot_dir)
    seconds = time.perf_counter() - t0
    kept = min(report.fraction_unchanged)
    return dict(case=f"digits latent {latent}, {classes} classes", seconds=seconds,
                epochs=str(report.discovery.epochs),
                value=(f"inv {report.invariance:.1e}, kept >= {kept:.1%} "
                       f"(control {report.baseline_fraction_unchanged:.1%})"),
                goal=f"< {goal_s:.0f} s", ok=seconds < goal_s, reference="-")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="skip the latent-16 / ten-class digits run")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--plot-dir", default=None, help="also write the digits figures there")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    x1, x2, x3 = sp.symbols("x1 x2 x3", real=True)
    rows = [
        field_case("squeeze x1*x2", Oracle(x1 * x2), 1e-4, 60),
        field_case("L1 norm |x1|+|x2|", Oracle(sp.Abs(x1) + sp.Abs(x2)), 1e-4, 60),
        field_case("L1 norm, |v| = 1 pointwise", Oracle(sp.Abs(x1) + sp.Abs(x2)), 1e-4, 60,
                   losses=FieldLosses(normalization_mode="pointwise"), training=TrainConfig(epochs=60)),
        # Kinks on the diagonals: a unit-speed field must turn there; the loss stalls near 3e-4.
        field_case("max(|x1|,|x2|), |v| = 1", Oracle(sp.Max(sp.Abs(x1), sp.Abs(x2))), 1e-3, 60,
                   losses=FieldLosses(normalization_mode="pointwise"), training=TrainConfig(epochs=60)),
        field_case("sphere, 2 fields", Oracle(x1**2 + x2**2 + x3**2), 1e-4, 60, n_fields=2),
        exact_case("exact x1*x2, degree 6", Oracle(x1 * x2), 6),
        exact_case("exact sphere R^3, degree 4", Oracle(x1**2 + x2**2 + x3**2), 4),
        exact_case("exact (x2-x1^2)^2, degree 4", Oracle((x2 - x1**2) ** 2), 4),
        flows_case(2, 2, 300, args.plot_dir),
        flows_case(3, 2, 300, args.plot_dir),
    ]
    if not args.quick:
        rows.append(flows_case(16, 10, 300, args.plot_dir))
    header = ("case", "seconds", "epochs", "result", "goal", "met", "reference code")
    table = [(r["case"], f"{r['seconds']:.1f}", r["epochs"], r["value"], r["goal"], "yes" if r["ok"] else "NO",
              r["reference"]) for r in rows]
    widths = [max(len(str(row[i])) for row in [header, *table]) for i in range(len(header))]
    print(f"torch threads: {torch.get_num_threads()}")
    for row in [header, tuple("-" * w for w in widths), *table]:
        print(" | ".join(str(c).ljust(w) for c, w in zip(row, widths)))


if __name__ == "__main__":
    main()
