"""The exact layer over number fields (issue 10, point 2): coefficients such as sqrt(2), sqrt(3),
2**(1/3) anywhere in a formula; generators with entries in the field they generate.

Every expected answer is computed independently inside the test: numeric null spaces by an SVD
of sampled invariance conditions (numpy), derivations by hand, sympy's own algebraic arithmetic.
Random inputs are seeded.
"""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
import sympy as sp

from liealg.algebra import LieAlgebra
from liealg.errors import LieAlgError, OptionError, OracleError, RationalizationError
from liealg.exact import (
    NumberField,
    certify,
    coefficient_field,
    oracle_coefficient_field,
    orthonormal_basis,
    principal_angles,
    rationalize,
    same_span,
    solve_symmetries,
    symmetry_conditions,
)
from liealg.exact.linalg import FieldMatrix
from liealg.identification import identify
from liealg.oracle import Oracle

S2, S3 = sp.sqrt(2), sp.sqrt(3)


# ---- independent references -------------------------------------------------------------------


def numeric_symmetry_span(oracle: Oracle, n_points: int = 60, seed: int = 0) -> np.ndarray:
    """Orthonormal basis (rows, theta coordinates) of the real null space of the sampled invariance
    conditions grad phi(x) . W x = 0, by numpy's SVD: independent of the exact solver."""
    xs = list(oracle.real_variables)
    d = oracle.matrix_size
    assert not oracle.is_complex
    grads = [sp.lambdify(xs, [sp.diff(phi, x) for x in xs], "numpy") for phi in oracle.real_exprs]
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n_points):
        x = rng.normal(size=len(xs))
        for grad in grads:
            g = np.array(grad(*x), dtype=float)
            row = np.zeros(d * d)
            for v in range(oracle.n_vectors):
                gv, xv = g[v * d:(v + 1) * d], x[v * d:(v + 1) * d]
                row += np.outer(gv, xv).ravel()  # d/dW_ij of grad . W x = g_i x_j
            rows.append(row / max(1.0, np.linalg.norm(row)))
    _, s, vh = np.linalg.svd(np.array(rows))
    tol = 1e-9 * s[0]
    rank = int(np.sum(s > tol))
    return vh[rank:]


def spans_agree(exact: tuple[sp.Matrix, ...], numeric: np.ndarray) -> bool:
    """Same dimension, and every exact generator lies in the numeric span (to 1e-8)."""
    if len(exact) != numeric.shape[0]:
        return False
    E = np.array([[complex(v).real for v in W] for W in exact], dtype=float)
    residual = E - (E @ numeric.T) @ numeric
    return bool(np.abs(residual).max() < 1e-8 * max(1.0, np.abs(E).max()))


def gell_mann(n: int) -> list[sp.Matrix]:
    """Generalized Gell-Mann matrices (Hermitian, traceless, tr(l_a l_b) = 2 delta_ab): symmetric,
    antisymmetric for each pair j < k, then the diagonal ones sqrt(2/(l(l+1))) diag(1,..,1,-l,0,..)."""
    def E(i, j):
        return sp.Matrix(n, n, lambda a, b: 1 if (a, b) == (i, j) else 0)

    out = []
    for j in range(n):
        for k in range(j + 1, n):
            out.append(E(j, k) + E(k, j))
            out.append(-sp.I * E(j, k) + sp.I * E(k, j))
    for level in range(1, n):
        D = sp.zeros(n, n)
        for j in range(level):
            D[j, j] = 1
        D[level, level] = -level
        out.append(sp.sqrt(sp.Rational(2, level * (level + 1))) * D)
    return out


def standard_gell_mann() -> list[sp.Matrix]:
    """lambda_1 .. lambda_8 in the usual order (written out by hand)."""
    I = sp.I
    return [
        sp.Matrix([[0, 1, 0], [1, 0, 0], [0, 0, 0]]),
        sp.Matrix([[0, -I, 0], [I, 0, 0], [0, 0, 0]]),
        sp.Matrix([[1, 0, 0], [0, -1, 0], [0, 0, 0]]),
        sp.Matrix([[0, 0, 1], [0, 0, 0], [1, 0, 0]]),
        sp.Matrix([[0, 0, -I], [0, 0, 0], [I, 0, 0]]),
        sp.Matrix([[0, 0, 0], [0, 0, 1], [0, 1, 0]]),
        sp.Matrix([[0, 0, 0], [0, 0, -I], [0, I, 0]]),
        sp.Matrix([[1, 0, 0], [0, 1, 0], [0, 0, -2]]) / S3,
    ]


# Totally antisymmetric f_abc of su(3), [lambda_a, lambda_b] = 2i f_abc lambda_c (1-based; textbook
# table: f_123 = 1, f_147 = f_246 = f_257 = f_345 = 1/2, f_156 = f_367 = -1/2, f_458 = f_678 = sqrt(3)/2).
F_SU3 = {(1, 2, 3): 1, (1, 4, 7): sp.Rational(1, 2), (1, 5, 6): -sp.Rational(1, 2), (2, 4, 6): sp.Rational(1, 2),
         (2, 5, 7): sp.Rational(1, 2), (3, 4, 5): sp.Rational(1, 2), (3, 6, 7): -sp.Rational(1, 2),
         (4, 5, 8): S3 / 2, (6, 7, 8): S3 / 2}


def f_abc(a: int, b: int, c: int) -> sp.Expr:
    """f_abc from the table, extended by total antisymmetry."""
    for perm, sign in (((a, b, c), 1), ((b, c, a), 1), ((c, a, b), 1), ((b, a, c), -1), ((a, c, b), -1),
                       ((c, b, a), -1)):
        if perm in F_SU3:
            return sign * F_SU3[perm]
    return sp.S.Zero


# ---- the coefficient field -----------------------------------------------------------------------


def test_coefficient_field_names_the_field():
    x1, x2, x3 = sp.symbols("x1 x2 x3", real=True)
    assert coefficient_field(x1**2 + x2**2, [x1, x2]).field.is_rational
    assert str(coefficient_field(x1**2 + S2 * x2**2, [x1, x2])) == "QQ<sqrt(2)>"
    assert str(coefficient_field(x1**2 + sp.sqrt(12) * x2**2 + S3 / 2 * x3, [x1, x2, x3])) == "QQ<sqrt(3)>"
    both = coefficient_field([x1**2 + sp.cbrt(2) * x2**2, sp.sqrt(8) * x3**3], [x1, x2, x3]).field
    assert set(both.generators) == {S2, sp.cbrt(2)} and both.degree == 6  # Q(2**(1/6))
    complex_field = coefficient_field(x1**2 + sp.I * x2**2, [x1, x2]).field
    assert complex_field.generators == (sp.I,) and not complex_field.is_real
    assert coefficient_field(sp.pi * x1**2 + x2**2, [x1, x2]).kind == "transcendental"
    assert coefficient_field(sp.log(2) * x1**2, [x1]).kind == "transcendental"
    assert coefficient_field(sp.Float(0.5) * x1**2, [x1]).kind == "float"
    assert coefficient_field(sp.sqrt(x1**2 + x2**2), [x1, x2]).kind == "not_polynomial"
    assert oracle_coefficient_field(Oracle.from_callable(lambda x: x.sum(-1), 2)).kind == "callable"


def test_number_field_arithmetic_matches_sympy():
    K = NumberField.of([S2, S3])
    rng = random.Random(3)
    for _ in range(10):
        a = sum(sp.Rational(rng.randint(-5, 5), rng.randint(1, 4)) * b for b in (1, S2, S3, S2 * S3))
        b = sum(sp.Rational(rng.randint(-5, 5), rng.randint(1, 4)) * c for c in (1, S2, S3, S2 * S3))
        A = FieldMatrix.from_entries(1, 1, {(0, 0): K.coordinates(a)}, K.minpoly)
        B = FieldMatrix.from_entries(1, 1, {(0, 0): K.coordinates(b)}, K.minpoly)
        product = K.element((A * B).entry(0, 0))
        assert sp.simplify(product - sp.expand(a * b)) == 0
        assert sp.simplify(K.element(K.coordinates(a)) - a) == 0
    assert not K.contains(sp.cbrt(2)) and K.contains(sp.sqrt(6) / 7)
    with pytest.raises(OptionError):
        K.coordinates(sp.pi)


def test_field_matrix_null_space_against_sympy():
    K = NumberField.of([S2])
    rng = random.Random(7)
    values = [0, 0, 1, -1, 2, S2, -S2, 1 + S2]
    for shape in ((3, 5), (4, 4), (2, 6)):
        M = sp.Matrix(*shape, lambda i, j: rng.choice(values))
        A = K.matrix(M)
        N = K.sympy_matrix(A.nullspace())
        # independent: sympy's own null space over the algebraic numbers, and A N^T = 0
        expected = M.nullspace(simplify=True)
        assert N.rows == len(expected)
        assert (M * N.T).applyfunc(sp.simplify) == sp.zeros(M.rows, N.rows)
        _, pivots = A.rref()
        assert len(pivots) == M.rank(simplify=True)
    P = K.matrix(sp.Matrix([[1, S2], [S2, 3]]))
    assert K.sympy_matrix(P * P.inverse()) == sp.eye(2)


# ---- the exact solver over a field -----------------------------------------------------------------


@pytest.mark.parametrize(
    "formula",
    [
        "x1**2 + sqrt(2)*x2**2",
        "x1**2 + 2*x2**2 + x3**2",
        "x1**2 + x2**2 + sqrt(3)*x1*x3 + x3**2",
        "x1**2 + sqrt(2)*x2**2 - sqrt(3)*x3**2 + x4**2",
        "(x1**2 + 2**(1/3)*x2**2)**2 + x3**4",
        "x1**2*x2 + sqrt(5)*x3**3",
    ],
)
def test_solver_over_fields_matches_a_numeric_null_space(formula):
    oracle = Oracle(formula)
    gens = solve_symmetries(oracle)
    assert spans_agree(gens, numeric_symmetry_span(oracle))
    # canonical RREF over the field: leading entry 1, entries in the coefficient field
    field = oracle_coefficient_field(oracle).field
    for W in gens:
        flat = [v for v in W if v != 0]
        assert flat[0] == 1
        assert all(field.contains(v) for v in flat)
    assert certify(oracle, gens).certified


def test_hand_derived_symmetries():
    # x1^2 + sqrt(2) x2^2: W = [[0, a], [b, 0]] needs 2 a + 2 sqrt(2) b = 0, so RREF b = -a/sqrt(2)
    (W,) = solve_symmetries(Oracle("x1**2 + sqrt(2)*x2**2"))
    assert W == sp.Matrix([[0, 1], [-S2 / 2, 0]])
    # x^T A x with A = [[1, 0, s], [0, 1, 0], [s, 0, 1]], s = sqrt(3)/2: W is a symmetry iff
    # W^T A + A W = 0; A is positive definite (eigenvalues 1 -+ s, 1), so the algebra is so(3).
    gens = solve_symmetries(Oracle("x1**2 + x2**2 + sqrt(3)*x1*x3 + x3**2"))
    A = sp.Matrix([[1, 0, S3 / 2], [0, 1, 0], [S3 / 2, 0, 1]])
    assert len(gens) == 3
    assert all((W.T * A + A * W).applyfunc(sp.expand) == sp.zeros(3) for W in gens)
    assert identify(LieAlgebra.from_matrices(gens)).name == "su(2)"
    # a split form over Q(sqrt(2), sqrt(3)): so(2, 2), six generators W^T A + A W = 0. Its real span
    # has no rational basis and its structure constants are irrational: LieAlgebra (rational
    # core) refuses it; identify names it numerically certified over the field (test_field_naming).
    split = solve_symmetries(Oracle("x1**2 + sqrt(2)*x2**2 - sqrt(3)*x3**2 - x4**2"))
    A = sp.diag(1, S2, -S3, -1)
    assert len(split) == 6 and all((W.T * A + A * W).applyfunc(sp.expand) == sp.zeros(4) for W in split)
    with pytest.raises(LieAlgError, match="no rational basis"):
        LieAlgebra.from_matrices(split)
    named = identify(split)
    assert named.name == "sl(2,R) ⊕ sl(2,R)" and "so(2,2)" in named.aliases and named.exact is False


def test_symmetry_conditions_over_a_field():
    cond = symmetry_conditions(Oracle("x1**2 + sqrt(2)*x2**2"))
    assert str(cond.field) == "QQ<sqrt(2)>"
    # rows x1^2, x1 x2, x2^2; columns W00, W01, W10, W11 (by hand: d/dW_ij of grad . W x)
    assert cond.to_sympy() == sp.Matrix([[2, 0, 0, 0], [0, 2, 2 * S2, 0], [0, 0, 0, 2 * S2]])
    with pytest.raises(OptionError, match="field_matrix"):
        _ = cond.matrix


def test_transcendental_coefficients_are_refused_clearly_and_certify_never_crashes():
    oracle = Oracle("pi*x1**2 + x2**2")
    with pytest.raises(OracleError, match="transcendental"):
        solve_symmetries(oracle)
    assert oracle_coefficient_field(oracle).kind == "transcendental"
    # the exact rotation of pi x1^2 + x2^2 is W = [[0, 1], [-pi, 0]]: proved by simplification
    cert = certify(oracle, [sp.Matrix([[0, 1], [-sp.pi, 0]]), sp.Matrix([[0, 1], [0, 0]])])
    assert cert.statuses[0] in ("proved", "numeric") and cert.statuses[1] == "failed"
    with pytest.raises(OptionError, match="algebraic"):
        rationalize(np.zeros((1, 2, 2)), field=["pi"])


def test_certify_over_a_field_proves_and_refutes_exactly():
    oracle = Oracle("x1**2 + sqrt(2)*x2**2")
    good = sp.Matrix([[0, S2], [-1, 0]])
    wrong = sp.Matrix([[0, 1], [-1, 0]])  # L_W phi = (2 - 2 sqrt(2)) x1 x2
    cert = certify(oracle, [good, wrong])
    assert cert.statuses == ("proved", "failed")
    assert cert.methods == ("polynomial", "polynomial")
    assert cert.residuals[1] == pytest.approx(abs(2 - 2 * np.sqrt(2)))


# ---- spans with field entries ------------------------------------------------------------------------


@pytest.mark.parametrize("n, radicals", [(3, {S3}), (4, {S3, sp.sqrt(6)}), (5, {S3, sp.sqrt(6), sp.sqrt(10)})])
def test_orthonormal_basis_of_su_n_brings_the_cartan_radicals(n, radicals):
    from liealg.catalog import su

    basis = orthonormal_basis(su(n))
    found = set().union(*[M.atoms(sp.Pow) for M in basis])
    assert radicals <= {r for r in found if r.exp == sp.Rational(1, 2)}
    # orthonormal in the method's normalization: Re tr(A B^dagger) = 2 delta_ab, checked exactly
    for i, A in enumerate(basis):
        for j, B in enumerate(basis[: i + 1]):
            assert sp.nsimplify(sp.re(sp.expand((A * B.H).trace()))) == (2 if i == j else 0)
    assert same_span(basis, su(n))
    assert not same_span(basis[1:], su(n))
    assert principal_angles(basis, su(n)).max() < 1e-12


def test_same_span_with_entries_in_different_fields():
    A = [sp.Matrix([[0, S2], [-S2, 0]]), sp.Matrix([[1, 0], [0, sp.cbrt(2)]])]
    B = [sp.Matrix([[0, 1], [-1, 0]]), sp.Matrix([[sp.cbrt(4), 0], [0, 2]])]  # cbrt(4) * A[1]
    assert same_span(A, B)
    assert not same_span(A, [B[0], sp.Matrix([[1, 0], [0, 1]])])


# ---- Lie algebras over a field -----------------------------------------------------------------------


def test_su3_in_the_gell_mann_basis_has_the_textbook_structure_constants():
    lam = standard_gell_mann()
    # the hand table is right: [lambda_a, lambda_b] = 2i f_abc lambda_c, checked by matrix algebra
    for a in range(8):
        for b in range(8):
            lhs = lam[a] * lam[b] - lam[b] * lam[a]
            rhs = sum((2 * sp.I * f_abc(a + 1, b + 1, c + 1) * lam[c] for c in range(8)), sp.zeros(3))
            assert (lhs - rhs).applyfunc(sp.expand) == sp.zeros(3)
    # with T_a = -i lambda_a / 2: [T_a, T_b] = -(1/4)[lambda_a, lambda_b] = f_abc T_c
    T = [-sp.I * m / 2 for m in lam]
    L = LieAlgebra.from_matrices(T)
    assert str(L.field) == "QQ<sqrt(3)>"
    sc = L.structure_constants
    assert sc[(0, 1)] == {2: 1}  # f_123 = 1
    assert sc[(3, 4)][7] == S3 / 2 and sc[(5, 6)][7] == S3 / 2  # f_458 = f_678 = sqrt(3)/2
    for a in range(8):
        for b in range(a + 1, 8):
            expected = {c: f_abc(a + 1, b + 1, c + 1) for c in range(8) if f_abc(a + 1, b + 1, c + 1) != 0}
            assert dict(sc.get((a, b), {})) == expected, (a, b)
    assert L.matrices == tuple(sp.ImmutableMatrix(m) for m in T)
    ident = identify(L)
    assert ident.name == "su(3)" and ident.killing_signature == (0, 8, 0)
    # Killing form: K(T_a, T_b) = 2n tr(T_a T_b) = 6 (-1/2) delta_ab = -3 delta_ab for su(3)
    assert L.killing_form() == -3 * sp.eye(8)
    # the bracket and ad work in the given basis, over the field
    assert L.bracket(3, 4).T == sp.Matrix([[0, 0, sp.Rational(1, 2), 0, 0, 0, 0, S3 / 2]])
    assert L.ad(7)[4, 3] == S3 / 2
    # JSON round trip keeps the field and the constants
    again = LieAlgebra.from_json(json.loads(json.dumps(L.to_json())))
    assert again == L and str(again.field) == "QQ<sqrt(3)>"
    # the rational form is the same algebra with rational constants
    assert L.rational_form().field.is_rational and L.rational_form().killing_signature() == (0, 8, 0)
    with pytest.raises(OptionError, match="rational_form"):
        L.brackets(L.rational_form().center_basis(), L.rational_form().center_basis())


def test_su4_in_the_gell_mann_basis():
    lam = gell_mann(4)
    T = [-sp.I * m / 2 for m in lam]
    L = LieAlgebra.from_matrices(T)
    assert set(L.field.generators) == {S2, S3}  # sqrt(3) (lambda_8) and sqrt(6) (lambda_15)
    sc = L.structure_constants
    # independent: every constant satisfies [T_a, T_b] = sum_c c_ab^c T_c
    for (a, b), comps in sc.items():
        lhs = T[a] * T[b] - T[b] * T[a]
        rhs = sum((c * T[k] for k, c in comps.items()), sp.zeros(4))
        assert (lhs - rhs).applyfunc(sp.expand) == sp.zeros(4)
    # a hand value: [T_1, T_2] = T_3 (the su(2) in the top-left corner)
    assert sc[(0, 1)] == {len(lam) - 3: 1}
    assert identify(L).name == "su(4)"


def test_matrices_over_a_field_with_rational_structure_constants():
    # the so(2) of x1^2 + sqrt(2) x2^2: one generator, so the structure constants are zero
    L = LieAlgebra.from_matrices([sp.Matrix([[0, 1], [-S2 / 2, 0]])])
    assert L.field.is_rational and L.is_abelian and L.matrices[0][1, 0] == -S2 / 2
    assert identify(L).name == "u(1)"


def test_change_basis_to_a_field_and_back():
    from liealg.catalog import so

    L = LieAlgebra.from_matrices(so(3))
    P = sp.Matrix([[S2, 0, 0], [0, 1, 0], [0, 0, 1]])
    M = L.change_basis(P)
    assert str(M.field) == "QQ<sqrt(2)>" and M.structure_constants[(0, 1)] == {2: -S2}
    assert M.change_basis(P.inv()) == L  # back to rational constants
    assert identify(M).name == "su(2)"


def test_no_rational_form_and_irrational_constants_is_refused():
    # [X, Y] = Y for X = [[sqrt(2), 0], [0, sqrt(2) - 1]], Y = E_12 (by hand: XY - YX = Y). The
    # span has no rational basis (RREF row of X: (1, 0, 0, 1 - 1/sqrt(2))), but the structure
    # constants are rational: accepted, with the given matrices.
    X = sp.Matrix([[S2, 0], [0, S2 - 1]])
    Y = sp.Matrix([[0, 1], [0, 0]])
    L = LieAlgebra.from_matrices([X, Y])
    assert L.structure_constants[(0, 1)] == {1: 1} and L.matrices == (X, Y)
    assert identify(L).name == "aff(1)"
    # scaling X by 1/sqrt(2) makes the constant sqrt(2)/2: irrational, and no rational basis to
    # name it through: refused with a LieAlgError that says so
    with pytest.raises(OptionError, match="no rational basis"):
        LieAlgebra.from_matrices([X / S2, Y])


# ---- rationalize over a field ------------------------------------------------------------------------


def test_rationalize_recognizes_elements_of_a_given_field():
    rng = np.random.default_rng(11)
    # the exact symmetry of x1^2 + (3 + 2 sqrt(2)) x2^2: W = [[0, 1], [-(3 - 2 sqrt(2))... by hand:
    # 2 a + 2 (3 + 2 sqrt(2)) b = 0 -> b = -1/(3 + 2 sqrt(2)) = -(3 - 2 sqrt(2)) for a = 1.
    c = 3 - 2 * np.sqrt(2)
    W = np.array([[[0.0, 1.0], [-c, 0.0]]]) * 0.7 + 1e-10 * rng.normal(size=(1, 2, 2))
    with pytest.raises(RationalizationError):
        rationalize(W)  # default behaviour unchanged: rationals and multiples of sqrt(2), sqrt(3) only
    res = rationalize(W, field=("sqrt(2)",))
    assert res.matrices[0] == sp.Matrix([[0, 1], [-3 + 2 * S2, 0]])
    assert res.exact_kind == "algebraic"
    oracle = Oracle("x1**2 + (3 + 2*sqrt(2))*x2**2")
    assert certify(oracle, res.matrices).certified
    # the oracle's own field can be passed
    assert rationalize(W, field=oracle_coefficient_field(oracle)).matrices == res.matrices


def test_end_to_end_su3_adjoint_invariants_with_sqrt3_coefficients():
    # tr(X^2) and tr(X^3) for X = sum x_a lambda_a: the cubic has sqrt(3) coefficients; the linear
    # maps keeping both are the adjoint action of su(3), eight generators.
    lam = standard_gell_mann()
    xs = sp.symbols("x1:9", real=True)
    X = sum((x * m for x, m in zip(xs, lam)), sp.zeros(3))
    oracle = Oracle([sp.expand((X * X).trace()), sp.expand((X * X * X).trace())], variables=xs)
    assert str(oracle_coefficient_field(oracle)) == "QQ<sqrt(3)>"
    gens = solve_symmetries(oracle)
    assert len(gens) == 8
    assert certify(oracle, gens).certified
    assert identify(LieAlgebra.from_matrices(gens)).name == "su(3)"
    # independent: the ad matrices of the Gell-Mann basis, ad(l_a)_cb = coefficient of l_c in
    # [l_a, l_b] / (2i) = f_abc, are symmetries and span the same algebra
    ad = [sp.Matrix(8, 8, lambda c, b, a=a: f_abc(a + 1, b + 1, c + 1)) for a in range(8)]
    assert same_span(gens, ad)


@pytest.mark.slow
def test_end_to_end_su5_adjoint_invariants_need_sqrt10():
    lam = gell_mann(5)
    xs = sp.symbols("x1:25", real=True)
    X = sum((x * m for x, m in zip(xs, lam)), sp.zeros(5))
    oracle = Oracle([sp.expand((X * X).trace()), sp.expand((X * X * X).trace())], variables=xs)
    assert set(oracle_coefficient_field(oracle).field.generators) == {S2, S3, sp.sqrt(5)}
    gens = solve_symmetries(oracle)
    assert len(gens) == 24 and certify(oracle, gens).certified
    assert identify(LieAlgebra.from_matrices(gens)).name == "su(5)"
