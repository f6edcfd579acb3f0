"""Potentials physicists write, built from their fields with sympy: the Standard Model Higgs, the
two-Higgs-doublet model, the SU(5) adjoint Higgs, a harmonic oscillator.

Each builder returns a :class:`Potential`: the real polynomial, its real variables in order, and
what is known of its symmetry. Couplings may be numbers (exact rationals are best: the exact
solver then applies) or sympy symbols (for sweeps over parameter space).

>>> V = sm_higgs()
>>> len(V.variables), V.expected
(4, 'so(4)')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

import sympy as sp

__all__ = [
    "Potential",
    "complex_doublet",
    "sm_higgs",
    "two_higgs_doublet",
    "TWO_HIGGS_DOUBLET_COUPLINGS",
    "hermitian_traceless",
    "su5_adjoint",
    "oscillator",
]

Number: TypeAlias = int | sp.Expr


@dataclass(frozen=True)
class Potential:
    """A real polynomial in real fields, with what is known of its symmetry.

    Attributes
    ----------
    expr : sympy.Expr
    variables : tuple of sympy.Symbol
        The real fields, in order.
    expected : str or None
        The name of its linear symmetry algebra, where it is known.
    dimension : int or None
    """

    expr: sp.Expr
    variables: tuple[sp.Symbol, ...]
    expected: str | None = None
    dimension: int | None = None

    @property
    def variable_names(self) -> str:
        return " ".join(v.name for v in self.variables)


def _real(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


def complex_doublet(prefix: str) -> tuple[sp.Matrix, tuple[sp.Symbol, ...]]:
    """A complex doublet ``(a1 + i a2, a3 + i a4)`` of four real fields ``prefix1..prefix4``.

    Returns
    -------
    doublet : sympy.Matrix, shape (2, 1)
    fields : tuple of 4 real symbols
    """
    f = tuple(_real(f"{prefix}{i}") for i in range(1, 5))
    return sp.Matrix([f[0] + sp.I * f[1], f[2] + sp.I * f[3]]), f


def _bilinear(a: sp.Matrix, b: sp.Matrix) -> sp.Expr:
    """``a^dagger b`` for column vectors."""
    return sp.expand((a.H * b)[0, 0])


def sm_higgs(mu2: Number = -1, lam: Number = 1) -> Potential:
    """The Standard Model Higgs potential ``mu2 |H|^2 + lam |H|^4`` in the doublet's 4 real fields.

    Its linear symmetry algebra is so(4) = su(2)_L + su(2)_R (the custodial symmetry).
    """
    H, fields = complex_doublet("h")
    n = _bilinear(H, H)
    return Potential(sp.expand(mu2 * n + lam * n**2), fields, "so(4)", 6)


#: The couplings of :func:`two_higgs_doublet`, in order.
TWO_HIGGS_DOUBLET_COUPLINGS = ("m11", "m22", "m12", "l1", "l2", "l3", "l4", "l5", "l6", "l7")


def two_higgs_doublet(m11: Number = 1, m22: Number = 1, m12: Number = 0, l1: Number = 1, l2: Number = 1,
                      l3: Number = 1, l4: Number = 1, l5: Number = 0, l6: Number = 0, l7: Number = 0) -> Potential:
    """The general two-Higgs-doublet potential, with real couplings, in 8 real fields.

    ``V = m11 |P1|^2 + m22 |P2|^2 - m12 (P1^dag P2 + h.c.) + l1/2 |P1|^4 + l2/2 |P2|^4
    + l3 |P1|^2 |P2|^2 + l4 |P1^dag P2|^2 + [l5/2 (P1^dag P2)^2 + l6 |P1|^2 (P1^dag P2)
    + l7 |P2|^2 (P1^dag P2) + h.c.]``, with ``P1 = (a1 + i a2, a3 + i a4)``, ``P2`` from ``b1..b4``
    (``m11``, ``m22``, ``m12`` stand for the squared masses). Every coupling choice keeps
    SU(2)_L x U(1)_Y (dimension 4); special choices add the Peccei-Quinn U(1), a Higgs-family
    symmetry, or custodial SU(2).
    """
    P1, a = complex_doublet("a")
    P2, b = complex_doublet("b")
    n1, n2 = _bilinear(P1, P1), _bilinear(P2, P2)
    n12 = _bilinear(P1, P2)
    n21 = sp.conjugate(n12)
    V = (m11 * n1 + m22 * n2 - m12 * (n12 + n21) + sp.Rational(1, 2) * l1 * n1**2 + sp.Rational(1, 2) * l2 * n2**2
         + l3 * n1 * n2 + l4 * n12 * n21
         + sp.Rational(1, 2) * l5 * (n12**2 + n21**2) + l6 * n1 * (n12 + n21) + l7 * n2 * (n12 + n21))
    V = sp.expand(sp.re(sp.expand(V)))  # real by construction; drop the 0*I terms
    return Potential(V, a + b)


def hermitian_traceless(n: int, prefix: str = "s") -> tuple[sp.Matrix, tuple[sp.Symbol, ...]]:
    """A traceless Hermitian ``n x n`` matrix in ``n**2 - 1`` real fields.

    The diagonal is ``d1..d_{n-1}`` with the last entry ``-(d1 + ... + d_{n-1})``; above it,
    ``re_ij + i im_ij``.
    """
    d = [_real(f"{prefix}d{i}") for i in range(1, n)]
    S = sp.zeros(n, n)
    for i in range(n - 1):
        S[i, i] = d[i]
    S[n - 1, n - 1] = -sum(d)
    off: list[sp.Symbol] = []
    for i in range(n):
        for j in range(i + 1, n):
            re, im = _real(f"{prefix}r{i + 1}{j + 1}"), _real(f"{prefix}i{i + 1}{j + 1}")
            off += [re, im]
            S[i, j] = re + sp.I * im
            S[j, i] = re - sp.I * im
    return S, tuple(d) + tuple(off)


def su5_adjoint(a: Number = 1, b: Number = 1, c: Number = 1) -> Potential:
    """The SU(5) adjoint Higgs potential ``-tr S^2 + a (tr S^2)^2 + b tr S^4 + c tr S^3``.

    ``S`` is traceless Hermitian 5x5 in 24 real fields; SU(5) acts by conjugation, and its
    linear symmetry algebra is su(5) (dimension 24) for generic couplings.
    """
    S, fields = hermitian_traceless(5)
    S2 = S * S
    t2, t3, t4 = S2.trace(), (S2 * S).trace(), (S2 * S2).trace()
    V = sp.expand(-t2 + a * t2**2 + b * t4 + c * t3)
    return Potential(V, fields, "su(5)", 24)


def oscillator(n: int, frequencies: Sequence[Number] | None = None) -> Potential:
    """The harmonic oscillator ``sum_i w_i (q_i^2 + p_i^2) / 2`` on phase space ``(q_1..q_n, p_1..p_n)``.

    With equal frequencies its linear symmetry algebra is u(n) (dimension n**2): the unitary
    maps that also keep the symplectic form, and more (all of o(2n) keeps the energy alone).
    """
    q = [_real(f"q{i}") for i in range(1, n + 1)]
    p = [_real(f"p{i}") for i in range(1, n + 1)]
    w = list(frequencies) if frequencies is not None else [1] * n
    H = sum(wi * (qi**2 + pi**2) for wi, qi, pi in zip(w, q, p)) / 2
    return Potential(sp.expand(H), tuple(q + p), f"so({2 * n})" if frequencies is None else None,
                     n * (2 * n - 1) if frequencies is None else None)
