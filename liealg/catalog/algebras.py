"""Exact matrix bases of the classical Lie algebras: the test zoo, and ready-made inputs.

Every function returns a ``tuple`` of ``sympy.Matrix`` (all of one size ``d x d``) whose **real**
span is the Lie algebra; entries are integers, or Gaussian integers ``a + b*I`` for the unitary
families. The conventions (which quadratic or symplectic form is preserved, in which order the
basis comes) are stated in each docstring, so that a reader can check a generator by hand.

>>> len(so(3)), len(su(3)), len(sp(4)), len(poincare(1, 3))
(3, 8, 10, 10)
>>> by_name("so(1,3)") == so(1, 3)
True
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import sympy

from liealg.errors import OptionError

__all__ = [
    "abelian",
    "by_name",
    "direct_sum",
    "euclidean",
    "gl",
    "heisenberg",
    "poincare",
    "sl",
    "so",
    "sp",
    "sp_compact",
    "su",
    "u",
]

Matrices = tuple[sympy.Matrix, ...]


def _E(d: int, i: int, j: int) -> sympy.Matrix:
    """The matrix unit ``E_ij`` of size ``d``."""
    M = sympy.zeros(d, d)
    M[i, j] = 1
    return M


def _check_dims(**kwargs: int) -> None:
    for name, v in kwargs.items():
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            raise OptionError(f"{name} must be a non-negative integer, got {v!r}")


def so(p: int, q: int = 0) -> Matrices:
    """so(p, q): real ``n x n`` matrices ``X`` with ``X^T eta + eta X = 0``, ``eta = diag(1^p, -1^q)``.

    Basis, for ``i < j`` in lexicographic order: the rotation ``E_ij - E_ji`` when ``i`` and ``j``
    are on the same side of the signature, the boost ``E_ij + E_ji`` otherwise. Dimension
    ``n(n-1)/2`` with ``n = p + q``.

    >>> so(3)[0].tolist()
    [[0, 1, 0], [-1, 0, 0], [0, 0, 0]]
    >>> [m.tolist() for m in so(1, 1)]
    [[[0, 1], [1, 0]]]
    """
    _check_dims(p=p, q=q)
    n = p + q
    out = []
    for i in range(n):
        for j in range(i + 1, n):
            same = (i < p) == (j < p)
            out.append(_E(n, i, j) - _E(n, j, i) if same else _E(n, i, j) + _E(n, j, i))
    return tuple(out)


def _unitary(p: int, q: int, traceless: bool) -> Matrices:
    n = p + q
    I = sympy.I
    out = []
    for i in range(n):
        for j in range(i + 1, n):
            if (i < p) == (j < p):  # anti-Hermitian block
                out.append(_E(n, i, j) - _E(n, j, i))
                out.append(I * (_E(n, i, j) + _E(n, j, i)))
            else:  # eta-anti-Hermitian off-diagonal block
                out.append(_E(n, i, j) + _E(n, j, i))
                out.append(I * (_E(n, i, j) - _E(n, j, i)))
    if traceless:
        for j in range(n - 1):
            out.append(I * (_E(n, j, j) - _E(n, j + 1, j + 1)))
    else:
        for j in range(n):
            out.append(I * _E(n, j, j))
    return tuple(out)


def su(p: int, q: int = 0) -> Matrices:
    """su(p, q): complex traceless ``X`` with ``X^dagger eta + eta X = 0``, ``eta = diag(1^p, -1^q)``.

    Basis, for ``i < j``: ``E_ij - E_ji`` and ``i(E_ij + E_ji)`` inside a block of the signature,
    ``E_ij + E_ji`` and ``i(E_ij - E_ji)`` across it; then the diagonal ``i(E_jj - E_j+1,j+1)``.
    Dimension ``n^2 - 1``. Entries are Gaussian integers; liealg takes the *real* span.

    >>> len(su(2)), len(su(2, 1))
    (3, 8)
    """
    _check_dims(p=p, q=q)
    if p + q < 1:
        raise OptionError("su(p, q) needs p + q >= 1")
    return _unitary(p, q, traceless=True)


def u(p: int, q: int = 0) -> Matrices:
    """u(p, q): like :func:`su` but with the full diagonal ``i E_jj`` (dimension ``n^2``).

    >>> len(u(1)), len(u(2))
    (1, 4)
    """
    _check_dims(p=p, q=q)
    if p + q < 1:
        raise OptionError("u(p, q) needs p + q >= 1")
    return _unitary(p, q, traceless=False)


def sl(n: int) -> Matrices:
    """sl(n, R): real traceless ``n x n`` matrices.

    Basis: ``E_ij`` for ``i != j`` (row-major order), then ``E_jj - E_j+1,j+1``.

    >>> len(sl(3))
    8
    """
    _check_dims(n=n)
    out = [_E(n, i, j) for i in range(n) for j in range(n) if i != j]
    out += [_E(n, j, j) - _E(n, j + 1, j + 1) for j in range(n - 1)]
    return tuple(out)


def gl(n: int) -> Matrices:
    """gl(n, R): all real ``n x n`` matrices, basis ``E_ij`` in row-major order.

    >>> len(gl(2))
    4
    """
    _check_dims(n=n)
    return tuple(_E(n, i, j) for i in range(n) for j in range(n))


def sp(two_n: int) -> Matrices:
    """sp(2n, R): real ``2n x 2n`` ``X`` with ``X^T Omega + Omega X = 0``, ``Omega = [[0, I], [-I, 0]]``.

    The argument is the matrix size ``2n`` (physics convention: ``sp(4)`` here is sp(4,R), of rank 2).
    Such ``X`` are ``[[A, B], [C, -A^T]]`` with ``B, C`` symmetric. Basis: ``A = E_ij`` (row-major),
    then ``B = E_ij + E_ji`` (``i <= j``, ``E_ii`` on the diagonal), then the same for ``C``.
    Dimension ``n(2n+1)``.

    >>> len(sp(2)), len(sp(4)), len(sp(6))
    (3, 10, 21)
    """
    _check_dims(two_n=two_n)
    if two_n % 2:
        raise OptionError(f"sp(2n, R) needs an even matrix size, got {two_n}")
    n = two_n // 2
    d = two_n
    out = []
    for i in range(n):
        for j in range(n):
            out.append(_E(d, i, j) - _E(d, n + j, n + i))
    for i in range(n):
        for j in range(i, n):
            out.append(_E(d, i, n + j) + _E(d, j, n + i) if i != j else _E(d, i, n + i))
    for i in range(n):
        for j in range(i, n):
            out.append(_E(d, n + i, j) + _E(d, n + j, i) if i != j else _E(d, n + i, i))
    return tuple(out)


def sp_compact(n: int) -> Matrices:
    """sp(n) = usp(2n), the compact symplectic algebra (quaternionic unitary), as complex ``2n x 2n``.

    Matrices ``[[A, B], [-conj(B), conj(A)]]`` with ``A`` anti-Hermitian and ``B`` complex symmetric:
    the intersection of u(2n) with sp(2n, C). Basis: ``A`` from the u(n) basis of :func:`u`, then
    ``B = E_ij + E_ji`` and ``B = i(E_ij + E_ji)`` (``i <= j``; ``E_ii`` and ``i E_ii`` on the
    diagonal). Dimension ``n(2n+1)``; sp(1) is su(2).

    >>> len(sp_compact(1)), len(sp_compact(2))
    (3, 10)
    """
    _check_dims(n=n)
    if n < 1:
        raise OptionError("sp(n) needs n >= 1")
    d = 2 * n
    out = []
    for A in _unitary(n, 0, traceless=False):
        M = sympy.zeros(d, d)
        M[:n, :n] = A
        M[n:, n:] = A.conjugate()
        out.append(M)
    for scalar in (1, sympy.I):
        for i in range(n):
            for j in range(i, n):
                B = scalar * (_E(n, i, j) + _E(n, j, i)) if i != j else scalar * _E(n, i, i)
                M = sympy.zeros(d, d)
                M[:n, n:] = B
                M[n:, :n] = -B.conjugate()
                out.append(M)
    return tuple(out)


def heisenberg(n: int = 1) -> Matrices:
    """The Heisenberg algebra with ``n`` pairs ``(x_i, p_i)``: dimension ``2n + 1``.

    Strictly upper triangular ``(n+2) x (n+2)`` matrices: ``x_i = E_0,i``, ``p_i = E_i,n+1`` and the
    centre ``z = E_0,n+1``, so that ``[x_i, p_i] = z`` and all other brackets vanish. Basis order:
    ``x_1..x_n, p_1..p_n, z``.

    >>> len(heisenberg(1))
    3
    """
    _check_dims(n=n)
    if n < 1:
        raise OptionError("heisenberg(n) needs n >= 1 pair")
    d = n + 2
    xs = [_E(d, 0, i) for i in range(1, n + 1)]
    ps = [_E(d, i, n + 1) for i in range(1, n + 1)]
    return tuple(xs + ps + [_E(d, 0, n + 1)])


def _affine(linear: Matrices, n: int) -> Matrices:
    """Embed linear maps of R^n and the translations as ``(n+1) x (n+1)`` affine matrices."""
    d = n + 1
    out = []
    for X in linear:
        M = sympy.zeros(d, d)
        M[:n, :n] = X
        out.append(M)
    out += [_E(d, i, n) for i in range(n)]
    return tuple(out)


def euclidean(n: int) -> Matrices:
    """iso(n) = so(n) ⋉ R^n, the Euclidean algebra, as ``(n+1) x (n+1)`` affine matrices.

    ``[[X, t], [0, 0]]``: first the :func:`so` basis of rotations, then the translations ``E_i,n``.

    >>> len(euclidean(3))
    6
    """
    _check_dims(n=n)
    return _affine(so(n), n)


def poincare(p: int, q: int) -> Matrices:
    """iso(p, q) = so(p, q) ⋉ R^{p+q}, e.g. ``poincare(1, 3)`` the Poincaré algebra (dimension 10).

    Affine ``(n+1) x (n+1)`` matrices: the :func:`so` basis of so(p, q), then translations ``E_i,n``.

    >>> len(poincare(1, 3))
    10
    """
    _check_dims(p=p, q=q)
    return _affine(so(p, q), p + q)


def abelian(n: int) -> Matrices:
    """R^n as diagonal real ``n x n`` matrices ``E_ii``.

    >>> len(abelian(2))
    2
    """
    _check_dims(n=n)
    return tuple(_E(n, i, i) for i in range(n))


def direct_sum(*algebras: Sequence[sympy.Matrix]) -> Matrices:
    """Block-diagonal direct sum: each algebra's matrices padded into its own diagonal block.

    >>> len(direct_sum(so(3), sl(2), u(1)))
    7
    >>> direct_sum(so(3), u(1))[0].shape
    (4, 4)
    """
    sizes = []
    for alg in algebras:
        alg = tuple(alg)
        if not alg:
            raise OptionError("direct_sum: an algebra with no matrices")
        shapes = {sympy.Matrix(m).shape for m in alg}
        if len(shapes) != 1:
            raise OptionError(f"direct_sum: matrices of different sizes {sorted(shapes)} in one algebra")
        sizes.append(shapes.pop()[0])
    D = sum(sizes)
    out = []
    offset = 0
    for alg, s in zip(algebras, sizes):
        for m in alg:
            M = sympy.zeros(D, D)
            M[offset : offset + s, offset : offset + s] = sympy.Matrix(m)
            out.append(M)
        offset += s
    return tuple(out)


_SUM_SPLIT = re.compile(r"\s*(?:⊕|\+|\(\+\))\s*")


def by_name(name: str) -> Matrices:
    """Matrices of an algebra given by its usual name.

    Understood: ``so(n)``, ``so(p,q)``, ``su(n)``, ``su(p,q)``, ``u(n)``, ``u(p,q)``, ``sl(n)``,
    ``sl(n,R)``, ``gl(n)``, ``gl(n,R)``, ``sp(2n,R)`` (real symplectic), ``sp(n)`` / ``usp(2n)``
    (compact), ``heisenberg(n)`` (n pairs), ``iso(n)`` / ``euclidean(n)`` / ``e(n)``,
    ``iso(p,q)`` / ``poincare(p,q)``, ``R^n`` / ``R``, ``g2``, ``G2(2)``, ``f4`` and ``E6(-26)``
    (from :mod:`liealg.catalog.exceptional`), and direct sums written
    with ``⊕`` or ``+``.

    >>> len(by_name("su(3) + u(1)"))
    9
    >>> by_name("sp(4,R)") == sp(4)
    True
    """
    if not isinstance(name, str):
        raise OptionError(f"by_name expects a string, got {type(name).__name__}")
    parts = [p for p in _SUM_SPLIT.split(name.strip()) if p]
    if len(parts) > 1:
        return direct_sum(*(by_name(p) for p in parts))
    text = parts[0].replace(" ", "") if parts else ""
    # The head may end in digits for the exceptional algebras (g2, G2(2), f4, E6(-26)).
    m = re.fullmatch(r"([A-Za-z]+\d*\*?)(?:\(([^()]*)\))?(?:\^(\d+))?", text)
    if not m:
        raise OptionError(f"cannot parse algebra name {name!r}")
    head, args, power = m.group(1), m.group(2), m.group(3)
    if head == "R" and args is None:
        return abelian(int(power or 1))
    if power is not None:
        raise OptionError(f"powers are only understood for R^n, got {name!r}")
    lower = head.lower()
    field = None
    nums: list[int] = []
    if args is not None:
        for tok in args.split(","):
            tok = tok.strip()
            if tok in ("R", "r"):
                field = "R"
            elif tok in ("C", "H"):
                raise OptionError(f"{name!r}: complex and quaternionic forms are not in the matrix catalog")
            elif tok.lstrip("-").isdigit():
                nums.append(int(tok))
            else:
                raise OptionError(f"cannot parse argument {tok!r} in {name!r}")
    if head in ("g2", "G2", "f4", "F4", "e6", "E6"):
        return _exceptional(head, nums, name)
    table = {
        "so": lambda: so(*nums),
        "su": lambda: su(*nums),
        "u": lambda: u(*nums),
        "sl": lambda: sl(*nums),
        "gl": lambda: gl(*nums),
        "heisenberg": lambda: heisenberg(*nums),
        "iso": lambda: euclidean(*nums) if len(nums) == 1 else poincare(*nums),
        "euclidean": lambda: euclidean(*nums),
        "e": lambda: euclidean(*nums),
        "poincare": lambda: poincare(*nums),
        "usp": lambda: sp_compact(nums[0] // 2) if nums and nums[0] % 2 == 0 else _bad(name),
    }
    if lower == "sp":
        if len(nums) != 1:
            raise OptionError(f"{name!r}: write sp(2n,R) for the real symplectic or sp(n) for the compact form")
        return sp(nums[0]) if field == "R" else sp_compact(nums[0])
    if lower not in table or (field == "R" and lower not in ("sl", "gl")):
        raise OptionError(
            f"unknown algebra {name!r}; known: so, su, u, sl, gl, sp(2n,R), sp(n), usp(2n), "
            "heisenberg, iso, euclidean, poincare, R^n, g2, G2(2), f4, e6, E6(-26)"
        )
    try:
        return table[lower]()
    except TypeError:  # the family function was called with the wrong number of arguments
        raise OptionError(f"wrong number of arguments in {name!r}") from None


def _bad(name: str) -> Matrices:
    raise OptionError(f"cannot parse algebra name {name!r}")


def _exceptional(head: str, nums: list[int], name: str) -> Matrices:
    # imported here, not at the top: the exceptional algebras need the exact solver and cost a
    # fraction of a second to build; by_name("so(3)") should not pay for that import
    from liealg.catalog import exceptional as ex

    key = (head.lower(), tuple(nums))
    choices: dict[tuple[str, tuple[int, ...]], Callable[[], Matrices]] = {
        ("g2", ()): ex.g2_matrices,
        ("g2", (2,)): ex.g2_split_matrices,
        ("f4", ()): ex.f4_matrices,
        ("f4", (-52,)): ex.f4_matrices,
        ("e6", (-26,)): ex.e6_matrices,
    }
    if key not in choices:
        raise OptionError(f"no matrices for {name!r} in the catalog; available: g2, G2(2), f4, E6(-26)")
    return tuple(choices[key]())
