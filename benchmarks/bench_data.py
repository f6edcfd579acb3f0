"""Labelled data to its symmetry algebra: time per stage, fit quality, spectral gap.

Case (a) of docs/data.md: two-particle events, features the two four-momenta (on mass shells 5
and 10), label the pair's invariant mass squared with Gaussian noise. ``liealg.data.discover_data``
fits the oracle network, finds the mass shells, reads the dimension off the spectrum, trains the
generators (one 4x4 matrix acting on both momenta), names the algebra numerically and checks the
exact candidate on held-out events. The target: 20,000 events fitted, found and named in under
two minutes on this 2-core machine.

    python benchmarks/bench_data.py                          # 20,000 events, 2% noise, seeds 0..2
    python benchmarks/bench_data.py --events 20000 --noise 0.05 --seeds 1
    python benchmarks/bench_data.py --sweep                  # noise and sample-size study (minutes)

Each run prints the fit (validation R², epochs), the dimension and gap, the name and its
tolerance, the exact candidate's worst residual beside a random direction's, and the seconds of
every stage (read, fit, support, form, train, identify, check, total).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from liealg.data import discover_data

NAMES = ["E1", "px1", "py1", "pz1", "E2", "px2", "py2", "pz2"]
ETA = np.diag([1.0, -1.0, -1.0, -1.0])


def events(m: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1000 + seed)

    def on_shell(mass: float) -> np.ndarray:
        p = rng.normal(0.0, 20.0, size=(m, 3))
        return np.column_stack([np.sqrt(mass**2 + (p**2).sum(1)), p])

    p, q = on_shell(5.0), on_shell(10.0)
    s = p + q
    y = np.einsum("mi,ij,mj->m", s, ETA, s)
    return np.hstack([p, q]), y + noise * y.std() * rng.normal(size=m)


def run(m: int, noise: float, seed: int) -> dict[str, object]:
    x, y = events(m, noise, seed)
    t0 = time.perf_counter()
    try:
        r = discover_data(x, y, features=NAMES, vectors=2, seed=seed)
    except Exception as exc:  # a refused fit is a result of the study
        return {"events": m, "noise": noise, "seed": seed, "refused": str(exc)[:100],
                "seconds": time.perf_counter() - t0}
    ident = r.identification
    return {
        "events": m, "noise": noise, "seed": seed, "r2": r.fit.score, "epochs": r.fit.epochs,
        "dimension": r.dimension, "gap": r.spectral_gap, "name": r.name,
        "tolerance": None if ident is None else ident.tolerance,
        "confidence": None if ident is None else ident.confidence,
        "residual": None if r.exact is None else max(r.exact.residuals),
        "control": None if r.exact is None else r.exact.control,
        "timings": dict(r.timings), "seconds": time.perf_counter() - t0,
    }


def show(row: dict[str, object]) -> str:
    if "refused" in row:
        return f"{row['events']:6d} {row['noise']:5.2f} {row['seed']:3d}  refused: {row['refused']}"
    t = row["timings"]
    assert isinstance(t, dict)
    stages = " ".join(f"{k} {v:.1f}" for k, v in t.items() if k != "read")
    tol = "-" if row["tolerance"] is None else f"{row['tolerance']:.0e}"
    res = "-" if row["residual"] is None else f"{row['residual']:.1e}/{row['control']:.1e}"
    return (f"{row['events']:6d} {row['noise']:5.2f} {row['seed']:3d}  R2 {row['r2']:.4f} ({row['epochs']:3d} ep)  "
            f"dim {row['dimension']} gap {row['gap']:.2f}  {row['name']!s:8s} tol {tol}  residual {res}  [{stages}]")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--noise", type=float, default=0.02)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--sweep", action="store_true", help="label noise at 20,000 events; sizes at 5%% noise")
    args = parser.parse_args()
    print(" events noise seed  fit / dimension / gap (decades) / name / tolerance / residual vs random "
          "[seconds per stage]")
    if args.sweep:
        for noise in (0.0, 0.02, 0.05, 0.1, 0.2, 0.4):
            print(show(run(20000, noise, 0)), flush=True)
        for m in (300, 600, 1000, 2000, 5000, 20000):
            print(show(run(m, 0.05, 0)), flush=True)
        return
    rows = [run(args.events, args.noise, s) for s in range(args.seeds)]
    for row in rows:
        print(show(row), flush=True)
    totals = [float(r["seconds"]) for r in rows]  # type: ignore[arg-type]
    named = sum(r.get("name") == "so(3,1)" for r in rows)
    print(f"so(3,1) named {named} of {len(rows)}; seconds per run: mean {np.mean(totals):.1f}, max {max(totals):.1f} "
          "(target: under 120)")


if __name__ == "__main__":
    main()
