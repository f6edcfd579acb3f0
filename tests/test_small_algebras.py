"""Every real Lie algebra of dimension 3 and 4 named by its standard label, in a random basis.

The brackets are Patera-Winternitz's list (J. Math. Phys. 18, 1449 (1977)), typed in from the
paper with its parameters; each algebra is put into a seeded random basis before naming, so the
label must come from invariants, not from the basis it was written in.
"""

from __future__ import annotations

import random

import pytest
import sympy as sp

from liealg.algebra import LieAlgebra
from liealg.identification import identify


def random_basis(n: int, seed: int) -> sp.Matrix:
    rng = random.Random(seed)
    while True:
        P = sp.Matrix(n, n, lambda i, j: sp.Rational(rng.randint(-3, 3), rng.randint(1, 3)))
        if P.det() != 0:
            return P


def algebra(n, brackets):
    """From 1-based brackets [i, j, k, c]: [e_i, e_j] = c e_k (several k per pair allowed)."""
    rows = []
    for i, j, k, c in brackets:
        if i < j:
            rows.append([i - 1, j - 1, k - 1, c])
        else:
            rows.append([j - 1, i - 1, k - 1, -sp.sympify(c) if not isinstance(c, str) else f"-({c})"])
    return LieAlgebra.from_structure_constants(n, rows)


DIM4 = [
    ("A4,1", [[2, 4, 1, 1], [3, 4, 2, 1]], "n4"),
    ("A4,2(a=2)", [[1, 4, 1, 2], [2, 4, 2, 1], [3, 4, 2, 1], [3, 4, 3, 1]], "A4,2(a=2)"),
    ("A4,2(a=-1/2)", [[1, 4, 1, "-1/2"], [2, 4, 2, 1], [3, 4, 2, 1], [3, 4, 3, 1]], "A4,2(a=-1/2)"),
    ("A4,2(a=1)", [[1, 4, 1, 1], [2, 4, 2, 1], [3, 4, 2, 1], [3, 4, 3, 1]], "A4,2(a=1)"),
    ("A4,3", [[1, 4, 1, 1], [3, 4, 2, 1]], "A4,3"),
    ("A4,4", [[1, 4, 1, 1], [2, 4, 1, 1], [2, 4, 2, 1], [3, 4, 2, 1], [3, 4, 3, 1]], "A4,4"),
    ("A4,5(1/2,1)", [[1, 4, 1, 1], [2, 4, 2, "1/2"], [3, 4, 3, 1]], "A4,5(a=1/2,b=1)"),
    ("A4,5(-1/3,1/2)", [[1, 4, 1, 1], [2, 4, 2, "-1/3"], [3, 4, 3, "1/2"]], "A4,5(a=-1/3,b=1/2)"),
    ("A4,5(1,1)", [[1, 4, 1, 1], [2, 4, 2, 1], [3, 4, 3, 1]], "A4,5(a=1,b=1)"),
    ("A4,6(2,1/2)", [[1, 4, 1, 2], [2, 4, 2, "1/2"], [2, 4, 3, -1], [3, 4, 2, 1], [3, 4, 3, "1/2"]],
     "A4,6(a=2,b=1/2)"),
    ("A4,6(1,0)", [[1, 4, 1, 1], [2, 4, 3, -1], [3, 4, 2, 1]], "A4,6(a=1,b=0)"),
    ("A4,7", [[2, 3, 1, 1], [1, 4, 1, 2], [2, 4, 2, 1], [3, 4, 2, 1], [3, 4, 3, 1]], "A4,7"),
    ("A4,8", [[2, 3, 1, 1], [2, 4, 2, 1], [3, 4, 3, -1]], "A4,8"),
    ("A4,9(1/2)", [[2, 3, 1, 1], [1, 4, 1, "3/2"], [2, 4, 2, 1], [3, 4, 3, "1/2"]], "A4,9(b=1/2)"),
    ("A4,9(0)", [[2, 3, 1, 1], [1, 4, 1, 1], [2, 4, 2, 1]], "A4,9(b=0)"),
    ("A4,9(1)", [[2, 3, 1, 1], [1, 4, 1, 2], [2, 4, 2, 1], [3, 4, 3, 1]], "A4,9(b=1)"),
    ("A4,10", [[2, 3, 1, 1], [2, 4, 3, -1], [3, 4, 2, 1]], "A4,10"),
    ("A4,11(3)", [[2, 3, 1, 1], [1, 4, 1, 6], [2, 4, 2, 3], [2, 4, 3, -1], [3, 4, 2, 1], [3, 4, 3, 3]],
     "A4,11(a=3)"),
    ("A4,12", [[1, 3, 1, 1], [2, 3, 2, 1], [1, 4, 2, -1], [2, 4, 1, 1]], "sim(2)"),
    ("2A2", [[1, 2, 2, 1], [3, 4, 4, 1]], "aff(1) ⊕ aff(1)"),
    ("A3,1+A1", [[2, 3, 1, 1]], "heis(3) ⊕ R"),
    ("A3,5+A1", [[1, 3, 1, 1], [2, 3, 2, "1/3"]], "A3,5(a=1/3) ⊕ R"),
    ("A2+2A1", [[1, 2, 2, 1]], "aff(1) ⊕ R^2"),
    ("sl(2,R)+A1", [[1, 2, 2, 2], [1, 3, 3, -2], [2, 3, 1, 1]], "sl(2,R) ⊕ u(1)"),
    ("su(2)+A1", [[1, 2, 3, 1], [2, 3, 1, 1], [3, 1, 2, 1]], "su(2) ⊕ u(1)"),
]


@pytest.mark.parametrize("label, brackets, name", DIM4, ids=[c[0] for c in DIM4])
def test_every_four_dimensional_class_in_a_random_basis(label, brackets, name):
    L = algebra(4, brackets)
    for seed in (1, 2):
        r = identify(L.change_basis(random_basis(4, seed)))
        assert r.name == name, (label, seed)
        if name.startswith("A4") or name in ("sim(2)",):
            assert label.split("(")[0] in (r.name.split("(")[0], *[a.split("(")[0] for a in r.aliases])


def test_a4_6_parameter_sign_normalization():
    # the same algebra with e4 -> -e4: a -> -a, b -> -b; b >= 0 is chosen
    neg = [[1, 4, 1, -2], [2, 4, 2, "-1/2"], [2, 4, 3, 1], [3, 4, 2, -1], [3, 4, 3, "-1/2"]]
    assert identify(algebra(4, neg)).name == "A4,6(a=2,b=1/2)"


def test_the_symmetries_of_a_circle_in_three_variables_are_sim2():
    # x1^2 + x2^2 with x3 free: the rotation, x3 -> x3 scaled, and x3 += x1, x2 (issue 13)
    E = lambda i, j: sp.Matrix(3, 3, lambda a, b: 1 if (a, b) == (i, j) else 0)  # noqa: E731
    mats = [E(0, 1) - E(1, 0), E(2, 2), E(2, 0), E(2, 1)]
    r = identify(mats)
    assert r.name == "sim(2)" and "A4,12" in r.aliases


@pytest.mark.parametrize(
    "brackets, name, bianchi",
    [
        ([], "R^3", "Bianchi I"),
        ([[2, 3, 1, 1]], "heis(3)", "Bianchi II"),
        ([[1, 3, 1, 1]], "aff(1) ⊕ R", "Bianchi III"),
        ([[1, 3, 1, 1], [2, 3, 1, 1], [2, 3, 2, 1]], "A3,2", "Bianchi IV"),
        ([[1, 3, 1, 1], [2, 3, 2, 1]], "A3,3", "Bianchi V"),
        ([[1, 3, 1, 1], [2, 3, 2, -1]], "iso(1,1)", "Bianchi VI_0"),
        ([[1, 3, 2, -1], [2, 3, 1, 1]], "iso(2)", "Bianchi VII_0"),
        ([[1, 2, 2, 2], [1, 3, 3, -2], [2, 3, 1, 1]], "sl(2,R)", "Bianchi VIII"),
        ([[1, 2, 3, 1], [2, 3, 1, 1], [3, 1, 2, 1]], "su(2)", "Bianchi IX"),
    ],
)
def test_bianchi_types(brackets, name, bianchi):
    r = identify(algebra(3, brackets).change_basis(random_basis(3, 9)))
    assert r.name == name and bianchi in r.aliases


# de Graaf's nilpotent algebras of dimension 5 (J. Algebra 309 (2007) 640, section 3), 1-based
GRAAF5 = [
    ("L5,2", [[1, 2, 3, 1]], "heis(3) ⊕ R^2"),
    ("L5,3", [[1, 2, 3, 1], [1, 3, 4, 1]], "n4 ⊕ R"),
    ("L5,4", [[1, 2, 5, 1], [3, 4, 5, 1]], "heis(5)"),
    ("L5,5", [[1, 2, 3, 1], [1, 3, 5, 1], [2, 4, 5, 1]], "L5,5"),
    ("L5,6", [[1, 2, 3, 1], [1, 3, 4, 1], [1, 4, 5, 1], [2, 3, 5, 1]], "L5,6"),
    ("L5,7", [[1, 2, 3, 1], [1, 3, 4, 1], [1, 4, 5, 1]], "L5,7"),
    ("L5,8", [[1, 2, 4, 1], [1, 3, 5, 1]], "L5,8"),
    ("L5,9", [[1, 2, 3, 1], [1, 3, 4, 1], [2, 3, 5, 1]], "L5,9"),
]


@pytest.mark.parametrize("label, brackets, name", GRAAF5, ids=[c[0] for c in GRAAF5])
def test_nilpotent_dimension_five_by_de_graaf_label(label, brackets, name):
    L = algebra(5, brackets)
    assert L.is_nilpotent
    for seed in (3, 4):
        r = identify(L.change_basis(random_basis(5, seed)))
        assert r.name == name and (label == name or label in r.aliases), (label, seed, r.name, r.aliases)


def test_physics_aliases():
    E = lambda i, j: sp.Matrix(4, 4, lambda a, b: 1 if (a, b) == (i, j) else 0)  # noqa: E731
    rotations = [E(0, 1) - E(1, 0), E(0, 2) - E(2, 0), E(1, 2) - E(2, 1)]
    translations = [E(0, 3), E(1, 3), E(2, 3)]
    dilation = [E(0, 0) + E(1, 1) + E(2, 2)]
    assert "sim(3)" in identify(rotations + dilation + translations).aliases
    assert {"iso(3)", "e(3)"} <= set(identify(rotations + translations).aliases)
    import liealg.catalog as cat

    assert {"iso(3,1)", "Poincaré algebra"} <= set(identify(cat.poincare(1, 3)).aliases)
    r = identify(cat.direct_sum(cat.so(3, 1), [sp.eye(4)]))  # Lorentz transformations and dilations
    assert r.name == "so(3,1) ⊕ R" and "co(3,1)" in r.aliases
    assert "co(3)" not in identify(cat.direct_sum(cat.so(3), cat.u(1))).aliases  # a rotation is no dilation


def test_galilei_and_schroedinger_aliases():
    E = lambda i, j, d: sp.Matrix(d, d, lambda a, b: 1 if (a, b) == (i, j) else 0)  # noqa: E731
    d = 5  # (x1, x2, x3, t, 1): rotations, boosts x += v t, translations, time translation
    rotations = [E(0, 1, d) - E(1, 0, d), E(0, 2, d) - E(2, 0, d), E(1, 2, d) - E(2, 1, d)]
    galilei = rotations + [E(i, 3, d) for i in range(3)] + [E(i, 4, d) for i in range(3)] + [E(3, 4, d)]
    assert "Galilei algebra" in identify(galilei).aliases
    # Schrödinger in 1+1 (the Jacobi algebra): sl(2,R) on (x, p), heis(3) = (x, p, z)
    e, f, h, x, p, z = range(6)
    br = [[e, f, h, 1], [e, h, e, -2], [f, h, f, 2], [x, p, z, 1], [h, x, x, 1], [h, p, p, -1], [e, p, x, 1],
          [f, x, p, 1]]
    br = [[i, j, k, c] if i < j else [j, i, k, -c] for i, j, k, c in br]
    r = identify(LieAlgebra.from_structure_constants(6, br).change_basis(random_basis(6, 2)))
    assert r.name == "sl(2,R) ⋉ heis(3)" and "Schrödinger algebra (1+1)" in r.aliases


def test_rotations_and_dilations_with_translations():
    E = lambda i, j, d: sp.Matrix(d, d, lambda a, b: 1 if (a, b) == (i, j) else 0)  # noqa: E731
    d = 4  # a rotation of (x1, x2), the dilation of (x1, x2, x3), translations: affine 4 x 4 matrices
    mats = [E(0, 1, d) - E(1, 0, d), E(0, 0, d) + E(1, 1, d) + E(2, 2, d)] + [E(i, 3, d) for i in range(3)]
    L = LieAlgebra.from_matrices(mats)
    assert identify(L).name == "(u(1) ⊕ R) ⋉ R^3"
    assert identify(L.change_basis(random_basis(5, 8))).name == "(u(1) ⊕ R) ⋉ R^3"
    # the same structure constants without matrices: compactness unknown, R^2
    abstract = LieAlgebra.from_structure_constants(5, [[i, j, k, str(c)] for (i, j), kc in
                                                       L.structure_constants.items() for k, c in kc.items()])
    assert identify(abstract).name == "R^2 ⋉ R^3"


def test_the_symmetries_of_a_circle_in_four_variables():
    # x1^2 + x2^2 in (x1, x2, x3, x4) (issue 13): the rotation of (x1, x2), gl(2,R) on (x3, x4), and
    # x3, x4 += combinations of x1, x2: sl(2,R) ⋉ ((u(1) ⊕ R) ⋉ R^4), by hand
    E = lambda i, j: sp.Matrix(4, 4, lambda a, b: 1 if (a, b) == (i, j) else 0)  # noqa: E731
    mats = [E(0, 1) - E(1, 0)] + [E(i, j) for i in (2, 3) for j in range(4)]
    assert identify(mats).name == "sl(2,R) ⋉ ((u(1) ⊕ R) ⋉ R^4)"
