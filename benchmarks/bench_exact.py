"""Timings of the exact layer: solver, rationalize, certify (prints a table).

Run from the repository root::

    python benchmarks/bench_exact.py            # the standard table
    python benchmarks/bench_exact.py --all      # also su(6) and the unsplit solver on e6 (a minute)

Goals (DESIGN.md §5, the exact layer's brief): so(16) solved in < 2 s; so(10) rationalized and
certified in < 5 s; the 27-variable cubic norm (e6) solved with its 78 generators in < 10 s.
"best s" is the best of ``--repeat`` runs (default 3) after one cold run, whose time is "cold s"
(first call in the process: imports, caches, lambdify). The machine's load is not controlled,
so read the numbers as orders of magnitude.
"""

from __future__ import annotations

import argparse
import itertools
import time
from typing import Callable

import numpy as np
import sympy as sp

from liealg.exact import certify, rationalize, same_span, solve_symmetries, symmetry_conditions
from liealg.exact.solver import solve_conditions
from liealg.oracle import Oracle

ROWS: list[tuple[str, str, str, float, float, str]] = []
_LAST_COLD = [float("nan")]


def timed(fn: Callable, repeat: int):
    """Best of ``repeat`` runs after a first (cold: imports, caches) run, whose time is kept."""
    t0 = time.perf_counter()
    out = fn()
    _LAST_COLD[0] = time.perf_counter() - t0
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def record(case: str, step: str, seconds: float, goal: str = "", note: str = "", cold: float | None = None) -> None:
    ROWS.append((case, step, goal, seconds, _LAST_COLD[0] if cold is None else cold, note))


def quadric(n: int) -> Oracle:
    xs = sp.symbols(f"x1:{n + 1}", real=True)
    return Oracle(sum(x**2 for x in xs), variables=xs)


def noisy_mixture(mats, rng: np.random.Generator, noise: float) -> np.ndarray:
    arr = np.array([np.array(M.evalf(), dtype=complex) for M in mats])
    if not np.any(arr.imag):
        arr = arr.real
    k = arr.shape[0]
    Q, _ = np.linalg.qr(rng.normal(size=(k, k)))
    mixed = np.einsum("ab,bij->aij", Q, arr)
    eps = rng.normal(size=arr.shape)
    if np.iscomplexobj(arr):
        eps = eps + 1j * rng.normal(size=arr.shape)
    return mixed + noise * eps


def su_basis(n: int) -> list[sp.Matrix]:
    out = []
    for i, j in itertools.combinations(range(n), 2):
        A = sp.zeros(n, n)
        A[i, j], A[j, i] = 1, -1
        S = sp.zeros(n, n)
        S[i, j] = S[j, i] = sp.I
        out += [A, S]
    for i in range(n - 1):
        H = sp.zeros(n, n)
        H[i, i], H[i + 1, i + 1] = sp.I, -sp.I
        out.append(H)
    return out


def e6_oracle() -> tuple[Oracle | None, str]:
    """The 27-variable cubic norm from the catalog, if the catalog has it."""
    try:
        from liealg.catalog import oracles

        return oracles.e6().oracle(), "liealg.catalog.oracles.e6()"
    except (ImportError, AttributeError):
        pass
    try:
        from liealg.catalog import jordan

        return Oracle(jordan.cubic_norm_polynomial(), variables=jordan.jordan_symbols()), "catalog.jordan"
    except ImportError:
        return None, "not available"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--all", action="store_true", help="also su(6) and the slow unsplit solver on e6")
    args = parser.parse_args()
    rng = np.random.default_rng(0)

    # ---- the solver on so(n)
    for n in (3, 10, 16):
        t, oracle = timed(lambda: quadric(n), args.repeat)
        record(f"so({n})", "build Oracle", t)
        t, gens = timed(lambda: solve_symmetries(oracle), args.repeat)
        assert len(gens) == n * (n - 1) // 2
        record(f"so({n})", f"solve_symmetries ({len(gens)} gens)", t, "< 2 s" if n == 16 else "")
        t, cert = timed(lambda: certify(oracle, gens), args.repeat)
        assert cert.certified
        record(f"so({n})", "certify exact basis", t)

    # ---- so(10) from noisy floats: rationalize + certify
    oracle = quadric(10)
    exact = solve_symmetries(oracle)
    floats = noisy_mixture(exact, rng, 1e-9)
    t_rat, res = timed(lambda: rationalize(floats), args.repeat)
    assert res.matrices == exact
    record("so(10)", "rationalize 45 noisy gens (1e-9)", t_rat, note=f"max_error {res.max_error:.1e}")
    t_cert, cert = timed(lambda: certify(oracle, res.matrices), args.repeat)
    assert cert.certified
    record("so(10)", "certify rationalized", t_cert)
    record("so(10)", "rationalize + certify", t_rat + t_cert, "< 5 s", cold=float("nan"))

    # ---- su(n) complex spans
    for n in (3, 6):
        basis = su_basis(n)
        floats = noisy_mixture(basis, rng, 1e-9)
        t, res = timed(lambda: rationalize(floats), args.repeat)
        assert same_span(res.matrices, basis)
        record(f"su({n})", f"rationalize {len(basis)} complex gens", t, note=res.exact_kind)
        t, res = timed(lambda: rationalize(floats, basis="orthonormal"), args.repeat)
        record(f"su({n})", "rationalize, orthonormal basis", t)

    # ---- e6: the 27-variable cubic norm
    t0 = time.perf_counter()
    oracle, source = e6_oracle()
    if oracle is not None:
        elapsed = time.perf_counter() - t0
        record("e6 cubic", "build Oracle (once)", elapsed, cold=elapsed, note=source)
        t, cond = timed(lambda: symmetry_conditions(oracle), args.repeat)
        record("e6 cubic", f"symmetry_conditions {cond.shape}", t)
        t, gens = timed(lambda: solve_symmetries(oracle), args.repeat)
        assert len(gens) == 78
        record("e6 cubic", "solve_symmetries (78 gens)", t, "< 10 s")
        t, cert = timed(lambda: certify(oracle, gens), args.repeat)
        assert cert.certified
        record("e6 cubic", "certify 78 gens", t)
        floats = noisy_mixture(gens, rng, 1e-9)
        t, res = timed(lambda: rationalize(floats), args.repeat)
        assert res.matrices == gens
        record("e6 cubic", "rationalize 78 noisy gens", t, note=f"max_error {res.max_error:.1e}")
        # Null-space strategies (same canonical answer): per-block integer null space (default),
        # per-block rational RREF, and the whole system unsplit.
        for backend in ("fmpz_nullspace", "fmpq_rref"):
            t, _ = timed(lambda: solve_conditions(cond, backend=backend), args.repeat)
            record("e6 cubic", f"null space, blocks, {backend}", t)
        if args.all:
            t0 = time.perf_counter()
            solve_conditions(cond, split=False)
            elapsed = time.perf_counter() - t0
            record("e6 cubic", "null space, unsplit, fmpz_nullspace", elapsed, cold=elapsed)

    if args.all:
        # su(6) from the catalog's lean real oracle (72 real variables, a 23040-term determinant).
        try:
            from liealg.catalog import oracles

            t0 = time.perf_counter()
            su6 = oracles.get("su(6)").oracle()
            elapsed = time.perf_counter() - t0
            record("su(6)", "build Oracle (catalog, once)", elapsed, cold=elapsed)
            t0 = time.perf_counter()
            gens = solve_symmetries(su6)
            elapsed = time.perf_counter() - t0
            record("su(6)", f"solve_symmetries ({len(gens)} gens), once", elapsed, cold=elapsed)
            t, cert = timed(lambda: certify(su6, gens), 1)
            assert cert.certified
            record("su(6)", "certify", t)
        except (ImportError, KeyError, AttributeError) as exc:
            print(f"su(6) skipped: {exc}")

    cond16 = symmetry_conditions(quadric(16))
    for backend in ("fmpz_nullspace", "fmpq_rref"):
        for split in (True, False):
            t, _ = timed(lambda: solve_conditions(cond16, backend=backend, split=split), args.repeat)
            record("so(16)", f"null space, {'blocks' if split else 'unsplit'}, {backend}", t)

    width = max(len(r[1]) for r in ROWS)
    print(f"{'case':10s} {'step':{width}s} {'best s':>8s} {'cold s':>8s} {'goal':>7s}  note")
    print("-" * (10 + width + 38))
    for case, step, goal, seconds, cold, note in ROWS:
        print(f"{case:10s} {step:{width}s} {seconds:8.3f} {cold:8.3f} {goal:>7s}  {note}")


if __name__ == "__main__":
    main()
