"""The Lorentz algebra from a table of two-particle events: four-momenta in, so(3,1) out.

Run:  python examples/data_lorentz_pair.py [--events 20000] [--noise 0.02] [--plot DIR] [--sweep]

Each event holds two particles' four-momenta ``(E, px, py, pz)`` on their mass shells (masses 5
and 10, momenta of about 20 in every direction) and the label is the pair's invariant mass
squared ``(p + q)^2`` with Gaussian noise of ``--noise`` times its spread: what a detector table
with a reconstructed mass column looks like. Nothing here knows the formula: liealg fits an MLP
to the table, finds the two mass shells the features satisfy, reads the number of symmetries off
the spectrum of the learned oracle's invariance form, trains them with one 4x4 generator acting
on both momenta (``vectors=2``), and names the algebra numerically. The exact candidate
(rotations and boosts) is checked against held-out events, never certified.

``--plot DIR`` writes the spectrum, the learned generators (canonical basis) and the exact
candidate; with ``--sweep`` also how the gap and the name degrade with label noise and sample
size (``data_lorentz_degradation.png``; a few minutes).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from liealg.data import OracleNetwork, discover_data, save_data_plots

NAMES = ["E1", "px1", "py1", "pz1", "E2", "px2", "py2", "pz2"]
ETA = np.diag([1.0, -1.0, -1.0, -1.0])


def events(m: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``m`` seeded events: features (m, 8) and the noisy label (p + q)^2."""
    rng = np.random.default_rng(seed)

    def on_shell(mass: float) -> np.ndarray:
        p = rng.normal(0.0, 20.0, size=(m, 3))
        return np.column_stack([np.sqrt(mass**2 + (p**2).sum(1)), p])

    p, q = on_shell(5.0), on_shell(10.0)
    s = p + q
    y = np.einsum("mi,ij,mj->m", s, ETA, s)
    return np.hstack([p, q]), y + noise * y.std() * rng.normal(size=m)


def describe(g) -> str:
    """A rotation (antisymmetric) or a boost (symmetric, mixing E with a momentum)."""
    m = np.array(g, dtype=float)
    i, j = next((i, j) for i in range(4) for j in range(i + 1, 4) if m[i, j] != 0)
    axes = ["E", "px", "py", "pz"]
    return f"boost along {axes[j]}" if np.allclose(m, m.T) else f"rotation in the {axes[i]}-{axes[j]} plane"


def sweep(seed: int, path: Path) -> None:
    """Gap and name against label noise (20,000 events) and sample size (5% noise).

    Two gaps per point: the answer's (network and mass shells together) and the network's
    alone. With vectors=2 the mass shells by themselves already allow only so(3,1), so the
    network-alone gap is the one that shows how well the label itself was learned.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    noises, sizes = [0.0, 0.02, 0.05, 0.1, 0.2, 0.4], [300, 600, 1000, 2000, 5000, 20000]
    rows = []
    for label, grid in (("noise", noises), ("events", sizes)):
        for value in grid:
            m, noise = (20000, value) if label == "noise" else (value, 0.05)
            x, y = events(m, noise, seed)
            try:
                r = discover_data(x, y, features=NAMES, vectors=2, seed=seed)
                rows.append((label, value, r.fit.score, r.dimension, r.spectral_gap, r.name,
                             r.oracle_only_dimension, r.oracle_only_gap))
            except Exception as exc:  # a refused fit is a result too
                rows.append((label, value, float("nan"), 0, 0.0, f"refused ({type(exc).__name__})", 0, 0.0))
            row = rows[-1]
            print(f"  {label} {value}: R² {row[2]:.4f}, dimension {row[3]}, gap {row[4]:.2f}, name {row[5]}; "
                  f"network alone: dimension {row[6]}, gap {row[7]:.2f}", flush=True)
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2))
    for ax, label, grid in ((axes[0], "noise", noises), (axes[1], "events", sizes)):
        pts = [r for r in rows if r[0] == label]
        ax.plot(grid, [r[4] for r in pts], "k-", lw=0.8, label="network + mass shells")
        ax.scatter(grid, [r[4] for r in pts], c=["C2" if r[5] == "so(3,1)" else "C3" for r in pts], zorder=3)
        ax.plot(grid, [r[7] for r in pts], "k--", lw=0.8, label="network alone")
        ax.scatter(grid, [r[7] for r in pts], c=["C2" if r[6] == 6 else "C3" for r in pts], marker="s", zorder=3)
        ax.set_xlabel("label noise / spread (20,000 events)" if label == "noise" else "events (5% noise)")
        ax.set_ylabel("spectral gap (decades)")
        if label == "events":
            ax.set_xscale("log")
        ax.set_ylim(bottom=0)
        ax.legend(fontsize=7)
    fig.suptitle("green: so(3,1) named (circles) / 6 symmetries (squares); red: not", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    print(f"Plot: {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--noise", type=float, default=0.02, help="label noise, relative to its spread")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plot", metavar="DIR")
    parser.add_argument("--sweep", action="store_true", help="with --plot: the noise and sample-size study")
    args = parser.parse_args(argv)

    x, y = events(args.events, args.noise, args.seed)
    t0 = time.perf_counter()
    result = discover_data(x, y, features=NAMES, vectors=2, seed=args.seed, network=OracleNetwork())
    print(result.summary())
    print()
    print(f"Fit: {result.fit.describe()}")
    print(f"Spectral gap: {result.spectral_gap:.2f} decades; dimension {result.dimension}")
    if result.exact is not None:
        kinds = [describe(g) for g in result.exact.generators]
        for k, text in enumerate(kinds, 1):
            print(f"  E{k}: {text}")
        print(f"Rotations: {sum('rotation' in k for k in kinds)}, boosts: {sum('boost' in k for k in kinds)}")
    print(f"Lie algebra: {result.name} (numeric)")
    print(f"Total time: {time.perf_counter() - t0:.1f} s")
    if args.plot:
        for path in save_data_plots(result, args.plot, prefix="data_lorentz"):
            print(f"Plot: {path}")
        if args.sweep:
            sweep(args.seed, Path(args.plot) / "data_lorentz_degradation.png")
    return 0 if result.name == "so(3,1)" else 1


if __name__ == "__main__":
    sys.exit(main())
