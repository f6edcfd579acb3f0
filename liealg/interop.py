"""Carry an algebra to GAP and to sympy, and back.

GAP
---
GAP's Lie algebra package builds an algebra from a *structure-constant table* (SCTable). Two
forms of the same exact table are written and read here:

* :func:`to_gap`: a GAP script (``EmptySCTable``, one ``SetEntrySCTable`` per nonzero bracket,
  ``LieAlgebraByStructureConstants(Rationals, T)``), to paste into GAP or run with
  ``gap -q -b < file.g``;
* :func:`to_gap_table`: the table itself as GAP prints it (``Print(T)`` or
  ``StructureConstantsTable(Basis(L))``): a nested list ``[[[[k...], [c...]], ...], -1, 0]``.

:func:`from_gap` reads either form back (safely: a small tokenizer for lists of integers and
rationals, never GAP or Python evaluation). Indices are 1-based in GAP and 0-based in liealg;
the conversion is done here. Algebras whose structure constants lie in a number field (the
orthonormal Gell-Mann basis of su(3)) are exported in their rational basis
(:meth:`~liealg.algebra.LieAlgebra.rational_form`), the same real Lie algebra, and the script
says so.

When GAP is installed, :func:`gap_semisimple_types` asks GAP's ``SemiSimpleType`` (of the Levi
factor) for the complex type of one or many algebras in one GAP session, and
:func:`check_with_gap` compares it with :func:`liealg.identify`'s ``cartan_type``. GAP answers
over the complex numbers only: so(4) and so(3,1) are both ``A1 A1`` to GAP.

sympy
-----
Generators are already ``sympy.ImmutableMatrix``. :func:`structure_constants_array` gives the
structure constants as a sympy ``ImmutableDenseNDimArray`` ``C[i, j, k] = c_ij^k`` (shape
``(n, n, n)``), which ``sympy.tensorcontraction`` and friends accept;
:func:`from_structure_constants_array` reads one back.

>>> from liealg.algebra import LieAlgebra
>>> L = LieAlgebra.from_structure_constants(3, [[0, 1, 2, 1], [1, 2, 0, 1], [0, 2, 1, -1]])
>>> print(to_gap(L), end='')
# liealg: a real Lie algebra of dimension 3 (3 nonzero brackets)
T := EmptySCTable(3, 0, "antisymmetric");;
SetEntrySCTable(T, 1, 2, [1, 3]);;
SetEntrySCTable(T, 1, 3, [-1, 2]);;
SetEntrySCTable(T, 2, 3, [1, 1]);;
L := LieAlgebraByStructureConstants(Rationals, T);;
>>> from_gap(to_gap_table(L)) == L
True
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import sympy as sp

from liealg.algebra import LieAlgebra
from liealg.errors import InputFileError, LieAlgError, NotALieAlgebraError, OptionError

__all__ = [
    "to_gap",
    "to_gap_table",
    "from_gap",
    "load_gap",
    "find_gap",
    "gap_semisimple_types",
    "gap_semisimple_type",
    "GapCheck",
    "check_with_gap",
    "normalize_cartan_type",
    "structure_constants_array",
    "from_structure_constants_array",
]

#: The largest GAP text :func:`from_gap` reads (characters); e8's table is about 3 MB.
MAX_GAP_TEXT = 50_000_000


# --------------------------------------------------------------------------------------------
# liealg -> GAP
# --------------------------------------------------------------------------------------------


def _rational(algebra: LieAlgebra) -> tuple[LieAlgebra, str | None]:
    """The algebra with rational structure constants, and a remark when it changed basis."""
    if not isinstance(algebra, LieAlgebra):
        raise OptionError(f"expected a LieAlgebra, got {type(algebra).__name__}")
    if str(algebra.field) == "QQ":
        return algebra, None
    return algebra.rational_form(), (
        f"the structure constants lie in {algebra.field} in the given basis; GAP gets the same "
        "real Lie algebra in its rational basis (LieAlgebra.rational_form())")


def _gap_number(c: sp.Expr) -> str:
    r = sp.Rational(c)
    return str(r.p) if r.q == 1 else f"{r.p}/{r.q}"


def to_gap(algebra: LieAlgebra, *, name: str = "L", semisimple_type: bool = False) -> str:
    """A GAP script that builds ``algebra`` from its exact structure-constant table.

    Parameters
    ----------
    algebra : LieAlgebra
    name : str
        The GAP variable that holds the algebra (the table is ``T``).
    semisimple_type : bool
        Also print GAP's ``SemiSimpleType`` of the Levi factor (``none`` for a solvable algebra).

    Returns
    -------
    str
        GAP code, one statement per line; basis element ``e_i`` of liealg is ``Basis(L)[i+1]``.

    Examples
    --------
    >>> from liealg.algebra import LieAlgebra
    >>> H = LieAlgebra.from_structure_constants(3, [[0, 1, 2, "1/2"]])
    >>> print(to_gap(H, name="H"), end="")
    # liealg: a real Lie algebra of dimension 3 (1 nonzero brackets)
    T := EmptySCTable(3, 0, "antisymmetric");;
    SetEntrySCTable(T, 1, 2, [1/2, 3]);;
    H := LieAlgebraByStructureConstants(Rationals, T);;
    """
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name):
        raise OptionError(f"name must be a GAP identifier (letters, digits, _), got {name!r}")
    L, remark = _rational(algebra)
    sc = L.structure_constants
    lines = [f"# liealg: a real Lie algebra of dimension {L.dim} ({len(sc)} nonzero brackets)"]
    if remark:
        lines.append(f"# {remark}")
    lines.append(f'T := EmptySCTable({L.dim}, 0, "antisymmetric");;')
    for (i, j), comps in sorted(sc.items()):
        entry = ", ".join(f"{_gap_number(c)}, {k + 1}" for k, c in sorted(comps.items()))
        lines.append(f"SetEntrySCTable(T, {i + 1}, {j + 1}, [{entry}]);;")
    lines.append(f"{name} := LieAlgebraByStructureConstants(Rationals, T);;")
    if semisimple_type:
        lines.append(_gap_type_statement(name, "RESULT"))
    return "\n".join(lines) + "\n"


def _gap_type_statement(name: str, tag: str) -> str:
    return (f"S := LeviMalcevDecomposition({name})[1];; "
            f'if Dimension(S) = 0 then Print("{tag} none\\n"); '
            f'else Print("{tag} ", SemiSimpleType(S), "\\n"); fi;')


def to_gap_table(algebra: LieAlgebra) -> str:
    """The structure-constant table as GAP prints it: ``[T_11, ..., T_nn rows, -1, 0]``.

    Row ``i`` lists ``T[i][j] = [[k, ...], [c, ...]]`` (1-based, ``k`` increasing) for every
    ``j``, with ``[e_i, e_j] = sum c e_k``; ``-1`` marks an antisymmetric table and ``0`` is its
    zero. GAP reads it back with ``LieAlgebraByStructureConstants(Rationals, T)``.

    Examples
    --------
    >>> from liealg.algebra import LieAlgebra
    >>> print(to_gap_table(LieAlgebra.from_structure_constants(2, [[0, 1, 1, 1]])))
    [ [ [ [  ], [  ] ], [ [ 2 ], [ 1 ] ] ],
      [ [ [ 2 ], [ -1 ] ], [ [  ], [  ] ] ], -1, 0 ]
    """
    L, _ = _rational(algebra)
    n = L.dim
    full: dict[tuple[int, int], dict[int, sp.Expr]] = {}
    for (i, j), comps in L.structure_constants.items():
        full[(i, j)] = dict(comps)
        full[(j, i)] = {k: -c for k, c in comps.items()}
    rows = []
    for i in range(n):
        cells = []
        for j in range(n):
            cell = sorted(full.get((i, j), {}).items())
            ks = ", ".join(str(k + 1) for k, _ in cell)
            cs = ", ".join(_gap_number(c) for _, c in cell)
            cells.append(f"[ [ {ks} ], [ {cs} ] ]" if cell else "[ [  ], [  ] ]")
        rows.append("[ " + ", ".join(cells) + " ]")
    return "[ " + ",\n  ".join(rows) + ", -1, 0 ]"


# --------------------------------------------------------------------------------------------
# GAP -> liealg
# --------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(\[)|(\])|(,)|(-?\d+(?:/\d+)?)|(\\\n))")


def _parse_list(text: str) -> object:
    """A GAP list of integers and rationals (nested), as Python lists of Fractions."""
    root: list[object] = []
    stack: list[list[object]] = [root]
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            rest = text[pos:].lstrip()
            if not rest:
                break
            raise NotALieAlgebraError(
                f"not a GAP structure-constant table: unexpected {rest[:20]!r} at character {pos} "
                "(only lists of integers and rationals such as -1/2 are read)")
        pos = m.end()
        opened, closed, _comma, number, _continued = m.groups()
        if opened:
            new: list[object] = []
            stack[-1].append(new)
            stack.append(new)
        elif closed:
            if len(stack) == 1:
                raise NotALieAlgebraError(f"not a GAP structure-constant table: unbalanced ']' at character {pos}")
            stack.pop()
        elif number:
            stack[-1].append(Fraction(number))
    if len(stack) != 1:
        raise NotALieAlgebraError("not a GAP structure-constant table: a '[' is never closed (truncated text?)")
    if len(root) != 1:
        raise NotALieAlgebraError("not a GAP structure-constant table: expected one list")
    return root[0]


def _from_table(table: object) -> LieAlgebra:
    bad = "not a GAP structure-constant table"
    if not isinstance(table, list) or len(table) < 3:
        raise NotALieAlgebraError(f"{bad}: expected a list [row_1, ..., row_n, symmetry, zero]")
    n = len(table) - 2
    if table[n] != -1:
        raise NotALieAlgebraError(
            f"{bad} of a Lie algebra: the symmetry flag is {table[n]!r}, not -1 (antisymmetric)")
    if table[n + 1] != 0:
        raise NotALieAlgebraError(f"{bad}: its zero element is {table[n + 1]!r}, not 0 (rationals)")
    brackets: dict[tuple[int, int], dict[int, Fraction]] = {}
    for i in range(n):
        row = table[i]
        if not isinstance(row, list) or len(row) != n:
            raise NotALieAlgebraError(f"{bad}: row {i + 1} must have {n} entries")
        for j in range(n):
            cell = row[j]
            if not (isinstance(cell, list) and len(cell) == 2 and all(isinstance(p, list) for p in cell)
                    and len(cell[0]) == len(cell[1])):
                raise NotALieAlgebraError(f"{bad}: entry [{i + 1}][{j + 1}] must be [[k, ...], [c, ...]]")
            comps: dict[int, Fraction] = {}
            for k, c in zip(cell[0], cell[1]):
                if not (isinstance(k, Fraction) and k.denominator == 1 and 1 <= k <= n):
                    raise NotALieAlgebraError(f"{bad}: entry [{i + 1}][{j + 1}]: index {k} out of range 1..{n}")
                if int(k) - 1 in comps:
                    raise NotALieAlgebraError(f"{bad}: entry [{i + 1}][{j + 1}]: index {k} twice")
                comps[int(k) - 1] = c
            comps = {k: c for k, c in comps.items() if c != 0}
            if i == j and comps:
                raise NotALieAlgebraError(f"{bad} of a Lie algebra: [e_{i + 1}, e_{i + 1}] is not zero")
            brackets[(i, j)] = comps
    for i in range(n):
        for j in range(i + 1, n):
            if brackets[(j, i)] != {k: -c for k, c in brackets[(i, j)].items()}:
                raise NotALieAlgebraError(
                    f"{bad} of a Lie algebra: entries [{i + 1}][{j + 1}] and [{j + 1}][{i + 1}] "
                    "are not opposite (antisymmetry fails)")
    return LieAlgebra.from_structure_constants(
        n, [[i, j, k, str(c)] for (i, j), comps in sorted(brackets.items()) if i < j for k, c in sorted(comps.items())]
        or {})


_EMPTY = re.compile(r'(\w+)\s*:=\s*EmptySCTable\(\s*(\d+)\s*,\s*0\s*,\s*"antisymmetric"\s*\)')
_SET = re.compile(r"SetEntrySCTable\(\s*(\w+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\[[^\]]*\])\s*\)")


def _from_script(text: str) -> LieAlgebra:
    code = re.sub(r"#[^\n]*", "", text)
    empty = _EMPTY.findall(code)
    if len(empty) != 1:
        raise NotALieAlgebraError(
            'not a GAP script of one algebra: expected exactly one T := EmptySCTable(n, 0, "antisymmetric")')
    var, n_text = empty[0]
    n = int(n_text)
    entries: list[list[object]] = []
    seen: set[tuple[int, int]] = set()
    for table, i_text, j_text, values in _SET.findall(code):
        i, j = int(i_text), int(j_text)
        if table != var:
            raise NotALieAlgebraError(f"SetEntrySCTable on {table!r}, but the table is {var!r}")
        parsed = _parse_list(values)
        assert isinstance(parsed, list)
        if len(parsed) % 2 or not all(isinstance(v, Fraction) for v in parsed):
            raise NotALieAlgebraError(f"SetEntrySCTable({var}, {i}, {j}, ...): expected [c1, k1, c2, k2, ...]")
        if not (1 <= i <= n and 1 <= j <= n) or i == j:
            raise NotALieAlgebraError(f"SetEntrySCTable({var}, {i}, {j}, ...): indices must be distinct, in 1..{n}")
        if (min(i, j), max(i, j)) in seen:
            raise NotALieAlgebraError(f"SetEntrySCTable({var}, {i}, {j}, ...) is set twice")
        seen.add((min(i, j), max(i, j)))
        sign = 1 if i < j else -1
        for c, k in zip(parsed[0::2], parsed[1::2]):
            assert isinstance(k, Fraction) and isinstance(c, Fraction)
            if k.denominator != 1 or not 1 <= k <= n:
                raise NotALieAlgebraError(f"SetEntrySCTable({var}, {i}, {j}, ...): index {k} out of range 1..{n}")
            entries.append([min(i, j) - 1, max(i, j) - 1, int(k) - 1, str(sign * c)])
    if n < 1:
        raise NotALieAlgebraError("EmptySCTable: the dimension must be positive")
    return LieAlgebra.from_structure_constants(n, entries)


def from_gap(text: str) -> LieAlgebra:
    """Read a GAP structure-constant table, or a GAP script of the form :func:`to_gap` writes.

    Parameters
    ----------
    text : str
        Either the table as GAP prints it (``[[[[k..], [c..]], ...], -1, 0]``, 1-based), or GAP
        code with one ``T := EmptySCTable(n, 0, "antisymmetric")`` and ``SetEntrySCTable(T, i,
        j, [c1, k1, ...])`` statements (other statements are ignored). Only integers and
        rationals are read: GAP's cyclotomics (``E(4)``) are refused.

    Returns
    -------
    LieAlgebra
        Basis element ``e_i`` is GAP's ``Basis(L)[i+1]``; the Jacobi identity is checked.

    Raises
    ------
    NotALieAlgebraError
        Text that is not such a table, a table that is not antisymmetric, or fails Jacobi.

    Examples
    --------
    >>> L = from_gap("[ [ [ [ ], [ ] ], [ [ 2 ], [ 1 ] ] ], [ [ [ 2 ], [ -1 ] ], [ [ ], [ ] ] ], -1, 0 ]")
    >>> L.dim, L.structure_constants[(0, 1)]
    (2, mappingproxy({1: 1}))
    """
    if not isinstance(text, str):
        raise OptionError(f"from_gap reads GAP text (str), got {type(text).__name__}")
    if len(text) > MAX_GAP_TEXT:
        raise NotALieAlgebraError(f"GAP text of {len(text)} characters is longer than the limit {MAX_GAP_TEXT}")
    if "EmptySCTable" in text:
        return _from_script(text)
    start = text.find("[")
    if start < 0:
        raise NotALieAlgebraError("not a GAP structure-constant table: no '[' found")
    body = text[start:].rstrip().rstrip(";").rstrip()
    return _from_table(_parse_list(body))


def load_gap(path: str | os.PathLike[str]) -> LieAlgebra:
    """:func:`from_gap` on a file; problems raise :class:`~liealg.errors.InputFileError` naming it."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_GAP_TEXT:
            raise InputFileError(f"GAP file '{p}' has {size} bytes, more than the limit {MAX_GAP_TEXT}")
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputFileError(f"GAP file '{p}' does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"cannot read GAP file '{p}': {exc}") from None
    try:
        return from_gap(text)
    except LieAlgError as exc:
        raise InputFileError(f"{p}: {exc}") from None


# --------------------------------------------------------------------------------------------
# Running GAP
# --------------------------------------------------------------------------------------------


def find_gap(gap: str | None = None) -> str:
    """The GAP executable: ``gap`` if given, else ``$LIEALG_GAP``, else ``gap`` on the PATH.

    Raises
    ------
    OptionError
        GAP is not installed (with how to install it).
    """
    candidate = gap or os.environ.get("LIEALG_GAP") or "gap"
    found = shutil.which(candidate)
    if found is None:
        raise OptionError(f"GAP was not found ({candidate!r}); install it (Debian: apt-get install gap-core "
                          "gap-libs) or give its path (LIEALG_GAP=/path/to/gap)")
    return found


def normalize_cartan_type(text: str) -> str:
    """A complex type in liealg's spelling: components sorted and joined by ``+``.

    GAP writes a direct sum with spaces (``"A1 A1"``), liealg with ``+`` (``"A1+A1"``); a solvable
    algebra has the empty type.

    >>> normalize_cartan_type("B2 A1"), normalize_cartan_type("none"), normalize_cartan_type("A2+A1")
    ('A1+B2', '', 'A1+A2')
    """
    parts = [p for p in re.split(r"[\s+]+", text.strip()) if p and p != "none"]
    return "+".join(sorted(parts, key=lambda t: (t[0], int(t[1:]) if t[1:].isdigit() else 0)))


def gap_semisimple_types(algebras: Sequence[LieAlgebra], *, gap: str | None = None,
                         timeout: float = 600) -> list[str]:
    """GAP's ``SemiSimpleType`` of the Levi factor of each algebra, in one GAP session.

    Returns
    -------
    list of str
        In liealg's spelling (:func:`normalize_cartan_type`): ``"A1+A1"``, ``""`` for a
        solvable algebra.

    Raises
    ------
    OptionError
        GAP is not installed.
    LieAlgError
        GAP failed or timed out (the message carries the end of its error output).
    """
    exe = find_gap(gap)
    parts = []
    for idx, L in enumerate(algebras):
        parts.append(to_gap(L, name="L"))
        parts.append(_gap_type_statement("L", f"RESULT {idx}"))
    script = "\n".join(parts) + "\nQUIT;\n"
    try:
        proc = subprocess.run([exe, "-q", "-b"], input=script, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise LieAlgError(f"GAP did not answer within {timeout:g} s") from None
    found: dict[int, str] = {}
    for line in proc.stdout.splitlines():
        m = re.match(r"RESULT (\d+) (.*)$", line.strip())
        if m:
            found[int(m.group(1))] = normalize_cartan_type(m.group(2))
    missing = [i for i in range(len(algebras)) if i not in found]
    if missing:
        raise LieAlgError(f"GAP gave no answer for algebra(s) {missing}; its output ends: "
                          f"{(proc.stderr or proc.stdout)[-500:].strip()!r}")
    return [found[i] for i in range(len(algebras))]


def gap_semisimple_type(algebra: LieAlgebra, *, gap: str | None = None, timeout: float = 600) -> str:
    """GAP's complex type of one algebra (see :func:`gap_semisimple_types`)."""
    return gap_semisimple_types([algebra], gap=gap, timeout=timeout)[0]


@dataclass(frozen=True)
class GapCheck:
    """liealg's complex type of an algebra next to GAP's.

    Attributes
    ----------
    liealg : str
        ``identify(algebra).cartan_type`` (sorted, ``+``-joined; ``""`` when solvable).
    gap : str
        GAP's ``SemiSimpleType`` of the Levi factor, in the same spelling.
    name : str
        liealg's full name (with the real form, which GAP does not give).
    seconds : float
        GAP's wall time, start-up included.
    """

    liealg: str
    gap: str
    name: str
    seconds: float

    @property
    def agree(self) -> bool:
        return normalize_cartan_type(self.liealg) == normalize_cartan_type(self.gap)

    def __str__(self) -> str:
        verdict = "agree" if self.agree else "DISAGREE"
        return (f"liealg: {self.name} (complex type {self.liealg or 'none'}); "
                f"GAP SemiSimpleType: {self.gap or 'none'}; {verdict}")


def check_with_gap(algebra: LieAlgebra, *, identification: object = None, gap: str | None = None,
                   timeout: float = 600) -> GapCheck:
    """Compare liealg's complex type of ``algebra`` with GAP's ``SemiSimpleType``.

    Parameters
    ----------
    algebra : LieAlgebra
    identification : Identification, optional
        ``identify(algebra)`` when already computed.
    """
    if identification is None:
        from liealg.identification import identify

        identification = identify(algebra)
    t0 = time.perf_counter()
    theirs = gap_semisimple_type(algebra, gap=gap, timeout=timeout)
    ours = normalize_cartan_type(str(getattr(identification, "cartan_type")))  # noqa: B009
    return GapCheck(liealg=ours, gap=theirs, name=str(getattr(identification, "name")),  # noqa: B009
                    seconds=time.perf_counter() - t0)


# --------------------------------------------------------------------------------------------
# sympy
# --------------------------------------------------------------------------------------------


def structure_constants_array(algebra: LieAlgebra) -> sp.ImmutableDenseNDimArray:
    """The structure constants as a sympy array ``C[i, j, k] = c_ij^k``, shape ``(n, n, n)``.

    ``[e_i, e_j] = sum_k C[i, j, k] e_k``, both orders of ``i, j`` filled in; entries are exact
    (rational, or in the algebra's number field).

    Examples
    --------
    >>> import sympy
    >>> from liealg.algebra import LieAlgebra
    >>> L = LieAlgebra.from_structure_constants(3, [[0, 1, 2, 1], [1, 2, 0, 1], [0, 2, 1, -1]])
    >>> C = structure_constants_array(L)
    >>> C.shape, C[0, 1, 2], C[1, 0, 2]
    ((3, 3, 3), 1, -1)
    >>> sympy.tensorcontraction(sympy.tensorproduct(C, C), (1, 5), (2, 4))  # the Killing form
    [[-2, 0, 0], [0, -2, 0], [0, 0, -2]]
    """
    n = algebra.dim
    data: dict[tuple[int, int, int], sp.Expr] = {}
    for (i, j), comps in algebra.structure_constants.items():
        for k, c in comps.items():
            data[(i, j, k)] = c
            data[(j, i, k)] = -c
    flat = [data.get((i, j, k), sp.Integer(0)) for i in range(n) for j in range(n) for k in range(n)]
    return sp.ImmutableDenseNDimArray(flat, (n, n, n))


def from_structure_constants_array(array: object) -> LieAlgebra:
    """The Lie algebra of a sympy (or nested-list) array ``C[i, j, k] = c_ij^k``, shape ``(n, n, n)``.

    Raises
    ------
    NotALieAlgebraError
        Wrong shape, not antisymmetric in ``i, j``, non-exact entries, or Jacobi fails.

    >>> from liealg.algebra import LieAlgebra
    >>> L = LieAlgebra.from_structure_constants(3, [[0, 1, 2, 1], [1, 2, 0, 1], [0, 2, 1, -1]])
    >>> from_structure_constants_array(structure_constants_array(L)) == L
    True
    """
    A = sp.ImmutableDenseNDimArray(array)
    shape = tuple(int(s) for s in A.shape)
    if len(shape) != 3 or len(set(shape)) != 1:
        raise NotALieAlgebraError(f"structure constants must have shape (n, n, n), got {shape}")
    n = shape[0]
    entries: list[list[object]] = []
    for i in range(n):
        for j in range(n):
            for k in range(n):
                c, d = A[i, j, k], A[j, i, k]
                if sp.simplify(c + d) != 0:
                    raise NotALieAlgebraError(f"C[{i}, {j}, {k}] = {c} but C[{j}, {i}, {k}] = {d}: not antisymmetric")
                if i < j and c != 0:
                    entries.append([i, j, k, c])
    return LieAlgebra.from_structure_constants(n, entries)
