"""LieAlgebra: exact structure constants, invariants, Levi decomposition, JSON, and errors."""

from __future__ import annotations

import json
import random
from fractions import Fraction

import pytest
import sympy

import liealg.catalog as cat
from liealg.algebra import LieAlgebra
from liealg.io import (load_matrices, load_structure_constants, matrices_from_json, matrices_to_json, save_matrices,
                       save_structure_constants)
from liealg.parsing import parse_number
from liealg.errors import LieAlgError, OptionError


def commutator_check(mats, L):
    """[J_a, J_b] == sum_c f_ab^c J_c, verified in sympy for every pair."""
    sc = L.structure_constants
    n = len(mats)
    for a in range(n):
        for b in range(n):
            C = mats[a] * mats[b] - mats[b] * mats[a]
            S = sympy.zeros(*C.shape)
            if a < b:
                comps = sc.get((a, b), {})
                sign = 1
            else:
                comps = sc.get((b, a), {})
                sign = -1
            for k, c in comps.items():
                S += sign * c * mats[k]
            assert (C - S).expand().is_zero_matrix, (a, b)


def random_unimodular(n: int, seed: int) -> sympy.Matrix:
    rng = random.Random(seed)
    P = sympy.eye(n)
    for _ in range(3 * n):
        i, j = rng.sample(range(n), 2)
        P[i, :] = P[i, :] + rng.choice([-2, -1, 1, 2]) * P[j, :]
    for i in range(n):
        P[i, :] = P[i, :] * sympy.Rational(rng.choice([1, -1, 2, 3]), rng.choice([1, 2, 5]))
    return P


# ---- structure constants from matrices -------------------------------------------------------


@pytest.mark.parametrize(
    "mats",
    [
        cat.so(3),
        cat.so(1, 2),
        cat.su(2),
        cat.su(2, 1),
        cat.sp(4),
        cat.sp_compact(1),
        cat.heisenberg(1),
        cat.u(2),
        cat.euclidean(2),
        tuple(m / 2 for m in cat.so(4)),  # rational entries: a common denominator > 1
        tuple(m * sympy.Rational(2, 3) for m in cat.su(2)),
    ],
)
def test_structure_constants_match_commutators(mats):
    L = LieAlgebra.from_matrices(mats)
    assert L.dim == len(mats)
    commutator_check(mats, L)


def test_matrices_round_trip_and_repr():
    L = LieAlgebra.from_matrices(cat.su(2))
    assert L.matrices == tuple(sympy.ImmutableMatrix(m) for m in cat.su(2))
    assert "dim=3" in repr(L) and "Q(i)" in repr(L)
    A = LieAlgebra.from_structure_constants(2, [[0, 1, 1, 1]])
    assert A.matrices is None and "1 nonzero brackets" in repr(A)


def test_accepts_plain_lists_and_integer_arrays():
    import numpy as np

    L = LieAlgebra.from_matrices([np.array([[0, 1], [0, 0]]), [[0, 0], [1, 0]], [[1, 0], [0, -1]]])
    assert L.killing_signature() == (2, 1, 0)


def test_killing_form_so3():
    L = LieAlgebra.from_matrices(cat.so(3))
    assert L.killing_form() == -2 * sympy.eye(3)
    assert L.killing_signature() == (0, 3, 0)
    assert L.is_semisimple and not L.is_solvable and not L.is_nilpotent and not L.is_abelian


def test_complex_matrices_are_the_real_span():
    # u(1) = span{i}: 1-dimensional, abelian
    L = LieAlgebra.from_matrices([sympy.Matrix([[sympy.I]])])
    assert L.dim == 1 and L.is_abelian
    # su(2) in Q(i): compact
    assert LieAlgebra.from_matrices(cat.su(2)).killing_signature() == (0, 3, 0)


def test_gell_mann_sqrt3_is_supported_via_rational_span():
    s3 = sympy.sqrt(3)
    I = sympy.I
    lam = [
        [[0, 1, 0], [1, 0, 0], [0, 0, 0]],
        [[0, -I, 0], [I, 0, 0], [0, 0, 0]],
        [[1, 0, 0], [0, -1, 0], [0, 0, 0]],
        [[0, 0, 1], [0, 0, 0], [1, 0, 0]],
        [[0, 0, -I], [0, 0, 0], [I, 0, 0]],
        [[0, 0, 0], [0, 0, 1], [0, 1, 0]],
        [[0, 0, 0], [0, 0, -I], [0, I, 0]],
    ]
    mats = [I * sympy.Matrix(m) / 2 for m in lam] + [I * sympy.diag(1, 1, -2) / (2 * s3)]
    L = LieAlgebra.from_matrices(mats)
    assert L.dim == 8 and L.killing_signature() == (0, 8, 0)
    assert L.note and "rational" in L.note
    # issue 10: the given basis is kept, with its structure constants over Q(sqrt(3)); the invariants
    # run on the rational (RREF) basis of the same span
    assert L.matrices == tuple(sympy.ImmutableMatrix(m) for m in mats) and str(L.field) == "QQ<sqrt(3)>"
    assert all(x.is_Rational for m in L.rational_form().matrices for x in m)


def test_unsupported_irrational_span_is_refused():
    # one matrix: the structure constants are 0, rational, so the algebra is accepted (issue 10)
    assert LieAlgebra.from_matrices([sympy.Matrix([[1, sympy.sqrt(2)], [0, 0]])]).is_abelian
    # irrational structure constants and a span without a rational basis: refused
    X, Y = sympy.Matrix([[1, 0], [0, 1 - 1 / sympy.sqrt(2)]]), sympy.Matrix([[0, 1], [0, 0]])  # [X, Y] = Y/sqrt(2)
    with pytest.raises(LieAlgError, match="no rational basis"):
        LieAlgebra.from_matrices([X, Y])
    with pytest.raises(LieAlgError, match="algebraic"):
        LieAlgebra.from_matrices([sympy.Matrix([[sympy.pi, 0], [0, 0]])])


# ---- errors ----------------------------------------------------------------------------------


def test_dependent_matrices_name_the_matrix():
    mats = list(cat.so(3)) + [cat.so(3)[0] + cat.so(3)[1]]
    with pytest.raises(LieAlgError, match=r"J_3 is a linear combination"):
        LieAlgebra.from_matrices(mats)


def test_non_closing_set_names_the_pair():
    e = sympy.Matrix([[0, 1], [0, 0]])
    f = sympy.Matrix([[0, 0], [1, 0]])
    with pytest.raises(LieAlgError, match=r"\[J_0, J_1\] is not in the span"):
        LieAlgebra.from_matrices([e, f])
    E = lambda i, j: sympy.Matrix(3, 3, lambda r, c: int((r, c) == (i, j)))  # noqa: E731
    with pytest.raises(LieAlgError, match=r"\[J_0, J_2\] is not in the span"):
        LieAlgebra.from_matrices([E(0, 1), E(0, 2), E(1, 0)])


@pytest.mark.parametrize(
    "bad, msg",
    [
        ([sympy.Matrix([[0.5, 0], [0, 0]])], "floating-point"),
        ([sympy.Matrix([[sympy.Symbol("x"), 0], [0, 0]])], "not a number"),
        ([sympy.zeros(2, 2) + sympy.eye(2), sympy.eye(3)], "different shapes"),
        ([sympy.Matrix([[1, 2, 3]])], "square"),
        ([], "at least one"),
    ],
)
def test_bad_matrices(bad, msg):
    with pytest.raises(LieAlgError, match=msg):
        LieAlgebra.from_matrices(bad)


def test_jacobi_failure_names_a_triple():
    with pytest.raises(LieAlgError, match=r"Jacobi identity fails for the triple \(e_\d, e_\d, e_\d\)"):
        LieAlgebra.from_structure_constants(3, [[0, 1, 1, 1], [0, 2, 2, 1], [1, 2, 0, 1]])


def test_jacobi_with_huge_constants_uses_the_exact_modular_check():
    big = 10**30
    L = LieAlgebra.from_matrices(cat.su(3))
    L2 = L.change_basis(sympy.diag(big, 1, sympy.Rational(1, big), 3, big, 1, 1, 7))
    again = LieAlgebra.from_json(L2.to_json())  # Jacobi re-checked on 100-bit numbers
    assert again == L2
    bad = L2.to_json()
    bad["brackets"][0][3] = str(Fraction(bad["brackets"][0][3]) + 1)
    with pytest.raises(LieAlgError, match="Jacobi"):
        LieAlgebra.from_json(bad)


@pytest.mark.parametrize("scale", [1, 10**20])
def test_jacobi_dense_paths(scale, monkeypatch):
    """Dense constants: float BLAS when exact, else modulo primes; both must catch a wrong constant."""
    import numpy as np

    calls = []
    original = LieAlgebra._jacobi_pass

    def spy(self, num, p):
        calls.append(p)
        return original(self, num, p)

    monkeypatch.setattr(LieAlgebra, "_jacobi_pass", spy)
    L = LieAlgebra.from_matrices(cat.u(3))
    rng = random.Random(7)
    P = sympy.Matrix(9, 9, lambda i, j: rng.randint(-3, 3) * (scale if (i + j) % 4 == 0 else 1))
    while P.det() == 0:
        P = sympy.Matrix(9, 9, lambda i, j: rng.randint(-3, 3))
    L2 = L.change_basis(P)
    assert np.count_nonzero(L2._num) > 3 * 81  # the dense path applies
    assert LieAlgebra.from_json(L2.to_json()) == L2
    assert calls and ((calls[0] is None) == (scale == 1))
    bad = L2.to_json()
    bad["brackets"][5][3] = str(Fraction(bad["brackets"][5][3]) + 1)
    with pytest.raises(LieAlgError, match="Jacobi"):
        LieAlgebra.from_json(bad)


@pytest.mark.parametrize(
    "dim, brackets, msg",
    [
        (3, [[1, 0, 2, 1]], "need i < j"),
        (3, [[0, 0, 2, 1]], "need i < j"),
        (3, [[0, 1, 3, 1]], "out of range"),
        (3, [[0, 1, 2, 0.5]], "floating-point"),
        (3, [[0, 1, 2, "x"]], "cannot read"),
        (3, [[0, 1, 2, "1/2*I"]], "complex"),
        (3, [[0, 1, 2, 1], [0, 1, 2, 2]], "duplicate"),
        (3, [[0, 1, 2]], "expected"),
        (3, [[0, "1", 2, 1]], "not an integer"),
        (0, [], "positive integer"),
    ],
)
def test_bad_structure_constants(dim, brackets, msg):
    with pytest.raises(LieAlgError, match=msg):
        LieAlgebra.from_structure_constants(dim, brackets)


def test_structure_constant_forms_agree():
    a = LieAlgebra.from_structure_constants(3, [[0, 1, 2, 1], [1, 2, 0, "1"], [0, 2, 1, Fraction(-1)]])
    b = LieAlgebra.from_structure_constants(3, {(0, 1): {2: 1}, (1, 2): {0: sympy.Integer(1)}, (0, 2): {1: -1}})
    assert a == b and hash(a) == hash(b)
    assert a.structure_constants == {(0, 1): {2: 1}, (0, 2): {1: -1}, (1, 2): {0: 1}}


# ---- invariants -----------------------------------------------------------------------------


def dims(series):
    return [m.rows for m in series]


def test_heisenberg_invariants():
    L = LieAlgebra.from_matrices(cat.heisenberg(2))
    assert dims(L.derived_series()) == [5, 1, 0]
    assert dims(L.lower_central_series()) == [5, 1, 0]
    assert L.center().tolist() == [[0, 0, 0, 0, 1]]
    assert L.radical().rows == 5 and L.nilradical().rows == 5
    assert L.is_nilpotent and L.is_solvable and not L.is_abelian


def test_gl2_invariants():
    L = LieAlgebra.from_matrices(cat.gl(2))
    assert L.killing_signature() == (2, 1, 1)
    assert L.center().rows == 1 and L.radical().rows == 1 and L.nilradical().rows == 1
    assert dims(L.derived_series()) == [4, 3, 3]


def test_poincare_invariants_and_levi():
    L = LieAlgebra.from_matrices(cat.poincare(1, 3))
    assert L.killing_signature() == (3, 3, 4)
    assert L.radical().rows == 4 and L.nilradical().rows == 4 and L.center().rows == 0
    D = L.levi_decomposition()
    assert D.semisimple.rows == 6 and D.radical.rows == 4


def test_nilradical_with_complex_weights():
    # [x, d1] = d1 + d2, [x, d2] = -d1 + d2: weights 1 ± i, so tr(ad x)^2 = 0 although ad x is not
    # nilpotent. The nilradical is [g, g] (dim 2), not all of g.
    L = LieAlgebra.from_structure_constants(3, [[0, 1, 1, 1], [0, 1, 2, 1], [0, 2, 1, -1], [0, 2, 2, 1]])
    assert L.is_solvable and not L.is_nilpotent
    assert L.nilradical().tolist() == [[0, 1, 0], [0, 0, 1]]


def test_nilradical_contains_nilpotent_directions():
    # aff(1) ⊕ heis(3)-like: [x, y] = y, [p, q] = z; nilradical = span(y, p, q, z)
    L = LieAlgebra.from_structure_constants(5, [[0, 1, 1, 1], [2, 3, 4, 1]])
    assert L.nilradical().rows == 4


@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("mats", [cat.poincare(1, 3), cat.euclidean(3), cat.gl(2), cat.u(2)])
def test_levi_decomposition_in_random_basis(mats, seed):
    L = LieAlgebra.from_matrices(mats)
    L2 = L.change_basis(random_unimodular(L.dim, seed))
    D = L2.levi_decomposition()
    S, R = D.semisimple, D.radical
    assert S.rows + R.rows == L.dim
    assert S.col_join(R).rank() == L.dim  # complementary
    sub = L2.subalgebra(S)  # raises unless closed
    if sub.dim:
        assert sub.is_semisimple
    assert R == L2.radical()


def test_change_basis_matches_transformed_matrices():
    mats = cat.su(3)
    L = LieAlgebra.from_matrices(mats)
    P = random_unimodular(8, 3)
    new = [sum((P[a, j] * mats[j] for j in range(8)), sympy.zeros(3, 3)) for a in range(8)]
    assert L.change_basis(P) == LieAlgebra.from_matrices(new)
    assert L.change_basis(P).matrices == tuple(sympy.ImmutableMatrix(m.expand()) for m in new)
    with pytest.raises(LieAlgError, match="singular"):
        L.change_basis(sympy.zeros(8, 8))
    with pytest.raises(LieAlgError, match="8x8"):
        L.change_basis(sympy.eye(3))


def test_ad_bracket_and_immutability():
    L = LieAlgebra.from_matrices(cat.so(3))
    assert L.ad(0) * sympy.Matrix([0, 1, 0]) == L.bracket([1, 0, 0], [0, 1, 0])
    assert L.ad([1, 0, 0]) == L.ad(0)
    with pytest.raises(AttributeError):
        L.dim = 4
    with pytest.raises(OptionError):  # a LieAlgError, like every error liealg raises on purpose
        LieAlgebra()
    with pytest.raises(LieAlgError):
        L.ad(3)


def test_subalgebra_and_quotient():
    L = LieAlgebra.from_matrices(cat.euclidean(3))
    T = L.subalgebra([[0, 0, 0, 1, 0, 0], [0, 0, 0, 0, 1, 0], [0, 0, 0, 0, 0, 1]])
    assert T.is_abelian and T.dim == 3
    Q = L.quotient(L.radical())
    assert Q.dim == 3 and Q.killing_signature() == (0, 3, 0)
    with pytest.raises(LieAlgError, match="not span an ideal"):
        L.quotient([[1, 0, 0, 0, 0, 0]])
    with pytest.raises(LieAlgError, match="subalgebra"):
        L.subalgebra([[1, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0]])


# ---- JSON -----------------------------------------------------------------------------------


@pytest.mark.parametrize("mats", [cat.so(1, 3), cat.su(3), cat.heisenberg(1), tuple(m / 3 for m in cat.sp(4))])
def test_structure_constants_json_round_trip(mats, tmp_path):
    L = LieAlgebra.from_matrices(mats)
    data = L.to_json()
    assert set(data) == {"dim", "brackets"}
    assert all(isinstance(c, str) for *_, c in data["brackets"])
    assert LieAlgebra.from_json(data) == L
    assert LieAlgebra.from_json(json.dumps(data)) == L
    path = tmp_path / "sc.json"
    save_structure_constants(L, path)
    assert load_structure_constants(path) == L


def test_matrices_json_round_trip(tmp_path):
    mats = cat.su(2, 1) + (sympy.Matrix([[sympy.Rational(1, 2) - 3 * sympy.I / 4, 0, 0], [0, 0, 0], [0, 0, 0]]),)
    data = matrices_to_json(mats)
    assert data["matrix_size"] == 3 and data["count"] == 9
    assert ["1/2 - 3/4*I"] == [c for m, i, j, c in data["entries"] if m == 8]
    assert matrices_from_json(data) == tuple(sympy.ImmutableMatrix(m) for m in mats)
    path = tmp_path / "m.json"
    save_matrices(cat.so(3), path)
    assert LieAlgebra.from_matrices(load_matrices(path)) == LieAlgebra.from_matrices(cat.so(3))


@pytest.mark.parametrize(
    "text, msg",
    [
        ('{"dim": 3}', "missing key 'brackets'"),
        ('{"brackets": []}', "missing key 'dim'"),
        ('{"dim": 3, "brackets": [[0, 1, 5, "1"]]}', "out of range"),
        ('{"dim": 3, "brackets": [[1, 1, 2, "1"]]}', "i < j"),
        ('{"dim": 3, "brackets": [[0, 1, 2, "one"]]}', "cannot read"),
        ('{"dim": 3, "brackets": [[0, 1, 2, 0.5]]}', "floating-point"),
        ('{"dim": 3, "brackets": {}}', "must be a list"),
        ("[1, 2]", "must be an object"),
        ("{not json", "not valid JSON"),
    ],
)
def test_bad_structure_constant_files(text, msg, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(LieAlgError, match=msg) as info:
        load_structure_constants(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    "data, msg",
    [
        ({"matrix_size": 2, "count": 1}, "missing key 'entries'"),
        ({"matrix_size": 2, "count": 1, "entries": [[1, 0, 0, "1"]]}, "out of range"),
        ({"matrix_size": 2, "count": 1, "entries": [[0, 2, 0, "1"]]}, "out of range"),
        ({"matrix_size": 2, "count": 1, "entries": [[0, 0, 0, "__import__('os')"]]}, "cannot read"),
        ({"matrix_size": 2, "count": 1, "entries": [[0, 0, 0, 0.5]]}, "must be an integer or a string"),
        ({"matrix_size": 0, "count": 1, "entries": []}, "positive integer"),
        ({"matrix_size": 2, "count": 1, "entries": [[0, 0, 0, "1"], [0, 0, 0, "2"]]}, "duplicate"),
    ],
)
def test_bad_matrix_files(data, msg):
    with pytest.raises(LieAlgError, match=msg):
        matrices_from_json(data)


def test_matrix_file_with_algebraic_entries_uses_the_safe_parser():
    s3 = sympy.sqrt(3)
    data = {"matrix_size": 2, "count": 1, "entries": [[0, 0, 1, "sqrt(3)/2"], [0, 1, 0, "-sqrt(3)/2"]]}
    (m,) = matrices_from_json(data)
    assert m == sympy.Matrix([[0, s3 / 2], [-s3 / 2, 0]])
    L = LieAlgebra.from_matrices([m])
    assert L.dim == 1 and L.matrices[0] == m  # the given basis (rational structure constants: 0)
    with pytest.raises(LieAlgError, match="not a number|cannot read"):
        matrices_from_json({"matrix_size": 1, "count": 1, "entries": [[0, 0, 0, "x + 1"]]})


@pytest.mark.parametrize(
    "text, value",
    [
        ("3", (3, 0)),
        ("-1/2", (Fraction(-1, 2), 0)),
        ("0.25", (Fraction(1, 4), 0)),
        ("I", (0, 1)),
        ("-I", (0, -1)),
        ("1/2*I", (0, Fraction(1, 2))),
        ("3*I/4", (0, Fraction(3, 4))),
        ("1/2 - 3/4*I", (Fraction(1, 2), Fraction(-3, 4))),
        ("(1 + I)*(1 - I)", (2, 0)),
        ("1/(1+I)", (Fraction(1, 2), Fraction(-1, 2))),
    ],
)
def test_parse_number_reads_gaussian_rationals(text, value):
    # the one exact-number parser (liealg.parsing.parse_number) replaced algebra.parse_exact
    expected = sympy.Rational(value[0]) + sympy.I * sympy.Rational(value[1])
    assert sympy.expand(parse_number(text) - expected) == 0


@pytest.mark.parametrize("text", ["", "1/0", "x", "1 +", "(1", "a" * 500, "__import__('os')", "x.real", "lambda: 0"])
def test_parse_number_rejects(text):
    with pytest.raises(LieAlgError):
        parse_number(text)
