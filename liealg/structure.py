"""The group-theoretic structure of a Lie algebra in the user's representation.

:func:`structure` takes a :class:`~liealg.algebra.LieAlgebra` (ideally built from the learned
or exact generator matrices, so that it *has* a representation) and returns a
:class:`Structure`:

* a **Cartan subalgebra** of its Levi factor as exact matrices in the user's representation.
  When the matrices are closed under ``X -> -X^†`` (true of the standard forms of so(p,q),
  su(p,q), sl(n,R), sp(2n,R), and of every compact algebra in an orthonormal frame) this
  Cartan involution is used to choose a *maximally split* Cartan subalgebra (``kind="split"``
  for split forms; compact algebras get their maximal torus, ``kind="compact"``) or, with
  ``cartan="compact"``, a *maximally compact* one; otherwise the centralizer of a random
  regular element is taken and its kind reported (``compact``, ``split`` or ``mixed``);
* the **Chevalley-type basis** of the complexified Cartan subalgebra: the simple coroots
  ``H_i`` (``alpha_j(H_i) = a_ij``), as coefficients on the exact basis and, when they are
  rational (or i times rational), as exact matrices whose eigenvalues are proved;
* the **roots** in simple-root coordinates and in the basis dual to the coroots (their Dynkin
  labels, integers: exact), the **simple roots** and the **Cartan matrix**, both in
  Bourbaki order (the order of :func:`liealg.identification.cartan_matrix`), with the root
  system checked against the one the Cartan matrix generates;
* the **weights** of the representation: the joint eigenvalues of the Cartan subalgebra on
  the variables, as Dynkin labels (integers) with multiplicities, and the **highest weight**
  when the representation is irreducible (Weyl's dimension formula equals its dimension).

The eigenvalues are computed in floating point from the exact matrices and then rounded to the
integers they must be (Cartan integers, Dynkin labels), with the rounding error reported in
``max_error``; the root system is certified as in :mod:`liealg.identification`.

>>> from liealg.catalog import su
>>> s = structure(su(3))
>>> s.cartan_type, s.cartan_kind, s.cartan_matrix
('A2', 'compact', ((2, -1), (-1, 2)))
>>> sorted(s.weights), s.highest_weight in ((1, 0), (0, 1))
([(-1, 1), (0, -1), (1, 0)], True)
"""

from __future__ import annotations

import functools
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal, cast

import flint
import networkx as nx
import numpy as np
import sympy as sp

from liealg.algebra import LieAlgebra
from liealg.errors import IdentificationError, OptionError
from liealg.exact import linalg as xl
from liealg.exact.linalg import MatrixLike
from liealg.identification import cartan_matrix, dynkin_diagram, match_dynkin, positive_roots
from liealg.parsing import JSONValue

__all__ = ["Structure", "structure", "weyl_dimension", "coxeter_projection"]

CartanChoice = Literal["auto", "split", "compact", "generic"]
_TOL = 1e-6


@dataclass(frozen=True)
class Structure:
    """Cartan subalgebra, roots and weights of a Lie algebra in its representation.

    Attributes
    ----------
    cartan_type : str
        Type of the complexified Levi factor, components in canonical order (``"A1+A1"``);
        ``""`` for a solvable algebra (then every root field is empty).
    cartan_kind : str
        ``"compact"`` (all roots imaginary on it), ``"split"`` (all real) or ``"mixed"``.
    cartan_choice : str
        How it was chosen: ``"maximally split"``, ``"maximally compact"`` (both through the
        Cartan involution ``X -> -X^†`` of the matrices) or ``"generic"`` (centralizer of a
        random regular element).
    cartan_coefficients : tuple of tuples of sympy.Rational, shape (r, n)
        The exact Cartan subalgebra basis ``h_a`` as coefficient rows in the algebra's basis.
    cartan_subalgebra : tuple of sympy.ImmutableMatrix, (r,) of (d, d), or None
        The same basis as matrices of the user's representation (None without matrices).
    coroots : numpy.ndarray, shape (r, r), complex
        Row ``i``: the simple coroot ``H_i = sum_a coroots[i, a] h_a`` (Chevalley-type basis
        of the complexified Cartan subalgebra, Bourbaki order).
    coroot_matrices : tuple of sympy.ImmutableMatrix or None
        ``H_i`` as exact matrices, when all coefficients are rational or all i times rational
        and the eigenvalues of every ``H_i`` on the representation and on the algebra were
        proved to be the integers found; else None.
    cartan_matrix : tuple of tuples of int, (r, r)
        ``a_ij = alpha_j(H_i)``... in the convention ``a_ij = 2(alpha_i, alpha_j)/(alpha_j, alpha_j)``
        of :func:`liealg.identification.cartan_matrix`, Bourbaki order.
    roots : tuple of tuples of int, shape (N, r)
        All roots in simple-root coordinates, positive ones first (by height).
    root_labels : tuple of tuples of int, shape (N, r)
        The same roots in the basis dual to the coroots: ``alpha(H_i)`` (their Dynkin labels).
    simple_roots : tuple of tuples of int
        Dynkin labels of the simple roots: the rows of the Cartan matrix.
    root_values : numpy.ndarray, shape (N, r), complex
        ``alpha(h_a)`` on the exact basis (numeric; imaginary for compact directions).
    weights : tuple of tuples of int
        The distinct weights of the representation as Dynkin labels (``mu(H_i)``), sorted by
        decreasing height; empty without matrices.
    weight_multiplicities : tuple of int
        Multiplicity of each weight (they add up to ``representation_dimension``).
    weight_values : numpy.ndarray, shape (len(weights), r), complex
        ``mu(h_a)`` on the exact basis.
    highest_weight : tuple of int or None
        The highest weight (Dynkin labels, Bourbaki order) when the representation of the
        complexified Levi factor is irreducible, else None.
    irreducible : bool or None
        None without matrices.
    representation_dimension : int or None
        ``d`` of the ``d x d`` matrices.
    max_error : float
        Largest distance of a rounded Cartan integer or Dynkin label from its float.
    radical_representation : tuple of tuples of int
        How the Levi factor acts on the radical (by brackets, complexified): the highest
        weights of its irreducible summands, e.g. ``((2,),)`` for so(3) on the translations of
        iso(3) (the vector 3), ``((1, 1),)`` for the Lorentz algebra on those of Poincaré.
    radical_dimension : int
    satake_black : tuple of bool or None
        The Satake diagram of the real form (from a maximally split Cartan subalgebra ``t + a``
        and a sigma-order): simple root ``i`` is black when it vanishes on ``a`` (a compact root).
        All black for a compact form, all white for a split one. None when the Cartan
        subalgebra is generic (no Cartan involution was available).
    satake_arrows : tuple of (i, j)
        White nodes joined by an arrow: complex conjugation maps alpha_i to alpha_j modulo
        black roots (0-based, Bourbaki order).
    """

    cartan_type: str
    cartan_kind: str
    cartan_choice: str
    cartan_coefficients: tuple[tuple[sp.Rational, ...], ...]
    cartan_subalgebra: tuple[sp.ImmutableMatrix, ...] | None
    coroots: np.ndarray = field(compare=False, repr=False)
    coroot_matrices: tuple[sp.ImmutableMatrix, ...] | None = field(compare=False, repr=False)
    cartan_matrix: tuple[tuple[int, ...], ...] = ()
    roots: tuple[tuple[int, ...], ...] = ()
    root_labels: tuple[tuple[int, ...], ...] = ()
    simple_roots: tuple[tuple[int, ...], ...] = ()
    root_values: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), complex), compare=False, repr=False)
    weights: tuple[tuple[int, ...], ...] = ()
    weight_multiplicities: tuple[int, ...] = ()
    weight_values: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), complex), compare=False,
                                      repr=False)
    highest_weight: tuple[int, ...] | None = None
    irreducible: bool | None = None
    representation_dimension: int | None = None
    max_error: float = 0.0
    radical_representation: tuple[tuple[int, ...], ...] = ()
    radical_dimension: int = 0
    satake_black: tuple[bool, ...] | None = None
    satake_arrows: tuple[tuple[int, int], ...] = ()

    @property
    def rank(self) -> int:
        return len(self.cartan_coefficients)

    def to_json(self) -> dict[str, JSONValue]:
        """The exact data as plain JSON types (numbers as strings where exact and not integers)."""
        def mat(m: sp.MatrixBase) -> JSONValue:
            return cast(JSONValue, [[sp.sstr(v) for v in row] for row in m.tolist()])

        return {
            "cartan_type": self.cartan_type,
            "cartan_kind": self.cartan_kind,
            "cartan_choice": self.cartan_choice,
            "cartan_subalgebra": {
                "coefficients": [[sp.sstr(v) for v in row] for row in self.cartan_coefficients],
                "matrices": None if self.cartan_subalgebra is None else [mat(m) for m in self.cartan_subalgebra],
                "coroot_matrices": None if self.coroot_matrices is None else [mat(m) for m in self.coroot_matrices],
            },
            "cartan_matrix": [list(r) for r in self.cartan_matrix],
            "simple_roots": [list(r) for r in self.simple_roots],
            "roots": {"simple_root_coordinates": [list(r) for r in self.roots],
                      "dynkin_labels": [list(r) for r in self.root_labels]},
            "weights": None if self.representation_dimension is None else [
                {"dynkin_labels": list(w), "multiplicity": m}
                for w, m in zip(self.weights, self.weight_multiplicities)],
            "highest_weight": None if self.highest_weight is None else list(self.highest_weight),
            "irreducible": self.irreducible,
            "representation_dimension": self.representation_dimension,
            "max_error": self.max_error,
            "satake": None if self.satake_black is None else {
                "black": list(self.satake_black), "arrows": [list(a) for a in self.satake_arrows]},
            "radical_representation": [
                {"highest_weight": list(w), "dimension": weyl_dimension(self.cartan_type, w)}
                for w in self.radical_representation],
        }

    def summary(self) -> list[str]:
        """Text lines for reports: the Cartan data and the weights."""
        if not self.cartan_type:
            return ["Cartan data: none (solvable: no roots)"]
        lines = [f"Cartan subalgebra: dim {self.rank}, {self.cartan_kind} ({self.cartan_choice})"]
        if self.cartan_subalgebra is not None and (self.representation_dimension or 0) <= 8:
            for a, m in enumerate(self.cartan_subalgebra, start=1):
                lines.append(f"  h{a} = {sp.sstr(m.tolist())}")
        elif self.cartan_subalgebra is not None:
            lines.append(f"  ({self.rank} exact {self.representation_dimension} x {self.representation_dimension} "
                         "matrices: see --json or Structure.cartan_subalgebra)")
        lines.append(f"Cartan matrix ({self.cartan_type}, Bourbaki order): "
                     + "; ".join(" ".join(f"{v:2d}" for v in row) for row in self.cartan_matrix))
        lines.append("Simple roots (Dynkin labels): " + ", ".join(str(r) for r in self.simple_roots))
        if self.satake_black is not None:
            nodes = " ".join(f"{i + 1}{'●' if b else '○'}" for i, b in enumerate(self.satake_black))
            arrows = ", ".join(f"{i + 1}<->{j + 1}" for i, j in self.satake_arrows)
            lines.append(f"Satake diagram: {nodes}" + (f"; arrows {arrows}" if arrows else ""))
        npos = len(self.roots) // 2
        lines.append(f"Positive roots ({npos}, simple-root coordinates): "
                     + ", ".join("".join(str(c) for c in r) if max(r) < 10 else str(r) for r in self.roots[:npos]))
        if self.representation_dimension is not None:
            ws = ", ".join(f"{w}" + (f"x{m}" if m > 1 else "")
                           for w, m in zip(self.weights, self.weight_multiplicities))
            lines.append(f"Weights on the {self.representation_dimension} variables (Dynkin labels): {ws}")
            if self.highest_weight is not None:
                lines.append(f"Irreducible; highest weight {self.highest_weight}")
            elif self.irreducible is False:
                lines.append("Reducible (no single highest weight)")
        if self.radical_dimension:
            parts = " ⊕ ".join(f"V({','.join(map(str, w))}) (dim {weyl_dimension(self.cartan_type, w)})"
                               for w in self.radical_representation)
            lines.append(f"Levi factor on the radical (dim {self.radical_dimension}): {parts}")
        return lines


# ============================================================================================
# helpers
# ============================================================================================


def _float(M: flint.fmpq_mat) -> np.ndarray:
    return np.array([float(x) for x in M.entries()]).reshape(M.nrows(), M.ncols())


def _complex_matrix(m: sp.MatrixBase) -> np.ndarray:
    out = np.zeros(m.shape, dtype=complex)
    for (i, j), v in m.todok().items():
        out[i, j] = complex(int(v.p)) / int(v.q) if v.is_Rational else complex(sp.N(v, 17))
    return out


def _combine(coeffs: Sequence[sp.Rational], mats: Sequence[sp.MatrixBase]) -> sp.ImmutableMatrix:
    """``sum_j c_j M_j`` exactly, through the sparse entries (fast for the big sparse bases)."""
    acc: dict[tuple[int, int], sp.Expr] = {}
    for c, M in zip(coeffs, mats):
        if c == 0:
            continue
        for key, v in M.todok().items():
            acc[key] = acc.get(key, sp.Integer(0)) + c * v
    rows, cols = mats[0].shape
    entries = {k: v if v.is_Rational else sp.expand(v) for k, v in acc.items()}
    return sp.ImmutableMatrix(sp.SparseMatrix(rows, cols, {k: v for k, v in entries.items() if v != 0}))


def _centralizer(L: LieAlgebra, V: flint.fmpq_mat, Y: flint.fmpq_mat) -> flint.fmpq_mat:
    """Rows of the span of ``V`` commuting with every row of ``Y``."""
    if V.nrows() == 0:
        return V
    B = L.brackets(V, Y)  # row i*q + b is [v_i, y_b]
    m, q, n = V.nrows(), Y.nrows(), L.dim
    be = B.entries()
    # c V commutes with Y iff sum_i c_i [v_i, y_b] = 0 for every b: columns (b, k)
    M = flint.fmpq_mat(q * n, m, [be[(i * q + b) * n + k] for b in range(q) for k in range(n) for i in range(m)])
    C = xl.nullspace(M)
    return xl.span(C * V) if C.nrows() else flint.fmpq_mat(0, L.dim)


def _random_element(V: flint.fmpq_mat, rng: random.Random) -> flint.fmpq_mat:
    c = flint.fmpq_mat(1, V.nrows(), [rng.randint(-9, 9) or 1 for _ in range(V.nrows())])
    return c * V


def _cartan_involution(L: LieAlgebra) -> flint.fmpq_mat | None:
    """``Theta`` (n x n, rows: theta(e_a) in coordinates) for ``X -> -X^†``, if the span is closed."""
    mats = L.matrices
    if mats is None:
        return None
    n = L.dim
    # a float least-squares test first: most user bases are not closed, and it is cheap
    F = np.array([_complex_matrix(m) for m in mats])
    d = F.shape[1]
    A = np.concatenate([F.reshape(n, -1).real, F.reshape(n, -1).imag], axis=1)
    Tf = -np.conj(np.transpose(F, (0, 2, 1)))
    B_ = np.concatenate([Tf.reshape(n, -1).real, Tf.reshape(n, -1).imag], axis=1)
    coef, *_ = np.linalg.lstsq(A.T, B_.T, rcond=None)
    if np.max(np.abs(A.T @ coef - B_.T)) > 1e-8 * max(1.0, float(np.max(np.abs(A)))):
        return None
    try:
        def flat(ms: Sequence[sp.MatrixBase]) -> flint.fmpq_mat:
            rows = []
            for m in ms:
                re_ = [flint.fmpq(0)] * (d * d)
                im_ = [flint.fmpq(0)] * (d * d)
                for (i, j), v in m.todok().items():
                    if v.is_Rational:
                        re_[i * d + j] = xl.to_fmpq(v)
                    else:
                        re_[i * d + j] = xl.to_fmpq(sp.re(v))
                        im_[i * d + j] = xl.to_fmpq(sp.im(v))
                rows.append(re_ + im_)
            return flint.fmpq_mat(len(rows), 2 * d * d, [x for r_ in rows for x in r_])

        B = flat(mats)
        T = flat([-m.H for m in mats])
    except (OptionError, TypeError, ValueError):
        return None  # entries outside Q(i): no exact involution here
    C = xl.coordinates(B, T)
    if C is None or C.nrows() != n:
        return None
    return C


def _is_csa(S: LieAlgebra, H: flint.fmpq_mat, rng: random.Random) -> bool:
    if H.nrows() == 0 or not xl.is_zero(S.brackets(H, H)):
        return False
    A = S.ad_matrix(_random_element(H, rng))
    if xl.nullspace(A).nrows() != H.nrows():
        return False
    # ad h semisimple on its kernel: the generalized kernel (0's multiplicity) is no bigger
    coeffs = A.numer_denom()[0].charpoly().coeffs()
    return next(i for i, c in enumerate(coeffs) if c != 0) == H.nrows()


def _greedy_abelian(S: LieAlgebra, V: flint.fmpq_mat) -> flint.fmpq_mat:
    """A commuting set of rows of ``V`` picked in order (the user's own basis elements first)."""
    n = S.dim
    if V.nrows() == 0:
        return flint.fmpq_mat(0, n)
    A = S.ad_matrices_float()  # (n, n, n): A[i] = ad(e_i); commutation tested in floats first
    Vf = _float(V)
    chosen: list[int] = []
    for i in range(V.nrows()):
        adv = np.tensordot(Vf[i], A, axes=1)
        if all(np.max(np.abs(adv @ Vf[j])) < 1e-9 * (1 + np.max(np.abs(adv))) for j in chosen):
            chosen.append(i)
    W = xl.stack([xl.row(V, i) for i in chosen], n)
    return W if xl.is_zero(S.brackets(W, W)) else flint.fmpq_mat(0, n)


def _nice_cartan(S: LieAlgebra, theta: flint.fmpq_mat | None, choice: str,
                 rng: random.Random) -> tuple[flint.fmpq_mat, str] | None:
    """A Cartan subalgebra spanned by commuting basis elements where there is one: the diagonal
    matrices of sl(n,R), the rotations L_12, L_34, ... of so(n), the Gell-Mann lambda_3, lambda_8
    of su(3). Its coroots are then rational (or i times rational) and shown exactly."""
    n = S.dim
    Id = xl.identity(n)
    if theta is None:
        H = _greedy_abelian(S, Id)
        how = "generic"
    else:
        K = _candidates(theta, 1)
        P = _candidates(theta, -1)
        if choice == "compact" or P.nrows() == 0:
            t = _greedy_abelian(S, K)
            H = _centralizer(S, Id, t) if t.nrows() else t
            how = "maximally compact"
        else:
            a = _greedy_abelian(S, P)
            if _centralizer(S, P, a).nrows() != a.nrows():
                return None  # not maximal abelian in p
            m = _centralizer(S, K, a)
            t = _greedy_abelian(S, m)
            H = xl.stack([a, t], n) if t.nrows() else a
            how = "maximally split"
    if _is_csa(S, H, rng):
        return H, how
    return None


def _candidates(theta: flint.fmpq_mat, sign: int) -> flint.fmpq_mat:
    """Spanning rows of the ``sign`` eigenspace of Theta: the basis vectors lying in it first,
    then the projections ``(e_j + sign theta(e_j))/2`` of the others (a nice torus is found
    among the user's own elements when there is one)."""
    n = theta.nrows()
    inside, projected = [], []
    for j in range(n):
        e = xl.row(xl.identity(n), j)
        image = e * theta
        if image == e * sign:
            inside.append(e)
        else:
            v = (e + image * sign) * flint.fmpq(1, 2)
            if not xl.is_zero(v):
                projected.append(v)
    rows = inside + projected
    return xl.stack(rows, n) if rows else flint.fmpq_mat(0, n)


def _eigenrows(theta: flint.fmpq_mat, sign: int) -> flint.fmpq_mat:
    """Rows v with v Theta = sign v, in the echelon basis (unit vectors where possible)."""
    n = theta.nrows()
    return xl.nullspace((theta - xl.identity(n) * sign).transpose())


def _choose_cartan(S: LieAlgebra, choice: str, rng: random.Random) -> tuple[flint.fmpq_mat, str]:
    n = S.dim
    theta = _cartan_involution(S) if choice != "generic" else None
    nice = _nice_cartan(S, theta, choice, rng) if (theta is not None or choice in ("auto", "generic")) else None
    if nice is not None:
        return nice
    if theta is not None:
        K = _eigenrows(theta, 1)  # the compact part k
        P = _eigenrows(theta, -1)  # p
        for _ in range(6):
            if choice == "compact" or P.nrows() == 0:
                t = _centralizer(S, K, _random_element(K, rng)) if K.nrows() else K
                H = _centralizer(S, xl.identity(n), _random_element(t, rng)) if t.nrows() else t
                how = "maximally compact"
            else:
                a = _centralizer(S, P, _random_element(P, rng))
                m = _centralizer(S, K, a)
                t = _centralizer(S, m, _random_element(m, rng)) if m.nrows() else m
                H = xl.span(xl.stack([a, t], n)) if t.nrows() else a
                how = "maximally split"
            if _is_csa(S, H, rng):
                return xl.span(H), how
    if choice in ("split", "compact") and theta is None:
        raise IdentificationError(
            f"a maximally {choice} Cartan subalgebra needs the Cartan involution X -> -X^†, and the matrices "
            "are not closed under it (use cartan='generic')")
    best: tuple[int, flint.fmpq_mat] | None = None
    for _ in range(12):
        x = _random_element(xl.identity(n), rng)
        A = S.ad_matrix(x)
        H = xl.nullspace(A)
        if _is_csa(S, H, rng):  # abelian and its own centralizer's generic kernel: a CSA
            best = (H.nrows(), H)
            break
    if best is None:
        raise IdentificationError("no regular semisimple element found for a Cartan subalgebra")
    return xl.span(best[1]), "generic"


def weyl_dimension(cartan_type: str, highest_weight: Sequence[int]) -> int:
    """Dimension of the irreducible representation with this highest weight (Dynkin labels,
    Bourbaki order), by Weyl's formula ``prod_(alpha>0) (lambda + rho, alpha^vee) / (rho, alpha^vee)``.

    >>> weyl_dimension("A2", (1, 0)), weyl_dimension("G2", (1, 0)), weyl_dimension("E6", (1, 0, 0, 0, 0, 0))
    (3, 7, 27)
    """
    return _weyl_dimension(cartan_type, tuple(int(x) for x in highest_weight))


@functools.cache
def _weyl_dimension(cartan_type: str, highest_weight: tuple[int, ...]) -> int:
    C = cartan_matrix(cartan_type)
    G = dynkin_diagram(cartan_type)
    r = len(C)
    if len(highest_weight) != r:
        raise OptionError(f"{cartan_type} needs {r} Dynkin labels, got {len(highest_weight)}")
    lengths = [Fraction(G.nodes[i]["length"]) for i in range(r)]
    num, den = Fraction(1), Fraction(1)
    for c in positive_roots(cartan_type):
        # <lambda, alpha^vee> with alpha^vee = sum_j c_j (|a_j|^2/|a|^2) a_j^vee
        norm = sum(c[i] * c[j] * Fraction(C[i][j]) * lengths[j] / 2 for i in range(r) for j in range(r))
        coef = [c[j] * lengths[j] / norm for j in range(r)]
        num *= sum(k * (highest_weight[j] + 1) for j, k in enumerate(coef))
        den *= sum(coef)
    out = num / den
    assert out.denominator == 1
    return int(out)


def coxeter_projection(cartan_type: str) -> np.ndarray:
    """A (r, 2) matrix projecting simple-root coordinates onto a plane that shows the symmetry.

    For a simple type this is the Coxeter plane (the real and imaginary parts of the Coxeter
    element's eigenvector for ``exp(2 pi i/h)``); for rank 2 it is an isometric drawing of the
    root plane. Rows: the images of the simple roots.
    """
    C = np.array(cartan_matrix(cartan_type), dtype=float)
    G = dynkin_diagram(cartan_type)
    r = len(C)
    lengths = np.array([G.nodes[i]["length"] for i in range(r)], dtype=float)
    B = C * lengths[None, :] / 2  # (alpha_i, alpha_j)
    Lc = np.linalg.cholesky(B)  # simple roots as Euclidean vectors (rows)
    if r <= 2:
        E = Lc if r == 2 else np.hstack([Lc, np.zeros((1, 1))])
        return E
    # the Coxeter element w = s_1 ... s_r acting on Euclidean space
    W = np.eye(r)
    for i in range(r):
        a = Lc[i]
        W = W @ (np.eye(r) - 2 * np.outer(a, a) / (a @ a))
    ev, vecs = np.linalg.eig(W)
    k = int(np.argmax(ev.imag - 1e-9 * np.arange(r)))  # a primitive eigenvalue exp(2 pi i / h)
    angles = np.angle(ev)
    pos = [j for j in range(r) if angles[j] > 1e-9]
    if pos:
        k = min(pos, key=lambda j: angles[j])
    v = vecs[:, k]
    P = np.stack([v.real, v.imag], axis=1)
    q, _ = np.linalg.qr(P)
    return Lc @ q


# ============================================================================================
# the main function
# ============================================================================================


def _as_algebra(algebra: LieAlgebra | Sequence[MatrixLike]) -> LieAlgebra:
    if isinstance(algebra, LieAlgebra):
        return algebra
    if isinstance(algebra, (list, tuple)):
        return LieAlgebra.from_matrices(algebra)
    raise OptionError(f"structure expects a LieAlgebra (or a list of matrices), got {type(algebra).__name__}")


def structure(algebra: LieAlgebra | Sequence[MatrixLike], *, seed: int = 0,
              cartan: CartanChoice = "auto") -> Structure:
    """Cartan subalgebra, roots, Cartan matrix and weights of ``algebra`` in its representation.

    Parameters
    ----------
    algebra : LieAlgebra or a list of (d, d) matrices
        Built from matrices, the weights are those of these matrices on the ``d`` variables.
    seed : int
        Seed of the random elements (any seed gives the same Cartan matrix, roots and weights).
    cartan : {"auto", "split", "compact", "generic"}
        ``"auto"``: maximally split through the Cartan involution when the matrices allow it
        (compact forms then give their maximal torus), else generic.

    Returns
    -------
    Structure

    Raises
    ------
    IdentificationError
        The root system could not be certified (rounding off integers by more than 1e-6).

    Examples
    --------
    >>> from liealg.catalog import so
    >>> s = structure(so(3, 1))
    >>> s.cartan_type, s.cartan_kind, s.weights, s.highest_weight
    ('A1+A1', 'mixed', ((1, 1), (1, -1), (-1, 1), (-1, -1)), (1, 1))
    """
    if cartan not in ("auto", "split", "compact", "generic"):
        raise OptionError(f"cartan must be 'auto', 'split', 'compact' or 'generic', got {cartan!r}")
    L = _as_algebra(algebra).rational_form()
    try:
        return _structure(L, seed, cartan)
    except (np.linalg.LinAlgError, ValueError, StopIteration, ZeroDivisionError) as exc:
        # numerics that went wrong on an ill-conditioned basis: a failure to certify, said so
        raise IdentificationError(f"the roots and weights could not be computed: {type(exc).__name__}: {exc}") from None


def _structure(L: LieAlgebra, seed: int, cartan: str) -> Structure:
    n = L.dim
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    mats = L.matrices
    d = None if mats is None else mats[0].shape[0]
    R = L.radical_basis()
    if R.nrows() == n:
        return Structure("", "", "none", (), None, np.zeros((0, 0), complex), None, representation_dimension=d)
    S_rows = xl.identity(n) if R.nrows() == 0 else L.levi_bases()[0]
    S = L if R.nrows() == 0 else L.subalgebra(S_rows)
    H, how = _choose_cartan(S, cartan, rng)
    r = H.nrows()
    adH = np.tensordot(_float(H), S.ad_matrices_float(), axes=1)  # (r, m, m): ad(h_a)
    KH = _float(H * S.killing_matrix() * H.transpose())
    KH_inv = np.linalg.inv(KH)
    vals, root_vectors = _root_values(adH, r, nrng)
    gram = (vals @ KH_inv @ vals.T)
    if np.max(np.abs(gram.imag)) > _TOL * max(1.0, float(np.max(np.abs(gram)))):
        raise IdentificationError("the Killing Gram matrix of the roots is not real")
    gram = gram.real
    simple, coords, C, err = _simple_roots(vals, gram, nrng, split_first=how == "maximally split")
    # Bourbaki order: match each component with the reference diagram
    cartan_type, order = _bourbaki_order(C)
    Cb = cartan_matrix(cartan_type)
    Cm = np.array(Cb, dtype=int)
    Sm = S.matrices
    h_mats = None
    if Sm is not None:
        h_mats = tuple(_combine([xl.fmpq_to_sympy(c) for c in xl.row(H, a).entries()], Sm) for a in range(r))
        order = _canonical_order(cartan_type, order, simple, vals, gram, KH_inv, h_mats, d or 0, nrng)
    simple = [simple[i] for i in order]
    coords = coords[:, order]
    positive = {tuple(int(x) for x in c) for c in coords if np.all(c >= 0)}
    if positive != set(positive_roots(cartan_type)) or len(coords) != 2 * len(positive):
        raise IdentificationError("the roots found are not the root system of the Cartan matrix")
    pos_sorted = list(positive_roots(cartan_type))
    all_roots = pos_sorted + [tuple(-x for x in c) for c in pos_sorted]
    index = {tuple(int(x) for x in c): k for k, c in enumerate(coords)}
    root_values = vals[[index[c] for c in all_roots]]
    root_labels = [tuple(int(x) for x in np.array(c) @ Cm) for c in all_roots]
    # coroots H_i = 2 K_H^-1 alpha_i / (alpha_i, alpha_i)
    coroots = np.array([2 * KH_inv @ vals[i] / gram[i, i] for i in simple])
    kind = _kind(root_values)
    Hq = [[xl.fmpq_to_sympy(x) for x in row] for row in (H * S_rows).tolist()]
    weights: list[tuple[int, ...]] = []
    mults: list[int] = []
    wvals = np.zeros((0, r), complex)
    highest = None
    irreducible = None
    coroot_mats = None
    if h_mats is not None:
        weights, mults, wvals, werr = _weights(h_mats, coroots, np.linalg.inv(Cm.astype(float)), nrng)
        err = max(err, werr)
        highest, irreducible = _highest(cartan_type, weights, mults, d or 0)
        coroot_mats = _exact_coroots(S, H, h_mats, coroots, weights, root_labels, simple)
    satake = _satake(vals, coords, simple) if how in ("maximally split", "maximally compact") else None
    rad_rep: list[tuple[int, ...]] = []
    if R.nrows():
        E = _float(S_rows).T @ root_vectors[:, simple]  # simple root vectors in the algebra's basis (n, r)
        rad_rep, rerr = _module_highest_weights(L, R, H * S_rows, E, coroots)
        err = max(err, rerr)
    return Structure(
        cartan_type=cartan_type,
        cartan_kind=kind,
        cartan_choice=how,
        cartan_coefficients=tuple(tuple(row) for row in Hq),
        cartan_subalgebra=h_mats,
        coroots=_readonly(coroots),
        coroot_matrices=coroot_mats,
        cartan_matrix=Cb,
        roots=tuple(all_roots),
        root_labels=tuple(root_labels),
        simple_roots=tuple(tuple(row) for row in Cb),
        root_values=_readonly(root_values),
        weights=tuple(weights),
        weight_multiplicities=tuple(mults),
        weight_values=_readonly(wvals),
        highest_weight=highest,
        irreducible=irreducible,
        representation_dimension=d,
        max_error=float(err),
        radical_representation=tuple(rad_rep),
        satake_black=None if satake is None else satake[0],
        satake_arrows=() if satake is None else satake[1],
        radical_dimension=R.nrows(),
    )


def _module_highest_weights(L: LieAlgebra, R: flint.fmpq_mat, H: flint.fmpq_mat, E: np.ndarray, coroots: np.ndarray
                            ) -> tuple[list[tuple[int, ...]], float]:
    """Highest weights of the Levi factor on the ideal R: the common kernel of the simple root
    vectors there (the highest weight vectors, one per irreducible summand by Weyl's complete
    reducibility) and the weights of the Cartan subalgebra on it."""
    A = L.ad_matrices_float()  # A[i] = ad(e_i) on coefficient columns
    Rf = _float(R)  # (k, n)
    Rpinv = np.linalg.pinv(Rf.T)  # (k, n): coordinates in R's basis

    def on_R(x: np.ndarray) -> np.ndarray:
        return Rpinv @ np.tensordot(x, A, axes=1) @ Rf.T

    stacked = np.concatenate([on_R(E[:, i]) for i in range(E.shape[1])], axis=0)
    _, sv, Vh = np.linalg.svd(stacked)
    k = Rf.shape[0]
    scale = max(1.0, float(sv[0])) if sv.size else 1.0
    rank = int(np.sum(sv > 1e-8 * scale))
    K = Vh[rank:].conj().T  # (k, c): the highest weight vectors
    if K.shape[1] == 0:
        return [], 0.0
    Kp = np.linalg.pinv(K)
    Hf = _float(H)
    hs = [Kp @ on_R(Hf[a]) @ K for a in range(Hf.shape[0])]
    Y = sum(c * h for c, h in zip(np.linspace(1.0, 1.7, len(hs)), hs))
    _, V = np.linalg.eig(Y)
    Vinv = np.linalg.inv(V)
    mu = np.array([np.diag(Vinv @ h @ V) for h in hs]).T  # (c, r)
    labels = mu @ coroots.T
    li = np.rint(labels.real)
    err = float(np.max(np.abs(labels - li)))
    if err > 1e-5:
        raise IdentificationError(f"the Levi factor's weights on the radical are not integral (error {err:.1e})")
    out = sorted((tuple(int(x) for x in row) for row in li), reverse=True)
    if sum(1 for _ in out) and k < len(out):
        raise IdentificationError("more highest weight vectors than the radical's dimension")
    return out, err


def _canonical_order(cartan_type: str, order: list[int], simple: Sequence[int], vals: np.ndarray, gram: np.ndarray,
                     KH_inv: np.ndarray, h_mats: Sequence[sp.MatrixBase], d: int,
                     nrng: np.random.Generator) -> list[int]:
    """Among the diagram automorphisms (A_n reversed, D4's triality, E6's flip, equal components
    swapped) the numbering that makes the highest weight largest: the 27 of e6 is (1,0,0,0,0,0),
    the vector of so(8) is (1,0,0,0), the 3 of su(3) is (1,0) rather than its dual's labels."""
    ref = dynkin_diagram(cartan_type)
    gm = nx.isomorphism.GraphMatcher(ref, ref, node_match=lambda a, b: a["length"] == b["length"],
                                     edge_match=lambda a, b: a["bond"] == b["bond"])
    perms = [tuple(m[i] for i in range(len(order))) for m in itertools.islice(gm.isomorphisms_iter(), 48)]
    if len(perms) <= 1:
        return order
    Cinv = np.linalg.inv(np.array(cartan_matrix(cartan_type), dtype=float))
    best: tuple[tuple, list[int]] | None = None
    base_coroots = np.array([2 * KH_inv @ vals[simple[i]] / gram[simple[i], simple[i]] for i in order])
    ws, ms, _, _ = _weights(h_mats, base_coroots, Cinv, nrng)
    for pi in perms:
        new = [order[pi[i]] for i in range(len(order))]
        pw = [tuple(w[pi[i]] for i in range(len(order))) for w in ws]
        top, _ = _highest(cartan_type, pw, ms, d)
        key = (top or (), sorted(pw, reverse=True))
        if best is None or key > best[0]:
            best = (key, new)
    assert best is not None
    return best[1]


def _satake(vals: np.ndarray, coords: np.ndarray, simple: Sequence[int]
            ) -> tuple[tuple[bool, ...], tuple[tuple[int, int], ...]] | None:
    """Black nodes (simple roots imaginary on the Cartan subalgebra, i.e. zero on a) and arrows
    (the conjugate of a white simple root is another white one plus black ones)."""
    scale = float(np.max(np.abs(vals)))
    black = tuple(bool(np.max(np.abs(vals[i].real)) < 1e-8 * scale) for i in simple)
    arrows = set()
    for pos, i in enumerate(simple):
        if black[pos]:
            continue
        d = np.max(np.abs(vals - np.conj(vals[i])[None, :]), axis=1)
        j = int(np.argmin(d))
        if d[j] > 1e-6 * scale:
            return None
        white = [k for k in range(len(simple)) if not black[k] and coords[j][k] != 0]
        if len(white) != 1 or coords[j][white[0]] != 1:
            return None  # not a sigma-order after all: no diagram rather than a wrong one
        if white[0] != pos:
            arrows.add((min(pos, white[0]), max(pos, white[0])))
    return black, tuple(sorted(arrows))


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.array(a)
    a.flags.writeable = False
    return a


def _root_values(adH: np.ndarray, r: int, nrng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``alpha(h_a)`` (N, r) and the root vectors (m, N) as columns, in the Levi factor's basis."""
    last = "no attempt"
    for _ in range(8):
        Ah = np.tensordot(nrng.standard_normal(r), adH, axes=1)
        lam, V = np.linalg.eig(Ah)
        scale = float(np.max(np.abs(lam))) or 1.0
        order = np.argsort(np.abs(lam))
        nonzero = order[r:]
        if r and np.max(np.abs(lam[order[:r]])) > 1e-7 * scale:
            last = "no clear zero eigenvalues"
            continue
        lam_nz = lam[nonzero]
        if lam_nz.size > 1:
            dist = np.abs(lam_nz[:, None] - lam_nz[None, :]) + np.eye(lam_nz.size) * scale
            if np.min(dist) < 1e-6 * scale:
                last = "repeated eigenvalues"
                continue
        Vinv = np.linalg.inv(V)
        vals = np.array([np.diag(Vinv[nonzero] @ adH[a] @ V[:, nonzero]) for a in range(r)]).T
        return vals, V[:, nonzero]
    raise IdentificationError(f"roots not found: {last}")


def _simple_roots(vals: np.ndarray, gram: np.ndarray, nrng: np.random.Generator, split_first: bool = False
                  ) -> tuple[list[int], np.ndarray, list[list[int]], float]:
    """Simple roots of a generic positive system. ``split_first``: the order reads the real part of
    the roots (their values on the split part a) first, then the imaginary part: a sigma-order, as
    Satake diagrams need."""
    m = vals.shape[0]
    scale = float(np.max(np.abs(vals)))
    for _ in range(5):
        if split_first:
            z = vals @ nrng.standard_normal(vals.shape[1])
            height = 1e4 * z.real + z.imag
        else:
            height = gram @ nrng.uniform(0.5, 1.5, size=m)
        if np.min(np.abs(height)) > 1e-8 * np.max(np.abs(height)):
            break
    else:
        raise IdentificationError("no generic positive system")
    pos = [k for k in range(m) if height[k] > 0]
    P = vals[pos]
    sums = P[:, None, :] + P[None, :, :]
    simple = [pos[t] for t in range(len(pos))
              if not np.any(np.max(np.abs(sums - P[t][None, None, :]), axis=2) < 1e-6 * scale)]
    Gs = gram[np.ix_(simple, simple)]
    Cf = 2 * Gs / np.diag(Gs)[None, :]
    C = np.rint(Cf)
    err = float(np.max(np.abs(Cf - C)))
    coeff = np.linalg.solve(Gs, gram[simple, :]).T  # (m, r)
    ci = np.rint(coeff)
    err = max(err, float(np.max(np.abs(coeff - ci))))
    if err > _TOL:
        raise IdentificationError(f"Cartan integers or root coordinates are not integral (error {err:.1e})")
    return simple, ci.astype(int), [[int(x) for x in row] for row in C], err


def _bourbaki_order(C: list[list[int]]) -> tuple[str, list[int]]:
    """The Cartan type and the permutation putting the simple roots in Bourbaki order."""
    r = len(C)
    G = nx.Graph()
    G.add_nodes_from(range(r))
    for i, j in itertools.combinations(range(r), 2):
        if C[i][j]:
            G.add_edge(i, j, bond=C[i][j] * C[j][i])
    comps = []
    for comp in nx.connected_components(G):
        comp = sorted(comp)
        sub = [[C[i][j] for j in comp] for i in comp]
        t = match_dynkin(_diagram(sub))
        comps.append((t, comp, sub))
    letters = "ABCDEFG"
    comps.sort(key=lambda c: (letters.index(c[0][0]), int(c[0][1:])))
    order: list[int] = []
    for t, comp, sub in comps:
        ref = dynkin_diagram(t)
        mine = _diagram(sub)
        gm = nx.isomorphism.GraphMatcher(
            ref, mine, node_match=lambda a, b: a["length"] == b["length"],
            edge_match=lambda a, b: a["bond"] == b["bond"])
        mapping = next(gm.isomorphisms_iter())  # ref node -> my node
        order.extend(comp[mapping[i]] for i in range(len(comp)))
    cartan_type = "+".join(t for t, _, _ in comps)
    return cartan_type, order


def _diagram(C: list[list[int]]) -> nx.Graph:
    """A Dynkin graph (lengths and bonds) from a connected Cartan matrix."""
    r = len(C)
    G = nx.Graph()
    G.add_nodes_from(range(r))
    for i, j in itertools.combinations(range(r), 2):
        if C[i][j]:
            G.add_edge(i, j, bond=C[i][j] * C[j][i])
    length = {0: Fraction(1)}
    for u, v in nx.bfs_edges(G, 0):
        length[v] = length[u] * Fraction(C[v][u], C[u][v])
    low = min(length.values())
    for v in G:
        G.nodes[v]["length"] = int(length[v] / low)
        G.nodes[v]["component"] = 0
    return G


def _kind(root_values: np.ndarray) -> str:
    if root_values.size == 0:
        return "compact"
    re_, im_ = np.abs(root_values.real), np.abs(root_values.imag)
    scale = float(np.max(np.abs(root_values)))
    if np.max(re_) < 1e-8 * scale:
        return "compact"
    if np.max(im_) < 1e-8 * scale:
        return "split"
    return "mixed"


def _weights(h_mats: Sequence[sp.MatrixBase], coroots: np.ndarray, Cinv: np.ndarray, nrng: np.random.Generator
             ) -> tuple[list[tuple[int, ...]], list[int], np.ndarray, float]:
    hs = np.array([_complex_matrix(m) for m in h_mats])  # (r, d, d)
    r = hs.shape[0]
    Y = np.tensordot(nrng.standard_normal(r), hs, axes=1)
    _, V = np.linalg.eig(Y)
    Vinv = np.linalg.inv(V)
    mu = np.array([np.diag(Vinv @ hs[a] @ V) for a in range(r)]).T  # (d, r)
    labels = mu @ coroots.T  # (d, r): mu(H_i)
    li = np.rint(labels.real)
    err = float(np.max(np.abs(labels - li))) if labels.size else 0.0
    if err > 1e-5:
        raise IdentificationError(f"weights are not integral on the coroots (error {err:.1e})")
    counts: dict[tuple[int, ...], int] = {}
    first: dict[tuple[int, ...], int] = {}
    for k, row in enumerate(li):
        w = tuple(int(x) for x in row)
        counts[w] = counts.get(w, 0) + 1
        first.setdefault(w, k)
    ws = sorted(counts, key=lambda w: (-float(np.sum(np.array(w) @ Cinv)), tuple(-x for x in w)))
    return ws, [counts[w] for w in ws], mu[[first[w] for w in ws]], err


def _highest(cartan_type: str, weights: Sequence[tuple[int, ...]], mults: Sequence[int], d: int
             ) -> tuple[tuple[int, ...] | None, bool | None]:
    if not weights:
        return None, None
    Cinv = np.linalg.inv(np.array(cartan_matrix(cartan_type), dtype=float))
    heights = [float(np.sum(np.array(w) @ Cinv)) for w in weights]  # height in simple-root coordinates
    top = weights[int(np.argmax(heights))]
    if min(top) < 0:
        return None, False
    if weyl_dimension(cartan_type, top) == d and mults[weights.index(top)] == 1:
        return top, True
    return None, False


def _exact_coroots(S: LieAlgebra, H: flint.fmpq_mat, h_mats: Sequence[sp.MatrixBase], coroots: np.ndarray,
                   weights: Sequence[tuple[int, ...]], root_labels: Sequence[tuple[int, ...]],
                   simple: Sequence[int]) -> tuple[sp.ImmutableMatrix, ...] | None:
    """Exact coroot matrices, when their coefficients are rational (or i times rational): each
    ``H_i`` is proved diagonalizable with the integer eigenvalues found, on the representation
    and on the algebra (its minimal polynomial divides the product of ``(x - k)``)."""
    imaginary = np.max(np.abs(coroots.real)) < 1e-9 * np.max(np.abs(coroots))
    if not imaginary and np.max(np.abs(coroots.imag)) > 1e-9 * np.max(np.abs(coroots)):
        return None
    part = coroots.imag if imaginary else coroots.real
    rows = []
    for row in part:
        q = [Fraction(float(x)).limit_denominator(10_000) for x in row]
        if max(abs(float(a) - x) for a, x in zip(q, row)) > 1e-9 * max(1.0, float(np.max(np.abs(row)))):
            return None
        rows.append(q)
    r = H.nrows()
    out = []
    for i, row in enumerate(rows):
        c = flint.fmpq_mat(1, r, [flint.fmpq(x.numerator, x.denominator) for x in row])
        h = c * H
        rep = _combine([sp.Rational(x.numerator, x.denominator) for x in row], h_mats)
        on_rep = {w[i] for w in weights}
        on_alg = {lab[i] for lab in root_labels} | {0}
        Hrep = sp.ImmutableMatrix((sp.I * rep if imaginary else rep).applyfunc(sp.expand))
        if not (_annihilates(_real_block(Hrep), on_rep, False)
                and _annihilates(S.ad_matrix(h), on_alg, imaginary)):
            return None
        out.append(Hrep)
    return tuple(out)


def _real_block(M: sp.MatrixBase) -> flint.fmpq_mat:
    """``[[A, -B], [B, A]]`` for ``M = A + iB`` (Gaussian rational): polynomial identities carry over."""
    A = M.applyfunc(sp.re)
    B = M.applyfunc(sp.im)
    top = A.row_join(-B)
    return xl.qmatrix(top.col_join(B.row_join(A)).tolist())


def _annihilates(M: flint.fmpq_mat, eigen: set[int], imaginary: bool) -> bool:
    """Whether prod (M - k) (real) or prod (M^2 + k^2) (M = H / i) over the eigenvalues vanishes."""
    n = M.nrows()
    Id = xl.identity(n)
    P = Id
    if imaginary:
        ks = sorted({abs(k) for k in eigen})
        for k in ks:
            P = P * (M if k == 0 else M * M + Id * (k * k))
    else:
        for k in sorted(eigen):
            P = P * (M - Id * k)
    return xl.is_zero(P)
