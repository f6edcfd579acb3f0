"""Non-smooth oracles: the L1 norm |x1| + |x2| and the piecewise-linear max(|x1|, |x2|).

Run:  python examples/nonlinear_l1.py [--out docs/img] [--quick]

The level sets are squares (diamonds for L1): no linear map preserves them except the finite
symmetries of the square, but non-linear flows that slide points around the square do. The
gradient jumps on the axes (L1) or the diagonals (max): a smooth network can only vanish there,
so the learned field slows down near the corners. An exact continuous symmetry of the L1 norm,
v = (|x1| x2, -x1 |x2|), is certified symbolically for comparison.
Writes docs/img/nonlinear_l1.png.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import sympy as sp  # noqa: E402

from liealg.exact.polyfields import certify_field  # noqa: E402
from liealg.config import Sampling, TrainConfig  # noqa: E402
from liealg.nonlinear import (FieldLosses, FieldNetwork, discover_nonlinear, plot_vector_field,  # noqa: E402
                              report_nonlinear)
from liealg.oracle import Oracle  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="docs/img", help="folder for the PNG (default docs/img)")
    parser.add_argument("--quick", action="store_true", help="smaller networks, for a smoke test")
    args = parser.parse_args()
    quick = args.quick

    x1, x2 = sp.symbols("x1 x2", real=True)
    l1 = Oracle(sp.Abs(x1) + sp.Abs(x2))
    linf = Oracle(sp.Max(sp.Abs(x1), sp.Abs(x2)))
    # normalization "mean" (mean |v|^2 = 1) converges to 1e-6 but may leave the field tiny in
    # places; "pointwise" (|v| = 1 everywhere) gives the talk's uniform flow around the square,
    # at a loss that stalls near 1e-5: the unit field must jump on the axes, a network cannot.
    runs = [("L1 norm, mean |v|^2 = 1", l1, "mean", None),
            ("L1 norm, |v| = 1", l1, "pointwise", 60),
            ("max(|x1|, |x2|), |v| = 1", linf, "pointwise", 60)]
    fig, axes = plt.subplots(1, 3, figsize=(11.0, 3.9))
    for ax, (name, phi, norm, epochs) in zip(axes, runs):
        start = time.perf_counter()
        result = discover_nonlinear(phi, seed=0, losses=FieldLosses(normalization_mode=norm),
                                    network=FieldNetwork(hidden=(32, 32)) if quick else None,
                                    sampling=Sampling(n=256) if quick else None,
                                    training=TrainConfig(epochs=40 if quick else epochs))
        print(f"== {name}: {time.perf_counter() - start:.1f} s ==")
        print(report_nonlinear(result, fit_degree=None))
        print()
        plot_vector_field(result.field(0), phi, ax=ax,
                          title=f"{name}\ninvariance {result.losses['invariance']:.1e}")
    v = (sp.Abs(x1) * x2, -x1 * sp.Abs(x2))
    print(f"exact continuous symmetry of the L1 norm {v}: certified {certify_field(l1, v)}")
    fig.suptitle("non-smooth oracles: flows around the square", fontsize=10)
    fig.tight_layout()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    fig.savefig(out / "nonlinear_l1.png", dpi=80)
    print(f"wrote {out / 'nonlinear_l1.png'}")


if __name__ == "__main__":
    main()
