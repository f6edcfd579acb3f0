"""Number fields: the field a formula's coefficients generate, and its exact elements.

A formula such as ``x1**2 + sqrt(2)*x2**2`` has its invariance conditions over
``K = Q(sqrt(2))``, not over Q. :func:`coefficient_field` finds K (or says the formula is not a
polynomial, or has transcendental or floating-point coefficients); :class:`NumberField` converts
exact sympy numbers to coordinates in the power basis of a primitive element ``θ`` and back, and
builds :class:`~liealg.exact.linalg.FieldMatrix` matrices, on which every exact step (null space,
reduced row echelon form, products, inverses) runs over K with python-flint.

Fields are described by their generators, which are normalized so that equal fields built from
different spellings usually coincide: ``sqrt(12)`` and ``sqrt(3)/2`` both give ``sqrt(3)``, and
``sqrt(6)`` gives ``sqrt(2), sqrt(3)``.

>>> K = NumberField.of([sp.sqrt(12), sp.Rational(1, 2)])
>>> K, K.degree
(NumberField('QQ<sqrt(3)>'), 2)
>>> K.coordinates(sp.sqrt(3) / 2 + 1)
(1, 1/2)
>>> K.element(K.coordinates(sp.sqrt(3) / 2 + 1))
sqrt(3)/2 + 1
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Literal, TypeAlias

import flint
import numpy as np
import sympy as sp
from sympy.polys.domains import Domain
from sympy.polys.numberfields import primitive_element

from liealg.errors import OptionError, OracleError
from liealg.exact.linalg import FieldMatrix
from liealg.parsing import parse_number

if TYPE_CHECKING:
    from liealg.oracle import Oracle

__all__ = [
    "QQ_FIELD",
    "CoefficientField",
    "FieldKind",
    "NumberField",
    "classify_number",
    "coefficient_field",
    "oracle_coefficient_field",
    "polynomial_coefficients",
]

#: What :func:`coefficient_field` found.
FieldKind: TypeAlias = Literal["rational", "algebraic", "transcendental", "float", "not_polynomial", "callable"]

# Radicands are factored to normalize generators (sqrt(12) -> sqrt(3)); above this size the
# radical is kept whole rather than factored (factoring can be slow; the field is the same).
_MAX_FACTOR_DIGITS = 30


# --------------------------------------------------------------------------------------------
# Generators: the radicals (and I) an algebraic number is built from
# --------------------------------------------------------------------------------------------


def _is_radical_atom(e: sp.Basic) -> bool:
    """``b**(p/q)`` with a non-integer rational exponent and a numeric algebraic base."""
    return bool(e.is_Pow and e.exp.is_Rational and not e.exp.is_Integer and e.base.is_number)


def _splits(atom: sp.Pow) -> bool:
    """Whether ``b**(p/q)`` is a product of prime radicals (and ``I``): a rational, factorable
    base, positive or with ``q = 2``."""
    base, q = atom.base, int(atom.exp.q)
    if not base.is_Rational or (base < 0 and q != 2):
        return False
    return all(len(str(n)) <= _MAX_FACTOR_DIGITS for n in (abs(int(base.p)), int(base.q)))


def _is_prime_radical(atom: sp.Pow) -> bool:
    """``p**(1/q)`` for a prime p: a normalized generator (it does not split further)."""
    return bool(atom.exp.p == 1 and atom.base.is_Integer and atom.base > 1 and sp.isprime(int(atom.base)))


def _radical_as_product(atom: sp.Pow) -> sp.Expr:
    """``b**(p/q)`` (see :func:`_splits`) as a rational times powers of prime radicals and ``I``."""
    base, p, q = atom.base, int(atom.exp.p), int(atom.exp.q)
    out: sp.Expr = sp.S.One
    if base < 0:  # q == 2: sqrt(-b)**p = I**p sqrt(b)**p
        out = sp.Mul(out, sp.Pow(sp.I, p, evaluate=False), evaluate=False)
        base = -base
    for n, sign in ((int(base.p), 1), (int(base.q), -1)):
        for prime, mult in sp.factorint(n).items():
            a = sign * p * mult  # prime**(a/q) = prime**(a // q) * (prime**(1/q))**(a % q)
            whole, rest = divmod(a, q)
            out = sp.Mul(out, sp.Rational(prime) ** whole, evaluate=False)
            if rest:
                radical = sp.Pow(sp.Integer(prime), sp.Rational(1, q))
                out = sp.Mul(out, sp.Pow(radical, rest, evaluate=False), evaluate=False)
    return out


def _radical_generators(atom: sp.Pow) -> list[sp.Expr]:
    """Simple generators of ``Q(atom)`` for ``atom = b**(p/q)``: prime radicals when it splits."""
    base, q = atom.base, int(atom.exp.q)
    if not _splits(atom):  # a nested radical such as sqrt(2 + sqrt(3)), or (-2)**(1/4): keep it whole
        return [atom] + _generators_of(base)
    out: list[sp.Expr] = []
    if base < 0:
        out.append(sp.I)
        base = -base
    for n in (int(base.p), int(base.q)):
        for prime, mult in sp.factorint(n).items():
            if mult % q:
                out.append(sp.Integer(prime) ** sp.Rational(1, q))
    return out


def _generators_of(value: sp.Expr) -> list[sp.Expr]:
    out: list[sp.Expr] = []
    if value.has(sp.I):
        out.append(sp.I)
    for atom in value.atoms(sp.Pow):
        if _is_radical_atom(atom):
            out.extend(_radical_generators(atom))
    return out


def classify_number(value: sp.Expr) -> Literal["rational", "algebraic", "transcendental", "float"]:
    """Whether an exact sympy number is rational, algebraic (built from rationals, ``I`` and
    radicals), transcendental (``pi``, ``log(2)``, or not decidably algebraic) or a float.

    The test is structural (no numerical evaluation), so it is fast and never wrong about
    "algebraic".

    >>> classify_number(sp.sqrt(2) / 3), classify_number(sp.pi), classify_number(sp.Float(0.5))
    ('algebraic', 'transcendental', 'float')
    """
    if value.is_Rational:
        return "rational"
    if value.has(sp.Float):
        return "float"
    for node in sp.preorder_traversal(value):
        if node.is_Rational or node is sp.I or isinstance(node, (sp.Add, sp.Mul)):
            continue
        if node.is_Pow and node.exp.is_Rational:
            continue
        if isinstance(node, (sp.AlgebraicNumber, sp.CRootOf)):
            continue
        return "transcendental"  # pi, E, log(2), sin(1), ... (or not decidably algebraic)
    return "algebraic"


def _sort_key(g: sp.Expr) -> tuple[int, str]:
    return (0 if g is sp.I else 1, sp.default_sort_key(g).__repr__())


# --------------------------------------------------------------------------------------------
# NumberField
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberField:
    """``Q(g_1, .., g_k) = Q(θ)``: a number field given by generators, with a primitive element.

    Build one with :meth:`of` (from the numbers it must contain) or :meth:`from_generators`.
    Elements are exact sympy numbers (:meth:`element`) or their coordinates in the power basis
    ``1, θ, .., θ^(m-1)`` (:meth:`coordinates`, tuples of ``flint.fmpq``). Two fields are equal
    when their generators are.

    Attributes
    ----------
    generators : tuple of sympy.Expr
        Normalized generators (prime radicals such as ``sqrt(2)``, ``2**(1/3)``, and ``I``);
        empty for Q.
    """

    generators: tuple[sp.Expr, ...]
    _theta: sp.Expr = field(compare=False, repr=False)
    _minpoly: flint.fmpq_poly = field(compare=False, repr=False)
    _generator_coordinates: Mapping[sp.Expr, tuple[flint.fmpq, ...]] = field(compare=False, repr=False)
    _theta_powers: tuple[sp.Expr, ...] = field(compare=False, repr=False)

    @classmethod
    def from_generators(cls, generators: Iterable[sp.Expr | int | Fraction | str]) -> NumberField:
        """The field generated over Q by the given algebraic numbers (normalized first).

        Raises
        ------
        OptionError
            When a generator is not an algebraic number built from radicals.
        """
        gens: list[sp.Expr] = []
        for given in generators:
            g = _exact_number(given)
            kind = classify_number(g)
            if kind in ("transcendental", "float"):
                raise OptionError(f"{g} is not an exact algebraic number; a number field needs algebraic generators")
            gens.extend(_generators_of(g))
        return _field_from_normalized(tuple(sorted(set(gens), key=_sort_key)))

    @classmethod
    def of(cls, numbers: Iterable[sp.Expr | int | Fraction | str]) -> NumberField:
        """The smallest field (from these generators) containing every given exact number."""
        return cls.from_generators(numbers)

    # ---- properties ------------------------------------------------------------------------

    @property
    def degree(self) -> int:
        """``[K : Q]``, the length of a coordinate vector."""
        return int(self._minpoly.degree())

    @property
    def is_rational(self) -> bool:
        """True for Q itself."""
        return not self.generators

    @property
    def is_real(self) -> bool:
        """True when K lies in R (no ``I`` and no radical of a negative number)."""
        return all(g.is_real for g in self.generators)

    @property
    def minpoly(self) -> flint.fmpq_poly:
        """Monic minimal polynomial of the primitive element θ (``x`` for Q)."""
        return self._minpoly

    @property
    def primitive_element(self) -> sp.Expr:
        """θ as a sympy number (0 for Q)."""
        return self._theta

    @property
    def name(self) -> str:
        """``"QQ"`` or ``"QQ<sqrt(2), sqrt(3)>"``."""
        if self.is_rational:
            return "QQ"
        return "QQ<" + ", ".join(sp.sstr(g) for g in self.generators) + ">"

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"NumberField({self.name!r})"

    # ---- elements --------------------------------------------------------------------------

    def contains(self, value: sp.Expr) -> bool:
        """Whether an exact number lies in this field (decided exactly)."""
        try:
            self.coordinates(value)
        except OptionError:
            return False
        return True

    def coordinates(self, value: sp.Expr | int) -> tuple[flint.fmpq, ...]:
        """Power-basis coordinates ``(c_0, .., c_{m-1})`` of an exact number, ``value = sum c_s θ^s``.

        Raises
        ------
        OptionError
            When the value is not an exact number of this field.
        """
        value = sp.sympify(value) if isinstance(value, int) else value
        if not isinstance(value, sp.Expr):
            raise OptionError(f"{value!r} is not a number")
        return _coordinates_cached(self, value)

    def element(self, coordinates: Sequence[flint.fmpq]) -> sp.Expr:
        """The sympy number with these power-basis coordinates (expressed in the generators)."""
        return _element_cached(self, tuple(flint.fmpq(c) for c in coordinates))

    def matrix(self, M: sp.MatrixBase) -> FieldMatrix:
        """A sympy matrix with entries in this field as a :class:`FieldMatrix`."""
        entries = {key: self.coordinates(v) for key, v in M.todok().items()}
        return FieldMatrix.from_entries(M.rows, M.cols, entries, self._minpoly)

    def sympy_matrix(self, A: FieldMatrix) -> sp.ImmutableMatrix:
        """A :class:`FieldMatrix` of this field as an immutable sympy matrix."""
        r, c = A.shape
        rows = A.rows_as_coordinates()
        return sp.ImmutableMatrix(r, c, [self.element(x) if any(x) else sp.S.Zero for row in rows for x in row])

    # ---- the real embedding: exact signs, floats, inertia ----------------------------------

    def sign(self, coordinates: Sequence[flint.fmpq]) -> int:
        """The exact sign (-1, 0 or 1) of an element in the real embedding of this field.

        The embedding is the one in which every generator takes its principal real value
        (``sqrt(2) > 0``, ``2**(1/3)`` real). Zero is decided exactly (all coordinates 0); else
        the element is evaluated in ball arithmetic (python-flint ``arb``) at a certified real root
        ``θ`` of the minimal polynomial, raising the precision until the ball excludes 0.

        Raises
        ------
        OptionError
            When the field is not real (it contains ``I``).

        >>> K = NumberField.of([sp.sqrt(2)])
        >>> K.sign(K.coordinates(sp.sqrt(2) - sp.Rational(141421356, 10**8)))
        1
        >>> K.sign(K.coordinates(1 - sp.sqrt(2)))
        -1
        """
        c = [flint.fmpq(x) for x in coordinates]
        if not any(c):
            return 0
        if self.is_rational or not any(c[1:]):
            return 1 if c[0] > 0 else -1
        for prec in (64, 256, 1024, 4096, 16384):
            value = _horner(c, _theta_ball(self, prec), prec)
            if value > 0:
                return 1
            if value < 0:
                return -1
        raise OptionError(f"the sign of an element of {self.name} was not decided at 16384 bits")  # pragma: no cover

    def to_float(self, coordinates: Sequence[flint.fmpq]) -> float:
        """The element as a float in the real embedding of :meth:`sign`."""
        c = [flint.fmpq(x) for x in coordinates]
        if self.is_rational or not any(c[1:]):
            return float(c[0]) if c else 0.0
        return float(_horner(c, _theta_ball(self, 128), 128).mid())

    def float_matrix(self, A: FieldMatrix) -> np.ndarray:
        """A :class:`FieldMatrix` of this field as a float64 array in the real embedding (shape ``A.shape``).

        ``sum_s θ^s A_s`` with ``θ`` as a float; entries where the terms cancel to below 1e-6 of
        their size are evaluated again in ball arithmetic, so every entry is correct to about
        1e-10 relative.
        """
        r, c = A.shape
        theta = 0.0 if self.is_rational else self.to_float((flint.fmpq(0), flint.fmpq(1)))
        out = np.zeros((r, c))
        size = np.zeros((r, c))
        parts = A.parts
        for s, P in enumerate(parts):
            term = (theta ** s) * np.array([float(x) for x in P.entries()], dtype=float).reshape(r, c)
            out += term
            size += np.abs(term)
        for i, j in zip(*np.nonzero(np.abs(out) < 1e-6 * size)):
            out[i, j] = self.to_float([P[int(i), int(j)] for P in parts])
        return out

    def inertia(self, S: FieldMatrix) -> tuple[int, int, int]:
        """Exact inertia ``(positive, negative, zero)`` of a symmetric matrix over this real field.

        Symmetric Gaussian elimination over K (a congruence ``S -> P S P^T``, so Sylvester's law
        keeps the inertia), then the exact sign (:meth:`sign`) of each pivot in the real embedding.

        Raises
        ------
        OptionError
            When ``S`` is not square and symmetric, or the field is not real.

        >>> K = NumberField.of([sp.sqrt(3)])
        >>> K.inertia(K.matrix(sp.Matrix([[1, 0, 0], [0, 1, 0], [0, 0, -sp.sqrt(3)]])))
        (2, 1, 0)
        """
        if not self.is_real:
            raise OptionError(f"{self.name} is not a real field: no inertia")
        r, c = S.shape
        if r != c or S.transpose() != S:
            raise OptionError("inertia needs a symmetric matrix")
        f = self._minpoly
        zero = flint.fmpq_poly([])
        A = [[flint.fmpq_poly(list(x)) for x in row] for row in S.rows_as_coordinates()]
        pos = neg = 0
        n = r
        while A:
            m = len(A)
            piv = next((i for i in range(m) if A[i][i] != 0), None)
            if piv is None:
                pair = next(((i, j) for i in range(m) for j in range(i + 1, m) if A[i][j] != 0), None)
                if pair is None:
                    break  # the rest is the zero form
                i, j = pair  # replace e_i by e_i + e_j: its square 2 A_ij is not zero
                for k in range(m):
                    A[i][k] = A[i][k] + A[j][k]
                for k in range(m):
                    A[k][i] = A[k][i] + A[k][j]
                piv = i
            d = A[piv][piv]
            if self.sign(_poly_coordinates(d, self.degree)) > 0:
                pos += 1
            else:
                neg += 1
            inv = _inverse_mod(d, f)
            rest = [k for k in range(m) if k != piv]
            A = [[(A[a][b] - (A[a][piv] * inv % f) * A[piv][b]) % f if A[a][piv] != zero else A[a][b]
                  for b in rest] for a in rest]
        return pos, neg, n - pos - neg

    def _evaluate(self, value: sp.Expr, memo: dict[sp.Expr, flint.fmpq_poly]) -> flint.fmpq_poly:
        """``value`` as a polynomial in θ (reduced), by walking its expression tree."""
        hit = memo.get(value)
        if hit is not None:
            return hit
        f = self._minpoly
        if value.is_Rational:
            out = flint.fmpq_poly([flint.fmpq(int(value.p), int(value.q))])
        elif value.is_Add:
            out = flint.fmpq_poly([])
            for arg in value.args:
                out = out + self._evaluate(arg, memo)
        elif value.is_Mul:
            out = flint.fmpq_poly([1])
            for arg in value.args:
                out = (out * self._evaluate(arg, memo)) % f
        elif value.is_Pow and value.exp.is_Integer:
            base = self._evaluate(value.base, memo)
            k = int(value.exp)
            if k < 0:
                base = _inverse_mod(base, f)
                k = -k
            out = flint.fmpq_poly([1])
            for _ in range(k):
                out = (out * base) % f
        elif value in self._generator_coordinates:
            out = flint.fmpq_poly(list(self._generator_coordinates[value]))
        elif _is_radical_atom(value) and _splits(value) and not _is_prime_radical(value):
            out = self._evaluate(_radical_as_product(value), memo)  # sqrt(6) = sqrt(2) sqrt(3): no isomorphism
        else:
            out = self._atom(value)
        memo[value] = out
        return out

    def _atom(self, value: sp.Expr) -> flint.fmpq_poly:
        """An atom that is not a generator (``sqrt(6)`` in Q(sqrt(2), sqrt(3))): sympy's field
        isomorphism decides membership (slow, so results are cached by :meth:`coordinates`)."""
        if self.is_rational:
            raise OptionError(f"{value} is not a rational number")
        try:
            anp = _domain(self._theta).from_sympy(value)
        except (sp.CoercionFailed, sp.polys.polyerrors.NotAlgebraic, sp.polys.polyerrors.IsomorphismFailed):
            raise OptionError(f"{value} is not an element of {self.name}") from None
        return flint.fmpq_poly([_fmpq(c) for c in reversed(anp.to_list())])


def _exact_number(value: object) -> sp.Expr:
    """An exact number as sympy: strings through the safe parser (never sympify)."""
    if isinstance(value, str):
        try:
            return parse_number(value)
        except OracleError as err:
            raise OptionError(str(err)) from None
    if isinstance(value, sp.Expr):
        return value
    if isinstance(value, (int, Fraction)) and not isinstance(value, bool):
        return sp.Rational(value)
    raise OptionError(f"{value!r} is not an exact number")


def _fmpq(c: object) -> flint.fmpq:
    """A rational from sympy's ground types (flint or python) as ``flint.fmpq``."""
    if isinstance(c, flint.fmpq):
        return c
    return flint.fmpq(int(c.numerator), int(c.denominator))  # type: ignore[attr-defined]


def _inverse_mod(p: flint.fmpq_poly, f: flint.fmpq_poly) -> flint.fmpq_poly:
    """``p^-1 mod f`` for ``f`` irreducible (extended Euclid)."""
    if p == 0:
        raise OptionError("division by zero in a number field")
    r0, r1 = f, p % f
    s0, s1 = flint.fmpq_poly([0]), flint.fmpq_poly([1])
    while r1 != 0:
        q = r0 // r1
        r0, r1 = r1, r0 - q * r1
        s0, s1 = s1, s0 - q * s1
    # r0 is a nonzero constant (gcd of an irreducible f and p not divisible by f)
    return (s0 * flint.fmpq_poly([1 / r0.coeffs()[0]])) % f


@functools.lru_cache(maxsize=64)
def _field_from_normalized(generators: tuple[sp.Expr, ...]) -> NumberField:
    if not generators:
        return NumberField((), sp.S.Zero, flint.fmpq_poly([0, 1]), {}, (sp.S.One,))
    # A primitive element θ = sum c_i g_i, its minimal polynomial, and every generator as a
    # polynomial in θ, in one call (no field isomorphisms: those cost a PSLQ each).
    x = sp.Dummy("x")
    f, weights, reps = primitive_element(list(generators), x, ex=True)
    poly = sp.Poly(f, x)
    lead = poly.LC()
    minpoly = flint.fmpq_poly([_fmpq(sp.Rational(c) / lead) for c in reversed(poly.all_coeffs())])
    m = minpoly.degree()
    coords = {}
    for g, rep in zip(generators, reps):
        c = [_fmpq(sp.Rational(v)) for v in reversed(rep)]
        coords[g] = tuple(c + [flint.fmpq(0)] * (m - len(c)))
    theta = sp.Add(*[sp.Integer(w) * g for w, g in zip(weights, generators)])
    powers = [sp.S.One]
    for _ in range(m - 1):
        powers.append(sp.expand(powers[-1] * theta))
    return NumberField(generators, theta, minpoly, coords, tuple(powers))


def _horner(c: Sequence[flint.fmpq], x: flint.arb, prec: int) -> flint.arb:
    """``sum_s c_s x^s`` in ball arithmetic at ``prec`` bits."""
    with flint.ctx.workprec(prec):
        out = flint.arb(0)
        for coefficient in reversed(c):
            out = out * x + flint.arb(coefficient)
    return out


def _poly_coordinates(p: flint.fmpq_poly, m: int) -> tuple[flint.fmpq, ...]:
    c = [flint.fmpq(x) for x in p.coeffs()]
    return tuple(c + [flint.fmpq(0)] * (m - len(c)))


@functools.lru_cache(maxsize=256)
def _theta_ball(K: NumberField, prec: int) -> flint.arb:
    """θ in the real embedding as a certified ``arb`` ball at ``prec`` bits.

    flint isolates the roots of the minimal polynomial (real roots come with an exactly zero
    imaginary part); the one nearest sympy's numerical value of θ is the embedding's.
    """
    approx = float(sp.N(K.primitive_element, 30))
    with flint.ctx.workprec(prec):
        # complex_roots() gives (root, multiplicity) pairs; python-flint's stub says list[acb]
        found: list[tuple[flint.acb, int]] = K.minpoly.complex_roots()  # type: ignore[assignment]
    real = [z.real for z, _ in found if z.imag.is_zero()]
    if not real:
        raise OptionError(f"{K.name} has no real embedding")
    dist = [abs(float(x.mid()) - approx) for x in real]
    best = min(range(len(real)), key=dist.__getitem__)
    others = [d for i, d in enumerate(dist) if i != best]
    if dist[best] > 1e-9 * (1 + abs(approx)) or (others and min(others) < 1e-6 * (1 + abs(approx))):
        raise OptionError(f"cannot tell the real root of {K.minpoly} that is {K.primitive_element} apart")
    return real[best]


@functools.lru_cache(maxsize=64)
def _domain(theta: sp.Expr) -> Domain:
    """sympy's ``QQ<θ>``, built only for numbers that are not products of generators."""
    return sp.QQ.algebraic_field(theta)


@functools.lru_cache(maxsize=4096)
def _coordinates_cached(K: NumberField, value: sp.Expr) -> tuple[flint.fmpq, ...]:
    if value.free_symbols:
        raise OptionError(f"{value} is not a number (it contains {sorted(map(str, value.free_symbols))})")
    kind = classify_number(value)
    if kind in ("transcendental", "float"):
        raise OptionError(f"{value} is not an exact algebraic number, so not an element of {K.name}")
    p = K._evaluate(value, {})
    c = [flint.fmpq(x) for x in p.coeffs()]
    return tuple(c + [flint.fmpq(0)] * (K.degree - len(c)))


@functools.lru_cache(maxsize=4096)
def _element_cached(K: NumberField, coordinates: tuple[flint.fmpq, ...]) -> sp.Expr:
    return sp.expand(sp.Add(*[sp.Rational(int(c.p), int(c.q)) * power
                              for c, power in zip(coordinates, K._theta_powers) if c]))


#: The rational numbers as a :class:`NumberField` (degree 1).
QQ_FIELD = _field_from_normalized(())


# --------------------------------------------------------------------------------------------
# The field of a formula's coefficients
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CoefficientField:
    """Where the coefficients of a formula live, and whether the exact layer applies.

    Attributes
    ----------
    kind : {"rational", "algebraic", "transcendental", "float", "not_polynomial", "callable"}
        ``rational`` and ``algebraic``: every component is a polynomial in the variables with
        coefficients in :attr:`field`; the exact solver, rationalization and certification work
        over it. ``transcendental`` (``pi``, ``log(2)``), ``float`` (binary floating-point
        coefficients) and ``not_polynomial``: only a numeric result is possible, marked not exact.
        ``callable``: the oracle is a torch function.
    field : NumberField or None
        The coefficient field (None unless ``kind`` is rational or algebraic).
    reason : str
        One sentence saying why the exact layer does not apply (empty when it does).
    """

    kind: FieldKind
    field: NumberField | None
    reason: str = ""

    @property
    def is_exact(self) -> bool:
        """True when the coefficients lie in a number field (the exact layer applies)."""
        return self.kind in ("rational", "algebraic")

    def __str__(self) -> str:
        return str(self.field) if self.field is not None else f"{self.kind}: {self.reason}"


def polynomial_coefficients(expr: sp.Expr, variables: Sequence[sp.Symbol]) -> dict[tuple[int, ...], sp.Expr] | None:
    """``{exponents: coefficient}`` of a polynomial in ``variables`` with numeric coefficients, or None.

    >>> x, y = sp.symbols("x y")
    >>> polynomial_coefficients(sp.sqrt(2) * x**2 + x * y, [x, y])
    {(2, 0): sqrt(2), (1, 1): 1}
    """
    expanded = sp.expand(expr)
    try:
        poly = sp.Poly(expanded, *variables, domain=sp.EX)
    except (sp.PolynomialError, sp.GeneratorsNeeded, sp.CoercionFailed):
        return None
    out = {}
    for mono, coeff in poly.terms():
        c = coeff if isinstance(coeff, sp.Expr) else sp.EX.to_sympy(coeff)
        if c.free_symbols:
            return None
        if c != 0:
            out[tuple(int(e) for e in mono)] = c
    return out


class _NotPolynomial(Exception):
    pass


def _mpoly_context(n: int) -> flint.fmpq_mpoly_ctx:
    """A python-flint ``fmpq_mpoly`` context with ``n`` variables (``x0 .. x{n-1}``, lex order)."""
    return flint.fmpq_mpoly_ctx.get(("x", n), "lex")


def _expr_to_mpoly(
    expr: sp.Expr,
    ctx: flint.fmpq_mpoly_ctx,
    gens: dict[sp.Symbol, flint.fmpq_mpoly],
    memo: dict[sp.Expr, flint.fmpq_mpoly],
) -> flint.fmpq_mpoly:
    """Expand a sympy expression into a flint ``fmpq_mpoly`` (C arithmetic), or raise _NotPolynomial.

    Walking the expression tree with flint arithmetic is about 2000x faster than ``sympy.Poly``
    on nested expressions (the su(6) oracle's Laplace-expanded determinant: 0.02 s against 42 s,
    measured); shared subexpressions are converted once (``memo``).
    """
    hit = memo.get(expr)
    if hit is not None:
        return hit
    if expr.is_Symbol:
        if expr not in gens:
            raise _NotPolynomial(f"unknown symbol {expr}")
        out = gens[expr]
    elif expr.is_Rational:
        out = ctx.constant(flint.fmpq(int(expr.p), int(expr.q)))
    elif expr.is_Add:
        out = ctx.constant(0)
        for arg in expr.args:
            out = out + _expr_to_mpoly(arg, ctx, gens, memo)
    elif expr.is_Mul:
        out = ctx.constant(1)
        for arg in expr.args:
            out = out * _expr_to_mpoly(arg, ctx, gens, memo)
    elif expr.is_Pow and expr.exp.is_Integer and expr.exp >= 0:
        out = _expr_to_mpoly(expr.base, ctx, gens, memo) ** int(expr.exp)
    else:
        raise _NotPolynomial(f"{expr} is not a polynomial with rational coefficients")
    memo[expr] = out
    return out


MpolyForm: TypeAlias = tuple[flint.fmpq_mpoly_ctx, tuple[flint.fmpq_mpoly, ...], list[flint.fmpq_mpoly]]


def polynomials_over_q(exprs: Sequence[sp.Expr], variables: Sequence[sp.Symbol]) -> MpolyForm | None:
    """``exprs`` as python-flint ``fmpq_mpoly`` polynomials in ``variables``, or None.

    Returns ``(context, generators, polynomials)`` (generators in ``variables`` order), or None
    when some expression is not a polynomial with rational coefficients in ``variables``.
    """
    ctx = _mpoly_context(len(variables))
    gens = tuple(ctx.gens())
    lookup = dict(zip(variables, gens))
    memo: dict[sp.Expr, flint.fmpq_mpoly] = {}
    try:
        polys = [_expr_to_mpoly(sp.sympify(e), ctx, lookup, memo) for e in exprs]
    except _NotPolynomial:
        return None
    return ctx, gens, polys


def coefficient_field(exprs: sp.Expr | Sequence[sp.Expr], variables: Sequence[sp.Symbol]) -> CoefficientField:
    """The field generated by the coefficients of polynomials, or why there is none.

    Parameters
    ----------
    exprs : sympy.Expr or sequence of them
        The components of a formula.
    variables : sequence of sympy.Symbol
        The variables (every other symbol makes the formula "not polynomial").

    Returns
    -------
    CoefficientField
        ``kind="rational"`` with ``field = QQ``; ``kind="algebraic"`` with e.g.
        ``QQ<sqrt(2)>``, ``QQ<2**(1/3), sqrt(2)>`` or ``QQ<I>``; otherwise the reason.

    Examples
    --------
    >>> x1, x2, x3 = sp.symbols("x1 x2 x3", real=True)
    >>> str(coefficient_field(x1**2 + sp.sqrt(2) * x2**2, [x1, x2]))
    'QQ<sqrt(2)>'
    >>> str(coefficient_field([x1**2 + sp.cbrt(2) * x2**2, sp.sqrt(8) * x3], [x1, x2, x3]))
    'QQ<sqrt(2), 2**(1/3)>'
    >>> coefficient_field(sp.pi * x1**2 + x2**2, [x1, x2]).kind
    'transcendental'
    >>> coefficient_field(sp.sqrt(x1**2 + x2**2), [x1, x2]).kind
    'not_polynomial'
    """
    exprs = [exprs] if isinstance(exprs, sp.Basic) else list(exprs)
    if polynomials_over_q(exprs, variables) is not None:  # python-flint: fast even for huge oracles
        return CoefficientField("rational", QQ_FIELD)
    numbers: list[sp.Expr] = []
    for e in exprs:
        coeffs = polynomial_coefficients(e, variables)
        if coeffs is None:
            return CoefficientField(
                "not_polynomial", None,
                f"{sp.sstr(e)[:120]} is not a polynomial in {' '.join(map(str, variables))}")
        numbers.extend(coeffs.values())
    kinds = {c: classify_number(c) for c in numbers}
    for bad in ("float", "transcendental"):
        found = [c for c, k in kinds.items() if k == bad]
        if found:
            what = "floating-point" if bad == "float" else "transcendental (not algebraic)"
            return CoefficientField(bad, None, f"the coefficient {found[0]} is {what}")
    K = NumberField.of(numbers)
    return CoefficientField("rational" if K.is_rational else "algebraic", K)


def oracle_coefficient_field(oracle: Oracle) -> CoefficientField:
    """:func:`coefficient_field` of an oracle's real components in its real variables.

    Examples
    --------
    >>> from liealg.oracle import Oracle
    >>> str(oracle_coefficient_field(Oracle("x1**2 + sqrt(3)*x1*x2 + x2**2")))
    'QQ<sqrt(3)>'
    """
    if not oracle.is_symbolic:
        return CoefficientField("callable", None, "the oracle is a callable, not a formula")
    return coefficient_field(oracle.real_exprs, tuple(oracle.real_variables))
