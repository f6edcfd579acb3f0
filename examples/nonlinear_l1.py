"""Non-smooth oracles: the L1 norm, the max norm and the reference code's piecewise oracle.

Run:  python examples/nonlinear_l1.py [--out docs/img] [--quick]

The level sets of |x1| + |x2| are diamonds and those of max(|x1|, |x2|) squares: no linear map
preserves them but their finite symmetries, while a non-linear flow slides every point around its
square. The gradient jumps on the axes (L1) or the diagonals (max), where a field that moves must
turn sharply. The piecewise oracle "x1 if x1 >= 0 else -x2" is preserved by vertical flow on the
right half-plane and horizontal flow on the left.

Each field is checked as the result reports it: the loss, the fraction of the samples where the
field moves (coverage) and how tangent it is there (median |cos(v, grad phi)|, small is good).
For comparison, the L1 field trained without the speed floor: a tiny loss, but the field moves
only in the corners, and the run is reported NOT converged. An exact continuous symmetry of the
L1 norm, (|x1| x2, -x1 |x2|), which stops on the axes, is certified symbolically.
Writes docs/img/nonlinear_l1.png.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import sympy as sp

from liealg.config import Sampling, TrainConfig
from liealg.exact.polyfields import certify_field
from liealg.nonlinear import FieldLosses, discover_nonlinear, plot_vector_field, report_nonlinear
from liealg.oracle import Oracle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", "--plot", default="docs/img", help="folder for the PNG (default docs/img)")
    parser.add_argument("--quick", action="store_true", help="fewer samples and a looser tolerance, for a smoke test")
    args = parser.parse_args()
    budget = {"sampling": Sampling(n=256), "training": TrainConfig(tol=1e-4, epochs=80)} if args.quick else {}

    x1, x2 = sp.symbols("x1 x2", real=True)
    l1 = Oracle(sp.Abs(x1) + sp.Abs(x2))
    runs = [("|x1| + |x2|", l1, {}),
            ("|x1| + |x2|, no speed floor", l1, {"losses": FieldLosses(speed=0.0)}),
            ("max(|x1|, |x2|)", Oracle(sp.Max(sp.Abs(x1), sp.Abs(x2))), {}),
            ("x1 if x1 >= 0 else -x2", Oracle(sp.Piecewise((x1, x1 >= 0), (-x2, True))), {})]
    fig, axes = plt.subplots(1, len(runs), figsize=(3.6 * len(runs), 4.0))
    for ax, (name, phi, options) in zip(axes, runs):
        start = time.perf_counter()
        result = discover_nonlinear(phi, seed=0, **budget, **options)
        print(f"== {name}: {time.perf_counter() - start:.1f} s ==")
        print(report_nonlinear(result, fit_degree=None))
        print()
        verdict = "converged" if result.converged else "NOT converged"
        plot_vector_field(result.field(0), phi, ax=ax,
                          title=f"{name}\n{verdict}: moves on {result.coverage[0]:.0%}, "
                                f"tangency {result.tangency[0]:.0e}")
    v = (sp.Abs(x1) * x2, -x1 * sp.Abs(x2))
    print(f"exact continuous symmetry of the L1 norm {v}: certified {certify_field(l1, v)}")
    fig.suptitle("non-smooth oracles: flows around the square, and a field that barely moves", fontsize=10)
    fig.tight_layout()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    fig.savefig(out / "nonlinear_l1.png", dpi=80)
    print(f"wrote {out / 'nonlinear_l1.png'}")


if __name__ == "__main__":
    main()
