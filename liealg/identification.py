"""Name a real Lie algebra exactly: Levi decomposition, simple ideals, Cartan types, real forms.

:func:`identify` follows ``IDENTIFICATION.md`` (§2–§5):

1. exact over Q: Killing form and its inertia (charpoly + Descartes), derived and lower central
   series, centre, solvable radical, nilradical, Levi factor;
2. for the semisimple part: an exact Cartan subalgebra ``H = ker ad x`` (x random, regular), the
   roots numerically (eigenvalues of ``ad h``, ``h`` generic in ``H``), their Killing Gram matrix,
   components (simple ideals of the complexification), complex conjugation (realifications such
   as so(3,1) = sl(2,C)), simple roots, Cartan matrix and Dynkin diagram. The numerics are
   *certified*: Cartan integers must round within 1e-6, and the root system found (in
   simple-root coordinates) must equal the one generated from the Cartan matrix;
3. the real simple ideals exactly (Q-factorisation of ``charpoly(ad h)``), and for each the
   inertia of its Killing form, which with the type names the real form (table of §3);
4. a name built from the pieces, with the usual aliases.

Everything reported is independent of the basis: a change of basis changes no answer.

>>> from liealg.algebra import LieAlgebra
>>> from liealg.catalog import so, u, poincare
>>> identify(LieAlgebra.from_matrices(so(1, 3))).name
'so(3,1)'
>>> identify(LieAlgebra.from_matrices(u(3))).name
'su(3) ⊕ u(1)'
>>> identify(LieAlgebra.from_matrices(poincare(1, 3))).name
'so(3,1) ⋉ R^4'
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from types import MappingProxyType
from typing import TypeAlias

import flint
import networkx as nx
import numpy as np
import sympy as sp
from threadpoolctl import ThreadpoolController

from liealg.algebra import FieldLieAlgebra, LieAlgebra
from liealg.errors import IdentificationError, OptionError
from liealg.exact import linalg as xl
from liealg.exact.linalg import FieldMatrix, MatrixLike
from liealg.parsing import JSONValue

__all__ = [
    "Identification",
    "SimpleIdeal",
    "cartan_matrix",
    "compact_dimension",
    "dynkin_diagram",
    "identify",
    "identify_over_field",
    "match_dynkin",
    "positive_roots",
    "real_forms",
]

#: One fact in :attr:`Identification.evidence` (how a result was reached; for reports).
Evidence: TypeAlias = str | int | float | bool

OPLUS = "⊕"
SEMI = "⋉"
_LETTERS = "ABCDEFG"
_CARTAN_TOL = 1e-6


# ============================================================================================
# Result types
# ============================================================================================


@dataclass(frozen=True)
class SimpleIdeal:
    """One real simple ideal of the Levi factor.

    Attributes
    ----------
    type : str
        Cartan type of its complexification, e.g. ``"A2"``; a complex algebra viewed as real
        (``complex_structure``) has two conjugate components, e.g. ``"A1+A1"`` for so(3,1).
    real_form : str
        Canonical name, e.g. ``"su(3)"``, ``"sl(3,R)"``, ``"su(2,1)"``, ``"E6(-26)"``.
    aliases : tuple of str
        Other names of the same algebra (``so(3)``, ``sp(1)`` for ``su(2)``).
    dimension : int
    killing_signature : (pos, neg, zero)
        Inertia of the ideal's own Killing form; ``neg = dim k`` (maximal compact subalgebra).
    compact : bool
    complex_structure : bool
        True for a complex simple algebra seen as real (its centroid is C).
    real_rank : int
        From the table once the form is named.
    cartan_matrix : tuple of tuples of int
        ``a_ij = 2 (α_i, α_j) / (α_j, α_j)`` for the simple roots found (block diagonal for a
        realification).
    dynkin : networkx.Graph
        Nodes carry ``length`` (relative squared root length, shortest 1), edges ``bond`` (1–3).
        Frozen (``networkx.freeze``): copy it (``nx.Graph(dynkin)``) to edit.
    roots : tuple of tuples of int
        All roots as integer coordinates in the simple roots (certified, see module doc).
    root_values : numpy.ndarray
        The roots numerically, as values on the Cartan subalgebra basis (complex; read-only).
    exact_signature : bool
        Whether ``killing_signature`` was computed exactly (it is, unless the ideal is not
        defined over Q; then it is numeric and checked against the exact total).
    """

    type: str
    real_form: str
    dimension: int
    killing_signature: tuple[int, int, int]
    compact: bool
    complex_structure: bool
    real_rank: int | None
    cartan_matrix: tuple[tuple[int, ...], ...]
    dynkin: nx.Graph = field(compare=False, repr=False)
    roots: tuple[tuple[int, ...], ...] = field(compare=False, repr=False)
    root_values: np.ndarray = field(compare=False, repr=False)
    aliases: tuple[str, ...] = ()
    exact_signature: bool = True

    @property
    def rank(self) -> int:
        """Rank of the complexification (twice the complex rank for a realification)."""
        return len(self.cartan_matrix)


@dataclass(frozen=True)
class Identification:
    """What :func:`identify` found: a name and the exact facts behind it.

    ``rank`` is the rank of the complexification of the Levi factor (so so(3,1) has rank 2,
    su(3) ⊕ u(1) has rank 2: the centre is not counted). ``derived_series`` and
    ``lower_central_series`` are the dimension sequences, ending at the first repeated term.

    ``exact`` is False when the name is *numerically certified*: the algebra was given by exact
    structure constants over a real number field with no rational basis (a
    :class:`~liealg.algebra.FieldLieAlgebra`), the exact invariants were computed over that field
    and the root system in floating point with gap certificates; ``note`` says which was which.
    """

    name: str
    ascii_name: str
    aliases: tuple[str, ...]
    dimension: int
    cartan_type: str
    killing_signature: tuple[int, int, int]
    rank: int
    semisimple: bool
    solvable: bool
    nilpotent: bool
    abelian: bool
    radical_dimension: int
    center_dimension: int
    nilradical_dimension: int
    derived_series: tuple[int, ...]
    lower_central_series: tuple[int, ...]
    ideals: tuple[SimpleIdeal, ...]
    evidence: Mapping[str, Evidence] = field(compare=False, repr=False)
    exact: bool = True
    note: str = ""

    @property
    def levi_dimension(self) -> int:
        return self.dimension - self.radical_dimension

    def to_json(self) -> dict[str, JSONValue]:
        """The summary as plain JSON types (exactly these keys; a numerically certified name adds
        ``"exact": false`` and its ``"note"``)."""
        out: dict[str, JSONValue] = {
            "name": self.name,
            "aliases": list(self.aliases),
            "cartan_type": self.cartan_type,
            "killing_signature": list(self.killing_signature),
            "rank": self.rank,
            "semisimple": self.semisimple,
            "solvable": self.solvable,
            "nilpotent": self.nilpotent,
            "abelian": self.abelian,
            "radical_dimension": self.radical_dimension,
            "center_dimension": self.center_dimension,
            "ideals": [{"type": i.type, "real_form": i.real_form, "dimension": i.dimension} for i in self.ideals],
        }
        if not self.exact:
            out["exact"] = False
            out["note"] = self.note
        return out

    # ---- rich display (Jupyter, papers): liealg.display, imported at call time (a later stage)

    def _repr_html_(self) -> str:
        """An HTML card for Jupyter (see :mod:`liealg.display`)."""
        from liealg import display

        return display.identification_html(self)

    def _repr_latex_(self) -> str:
        """Display math for Jupyter (see :mod:`liealg.display`)."""
        from liealg import display

        return display.identification_latex(self)

    def to_latex(self, *, caption: str | None = None, label: str | None = None, generators: bool = True) -> str:
        r"""A LaTeX ``table`` for a paper: :func:`liealg.display.to_latex` of this identification.

        Parameters
        ----------
        caption, label : str, optional
            The table's ``\caption`` (default: the algebra's name) and ``\label``.
        generators : bool
            Also the generators (``pmatrix``) and brackets (``align*``) after the table.

        Examples
        --------
        >>> from liealg.catalog import so
        >>> print(identify(so(3, 1)).to_latex().splitlines()[4])
        algebra & $\mathfrak{so}(3,1)$ \\
        """
        from liealg import display

        return display.to_latex(self, caption=caption, label=label, generators=generators)

    def __str__(self) -> str:
        lines = [f"{self.name}  (dim {self.dimension})"]
        if not self.exact:
            lines.append(f"  {self.note}")
        if self.aliases:
            lines.append("  also: " + ", ".join(self.aliases))
        lines.append(f"  Cartan type: {self.cartan_type or '-'}; rank {self.rank}")
        lines.append(f"  Killing signature (+, -, 0): {self.killing_signature}")
        lines.append(
            f"  radical {self.radical_dimension}, nilradical {self.nilradical_dimension}, "
            f"centre {self.center_dimension}"
        )
        for I in self.ideals:
            lines.append(
                f"  ideal {I.real_form}: type {I.type}, dim {I.dimension}, Killing {I.killing_signature}, "
                f"real rank {I.real_rank}"
            )
        return "\n".join(lines)


# ============================================================================================
# Dynkin diagrams
# ============================================================================================


def _dim_of(letter: str, r: int) -> int:
    return {
        "A": r * (r + 2),
        "B": r * (2 * r + 1),
        "C": r * (2 * r + 1),
        "D": r * (2 * r - 1),
        "E": {6: 78, 7: 133, 8: 248}.get(r, 0),
        "F": 52 if r == 4 else 0,
        "G": 14 if r == 2 else 0,
    }[letter]


def _parse_type(t: str) -> list[tuple[str, int]]:
    out = []
    for part in [p for p in re.split(r"\s*\+\s*|\s+", t.strip()) if p]:
        m = re.fullmatch(r"([A-Ga-g])(\d+)", part)
        if not m:
            raise OptionError(f"cannot parse Cartan type {part!r} (expected e.g. 'A2', 'B3+A1')")
        letter, r = m.group(1).upper(), int(m.group(2))
        valid = {
            "A": r >= 1,
            "B": r >= 2,
            "C": r >= 2,  # C2 = B2 is accepted as input; identification reports B2
            "D": r >= 4,
            "E": r in (6, 7, 8),
            "F": r == 4,
            "G": r == 2,
        }[letter]
        if not valid:
            raise OptionError(
                f"no simple type {letter}{r} (A_n n>=1, B_n n>=2, C_n n>=2, D_n n>=4, E6-8, F4, G2)"
            )
        out.append((letter, r))
    return out


def _type_key(t: tuple[str, int]) -> tuple[int, int]:
    return (_LETTERS.index(t[0]), t[1])


def _join_types(types: Sequence[tuple[str, int]]) -> str:
    return "+".join(f"{l}{r}" for l, r in sorted(types, key=_type_key))


@functools.cache
def _reference_cartan(letter: str, r: int) -> tuple[tuple[int, ...], ...]:
    """Cartan matrix of a simple type, from sympy's ``cartan_matrix()`` (its only reliable part)."""
    if letter == "A" and r == 1:
        return ((2,),)  # sympy 1.14's A1 cartan_matrix() raises
    if letter == "C" and r == 2:
        return ((2, -1), (-2, 2))  # sympy has no C2; it is B2 with the roles of the roots swapped
    from sympy.liealgebras.cartan_type import CartanType

    M = CartanType(f"{letter}{r}").cartan_matrix()
    return tuple(tuple(int(x) for x in M.row(i)) for i in range(M.rows))


def cartan_matrix(cartan_type: str) -> tuple[tuple[int, ...], ...]:
    """Block-diagonal Cartan matrix of e.g. ``"B3+A1"`` (``a_ij = 2(α_i,α_j)/(α_j,α_j)``).

    >>> cartan_matrix("B2")
    ((2, -2), (-1, 2))
    """
    blocks = [_reference_cartan(l, r) for l, r in _parse_type(cartan_type)]
    N = sum(len(b) for b in blocks)
    out = [[0] * N for _ in range(N)]
    off = 0
    for b in blocks:
        for i, row in enumerate(b):
            for j, v in enumerate(row):
                out[off + i][off + j] = v
        off += len(b)
    return tuple(tuple(r) for r in out)


def _graph_from_cartan(C: Sequence[Sequence[int]]) -> nx.Graph:
    """Dynkin diagram: nodes with relative squared lengths, edges with bond multiplicities."""
    N = len(C)
    G = nx.Graph()
    G.add_nodes_from(range(N))
    for i in range(N):
        for j in range(i + 1, N):
            if C[i][j] != 0 or C[j][i] != 0:
                if C[i][j] == 0 or C[j][i] == 0:
                    raise IdentificationError(f"not a Cartan matrix: a_{i}{j}={C[i][j]} but a_{j}{i}={C[j][i]}")
                G.add_edge(i, j, bond=C[i][j] * C[j][i])
    # |α_j|^2 / |α_i|^2 = a_ji / a_ij along each edge
    for comp_index, comp in enumerate(nx.connected_components(G)):
        comp = sorted(comp)
        length = {comp[0]: Fraction(1)}
        for u, v in nx.bfs_edges(G, comp[0]):
            length[v] = length[u] * Fraction(C[v][u], C[u][v])
        low = min(length.values())
        for v in comp:
            ratio = length[v] / low
            if ratio.denominator != 1:
                raise IdentificationError("inconsistent root lengths in the Cartan matrix")
            G.nodes[v]["length"] = int(ratio)
            G.nodes[v]["component"] = comp_index
    return G


def dynkin_diagram(cartan_type: str) -> nx.Graph:
    """The Dynkin diagram of a (semi)simple type as an undirected ``networkx.Graph``.

    Nodes are ``0..r-1`` in sympy/Bourbaki order, with attributes ``length`` (relative squared
    length of the simple root, the shortest in its component being 1) and ``component``; edges
    carry ``bond`` = number of lines (``a_ij a_ji``). Arrows are encoded by the lengths.

    >>> G = dynkin_diagram("B3")
    >>> [G.nodes[i]["length"] for i in G], [G.edges[e]["bond"] for e in G.edges]
    ([2, 2, 1], [1, 2])
    """
    return _graph_from_cartan(cartan_matrix(cartan_type))


def _candidates(r: int) -> list[tuple[str, int]]:
    out = [("A", r)]
    if r >= 2:
        out.append(("B", r))
    if r >= 3:
        out.append(("C", r))
    if r >= 4:
        out.append(("D", r))
    if r in (6, 7, 8):
        out.append(("E", r))
    if r == 4:
        out.append(("F", 4))
    if r == 2:
        out.append(("G", 2))
    return out


def _match_connected(G: nx.Graph) -> tuple[str, int]:
    r = G.number_of_nodes()
    for letter, rank in _candidates(r):
        ref = _graph_from_cartan(_reference_cartan(letter, rank))
        if nx.is_isomorphic(
            G,
            ref,
            node_match=lambda a, b: a.get("length") == b.get("length"),
            edge_match=lambda a, b: a.get("bond") == b.get("bond"),
        ):
            return letter, rank
    raise IdentificationError(
        f"the Dynkin diagram with {r} nodes and edges {sorted(G.edges(data='bond'))} is not of finite type"
    )


def match_dynkin(graph: nx.Graph) -> str:
    """Name a Dynkin diagram (edge- and node-labelled graph) up to isomorphism: ``"A3"``, ``"B3+A1"``.

    The graph must carry ``length`` on nodes and ``bond`` on edges, as made by
    :func:`dynkin_diagram`. Components are matched separately against A_n, B_n, C_n, D_n, E6–8,
    F4 and G2 (B2 = C2 is reported as B2, A3 = D3 as A3).

    >>> match_dynkin(dynkin_diagram("C3"))
    'C3'
    >>> match_dynkin(dynkin_diagram("D4+A1"))
    'A1+D4'
    """
    types = [_match_connected(graph.subgraph(c)) for c in nx.connected_components(graph)]
    return _join_types(types)


def _positive_roots_from_cartan(C: Sequence[Sequence[int]]) -> set[tuple[int, ...]]:
    """Positive roots (simple-root coordinates) generated from a finite-type Cartan matrix.

    α_i-string through β: β - pα_i, ..., β + qα_i with p - q = <β, α_i^∨> = sum_j β_j a_ji.
    """
    r = len(C)
    simple = [tuple(1 if k == i else 0 for k in range(r)) for i in range(r)]
    roots = set(simple)
    layer = list(simple)
    while layer:
        nxt = []
        for beta in layer:
            for i in range(r):
                p = 0
                probe = list(beta)
                while True:
                    probe[i] -= 1
                    if tuple(probe) in roots:
                        p += 1
                    else:
                        break
                pairing = sum(beta[j] * C[j][i] for j in range(r))
                q = p - pairing
                if q > 0:
                    new = tuple(beta[k] + (1 if k == i else 0) for k in range(r))
                    if new not in roots:
                        roots.add(new)
                        nxt.append(new)
        layer = nxt
        if len(roots) > 10_000:
            raise IdentificationError("Cartan matrix is not of finite type (too many roots)")
    return roots


def positive_roots(cartan_type: str) -> tuple[tuple[int, ...], ...]:
    """The positive roots of a (semi)simple type in simple-root coordinates (Bourbaki order),
    generated from the Cartan matrix by root strings; sorted by height, then lexicographically.

    >>> positive_roots("A2")
    ((0, 1), (1, 0), (1, 1))
    >>> len(positive_roots("E6")), len(positive_roots("G2"))
    (36, 6)
    """
    roots = _positive_roots_from_cartan(cartan_matrix(cartan_type))
    return tuple(sorted(roots, key=lambda c: (sum(c), c)))


# ============================================================================================
# Real forms (IDENTIFICATION.md §3)
# ============================================================================================


@dataclass(frozen=True)
class _RealForm:
    name: str
    k: int  # dim of the maximal compact subalgebra = negative inertia of the Killing form
    real_rank: int
    aliases: tuple[str, ...] = ()

    @property
    def compact(self) -> bool:
        return self.real_rank == 0


_SPECIAL_ALIASES = {
    ("A", 1, "su(2)"): ("so(3)", "sp(1)", "usp(2)"),
    ("A", 1, "sl(2,R)"): ("su(1,1)", "so(2,1)", "so(1,2)", "sp(2,R)"),
    ("A", 3, "su(4)"): ("so(6)",),
    ("A", 3, "sl(4,R)"): ("so(3,3)",),
    ("A", 3, "su(3,1)"): ("su(1,3)", "so*(6)"),
    ("A", 3, "su(2,2)"): ("so(4,2)", "so(2,4)"),
    ("A", 3, "su*(4)"): ("sl(2,H)", "so(5,1)", "so(1,5)"),
    ("B", 2, "so(5)"): ("sp(2)", "usp(4)"),
    ("B", 2, "so(4,1)"): ("so(1,4)", "sp(1,1)"),
    ("B", 2, "so(3,2)"): ("so(2,3)", "sp(4,R)"),
    ("D", 4, "so(6,2)"): ("so(2,6)", "so*(8)"),
}


@functools.cache
def _forms(letter: str, r: int) -> tuple[_RealForm, ...]:
    forms: list[_RealForm] = []

    def add(name: str, k: int, rr: int, aliases: Sequence[str] = ()) -> None:
        extra = _SPECIAL_ALIASES.get((letter, r, name), ())
        forms.append(_RealForm(name, k, rr, tuple(dict.fromkeys(list(aliases) + list(extra)))))

    if letter == "A":
        N = r + 1
        add(f"su({N})", N * N - 1, 0)
        add(f"sl({N},R)", N * (N - 1) // 2, N - 1)
        if N > 2:
            for q in range(1, N // 2 + 1):
                p = N - q
                add(f"su({p},{q})", p * p + q * q - 1, q, [f"su({q},{p})"] if p != q else [])
        if N >= 4 and N % 2 == 0:
            m = N // 2
            add(f"su*({N})", m * (2 * m + 1), m - 1, [f"sl({m},H)"])
    elif letter in ("B", "D"):
        N = 2 * r + 1 if letter == "B" else 2 * r
        for q in range(N // 2 + 1):
            p = N - q
            k = p * (p - 1) // 2 + q * (q - 1) // 2
            if q == 0:
                add(f"so({N})", k, 0)
            else:
                add(f"so({p},{q})", k, q, [f"so({q},{p})"] if p != q else [])
        if letter == "D":
            if r == 4:
                pass  # so*(8) ≅ so(6,2) (triality): an alias, not a separate form
            else:
                add(f"so*({N})", r * r, r // 2)
    elif letter == "C":
        add(f"sp({r})", r * (2 * r + 1), 0, [f"usp({2 * r})"])
        add(f"sp({2 * r},R)", r * r, r)
        for q in range(1, r // 2 + 1):
            p = r - q
            add(f"sp({p},{q})", p * (2 * p + 1) + q * (2 * q + 1), q, [f"sp({q},{p})"] if p != q else [])
    elif letter == "G":
        add("g2", 14, 0, ["G2(-14)"])
        add("G2(2)", 6, 2, ["g2(2)", "split G2"])
    elif letter == "F":
        add("f4", 52, 0, ["F4(-52)"])
        add("F4(4)", 24, 4, ["f4(4)", "FI", "split F4"])
        add("F4(-20)", 36, 1, ["f4(-20)", "FII"])
    elif letter == "E":
        table = {
            6: [("e6", 78, 0, ["E6(-78)"]), ("E6(6)", 36, 6, ["e6(6)", "EI", "split E6"]),
                ("E6(2)", 38, 4, ["e6(2)", "EII"]), ("E6(-14)", 46, 2, ["e6(-14)", "EIII"]),
                ("E6(-26)", 52, 2, ["e6(-26)", "EIV"])],
            7: [("e7", 133, 0, ["E7(-133)"]), ("E7(7)", 63, 7, ["e7(7)", "EV", "split E7"]),
                ("E7(-5)", 69, 4, ["e7(-5)", "EVI"]), ("E7(-25)", 79, 3, ["e7(-25)", "EVII"])],
            8: [("e8", 248, 0, ["E8(-248)"]), ("E8(8)", 120, 8, ["e8(8)", "EVIII", "split E8"]),
                ("E8(-24)", 136, 4, ["e8(-24)", "EIX"])],
        }[r]
        for name, k, rr, al in table:
            add(name, k, rr, al)
    return tuple(forms)


def _complex_form(letter: str, r: int) -> tuple[str, tuple[str, ...]]:
    """Name and aliases of the complex simple algebra of this type, seen as a real algebra."""
    if letter == "A" and r == 1:
        return "so(3,1)", ("sl(2,C)", "so(1,3)")
    base = {
        "A": f"sl({r + 1},C)",
        "B": f"so({2 * r + 1},C)",
        "C": f"sp({2 * r},C)",
        "D": f"so({2 * r},C)",
        "E": f"e{r}(C)",
        "F": "f4(C)",
        "G": "g2(C)",
    }[letter]
    aliases = {("A", 3): ("so(6,C)",), ("B", 2): ("sp(4,C)",)}.get((letter, r), ())
    return base, aliases


def real_forms(cartan_type: str) -> list[dict[str, str | int | bool | list[str] | None]]:
    """The real forms of a simple type with ``dim k`` (negative Killing inertia) and real rank.

    >>> [(f["name"], f["k"]) for f in real_forms("A2")]
    [('su(3)', 8), ('sl(3,R)', 3), ('su(2,1)', 4)]
    """
    (letter, r), = _parse_type(cartan_type)
    return [
        {"name": f.name, "k": f.k, "real_rank": f.real_rank, "aliases": list(f.aliases), "compact": f.compact}
        for f in _forms(letter, r)
    ]


# ============================================================================================
# Semisimple part: Cartan subalgebra, roots, ideals
# ============================================================================================


@dataclass
class _Component:
    roots: list[int]  # indices into the root array
    letter: str
    rank: int
    cartan: tuple[tuple[int, ...], ...]
    coords: list[tuple[int, ...]]  # integer coordinates of each root (same order as ``roots``)
    max_error: float


@dataclass
class _Group:
    """One real simple ideal: one component, or two swapped by complex conjugation."""

    components: list[_Component]

    @property
    def roots(self) -> list[int]:
        return [i for c in self.components for i in c.roots]

    @property
    def rank(self) -> int:
        return sum(c.rank for c in self.components)

    @property
    def dimension(self) -> int:
        return len(self.roots) + self.rank


def _cartan_subalgebra(S: LieAlgebra, rng: random.Random, tries: int = 3) -> flint.fmpq_mat:
    """``ker ad x`` for the most regular of a few random integer ``x`` (exact).

    The Engel subalgebra (generalized kernel) of ``ad x`` has dimension >= rank, with equality
    exactly for regular x, and then it is a Cartan subalgebra; its dimension is the multiplicity
    of 0 in ``charpoly(ad x)``. Keep the x with the smallest multiplicity and require
    ``ker ad x`` to be all of it (x semisimple), so H is a CSA; abelian is checked too.

    The multiplicity is read from ranks of powers of ``ad x`` modulo a 62-bit prime
    (:func:`_generalized_nullity_mod_p`, O(n^3) word operations instead of an integer
    characteristic polynomial). A rank mod p never exceeds the rank over Q, so that count is
    an upper bound of the true multiplicity, which is at least ``dim ker ad x`` (exact, from
    the rational null space): when the two meet, the equality is proven. Only when they do
    not (a prime dividing a minor: probability about n / 2^62) is the exact characteristic
    polynomial consulted, as before.
    """
    n = S.dim
    best = None
    for attempt in range(4 * tries):
        if best is not None and attempt >= tries:
            break
        x = flint.fmpq_mat(1, n, [rng.randint(-7, 7) for _ in range(n)])
        A = S.ad_matrix(x)
        Az, _ = A.numer_denom()
        mult0 = _generalized_nullity_mod_p(Az)
        if best is not None and mult0 >= best[0]:
            continue
        H = xl.nullspace(A)
        if H.nrows() != mult0:  # bound not met: decide exactly, from the characteristic polynomial
            mult0 = next(i for i, c in enumerate(Az.charpoly().coeffs()) if c != 0)
        if H.nrows() == mult0:  # ker = generalized kernel: ad x is semisimple there
            best = (mult0, H)
    if best is None:
        raise IdentificationError("no regular semisimple element found for a Cartan subalgebra")
    H = xl.span(best[1])
    # H = ker ad x is a subalgebra (Jacobi: [x, [h, h']] = 0), so a bracket of two rows lies in H
    # and vanishes when its coordinates on the pivot columns of the RREF basis do
    He = H.entries()
    pivots = [next(j for j in range(n) if He[a * n + j] != 0) for a in range(H.nrows())]
    if not S.brackets_vanish(H, H, on=pivots):
        raise IdentificationError("internal: ker ad x is not abelian (x not regular); try another seed")
    return H


_RANK_PRIME = 4611686018427387847  # the largest prime below 2^62


def _generalized_nullity_mod_p(Az: flint.fmpz_mat) -> int:
    """``n - rank(A^k)`` mod :data:`_RANK_PRIME` once the ranks of the powers stop falling: the
    multiplicity of the eigenvalue 0 of ``A`` over GF(p), an upper bound of the one over Q."""
    n = Az.nrows()
    A = flint.nmod_mat(Az, _RANK_PRIME)
    P, r = A, A.rank()
    while r:
        P = P * A
        r2 = P.rank()
        if r2 == r:
            break
        r = r2
    return n - r


@dataclass
class _RootData:
    values: np.ndarray  # (N, r) complex: α(h_a)
    gram: np.ndarray  # (N, N) real
    vectors: np.ndarray  # (n, N) complex eigenvectors in normalized coordinates
    basis: np.ndarray  # (n, n): old coords of the normalized basis (columns)
    signs: np.ndarray  # K in the normalized basis is diag(signs)
    K_H_inv: np.ndarray
    groups: list[_Group]
    eig_gap: float
    h_basis: np.ndarray  # (n, r) old coordinates of the numeric basis of H the roots are given on
    h_exact: np.ndarray  # (r, r): exact basis row a of H equals h_basis @ h_exact[:, a]


def _float_frame(S: LieAlgebra, H: flint.fmpq_mat) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A basis with K = diag(±1) from a float eigendecomposition of K (fast; loses accuracy when
    the given basis makes K badly conditioned).

    Returns (Bm: old coordinates of the new basis as columns, signs, ad(H_a) in the new basis
    (r, n, n), H_a in new coordinates (n, r)).
    """
    n, r = S.dim, H.nrows()
    Hf = np.array([float(x) for x in H.entries()]).reshape(r, n)
    return _float_frame_of(S.killing_matrix_float(), S.ad_matrices_float(Hf), Hf)


def _float_frame_of(
    Kf: np.ndarray, adHf: np.ndarray, Hf: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_float_frame` from floats: the Killing form ``(n, n)``, ``ad(h_a)`` ``(r, n, n)`` of
    the basis of H given as rows ``Hf`` ``(r, n)``."""
    r = Hf.shape[0]
    w, U = np.linalg.eigh(Kf)
    if np.min(np.abs(w)) <= 1e-12 * np.max(np.abs(w)):
        raise _Retry("Killing form numerically singular (badly conditioned basis)")
    # compact directions become orthonormal, and ad of a compact element skew-symmetric
    Bm = U / np.sqrt(np.abs(w))
    Bm_inv = (U * np.sqrt(np.abs(w))).T
    adH = np.array([Bm_inv @ adHf[a] @ Bm for a in range(r)])
    return Bm, np.sign(w), adH, Bm_inv @ Hf.T


def _exact_frame(S: LieAlgebra, H: flint.fmpq_mat) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Like :func:`_float_frame`, but the K-orthogonal basis is computed exactly (symmetric
    Gram–Schmidt over Q with pivoting), and the ad matrices are transformed exactly before being
    rounded: immune to a badly conditioned input basis. Used when the float frame fails.
    """
    n, r = S.dim, H.nrows()
    K = S.killing_matrix()
    V = xl.identity(n)
    rows: list[flint.fmpq_mat] = []
    D: list[flint.fmpq] = []
    while V.nrows():
        m = V.nrows()
        VK = V * K
        VKe, Ve = VK.entries(), V.entries()
        diag = [sum((VKe[i * n + j] * Ve[i * n + j] for j in range(n)), flint.fmpq(0)) for i in range(m)]
        best = max(range(m), key=lambda i: abs(diag[i]))
        if diag[best] == 0:
            G = VK * V.transpose()  # all isotropic: v_i + v_j with K(v_i, v_j) != 0 is not
            ge = G.entries()
            i, j = next((i, j) for i in range(m) for j in range(m) if ge[i * m + j] != 0)
            f = xl.row(V, i) + xl.row(V, j)
        else:
            f = xl.row(V, best)
        Kf = K * f.transpose()  # (n, 1)
        d = (f * Kf)[0, 0]
        rows.append(f)
        D.append(d)
        coeff = (V * Kf) * (1 / d)  # (m, 1)
        V = V - coeff * f
        V = xl.span(V) if V.nrows() else V  # drops the dependent row
    F = xl.stack(rows, n)
    FT = F.transpose()
    FTinv = FT.inv()
    sc = np.sqrt(np.abs(np.array([float(d) for d in D])))
    adH = []
    for a in range(r):
        A = FTinv * S.ad_matrix(xl.row(H, a)) * FT  # exact
        Af = np.array([float(x) for x in A.entries()]).reshape(n, n)
        adH.append(Af * sc[:, None] / sc[None, :])
    Hn = np.array([float(x) for x in (FTinv * H.transpose()).entries()]).reshape(n, r) * sc[:, None]
    Bm = np.array([float(x) for x in FT.entries()]).reshape(n, n) / sc[None, :]
    signs = np.sign(np.array([float(d) for d in D]))
    return Bm, signs, np.array(adH), Hn


def _root_data(S: LieAlgebra, H: flint.fmpq_mat, nrng: np.random.Generator) -> _RootData:
    Hf = np.array([float(x) for x in H.entries()]).reshape(H.nrows(), S.dim)
    try:
        return _root_data_in(Hf, nrng, _float_frame(S, H))
    except _Retry as err:
        first = str(err)
    try:
        return _root_data_in(Hf, nrng, _exact_frame(S, H))
    except _Retry as err:
        raise IdentificationError(
            f"could not certify the root system (float frame: {first}; exact frame: {err})"
        ) from None


def _root_data_in(Hf: np.ndarray, nrng: np.random.Generator, frame: tuple) -> _RootData:
    """Roots, their Gram matrix and components from a frame (:func:`_float_frame_of`) and the
    float basis ``Hf`` ``(r, n)`` of a Cartan subalgebra; raises _Retry when a certificate fails."""
    r = Hf.shape[0]
    Bm, signs, adH_rows, Hn = frame
    # A numerically orthonormal basis of H in the normalized coordinates: the exact rational basis
    # can be nearly degenerate (after a random change of basis), which would amplify errors in
    # the Gram matrix through K_H^-1. Roots are reported on this basis (columns of Hc).
    Qh, Rh = np.linalg.qr(Hn)
    C = np.linalg.inv(Rh)  # Hn @ C = Qh
    Hc = Hf.T @ C  # old coordinates of the orthonormal basis (n, r)
    adH = np.tensordot(C.T, adH_rows, axes=1)
    KH = Qh.T @ (signs[:, None] * Qh)
    KH_inv = np.linalg.inv(KH)
    last_err = "no attempt"
    for _ in range(8):
        coef = nrng.standard_normal(r)
        Ah = np.tensordot(coef, adH, axes=1)
        lam, V = np.linalg.eig(Ah)
        scale = np.max(np.abs(lam))
        if scale == 0:
            raise IdentificationError("ad h vanishes on a Cartan subalgebra: the algebra is not semisimple")
        order = np.argsort(np.abs(lam))
        zero, nonzero = order[:r], order[r:]
        small = np.max(np.abs(lam[zero])) if r else 0.0
        big = np.min(np.abs(lam[nonzero])) if nonzero.size else scale
        if nonzero.size and (small > 1e-7 * scale or big < 1e3 * max(small, 1e-300)):
            last_err = f"no clear gap between zero and root eigenvalues ({small:.2e} vs {big:.2e})"
            continue
        lam_nz = lam[nonzero]
        if lam_nz.size > 1:
            dist = np.abs(lam_nz[:, None] - lam_nz[None, :]) + np.eye(lam_nz.size) * scale
            if np.min(dist) < 1e-6 * scale:
                last_err = "repeated eigenvalues of ad h (h not generic)"
                continue
        try:
            Vinv = np.linalg.inv(V)
        except np.linalg.LinAlgError:
            last_err = "ad h not diagonalizable numerically"
            continue
        Vn = V[:, nonzero]
        vals = np.empty((nonzero.size, r), dtype=complex)
        resid = 0.0
        for a in range(r):
            D = Vinv[nonzero] @ (adH[a] @ Vn)
            vals[:, a] = np.diag(D)
            off = D - np.diag(np.diag(D))
            resid = max(resid, float(np.max(np.abs(off))) if off.size else 0.0)
        vscale = np.max(np.abs(vals)) if vals.size else 1.0
        if resid > 1e-6 * vscale:
            last_err = f"root vectors are not common eigenvectors of H (residual {resid:.1e})"
            continue
        gram = vals @ KH_inv @ vals.T
        gscale = np.max(np.abs(gram)) if gram.size else 1.0
        if gram.size and np.max(np.abs(gram.imag)) > 1e-6 * gscale:
            last_err = "root Gram matrix is not real"
            continue
        try:
            groups = _analyse_roots(vals, gram.real, nrng)
        except _Retry as err:
            last_err = str(err)
            continue
        gap = float(big / max(small, 1e-300)) if nonzero.size else float("inf")
        return _RootData(vals, gram.real, Vn, Bm, signs, KH_inv, groups, gap, Hc, Rh)
    raise _Retry(f"8 tries: {last_err}")


class _Retry(Exception):
    pass


def _analyse_roots(vals: np.ndarray, gram: np.ndarray, nrng: np.random.Generator) -> list[_Group]:
    N = vals.shape[0]
    if N == 0:
        return []
    gscale = np.max(np.abs(gram))
    vscale = np.max(np.abs(vals))
    # components of g_C: roots linked by non-zero inner products
    G = nx.Graph()
    G.add_nodes_from(range(N))
    ii, jj = np.nonzero(np.abs(gram) > 1e-6 * gscale)
    G.add_edges_from((int(a), int(b)) for a, b in zip(ii, jj) if a < b)
    comps = [sorted(c) for c in nx.connected_components(G)]
    comp_of = {}
    for ci, c in enumerate(comps):
        for i in c:
            comp_of[i] = ci
    # complex conjugation permutes the roots (H is real)
    conj = np.empty(N, dtype=int)
    for i in range(N):
        d = np.max(np.abs(vals - np.conj(vals[i])[None, :]), axis=1)
        j = int(np.argmin(d))
        if d[j] > 1e-6 * vscale:
            raise _Retry("complex conjugate of a root is not a root")
        conj[i] = j
    comp_conj = {}
    for ci, c in enumerate(comps):
        images = {comp_of[int(conj[i])] for i in c}
        if len(images) != 1:
            raise _Retry("complex conjugation does not permute the components")
        comp_conj[ci] = images.pop()
    analysed = [_analyse_component(vals, gram, c, nrng) for c in comps]
    groups = []
    seen = set()
    for ci in range(len(comps)):
        if ci in seen:
            continue
        cj = comp_conj[ci]
        members = [ci] if cj == ci else [ci, cj]
        seen.update(members)
        groups.append(_Group([analysed[m] for m in members]))
    return groups


def _analyse_component(vals: np.ndarray, gram: np.ndarray, idx: list[int], nrng: np.random.Generator) -> _Component:
    A = vals[idx]
    Gc = gram[np.ix_(idx, idx)]
    m = len(idx)
    scale = np.max(np.abs(A))
    for _ in range(5):
        wts = nrng.uniform(0.5, 1.5, size=m)
        height = Gc @ wts
        if np.min(np.abs(height)) > 1e-8 * np.max(np.abs(height)):
            break
    else:
        raise _Retry("no generic positive system")
    pos = [k for k in range(m) if height[k] > 0]
    if 2 * len(pos) != m:
        raise _Retry("positive roots are not half of the roots")
    P = A[pos]
    decomposable = _sums_of_two(P, 1e-6 * scale)
    simple = [pos[t] for t in range(len(pos)) if not decomposable[t]]
    Gs = Gc[np.ix_(simple, simple)]
    diag = np.diag(Gs)
    if np.any(diag <= 0):
        raise _Retry("a root of non-positive length")
    Cf = 2 * Gs / diag[None, :]
    C = np.rint(Cf)
    err = float(np.max(np.abs(Cf - C))) if Cf.size else 0.0
    if err > _CARTAN_TOL:
        raise _Retry(f"Cartan integers not integral (error {err:.1e})")
    Ci = tuple(tuple(int(x) for x in row) for row in C)
    # integer coordinates of every root in the simple roots, from the Gram matrix
    coeff = np.linalg.solve(Gs, Gc[np.ix_(simple, range(m))]).T  # (m, rs)
    coeff_i = np.rint(coeff)
    cerr = float(np.max(np.abs(coeff - coeff_i)))
    if cerr > _CARTAN_TOL:
        raise _Retry(f"roots are not integer combinations of the simple roots (error {cerr:.1e})")
    coords = [tuple(int(x) for x in row) for row in coeff_i]
    for c in coords:
        if not (all(x >= 0 for x in c) or all(x <= 0 for x in c)):
            raise _Retry("a root with mixed-sign coordinates")
    try:
        G = _graph_from_cartan(Ci)
        letter, rank = _match_connected(G)
    except IdentificationError as e:
        raise _Retry(str(e)) from None
    expected = _positive_roots_from_cartan(Ci)
    found = {c for c in coords if all(x >= 0 for x in c)}
    if found != expected or len(coords) != 2 * len(expected) or len(set(coords)) != len(coords):
        raise _Retry("the roots found are not the root system of the Cartan matrix")
    return _Component(idx, letter, rank, Ci, coords, max(err, cerr))


def _sums_of_two(P: np.ndarray, tol: float) -> np.ndarray:
    """For each row t of ``P`` (complex, ``(N, r)``): is ``max|P[s] + P[u] - P[t]| < tol`` for some s, u?

    (A positive root is simple iff it is not such a sum.) The direct test compares all N^2 sums
    with every row, O(N^3 r). Here a fixed generic linear key ``k(v)`` (real and imaginary parts
    of ``v . w`` mixed) turns it into sorted searches: ``|k(v)| <= c max|v|``, so every pair
    that passes the test has ``|k(P[t]) - k(P[s]) - k(P[u])| < c tol`` and is among the
    candidates found by binary search; candidates are then tested in full, so the answer is
    that of the direct test, in O(N^2 log N).
    """
    N = P.shape[0]
    out = np.zeros(N, dtype=bool)
    if N == 0:
        return out
    w = np.random.default_rng(20240611).uniform(0.5, 1.5, size=P.shape[1])  # fixed: no caller's stream
    phi = 0.7548776662466927  # generic mixing of the real and imaginary parts
    z = P @ w
    key = z.real + phi * z.imag
    ktol = tol * float(np.sum(np.abs(w))) * (1 + phi) * 2
    order = np.argsort(key)
    sk = key[order]
    for t in range(N):
        need = key[t] - key  # k(P[u]) must be close to this, for the partner s of each u
        lo = np.searchsorted(sk, need - ktol, side="left")
        hi = np.searchsorted(sk, need + ktol, side="right")
        for s_ in np.flatnonzero(hi > lo):
            us = order[lo[s_]:hi[s_]]
            d = np.max(np.abs(P[s_][None, :] + P[us] - P[t][None, :]), axis=1)
            if np.any(d < tol):
                out[t] = True
                break
    return out


def _poly_of_matrix(coeffs: Sequence[int], A: flint.fmpz_mat) -> flint.fmpz_mat:
    n = A.nrows()
    Id = flint.fmpz_mat(n, n)
    for i in range(n):
        Id[i, i] = 1
    F = Id * int(coeffs[-1])
    for c in reversed(coeffs[:-1]):
        F = F * A + Id * int(c)
    return F


def _exact_blocks(
    S: LieAlgebra, H: flint.fmpq_mat, data: _RootData, rng: random.Random
) -> tuple[list[list[int]], list[flint.fmpq_mat]]:
    """Split S exactly into its ideals defined over Q, grouping the real simple ideals.

    Take h in H with small integer coordinates (the same h for numerics: its eigenvalues are
    ``α(h) = vals @ w``). Factor ``charpoly(ad h)`` over Q; every irreducible factor belongs to one
    Q-simple ideal, which is the ideal generated by ``ker f(ad h)``. The largest block is the
    Killing-orthogonal complement of the others (no high-degree polynomial needed).

    Returns the blocks (lists of group indices) and their bases.
    """
    n = S.dim
    groups = data.groups
    root_group = {}
    for g, grp in enumerate(groups):
        for i in grp.roots:
            root_group[i] = g
    r = H.nrows()
    for _ in range(6):
        w = [rng.randint(-20, 20) for _ in range(r)]
        eig = data.values @ (data.h_exact @ np.array(w, dtype=float))
        if eig.size > 1:
            sc = np.max(np.abs(eig))
            dd = np.abs(eig[:, None] - eig[None, :]) + np.eye(eig.size) * sc
            if np.min(dd) < 1e-6 * sc or np.min(np.abs(eig)) < 1e-6 * sc:
                continue
        h = flint.fmpq_mat(1, r, w) * H
        A = S.ad_matrix(h)
        Az, den = A.numer_denom()
        s = int(den)
        cp = Az.charpoly()
        fac = cp.factor()[1]
        factors = [(f, e) for f, e in fac if f.degree() > 0 and not (f.degree() == 1 and f.coeffs() == [0, 1])]
        if any(e > 1 for _, e in factors):
            continue
        # map each factor's roots (eigenvalues of A = s ad h) to root groups
        fac_groups = []
        ok = True
        for f, _ in factors:
            gs = set()
            # complex_roots() gives (root, multiplicity) pairs; python-flint's stub says list[acb]
            roots: list[tuple[flint.acb, int]] = f.complex_roots()  # type: ignore[assignment]
            for z, _m in roots:
                zc = complex(z) / s
                d = np.abs(eig - zc)
                j = int(np.argmin(d))
                if d[j] > 1e-6 * max(1.0, np.max(np.abs(eig))):
                    ok = False
                    break
                gs.add(root_group[j])
            if not ok:
                break
            fac_groups.append(gs)
        if not ok:
            continue
        # Q-blocks: groups linked through a common factor
        U = nx.Graph()
        U.add_nodes_from(range(len(groups)))
        for gs in fac_groups:
            gl = sorted(gs)
            U.add_edges_from(itertools.pairwise(gl))
        blocks = [sorted(c) for c in nx.connected_components(U)]
        dims = [sum(groups[g].dimension for g in b) for b in blocks]
        biggest = int(np.argmax(dims))
        bases: list[flint.fmpq_mat | None] = [None] * len(blocks)
        for bi, b in enumerate(blocks):
            if bi == biggest:
                continue
            cand = [(f.degree(), f) for (f, _), gs in zip(factors, fac_groups) if gs <= set(b)]
            f = min(cand, key=lambda t: t[0])[1]
            Fm = _poly_of_matrix([int(c) for c in f.coeffs()], Az)
            ker, nullity = Fm.nullspace()
            # columns of ``ker`` span the null space
            rows = [[ker[i, j] for i in range(n)] for j in range(nullity)]
            W = flint.fmpq_mat(flint.fmpz_mat(rows)) if rows else flint.fmpq_mat(0, n)
            bases[bi] = S.ideal_closure(W)
        others = xl.stack([B for B in bases if B is not None], n)
        bases[biggest] = S.killing_orthogonal(others) if others.nrows() else xl.identity(n)
        found = [B for B in bases if B is not None]  # all of them, now
        if [B.nrows() for B in found] != dims:
            continue
        return blocks, found
    raise IdentificationError("could not split the semisimple part into ideals exactly")


def _numeric_group_signature(data: _RootData, grp: _Group) -> tuple[int, int, int]:
    """Killing inertia of one real simple ideal from its complex span (numeric, gap-checked)."""
    idx = grp.roots
    Bm_inv = np.linalg.inv(data.basis)
    cor = []
    for i in idx:
        t = data.K_H_inv @ data.values[i]  # coroot direction in H coordinates
        cor.append(Bm_inv @ (data.h_basis @ t))
    M = np.concatenate([data.vectors[:, idx], np.array(cor).T], axis=1)
    Rm = np.concatenate([M.real, M.imag], axis=1)
    Uu, sv, _ = np.linalg.svd(Rm, full_matrices=False)
    d = grp.dimension
    if sv.size > d and sv[d] > 1e-6 * sv[0]:
        raise IdentificationError("numeric ideal span has the wrong dimension")
    Q = Uu[:, :d]
    ev = np.linalg.eigvalsh(Q.T @ (data.signs[:, None] * Q))
    if np.min(np.abs(ev)) < 1e-8 * np.max(np.abs(ev)):
        raise IdentificationError("numeric Killing inertia of an ideal is not clear-cut")
    return int(np.sum(ev > 0)), int(np.sum(ev < 0)), 0


def _name_semisimple(S: LieAlgebra, seed: int) -> tuple[list[SimpleIdeal], dict[str, Evidence]]:
    """Simple ideals of a semisimple algebra, named, in canonical order."""
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    n = S.dim
    H = _cartan_subalgebra(S, rng)
    data = _root_data(S, H, nrng)
    groups = data.groups
    if sum(g.dimension for g in groups) != n:
        raise IdentificationError(
            f"roots and Cartan subalgebra account for dim {sum(g.dimension for g in groups)}, not {n}"
        )
    evidence: dict[str, Evidence] = {
        "cartan_subalgebra_dimension": H.nrows(),
        "roots": int(data.values.shape[0]),
        "eigenvalue_gap": data.eig_gap,
        "cartan_integer_max_error": max((c.max_error for g in groups for c in g.components), default=0.0),
    }
    signatures: list[tuple[tuple[int, int, int], bool]] = []
    if len(groups) == 1:
        signatures.append((S.killing_signature(), True))
        evidence["ideal_split"] = "single ideal"
    else:
        blocks, bases = _exact_blocks(S, H, data, rng)
        K = S.killing_matrix()
        sig_of_group: dict[int, tuple[tuple[int, int, int], bool]] = {}
        numeric_used = False
        for b, B in zip(blocks, bases):
            sigB = xl.inertia(B * K * B.transpose())
            if len(b) == 1:
                sig_of_group[b[0]] = (sigB, True)
            else:  # a Q-simple ideal that splits over R: per-ideal signatures numerically
                numeric_used = True
                parts = [_numeric_group_signature(data, groups[g]) for g in b]
                tot = tuple(sum(p[i] for p in parts) for i in range(3))
                if tot != sigB:
                    raise IdentificationError(
                        f"numeric ideal signatures {parts} do not add up to the exact {sigB}"
                    )
                for g, p in zip(b, parts):
                    sig_of_group[g] = (p, False)
        signatures = [sig_of_group[g] for g in range(len(groups))]
        evidence["ideal_split"] = "exact (Q-factorization of charpoly(ad h))" + (
            "; some ideals not defined over Q: their signatures are numeric" if numeric_used else ""
        )
    ideals = []
    for grp, (sig, exact) in zip(groups, signatures):
        ideals.append(_name_group(grp, sig, exact, data))
    total = tuple(sum(I.killing_signature[i] for I in ideals) for i in range(3))
    if total != S.killing_signature():
        raise IdentificationError(f"ideal signatures {total} do not add up to the exact {S.killing_signature()}")
    ideals.sort(key=_ideal_order)
    return ideals, evidence


def _ideal_order(I: SimpleIdeal) -> tuple:
    return (-I.dimension, not I.compact, I.real_form)


def _name_group(grp: _Group, sig: tuple[int, int, int], exact: bool, data: _RootData) -> SimpleIdeal:
    comps = grp.components
    letter, r = comps[0].letter, comps[0].rank
    dim = grp.dimension
    pos, neg, _ = sig
    # block-diagonal Cartan data and coordinates over all components of the group
    N = sum(c.rank for c in comps)
    cm = [[0] * N for _ in range(N)]
    off = 0
    coords: list[tuple[int, ...]] = []
    for c in comps:
        for i, row in enumerate(c.cartan):
            for j, v in enumerate(row):
                cm[off + i][off + j] = v
        for co in c.coords:
            coords.append(tuple([0] * off + list(co) + [0] * (N - off - c.rank)))
        off += c.rank
    cartan = tuple(tuple(r_) for r_ in cm)
    dynkin = nx.freeze(_graph_from_cartan(cartan))  # a value object: no later edits
    values = data.values[grp.roots]  # fancy indexing: a copy, safe to make read-only
    values.flags.writeable = False
    type_str = _join_types([(c.letter, c.rank) for c in comps])
    if len(comps) == 2:
        if comps[1].letter != letter or comps[1].rank != r:
            raise IdentificationError("conjugate components of different types")
        if (pos, neg) != (dim // 2, dim // 2):
            raise IdentificationError(
                f"a complex {letter}{r} seen as real must have Killing inertia ({dim // 2}, {dim // 2}, 0), got {sig}"
            )
        name, aliases = _complex_form(letter, r)
        return SimpleIdeal(type_str, name, dim, sig, False, True, r, cartan, dynkin, tuple(coords), values,
                           aliases, exact)
    forms = [f for f in _forms(letter, r) if f.k == neg]
    if not forms:
        allowed = ", ".join(f"{f.name} (k={f.k})" for f in _forms(letter, r))
        raise IdentificationError(
            f"simple ideal of type {letter}{r} (dim {dim}) has Killing inertia {sig}, which matches no real "
            f"form; the real forms are {allowed}"
        )
    if len(forms) > 1:
        raise IdentificationError(
            f"simple ideal of type {letter}{r} with Killing inertia {sig}: the real forms "
            f"{', '.join(f'{f.name} (real rank {f.real_rank})' for f in forms)} share dim k = {neg}; the real "
            "rank would decide and is not computed"
        )
    f = forms[0]
    return SimpleIdeal(type_str, f.name, dim, sig, f.compact, False, f.real_rank, cartan, dynkin, tuple(coords),
                       values, f.aliases, exact)


# ============================================================================================
# Solvable pieces (IDENTIFICATION.md §4)
# ============================================================================================


def _fmt(x: sp.Expr) -> str:
    return sp.sstr(sp.nsimplify(x)).replace(" ", "")


def _abelian_name(m: int) -> tuple[str, tuple[str, ...]]:
    if m == 1:
        return "R", ()
    return f"R^{m}", ()


def _torus_name(compact: int, split: int) -> str:
    """``u(1)^a ⊕ R^b``: the abelian Lie algebra named by the group its matrices generate."""
    parts = []
    if compact:
        parts.append("u(1)" if compact == 1 else f"u(1)^{compact}")
    if split:
        parts.append("R" if split == 1 else f"R^{split}")
    return f" {OPLUS} ".join(parts)


def _as_complex_array(m: sp.MatrixBase) -> np.ndarray:
    return np.array([[complex(sp.N(v)) if not v.is_Rational else complex(int(v.p)) / int(v.q) for v in row]
                     for row in m.tolist()], dtype=complex)


def compact_dimension(algebra: LieAlgebra, rows: flint.fmpq_mat | Sequence[Sequence[object]] | None = None, *,
                      tol: float = 1e-8) -> int | None:
    """How many directions of a commuting family of matrices generate a compact torus.

    The rows (coefficients in ``algebra``'s basis, default: the whole algebra) must span
    matrices that commute, as an abelian subalgebra's do. An element ``X`` is *elliptic* (it
    generates a circle, or a dense winding of a torus) when it is diagonalizable with purely
    imaginary eigenvalues. For commuting matrices the eigenvalues are linear functionals on
    the joint generalized eigenspaces and the nilpotent part is additive, so the elliptic
    elements form a subspace; its dimension ``a`` is returned, and the family is named
    ``u(1)^a ⊕ R^(m-a)``. Decided numerically from the eigenvalues of the exact matrices
    (relative tolerance ``tol``). Returns None for an algebra given without matrices (then
    compactness is not defined by the abstract algebra).

    Parameters
    ----------
    algebra : LieAlgebra
        With :attr:`LieAlgebra.matrices`.
    rows : (m, n) exact rows, optional
        A commuting subspace of the algebra (its centre, an abelian factor).

    Examples
    --------
    >>> from liealg.catalog import so, gl
    >>> compact_dimension(LieAlgebra.from_matrices(so(2))), compact_dimension(LieAlgebra.from_matrices(so(1, 1)))
    (1, 0)
    >>> L = LieAlgebra.from_matrices(gl(2))
    >>> compact_dimension(L, L.center_basis())
    0
    """
    mats = algebra.matrices
    if mats is None:
        return None
    n = algebra.dim
    if rows is None:
        coeff = np.eye(n)
    else:
        R = rows if isinstance(rows, flint.fmpq_mat) else xl.qmatrix(rows, n)
        coeff = np.array([float(x) for x in R.entries()]).reshape(R.nrows(), n)
    m = coeff.shape[0]
    if m == 0:
        return 0
    base = [_as_complex_array(M) for M in mats]
    X = [np.tensordot(row, np.array(base), axes=1) for row in coeff]
    d = X[0].shape[0]
    scale = max(float(np.max(np.abs(x))) for x in X) or 1.0
    X = [x / scale for x in X]
    rng = np.random.default_rng(12345)
    Y = sum(c * x for c, x in zip(rng.uniform(0.5, 1.5, m), X))
    w = np.linalg.eigvals(Y)
    clusters: list[list[complex]] = []
    for z in w:
        for cl in clusters:
            if abs(cl[0] - z) < 1e-6:
                cl.append(z)
                break
        else:
            clusters.append([z])
    conditions = []
    for cl in clusters:
        mu, s = complex(np.mean(cl)), len(cl)
        P = np.linalg.matrix_power(Y - mu * np.eye(d), s)
        _, _, Vh = np.linalg.svd(P)
        V = Vh[-s:].conj().T  # (d, s): the generalized eigenspace
        Vp = np.linalg.pinv(V)
        for_each = []
        for x in X:
            B = Vp @ x @ V
            lam = np.trace(B) / s
            N = B - lam * np.eye(s)
            for_each.append(np.concatenate([[lam.real], N.real.ravel(), N.imag.ravel()]))
        conditions.append(np.array(for_each).T)  # rows: conditions, columns: family members
    C = np.concatenate(conditions, axis=0)
    sv = np.linalg.svd(C, compute_uv=False)
    rank = int(np.sum(sv > tol * max(1.0, float(sv[0]) if sv.size else 1.0)))
    return m - rank


def _abelian_factor_name(A: LieAlgebra, a: int) -> str:
    """The name of the abelian direct factor ``R^a`` of ``A``: ``u(1)^c ⊕ R^(a-c)`` by its matrices.

    The central elements inside ``[A, A]`` act nilpotently (they lie in ``[A, rad A]``), so the
    elliptic central elements all fit in one complement: ``c`` is the compact dimension of the
    centre. Without matrices the abstract name ``R^a`` is kept.
    """
    c = compact_dimension(A, A.center_basis())
    if c is None:
        return _abelian_name(a)[0]
    return _torus_name(min(c, a), a - min(c, a))


def _split_abelian(A: LieAlgebra) -> tuple[int, flint.fmpq_mat]:
    """``A = W ⊕ R^a`` with a central: returns a and a basis of an ideal W ⊇ [A, A] complementing it."""
    n = A.dim
    Z = A.center_basis()
    D = A.derived_basis()
    ZD = xl.span(xl.stack([Z, D], n))
    a = ZD.nrows() - D.nrows()  # dim Z - dim(Z ∩ D)
    if a == 0:
        return 0, xl.identity(n)
    # a central complement C of Z ∩ D: rows of Z that stay independent modulo D
    chosen = []
    current = D
    for i in range(Z.nrows()):
        z = xl.row(Z, i)
        trial = xl.span(xl.stack([current, z], n))
        if trial.nrows() > current.nrows():
            chosen.append(z)
            current = trial
    C = xl.stack(chosen, n)
    # W: D extended by unit vectors to a complement of C
    W = D
    for j in range(n):
        if W.nrows() + C.nrows() == n:
            break
        e = flint.fmpq_mat(1, n)
        e[0, j] = 1
        trial = xl.stack([W, e], n)
        if xl.span(xl.stack([trial, C], n)).nrows() == trial.nrows() + C.nrows():
            W = trial
    return a, W


def _name_solvable(A: LieAlgebra) -> tuple[str, tuple[str, ...]]:
    """Name a solvable algebra: abelian factors split off, then dim-≤3 tables, Heisenberg, or invariants."""
    n = A.dim
    if A.is_abelian:
        return _abelian_name(n)
    a, W = _split_abelian(A)
    if a:
        B = A.subalgebra(W)
        inner, inner_al = _name_solvable(B)
        ab = _abelian_factor_name(A, a)
        name = f"{_paren(inner)} {OPLUS} {ab}"
        aliases = tuple(f"{_paren(x)} {OPLUS} {ab}" for x in inner_al)
        if inner == "aff(1)" and a == 1 and ab == "R":
            aliases = aliases + ("Bianchi III",)
        graaf = {("heis(3)", 1): "L4,2", ("heis(3)", 2): "L5,2", ("n4", 1): "L5,3"}.get((inner, a))
        if graaf and A.is_nilpotent:
            aliases = aliases + (graaf,)
        return name, aliases
    D = A.derived_basis()
    Z = A.center_basis()
    lcs = [S.nrows() for S in A.lower_central_series_bases()]
    if n == 2:
        return "aff(1)", ("ax+b",)
    if D.nrows() == 1 and Z.nrows() == 1 and xl.span(xl.stack([D, Z], n)).nrows() == 1:
        # [A, A] = Z(A) one-dimensional: the form on A/Z is non-degenerate, so A is Heisenberg
        name = f"heis({n})"
        aliases = (f"h_{n}",) + (("Bianchi II", "A3,1", "L3,2") if n == 3 else ("L5,4",) if n == 5 else ())
        return name, aliases
    if n == 3 and D.nrows() == 2:
        return _bianchi(A, D)
    if A.is_nilpotent:
        if n == 4 and lcs == [4, 2, 1, 0]:
            return "n4", ("filiform nilpotent of dim 4", "A4,1", "L4,3")
        if n == 5:
            named = _de_graaf_5(A, lcs, Z.nrows(), D)
            if named is not None:
                return named
        return f"nilpotent(dim={n}, lower central series {','.join(map(str, lcs))})", ()
    N = A.nilradical_basis()
    if n == 4:
        named = _patera_winternitz(A, N)
        if named is not None:
            return named
    named = _torus_on_vector_space(A, N)
    if named is not None:
        return named
    return f"solvable(dim={n}, nilradical dim={N.nrows()})", ()


def _torus_on_vector_space(A: LieAlgebra, N: flint.fmpq_mat) -> tuple[str, tuple[str, ...]] | None:
    """``t ⋉ R^k``: an abelian nilradical ``N = R^k`` with an abelian complement ``t`` acting on it
    (rotations and dilations with translations, as in sim(n)). ``t`` is a Cartan subalgebra of A
    (the Engel subalgebra of a random element), checked to be abelian and to complement N; it is
    named ``u(1)^a ⊕ R^b`` by its matrices."""
    n, k = A.dim, N.nrows()
    if k == 0 or k == n or not xl.is_zero(A.brackets(N, N)):
        return None
    rng = random.Random(n * 7919 + k)
    for _ in range(3):
        x = flint.fmpq_mat(1, n, [rng.randint(-5, 5) for _ in range(n)])
        adx = A.ad_matrix(x)
        P = adx
        for _ in range(n - 1):
            P = P * adx
        T = xl.nullspace(P)  # the generalized kernel of ad x: a Cartan subalgebra for generic x
        if T.nrows() + k != n or xl.span(xl.stack([T, N], n)).nrows() != n:
            continue
        if not xl.is_zero(A.brackets(T, T)):
            return None
        t = T.nrows()
        c = compact_dimension(A, T)
        torus = _abelian_name(t)[0] if c is None else _torus_name(c, t - c)
        vec = "R" if k == 1 else f"R^{k}"
        return f"{_paren(torus)} {SEMI} {vec}", ()
    return None


def _de_graaf_5(A: LieAlgebra, lcs: list[int], z: int, D: flint.fmpq_mat) -> tuple[str, tuple[str, ...]] | None:
    """Indecomposable nilpotent algebras of dimension 5 by de Graaf's labels L5,k (J. Algebra 309,
    640 (2007); GAP's LieAlgDB), told apart by the lower central series, the centre and the
    centralizer of [L, L]. (heis(5) = L5,4 is named before; decomposable ones are split first.)"""
    if lcs == [5, 2, 1, 0] and z == 1:
        return "L5,5", ()
    if lcs == [5, 2, 0]:
        return "L5,8", ()
    if lcs == [5, 3, 2, 0]:
        return "L5,9", ()
    if lcs == [5, 3, 2, 1, 0]:
        cent = A.dim - xl.rank(_bracket_map(A, D))
        if cent == 4:
            return "L5,7", ("filiform nilpotent of dim 5", "m0(5)")
        return "L5,6", ("filiform nilpotent of dim 5 (the other one)",)
    return None


def _bracket_map(A: LieAlgebra, V: flint.fmpq_mat) -> flint.fmpq_mat:
    """The linear map ``x -> ([x, v_1], ..., [x, v_m])`` as an ``n x (m n)`` matrix: its kernel is the
    centralizer of the span of ``V``."""
    n, m = A.dim, V.nrows()
    B = A.brackets(xl.identity(n), V)  # row i*m + b is [e_i, v_b]
    be = B.entries()
    return flint.fmpq_mat(n, m * n, [be[(i * m + b) * n + k] for i in range(n) for b in range(m) for k in range(n)])


def _q(x: flint.fmpq) -> sp.Rational:
    return sp.Rational(int(x.p), int(x.q))


def _action_on(A: LieAlgebra, x: flint.fmpq_mat, V: flint.fmpq_mat) -> sp.Matrix:
    """The matrix of ``ad x`` on the ideal spanned by the rows of ``V`` (column j: image of v_j)."""
    C = xl.coordinates(V, A.brackets(x, V))
    assert C is not None  # V is an ideal
    m = V.nrows()
    return sp.Matrix(m, m, [_q(c) for c in C.entries()]).T


def _outside(V: flint.fmpq_mat, n: int) -> list[flint.fmpq_mat]:
    """Unit vectors completing the rows of ``V`` to a basis."""
    _, piv = xl.rref(V)
    out = []
    for j in range(n):
        if j not in piv:
            e = flint.fmpq_mat(1, n)
            e[0, j] = 1
            out.append(e)
    return out


def _pw_params(**params: sp.Expr) -> str:
    return "(" + ",".join(f"{k}={_fmt(v)}" for k, v in params.items()) + ")"


def _real_spectrum(M: sp.Matrix) -> tuple[list[tuple[sp.Expr, int, int]], sp.Expr | None, sp.Expr | None]:
    """Real eigenvalues with (algebraic, geometric) multiplicities, and a complex pair a ± i w (w > 0)."""
    n = M.rows
    real: list[tuple[sp.Expr, int, int]] = []
    pair_re = pair_im = None
    for lam, mult in M.eigenvals().items():
        lam = sp.nsimplify(sp.radsimp(lam)) if lam.is_number else lam
        im_ = sp.im(lam)
        if im_ != 0:
            if im_ > 0:
                pair_re, pair_im = sp.re(lam), im_
            continue
        geo = n - (M - lam * sp.eye(n)).rank(simplify=True)
        real.append((lam, mult, geo))
    return real, pair_re, pair_im


def _patera_winternitz(A: LieAlgebra, N: flint.fmpq_mat) -> tuple[str, tuple[str, ...]] | None:
    """Indecomposable solvable, non-nilpotent 4-dimensional algebras: the labels A4,2 ... A4,12 of
    Patera and Winternitz (J. Math. Phys. 18, 1449 (1977)) from the action of a complement of the
    nilradical on it, normalized up to scaling (and inner derivations). Abelian direct factors
    are split off before this is called."""
    n = 4
    if N.nrows() == 2:
        xs = _outside(N, n)
        Ma, Mb = (_action_on(A, x, N) for x in xs)
        # complex weights on N for some combination t*Ma + s*Mb: disc(t,s) = tr^2 - 4 det indefinite/negative
        t, s_ = sp.symbols("t s")
        Mt = t * Ma + s_ * Mb
        disc = sp.Poly(sp.expand(Mt.trace() ** 2 - 4 * Mt.det()), t, s_)
        a_, b_, c_ = (disc.coeff_monomial(t**2), disc.coeff_monomial(t * s_), disc.coeff_monomial(s_**2))
        psd = a_ >= 0 and c_ >= 0 and b_ * b_ - 4 * a_ * c_ <= 0
        if psd:
            return "aff(1) ⊕ aff(1)", ("A2 ⊕ A2", "2A2")
        return "sim(2)", ("A4,12", "co(2) ⋉ R^2", "(so(2) ⊕ R) ⋉ R^2")
    if N.nrows() != 3:
        return None
    x = _outside(N, n)[0]
    M = _action_on(A, x, N)
    Nalg = A.subalgebra(N)
    if Nalg.is_abelian:
        return _pw_abelian_nilradical(M)
    # N = heis(3): the action on N / Z(N)
    Zn = Nalg.center_basis()  # coordinates in N's basis (1 x 3)
    comp = _outside(Zn, 3)
    P = sp.Matrix([[_q(c) for c in v.entries()] for v in comp] + [[_q(c) for c in Zn.entries()]]).T  # columns
    M2 = (P.inv() * M * P)[:2, :2]
    real, are, aim = _real_spectrum(M2)
    if aim is not None:
        a = sp.Abs(are / aim)
        if a == 0:
            return "A4,10", ("oscillator algebra", "diamond algebra", "Nappi-Witten algebra")
        return f"A4,11{_pw_params(a=a)}", ()
    if len(real) == 1:
        _, _, geo = real[0]
        if geo == 2:
            return f"A4,9{_pw_params(b=1)}", ()
        return "A4,7", ()
    (l1, _, _), (l2, _, _) = real
    if l1 + l2 == 0:
        return "A4,8", ("heis(3) ⋊ so(1,1)", "A4,9(b=-1)")
    big, small = (l1, l2) if abs(float(l1)) >= abs(float(l2)) else (l2, l1)
    return f"A4,9{_pw_params(b=sp.nsimplify(sp.radsimp(small / big)))}", ()


def _pw_abelian_nilradical(M: sp.Matrix) -> tuple[str, tuple[str, ...]] | None:
    real, are, aim = _real_spectrum(M)
    if aim is not None:
        (r, _, _), = real
        a, b = sp.nsimplify(sp.radsimp(r / aim)), sp.nsimplify(sp.radsimp(are / aim))
        if b < 0 or (b == 0 and a < 0):
            a, b = -a, -b
        return f"A4,6{_pw_params(a=a, b=b)}", ()
    if all(alg == geo for _, alg, geo in real):
        lams = [lam for lam, alg, _ in real for _ in range(alg)]
        if any(l == 0 for l in lams):
            return None
        top = max(abs(float(l)) for l in lams)
        options = []
        for k, l in enumerate(lams):
            if abs(abs(float(l)) - top) < 1e-12:
                others = sorted((sp.nsimplify(sp.radsimp(m / l)) for j, m in enumerate(lams) if j != k), key=float)
                options.append(tuple(others))
        a, b = min(options, key=lambda ab: (float(ab[0]), float(ab[1])))
        return f"A4,5{_pw_params(a=a, b=b)}", (("R ⋉ R^3 (dilations)",) if a == b == 1 else ())
    if len(real) == 1:
        _, _, geo = real[0]
        return ("A4,4", ()) if geo == 1 else (f"A4,2{_pw_params(a=1)}", ())
    (mu, _, _), = [t for t in real if t[1] == 2]
    (nu, _, _), = [t for t in real if t[1] == 1]
    if mu == 0:
        return "A4,3", ()
    if nu == 0:
        return None
    return f"A4,2{_pw_params(a=sp.nsimplify(sp.radsimp(nu / mu)))}", ()


def _bianchi(A: LieAlgebra, D: flint.fmpq_mat) -> tuple[str, tuple[str, ...]]:
    """Three-dimensional solvable algebras with dim [g, g] = 2 from M = ad x restricted to D."""
    n = 3
    _, piv = xl.rref(D)
    j = next(c for c in range(n) if c not in piv)
    x = flint.fmpq_mat(1, n)
    x[0, j] = 1
    img = A.brackets(x, D)  # row u is [x, d_u]
    C = xl.coordinates(D, img)
    assert C is not None  # D = [A, A] is an ideal
    M = sp.Matrix(2, 2, [sp.Rational(int(q.p), int(q.q)) for q in C.transpose().entries()])
    t, d = M.trace(), M.det()
    disc = t * t - 4 * d
    if M[0, 1] == 0 and M[1, 0] == 0 and M[0, 0] == M[1, 1]:
        return "A3,3", ("Bianchi V",)
    if t == 0:
        if d < 0:
            return "iso(1,1)", ("e(1,1)", "poincare(1,1)", "Bianchi VI_0", "A3,4")
        return "iso(2)", ("e(2)", "Bianchi VII_0", "A3,6")
    if disc == 0:
        return "A3,2", ("Bianchi IV",)
    if disc > 0:
        l1, l2 = (t + sp.sqrt(disc)) / 2, (t - sp.sqrt(disc)) / 2
        ratio = sp.nsimplify(sp.radsimp(l2 / l1))
        if abs(float(ratio)) > 1:
            ratio = sp.nsimplify(sp.radsimp(1 / ratio))
        return f"A3,5(a={_fmt(ratio)})", ("Bianchi VI_h",)
    b = sp.nsimplify(sp.radsimp(sp.Abs(t) / sp.sqrt(-disc)))
    return f"A3,7(b={_fmt(b)})", ("Bianchi VII_h",)


def _paren(s: str) -> str:
    return f"({s})" if (OPLUS in s or SEMI in s) else s


# ============================================================================================
# The main entry point
# ============================================================================================


def _as_algebra(algebra: LieAlgebra | Sequence[MatrixLike]) -> LieAlgebra:
    if isinstance(algebra, LieAlgebra):
        return algebra
    if isinstance(algebra, (list, tuple)):
        return LieAlgebra.from_matrices(algebra)
    raise OptionError(f"identify expects a LieAlgebra (or a list of matrices), got {type(algebra).__name__}")


def _facts(L: LieAlgebra) -> str:
    try:
        return (
            f"dim {L.dim}, Killing signature {L.killing_signature()}, radical dim {L.radical_basis().nrows()}, "
            f"centre dim {L.center_basis().nrows()}, derived series {[S.nrows() for S in L.derived_series_bases()]}"
        )
    except Exception:
        return f"dim {L.dim}"


def identify(algebra: LieAlgebra | FieldLieAlgebra | Sequence[MatrixLike], *, seed: int = 0) -> Identification:
    """Name a real Lie algebra, with its real form, Levi decomposition and simple ideals.

    Parameters
    ----------
    algebra : LieAlgebra, FieldLieAlgebra, or a list of matrices
        Matrices go to ``LieAlgebra.from_matrices``, or, when their entries lie in a real number
        field and their span has no rational basis, to ``FieldLieAlgebra.from_matrices``. A
        :class:`~liealg.algebra.FieldLieAlgebra` is named *numerically certified*
        (``Identification.exact`` is False): every invariant that is cheap over the field is
        exact (dimensions, the Killing form and its inertia, the series, centre, radical, a
        Cartan subalgebra), the roots are floating point, certified by eigenvalue gaps and
        integral Cartan integers, and anything not clear-cut is refused.
    seed : int
        Seed of the random regular element and positive system. Any seed gives the same
        answer (the result is basis- and choice-independent); it only makes runs reproducible.

    Returns
    -------
    Identification

    Raises
    ------
    IdentificationError
        When something cannot be named with certainty (a real-form tie, a numeric certificate
        that fails); the message lists what is known.

    Examples
    --------
    >>> from liealg.algebra import LieAlgebra
    >>> from liealg.catalog import so, sp, su
    >>> r = identify(LieAlgebra.from_matrices(sp(4)))
    >>> r.name, r.cartan_type, r.killing_signature, r.aliases[:2]
    ('so(3,2)', 'B2', (6, 4, 0), ('so(2,3)', 'sp(4,R)'))
    >>> identify(LieAlgebra.from_matrices(so(4))).name
    'su(2) ⊕ su(2)'
    >>> identify(LieAlgebra.from_matrices(su(2, 1))).ideals[0].real_rank
    1
    >>> r = identify([[[0, "sqrt(2)", 0], [-1, 0, 0], [0, 0, 0]],   # x1^2 + sqrt(2) x2^2 + x3^2
    ...               [[0, 0, 1], [0, 0, 0], [-1, 0, 0]], [[0, 0, 0], [0, 0, 1], [0, "-sqrt(2)", 0]]])
    >>> r.name, r.exact
    ('su(2)', False)
    """
    if isinstance(algebra, FieldLieAlgebra):
        return identify_over_field(algebra, seed=seed)
    if isinstance(algebra, (list, tuple)):
        matrices = list(algebra)
        try:
            algebra = LieAlgebra.from_matrices(matrices)
        except OptionError:  # structure constants over a real number field, no rational basis
            return identify_over_field(FieldLieAlgebra.from_matrices(matrices), seed=seed)
    # The name is basis-independent: structure constants over a number field (the orthonormal
    # Gell-Mann basis) are named through the same algebra in a rational basis.
    L = _as_algebra(algebra).rational_form()
    try:
        with _one_blas_thread():
            return _identify(L, seed)
    except IdentificationError as err:
        raise IdentificationError(f"{err} [known: {_facts(L)}]") from None


_BLAS: list[ThreadpoolController] = []  # created on first use: it inspects the loaded libraries


def _one_blas_thread() -> contextlib.AbstractContextManager[object]:
    """Dense float linear algebra (eig and eigh of ``n x n`` ad matrices) on one BLAS thread.

    On a busy 2-core machine OpenBLAS's spinning threads made ``eig`` of a 496 x 496 matrix take
    9 s instead of 0.4 s on one thread (measured); identification runs no matrix big enough to
    gain from threads.
    """
    if not _BLAS:
        _BLAS.append(ThreadpoolController())
    return _BLAS[0].limit(limits=1, user_api="blas")


def _identify(L: LieAlgebra, seed: int) -> Identification:
    n = L.dim
    sig = L.killing_signature()
    ds = tuple(S.nrows() for S in L.derived_series_bases())
    lcs = tuple(S.nrows() for S in L.lower_central_series_bases())
    Z = L.center_basis()
    R = L.radical_basis()
    N = L.nilradical_basis()
    abelian = L.is_abelian
    solvable = ds[-1] == 0
    nilpotent = lcs[-1] == 0
    semisimple = sig[2] == 0
    evidence: dict[str, Evidence] = {
        "killing_inertia": "exact: charpoly of the Killing matrix and Descartes' rule of signs",
        "seed": seed,
    }
    ideals: list[SimpleIdeal] = []
    S_rows = None
    if R.nrows() < n:
        S_rows, _ = L.levi_bases()
        S = L if S_rows.nrows() == n else L.subalgebra(S_rows)
        ideals, ss_ev = _name_semisimple(S, seed)
        evidence.update(ss_ev)
        evidence["levi"] = ("whole algebra" if S_rows.nrows() == n
                            else "Levi subalgebra (GAP's correction along the derived series of the radical)")
    name, aliases = _compose_name(L, ideals, Z, R, seed)
    if n == 3:
        bianchi = {"su(2)": "Bianchi IX", "sl(2,R)": "Bianchi VIII"}.get(name)
        if abelian:
            bianchi = "Bianchi I"
        if bianchi:
            aliases = [*aliases, bianchi]
    cartan_type = _cartan_type_of(ideals)
    rank = sum(I.rank for I in ideals)
    return Identification(
        name=name,
        ascii_name=_ascii(name),
        aliases=tuple(dict.fromkeys(a for a in aliases if a != name)),
        dimension=n,
        cartan_type=cartan_type,
        killing_signature=sig,
        rank=rank,
        semisimple=semisimple,
        solvable=solvable,
        nilpotent=nilpotent,
        abelian=abelian,
        radical_dimension=R.nrows(),
        center_dimension=Z.nrows(),
        nilradical_dimension=N.nrows(),
        derived_series=ds,
        lower_central_series=lcs,
        ideals=tuple(ideals),
        evidence=MappingProxyType(evidence),
    )


def _ascii(name: str) -> str:
    return name.replace(OPLUS, "+").replace(SEMI, "x|")


_PAIR_ALIASES = {
    ("su(2)", "su(2)"): ["so(4)", "so(3) ⊕ so(3)"],
    ("sl(2,R)", "sl(2,R)"): ["so(2,2)"],
    ("su(2)", "sl(2,R)"): ["so*(4)"],
}


def _semisimple_name(ideals: Sequence[SimpleIdeal]) -> tuple[str, list[str]]:
    names = [I.real_form for I in ideals]
    name = f" {OPLUS} ".join(names)
    aliases: list[str] = []
    if len(ideals) == 1:
        aliases.extend(ideals[0].aliases)
    else:
        if len(names) == 2:
            aliases.extend(_PAIR_ALIASES.get((names[0], names[1]), []))
        # the same sum with each ideal under its first alias (so(3) ⊕ so(3)); not all mixtures
        if any(I.aliases for I in ideals):
            aliases.append(f" {OPLUS} ".join(I.aliases[0] if I.aliases else I.real_form for I in ideals))
    return name, [a for a in aliases if a != name]


def _kinematic_aliases(acting: Sequence[SimpleIdeal], rad_name: str, center: int) -> list[str]:
    """Galilei (so(3) ⋉ (boosts, translations, time): a nilpotent radical with [R, R] = the
    translations) and Schrödinger ((sl(2,R) ⊕ so(d)) ⋉ heis(2d+1)) algebras, by their pieces."""
    forms = sorted(I.real_form for I in acting)
    if forms == ["su(2)"] and rad_name == "nilpotent(dim=7, lower central series 7,3,0)" and center == 0:
        return ["Galilei algebra", "gal(3+1)"]
    if forms == ["sl(2,R)", "su(2)"] and rad_name == "heis(7)":
        return ["Schrödinger algebra", "sch(3+1)"]
    if forms == ["sl(2,R)"] and rad_name == "heis(3)":
        return ["Schrödinger algebra (1+1)", "Jacobi algebra"]
    return []


def _affine_aliases(shown: str, ss_aliases: Sequence[str], rad_name: str) -> list[str]:
    """iso(p,q) = so(p,q) ⋉ R^(p+q) (e(n), Poincaré for (3,1)), and sim(3) = so(3) ⋉ (R ⋉ R^3)."""
    out = []
    mm = re.fullmatch(r"so\((\d+)(?:,(\d+))?\)", shown)
    m = re.fullmatch(r"R\^(\d+)", rad_name)
    if mm and m:
        p, q = int(mm.group(1)), int(mm.group(2) or 0)
        if p + q == int(m.group(1)):
            if q == 0:
                out += [f"iso({p})", f"e({p})", f"Euclidean algebra of R^{p}"]
            else:
                out += [f"iso({p},{q})", f"iso({q},{p})"]
                if {p, q} == {3, 1}:
                    out += ["Poincaré algebra", "poincare(3,1)"]
    if rad_name == "A4,5(a=1,b=1)" and (shown in ("so(3)", "su(2)") or "so(3)" in ss_aliases):
        out += ["sim(3)", "co(3) ⋉ R^3"]
    return out


def _reductive_aliases(ideals: Sequence[SimpleIdeal], center: int, compact: int | None = None) -> list[str]:
    """u(p,q) = su(p,q) ⊕ u(1) (a compact centre), gl(n,R) = sl(n,R) ⊕ R (a non-compact one);
    both when the algebra came without matrices (``compact`` None)."""
    if len(ideals) != 1 or center != 1:
        return []
    out = []
    for nm in (ideals[0].real_form,) + tuple(ideals[0].aliases):
        m = re.fullmatch(r"su\((\d+(?:,\d+)?)\)", nm)
        if m and compact != 0:
            out.append(f"u({m.group(1)})")
        m = re.fullmatch(r"sl\((\d+),R\)", nm)
        if m and compact != 1:
            out.append(f"gl({m.group(1)},R)")
        m = re.fullmatch(r"so\((\d+(?:,\d+)?)\)", nm)
        if m and compact == 0:
            out.append(f"co({m.group(1)})")  # rotations (or Lorentz transformations) and dilations
    return out


def _abelian_algebra_name(n: int) -> tuple[str, list[str]]:
    """The name of the abelian algebra of dimension n (a whole algebra, not a factor)."""
    if n == 1:
        return "u(1)", ["so(2)", "R", "so(1,1)", "gl(1,R)"]
    return f"R^{n}", [f"u(1)^{n}"]


def _cartan_type_of(ideals: Sequence[SimpleIdeal]) -> str:
    """The complex type of the semisimple part, e.g. ``"A1+A1+G2"`` (letters, then ranks, ascending)."""
    return "+".join(
        sorted((t for I in ideals for t in I.type.split("+")), key=lambda s: (_LETTERS.index(s[0]), int(s[1:])))
    )


def _compose_name(
    L: LieAlgebra, ideals: list[SimpleIdeal], Z: flint.fmpq_mat, R: flint.fmpq_mat, seed: int
) -> tuple[str, list[str]]:
    n = L.dim
    if L.is_abelian:
        c = compact_dimension(L)
        if c is None:  # abstract: compactness is a property of a group, not of the algebra
            return _abelian_algebra_name(n)
        name = _torus_name(c, n - c)
        if n == 1:
            return name, ["so(2)"] if c else ["so(1,1)", "gl(1,R)"]
        return name, [_abelian_name(n)[0]] if c else []
    if not R.nrows():
        name, aliases = _semisimple_name(ideals)
        return name, aliases
    z = Z.nrows()
    if ideals and z == R.nrows() and xl.span(xl.stack([Z, R], n)).nrows() == z:
        # reductive: semisimple ⊕ centre, the centre named u(1)^z (IDENTIFICATION.md §5)
        ss, ss_al = _semisimple_name(ideals)
        c = compact_dimension(L, Z)
        cen = ("u(1)" if z == 1 else f"u(1)^{z}") if c is None else _torus_name(c, z - c)
        name = f"{ss} {OPLUS} {cen}"
        aliases = [f"{a} {OPLUS} {cen}" for a in ss_al] + _reductive_aliases(ideals, z, c)
        return name, aliases
    if not ideals:
        solvable_name, solvable_aliases = _name_solvable(L)
        return solvable_name, list(solvable_aliases)
    # general: L = [S ⋉ R'] ⊕ R^a
    a, W = _split_abelian(L)
    G = L if a == 0 else L.subalgebra(W)
    S_rows, R_rows = G.levi_bases()
    rad = G.subalgebra(R_rows)
    rad_name, _ = _name_solvable(rad)
    # ideals of S acting trivially on the radical split off as direct summands
    n_g = G.dim
    acts = G.brackets(S_rows, R_rows)  # rows (s, r) -> [x_s, r_r]
    s, rr = S_rows.nrows(), R_rows.nrows()
    # x = sum_s c_s x_s acts trivially iff sum_s c_s [x_s, r_j] = 0 for all j
    blocks = []
    ae = acts.entries()
    for j in range(rr):
        entries = [ae[(si * rr + j) * n_g + c] for si in range(s) for c in range(n_g)]
        blocks.append(flint.fmpq_mat(s, n_g, entries).transpose())
    Mtriv = xl.stack(blocks, s)
    triv_coef = xl.nullspace(Mtriv) if Mtriv.nrows() else xl.identity(s)
    parts: list[str] = []
    part_aliases: list[str] = []
    if triv_coef.nrows():
        S0 = G.subalgebra(triv_coef * S_rows)
        i0, _ = _name_semisimple(S0, seed)
        nm0, _ = _semisimple_name(i0)
        parts.append(nm0)
        Sfull = G.subalgebra(S_rows)
        comp = Sfull.killing_orthogonal(triv_coef)
        acting = _name_semisimple(G.subalgebra(comp * S_rows), seed)[0] if comp.nrows() else []
    else:
        acting = ideals
    ss_name, ss_al = _semisimple_name(acting)
    if not acting:
        semi = rad_name
    else:
        # write the acting part as so(p,q) when it has that alias and R = R^(p+q): the vector rep
        shown = ss_name
        m = re.fullmatch(r"R\^(\d+)", rad_name)
        k = int(m.group(1)) if m else (1 if rad_name == "R" else None)
        if k is not None:
            for al in [ss_name] + ss_al:
                mm = re.fullmatch(r"so\((\d+)(?:,(\d+))?\)", al)
                if mm and int(mm.group(1)) + int(mm.group(2) or 0) == k:
                    shown = al
                    break
        semi = f"{_paren(shown)} {SEMI} {_paren(rad_name)}"
        part_aliases += _affine_aliases(shown, ss_al, rad_name)
        part_aliases += _kinematic_aliases(acting, rad_name, L.center_basis().nrows())
        if shown != ss_name:
            part_aliases.append(f"{_paren(ss_name)} {SEMI} {_paren(rad_name)}")
        part_aliases += [f"{_paren(x)} {SEMI} {_paren(rad_name)}" for x in ss_al if x != shown]
    # direct summands: trivially acting simple ideals, the semidirect product, the abelian factor;
    # ⊕ is associative, so only a summand containing ⋉ needs parentheses
    head = parts[:]
    tail = [_abelian_factor_name(L, a)] if a else []

    def assemble(core: str) -> str:
        summands = head + [core] + tail
        if len(summands) == 1:
            return core
        return f" {OPLUS} ".join(f"({x})" if SEMI in x else x for x in summands)

    name = assemble(semi)
    part_aliases = [assemble(x) for x in part_aliases]
    return name, part_aliases


# ============================================================================================
# Structure constants over a real number field (no rational basis): numerically certified
# ============================================================================================


def identify_over_field(algebra: FieldLieAlgebra, *, seed: int = 0) -> Identification:
    """Name a real Lie algebra given by exact structure constants over a real number field.

    For algebras with no rational basis (the symmetries of ``x1**2 + sqrt(2)*x2**2 + x3**2``),
    following ``IDENTIFICATION.md`` §6.2 ("skip exactness for naming"):

    * **exact over K** (python-flint): the Killing form, its inertia (symmetric elimination and
      the exact sign of each pivot in the real embedding), the derived and lower central series,
      the centre, the radical, a Cartan subalgebra ``ker ad x``;
    * **numeric, certified**: the roots (eigenvalues of ``ad h`` in float64), with the same
      certificates as :func:`identify` (a clear gap between zero and root eigenvalues, Cartan
      integers integral within 1e-6, the root system regenerated from the Cartan matrix), and,
      when there are several simple ideals, each ideal's Killing inertia from an eigenvalue gap,
      which must add up to the exact total.

    Named: semisimple and reductive algebras (``semisimple ⊕ u(1)^z``), abelian and Heisenberg
    algebras. Any other non-semisimple algebra is refused with its exact invariants.

    Parameters
    ----------
    algebra : FieldLieAlgebra
    seed : int
        Seed of the random regular element and positive system (the answer does not depend on it).

    Returns
    -------
    Identification
        With ``exact=False`` and a ``note`` saying what was exact and what numeric.

    Raises
    ------
    IdentificationError
        When a certificate fails or the algebra is of a kind not named over a number field.

    Examples
    --------
    >>> import sympy as sp
    >>> from liealg.algebra import FieldLieAlgebra
    >>> M = [[[0, 1, 0], [-1, 0, 0], [0, 0, 0]],
    ...      [[0, 0, 1], [0, 0, 0], [sp.sqrt(3), 0, 0]],
    ...      [[0, 0, 0], [0, 0, 1], [0, sp.sqrt(3), 0]]]   # preserve x1^2 + x2^2 - x3^2/sqrt(3)
    >>> r = identify_over_field(FieldLieAlgebra.from_matrices(M))
    >>> r.name, r.killing_signature, r.exact
    ('sl(2,R)', (2, 1, 0), False)
    """
    if not isinstance(algebra, FieldLieAlgebra):
        raise OptionError(f"identify_over_field expects a FieldLieAlgebra, got {type(algebra).__name__}")
    try:
        return _identify_over_field(algebra, seed)
    except (IdentificationError, OptionError) as err:  # OptionError: the field's embedding or signs
        raise IdentificationError(f"{err} [structure constants over {algebra.field}, dim {algebra.dim}]") from None


def _identify_over_field(A: FieldLieAlgebra, seed: int) -> Identification:
    K, n = A.field, A.dim
    sig = K.inertia(A.killing_matrix())
    ds = tuple(S.shape[0] for S in A.derived_series_bases())
    lcs = tuple(S.shape[0] for S in A.lower_central_series_bases())
    Z = A.center_basis()
    z = Z.shape[0]
    rad = A.radical_basis().shape[0]
    D = A.derived_basis()
    abelian = D.shape[0] == 0
    facts = (f"dim {n}, Killing signature {sig} (exact), derived series {list(ds)}, lower central series "
             f"{list(lcs)}, centre dim {z}, radical dim {rad}")
    ideals: list[SimpleIdeal] = []
    evidence: dict[str, Evidence] = {
        "structure_constants": f"exact over {K}",
        "killing_inertia": f"exact: symmetric elimination over {K}, signs of the pivots in ball arithmetic",
        "seed": seed,
    }
    if abelian:
        name, aliases = _abelian_algebra_name(n)
        nil = n
    elif rad == 0:
        ideals, ss_ev = _name_semisimple_over_field(A, sig, seed)
        evidence.update(ss_ev)
        name, aliases = _semisimple_name(ideals)
        nil = 0
    elif rad == z:  # the radical is the centre: reductive, g = [g, g] ⊕ z with [g, g] semisimple
        S = A.subalgebra(D)
        ideals, ss_ev = _name_semisimple_over_field(S, K.inertia(S.killing_matrix()), seed)
        evidence.update(ss_ev)
        ss, ss_al = _semisimple_name(ideals)
        cen = "u(1)" if z == 1 else f"u(1)^{z}"
        name = f"{ss} {OPLUS} {cen}"
        aliases = [f"{a} {OPLUS} {cen}" for a in ss_al] + _reductive_aliases(ideals, z)
        nil = z
    elif D.shape[0] == 1 and z == 1 and (D - Z).is_zero():  # [g, g] = Z(g), one-dimensional
        name, aliases = f"heis({n})", [f"h_{n}"] + (["Bianchi II", "A3,1"] if n == 3 else [])
        nil = n
    else:
        raise IdentificationError(
            "a non-semisimple algebra over a number field is named only when it is abelian, reductive or "
            f"Heisenberg; this one is {'solvable' if ds[-1] == 0 else 'neither solvable nor reductive'} "
            f"[known: {facts}]")
    evidence["naming"] = "numerically certified"
    cartan_type = _cartan_type_of(ideals)
    note = (f"named numerically (certified) from exact structure constants over {K}: exact over {K} are the "
            "dimensions, the Killing form and its inertia, the series, centre and radical"
            + ("; the roots and Cartan integers are floating point, certified by eigenvalue gaps and "
               "integrality" if ideals else ""))
    return Identification(
        name=name,
        ascii_name=_ascii(name),
        aliases=tuple(dict.fromkeys(a for a in aliases if a != name)),
        dimension=n,
        cartan_type=cartan_type,
        killing_signature=sig,
        rank=sum(I.rank for I in ideals),
        semisimple=sig[2] == 0,
        solvable=ds[-1] == 0,
        nilpotent=lcs[-1] == 0,
        abelian=abelian,
        radical_dimension=rad,
        center_dimension=z,
        nilradical_dimension=nil,
        derived_series=ds,
        lower_central_series=lcs,
        ideals=tuple(ideals),
        evidence=MappingProxyType(evidence),
        exact=False,
        note=note,
    )


def _field_cartan_subalgebra(A: FieldLieAlgebra, rng: random.Random, tries: int = 3) -> FieldMatrix:
    """``ker ad x`` over K for the most regular of a few random integer ``x`` (exact; as
    :func:`_cartan_subalgebra`, with the generalized kernel from the ranks of powers of ``ad x``)."""
    n, mp = A.dim, A.field.minpoly
    best: tuple[int, FieldMatrix] | None = None
    for attempt in range(4 * tries):
        if best is not None and attempt >= tries:
            break
        x = FieldMatrix.from_rational(flint.fmpq_mat(1, n, [rng.randint(-7, 7) for _ in range(n)]), mp)
        M = A.ad_matrix(x)
        ranks = [M.rank()]
        power = M
        while True:  # the generalized kernel: ranks of M, M^2, ... until they stop falling
            power = power * M
            ranks.append(power.rank())
            if ranks[-1] == ranks[-2]:
                break
        mult0 = n - ranks[-1]
        if best is not None and mult0 >= best[0]:
            continue
        if ranks[0] == ranks[-1]:  # ker = generalized kernel: ad x is semisimple there
            best = (mult0, M.nullspace())
    if best is None:
        raise IdentificationError("no regular semisimple element found for a Cartan subalgebra")
    H = best[1]
    if not A.brackets(H, H).is_zero():
        raise IdentificationError("internal: ker ad x is not abelian (x not regular); try another seed")
    return H


def _field_exact_frame(
    A: FieldLieAlgebra, H: FieldMatrix
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_exact_frame` over K: a Killing-orthogonal basis by symmetric Gram–Schmidt over K
    (exact signs of the squares), the ad matrices transformed exactly, then rounded."""
    K, n, r = A.field, A.dim, H.shape[0]
    mp = K.minpoly
    Kill = A.killing_matrix()
    V = FieldMatrix.from_rational(xl.identity(n), mp)
    rows: list[FieldMatrix] = []
    squares: list[tuple[flint.fmpq, ...]] = []
    while V.shape[0]:
        m = V.shape[0]
        G = V * Kill * V.transpose()
        diag = [G.entry(i, i) for i in range(m)]
        nonzero = [i for i in range(m) if any(diag[i])]
        if nonzero:
            best = max(nonzero, key=lambda i: abs(K.to_float(diag[i])))
            f = V.rows([best])
        else:  # all isotropic: v_i + v_j with K(v_i, v_j) != 0 is not
            i, j = next((i, j) for i in range(m) for j in range(m) if any(G.entry(i, j)))
            f = V.rows([i]) + V.rows([j])
        Kf = Kill * f.transpose()  # (n, 1)
        d = f * Kf  # (1, 1), not zero
        rows.append(f)
        squares.append(d.entry(0, 0))
        V = V - (V * Kf) * d.inverse() * f
        V = V.rref()[0] if V.shape[0] else V  # drops the dependent row
    F = FieldMatrix([xl.stack([R.parts[s] for R in rows], n) for s in range(K.degree)], mp)
    FT = F.transpose()
    FTinv = FT.inverse()
    sc = np.sqrt(np.abs(np.array([K.to_float(d) for d in squares])))
    adH = []
    for a in range(r):
        Af = K.float_matrix(FTinv * A.ad_matrix(H.rows([a])) * FT)  # exact, then rounded
        adH.append(Af * sc[:, None] / sc[None, :])
    Hn = K.float_matrix(FTinv * H.transpose()) * sc[:, None]
    Bm = K.float_matrix(FT) / sc[None, :]
    signs = np.array([float(K.sign(d)) for d in squares])
    return Bm, signs, np.array(adH), Hn


def _name_semisimple_over_field(
    A: FieldLieAlgebra, sig: tuple[int, int, int], seed: int
) -> tuple[list[SimpleIdeal], dict[str, Evidence]]:
    """Simple ideals of a semisimple algebra over K: exact Cartan subalgebra, numeric roots."""
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    K, n = A.field, A.dim
    H = _field_cartan_subalgebra(A, rng)
    Hf = K.float_matrix(H)
    Kf = K.float_matrix(A.killing_matrix())
    Af = np.array([K.float_matrix(M) for M in A.ad_matrices()])
    try:
        data = _root_data_in(Hf, nrng, _float_frame_of(Kf, np.tensordot(Hf, Af, axes=1), Hf))
    except _Retry as err:
        first = str(err)
        try:
            data = _root_data_in(Hf, nrng, _field_exact_frame(A, H))
        except _Retry as err2:
            raise IdentificationError(
                f"could not certify the root system numerically (float frame: {first}; exact frame: {err2})"
            ) from None
    groups = data.groups
    if sum(g.dimension for g in groups) != n:
        raise IdentificationError(
            f"roots and Cartan subalgebra account for dim {sum(g.dimension for g in groups)}, not {n}")
    evidence: dict[str, Evidence] = {
        "cartan_subalgebra_dimension": H.shape[0],
        "cartan_subalgebra": f"exact over {K}: ker ad x, x regular",
        "roots": int(data.values.shape[0]),
        "eigenvalue_gap": data.eig_gap,
        "cartan_integer_max_error": max((c.max_error for g in groups for c in g.components), default=0.0),
    }
    if len(groups) == 1:
        signatures = [(sig, True)]
        evidence["ideal_split"] = "single ideal"
    else:
        parts = [_numeric_group_signature(data, g) for g in groups]
        total = tuple(sum(p[i] for p in parts) for i in range(3))
        if total != sig:
            raise IdentificationError(f"numeric ideal signatures {parts} do not add up to the exact {sig}")
        signatures = [(p, False) for p in parts]
        evidence["ideal_split"] = "numeric: root components, per-ideal inertia by eigenvalue gaps, sum exact"
    ideals = [_name_group(grp, s, exact, data) for grp, (s, exact) in zip(groups, signatures)]
    ideals.sort(key=_ideal_order)
    return ideals, evidence
