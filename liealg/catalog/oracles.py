"""Reference oracles with known symmetry algebras: the test zoo of liealg.

Every :class:`CatalogEntry` pairs an oracle (built on demand by a factory) with what the pipeline
must find: the dimension of the linear symmetry algebra, its name, the complex (Cartan) type of
its semisimple part, the Killing-form signature and the real rank. Expected signatures are taken
from the table of real simple Lie algebras (``IDENTIFICATION.md`` §3), via the formulas of §3.1:
``dim k`` = number of negative Killing eigenvalues, ``dim p`` = number of positive ones.

Families (factories; each returns a :class:`CatalogEntry`):

===================  ===============================================  =================  ==========
factory              oracle                                           algebra            dimension
===================  ===============================================  =================  ==========
``so(p, q)``         x1^2 + ... + xp^2 - ... - x_{p+q}^2              so(p,q)            n(n-1)/2
``u(p, q)``          sum +-z_i conj(z_i)  (complex)                   u(p,q)             n^2
``su(p, q)``         [h(z^1, z^1), det(z^1, ..., z^n)]  (complex)     su(p,q)            n^2 - 1
``sl(n)``            det(x^1, ..., x^n)                               sl(n,R)            n^2 - 1
``sp(n)``            omega(x, y) = sum x_i y_{n+i} - x_{n+i} y_i      sp(2n,R)           n(2n+1)
``u_from_forms(n)``  [x.x, omega(x, y)]                               u(n)               n^2
===================  ===============================================  =================  ==========

Fixed entries: ``lorentz`` (so(3,1)), ``g2``, ``g2_split``, ``f4``, ``f4_traceless``, ``e6``, ``e7``
(E7(7)) and ``e7(-25)``.
:data:`CATALOG` holds a default selection; :func:`get` also builds any family member from its key,
e.g. ``get("so(7,2)")``, ``get("su(2,3)")``, ``get("sp(6,R)")``, ``get("u_from_forms(4)")``.

Killing signatures are ``(positive, negative, zero)``; for reductive algebras such as ``u(p,q)``
the centre adds zeros (the Killing form of ``su(p,q) + u(1)`` is that of ``su(p,q)`` plus a zero).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import sympy

from liealg.errors import OptionError, OracleError
from liealg.oracle import Oracle

__all__ = [
    "CATALOG",
    "FAMILY_PATTERNS",
    "SU_FORMULATIONS",
    "CatalogEntry",
    "e6",
    "f4",
    "f4_traceless",
    "e7",
    "e7_quaternionic",
    "g2",
    "g2_split",
    "get",
    "keys",
    "lorentz",
    "sl",
    "so",
    "sp",
    "su",
    "u",
    "u_from_forms",
]


@dataclass(frozen=True)
class CatalogEntry:
    """One reference oracle and the symmetry algebra it must produce.

    Attributes
    ----------
    key : str
        The registry key, e.g. ``"so(3,1)"``, ``"su(3)"``, ``"g2"``.
    title : str
        One line for reports.
    oracle_factory : callable () -> Oracle
        Builds the oracle; :meth:`oracle` caches its result.
    dimension : int
        Dimension of the full linear symmetry algebra (what the exact solver must return).
    name : str
        The expected name in liealg's notation, spelled as ``identify`` spells it (``"so(3,1)"``,
        ``"u(2)"``, ``"E6(-26)"``).
    killing_signature : tuple of int
        ``(positive, negative, zero)`` eigenvalue counts of the Killing form.
    description : str
        The formula, its variables and why it has this symmetry.
    cartan_type : str or None
        Complex type of the semisimple part (``"A2"``, ``"A1+A1"``, ``"G2"``); None when the
        algebra is abelian.
    real_rank : int
        The real rank (dimension of a maximal split abelian subalgebra of ``p``).
    aliases : tuple of str
        Isomorphic names (``so(3) = su(2) = sp(1)``); an identifier may print any of them.
    heavy : bool
        True when building the oracle or solving it exactly takes more than a few seconds.

    Examples
    --------
    >>> entry = get("lorentz")
    >>> entry.dimension, entry.name, entry.killing_signature
    (6, 'so(3,1)', (3, 3, 0))
    """

    key: str
    title: str
    oracle_factory: Callable[[], Oracle] = field(repr=False, compare=False)
    dimension: int
    name: str
    killing_signature: tuple[int, int, int]
    description: str
    cartan_type: str | None = None
    real_rank: int = 0
    aliases: tuple[str, ...] = ()
    heavy: bool = False

    def __post_init__(self) -> None:
        # Invariants checked at construction: a wrong entry would silently mis-test the pipeline.
        if sum(self.killing_signature) != self.dimension:
            raise OptionError(f"{self.key}: Killing signature {self.killing_signature} does not add up "
                             f"to the dimension {self.dimension}")

    def oracle(self) -> Oracle:
        """The oracle (built once per key and cached; large ones take seconds to build)."""
        return _cached_oracle(self.key, self.oracle_factory)

    @property
    def names(self) -> tuple[str, ...]:
        """``name`` followed by the aliases."""
        return (self.name,) + self.aliases


_ORACLE_CACHE: dict[str, Oracle] = {}


def _cached_oracle(key: str, factory: Callable[[], Oracle]) -> Oracle:
    if key not in _ORACLE_CACHE:
        _ORACLE_CACHE[key] = factory()
    return _ORACLE_CACHE[key]


# ---------------------------------------------------------------------------- helpers
def _real(name: str) -> sympy.Symbol:
    return sympy.Symbol(name, real=True)


def _vector(prefix: str, d: int, *, real: bool = True) -> tuple[sympy.Symbol, ...]:
    make = _real if real else sympy.Symbol
    return tuple(make(f"{prefix}{i}") for i in range(1, d + 1))


def _check_int(value: object, what: str, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise OracleError(f"{what} must be an integer >= {minimum}, got {value!r}")
    return value


def _laplace_det(rows: Sequence[Sequence[sympy.Expr]]) -> sympy.Expr:
    """The determinant by Laplace expansion along the rows, left nested (not expanded).

    Nested, every sum has at most ``n`` terms, so lambdify's generated code stays shallow; a flat
    expansion of a 7 x 7 determinant (5040 terms) already overflows Python's compiler.
    """
    n = len(rows)

    @functools.cache
    def minor(k: int, cols: tuple[int, ...]) -> sympy.Expr:
        if k == n:
            return sympy.Integer(1)
        return sympy.Add(*[(-1 if pos % 2 else 1) * rows[k][j] * minor(k + 1, cols[:pos] + cols[pos + 1:])
                           for pos, j in enumerate(cols)])

    return minor(0, tuple(range(n)))


def _pq_text(p: int, q: int) -> str:
    return f"{p}" if q == 0 else f"{p},{q}"


def _swap_alias(family: str, p: int, q: int) -> tuple[str, ...]:
    return (f"{family}({q},{p})",) if q != p and q > 0 and p > 0 else ()


def _type_a(n: int) -> str | None:
    return f"A{n - 1}" if n >= 2 else None


# ---------------------------------------------------------------------------- so(p, q)
_SO_ALIASES: dict[tuple[int, int], tuple[str, ...]] = {
    (2, 0): ("u(1)", "so(2)"),
    (1, 1): ("R",),
    (3, 0): ("su(2)", "sp(1)"),
    (2, 1): ("sl(2,R)", "su(1,1)", "sp(2,R)"),
    (3, 1): ("sl(2,C)", "so(1,3)"),
    (4, 0): ("su(2) ⊕ su(2)",),
    (2, 2): ("sl(2,R) ⊕ sl(2,R)",),
    (5, 0): ("sp(2)",),
    (4, 1): ("sp(1,1)",),
    (3, 2): ("sp(4,R)",),
    (6, 0): ("su(4)",),
    (5, 1): ("sl(2,H)", "su*(4)"),
    (4, 2): ("su(2,2)",),
    (3, 3): ("sl(4,R)",),
    (6, 2): ("so*(8)",),
}


def _so_cartan_type(n: int) -> str | None:
    if n <= 2:
        return None
    if n == 3:
        return "A1"
    if n == 4:
        return "A1+A1"  # so(4,C) = sl(2,C) + sl(2,C); so(3,1) is sl(2,C) seen as real
    if n == 6:
        return "A3"  # D3 = A3
    return f"B{(n - 1) // 2}" if n % 2 else f"D{n // 2}"


def so(p: int, q: int = 0) -> CatalogEntry:
    """``so(p, q)``: the quadratic form ``x1^2 + ... + xp^2 - x_{p+1}^2 - ... - x_{p+q}^2``.

    Parameters
    ----------
    p, q : int
        Numbers of plus and minus signs, ``p + q >= 2``.

    Returns
    -------
    CatalogEntry
        Dimension ``n(n-1)/2`` (``n = p + q``); Killing signature ``(pq, p(p-1)/2 + q(q-1)/2, 0)``
        for ``n >= 3`` (``so(2)``, ``so(1,1)`` are abelian: ``(0, 0, 1)``).
    """
    p = _check_int(p, "p", 0)
    q = _check_int(q, "q", 0)
    n = p + q
    if n < 2:
        raise OracleError(f"so(p,q) needs p + q >= 2 (a 1-variable form has no rotations), got p={p}, q={q}")
    dim = n * (n - 1) // 2
    if n == 2:
        sig = (0, 0, 1)
    else:
        sig = (p * q, p * (p - 1) // 2 + q * (q - 1) // 2, 0)
    xs = _vector("x", n)

    def factory() -> Oracle:
        expr = sum(xs[i] ** 2 for i in range(p)) - sum(xs[i] ** 2 for i in range(p, n))
        return Oracle(expr, variables=xs, name=f"so({_pq_text(p, q)})")

    key = f"so({_pq_text(p, q)})"
    if p == 0:  # so(0, q) = so(q): a negative definite form; name it by the isomorphic so(q)
        key, name = f"so(0,{q})", f"so({q})"
    else:
        name = key
    signs = " + ".join(f"x{i}^2" for i in range(1, p + 1))
    minus = "".join(f" - x{i}^2" for i in range(p + 1, n + 1))
    aliases = _SO_ALIASES.get((max(p, q), min(p, q)), ()) + _swap_alias("so", p, q)
    return CatalogEntry(
        key=key,
        title=f"so({_pq_text(p, q)}): the quadratic form of signature ({p}, {q})",
        oracle_factory=factory,
        dimension=dim,
        name=name,
        killing_signature=sig,
        description=f"phi = {(signs + minus).lstrip(' -') if p else minus.strip()} on one real vector x1..x{n}; "
        f"W^T eta + eta W = 0 with eta = diag({', '.join(['+1'] * p + ['-1'] * q)}).",
        cartan_type=_so_cartan_type(n),
        real_rank=min(p, q),
        aliases=tuple(dict.fromkeys(a for a in aliases if a != name)),  # ordered, no repeats
    )


def lorentz() -> CatalogEntry:
    """The Lorentz form ``x1^2 + x2^2 + x3^2 - x4^2``: so(3,1) = sl(2,C) as a real algebra, dim 6."""
    base = so(3, 1)
    return CatalogEntry(
        key="lorentz",
        title="Lorentz group: x1^2 + x2^2 + x3^2 - x4^2",
        oracle_factory=base.oracle_factory,
        dimension=base.dimension,
        name=base.name,
        killing_signature=base.killing_signature,
        description=base.description + " Boosts and rotations; isomorphic to sl(2,C) seen as real.",
        cartan_type=base.cartan_type,
        real_rank=base.real_rank,
        aliases=base.aliases,
    )


# ---------------------------------------------------------------------------- u(p, q), su(p, q)
_SU_ALIASES: dict[tuple[int, int], tuple[str, ...]] = {
    (2, 0): ("so(3)", "sp(1)"),
    (1, 1): ("sl(2,R)", "so(2,1)", "sp(2,R)"),
    (4, 0): ("so(6)",),
    (3, 1): ("so*(6)",),
    (2, 2): ("so(4,2)",),
}


def _su_signature(p: int, q: int) -> tuple[int, int, int]:
    # su(p,q): k = s(u(p) + u(q)) has dim p^2 + q^2 - 1, p has dim 2pq (IDENTIFICATION.md §3.1).
    return (2 * p * q, p * p + q * q - 1, 0)


def _hermitian(zs: Sequence[sympy.Symbol], p: int) -> sympy.Expr:
    return sum((1 if i < p else -1) * z * sympy.conjugate(z) for i, z in enumerate(zs))


def u(p: int, q: int = 0) -> CatalogEntry:
    """``u(p, q)``: the Hermitian form ``|z1|^2 + ... + |zp|^2 - ... - |z_{p+q}|^2`` (complex oracle).

    Dimension ``n^2``; as a Lie algebra ``su(p,q) + u(1)``, so its Killing signature is that of
    ``su(p,q)`` plus one zero (the centre ``i I``).
    """
    p = _check_int(p, "p", 0)
    q = _check_int(q, "q", 0)
    n = p + q
    if n < 1:
        raise OracleError("u(p,q) needs p + q >= 1")
    if p == 0:
        raise OracleError("u(0,q) is u(q) with the opposite sign; use u(q)")
    zs = _vector("z", n, real=False)

    def factory() -> Oracle:
        return Oracle(_hermitian(zs, p), variables=zs, is_complex=True, name=f"u({_pq_text(p, q)})")

    sig = (0, 0, 1) if n == 1 else tuple(a + b for a, b in zip(_su_signature(p, q), (0, 0, 1)))
    name = f"u({_pq_text(p, q)})"
    su_name = f"su({_pq_text(p, q)})"
    aliases = ((f"{su_name} ⊕ u(1)",) if n >= 2 else ("so(2)",)) + _swap_alias("u", p, q)
    return CatalogEntry(
        key=name,
        title=f"{name}: the Hermitian form of signature ({p}, {q})",
        oracle_factory=factory,
        dimension=n * n,
        name=name,
        killing_signature=sig,  # type: ignore[arg-type]
        description=f"phi = sum_i s_i z_i conj(z_i) (s = +1 for i <= {p}, -1 after) on one complex vector "
        f"z1..z{n}; complex generators W with W^dagger eta + eta W = 0.",
        cartan_type=_type_a(n),
        real_rank=min(p, q),
        aliases=aliases,
    )


def _re_im_det(re_rows: Sequence[Sequence[sympy.Symbol]], im_rows: Sequence[Sequence[sympy.Symbol]]
               ) -> tuple[sympy.Expr, sympy.Expr]:
    """``(Re det Z, Im det Z)`` for ``Z = X + iY``, by Laplace expansion along the rows, *unexpanded*.

    The nesting matters: fully expanded, ``Re det`` of 6 x 6 has 23040 terms in one flat sum, and
    lambdify's generated code for it overflows Python's compiler (RecursionError). Nested, each
    sum has at most ``2n`` terms; sympy keeps ``a * (sum)`` unexpanded.
    """
    n = len(re_rows)

    @functools.cache
    def minor(k: int, cols: tuple[int, ...]) -> tuple[sympy.Expr, sympy.Expr]:
        if k == n:
            return sympy.Integer(1), sympy.Integer(0)
        re_terms, im_terms = [], []
        for pos, j in enumerate(cols):
            sign = -1 if pos % 2 else 1
            r, i = minor(k + 1, cols[:pos] + cols[pos + 1:])
            a, b = re_rows[k][j], im_rows[k][j]
            re_terms.append(sign * (a * r - b * i))  # Re((a + ib)(r + ii))
            im_terms.append(sign * (a * i + b * r))
        return sympy.Add(*re_terms), sympy.Add(*im_terms)

    return minor(0, tuple(range(n)))


SU_FORMULATIONS = ("auto", "complex", "real")


def su(p: int, q: int = 0, *, formulation: str = "auto") -> CatalogEntry:
    """``su(p, q)``: the Hermitian form on one vector and the determinant of ``n`` vectors.

    With ``n = p + q`` argument vectors ``z^(k)`` the oracle preserves

    * ``h(z^(1), z^(1)) = sum_i +-|z1_i|^2``: the generator is in ``u(p, q)``;
    * ``det(z^(1), ..., z^(n))``: ``d/de det((I + eW) Z) = tr(W) det Z``, so ``tr W = 0``.

    The determinant is unavoidable: a polynomial invariant of SU(p,q) that the centre (``W = iI``)
    moves has holomorphic minus antiholomorphic degree a nonzero multiple of ``n``, and the
    determinant of ``n`` vectors is the smallest one. Its real expansion has ``2^n n!`` terms.

    Parameters
    ----------
    p, q : int
        Signature of the Hermitian form, ``p >= 1``, ``p + q >= 2``.
    formulation : {"auto", "complex", "real"}
        ``"complex"``: a complex oracle (``is_complex=True``) with components ``[h, det]`` on complex
        vectors ``zk_1..zk_n``; generators are complex ``n x n``.
        ``"real"`` (the lean form): a real oracle on vectors ``x^(k) = (ak_1..ak_n, bk_1..bk_n)``
        (``z = a + ib``) with components ``[Re h(x1, x1), Im h(x1, x2), Re det]``, the
        determinant nested (Laplace) rather than expanded. ``Re h`` and ``Im h`` make ``W``
        commute with the complex structure (so it is complex-linear and in ``u(p,q)``), ``Re det``
        alone forces ``tr W = 0`` (``Re(c det Z) = 0`` for all ``Z`` only if ``c = 0``). Same Lie
        algebra, realized as ``2n x 2n`` real matrices ``[[A, -B], [B, A]]``. It exists because the
        complex oracle of su(6) cannot be built: expanded, its 23040-term components overflow
        lambdify's compiler. ``"auto"``: complex for ``n <= 4``, real from ``n = 5`` on (su(5):
        ~7 s to build complex, ~1 s real).
    """
    p = _check_int(p, "p", 0)
    q = _check_int(q, "q", 0)
    n = p + q
    if n < 2:
        raise OracleError("su(p,q) needs p + q >= 2 (su(1) = 0)")
    if p == 0:
        raise OracleError("su(0,q) is su(q) with the opposite sign; use su(q)")
    if formulation not in SU_FORMULATIONS:
        raise OracleError(f"unknown formulation {formulation!r}; choose one of {', '.join(SU_FORMULATIONS)}")
    real_form = formulation == "real" or (formulation == "auto" and n >= 5)
    name = f"su({_pq_text(p, q)})"
    eta = [1 if i < p else -1 for i in range(n)]

    if real_form:
        a = [tuple(_real(f"a{k}_{i}") for i in range(1, n + 1)) for k in range(1, n + 1)]
        b = [tuple(_real(f"b{k}_{i}") for i in range(1, n + 1)) for k in range(1, n + 1)]

        def factory() -> Oracle:
            re_h = sum(e * (x * x + y * y) for e, x, y in zip(eta, a[0], b[0]))
            # Im h(z, w) = Im sum_i eta_i conj(z_i) w_i = sum_i eta_i (a_i b'_i - b_i a'_i)
            im_h = sum(e * (a[0][i] * b[1][i] - b[0][i] * a[1][i]) for i, e in enumerate(eta))
            re_det, _ = _re_im_det(a, b)
            return Oracle([re_h, im_h, re_det], vectors=[a[k] + b[k] for k in range(n)], name=name)

        description = (f"real lean form: components [Re h(x1, x1), Im h(x1, x2), Re det(x1..x{n})] with h of "
                       f"signature ({p}, {q}), on {n} real vectors (ak_1..ak_{n}, bk_1..bk_{n}) = (Re zk, Im zk); "
                       "generators come out as real [[A, -B], [B, A]].")
    else:
        vecs = [tuple(sympy.Symbol(f"z{k}_{i}") for i in range(1, n + 1)) for k in range(1, n + 1)]

        def factory() -> Oracle:
            return Oracle([_hermitian(vecs[0], p), _laplace_det(vecs)], vectors=vecs, is_complex=True, name=name)

        description = (f"components [h(z1, z1), det(z1, ..., z{n})] with h of signature ({p}, {q}), on {n} "
                       f"complex vectors zk_1..zk_{n} (k = 1..{n}); u(p,q) from h, tr W = 0 from det.")

    aliases = _SU_ALIASES.get((max(p, q), min(p, q)), ()) + _swap_alias("su", p, q)
    return CatalogEntry(
        key=name if formulation == "auto" else f"{name}:{formulation}",
        title=f"{name}: Hermitian form and complex determinant",
        oracle_factory=factory,
        dimension=n * n - 1,
        name=name,
        killing_signature=_su_signature(p, q),
        description=description,
        cartan_type=_type_a(n),
        real_rank=min(p, q),
        aliases=aliases,
        heavy=n >= 6,
    )


# ---------------------------------------------------------------------------- sl(n, R), sp(2n, R), u(n)
def sl(n: int) -> CatalogEntry:
    """``sl(n, R)``: the determinant of ``n`` real vectors ``x^(k) = (xk_1..xk_n)``; dimension ``n^2 - 1``.

    ``det((I + eW) X) = det X (1 + e tr W + ...)``: invariant iff ``tr W = 0``.
    """
    n = _check_int(n, "n", 2)
    vecs = [tuple(_real(f"x{k}_{i}") for i in range(1, n + 1)) for k in range(1, n + 1)]

    def factory() -> Oracle:
        return Oracle(_laplace_det(vecs), vectors=vecs, name=f"sl({n},R)")

    aliases = {2: ("su(1,1)", "so(2,1)", "sp(2,R)"), 4: ("so(3,3)",)}.get(n, ())
    return CatalogEntry(
        key=f"sl({n},R)",
        title=f"sl({n},R): determinant of {n} real vectors",
        oracle_factory=factory,
        dimension=n * n - 1,
        name=f"sl({n},R)",
        # k = so(n): n(n-1)/2 negative; p = symmetric traceless: n(n+1)/2 - 1 positive.
        killing_signature=(n * (n + 1) // 2 - 1, n * (n - 1) // 2, 0),
        description=f"phi = det(x1, ..., x{n}) with vectors xk_1..xk_{n} (k = 1..{n}), nested by Laplace "
        "expansion (n! terms once expanded).",
        cartan_type=_type_a(n),
        real_rank=n - 1,
        aliases=aliases,
        heavy=n >= 7,
    )


def _omega(x: Sequence[sympy.Symbol], y: Sequence[sympy.Symbol]) -> sympy.Expr:
    n = len(x) // 2
    return sum(x[i] * y[n + i] - x[n + i] * y[i] for i in range(n))


def _c_type(n: int) -> str:
    return {1: "A1", 2: "B2"}.get(n, f"C{n}")  # C1 = A1, C2 = B2 (the table lists sp(4,R) under B2)


def sp(n: int) -> CatalogEntry:
    """``sp(2n, R)``: the symplectic form ``omega(x, y) = sum_i x_i y_{n+i} - x_{n+i} y_i`` on two
    vectors of ``R^(2n)``; dimension ``n(2n+1)``.
    """
    n = _check_int(n, "n", 1)
    x, y = _vector("x", 2 * n), _vector("y", 2 * n)

    def factory() -> Oracle:
        return Oracle(_omega(x, y), vectors=[x, y], name=f"sp({2 * n},R)")

    aliases = {1: ("sl(2,R)", "su(1,1)", "so(2,1)"), 2: ("so(3,2)", "so(2,3)")}.get(n, ())
    return CatalogEntry(
        key=f"sp({2 * n},R)",
        title=f"sp({2 * n},R): the symplectic form on R^{2 * n}",
        oracle_factory=factory,
        dimension=n * (2 * n + 1),
        name=f"sp({2 * n},R)",
        # k = u(n): n^2 negative; p: n(n+1) positive.
        killing_signature=(n * (n + 1), n * n, 0),
        description=f"phi = sum_i x_i y_(n+i) - x_(n+i) y_i on vectors x1..x{2 * n}, y1..y{2 * n}; "
        "W^T J + J W = 0.",
        cartan_type=_c_type(n),
        real_rank=n,
        aliases=aliases,
    )


def u_from_forms(n: int) -> CatalogEntry:
    """``u(n)`` from real forms: the dot product ``x.x`` and the symplectic ``omega(x, y)`` on R^(2n).

    ``so(2n) ∩ sp(2n, R) = u(n)`` (a metric and a compatible symplectic form make a complex
    structure ``J`` with ``W J = J W``); dimension ``n^2``. Components ``[x.x, omega(x, y)]`` with
    vectors ``x``, ``y``: the generator acts on both, the dot product constrains it through ``x``.
    """
    n = _check_int(n, "n", 1)
    x, y = _vector("x", 2 * n), _vector("y", 2 * n)

    def factory() -> Oracle:
        return Oracle([sum(v * v for v in x), _omega(x, y)], vectors=[x, y], name=f"u({n}) from forms")

    sig = (0, 0, 1) if n == 1 else (0, n * n - 1, 1)
    return CatalogEntry(
        key=f"u_from_forms({n})",
        title=f"u({n}): the metric and the symplectic form on R^{2 * n}",
        oracle_factory=factory,
        dimension=n * n,
        name=f"u({n})",
        killing_signature=sig,
        description=f"components [x.x, omega(x, y)] on real vectors x1..x{2 * n}, y1..y{2 * n}; "
        f"so({2 * n}) ∩ sp({2 * n},R) = u({n}).",
        cartan_type=_type_a(n),
        real_rank=0,
        aliases=(f"su({n}) ⊕ u(1)",) if n >= 2 else ("so(2)",),
    )


# ---------------------------------------------------------------------------- exceptional
def g2() -> CatalogEntry:
    """Compact g2: the associative 3-form ``phi(x, y, z) = <x, y z>`` on ``Im O = R^7``."""
    from liealg.catalog import octonions

    def factory() -> Oracle:
        vecs = [octonions.imaginary_symbols(c) for c in "xyz"]
        return Oracle(octonions.associative_3form(False), vectors=vecs, name="g2")

    return CatalogEntry(
        key="g2",
        title="g2: the octonions' associative 3-form",
        oracle_factory=factory,
        dimension=14,
        name="g2",
        killing_signature=(0, 14, 0),
        description="phi(x, y, z) = <x, y z> on three vectors x1..x7, y1..y7, z1..z7 of Im O "
        "(42 terms; octonion convention in liealg.catalog.octonions); its stabilizer is Der(O).",
        cartan_type="G2",
        real_rank=0,
        aliases=("G2 (compact)", "Der(O)"),
    )


def g2_split() -> CatalogEntry:
    """Split G2(2): the 3-form ``<x, y z>`` of the split octonions on ``Im O' = R^(3,4)``."""
    from liealg.catalog import octonions

    def factory() -> Oracle:
        vecs = [octonions.imaginary_symbols(c) for c in "xyz"]
        return Oracle(octonions.associative_3form(True), vectors=vecs, name="g2_split")

    return CatalogEntry(
        key="g2_split",
        title="G2(2): the split octonions' 3-form",
        oracle_factory=factory,
        dimension=14,
        name="G2(2)",
        # k = su(2) + su(2): 6 negative, 8 positive (IDENTIFICATION.md §3.2).
        killing_signature=(8, 6, 0),
        description="phi'(x, y, z) = <x, y z>' for the split octonions on x1..x7, y1..y7, z1..z7 "
        "(<,>' of signature (3, 4) on Im O'); its stabilizer is Der(O').",
        cartan_type="G2",
        real_rank=2,
        aliases=("g2(2)", "split G2", "Der(O')"),
    )


def f4() -> CatalogEntry:
    """Compact f4: the trace, the quadratic form and the cubic norm of h3(O) (27 variables)."""
    from liealg.catalog import jordan

    def factory() -> Oracle:
        exprs = [jordan.trace_polynomial(), jordan.quadratic_form_polynomial(), jordan.cubic_norm_polynomial()]
        return Oracle(exprs, variables=jordan.jordan_symbols(), name="f4")

    return CatalogEntry(
        key="f4",
        title="f4: automorphisms of the exceptional Jordan algebra h3(O)",
        oracle_factory=factory,
        dimension=52,
        name="f4",
        killing_signature=(0, 52, 0),
        description="components [tr A, tr(A o A), N(A)] on the 27 coordinates a, b, c, u0..u7, v0..v7, "
        "w0..w7 of h3(O) (convention in liealg.catalog.jordan); the generators fix the identity I "
        "and act on the traceless 26.",
        cartan_type="F4",
        real_rank=0,
        aliases=("F4 (compact)", "Der(h3(O))"),
    )


def f4_traceless() -> CatalogEntry:
    """Compact f4 on its 26-dimensional representation: the traceless part of h3(O)."""
    from liealg.catalog import jordan

    def factory() -> Oracle:
        sub = jordan.traceless_substitution()
        exprs = [sympy.expand(jordan.quadratic_form_polynomial().xreplace(sub)),
                 sympy.expand(jordan.cubic_norm_polynomial().xreplace(sub))]
        return Oracle(exprs, variables=jordan.traceless_symbols(), name="f4 (26)")

    return CatalogEntry(
        key="f4_traceless",
        title="f4 on the traceless 26 of h3(O)",
        oracle_factory=factory,
        dimension=52,
        name="f4",
        killing_signature=(0, 52, 0),
        description="components [tr(A o A), N(A)] restricted to a + b + c = 0, in the 26 variables a, b, "
        "u0..u7, v0..v7, w0..w7 (c = -a - b).",
        cartan_type="F4",
        real_rank=0,
        aliases=("F4 (compact)",),
    )


def e6() -> CatalogEntry:
    """E6(-26): the cubic norm (determinant) of h3(O), 27 variables."""
    from liealg.catalog import jordan

    def factory() -> Oracle:
        return Oracle(jordan.cubic_norm_polynomial(), variables=jordan.jordan_symbols(), name="e6")

    return CatalogEntry(
        key="e6",
        title="E6(-26): the cubic norm of the exceptional Jordan algebra",
        oracle_factory=factory,
        dimension=78,
        name="E6(-26)",
        # k = f4 (52, negative), p = 26 positive; index 26 - 52 = -26 (IDENTIFICATION.md §3.2).
        killing_signature=(26, 52, 0),
        description="N(A) = abc - a|u|^2 - b|v|^2 - c|w|^2 + 2 Re(u v w) on the 27 coordinates a, b, c, "
        "u0..u7, v0..v7, w0..w7 of h3(O) (89 terms).",
        cartan_type="E6",
        real_rank=2,
        aliases=("e6(-26)", "EIV"),
    )


def _freudenthal_factory(split: bool, name: str) -> Callable[[], Oracle]:
    def factory() -> Oracle:
        from liealg.catalog import freudenthal

        J = freudenthal.albert_algebra(split=split)
        return Oracle(freudenthal.quartic_invariant(J), variables=freudenthal.fts_symbols(J), name=name)

    return factory


_FTS_TEXT = ("Freudenthal's quartic q = (alpha beta - T(A,B))^2 + 4 alpha N(A) + 4 beta N(B) - 4 T(A#,B#) on "
             "the 56 variables alpha, A_a, A_b, A_c, A_u0..A_w7, B_a..B_w7, beta of R + J + J + R "
             "(conventions in liealg.catalog.freudenthal; T = tr(A o B), A# = T-gradient of N)")


def e7() -> CatalogEntry:
    """Split E7(7): Freudenthal's quartic on R^56 built from the split Albert algebra h3(O').

    The cubic norm of h3(O') has symmetry algebra E6(6); the triple system ``R + J + J + R`` of
    :mod:`liealg.catalog.freudenthal` turns it into the quartic invariant of the 56 of E7(7).
    """
    return CatalogEntry(
        key="e7",
        title="E7(7): the quartic invariant of the 56, from the split Albert algebra",
        oracle_factory=_freudenthal_factory(True, "e7"),
        dimension=133,
        name="E7(7)",
        # k = su(8) (63, negative), p = 70 positive; index 70 - 63 = 7 (IDENTIFICATION.md §3.2).
        killing_signature=(70, 63, 0),
        description=_FTS_TEXT + "; J = h3(O') (split octonions), whose cubic norm N has symmetry E6(6).",
        cartan_type="E7",
        real_rank=7,
        aliases=("e7(7)", "EV", "split E7"),
        heavy=True,  # ~1 s to build, ~3 s to solve, ~10 s more to name (2-core machine)
    )


def e7_quaternionic() -> CatalogEntry:
    """E7(-25): Freudenthal's quartic on R^56 built from the Albert algebra h3(O) of E6(-26).

    The same construction as :func:`e7` with the (compact) octonions; key ``"e7(-25)"``.
    """
    return CatalogEntry(
        key="e7(-25)",
        title="E7(-25): the quartic invariant of the 56, from the Albert algebra h3(O)",
        oracle_factory=_freudenthal_factory(False, "e7(-25)"),
        dimension=133,
        name="E7(-25)",
        # k = e6 + u(1) (79, negative), p = 54 positive; index 54 - 79 = -25 (IDENTIFICATION.md §3.2).
        killing_signature=(54, 79, 0),
        description=_FTS_TEXT + "; J = h3(O), whose cubic norm N has symmetry E6(-26) (the e6 entry).",
        cartan_type="E7",
        real_rank=3,
        aliases=("e7(-25)", "EVII"),
        heavy=True,
    )


# ---------------------------------------------------------------------------- registry
def _build_catalog() -> dict[str, CatalogEntry]:
    entries = [
        so(2), so(3), so(2, 1), so(4), so(3, 1), so(2, 2), so(5), so(3, 2), so(10),
        lorentz(),
        u(1), u(2), u(1, 1), u(3),
        su(2), su(1, 1), su(3), su(2, 1), su(4), su(2, 2), su(6),
        sl(2), sl(3), sl(4),
        sp(1), sp(2), sp(3),
        u_from_forms(1), u_from_forms(2), u_from_forms(3),
        g2(), g2_split(), f4(), f4_traceless(), e6(), e7(), e7_quaternionic(),
    ]
    return {e.key: e for e in entries}


#: The default selection of reference oracles, by key.
CATALOG: dict[str, CatalogEntry] = _build_catalog()

#: Keys that :func:`get` builds on demand (any parameters), with their meaning.
FAMILY_PATTERNS: dict[str, str] = {
    "so(p) / so(p,q)": "quadratic form of signature (p, q)",
    "u(p) / u(p,q)": "Hermitian form (complex)",
    "su(p) / su(p,q)": "Hermitian form + complex determinant (su(p,q):complex / :real to force a form)",
    "sl(n,R)": "determinant of n real vectors",
    "sp(2n,R)": "symplectic form on R^(2n)",
    "u_from_forms(n)": "dot product + symplectic form on R^(2n)",
}

_PARSERS: list[tuple[re.Pattern[str], Callable[..., CatalogEntry]]] = [
    (re.compile(r"so\((\d+)(?:,(\d+))?\)"), lambda p, q: so(int(p), int(q or 0))),
    (re.compile(r"u\((\d+)(?:,(\d+))?\)"), lambda p, q: u(int(p), int(q or 0))),
    (re.compile(r"su\((\d+)(?:,(\d+))?\)(?::(complex|real))?"),
     lambda p, q, f: su(int(p), int(q or 0), formulation=f or "auto")),
    (re.compile(r"sl\((\d+)(?:,r)?\)"), lambda n: sl(int(n))),
    (re.compile(r"sp\((\d+),r\)"), lambda m: sp(_half(int(m)))),
    (re.compile(r"u_from_forms\((\d+)\)"), lambda n: u_from_forms(int(n))),
]


def _half(m: int) -> int:
    if m % 2:
        raise OracleError(f"sp(m,R) needs an even m (sp(2n,R) acts on R^(2n)), got m = {m}")
    return m // 2


def keys() -> list[str]:
    """The keys of :data:`CATALOG`, in registry order."""
    return list(CATALOG)


def get(key: str) -> CatalogEntry:
    """The catalog entry for ``key``; family members are built on demand.

    Parameters
    ----------
    key : str
        A key of :data:`CATALOG` (``"lorentz"``, ``"g2"``, ``"su(3)"``) or a family member such as
        ``"so(7,2)"``, ``"su(2,3)"``, ``"sl(5,R)"``, ``"sp(8,R)"``, ``"u_from_forms(4)"``.
        Spaces and case are ignored.

    Raises
    ------
    OracleError
        For an unknown key; the message lists the valid keys and families.

    Examples
    --------
    >>> get("so(4, 1)").dimension
    10
    """
    if not isinstance(key, str):
        raise OracleError(f"catalog keys are strings, got {type(key).__name__}")
    if key in CATALOG:
        return CATALOG[key]
    norm = re.sub(r"\s+", "", key).lower()
    for k, entry in CATALOG.items():
        if k.lower() == norm:
            return entry
    for pattern, build in _PARSERS:
        m = pattern.fullmatch(norm)
        if m:
            return build(*m.groups())
    raise OracleError(
        f"unknown catalog key {key!r}; valid keys: {', '.join(CATALOG)}; "
        f"families: {', '.join(FAMILY_PATTERNS)}"
    )
