"""Test helpers for users' own oracles and generators (like e3nn's ``assert_equivariant``).

>>> import sympy as sp
>>> from liealg import Oracle
>>> from liealg.testing import assert_invariant
>>> rotation = sp.Matrix([[0, 1, 0], [-1, 0, 0], [0, 0, 0]])
>>> assert_invariant(Oracle("x1**2 + x2**2 + x3**2"), [rotation])
"""

from __future__ import annotations

from typing import Any

__all__ = ["assert_invariant"]


def assert_invariant(oracle: Any, generators: Any, *, exact: bool | None = None, rtol: float = 1e-8,
                     seed: int = 0) -> None:
    """Assert that every generator leaves the oracle invariant.

    Parameters
    ----------
    oracle : Oracle
    generators : sequence of (d, d) matrices (sympy, numpy or torch)
    exact : bool, optional
        Require an exact proof (default: when the oracle is a formula and the generators are
        sympy matrices); otherwise a seeded numeric check to relative tolerance ``rtol``.

    Raises
    ------
    AssertionError
        Naming the generators that fail and their residuals.
    """
    import sympy as sp

    from liealg.exact import certify, certify_numeric

    mats = list(generators)
    if exact is None:
        exact = bool(oracle.is_symbolic and mats and all(isinstance(m, sp.MatrixBase) for m in mats))
    cert = certify(oracle, mats, seed=seed) if exact else certify_numeric(oracle, mats, seed=seed, rtol=rtol)
    bad = [(i, cert.statuses[i], cert.residuals[i]) for i in range(len(mats))
           if cert.statuses[i] not in (("proved",) if exact else ("proved", "numeric"))]
    if bad:
        lines = ", ".join(f"generator {i}: {status} (residual {res:.3g})" for i, status, res in bad)
        raise AssertionError(f"not invariant under {len(bad)} of {len(mats)} generators: {lines}")
