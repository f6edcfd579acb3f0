"""Jets of massless particles labelled by the jet mass: the Lorentz algebra acting on every particle.

Run:  python examples/data_jets.py [--jets 20000] [--particles 4] [--noise 0.02] [--plot DIR]

Each jet is ``--particles`` massless particles spread around a random axis (opening angles of
about 0.5 rad, energy fractions from a Dirichlet distribution, jet energies 50 to 200); the
features are every particle's four-momentum, the label the jet's invariant mass squared
``(sum p_i)^2`` with noise. The data lie on the light cones ``p_i^2 = 0``: liealg finds those
equations, and the generators that keep them alone form so(3,1) plus the dilation (light cones
are scale invariant). The label is not: the answer is so(3,1), one 4x4 generator acting on all
particles at once.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

from liealg.data import discover_data, save_data_plots

ETA = np.diag([1.0, -1.0, -1.0, -1.0])


def jets(m: int, n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    axis = rng.normal(size=(m, 3))
    axis /= np.linalg.norm(axis, axis=1, keepdims=True)
    a = np.cross(axis, rng.normal(size=(m, 3)))
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b = np.cross(axis, a)
    theta, phi = np.abs(rng.normal(0.0, 0.5, size=(m, n))), rng.uniform(0.0, 2 * np.pi, size=(m, n))
    dirs = (np.cos(theta)[..., None] * axis[:, None]
            + np.sin(theta)[..., None] * (np.cos(phi)[..., None] * a[:, None] + np.sin(phi)[..., None] * b[:, None]))
    energy = rng.dirichlet(np.full(n, 2.0), size=m) * rng.uniform(50.0, 200.0, size=(m, 1))
    momenta = np.concatenate([energy[..., None], energy[..., None] * dirs], axis=-1)  # (m, n, 4)
    total = momenta.sum(1)
    y = np.einsum("mi,ij,mj->m", total, ETA, total)
    return momenta.reshape(m, 4 * n), y + noise * y.std() * rng.normal(size=m)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jets", type=int, default=20000)
    parser.add_argument("--particles", type=int, default=4)
    parser.add_argument("--noise", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plot", metavar="DIR")
    args = parser.parse_args(argv)

    n = args.particles
    x, y = jets(args.jets, n, args.noise, args.seed)
    names = [f"{c}{i + 1}" for i in range(n) for c in ("E", "px", "py", "pz")]
    result = discover_data(x, y, features=names, vectors=n, seed=args.seed)
    print(result.summary())
    print()
    print(f"Fit: {result.fit.describe()}")
    print(f"Light cones found: {result.support.n_equations if result.support else 0}; generators keeping them "
          f"alone: {result.support_only_dimension}; with the label: {result.dimension} "
          f"(gap {result.spectral_gap:.2f} decades)")
    print(f"Lie algebra: {result.name} (numeric)")
    if args.plot:
        for path in save_data_plots(result, args.plot, prefix="data_jets"):
            print(f"Plot: {path}")
    return 0 if result.name == "so(3,1)" and result.dimension == 6 else 1


if __name__ == "__main__":
    sys.exit(main())
