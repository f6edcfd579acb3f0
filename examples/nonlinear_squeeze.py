"""The squeeze mapping, learned and then made exact: phi = x1 * x2.

Run:  python examples/nonlinear_squeeze.py [--out docs/img] [--quick]

1. learn one neural vector field v(x) with v . grad phi = 0 (the talk's non-linear picture);
2. every 2-D symmetry of x1 x2 is g(x) (x1, -x2) for some function g: the learned field is
   parallel to the squeeze at every sample, with a g of its own;
3. with a small curvature penalty the learned field is the affine one, which
   fit_polynomial_field turns into the exact, certified (x1, -x2);
4. the exact solver lists every polynomial symmetry up to degree 3, and sorts them.
Writes docs/img/nonlinear_squeeze.png.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import sympy as sp

from liealg.config import Sampling
from liealg.exact.polyfields import fit_polynomial_field, polynomial_symmetries, report_polynomial
from liealg.nonlinear import FieldLosses, FieldNetwork, discover_nonlinear, plot_vector_field, report_nonlinear
from liealg.oracle import Oracle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", "--plot", default="docs/img", help="folder for the PNG (default docs/img)")
    parser.add_argument("--quick", action="store_true", help="smaller networks, for a smoke test")
    args = parser.parse_args()
    size = {"network": FieldNetwork(hidden=(16, 16)), "sampling": Sampling(n=256)} if args.quick else {}

    x1, x2 = sp.symbols("x1 x2", real=True)
    phi = Oracle(x1 * x2)

    plain = discover_nonlinear(phi, seed=0, **size)
    print("== learned field (invariance, normalization, speed floor) ==")
    print(report_nonlinear(plain, fit_degree=None))

    smooth = discover_nonlinear(phi, seed=0, losses=FieldLosses(curvature=1e-2), **size)
    exact = fit_polynomial_field(smooth.field(0), phi, degree=1, samples=smooth.samples)
    print("\n== with a curvature penalty: the affine representative ==")
    print(report_nonlinear(smooth, fit_degree=None))
    print(f"exact field {exact.text()} (fit residual {exact.fit_residual:.1e}, rounding {exact.rounding_error:.1e}, "
          f"certified {exact.certified}); learned = {exact.scale:.4f} x exact")

    print("\n== exact polynomial symmetries, degree <= 3 ==")
    print(report_polynomial(polynomial_symmetries(phi, degree=3)))

    fig, axes = plt.subplots(1, 2, figsize=(7.6, 3.9))
    plot_vector_field(plain.field(0), phi, ax=axes[0], title="learned: g(x) (x1, -x2)")
    plot_vector_field(smooth.field(0), phi, ax=axes[1], title=f"curvature penalty -> exact {exact.text()}")
    fig.suptitle(r"squeeze mapping, $\varphi = x_1 x_2$", fontsize=10)
    fig.tight_layout()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    fig.savefig(out / "nonlinear_squeeze.png", dpi=80)
    print(f"\nwrote {out / 'nonlinear_squeeze.png'}")


if __name__ == "__main__":
    main()
