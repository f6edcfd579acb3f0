"""identify(): names, Cartan types, real forms, ideals, basis independence, Dynkin diagrams."""

from __future__ import annotations

import random

import networkx as nx
import pytest
import sympy

import liealg.catalog as cat
from liealg.catalog import exceptional
from liealg.algebra import LieAlgebra
from liealg.errors import IdentificationError, OptionError
from liealg.identification import (Identification, cartan_matrix, dynkin_diagram, identify, match_dynkin, real_forms)


def random_basis(n: int, seed: int) -> sympy.Matrix:
    """A seeded random invertible rational matrix (dense for small n, sparser for large n)."""
    rng = random.Random(seed)
    if n <= 12:
        while True:
            P = sympy.Matrix(n, n, lambda i, j: sympy.Rational(rng.randint(-3, 3), rng.randint(1, 4)))
            if P.det() != 0:
                return P
    P = sympy.eye(n)
    for _ in range(2 * n):
        i, j = rng.sample(range(n), 2)
        P[i, :] = P[i, :] + sympy.Rational(rng.choice([-2, -1, 1, 3]), rng.choice([1, 2])) * P[j, :]
    perm = list(range(n))
    rng.shuffle(perm)
    return sympy.Matrix([list(P.row(k)) for k in perm])


# (label, matrices, name, cartan_type, killing signature, ideals as (type, real form, dim), radical, centre)
ZOO = [
    ("so(2)", lambda: cat.so(2), "u(1)", "", (0, 0, 1), [], 1, 1),
    ("so(1,1)", lambda: cat.so(1, 1), "R", "", (0, 0, 1), [], 1, 1),
    ("so(3)", lambda: cat.so(3), "su(2)", "A1", (0, 3, 0), [("A1", "su(2)", 3)], 0, 0),
    ("so(4)", lambda: cat.so(4), "su(2) ⊕ su(2)", "A1+A1", (0, 6, 0), [("A1", "su(2)", 3)] * 2, 0, 0),
    ("so(5)", lambda: cat.so(5), "so(5)", "B2", (0, 10, 0), [("B2", "so(5)", 10)], 0, 0),
    ("so(6)", lambda: cat.so(6), "su(4)", "A3", (0, 15, 0), [("A3", "su(4)", 15)], 0, 0),
    ("so(7)", lambda: cat.so(7), "so(7)", "B3", (0, 21, 0), [("B3", "so(7)", 21)], 0, 0),
    ("so(8)", lambda: cat.so(8), "so(8)", "D4", (0, 28, 0), [("D4", "so(8)", 28)], 0, 0),
    ("so(9)", lambda: cat.so(9), "so(9)", "B4", (0, 36, 0), [("B4", "so(9)", 36)], 0, 0),
    ("so(10)", lambda: cat.so(10), "so(10)", "D5", (0, 45, 0), [("D5", "so(10)", 45)], 0, 0),
    ("so(2,1)", lambda: cat.so(2, 1), "sl(2,R)", "A1", (2, 1, 0), [("A1", "sl(2,R)", 3)], 0, 0),
    ("so(1,2)", lambda: cat.so(1, 2), "sl(2,R)", "A1", (2, 1, 0), [("A1", "sl(2,R)", 3)], 0, 0),
    ("so(1,3)", lambda: cat.so(1, 3), "so(3,1)", "A1+A1", (3, 3, 0), [("A1+A1", "so(3,1)", 6)], 0, 0),
    ("so(3,1)", lambda: cat.so(3, 1), "so(3,1)", "A1+A1", (3, 3, 0), [("A1+A1", "so(3,1)", 6)], 0, 0),
    ("so(2,2)", lambda: cat.so(2, 2), "sl(2,R) ⊕ sl(2,R)", "A1+A1", (4, 2, 0), [("A1", "sl(2,R)", 3)] * 2, 0, 0),
    ("so(4,1)", lambda: cat.so(4, 1), "so(4,1)", "B2", (4, 6, 0), [("B2", "so(4,1)", 10)], 0, 0),
    ("so(2,3)", lambda: cat.so(2, 3), "so(3,2)", "B2", (6, 4, 0), [("B2", "so(3,2)", 10)], 0, 0),
    ("so(1,5)", lambda: cat.so(1, 5), "su*(4)", "A3", (5, 10, 0), [("A3", "su*(4)", 15)], 0, 0),
    ("so(4,2)", lambda: cat.so(4, 2), "su(2,2)", "A3", (8, 7, 0), [("A3", "su(2,2)", 15)], 0, 0),
    ("so(3,3)", lambda: cat.so(3, 3), "sl(4,R)", "A3", (9, 6, 0), [("A3", "sl(4,R)", 15)], 0, 0),
    ("su(2)", lambda: cat.su(2), "su(2)", "A1", (0, 3, 0), [("A1", "su(2)", 3)], 0, 0),
    ("su(3)", lambda: cat.su(3), "su(3)", "A2", (0, 8, 0), [("A2", "su(3)", 8)], 0, 0),
    ("su(4)", lambda: cat.su(4), "su(4)", "A3", (0, 15, 0), [("A3", "su(4)", 15)], 0, 0),
    ("su(2,1)", lambda: cat.su(2, 1), "su(2,1)", "A2", (4, 4, 0), [("A2", "su(2,1)", 8)], 0, 0),
    ("su(1,1)", lambda: cat.su(1, 1), "sl(2,R)", "A1", (2, 1, 0), [("A1", "sl(2,R)", 3)], 0, 0),
    ("su(3,1)", lambda: cat.su(3, 1), "su(3,1)", "A3", (6, 9, 0), [("A3", "su(3,1)", 15)], 0, 0),
    ("sl(2,R)", lambda: cat.sl(2), "sl(2,R)", "A1", (2, 1, 0), [("A1", "sl(2,R)", 3)], 0, 0),
    ("sl(3,R)", lambda: cat.sl(3), "sl(3,R)", "A2", (5, 3, 0), [("A2", "sl(3,R)", 8)], 0, 0),
    ("sp(4,R)", lambda: cat.sp(4), "so(3,2)", "B2", (6, 4, 0), [("B2", "so(3,2)", 10)], 0, 0),
    ("sp(6,R)", lambda: cat.sp(6), "sp(6,R)", "C3", (12, 9, 0), [("C3", "sp(6,R)", 21)], 0, 0),
    ("sp(1)", lambda: cat.sp_compact(1), "su(2)", "A1", (0, 3, 0), [("A1", "su(2)", 3)], 0, 0),
    ("sp(2)", lambda: cat.sp_compact(2), "so(5)", "B2", (0, 10, 0), [("B2", "so(5)", 10)], 0, 0),
    ("sp(3)", lambda: cat.sp_compact(3), "sp(3)", "C3", (0, 21, 0), [("C3", "sp(3)", 21)], 0, 0),
    ("u(2)", lambda: cat.u(2), "su(2) ⊕ u(1)", "A1", (0, 3, 1), [("A1", "su(2)", 3)], 1, 1),
    ("u(3)", lambda: cat.u(3), "su(3) ⊕ u(1)", "A2", (0, 8, 1), [("A2", "su(3)", 8)], 1, 1),
    ("u(2,1)", lambda: cat.u(2, 1), "su(2,1) ⊕ u(1)", "A2", (4, 4, 1), [("A2", "su(2,1)", 8)], 1, 1),
    ("gl(2)", lambda: cat.gl(2), "sl(2,R) ⊕ R", "A1", (2, 1, 1), [("A1", "sl(2,R)", 3)], 1, 1),
    ("gl(3)", lambda: cat.gl(3), "sl(3,R) ⊕ R", "A2", (5, 3, 1), [("A2", "sl(3,R)", 8)], 1, 1),
    ("heis(3)", lambda: cat.heisenberg(1), "heis(3)", "", (0, 0, 3), [], 3, 1),
    ("heis(5)", lambda: cat.heisenberg(2), "heis(5)", "", (0, 0, 5), [], 5, 1),
    ("iso(2)", lambda: cat.euclidean(2), "iso(2)", "", (0, 1, 2), [], 3, 0),
    ("iso(3)", lambda: cat.euclidean(3), "so(3) ⋉ R^3", "A1", (0, 3, 3), [("A1", "su(2)", 3)], 3, 0),
    ("iso(4)", lambda: cat.euclidean(4), "so(4) ⋉ R^4", "A1+A1", (0, 6, 4), [("A1", "su(2)", 3)] * 2, 4, 0),
    ("poincare(1,2)", lambda: cat.poincare(1, 2), "so(2,1) ⋉ R^3", "A1", (2, 1, 3), [("A1", "sl(2,R)", 3)], 3, 0),
    ("poincare(1,3)", lambda: cat.poincare(1, 3), "so(3,1) ⋉ R^4", "A1+A1", (3, 3, 4), [("A1+A1", "so(3,1)", 6)], 4, 0),
    (
        "so(3)+sl(2,R)+u(1)",
        lambda: cat.direct_sum(cat.so(3), cat.sl(2), cat.u(1)),
        "su(2) ⊕ sl(2,R) ⊕ u(1)",
        "A1+A1",
        (2, 4, 1),
        [("A1", "su(2)", 3), ("A1", "sl(2,R)", 3)],
        1,
        1,
    ),
    (
        "su(3)+su(2)+u(1)",
        lambda: cat.direct_sum(cat.su(3), cat.su(2), cat.u(1)),
        "su(3) ⊕ su(2) ⊕ u(1)",
        "A1+A2",
        (0, 11, 1),
        [("A2", "su(3)", 8), ("A1", "su(2)", 3)],
        1,
        1,
    ),
    ("iso(3)+R", lambda: cat.direct_sum(cat.euclidean(3), cat.abelian(1)), "(so(3) ⋉ R^3) ⊕ R", "A1", (0, 3, 4),
     [("A1", "su(2)", 3)], 4, 1),
    ("R^3", lambda: cat.abelian(3), "R^3", "", (0, 0, 3), [], 3, 3),
    ("aff(1)", lambda: (sympy.Matrix([[1, 0], [0, 0]]), sympy.Matrix([[0, 1], [0, 0]])), "aff(1)", "", (1, 0, 1), [], 2, 0),
    ("heis(3)+R", lambda: cat.direct_sum(cat.heisenberg(1), cat.abelian(1)), "heis(3) ⊕ R", "", (0, 0, 4), [], 4, 2),
]


def check(res: Identification, name, cartan_type, sig, ideals, radical, center) -> None:
    assert res.name == name
    assert res.cartan_type == cartan_type
    assert res.killing_signature == sig
    assert sorted((i.type, i.real_form, i.dimension) for i in res.ideals) == sorted(ideals)
    assert res.radical_dimension == radical
    assert res.center_dimension == center
    assert res.dimension == sum(i.dimension for i in res.ideals) + radical
    assert res.semisimple == (radical == 0)


@pytest.mark.parametrize("label, make, name, ctype, sig, ideals, radical, center", ZOO, ids=[z[0] for z in ZOO])
def test_zoo(label, make, name, ctype, sig, ideals, radical, center):
    res = identify(LieAlgebra.from_matrices(make()))
    check(res, name, ctype, sig, ideals, radical, center)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("label, make, name, ctype, sig, ideals, radical, center", ZOO, ids=[z[0] for z in ZOO])
def test_zoo_in_random_basis(label, make, name, ctype, sig, ideals, radical, center, seed):
    L = LieAlgebra.from_matrices(make())
    if L.dim > 30 and seed > 1:
        pytest.skip("one random basis is enough for the big ones in the default run")
    L2 = L.change_basis(random_basis(L.dim, seed))
    res = identify(L2, seed=seed)
    check(res, name, ctype, sig, ideals, radical, center)
    assert res.to_json() == identify(L).to_json()
    assert res.nilradical_dimension == identify(L).nilradical_dimension


def test_to_json_has_exactly_the_keys():
    data = identify(LieAlgebra.from_matrices(cat.u(3))).to_json()
    assert list(data) == [
        "name", "aliases", "cartan_type", "killing_signature", "rank", "semisimple", "solvable",
        "nilpotent", "abelian", "radical_dimension", "center_dimension", "ideals",
    ]
    assert data["ideals"] == [{"type": "A2", "real_form": "su(3)", "dimension": 8}]
    assert data["killing_signature"] == [0, 8, 1] and data["rank"] == 2
    assert "u(3)" in data["aliases"]


def test_aliases_and_ascii():
    r = identify(LieAlgebra.from_matrices(cat.so(1, 3)))
    assert {"sl(2,C)", "so(1,3)"} <= set(r.aliases)
    assert r.ideals[0].complex_structure and not r.ideals[0].compact and r.rank == 2
    r = identify(LieAlgebra.from_matrices(cat.poincare(1, 3)))
    assert r.ascii_name == "so(3,1) x| R^4"
    r = identify(LieAlgebra.from_matrices(cat.so(3)))
    assert set(r.aliases) == {"so(3)", "sp(1)", "usp(2)", "Bianchi IX"}
    assert "so(4)" in identify(LieAlgebra.from_matrices(cat.so(4))).aliases
    assert "sp(4,R)" in identify(LieAlgebra.from_matrices(cat.sp(4))).aliases
    assert "so(6)" in identify(LieAlgebra.from_matrices(cat.su(4))).aliases
    assert "gl(2,R)" in identify(LieAlgebra.from_matrices(cat.gl(2))).aliases
    assert "u(2)" in identify(LieAlgebra.from_matrices(cat.u(2))).aliases


def test_flags_and_series():
    r = identify(LieAlgebra.from_matrices(cat.heisenberg(1)))
    assert (r.nilpotent, r.solvable, r.abelian, r.semisimple) == (True, True, False, False)
    assert r.derived_series == (3, 1, 0) and r.lower_central_series == (3, 1, 0)
    assert r.nilradical_dimension == 3 and r.rank == 0
    r = identify(LieAlgebra.from_matrices(cat.so(3)))
    assert r.derived_series == (3, 3) and not r.solvable and r.ideals[0].compact
    assert "su(2)" in str(r)


def test_simple_ideal_details():
    (I,) = identify(LieAlgebra.from_matrices(cat.sp(6))).ideals
    assert len(I.cartan_matrix) == 3 and sorted(I.cartan_matrix[i][i] for i in range(3)) == [2, 2, 2]
    assert match_dynkin(I.dynkin) == "C3"
    assert len(I.roots) == 18 and I.root_values.shape == (18, 3)
    assert I.real_rank == 3 and I.killing_signature == (12, 9, 0) and I.exact_signature
    positive = [r for r in I.roots if all(x >= 0 for x in r)]
    assert len(positive) == 9 and sorted(map(sum, positive))[-1] == 5  # highest root height h - 1 = 5


# ---- B/C/E at rank 6 and the exceptional algebras -------------------------------------------


def test_b6_c6_same_dimension_different_types():
    r_b = identify(LieAlgebra.from_matrices(cat.so(13)))
    r_c = identify(LieAlgebra.from_matrices(cat.sp(12)))
    assert (r_b.name, r_b.cartan_type, r_b.killing_signature) == ("so(13)", "B6", (0, 78, 0))
    assert (r_c.name, r_c.cartan_type, r_c.killing_signature) == ("sp(12,R)", "C6", (42, 36, 0))


def _exceptional(fn: str):
    return getattr(exceptional, fn)()


@pytest.mark.parametrize(
    "fn, name, ctype, sig",
    [
        ("g2_matrices", "g2", "G2", (0, 14, 0)),
        ("g2_split_matrices", "G2(2)", "G2", (8, 6, 0)),
        ("f4_matrices", "f4", "F4", (0, 52, 0)),
        ("e6_matrices", "E6(-26)", "E6", (26, 52, 0)),
    ],
)
def test_exceptional(fn, name, ctype, sig):
    r = identify(LieAlgebra.from_matrices(_exceptional(fn)))
    assert (r.name, r.cartan_type, r.killing_signature) == (name, ctype, sig)
    assert r.semisimple and len(r.ideals) == 1


@pytest.mark.parametrize("seed", [5, 6])
def test_g2_random_basis(seed):
    L = LieAlgebra.from_matrices(_exceptional("g2_split_matrices"))
    r = identify(L.change_basis(random_basis(L.dim, seed)), seed=seed)
    assert r.name == "G2(2)"


@pytest.mark.slow
@pytest.mark.parametrize("fn, name", [("f4_matrices", "f4"), ("e6_matrices", "E6(-26)")])
def test_exceptional_random_basis(fn, name):
    L = LieAlgebra.from_matrices(_exceptional(fn))
    r = identify(L.change_basis(random_basis(L.dim, 11)), seed=11)
    assert r.name == name


# ---- ideals not defined over Q (IDENTIFICATION.md pitfall 3) -------------------------------------


def quaternion_form(a, b):
    """Pure quaternions of (a, b) over Q(sqrt 2), seen as a 6-dim algebra over Q."""
    s = sympy.sqrt(2)
    field_basis = [sympy.Integer(1), s]
    table = {(0, 1): {2: 2}, (1, 2): {0: -2 * b}, (2, 0): {1: -2 * a}}
    basis = [(t, x) for t in field_basis for x in range(3)]
    out = {}
    for p in range(6):
        for q in range(p + 1, 6):
            (t1, x1), (t2, x2) = basis[p], basis[q]
            comps = {}
            for (u, v), d in table.items():
                sign = 1 if (x1, x2) == (u, v) else -1 if (x2, x1) == (u, v) else 0
                for k, c in d.items():
                    val = sympy.expand(sign * t1 * t2 * c)
                    q1 = val.coeff(s)
                    q0 = sympy.expand(val - q1 * s)
                    for idx, qq in ((0, q0), (1, q1)):
                        if qq != 0:
                            comps[idx * 3 + k] = comps.get(idx * 3 + k, 0) + qq
            comps = {k: v for k, v in comps.items() if v != 0}
            if comps:
                out[(p, q)] = comps
    return LieAlgebra.from_structure_constants(6, out)


@pytest.mark.parametrize(
    "a, b, name",
    [
        (sympy.sqrt(2), -1, "su(2) ⊕ sl(2,R)"),
        (-1, -1, "su(2) ⊕ su(2)"),
        (1, 1, "sl(2,R) ⊕ sl(2,R)"),
    ],
)
def test_q_simple_but_not_r_simple(a, b, name):
    r = identify(quaternion_form(a, b))
    assert r.name == name and r.cartan_type == "A1+A1"
    assert not any(i.exact_signature for i in r.ideals)  # these ideals are not defined over Q


# ---- solvable and low-dimensional names -------------------------------------------------------


@pytest.mark.parametrize(
    "dim, brackets, name",
    [
        (3, [[0, 1, 2, 1]], "heis(3)"),
        (3, [[0, 1, 1, 1]], "aff(1) ⊕ R"),  # Bianchi III
        (3, [[0, 1, 1, 1], [0, 2, 2, 1]], "A3,3"),  # Bianchi V
        (3, [[0, 1, 1, 1], [0, 2, 1, 1], [0, 2, 2, 1]], "A3,2"),  # IV: Jordan block
        (3, [[0, 1, 1, 1], [0, 2, 2, -1]], "iso(1,1)"),  # VI_0
        (3, [[0, 1, 2, 1], [0, 2, 1, -1]], "iso(2)"),  # VII_0
        (3, [[0, 1, 1, 1], [0, 2, 2, "1/2"]], "A3,5(a=1/2)"),  # VI_h
        (3, [[0, 1, 1, 1], [0, 2, 2, -3]], "A3,5(a=-1/3)"),
        (3, [[0, 1, 1, 1], [0, 1, 2, 1], [0, 2, 1, -1], [0, 2, 2, 1]], "A3,7(b=1)"),  # VII_h
        (4, [[0, 1, 2, 1], [0, 2, 3, 1]], "n4"),
        (4, [[0, 1, 1, 1], [2, 3, 3, 1]], "aff(1) ⊕ aff(1)"),  # Patera-Winternitz 2A2
        (5, [[0, 1, 2, 1], [0, 2, 3, 1], [0, 3, 4, 1]], "L5,7"),  # de Graaf's filiform L5,7, as typed
        (5, [[0, 1, 2, 1]], "heis(3) ⊕ R^2"),
    ],
)
def test_solvable_names(dim, brackets, name):
    r = identify(LieAlgebra.from_structure_constants(dim, brackets))
    assert r.name == name and r.solvable and r.cartan_type == ""


def test_bianchi_parameters_are_basis_independent():
    L = LieAlgebra.from_structure_constants(3, [[0, 1, 1, 1], [0, 2, 2, "1/2"]])
    for seed in range(3):
        assert identify(L.change_basis(random_basis(3, seed))).name == "A3,5(a=1/2)"


def test_semidirect_with_heisenberg_radical():
    # Jacobi algebra sl(2,R) ⋉ heis(3): e, f, h act on (x, p) as on R^2; z central
    e, f, h, x, p, z = range(6)
    br = [
        [e, f, h, 1], [e, h, e, -2], [f, h, f, 2],
        [x, p, z, 1],
        [h, x, x, 1], [h, p, p, -1], [e, p, x, 1], [f, x, p, 1],
    ]
    br = [[i, j, k, c] if i < j else [j, i, k, -c] for i, j, k, c in br]
    L = LieAlgebra.from_structure_constants(6, br)
    r = identify(L)
    assert r.name == "sl(2,R) ⋉ heis(3)"
    assert r.radical_dimension == 3 and r.center_dimension == 1
    assert identify(L.change_basis(random_basis(6, 4))).name == "sl(2,R) ⋉ heis(3)"


def test_levi_factor_acting_trivially_splits_off():
    # su(2) ⊕ iso(3): the su(2) commuting with the radical is a direct summand
    r = identify(LieAlgebra.from_matrices(cat.direct_sum(cat.su(2), cat.euclidean(3))))
    assert r.name == "su(2) ⊕ (so(3) ⋉ R^3)"
    r = identify(LieAlgebra.from_matrices(cat.direct_sum(cat.euclidean(3), cat.u(2))))
    assert r.name == "su(2) ⊕ (so(3) ⋉ R^3) ⊕ u(1)"  # the centre of u(2) is i*1: compact


def test_identify_accepts_matrices_and_is_deterministic():
    assert identify(list(cat.so(3))).name == "su(2)"
    with pytest.raises(OptionError):  # a LieAlgError: the CLI reports it in one line
        identify("so(3)")


def test_errors_list_what_is_known(monkeypatch):
    import liealg.identification as ident

    def boom(*args, **kwargs):
        raise IdentificationError("root system could not be certified")

    monkeypatch.setattr(ident, "_root_data", boom)
    with pytest.raises(IdentificationError, match=r"certified \[known: dim 8, Killing signature \(0, 8, 0\)"):
        identify(LieAlgebra.from_matrices(cat.su(3)))


def test_exact_frame_fallback(monkeypatch):
    """A badly conditioned basis can defeat the float frame; the exact K-orthogonal frame takes over."""
    import liealg.identification as ident

    def refuse(*args):
        raise ident._Retry("forced")

    monkeypatch.setattr(ident, "_float_frame", refuse)
    for mats, name in [(cat.su(2, 1), "su(2,1)"), (cat.sl(2), "sl(2,R)"), (cat.so(2, 2), "sl(2,R) ⊕ sl(2,R)")]:
        L = LieAlgebra.from_matrices(mats)
        assert identify(L.change_basis(random_basis(L.dim, 3))).name == name


def test_real_form_ties_are_reported_not_guessed():
    import liealg.identification as ident

    # D9 has so(12,6) and so*(18) with dim k = 81: the name would need the real rank
    forms = [f for f in ident._forms("D", 9) if f.k == 81]
    assert sorted(f.name for f in forms) == ["so(12,6)", "so*(18)"]
    grp = ident._Group([ident._Component([], "D", 9, cartan_matrix("D9"), [], 0.0)])
    with pytest.raises(IdentificationError, match="real rank would decide"):
        ident._name_group(grp, (72, 81, 0), True, type("D", (), {"values": __import__("numpy").zeros((0, 9))})())


# ---- Dynkin diagrams and tables --------------------------------------------------------------

ALL_TYPES = ["A1", "A2", "A5", "B2", "B3", "B5", "C3", "C4", "D4", "D5", "D7", "E6", "E7", "E8", "F4", "G2"]


@pytest.mark.parametrize("t", ALL_TYPES)
def test_dynkin_round_trip(t):
    G = dynkin_diagram(t)
    assert match_dynkin(G) == t
    # relabelling the nodes changes nothing
    perm = list(G.nodes)
    random.Random(0).shuffle(perm)
    H = nx.relabel_nodes(G, dict(zip(G.nodes, perm)))
    assert match_dynkin(H) == t


def test_dynkin_conventions():
    assert [dynkin_diagram("B3").nodes[i]["length"] for i in range(3)] == [2, 2, 1]
    assert [dynkin_diagram("C3").nodes[i]["length"] for i in range(3)] == [1, 1, 2]
    assert match_dynkin(dynkin_diagram("B3+A1+C3")) == "A1+B3+C3"
    assert match_dynkin(dynkin_diagram("C2")) == "B2"
    assert cartan_matrix("A1+A1") == ((2, 0), (0, 2))
    with pytest.raises(ValueError):
        dynkin_diagram("E9")
    bad = nx.Graph()
    bad.add_nodes_from([(0, {"length": 1}), (1, {"length": 1}), (2, {"length": 1})])
    bad.add_edges_from([(0, 1, {"bond": 1}), (1, 2, {"bond": 1}), (2, 0, {"bond": 1})])
    with pytest.raises(IdentificationError, match="not of finite type"):
        match_dynkin(bad)


def test_real_form_table_matches_identification_md():
    k = {f["name"]: f["k"] for t in ["A3", "A5", "B3", "C4", "D5", "E6", "E7", "E8", "F4", "G2"] for f in real_forms(t)}
    assert k["su*(6)"] == 21 and k["su(3,3)"] == 17 and k["sl(6,R)"] == 15
    assert k["so(5,2)"] == 11 and k["so(4,3)"] == 9
    assert k["sp(8,R)"] == 16 and k["sp(2,2)"] == 20 and k["sp(3,1)"] == 24
    assert k["so*(10)"] == 25 and k["so(5,5)"] == 20
    assert (k["E6(6)"], k["E6(2)"], k["E6(-14)"], k["E6(-26)"]) == (36, 38, 46, 52)
    assert (k["E7(7)"], k["E7(-5)"], k["E7(-25)"]) == (63, 69, 79)
    assert (k["E8(8)"], k["E8(-24)"]) == (120, 136)
    assert (k["F4(4)"], k["F4(-20)"], k["G2(2)"]) == (24, 36, 6)
    rr = {f["name"]: f["real_rank"] for f in real_forms("D4")}
    assert rr["so(6,2)"] == 2 and "so*(8)" in {a for f in real_forms("D4") for a in f["aliases"]}
