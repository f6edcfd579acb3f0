"""The exact null-space solver: known symmetry algebras of polynomial oracles, exactly.

Independent cross-checks: for quadratic forms the algebra is {W : W^T S + S W = 0}, solved here
with sympy's own linear algebra; for other polynomials, a naive sympy derivation of the
coefficient system (``_naive_symmetries``) is compared span for span.
"""

from __future__ import annotations

import itertools

import pytest
import sympy as sp

from liealg.catalog import oracles
from liealg.errors import OracleError
from liealg.exact import certify, rationalize, same_span, solve_symmetries, symmetry_conditions
from liealg.exact.solver import is_polynomial_oracle, matrix_to_theta, parameter_actions
from liealg.oracle import Oracle


def E(d: int, i: int, j: int) -> sp.Matrix:
    M = sp.zeros(d, d)
    M[i, j] = 1
    return M


def so_basis(n: int) -> list[sp.Matrix]:
    return [E(n, i, j) - E(n, j, i) for i, j in itertools.combinations(range(n), 2)]


def quadratic_form_algebra(S: sp.Matrix) -> list[sp.Matrix]:
    """{W : W^T S + S W = 0}, computed with sympy alone (no liealg code)."""
    d = S.rows
    w = sp.symbols(f"w0:{d * d}")
    W = sp.Matrix(d, d, w)
    eqs = list(W.T * S + S * W)
    A = sp.Matrix([[sp.diff(e, v) for v in w] for e in eqs])
    return [sp.Matrix(d, d, list(v)) for v in A.nullspace()]


def _naive_symmetries(oracle: Oracle) -> list[sp.Matrix]:
    """Straight from the definition with sympy: L_W phi for symbolic W, coefficients, nullspace."""
    d = oracle.matrix_size
    p = 2 * d * d if oracle.is_complex else d * d
    t = sp.symbols(f"t0:{p}")
    D = 2 * d if oracle.is_complex else d
    R = sp.zeros(D, D)
    for a, act in enumerate(parameter_actions(d, oracle.is_complex)):
        for r, c, s in act:
            R[r, c] += s * t[a]
    eqs = []
    for phi in oracle.real_exprs:
        L = sum(
            (sp.diff(phi, vec[i]) * R[i, j] * vec[j] for vec in oracle.real_vectors for i in range(D) for j in range(D)),
            sp.S.Zero,
        )
        eqs.extend(sp.Poly(sp.expand(L), *oracle.real_variables).coeffs())
    A = sp.Matrix([[sp.diff(e, v) for v in t] for e in eqs])
    out = []
    for v in A.nullspace():
        if oracle.is_complex:
            n = d * d
            out.append(sp.Matrix(d, d, [v[a] + sp.I * v[n + a] for a in range(n)]))
        else:
            out.append(sp.Matrix(d, d, list(v)))
    return out


def _is_rref(gens, is_complex: bool) -> bool:
    rows = sp.Matrix([matrix_to_theta(W, is_complex) for W in gens])
    return rows.rref()[0] == rows


@pytest.mark.parametrize("n", range(2, 11))
def test_so_n_is_exactly_E_ij_minus_E_ji(n):
    oracle = Oracle(" + ".join(f"x{i}**2" for i in range(1, n + 1)))
    gens = solve_symmetries(oracle)
    assert len(gens) == n * (n - 1) // 2
    # The canonical RREF basis: E_ij - E_ji for i < j, lexicographic order, exactly.
    assert list(gens) == so_basis(n)


def test_lorentz_rotations_and_boosts():
    gens = solve_symmetries(Oracle("x1**2 + x2**2 + x3**2 - x4**2"))
    assert len(gens) == 6
    eta = sp.diag(1, 1, 1, -1)
    rotations = [W for W in gens if W.T == -W]
    boosts = [W for W in gens if W.T == W]
    assert len(rotations) == 3 and len(boosts) == 3
    assert all(set(W) <= {0, 1, -1} for W in gens)
    assert all(W.T * eta + eta * W == sp.zeros(4, 4) for W in gens)
    assert list(gens) == [
        E(4, 0, 1) - E(4, 1, 0), E(4, 0, 2) - E(4, 2, 0), E(4, 0, 3) + E(4, 3, 0),
        E(4, 1, 2) - E(4, 2, 1), E(4, 1, 3) + E(4, 3, 1), E(4, 2, 3) + E(4, 3, 2),
    ]


def test_so22_from_split_quadratic_form():
    # x1*x4 - x2*x3 has signature (2, 2): so(2,2), dimension 6.
    gens = solve_symmetries(Oracle("x1*x4 - x2*x3"))
    S = sp.Matrix([[0, 0, 0, 1], [0, 0, -1, 0], [0, -1, 0, 0], [1, 0, 0, 0]]) / 2
    assert len(gens) == 6
    assert same_span(gens, quadratic_form_algebra(S))
    assert _is_rref(gens, False)


def test_vector_valued_oracle_is_the_intersection():
    both = solve_symmetries(Oracle(["x1**2 + x2**2 + x3**2", "x3"]))
    quadric = solve_symmetries(Oracle("x1**2 + x2**2 + x3**2"))
    linear = solve_symmetries(Oracle("x3", variables="x1 x2 x3"))
    assert len(quadric) == 3 and len(linear) == 6  # x3 fixed: the third row of W vanishes
    assert list(both) == [E(3, 0, 1) - E(3, 1, 0)]  # so(3) with the third row zero: so(2)


def test_symplectic_form_two_vectors_gives_sl2():
    oracle = Oracle("x1*y2 - x2*y1", vectors=[["x1", "x2"], ["y1", "y2"]])
    gens = solve_symmetries(oracle)
    assert len(gens) == 3
    assert all(W.trace() == 0 for W in gens)
    assert same_span(gens, [E(2, 0, 1), E(2, 1, 0), sp.diag(1, -1)])


def test_complex_oracle_gives_u2_with_gaussian_entries():
    oracle = Oracle("z1*conjugate(z1) + z2*conjugate(z2)", is_complex=True)
    gens = solve_symmetries(oracle)
    assert len(gens) == 4  # real dimension of u(2)
    I = sp.I
    for W in gens:
        assert W + W.H == sp.zeros(2, 2)  # anti-Hermitian
        for e in W:
            re_, im_ = e.as_real_imag()
            assert re_.is_Rational and im_.is_Rational
    assert same_span(gens, [E(2, 0, 1) - E(2, 1, 0), I * (E(2, 0, 1) + E(2, 1, 0)), I * E(2, 0, 0), I * E(2, 1, 1)])
    assert same_span(gens, _naive_symmetries(oracle))
    assert _is_rref(gens, True)


def test_no_symmetry_returns_empty():
    assert solve_symmetries(Oracle("x1 + x2**2 + x3**3")) == ()


@pytest.mark.parametrize(
    "formula",
    [
        "x1**2 + x1*x2 + 3*x3**2",
        "x1*x2*x3",  # the torus of diagonal traceless matrices
        "(x1**2 + x2**2)**2 + x3**4",
        "x1**2 - x2**2 + x1*x3/2",
    ],
)
def test_agrees_with_naive_sympy(formula):
    oracle = Oracle(formula)
    gens = solve_symmetries(oracle)
    assert same_span(gens, _naive_symmetries(oracle))
    assert len(gens) == len(_naive_symmetries(oracle))
    assert _is_rref(gens, False)


def test_symmetry_conditions_small_system():
    cond = symmetry_conditions(Oracle("x1**2 + x2**2"))
    assert cond.shape == (3, 4) and cond.n_params == 4
    assert cond.to_sympy() == sp.Matrix([[2, 0, 0, 0], [0, 2, 2, 0], [0, 0, 0, 2]])
    assert cond.row_labels() == ["phi_0: x1**2", "phi_0: x1*x2", "phi_0: x2**2"]


def test_rational_coefficients_are_scaled_not_lost():
    cond = symmetry_conditions(Oracle("x1**2/3 + x2**2/3"))
    assert cond.scales == (3,)
    assert list(solve_symmetries(Oracle("x1**2/3 + x2**2/3"))) == so_basis(2)


def test_non_polynomial_oracle_is_refused():
    with pytest.raises(OracleError, match="method='train'"):
        solve_symmetries(Oracle("sqrt(x1**2 + x2**2)"))
    with pytest.raises(OracleError, match="polynomial"):
        symmetry_conditions(Oracle("exp(x1) + x2"))


@pytest.mark.parametrize(
    "formula, expected",
    [
        ("x1**2 + x2**2/3", True),
        ("(x1 + x2)**3 - x1*x2", True),
        ("sqrt(2)*x1**2 + x2**2", False),  # irrational coefficient: solved over Q(sqrt(2)) instead
        ("sqrt(x1**2 + x2**2)", False),
        ("exp(x1) + x2", False),
        ("pi*x1**2 + x2**2", False),
    ],
)
def test_polynomial_test(formula, expected):
    oracle = Oracle(formula)
    assert is_polynomial_oracle(oracle) is expected  # polynomial with *rational* coefficients
    if not expected and "sqrt(2)" not in formula:
        with pytest.raises(OracleError, match="polynomial with rational coefficients"):
            solve_symmetries(oracle)


def test_irrational_coefficient_is_solved_over_its_number_field():
    # Issue 10: sqrt(2)*x1**2 + x2**2 used to be refused; its symmetry is W = [[0, 1], [-sqrt(2), 0]]
    # (L_W phi = 2 sqrt(2) x1 x2 - 2 sqrt(2) x1 x2 = 0), in canonical RREF form.
    (W,) = solve_symmetries(Oracle("sqrt(2)*x1**2 + x2**2"))
    assert W == sp.Matrix([[0, 1], [-sp.sqrt(2), 0]])


def test_float_coefficient_is_not_exact():
    x1, x2 = sp.symbols("x1 x2", real=True)
    assert not is_polynomial_oracle(Oracle(x1**2 + sp.Float(0.5) * x2**2))


def test_callable_oracle_is_refused():
    oracle = Oracle.from_callable(lambda x: (x**2).sum(-1), 3)
    with pytest.raises(OracleError, match="callable"):
        solve_symmetries(oracle)


# Cross-check with the reference oracles of the catalog (another module's known answers).
CATALOG_KEYS = ["so(10)", "lorentz", "so(2,2)", "u(3)", "su(3)", "su(2,1)", "sl(4,R)", "sp(6,R)", "g2", "g2_split",
                "f4", "e6"]


@pytest.mark.parametrize("key", CATALOG_KEYS)
def test_catalog_oracles_have_their_documented_dimension(key):
    entry = oracles.get(key)
    oracle = entry.oracle()
    gens = solve_symmetries(oracle)
    assert len(gens) == entry.dimension
    assert certify(oracle, gens).certified


@pytest.mark.slow
def test_e6_round_trip_floats_to_certified_exact():
    import numpy as np

    from liealg.catalog import jordan

    oracle = Oracle(jordan.cubic_norm_polynomial(), variables=jordan.jordan_symbols())
    gens = solve_symmetries(oracle)
    assert len(gens) == 78 and all(W.trace() == 0 for W in gens)
    rng = np.random.default_rng(78)
    floats = np.array([np.array(W, dtype=float) for W in gens])
    Q, _ = np.linalg.qr(rng.normal(size=(78, 78)))
    learned = np.einsum("ab,bij->aij", Q, floats) + 1e-9 * rng.normal(size=floats.shape)
    res = rationalize(learned)
    assert res.matrices == gens
    assert certify(oracle, res.matrices).certified
