"""Naming Lie algebras whose structure constants lie in a real number field and whose real span
has no rational basis (``FieldLieAlgebra``, ``identify_over_field``).

Every expected answer is derived here by hand: the symmetries of a quadratic form ``x^T Q x`` are
``so(p, q)`` with ``(p, q)`` the signs of ``Q``'s eigenvalues (Sylvester), the symmetries of a
positive definite Hermitian form are ``u(n)``; the Killing inertia is also recomputed numerically
from float copies of the matrices. None of these oracles is in the catalog.
"""

from __future__ import annotations

import random

import numpy as np
import pytest
import sympy as sp

import liealg
from liealg.algebra import FieldLieAlgebra, LieAlgebra
from liealg.catalog import so, su
from liealg.errors import IdentificationError, NotALieAlgebraError, OptionError
from liealg.exact import orthonormal_basis, solve_symmetries
from liealg.exact.fields import NumberField
from liealg.identification import identify, identify_over_field
from liealg.io import read_json, save_matrices
from liealg.oracle import Oracle

S2, S3, S5 = sp.sqrt(2), sp.sqrt(3), sp.sqrt(5)


def so_of_form(weights: list[sp.Expr]) -> list[sp.Matrix]:
    """A basis of ``{W : W^T Q + Q W = 0}`` for ``Q = diag(weights)``: ``W = Q^-1 (E_ij - E_ji)``,
    scaled by ``Q_ii`` (so entries stay simple)."""
    d = len(weights)
    out = []
    for i in range(d):
        for j in range(i + 1, d):
            W = sp.zeros(d, d)
            W[i, j] = 1
            W[j, i] = -sp.sympify(weights[i]) / weights[j]
            out.append(W)
    return out


def numeric_killing_signature(matrices: list[sp.Matrix]) -> tuple[int, int, int]:
    """The Killing inertia of the real span of matrices, in floating point (least-squares brackets)."""
    F = np.array([np.array(sp.Matrix(m).evalf(30).tolist(), dtype=complex) for m in matrices])
    F = np.concatenate([F.real, F.imag], axis=1) if np.abs(F.imag).max() > 0 else F.real
    n = len(F)
    B = F.reshape(n, -1).T
    ad = np.zeros((n, n, n))
    for a in range(n):
        for b in range(n):
            C = (F[a] @ F[b] - F[b] @ F[a]).reshape(-1) if F.shape[1] == F.shape[2] else None
            if C is None:  # complex input stacked as [Re; Im]: bracket the complex matrices
                d = F.shape[2]
                Za = F[a][:d] + 1j * F[a][d:]
                Zb = F[b][:d] + 1j * F[b][d:]
                Zc = Za @ Zb - Zb @ Za
                C = np.concatenate([Zc.real, Zc.imag]).reshape(-1)
            ad[a][:, b] = np.linalg.lstsq(B, C, rcond=None)[0]
    K = np.einsum("aij,bji->ab", ad, ad)
    ev = np.linalg.eigvalsh((K + K.T) / 2)
    tol = 1e-8 * max(1.0, np.abs(ev).max())
    return int((ev > tol).sum()), int((ev < -tol).sum()), int((np.abs(ev) <= tol).sum())


def assert_no_rational_basis(matrices: list[sp.Matrix]) -> None:
    with pytest.raises(OptionError, match="no rational basis"):
        LieAlgebra.from_matrices(matrices)


# ---- exact signs and inertia in the real embedding ----------------------------------------------


def test_sign_is_exact_where_floats_cannot_tell():
    K = NumberField.of([S2])
    # sqrt(2) - p/q with p/q a 60-digit approximation: about 1e-60, far below float precision
    p = sp.Rational(int(sp.floor(S2 * 10**60)), 10**60)
    assert float(S2) - float(p) == 0.0
    assert K.sign(K.coordinates(S2 - p)) == 1
    assert K.sign(K.coordinates(p - S2)) == -1
    assert K.sign(K.coordinates(sp.S.Zero)) == 0
    # floats of elements that cancel: evaluated again in ball arithmetic
    assert K.float_matrix(K.matrix(sp.Matrix([[S2 - p]])))[0, 0] == pytest.approx(float(sp.N(S2 - p, 40)), rel=1e-12)
    C = NumberField.of([sp.cbrt(2), S3])  # degree 6: the sign of 2^(1/3) + sqrt(3) - 3 (< 0: 2.992...)
    assert C.sign(C.coordinates(sp.cbrt(2) + S3 - 3)) == -1
    assert abs(C.to_float(C.coordinates(sp.cbrt(2) + S3)) - (2 ** (1 / 3) + 3**0.5)) < 1e-14


def test_inertia_over_a_field_matches_floats_and_sylvester():
    K = NumberField.of([S2, S3])
    rng = random.Random(3)
    # P D P^T with D = diag(1, -sqrt(3), sqrt(2) - 1, 0) and P random over K: inertia (2, 1, 1)
    P = sp.Matrix(4, 4, lambda i, j: rng.randint(-3, 3) + rng.randint(-2, 2) * S2 + (1 if i == j else 0) * 7)
    D = sp.diag(1, -S3, S2 - 1, 0)
    S = (P * D * P.T).applyfunc(sp.expand)
    assert K.inertia(K.matrix(S)) == (2, 1, 1)
    ev = np.linalg.eigvalsh(np.array(S.evalf(), dtype=float))
    assert (int((ev > 1e-9).sum()), int((ev < -1e-9).sum())) == (2, 1)
    # zero diagonal: the congruence pivots on an off-diagonal entry
    assert K.inertia(K.matrix(sp.Matrix([[0, S2], [S2, 0]]))) == (1, 1, 0)
    with pytest.raises(OptionError, match="symmetric"):
        K.inertia(K.matrix(sp.Matrix([[0, 1], [0, 0]])))


# ---- oracles outside the catalog ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("weights", "name", "signature"),
    [
        ([1, S2, 1], "su(2)", (0, 3, 0)),  # positive definite: so(3)
        ([1, 1, -S3], "sl(2,R)", (2, 1, 0)),  # signs (+, +, -): so(2,1)
        ([1, S5, 1, -1], "so(3,1)", (3, 3, 0)),  # signs (+, +, +, -): so(3,1), the Lorentz algebra
        ([1, S2, -S3, -1], "sl(2,R) ⊕ sl(2,R)", (4, 2, 0)),  # so(2,2) = sl(2,R) ⊕ sl(2,R): two ideals
        ([1, 1, sp.cbrt(2), 1], "su(2) ⊕ su(2)", (0, 6, 0)),  # so(4)
    ],
    ids=["1,sqrt2,1", "1,1,-sqrt3", "1,sqrt5,1,-1", "1,sqrt2,-sqrt3,-1", "cbrt2 so(4)"],
)
def test_quadratic_forms_with_irrational_weights(weights, name, signature):
    x = sp.symbols(f"x1:{len(weights) + 1}", real=True)
    oracle = Oracle(sum(w * v**2 for w, v in zip(weights, x)))
    gens = list(solve_symmetries(oracle))
    Q = sp.diag(*weights)
    assert len(gens) == len(weights) * (len(weights) - 1) // 2
    assert all((W.T * Q + Q * W).applyfunc(sp.expand) == sp.zeros(len(weights)) for W in gens)
    assert_no_rational_basis(gens)
    r = identify(gens)
    assert r.name == name and r.killing_signature == signature
    assert r.exact is False and "numerically" in r.note and "QQ<" in r.note
    assert numeric_killing_signature(gens) == signature
    # my own basis of the same algebra (W = Q^-1 (E_ij - E_ji), scaled): the same answer
    mine = identify(FieldLieAlgebra.from_matrices(so_of_form(weights)))
    assert mine.name == name and mine.killing_signature == signature
    assert r.to_json()["exact"] is False


def test_a_sqrt2_weighted_hermitian_form_is_u2():
    # |z1|^2 + sqrt(2) |z2|^2 is positive definite: its complex-linear symmetries are u(2) for it,
    # the reductive su(2) ⊕ u(1) (centre: i times the identity)
    h = sp.diag(1, S2)
    hinv = h.inv()
    anti_hermitian = [sp.Matrix([[sp.I, 0], [0, 0]]), sp.Matrix([[0, 0], [0, sp.I]]),
                      sp.Matrix([[0, 1], [-1, 0]]), sp.Matrix([[0, sp.I], [sp.I, 0]])]
    gens = [(hinv * A).applyfunc(sp.expand) for A in anti_hermitian]
    assert all((W.H * h + h * W).applyfunc(sp.expand) == sp.zeros(2) for W in gens)
    assert_no_rational_basis(gens)
    r = identify(gens)
    assert r.name == "su(2) ⊕ u(1)" and "u(2)" in r.aliases
    assert r.center_dimension == 1 and r.radical_dimension == 1 and r.killing_signature == (0, 3, 1)
    assert r.exact is False and r.nilradical_dimension == 1
    assert numeric_killing_signature(gens) == (0, 3, 1)
    # the exact solver on the complex oracle finds the same span, and the same name
    oracle = Oracle("z1*conjugate(z1) + sqrt(2)*z2*conjugate(z2)", is_complex=True)
    solved = list(solve_symmetries(oracle))
    assert len(solved) == 4 and identify(solved).name == "su(2) ⊕ u(1)"


def test_su3_in_the_orthonormal_gell_mann_basis_stays_exact():
    # sqrt(3) in lambda_8, but the span has a rational basis: named exactly through it
    L = LieAlgebra.from_matrices(orthonormal_basis(su(3)))
    assert str(L.field) == "QQ<sqrt(3)>"
    r = identify(L)
    assert r.name == "su(3)" and r.exact is True and "exact" not in r.to_json()


# ---- a table over Q(sqrt 2) in a random basis ----------------------------------------------------


def random_field_basis(n: int, seed: int) -> sp.Matrix:
    rng = random.Random(seed)
    while True:
        P = sp.Matrix(n, n, lambda i, j: rng.randint(-2, 2) + rng.randint(-2, 2) * S2)
        if sp.expand(P.det()) != 0:
            return P


@pytest.mark.parametrize("seed", [0, 1])
def test_structure_constant_table_over_q_sqrt2_in_a_random_basis(seed):
    # su(2) ⊕ sl(2,R) (so(3) and so(2,1) side by side), in a random basis over Q(sqrt 2): the
    # constants are irrational, the algebra is given only by its table
    base = LieAlgebra.from_matrices([sp.diag(A, sp.zeros(3)) for A in so(3)]
                                    + [sp.diag(sp.zeros(3), B) for B in so(2, 1)])
    M = base.change_basis(random_field_basis(6, seed))
    table = {pair: dict(comps) for pair, comps in M.structure_constants.items()}
    assert any(not c.is_Rational for comps in table.values() for c in comps.values())
    K = NumberField.of([S2])
    A = FieldLieAlgebra.from_structure_constants(K, 6, table)
    r = identify_over_field(A, seed=seed)
    assert r.name == "su(2) ⊕ sl(2,R)" and r.killing_signature == (2, 4, 0)
    assert r.cartan_type == "A1+A1" and r.rank == 2 and r.semisimple and r.exact is False
    assert [I.exact_signature for I in r.ideals] == [False, False]  # per-ideal inertia: numeric
    assert r.evidence["naming"] == "numerically certified"
    # the same answer as the exact identification of the rational algebra (basis independence)
    exact = identify(base)
    assert (exact.name, exact.killing_signature) == (r.name, r.killing_signature)
    # a broken table is refused, not named
    bad = dict(table)
    bad[(0, 1)] = {k: 2 * v for k, v in table[(0, 1)].items()}
    with pytest.raises(NotALieAlgebraError, match="Jacobi"):
        FieldLieAlgebra.from_structure_constants(K, 6, bad)


@pytest.mark.parametrize("sign", [1, -1], ids=["so(3)", "so(2,1)"])
def test_a_badly_scaled_basis_is_named_through_the_exact_frame(sign):
    # [e0, e1] = e2, [e1, e2] = sign e0, [e2, e0] = e1 (so(3) for +1, so(2,1) for -1), in the basis
    # e0, e1, f2 = t e2 with t = sqrt2 / 10^12: the float Killing form is singular to float64
    # precision, so the roots are found in a Killing-orthogonal basis computed exactly over K
    t = S2 / 10**12
    K = NumberField.of([S2])
    A = FieldLieAlgebra.from_structure_constants(K, 3, {(0, 1): {2: 1 / t}, (1, 2): {0: sign * t}, (0, 2): {1: -t}})
    rational = LieAlgebra.from_structure_constants(3, [[0, 1, 2, 1], [1, 2, 0, sign], [0, 2, 1, -1]])
    expected = identify(rational)
    r = identify(A)
    assert r.name == expected.name == ("su(2)" if sign == 1 else "sl(2,R)")
    assert r.killing_signature == expected.killing_signature and r.exact is False


# ---- non-semisimple algebras over a number field -----------------------------------------------


def test_abelian_and_heisenberg_over_a_field_are_named():
    K = NumberField.of([S2])
    r = identify(FieldLieAlgebra.from_structure_constants(K, 2, {}))
    assert r.name == "R^2" and r.abelian and r.exact is False
    h = identify(FieldLieAlgebra.from_structure_constants(K, 3, {(0, 1): {2: S2}}))  # [e0, e1] = sqrt2 e2
    assert h.name == "heis(3)" and h.nilpotent and h.center_dimension == 1 and h.killing_signature == (0, 0, 3)


def test_other_non_semisimple_algebras_over_a_field_are_refused_with_their_invariants():
    K = NumberField.of([S2])
    # [e2, e0] = e0, [e2, e1] = sqrt2 e1 (A3,5 with a = sqrt 2): solvable, derived algebra dim 2
    solvable = FieldLieAlgebra.from_structure_constants(K, 3, {(0, 2): {0: -1}, (1, 2): {1: -S2}})
    with pytest.raises(IdentificationError, match=r"solvable.*derived series \[3, 2, 0\]"):
        identify(solvable)
    # so(3) ⋉ R^3 with the rotations weighted by (1, sqrt2, 1): Levi factor and a radical R^3
    rot = so_of_form([1, S2, 1])
    euclid = [sp.diag(W, 0) for W in rot]
    for i in range(3):
        T = sp.zeros(4, 4)
        T[i, 3] = 1
        euclid.append(T)
    A = FieldLieAlgebra.from_matrices(euclid)
    assert str(A.field) == "QQ<sqrt(2)>" and A.radical_basis().shape[0] == 3
    with pytest.raises(IdentificationError, match=r"neither solvable nor reductive.*radical dim 3"):
        identify(A)


def test_field_lie_algebra_refuses_bad_input():
    with pytest.raises(NotALieAlgebraError, match="dependent"):
        FieldLieAlgebra.from_matrices([sp.Matrix([[0, S2], [-1, 0]]), sp.Matrix([[0, 2], [-S2, 0]])])
    with pytest.raises(NotALieAlgebraError, match="not in the span"):
        # [E_12, sqrt3 E_21] = sqrt3 diag(1, -1) is not a multiple of diag(1, sqrt2)
        FieldLieAlgebra.from_matrices([sp.Matrix([[1, 0], [0, S2]]), sp.Matrix([[0, 1], [0, 0]]),
                                       sp.Matrix([[0, 0], [S3, 0]])])
    with pytest.raises(OptionError, match="not a real field"):
        FieldLieAlgebra.from_structure_constants(NumberField.of([sp.I]), 1, {})
    with pytest.raises(OptionError, match="FieldLieAlgebra"):
        identify_over_field(LieAlgebra.from_matrices(so(3)))  # type: ignore[arg-type]


# ---- the chain ---------------------------------------------------------------------------------


def test_discover_names_a_weighted_form_numerically():
    result = liealg.discover("x1**2 + sqrt(2)*x2**2 + x3**2", seed=0)
    assert result.certified is True and result.algebra is None
    assert result.name == "su(2)" and result.identification is not None
    assert result.identification.exact is False
    assert any("named numerically" in n for n in result.notes)
    data = result.to_json()
    assert data["algebra"]["name"] == "su(2)" and data["algebra"]["exact"] is False
    assert "numerically (certified)" in result.summary()


def test_cli_identify_names_matrices_and_results_over_a_field(run_cli, tmp_path):
    # x1^2 + x2^2 - sqrt(3) x3^2: so(2,1) = sl(2,R), by hand (signs +, +, -)
    path = tmp_path / "m.json"
    save_matrices(so_of_form([1, 1, -S3]), path)
    run = run_cli("identify", "--matrices", path, "--json", tmp_path / "id.json")
    assert run.returncode == 0, run.stderr
    assert "Lie algebra: sl(2,R)" in run.stdout and "numerically (certified)" in run.stdout
    saved = read_json(tmp_path / "id.json")
    assert saved["algebra"]["name"] == "sl(2,R)" and saved["algebra"]["exact"] is False
    # a saved result of the chain (no rational structure constants stored): named again
    run = run_cli("discover", "x1**2 + sqrt(2)*x2**2 + x3**2", "--json", tmp_path / "r.json")
    assert run.returncode == 0, run.stderr
    run = run_cli("identify", tmp_path / "r.json")
    assert run.returncode == 0, run.stderr
    assert "Lie algebra: su(2)" in run.stdout and "numerically (certified)" in run.stdout
