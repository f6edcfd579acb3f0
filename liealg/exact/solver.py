"""The exact null-space solver: every linear symmetry of a polynomial oracle, over Q.

A generator ``W`` (``d x d``, real or complex ``W = A + iB``) acts on every argument vector
``x_v`` of the oracle through the real matrix ``R(W)`` (``W`` itself, or ``[[A, -B], [B, A]]`` in
the coordinates ``(Re z, Im z)``). It is an infinitesimal symmetry when every component ``phi``
satisfies

    L_W phi(x) = sum_v sum_{i,j} R(W)_ij (d phi / d x_{v,i}) x_{v,j} = 0   for all x.

``L_W phi`` is linear in the parameters ``theta`` of ``W`` (the training code's convention: real
``W = theta.reshape(d, d)``; complex ``A = theta[:d*d]``, ``B = theta[d*d:]``, both row-major).
For a polynomial ``phi`` with rational coefficients, the coefficient of every monomial of ``x``
is a rational linear form in ``theta``: stacking them gives a rational matrix ``C`` (rows:
``(component, monomial)``, columns: ``theta``) whose null space is the *whole* linear symmetry
algebra, exactly. :func:`solve_symmetries` returns its canonical basis: the reduced row echelon
form of the null space in ``theta`` coordinates, the convention :func:`liealg.exact.rationalize`
uses with ``basis="rref"``, so learned and exact answers compare entry by entry.

Why it is fast: ``C`` is very sparse (a parameter ``E_ij`` only shifts the monomials of
``d phi / d x_i`` by ``x_j``), and it splits into independent blocks (connected components of
its row/column incidence graph). Each block is small and is solved with python-flint's exact
integer null space and put in RREF on its own columns; blocks have disjoint supports, so their
RREF rows sorted by pivot are the RREF of the whole null space. The oracle's components are
expanded with python-flint multivariate polynomials, not ``sympy.Poly`` (2000x faster on the
nested determinant of the su(6) oracle).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from math import lcm
from types import MappingProxyType
from typing import TYPE_CHECKING, TypeAlias

import flint
import sympy as sp
from sympy import QQ, QQ_I
from sympy.polys.matrices import DomainMatrix

from liealg.errors import OptionError, OracleError
from liealg.exact import linalg
from liealg.exact.fields import (
    QQ_FIELD,
    MpolyForm,
    NumberField,
    coefficient_field,
    polynomial_coefficients,
    polynomials_over_q,
)

if TYPE_CHECKING:  # imported for type hints only: keeps the import graph one-way
    from liealg.oracle import Oracle

__all__ = [
    "SymmetryConditions",
    "exact_sparse_theta",
    "is_polynomial_oracle",
    "matrix_to_theta",
    "parameter_actions",
    "polynomial_conditions",
    "polynomials_over_q",
    "rows_to_matrices",
    "solve_conditions",
    "solve_polynomial_symmetries",
    "solve_symmetries",
    "sparse_theta_to_matrix",
    "symmetry_conditions",
    "theta_to_matrix",
]

Monomial = tuple[int, ...]
#: A monomial as stored in a system: exponents as bytes (all below 255) or as a tuple.
EncodedMonomial: TypeAlias = bytes | tuple[int, ...]


# --------------------------------------------------------------------------- parameter conventions
def parameter_actions(d: int, is_complex: bool) -> tuple[tuple[tuple[int, int, int], ...], ...]:
    """How each parameter ``theta_a`` enters the real action matrix ``R(W)``.

    ``R(W) = sum_a theta_a G_a`` with ``G_a`` a ``D x D`` matrix of entries 0, +1, -1
    (``D = d`` for real, ``2d`` for complex). Entry ``a`` lists the nonzero ``(row, col, sign)``
    of ``G_a``.

    Returns
    -------
    tuple of length p (``d*d`` real, ``2*d*d`` complex) of tuples of ``(row, col, sign)``.

    Examples
    --------
    >>> parameter_actions(1, True)   # W = a + ib acts on (Re z, Im z) as [[a, -b], [b, a]]
    (((0, 0, 1), (1, 1, 1)), ((0, 1, -1), (1, 0, 1)))
    """
    if not is_complex:
        return tuple(((i, j, 1),) for i in range(d) for j in range(d))
    a_part = tuple(((i, j, 1), (d + i, d + j, 1)) for i in range(d) for j in range(d))
    b_part = tuple(((i, d + j, -1), (d + i, j, 1)) for i in range(d) for j in range(d))
    return a_part + b_part


def theta_to_matrix(theta: Sequence[object], d: int, is_complex: bool) -> sp.Matrix:
    """The generator ``W`` (sympy, ``d x d``) of an exact parameter vector ``theta`` (length p).

    Entries may be sympy numbers, ints, Fractions or flint rationals.
    """
    vals = [x if isinstance(x, sp.Basic) else sp.Rational(str(x)) for x in theta]
    if not is_complex:
        return sp.Matrix(d, d, vals)
    n = d * d
    return sp.Matrix(d, d, [vals[a] + sp.I * vals[n + a] if vals[n + a] != 0 else vals[a] for a in range(n)])


def sparse_theta_to_matrix(theta: dict[int, flint.fmpq], d: int, is_complex: bool) -> sp.Matrix:
    """Like :func:`theta_to_matrix` for a sparse rational ``{index: fmpq}``; fast.

    Builds the sympy matrix from a DomainMatrix over QQ (or QQ_I), which skips sympy's per-entry
    conversion: about 4x faster on e6's 78 matrices of 27 x 27.
    """
    n = d * d
    if not is_complex:
        sdm: dict[int, dict[int, object]] = {}
        for a, q in theta.items():
            if q != 0:
                sdm.setdefault(a // d, {})[a % d] = QQ(int(q.p), int(q.q))
        return DomainMatrix(sdm, (d, d), QQ).to_Matrix()
    parts: dict[int, list] = {}
    for a, q in theta.items():
        if q != 0:
            parts.setdefault(a % n, [QQ(0), QQ(0)])[a // n] = QQ(int(q.p), int(q.q))
    sdm = {}
    for a, (re_, im_) in parts.items():
        sdm.setdefault(a // d, {})[a % d] = QQ_I(re_, im_)
    return DomainMatrix(sdm, (d, d), QQ_I).to_Matrix()


def matrix_to_theta(W: sp.MatrixBase, is_complex: bool) -> list[sp.Expr]:
    """The parameter vector ``theta`` (length p) of a sympy generator ``W``.

    Complex entries are split into real and imaginary parts (exact numbers only).
    """
    d = W.rows
    n = d * d
    theta: list[sp.Expr] = [sp.S.Zero] * (2 * n if is_complex else n)
    for (i, j), w in W.todok().items():  # nonzero entries only: much faster than iterating W
        if not is_complex or w.is_real:
            theta[i * d + j] = w
        else:
            re_, im_ = sp.expand_complex(w).as_real_imag()
            theta[i * d + j], theta[n + i * d + j] = sp.expand(re_), sp.expand(im_)
    return theta


def exact_sparse_theta(W: sp.MatrixBase, is_complex: bool) -> dict[int, flint.fmpq] | None:
    """``theta(W)`` as a sparse ``{index: fmpq}`` when every entry is (Gaussian) rational, else None."""
    d = W.rows
    n = d * d
    out: dict[int, flint.fmpq] = {}
    parts: tuple[tuple[int, sp.Expr], ...]
    for (i, j), w in W.todok().items():
        if isinstance(w, sp.Rational):
            parts = ((i * d + j, w),)
        elif is_complex and w.is_number and not w.is_real:
            re_, im_ = sp.expand_complex(w).as_real_imag()
            parts = ((i * d + j, re_), (n + i * d + j, im_))
        else:
            return None
        for a, t in parts:
            if t == 0:
                continue
            if not isinstance(t, sp.Rational):
                return None
            out[a] = flint.fmpq(int(t.p), int(t.q))
    return out


# --------------------------------------------------------------------------- the system
@dataclass(frozen=True)
class SymmetryConditions:
    """The exact linear system ``C theta = 0`` of a polynomial oracle.

    Attributes
    ----------
    columns : tuple of read-only dict
        Sparse ``C``: ``columns[a]`` maps a row index to the nonzero coefficient of ``theta_a``
        in that row. Over Q (``field.is_rational``) coefficients are integers: each component
        ``phi`` was first scaled by the common denominator of its coefficients (this does not
        change the solutions). Over a number field K they are power-basis coordinates
        ``(c_0, .., c_{m-1})`` of elements of K (scales are 1).
    row_components : tuple of int
        Row ``r`` belongs to component ``row_components[r]`` (an index into ``real_exprs``).
    row_monomials : tuple of bytes or tuple of int
        ...and is the coefficient of the monomial with exponents ``row_monomials[r]`` (one per
        variable; stored as ``bytes`` when every exponent is below 255, which keeps systems
        with hundreds of thousands of rows compact). :attr:`rows` gives ``(component,
        exponent tuple)`` pairs.
    variables : tuple of sympy.Symbol
        The oracle's real variables, the order of the exponent tuples.
    matrix_size : int
        ``d``.
    is_complex : bool
        Whether ``theta`` holds ``(Re W, Im W)``.
    scales : tuple of int
        The positive integer each component was multiplied by (the common denominator of its
        coefficients): row ``r`` holds ``scales[rows[r][0]]`` times the true coefficient.
    field : NumberField
        The field of the coefficients (``QQ_FIELD`` for rational oracles).

    Examples
    --------
    >>> import sympy as sp
    >>> from liealg.oracle import Oracle
    >>> x1, x2 = sp.symbols("x1 x2", real=True)
    >>> cond = symmetry_conditions(Oracle(x1**2 + x2**2))
    >>> cond.shape            # monomials x1**2, x1*x2, x2**2; parameters W00, W01, W10, W11
    (3, 4)
    >>> cond.to_sympy()
    Matrix([
    [2, 0, 0, 0],
    [0, 2, 2, 0],
    [0, 0, 0, 2]])
    """

    columns: tuple[Mapping[int, int | tuple[flint.fmpq, ...]], ...]
    row_components: tuple[int, ...]
    row_monomials: tuple[EncodedMonomial, ...]
    variables: tuple[sp.Symbol, ...]
    matrix_size: int
    is_complex: bool
    scales: tuple[int, ...] = ()
    field: NumberField = QQ_FIELD

    @property
    def n_params(self) -> int:
        """``p``: ``d*d`` (real) or ``2*d*d`` (complex)."""
        return len(self.columns)

    @property
    def shape(self) -> tuple[int, int]:
        """``(number of rows, p)``."""
        return (len(self.row_components), len(self.columns))

    @property
    def rows(self) -> tuple[tuple[int, Monomial], ...]:
        """``(component, exponent tuple)`` of every row (decoded on each access)."""
        return tuple((c, tuple(m)) for c, m in zip(self.row_components, self.row_monomials))

    def monomial(self, r: int) -> sp.Expr:
        """The monomial of row ``r`` as a sympy expression."""
        return sp.Mul(*[v**e for v, e in zip(self.variables, self.row_monomials[r]) if e])

    @functools.cached_property
    def matrix(self) -> flint.fmpq_mat:
        """``C`` as a dense ``flint.fmpq_mat`` of shape ``(n_rows, p)`` (built on first use; Q only).

        Raises
        ------
        OptionError
            Over a number field (use :meth:`field_matrix`).
        """
        if not self.field.is_rational:
            raise OptionError(f"the system is over {self.field}, not Q: use field_matrix()")
        n, p = self.shape
        flat: list[int] = [0] * (n * p)
        for a, col in enumerate(self.columns):
            for r, v in col.items():
                flat[r * p + a] = v  # type: ignore[assignment]  # an int: the system is over Q
        return flint.fmpq_mat(n, p, flat)

    def field_matrix(self) -> linalg.FieldMatrix:
        """``C`` over its field as a :class:`~liealg.exact.linalg.FieldMatrix` ``(n_rows, p)``."""
        if self.field.is_rational:
            return linalg.FieldMatrix.from_rational(self.matrix, self.field.minpoly)
        entries = {(r, a): v for a, col in enumerate(self.columns) for r, v in col.items()}
        return linalg.FieldMatrix.from_entries(*self.shape, entries, self.field.minpoly)  # type: ignore[arg-type]

    def to_sympy(self) -> sp.ImmutableMatrix:
        """``C`` as a sympy Matrix, entries in its field (for display and debugging; slow when large)."""
        if self.field.is_rational:
            return linalg.to_sympy(self.matrix)
        return self.field.sympy_matrix(self.field_matrix())

    def row_labels(self) -> list[str]:
        """A readable label ``"phi_k: monomial"`` for every row."""
        return [f"phi_{c}: {self.monomial(r)}" for r, c in enumerate(self.row_components)]

    def sparse_residuals(self, thetas: list[dict[int, flint.fmpq]]) -> list[dict[int, flint.fmpq]]:
        """``C @ theta`` for sparse parameter vectors, exactly; visits only nonzero entries.

        Parameters
        ----------
        thetas : list of dict
            One ``{parameter index: exact rational}`` per generator.

        Returns
        -------
        list of dict
            One ``{row index: nonzero coefficient}`` per generator (empty: the generator is a
            symmetry). Coefficients are those of the scaled system (see ``scales``).
        """
        if not self.field.is_rational:
            raise OptionError(f"the system is over {self.field}, not Q: use field_residuals()")
        out = []
        for theta in thetas:
            acc: dict[int, flint.fmpq] = {}
            for a, t in theta.items():
                if t == 0:
                    continue
                for r, v in self.columns[a].items():
                    acc[r] = acc.get(r, 0) + v * t  # type: ignore[operator]  # ints over Q
            out.append({r: v for r, v in acc.items() if v != 0})
        return out

    def field_residuals(
        self, thetas: list[dict[int, tuple[flint.fmpq, ...]]]
    ) -> list[dict[int, tuple[flint.fmpq, ...]]]:
        """``C @ theta`` over the system's number field, exactly, for sparse parameter vectors.

        Parameters
        ----------
        thetas : list of dict
            One ``{parameter index: power-basis coordinates}`` per generator (elements of
            :attr:`field`).

        Returns
        -------
        list of dict
            One ``{row index: nonzero coordinates}`` per generator (empty: a symmetry).
        """
        f = self.field.minpoly
        m = self.field.degree
        out = []
        for theta in thetas:
            acc: dict[int, flint.fmpq_poly] = {}
            for a, t in theta.items():
                tp = flint.fmpq_poly(list(t))
                if tp == 0:
                    continue
                for r, v in self.columns[a].items():
                    vp = flint.fmpq_poly([v] if isinstance(v, int) else list(v))
                    acc[r] = (acc[r] + vp * tp) % f if r in acc else (vp * tp) % f
            out.append({r: _poly_to_coordinates(v, m) for r, v in acc.items() if v != 0})
        return out

    def residuals(self, thetas: flint.fmpq_mat) -> flint.fmpq_mat:
        """``C @ thetas`` for the columns of an exact ``(p, m)`` matrix; returns ``(n_rows, m)``."""
        p, m = thetas.nrows(), thetas.ncols()
        if p != self.n_params:
            raise OptionError(f"expected {self.n_params} parameters per generator, got {p}")
        sparse = [{a: thetas[a, j] for a in range(p) if thetas[a, j] != 0} for j in range(m)]
        n = len(self.row_components)
        flat = [flint.fmpq(0)] * (n * m)
        for j, res in enumerate(self.sparse_residuals(sparse)):
            for r, v in res.items():
                flat[r * m + j] = flint.fmpq(v)
        return flint.fmpq_mat(n, m, flat)


_NOT_POLYNOMIAL = (
    "method='exact' needs a polynomial with rational coefficients (or real algebraic ones such as "
    "sqrt(2)) in the variables {vars}, but the oracle {formula} is not one{reason}; use method='train' "
    "(and certify the rationalized result with liealg.exact.certify)"
)


def oracle_mpolys(oracle: Oracle) -> MpolyForm | None:
    """The real components of a formula oracle as python-flint ``fmpq_mpoly`` polynomials.

    Returns ``(context, generators, polynomials)`` (generators in ``oracle.real_variables``
    order), or None when the oracle is a callable or some component is not a polynomial with
    rational coefficients.
    """
    if not oracle.is_symbolic:
        return None
    return polynomials_over_q(oracle.real_exprs, tuple(oracle.real_variables))


def _polynomial_terms(
    exprs: Sequence[sp.Expr], variables: Sequence[sp.Symbol]
) -> list[tuple[list[tuple[tuple[int, ...], int]], int]] | None:
    """Every expression as integer terms ``[(exponents, coefficient)]`` and its scale.

    None when some expression is not a polynomial with rational coefficients. Each one is
    multiplied by the common denominator of its coefficients (``scale``), so the terms are
    integers; the symmetries are the same.
    """
    converted = polynomials_over_q(exprs, variables)
    if converted is None:
        return None
    out = []
    for P in converted[2]:
        coeffs = P.coeffs()
        den = lcm(*[int(c.q) for c in coeffs]) if coeffs else 1
        out.append(([(tuple(map(int, m)), int(c * den)) for m, c in zip(P.monoms(), coeffs)], den))
    return out


def is_polynomial_oracle(oracle: Oracle) -> bool:
    """True when every real component is a polynomial with rational coefficients.

    Same meaning as ``Oracle.is_polynomial``, decided by expanding with python-flint (fast even
    for nested expressions with tens of thousands of terms once expanded).
    """
    return oracle_mpolys(oracle) is not None


def _not_polynomial_error(oracle: Oracle, what: str, reason: str = "") -> OracleError:
    if not oracle.is_symbolic:
        return OracleError(
            f"{what} needs a formula, but this oracle is a callable; the exact solver (method='exact') "
            "works only for polynomials with rational (or algebraic) coefficients: use method='train'"
        )
    variables = " ".join(s.name for s in oracle.real_variables)
    return OracleError(f"{what}: " + _NOT_POLYNOMIAL.format(vars=variables, formula=oracle.formula_text(),
                                                          reason=f" ({reason})" if reason else ""))


def symmetry_conditions(oracle: Oracle) -> SymmetryConditions:
    """The exact linear system whose null space is the oracle's linear symmetry algebra.

    Parameters
    ----------
    oracle : Oracle
        A polynomial oracle with rational coefficients.

    Returns
    -------
    SymmetryConditions
        Sparse integer matrix ``C`` of shape ``(n_rows, p)``, rows labelled by
        ``(component, monomial)``, columns by ``theta``.

    Raises
    ------
    OracleError
        If the oracle is not a polynomial with rational coefficients.

    Examples
    --------
    >>> import sympy as sp
    >>> from liealg.oracle import Oracle
    >>> x1, x2 = sp.symbols("x1 x2", real=True)
    >>> symmetry_conditions(Oracle(x1 * x2)).row_labels()
    ['phi_0: x1*x2', 'phi_0: x2**2', 'phi_0: x1**2']
    """
    return _oracle_conditions(oracle, "symmetry_conditions")


def _oracle_conditions(oracle: Oracle, what: str) -> SymmetryConditions:
    if not oracle.is_symbolic:
        raise _not_polynomial_error(oracle, what)
    try:
        return polynomial_conditions(oracle.real_exprs, oracle.real_vectors, is_complex=oracle.is_complex)
    except OracleError as err:
        reason = str(err).split(": ", 1)[-1]
        raise _not_polynomial_error(oracle, what, reason) from None


def polynomial_conditions(
    exprs: Sequence[sp.Expr],
    vectors: Sequence[Sequence[sp.Symbol]],
    *,
    is_complex: bool = False,
    field: NumberField | None = None,
) -> SymmetryConditions:
    """The exact invariance system of explicit polynomials (the core of :func:`symmetry_conditions`).

    Parameters
    ----------
    exprs : sequence of sympy.Expr
        Real polynomials in the symbols of ``vectors``, with rational or real algebraic
        coefficients (``sqrt(2)``, ``2**(1/3)``).
    vectors : sequence of sequences of sympy.Symbol, each of length D
        The argument vectors; one generator acts on each. For ``is_complex=True`` each lists
        real coordinates ``(Re z_1 .. Re z_d, Im z_1 .. Im z_d)`` (``D = 2d``).
    is_complex : bool
        Look for complex ``d x d`` generators ``W = A + iB`` acting as ``[[A, -B], [B, A]]``.
    field : NumberField, optional
        Build the system over this field (it must contain every coefficient). Default: Q when
        the coefficients are rational (the fast python-flint path), else the field they
        generate (:func:`liealg.exact.fields.coefficient_field`).

    Returns
    -------
    SymmetryConditions
        Over Q its columns hold integers; over a number field K, power-basis coordinates.

    Raises
    ------
    OracleError
        If an expression is not a polynomial with algebraic coefficients in those symbols
        (transcendental or floating-point coefficients, other symbols), its coefficients do not
        generate a real field, or the vectors have different lengths (or an odd length when
        complex).

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y", real=True)
    >>> polynomial_conditions([x**2 + y**2], [(x, y)]).shape
    (3, 4)
    """
    vectors = [tuple(v) for v in vectors]
    if not vectors or any(len(v) != len(vectors[0]) for v in vectors):
        raise OracleError("all argument vectors must have the same (nonzero) length")
    D = len(vectors[0])
    if is_complex and D % 2:
        raise OracleError("complex argument vectors need an even number of real coordinates (Re, then Im)")
    variables = tuple(s for v in vectors for s in v)
    # [(terms, scale)] per component; a term is (exponents, coefficient): an int over Q, a
    # polynomial in θ over a number field (both support + and * int, which is all the loop needs)
    components: list[tuple[list[tuple[tuple[int, ...], int | flint.fmpq_poly]], int]] | None = None
    if field is None or field.is_rational:
        components = _polynomial_terms(exprs, variables)  # type: ignore[assignment]  # python-flint: the fast path for Q
    if components is None:
        components, field = _field_terms(exprs, variables, field)  # type: ignore[assignment]
    else:
        field = QQ_FIELD
    assert components is not None
    nvar = len(variables)
    d = D // 2 if is_complex else D
    n_vec = len(vectors)
    actions = parameter_actions(d, is_complex)

    # Monomials as bytes when every exponent fits (shifts stay below 256): slicing and hashing
    # bytes is cheap, and a row key costs ~nvar bytes instead of a tuple of nvar ints (8x).
    max_exp = max((max(m) for terms, _ in components for m, _ in terms if m), default=0)
    encode: Callable[[tuple[int, ...]], EncodedMonomial] = bytes if max_exp < 254 else tuple
    # ONE[e] is the encoded single exponent e (a table: no call in the inner loop).
    ONE = [bytes((e,)) for e in range(256)] if encode is bytes else [(e,) for e in range(max_exp + 2)]

    row_components: list[int] = []
    row_monomials: list[EncodedMonomial] = []
    # integer coefficients over Q; over K, polynomials in θ (reduced mod its minimal polynomial)
    columns: list[dict[int, int | flint.fmpq_poly]] = [{} for _ in actions]
    scales = []
    for comp, (terms, den) in enumerate(components):
        scales.append(den)
        row_index: dict[EncodedMonomial, int] = {}  # per component: keys are bare monomials
        # d phi / d x_k once per real variable, as [(monomial, integer coefficient)].
        derivs: list[list[tuple[EncodedMonomial, int | flint.fmpq_poly]]] = [[] for _ in range(nvar)]
        for mono, c in terms:
            m = encode(mono)
            for k, e in enumerate(mono):
                if e:
                    # bytes + bytes or tuple + tuple: encode and ONE use one representation
                    derivs[k].append((m[:k] + ONE[e - 1] + m[k + 1:], c * e))  # type: ignore[operator]
        for a, action in enumerate(actions):
            col = columns[a]
            for v in range(n_vec):
                base = v * D
                for (r, c_, sign) in action:
                    # (d phi / d x_{v,r}) * x_{v,c_}: shift every monomial by x_{v,c_}.
                    k = base + c_
                    k1 = k + 1
                    for dmono, coef in derivs[base + r]:
                        shifted = dmono[:k] + ONE[dmono[k] + 1] + dmono[k1:]  # type: ignore[operator]  # as above
                        ri = row_index.get(shifted)
                        if ri is None:
                            ri = row_index[shifted] = len(row_components)
                            row_components.append(comp)
                            row_monomials.append(shifted)
                        val = col.get(ri, 0) + sign * coef
                        if val:
                            col[ri] = val
                        else:
                            del col[ri]
    frozen_columns: tuple[Mapping[int, int | tuple[flint.fmpq, ...]], ...]
    if field.is_rational:
        frozen_columns = tuple(MappingProxyType(col) for col in columns)  # type: ignore[arg-type]  # ints here
    else:
        degree = field.degree
        frozen_columns = tuple(
            MappingProxyType({r: _poly_to_coordinates(v, degree) for r, v in col.items()})  # type: ignore[arg-type]
            for col in columns)
    return SymmetryConditions(
        columns=frozen_columns,
        row_components=tuple(row_components),
        row_monomials=tuple(row_monomials),
        variables=variables,
        matrix_size=d,
        is_complex=is_complex,
        scales=tuple(scales),
        field=field,
    )


def _poly_to_coordinates(p: flint.fmpq_poly, m: int) -> tuple[flint.fmpq, ...]:
    c = [flint.fmpq(x) for x in p.coeffs()]
    return tuple(c + [flint.fmpq(0)] * (m - len(c)))


def _field_terms(
    exprs: Sequence[sp.Expr], variables: Sequence[sp.Symbol], field: NumberField | None
) -> tuple[list[tuple[list[tuple[tuple[int, ...], flint.fmpq_poly]], int]], NumberField]:
    """Every expression as terms ``[(exponents, coefficient in K as a polynomial in θ)]`` (scale 1).

    Raises OracleError when an expression is not a polynomial over a real number field.
    """
    found = coefficient_field(exprs, variables)
    if not found.is_exact:
        raise OracleError(
            f"not a polynomial with exact algebraic coefficients in {' '.join(map(str, variables))}: "
            f"{found.reason}"
        )
    K = found.field if field is None else field
    assert K is not None
    if not K.is_real:
        raise OracleError(
            f"the coefficients generate {K}, which is not a real field; real components must have real "
            "coefficients"
        )
    out = []
    for e in exprs:
        coeffs = polynomial_coefficients(e, variables)
        assert coeffs is not None  # coefficient_field accepted it
        try:
            terms = [(mono, flint.fmpq_poly(list(K.coordinates(c)))) for mono, c in coeffs.items()]
        except OptionError as err:
            raise OracleError(f"a coefficient is not in {K}: {err}") from None
        out.append((terms, 1))
    return out, K


# --------------------------------------------------------------------------- the null space
def _blocks(cond: SymmetryConditions) -> list[tuple[list[int], list[int]]]:
    """Connected components of the row/column incidence graph: independent sub-systems.

    Returns a list of ``(columns, rows)``; a column with no nonzero entry is its own block with
    no rows (a free parameter).
    """
    p = cond.n_params
    parent = list(range(p))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    # Link each column to the first column that used each of its rows. The set comprehension
    # runs at C speed; only the few distinct earlier columns need a union.
    first_col_of_row: dict[int, int] = {}
    setdefault = first_col_of_row.setdefault
    for a, col in enumerate(cond.columns):
        linked = {setdefault(r, a) for r in col}
        linked.discard(a)
        for b in linked:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[ra] = rb
    groups: dict[int, list[int]] = {}
    for a in range(p):
        groups.setdefault(find(a), []).append(a)
    out = []
    for cols in groups.values():
        rows = sorted({r for a in cols for r in cond.columns[a]})
        out.append((cols, rows))
    return out


NULLSPACE_BACKENDS = ("fmpz_nullspace", "fmpq_rref")


def _block_rref_rows(
    cond: SymmetryConditions, *, backend: str = "fmpz_nullspace", split: bool = True
) -> list[tuple[int, dict[int, flint.fmpq]]]:
    """The canonical RREF basis of ``{theta : C theta = 0}`` as sparse rows with their pivots.

    Each block's null space is computed and put in RREF on its own columns. Blocks have
    disjoint column supports, so the union of the per-block RREFs, sorted by pivot, *is* the
    RREF of the whole null space: no large elimination is ever done.

    ``backend``: ``"fmpz_nullspace"`` (FLINT's fraction-free integer null space) or
    ``"fmpq_rref"`` (rational RREF, null space read off it); ``split=False`` solves the whole
    system as one block (for benchmarks).
    """
    if backend not in NULLSPACE_BACKENDS:
        raise OptionError(f"unknown backend {backend!r}; choose one of {', '.join(NULLSPACE_BACKENDS)}")
    if not cond.field.is_rational:
        raise OptionError(f"the system is over {cond.field}: use _field_block_rref_rows")
    if split:
        blocks = _blocks(cond)
    else:
        blocks = [(list(range(cond.n_params)), list(range(len(cond.row_components))))]
    out: list[tuple[int, dict[int, flint.fmpq]]] = []
    for cols, rows in blocks:
        if not rows:  # parameters that appear nowhere: each is free
            out.extend((a, {a: flint.fmpq(1)}) for a in cols)
            continue
        rpos = {r: i for i, r in enumerate(rows)}
        nr, nc = len(rows), len(cols)
        flat: list[int] = [0] * (nr * nc)
        for j, a in enumerate(cols):
            for r, v in cond.columns[a].items():
                flat[rpos[r] * nc + j] = v  # type: ignore[assignment]  # ints: the system is over Q
        if backend == "fmpz_nullspace":
            X, nullity = flint.fmpz_mat(nr, nc, flat).nullspace()
            if nullity == 0:
                continue
            N = flint.fmpq_mat(X.transpose())  # rows: null vectors (first `nullity` of them)
            N = flint.fmpq_mat(nullity, nc, N.entries()[: nullity * nc])
        else:
            N = linalg.nullspace(flint.fmpq_mat(nr, nc, flat))
            if N.nrows() == 0:
                continue
        Rb, piv = linalg.rref(N)
        ent = Rb.entries()
        for t, pv in enumerate(piv):
            row = ent[t * nc:(t + 1) * nc]
            out.append((cols[pv], {cols[j]: q for j, q in enumerate(row) if q != 0}))
    out.sort(key=lambda item: item[0])
    return out


def _field_block_rref_rows(cond: SymmetryConditions) -> list[tuple[int, dict[int, tuple[flint.fmpq, ...]]]]:
    """:func:`_block_rref_rows` over the system's number field: the K-RREF of the null space.

    The same block splitting; each block's null space over K is computed on flint through the
    regular representation (:meth:`liealg.exact.linalg.FieldMatrix.nullspace`). For a matrix with
    entries in a real field K, the real null space is (null space over K) tensor R, so this basis
    is the exact basis of every real symmetry.
    """
    K = cond.field
    m = K.degree
    zero = tuple(flint.fmpq(0) for _ in range(m))
    one = (flint.fmpq(1),) + zero[1:]
    out: list[tuple[int, dict[int, tuple[flint.fmpq, ...]]]] = []
    for cols, rows in _blocks(cond):
        if not rows:
            out.extend((a, {a: one}) for a in cols)
            continue
        rpos = {r: i for i, r in enumerate(rows)}
        entries = {(rpos[r], j): v for j, a in enumerate(cols) for r, v in cond.columns[a].items()}
        N = linalg.FieldMatrix.from_entries(len(rows), len(cols), entries, K.minpoly).nullspace()  # type: ignore[arg-type]
        if N.shape[0] == 0:
            continue
        for coords in N.rows_as_coordinates():
            pivot = next(j for j, x in enumerate(coords) if any(x))
            out.append((cols[pivot], {cols[j]: x for j, x in enumerate(coords) if any(x)}))
    out.sort(key=lambda item: item[0])
    return out


def _field_theta_to_matrix(theta: Mapping[int, tuple[flint.fmpq, ...]], d: int, is_complex: bool,
                           K: NumberField) -> sp.Matrix:
    """A sparse ``theta`` with entries in K (coordinates) as a sympy ``d x d`` generator."""
    n = d * d
    W = sp.zeros(d, d)
    for a, coords in theta.items():
        value = K.element(coords)
        i, j = divmod(a % n, d)
        W[i, j] += sp.I * value if a >= n else value
    return W


def solve_symmetries(oracle: Oracle) -> tuple[sp.Matrix, ...]:
    """All linear infinitesimal symmetries of a polynomial oracle, exactly, in canonical form.

    Parameters
    ----------
    oracle : Oracle
        A polynomial oracle with rational coefficients (real or complex, one or several
        argument vectors, one or several components).

    Returns
    -------
    tuple of sympy.Matrix, each ``d x d``
        The rows of the reduced row echelon form of the null space, in ``theta`` coordinates
        (row-major ``W``; for complex oracles ``Re W`` then ``Im W``), turned back into
        matrices. Every entry is rational (real oracles) or Gaussian rational ``a + b*I``
        (complex oracles). Empty when the oracle has no linear symmetry. The basis depends only
        on the symmetry algebra (and the coordinates), so it equals
        ``rationalize(learned, basis="rref").matrices`` for a correctly learned span.

    Raises
    ------
    OracleError
        If the oracle is a callable or not a polynomial with rational coefficients (use
        ``method="train"`` then).

    Examples
    --------
    >>> import sympy as sp
    >>> from liealg.oracle import Oracle
    >>> x1, x2, x3 = sp.symbols("x1 x2 x3", real=True)
    >>> [list(W) for W in solve_symmetries(Oracle(x1**2 + x2**2 + x3**2))]
    [[0, 1, 0, -1, 0, 0, 0, 0, 0], [0, 0, 1, 0, 0, 0, -1, 0, 0], [0, 0, 0, 0, 0, 1, 0, -1, 0]]
    """
    return _solve(_oracle_conditions(oracle, "solve_symmetries"))


def _solve(cond: SymmetryConditions) -> tuple[sp.Matrix, ...]:
    d, is_complex = cond.matrix_size, cond.is_complex
    if cond.field.is_rational:
        return tuple(sparse_theta_to_matrix(row, d, is_complex) for _, row in _block_rref_rows(cond))
    return tuple(_field_theta_to_matrix(row, d, is_complex, cond.field) for _, row in _field_block_rref_rows(cond))


def solve_polynomial_symmetries(
    exprs: Sequence[sp.Expr], vectors: Sequence[Sequence[sp.Symbol]], *, is_complex: bool = False
) -> tuple[sp.Matrix, ...]:
    """:func:`solve_symmetries` for explicit polynomials (no :class:`~liealg.oracle.Oracle` needed).

    Parameters and layout as in :func:`polynomial_conditions`.

    Returns
    -------
    tuple of sympy.Matrix, each ``d x d``
        The canonical (RREF) basis of every linear symmetry.

    Examples
    --------
    >>> import sympy as sp
    >>> x, y = sp.symbols("x y", real=True)
    >>> solve_polynomial_symmetries([x**2 + y**2], [(x, y)])
    (Matrix([
    [ 0, 1],
    [-1, 0]]),)
    """
    return _solve(polynomial_conditions(exprs, vectors, is_complex=is_complex))


def solve_conditions(
    cond: SymmetryConditions, *, backend: str = "fmpz_nullspace", split: bool = True
) -> tuple[flint.fmpq_mat, tuple[int, ...]]:
    """The canonical (RREF) basis of the null space of ``cond``, as rows, and its pivots.

    Parameters
    ----------
    cond : SymmetryConditions
    backend : {"fmpz_nullspace", "fmpq_rref"}
        Exact null space of each block: FLINT's integer null space (default; measured the
        faster on these small-integer systems, see ``benchmarks/bench_exact.py``) or the
        rational RREF. Both give the same canonical result.
    split : bool
        Solve the independent blocks separately (default) or the whole system at once.

    Returns
    -------
    R : flint.fmpq_mat, shape (dim, p)
    pivots : tuple of int
    """
    rows = _block_rref_rows(cond, backend=backend, split=split)
    p = cond.n_params
    flat = [flint.fmpq(0)] * (len(rows) * p)
    for i, (_, row) in enumerate(rows):
        for a, v in row.items():
            flat[i * p + a] = v
    return flint.fmpq_mat(len(rows), p, flat), tuple(pv for pv, _ in rows)


def rows_to_matrices(R: flint.fmpq_mat, d: int, is_complex: bool) -> tuple[sp.Matrix, ...]:
    """Turn the rows of an exact ``(m, p)`` parameter matrix into ``m`` sympy ``d x d`` matrices."""
    p = R.ncols()
    entries = R.entries()
    out = []
    for i in range(R.nrows()):
        row = entries[i * p:(i + 1) * p]
        out.append(sparse_theta_to_matrix({a: q for a, q in enumerate(row) if q != 0}, d, is_complex))
    return tuple(out)
