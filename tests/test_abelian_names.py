"""Abelian pieces named by the group their matrices generate: u(1) compact, R non-compact.

The expected names are read off the matrices by hand: a generator with eigenvalues ±i (a
rotation) generates a circle, one with real eigenvalues (a squeeze, a scaling), a spiral
(eigenvalues 1 ± i) or a nilpotent part generates a copy of R.
"""

from __future__ import annotations

import random

import pytest
import sympy as sp

import liealg.catalog as cat
from liealg.algebra import LieAlgebra
from liealg.identification import compact_dimension, identify

ROT = sp.Matrix([[0, 1], [-1, 0]])
SQUEEZE = sp.diag(1, -1)


def block(*ms: sp.Matrix) -> sp.Matrix:
    return sp.diag(*ms)


def random_change(n: int, seed: int) -> sp.Matrix:
    rng = random.Random(seed)
    while True:
        P = sp.Matrix(n, n, lambda i, j: sp.Rational(rng.randint(-3, 3), rng.randint(1, 3)))
        if P.det() != 0:
            return P


@pytest.mark.parametrize(
    "matrices, compact, name",
    [
        ([SQUEEZE], 0, "R"),  # the symmetry of x1*x2
        ([ROT], 1, "u(1)"),  # the symmetry of x1^2 + x2^2
        ([sp.Matrix([[1, 1], [-1, 1]])], 0, "R"),  # a spiral: eigenvalues 1 ± i
        ([sp.Matrix([[0, 1], [0, 0]])], 0, "R"),  # a shear
        ([sp.Matrix([[0, 1], [-2, 0]])], 1, "u(1)"),  # an ellipse's rotation, eigenvalues ±i sqrt(2)
        ([block(ROT, sp.zeros(2)), block(sp.zeros(2), ROT)], 2, "u(1)^2"),  # two commuting rotations
        ([block(ROT, sp.zeros(2)), block(sp.zeros(2), SQUEEZE)], 1, "u(1) ⊕ R"),
        ([block(ROT, ROT), block(ROT, -ROT)], 2, "u(1)^2"),
        ([sp.eye(2), ROT], 1, "u(1) ⊕ R"),  # scalings and rotations of the plane
        ([sp.diag(1, 0, 0), sp.diag(0, 1, 0), sp.diag(0, 0, 1)], 0, "R^3"),
        ([sp.Matrix([[sp.I]])], 1, "u(1)"),  # complex: u(1) = span{i}
    ],
)
def test_abelian_algebras_named_by_their_group(matrices, compact, name):
    L = LieAlgebra.from_matrices(matrices)
    assert compact_dimension(L) == compact
    assert identify(L).name == name
    # a change of basis of the algebra changes nothing
    n = len(matrices)
    if n > 1:
        assert identify(L.change_basis(random_change(n, 7))).name == name


def test_abstract_abelian_algebras_keep_their_abstract_names():
    assert compact_dimension(LieAlgebra.from_structure_constants(2, [])) is None
    assert identify(LieAlgebra.from_structure_constants(1, [])).name == "u(1)"


def test_reductive_centres():
    assert identify(cat.gl(2)).name == "sl(2,R) ⊕ R"
    assert "gl(2,R)" in identify(cat.gl(2)).aliases and "u(2)" not in identify(cat.gl(2)).aliases
    assert identify(cat.u(2)).name == "su(2) ⊕ u(1)" and "u(2)" in identify(cat.u(2)).aliases
    # su(2) ⊕ u(1)^2 with one u(1) replaced by a scaling of its own variables
    mats = cat.direct_sum(cat.su(2), cat.u(1), [sp.eye(2)])
    assert identify(mats).name == "su(2) ⊕ u(1) ⊕ R"
    two_circles = cat.direct_sum(cat.su(2), [ROT], [ROT])
    assert identify(two_circles).name == "su(2) ⊕ u(1)^2"


def test_abelian_factor_of_a_solvable_algebra():
    # aff(1) on (x, 1) ⊕ a rotation of two other variables, and ⊕ a scaling of them
    e11 = sp.Matrix([[1, 0], [0, 0]])
    e12 = sp.Matrix([[0, 1], [0, 0]])
    aff = [block(e11, sp.zeros(2)), block(e12, sp.zeros(2))]
    assert identify(aff + [block(sp.zeros(2), ROT)]).name == "aff(1) ⊕ u(1)"
    r = identify(aff + [block(sp.zeros(2), sp.eye(2))])
    assert r.name == "aff(1) ⊕ R" and "Bianchi III" in r.aliases
