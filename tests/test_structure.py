"""structure(): Cartan subalgebra in the user's representation, roots, Cartan matrix, weights.

The expected roots and weights are derived by hand in the epsilon basis (Bourbaki's tables:
A_{n-1} in sl(n) with alpha_i = e_i - e_{i+1}; B_n, C_n, D_n in the vector representations;
G2's 7 as its short roots and 0), converted to Dynkin labels with the coroots, and compared
with what structure() finds in a random change of basis of the algebra and of the variables.
"""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
import sympy as sp

import liealg.catalog as cat
from liealg.algebra import LieAlgebra
from liealg.catalog import exceptional
from liealg.errors import OptionError
from liealg.plots import plot_dynkin
from liealg.structure import Structure, coxeter_projection, structure, weyl_dimension


def random_invertible(n: int, seed: int) -> sp.Matrix:
    rng = random.Random(seed)
    while True:
        P = sp.Matrix(n, n, lambda i, j: sp.Rational(rng.randint(-3, 3), rng.randint(1, 3)))
        if P.det() != 0:
            return P


def conjugated(mats, seed):
    """The same algebra acting on new variables: X -> Q X Q^-1 (a random rational Q)."""
    d = mats[0].shape[0]
    Q = random_invertible(d, seed)
    Qi = Q.inv()
    return [sp.ImmutableMatrix(Q * sp.Matrix(m) * Qi) for m in mats]


def labels(weight_eps, coroots_eps):
    """Dynkin labels (mu, alpha_i^vee) of a weight given in the epsilon basis."""
    return tuple(int(sum(Fraction(a) * Fraction(b) for a, b in zip(weight_eps, c))) for c in coroots_eps)


def eps(n, k, s=1):
    v = [0] * n
    v[k] = s
    return v


def coroots_classical(letter, r):
    """Simple coroots in the epsilon basis (Bourbaki), as lists of Fractions."""
    N = r + 1 if letter == "A" else r
    out = []
    for i in range(r - 1 if letter != "A" else r):
        out.append([Fraction(1) if k == i else Fraction(-1) if k == i + 1 else Fraction(0) for k in range(N)])
    if letter == "B":  # alpha_r = e_r, coroot 2 e_r
        out.append([Fraction(2) if k == r - 1 else Fraction(0) for k in range(N)])
    if letter == "C":  # alpha_r = 2 e_r, coroot e_r
        out.append([Fraction(1) if k == r - 1 else Fraction(0) for k in range(N)])
    if letter == "D":  # alpha_r = e_{r-1} + e_r
        out.append([Fraction(1) if k in (r - 2, r - 1) else Fraction(0) for k in range(N)])
    return out


def vector_weights(letter, r):
    """The weights of the defining representation, in the epsilon basis."""
    if letter == "A":
        return [eps(r + 1, k) for k in range(r + 1)]
    ws = [eps(r, k, s) for k in range(r) for s in (1, -1)]
    if letter == "B":
        ws.append([0] * r)
    return ws


def roots_classical(letter, r):
    N = r + 1 if letter == "A" else r
    out = []
    for i in range(N):
        for j in range(N):
            if i != j:
                out.append([eps(N, i)[k] - eps(N, j)[k] for k in range(N)])
                if letter != "A" and i < j:
                    for s in (1, -1):
                        out.append([s * (eps(N, i)[k] + eps(N, j)[k]) for k in range(N)])
    if letter == "B":
        out += [eps(N, i, s) for i in range(N) for s in (1, -1)]
    if letter == "C":
        out += [eps(N, i, 2 * s) for i in range(N) for s in (1, -1)]
    return out


def automorphic(a, b, letter, r):
    """a == b up to the diagram automorphisms a choice of positive system may introduce."""
    if sorted(a) == sorted(b):
        return True
    if letter == "A":
        return sorted(a) == sorted(tuple(reversed(x)) for x in b)
    if letter == "D":
        swap = [tuple(x[:-2]) + (x[-1], x[-2]) for x in b]
        return sorted(a) == sorted(swap)
    return False


CASES = [
    ("su(3)", lambda: cat.su(3), "A", 2),
    ("su(4)", lambda: cat.su(4), "A", 3),
    ("sl(3,R)", lambda: cat.by_name("sl(3,R)"), "A", 2),
    ("so(5)", lambda: cat.so(5), "B", 2),
    ("so(7)", lambda: cat.so(7), "B", 3),
    ("so(4,3)", lambda: cat.so(4, 3), "B", 3),
    ("sp(4,R)", lambda: cat.sp(4), "C", 2),
    ("sp(6,R)", lambda: cat.sp(6), "C", 3),
    ("so(8)", lambda: cat.so(8), "D", 4),
    ("so(5,3)", lambda: cat.so(5, 3), "D", 4),
]


@pytest.mark.parametrize("label, make, letter, r", CASES, ids=[c[0] for c in CASES])
def test_roots_and_weights_of_classical_algebras(label, make, letter, r):
    mats = make()
    if letter == "C" and r == 2:
        letter_found = "B"  # sp(4) = so(5): C2 is named B2; the 4 is its spin representation
    else:
        letter_found = letter
    s = structure(LieAlgebra.from_matrices(mats).change_basis(random_invertible(len(mats), 3)))
    assert s.cartan_type == f"{letter_found}{r}"
    co = coroots_classical(letter, r)
    expected_roots = [labels(a, co) for a in roots_classical(letter, r)]
    expected_weights = [labels(w, co) for w in vector_weights(letter, r)]
    if letter_found != letter:  # relabel C2 -> B2: swap the two nodes
        expected_roots = [x[::-1] for x in expected_roots]
        expected_weights = [x[::-1] for x in expected_weights]
    assert len(s.roots) == len(expected_roots)
    assert automorphic(list(s.root_labels), expected_roots, letter_found, r)
    found = [w for w, m in zip(s.weights, s.weight_multiplicities) for _ in range(m)]
    assert automorphic(found, expected_weights, letter_found, r)
    assert s.irreducible and s.highest_weight in found
    assert s.cartan_matrix == tuple(tuple(row) for row in _ref(f"{letter_found}{r}"))
    assert s.max_error < 1e-8


def _ref(t):
    from liealg.identification import cartan_matrix

    return cartan_matrix(t)


@pytest.mark.parametrize("make", [exceptional.g2_matrices, exceptional.g2_split_matrices], ids=["g2", "G2(2)"])
def test_g2_roots_and_its_seven(make):
    mats = make()
    s = structure(LieAlgebra.from_matrices(mats).change_basis(random_invertible(14, 5)))
    assert s.cartan_type == "G2" and s.cartan_matrix == ((2, -1), (-3, 2))
    # Bourbaki: alpha_1 short, alpha_2 long; the short roots c1 a1 + c2 a2, labels (c1, c2) C
    short = [(1, 0), (1, 1), (2, 1)]
    long_ = [(0, 1), (3, 1), (3, 2)]
    lab = lambda c: (2 * c[0] - 3 * c[1], -c[0] + 2 * c[1])  # noqa: E731
    pos = short + long_
    assert sorted(s.roots[:6]) == sorted(pos)
    expected = sorted([lab(c) for c in pos] + [tuple(-x for x in lab(c)) for c in pos])
    assert sorted(s.root_labels) == expected
    seven = sorted([lab(c) for c in short] + [tuple(-x for x in lab(c)) for c in short] + [(0, 0)])
    assert sorted(s.weights) == seven and s.highest_weight == (1, 0)


def test_cartan_subalgebra_matrices_are_exact_and_in_the_users_representation():
    mats = cat.su(3)
    s = structure(mats)
    assert s.cartan_kind == "compact" and s.cartan_choice == "maximally compact"
    L = LieAlgebra.from_matrices(mats)
    for coeff, h in zip(s.cartan_coefficients, s.cartan_subalgebra):
        assert sp.ImmutableMatrix(sum((c * m for c, m in zip(coeff, mats)), sp.zeros(3))) == h
    a, b = s.cartan_subalgebra
    assert (a * b - b * a).applyfunc(sp.expand) == sp.zeros(3)
    # the coroots H_i: eigenvalues on the three variables are the weights' i-th labels
    assert s.coroot_matrices is not None
    for i, H in enumerate(s.coroot_matrices):
        ev = sorted(int(k) for k, m in H.eigenvals().items() for _ in range(m))
        assert ev == sorted(w[i] for w in s.weights)
    assert L.dim == 8


def test_maximally_split_and_compact_choices():
    s = structure(cat.by_name("sl(3,R)"))
    assert s.cartan_kind == "split" and s.cartan_choice == "maximally split"
    # the diagonal matrices: the coroots are diag(1,-1,0)-like, exact
    assert all(H.is_diagonal() for H in s.coroot_matrices)
    c = structure(cat.by_name("sl(3,R)"), cartan="compact")
    assert c.cartan_kind == "mixed" and c.cartan_choice == "maximally compact"  # sl(3,R): so(2) + a
    assert structure(cat.so(3, 1)).cartan_kind == "mixed"
    assert structure(cat.su(2, 1), cartan="compact").cartan_kind == "compact"  # equal rank
    with pytest.raises(OptionError):
        structure(cat.su(3), cartan="nope")


def test_weights_survive_a_change_of_variables():
    mats = conjugated(list(cat.so(5)), 11)
    s = structure(mats)
    assert s.cartan_type == "B2" and s.highest_weight == (1, 0)  # the vector 5 of so(5)
    assert sorted(s.weight_multiplicities) == [1, 1, 1, 1, 1]


def test_reducible_representation_and_radical():
    s = structure(cat.euclidean(3))  # so(3) on (x, 1): 3 + 1
    assert s.cartan_type == "A1" and s.irreducible is False and s.highest_weight is None
    assert dict(zip(s.weights, s.weight_multiplicities)) == {(2,): 1, (0,): 2, (-2,): 1}
    s = structure(cat.heisenberg(1))
    assert s.cartan_type == "" and s.roots == () and s.representation_dimension == 3


def test_weyl_dimension_formula_by_hand():
    # sl(3): dim V(a, b) = (a+1)(b+1)(a+b+2)/2
    for a in range(3):
        for b in range(3):
            assert weyl_dimension("A2", (a, b)) == (a + 1) * (b + 1) * (a + b + 2) // 2
    assert weyl_dimension("E6", (1, 0, 0, 0, 0, 0)) == 27
    assert weyl_dimension("E6", (0, 1, 0, 0, 0, 0)) == 78  # the adjoint
    assert weyl_dimension("B3", (0, 0, 1)) == 8  # the spinor of so(7)
    assert weyl_dimension("F4", (0, 0, 0, 1)) == 26
    with pytest.raises(OptionError):
        weyl_dimension("A2", (1,))


def test_coxeter_projection_is_regular_for_a3():
    import numpy as np

    from liealg.identification import positive_roots

    P = coxeter_projection("A3")
    pts = np.array([np.array(c) @ P for c in positive_roots("A3")])
    radii = np.linalg.norm(pts, axis=1)
    # the 12 roots of A3 in the Coxeter plane: h = 4, so they lie on circles in groups of h
    allpts = np.concatenate([pts, -pts])
    angles = np.sort(np.round(np.degrees(np.arctan2(allpts[:, 1], allpts[:, 0])) % 360, 6))
    assert len(allpts) == 12 and radii.min() > 0
    assert len(set(np.round(angles % 90, 4))) <= 3  # symmetric under rotation by 2 pi / h


def test_json_is_plain():
    import json

    data = structure(cat.su(2)).to_json()
    text = json.dumps(data)
    assert '"cartan_type": "A1"' in text and data["highest_weight"] == [1]
    assert isinstance(structure(cat.su(2)), Structure)


def E(i, j, d):
    return sp.Matrix(d, d, lambda a, b: 1 if (a, b) == (i, j) else 0)


def test_levi_factor_on_the_radical_galilei():
    # Galilei on (x1, x2, x3, t, 1): rotations, boosts x += v t, translations, time translation.
    # By hand: boosts and translations are two vectors of so(3) (highest weight (2)), H a scalar.
    d = 5
    rotations = [E(0, 1, d) - E(1, 0, d), E(0, 2, d) - E(2, 0, d), E(1, 2, d) - E(2, 1, d)]
    boosts = [E(i, 3, d) for i in range(3)]
    translations = [E(i, 4, d) for i in range(3)]
    s = structure(rotations + boosts + translations + [E(3, 4, d)])
    assert s.cartan_type == "A1" and s.radical_dimension == 7
    assert s.radical_representation == ((2,), (2,), (0,))
    assert "V(2) (dim 3) ⊕ V(2) (dim 3) ⊕ V(0) (dim 1)" in s.summary()[-1]


def test_levi_factor_on_the_radical_two_doublets():
    # sl(2,R) acting alike on (x1, x2) and (y1, y2), with translations of both: two fundamentals
    d = 5
    h = E(0, 0, d) - E(1, 1, d) + E(2, 2, d) - E(3, 3, d)
    e = E(0, 1, d) + E(2, 3, d)
    f = E(1, 0, d) + E(3, 2, d)
    s = structure([h, e, f] + [E(i, 4, d) for i in range(4)])
    assert s.radical_representation == ((1,), (1,))
    assert structure(cat.poincare(1, 3)).radical_representation == ((1, 1),)


@pytest.mark.parametrize(
    "make, black, arrows",
    [
        # Satake diagrams from Helgason's table (Bourbaki numbering, 0-based arrows)
        (lambda: cat.su(3), (True, True), ()),  # compact: all black
        (lambda: cat.by_name("sl(3,R)"), (False, False), ()),  # split: all white
        (lambda: cat.su(2, 1), (False, False), ((0, 1),)),  # AIII, q = 1
        (lambda: cat.su(3, 1), (False, True, False), ((0, 2),)),
        (lambda: cat.su(2, 2), (False, False, False), ((0, 2),)),
        (lambda: cat.so(5, 1), (True, False, True), ()),  # su*(4) = sl(2,H): AII
        (lambda: cat.so(4, 1), (False, True), ()),  # BI, real rank 1
        (lambda: cat.so(6, 2), (False, False, True, True), ()),  # DI, q = 2
        (lambda: cat.so(5, 3), (False, False, False, False), ((2, 3),)),  # DI, q = n - 1
        (lambda: cat.so(3, 1), (False, False), ((0, 1),)),  # sl(2,C) as real
    ],
)
def test_satake_diagrams(make, black, arrows):
    s = structure(make())
    assert s.satake_black == black and s.satake_arrows == arrows
    fig = plot_dynkin(s)
    ax = fig.axes[0]
    filled = sum(1 for c in ax.collections if tuple(c.get_facecolor()[0][:3]) == (0.0, 0.0, 0.0))
    assert filled == sum(black) and len(ax.patches) == len(arrows)


def test_f4_on_the_albert_algebra():
    # Bourbaki's tables: the 26 of F4 is V(w4), with 24 short roots and 0 (twice) as weights;
    # the Albert algebra is 26 + 1 (the trace), so 0 appears three times and it is reducible
    s = structure(exceptional.f4_matrices())
    mult = dict(zip(s.weights, s.weight_multiplicities))
    assert s.cartan_type == "F4" and s.weights[0] == (0, 0, 0, 1)
    assert mult[(0, 0, 0, 0)] == 3 and len(s.weights) == 25 and s.highest_weight is None
    assert structure(exceptional.f4_matrices(traceless=True)).highest_weight == (0, 0, 0, 1)
