"""Oracles: the functions whose symmetries liealg looks for.

An :class:`Oracle` is a (possibly vector-valued) function of one or more argument vectors. A
linear generator ``W`` (a ``d x d`` matrix) acts on *every* argument vector at once, ``v -> (I +
eps W) v``, and is a symmetry when every component of the oracle is unchanged. Three ways in:

* a sympy expression, or a list of them (all components must be preserved);
* a string, parsed safely by :func:`liealg.parsing.parse_formula` (never ``eval``);
* :meth:`Oracle.from_callable`: any torch function or ``nn.Module`` (a learned oracle).

Complex variables are handled by working in real coordinates: each complex vector ``z`` becomes
``(Re z, Im z)`` and a complex generator ``W = A + iB`` acts there as the real block matrix
``[[A, -B], [B, A]]``. Every numeric and exact stage downstream sees only real coordinates.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy as sp
import torch

from liealg.config import DISTRIBUTIONS, Sampling, check_choice, require_memory
from liealg.errors import OptionError, OracleError
from liealg.parsing import natural_sort_key, parse_formula, parse_variables

__all__ = ["Oracle", "sample_points", "points_for", "check_finite", "oracle_gradients"]

FormulaLike = "sp.Expr | str"


def _as_names(spec: Any, what: str) -> list[str]:
    """Variable names from "x1 x2", "x1, x2", or a sequence of str/Symbol (validated)."""
    if not isinstance(spec, str):
        try:
            spec = [s.name if isinstance(s, sp.Symbol) else s for s in spec]
        except TypeError:
            raise OracleError(f"{what} must be a string like 'x1 x2 x3' or a list of names, got {spec!r}") from None
    try:
        return list(parse_variables(spec))
    except OracleError as exc:
        raise OracleError(f"{what}: {exc}") from None


class Oracle:
    """A function whose continuous symmetries are sought.

    Parameters
    ----------
    expr : sympy.Expr, str, or sequence of them
        The oracle's component(s). Strings are parsed safely; a list means a vector-valued
        oracle, every component of which must be invariant.
    variables : str or sequence, optional
        The variables in order, e.g. ``"x1 x2 x3"``. Default: the free symbols, sorted naturally
        (``x2`` before ``x10``). Mutually exclusive with ``vectors``.
    vectors : sequence of sequences, optional
        Several argument vectors of equal length ``d``, e.g. ``[["x1", "x2"], ["y1", "y2"]]``
        (or the string ``"x1 x2; y1 y2"``); one ``d x d`` generator acts on each of them.
    is_complex : bool
        Variables are complex; generators are complex matrices acting by ``z' = (I + eps W) z``.
        Use ``conjugate(z1)`` in the formula.
    name : str, optional
        A label for reports.

    Attributes
    ----------
    exprs : tuple of sympy.Expr or None
        The components as given (None for a callable oracle).
    vectors : tuple of tuple of sympy.Symbol
        ``k`` argument vectors of ``d`` symbols each.
    matrix_size : int
        ``d``, the size of a generator matrix.
    real_variables : tuple of sympy.Symbol
        Real coordinates, ``k * D`` of them, vector after vector (``D = d``, or ``2d`` for complex:
        real parts then imaginary parts).
    real_exprs : tuple of sympy.Expr
        Real-valued components in ``real_variables`` (real and imaginary parts for complex).

    Examples
    --------
    >>> phi = Oracle("x1**2 + x2**2 + x3**2 - x4**2")
    >>> phi.variables
    (x1, x2, x3, x4)
    >>> import torch
    >>> phi(torch.tensor([[1.0, 2.0, 0.0, 1.0]], dtype=torch.float64))
    tensor([[4.]], dtype=torch.float64)
    """

    is_complex: bool
    name: str | None
    exprs: tuple[sp.Expr, ...] | None
    vectors: tuple[tuple[sp.Symbol, ...], ...]
    real_vectors: tuple[tuple[sp.Symbol, ...], ...]
    real_variables: tuple[sp.Symbol, ...]
    _callable: Callable[[torch.Tensor], torch.Tensor] | None
    _real_exprs: tuple[sp.Expr, ...] | None
    _complex_subs: dict[sp.Symbol, sp.Expr] | None
    _torch_fn: Callable[..., Any] | None
    _output_parts: tuple[tuple[int, str], ...] | None
    _n_outputs: int
    unused_variables: tuple[str, ...] = ()

    def __init__(
        self,
        expr: Any,
        *,
        variables: Any = None,
        vectors: Any = None,
        is_complex: bool = False,
        name: str | None = None,
    ) -> None:
        if variables is not None and vectors is not None:
            raise OracleError("give either variables or vectors, not both (vectors already list the variables)")
        self.is_complex = bool(is_complex)
        self.name = name
        self._callable: Callable | None = None

        # Symbols: real for real oracles (so sqrt(x**2) simplifies to |x|), plain for complex.
        def make_symbol(n: str) -> sp.Symbol:
            return sp.Symbol(n) if self.is_complex else sp.Symbol(n, real=True)

        vector_names: list[list[str]] | None = None
        if vectors is not None:
            if isinstance(vectors, str):
                vectors = [part for part in vectors.split(";") if part.strip()]
            vector_names = [_as_names(v, "vectors") for v in vectors]
            if not vector_names or any(len(v) != len(vector_names[0]) for v in vector_names):
                raise OracleError(
                    "all argument vectors must have the same length d (one d x d generator acts on each); "
                    f"got lengths {[len(v) for v in vector_names]}"
                )
            listed = [n for v in vector_names for n in v]
        elif variables is not None:
            listed = _as_names(variables, "variables")
        else:
            listed = None
        if listed is not None:
            dupes = sorted({n for n in listed if listed.count(n) > 1})
            if dupes:
                raise OracleError(f"variable(s) listed twice: {', '.join(dupes)}")
            if not listed:
                raise OracleError("the variable list is empty; name at least one variable")

        exprs = self._parse_components(expr, make_symbol, listed)
        free: set[sp.Symbol] = set().union(*(e.free_symbols for e in exprs))
        free_by_name = {s.name: s for s in free}
        if len(free_by_name) != len(free):
            raise OracleError("two different symbols share one name; give each variable one symbol")

        if listed is None:
            if not free:
                raise OracleError(
                    "the formula has no variables, so it has no symmetries to find; write it in terms of "
                    "variables such as x1, x2, ..."
                )
            listed = sorted(free_by_name, key=natural_sort_key)
        unknown = sorted(set(free_by_name) - set(listed), key=natural_sort_key)
        if unknown:
            raise OracleError(
                f"the formula uses {', '.join(unknown)}, which is not among the listed variables "
                f"({' '.join(listed)}); add it to the variables or fix the formula"
            )
        # Named variables the formula does not use belong to the space all the same: the
        # generators act on them (x1**2 + x2**2 in x1 x2 x3 has translations into x3's direction).
        self.unused_variables: tuple[str, ...] = tuple(n for n in listed if n not in free_by_name)
        symbols = {n: free_by_name.get(n) or make_symbol(n) for n in listed}
        if vector_names is None:
            vector_names = [listed]
        self.vectors: tuple[tuple[sp.Symbol, ...], ...] = tuple(
            tuple(symbols[n] for n in v) for v in vector_names
        )
        self.exprs: tuple[sp.Expr, ...] | None = tuple(exprs)
        self._build_real_form()
        self._build_evaluator()

    # ------------------------------------------------------------------ construction helpers
    @staticmethod
    def _parse_components(expr: Any, make_symbol: Callable, listed: list[str] | None) -> list[sp.Expr]:
        items = list(expr) if isinstance(expr, (list, tuple)) else [expr]
        if not items:
            raise OracleError("the oracle has no components; give at least one formula")
        symbols = {n: make_symbol(n) for n in listed} if listed else None
        out = []
        for item in items:
            if isinstance(item, str):
                # Variables are made with the oracle's assumptions (real or complex) as the parser
                # meets them, so the expression is built once, never rebuilt by substitution.
                e = parse_formula(item, symbols=_SymbolTable(symbols or {}, make_symbol))
            elif isinstance(item, sp.Basic):
                e = item
            elif isinstance(item, (int, float)):
                e = sp.nsimplify(item)
            else:
                raise OracleError(
                    f"an oracle component must be a sympy expression or a formula string, got "
                    f"{type(item).__name__}; for a Python/torch function use Oracle.from_callable(f, n)"
                )
            if not isinstance(e, sp.Expr):
                raise OracleError(f"{item!r} is not an expression (equations and relations are not oracles)")
            out.append(e)
        return out

    def _build_real_form(self) -> None:
        if not self.is_complex:
            self.real_vectors = self.vectors
            self.real_variables = tuple(s for v in self.vectors for s in v)
            self._real_exprs = tuple(self.exprs) if self.exprs is not None else ()
            self._complex_subs = None
            return
        subs = {}
        real_vectors = []
        for v in self.vectors:
            re_part = tuple(sp.Symbol(f"{s.name}_re", real=True) for s in v)
            im_part = tuple(sp.Symbol(f"{s.name}_im", real=True) for s in v)
            for s, a, b in zip(v, re_part, im_part):
                subs[s] = a + sp.I * b
            real_vectors.append(re_part + im_part)
        self.real_vectors = tuple(real_vectors)
        self.real_variables = tuple(s for v in real_vectors for s in v)
        self._complex_subs = subs
        self._real_exprs = None  # expanded on first use: only the exact stages need it

    def _build_evaluator(self) -> None:
        """Lambdify to torch. Complex formulas are evaluated unexpanded in complex arithmetic
        (z = a + ib substituted, nothing multiplied out), so a determinant of 720 terms stays
        720 terms; its real and imaginary parts become the real outputs."""
        exprs = self.exprs or ()
        for e in exprs:
            _refuse_numbers_beyond_float64(e)
        if not self.is_complex:
            for e in exprs:
                _refuse_complex_constants(e)
            self._torch_fn = torch_function(self.real_variables, exprs)
            self._output_parts = None
            return
        complex_exprs = [e.xreplace(self._complex_subs) for e in exprs]
        self._torch_fn = torch_function(self.real_variables, complex_exprs)
        # Which real/imaginary parts are identically zero? Evaluate at seeded random points: a
        # nonzero polynomial (or analytic function) vanishes at random points with probability 0.
        probe = torch.randn(8, len(self.real_variables), dtype=torch.float64,
                            generator=torch.Generator().manual_seed(12345))
        vals = self._raw_outputs(probe)  # (8, n_exprs) complex
        parts: list[tuple[int, str]] = []
        for c in range(vals.shape[1]):
            col = vals[:, c]
            scale = float(col.abs().max()) or 1.0
            for kind, part in (("re", col.real), ("im", col.imag)):
                if float(part.abs().max()) > 1e-10 * scale:
                    parts.append((c, kind))
        if not parts:
            raise OracleError("every component of the oracle is identically zero; nothing to preserve")
        self._output_parts = tuple(parts)

    def _raw_outputs(self, x: torch.Tensor) -> torch.Tensor:
        assert self._torch_fn is not None
        outs = self._torch_fn(*x.unbind(-1))
        dtype = x.dtype
        if self.is_complex:
            dtype = torch.complex128 if x.dtype == torch.float64 else torch.complex64
        cols = []
        for o in outs:
            t = o if isinstance(o, torch.Tensor) else torch.as_tensor(o, device=x.device)
            t = t.to(dtype)
            cols.append(t.expand(x.shape[0]) if t.ndim == 0 else t)
        return torch.stack(cols, dim=-1)

    @property
    def real_exprs(self) -> tuple[sp.Expr, ...]:
        """Real-valued components in ``real_variables`` (for complex oracles: the real and
        imaginary parts that are not identically zero, expanded)."""
        if self._real_exprs is None:
            parts: list[sp.Expr] = []
            for e in self.exprs or ():
                re_e, im_e = sp.expand(e.xreplace(self._complex_subs)).as_real_imag()
                parts.extend(p for p in (sp.expand(re_e), sp.expand(im_e)) if p != 0)
            self._real_exprs = tuple(parts)
        return self._real_exprs

    def rescaled(self, scales: Sequence[sp.Rational | int]) -> Oracle:
        """The same oracle in coordinates ``y = x / s``: ``psi(y) = phi(s * y)``.

        One scale per coordinate of a vector, the same for every argument vector (a generator
        acts on each alike), real for complex coordinates. A generator ``V`` of ``psi`` is
        ``W = S V S^{-1}`` of ``phi`` with ``S = diag(scales)``: exact when the scales are.

        Parameters
        ----------
        scales : sequence of d positive rationals

        Examples
        --------
        >>> Oracle("1000000*x1**2 + x2**2").rescaled([sp.Rational(1, 1000), 1]).exprs
        (x1**2 + x2**2,)
        """
        s = [sp.Rational(v) for v in scales]
        if len(s) != self.matrix_size or any(v <= 0 for v in s):
            raise OracleError(f"give {self.matrix_size} positive scales, got {list(scales)}")
        if self.exprs is None:
            assert self._callable is not None
            f, factors = self._callable, torch.tensor([float(v) for v in s], dtype=torch.float64)
            per_real = factors.repeat(self.n_vectors * (2 if self.is_complex else 1))

            def scaled_callable(y: torch.Tensor) -> torch.Tensor:
                return f(y * per_real.to(device=y.device, dtype=y.dtype))

            return Oracle.from_callable(scaled_callable, self.n_inputs, n_vectors=self.n_vectors,
                                        is_complex=self.is_complex, name=self.name)
        subs = {sym: v * sym for vec in self.vectors for sym, v in zip(vec, s)}
        exprs = [sp.expand(e.xreplace(subs)) if e.is_polynomial() else e.xreplace(subs) for e in self.exprs]
        names = [[sym.name for sym in vec] for vec in self.vectors]
        return Oracle(exprs, vectors=names if self.n_vectors > 1 else None,
                      variables=names[0] if self.n_vectors == 1 else None, is_complex=self.is_complex, name=self.name)

    @classmethod
    def from_data(cls, X: Any, y: Any = None, *, features: Any = None, vectors: Any = None, network: Any = None,
                  seed: int = 0) -> Oracle:
        """An oracle learned from a labelled data set: a network fitted to ``y`` from ``X``.

        See :func:`liealg.data.oracle_from_data` (the parameters, the fit report, and why a
        poor fit is refused); :func:`liealg.data.discover_data` runs the whole chain on data.
        """
        from liealg.data import oracle_from_data  # the data layer sits above the oracle

        return oracle_from_data(X, y, features=features, vectors=vectors, network=network, seed=seed)

    @classmethod
    def from_callable(
        cls,
        f: Callable[[torch.Tensor], torch.Tensor],
        n: int,
        *,
        n_vectors: int = 1,
        is_complex: bool = False,
        name: str | None = None,
    ) -> Oracle:
        """An oracle given as a torch function or ``nn.Module`` (e.g. a learned classifier).

        Parameters
        ----------
        f : callable
            Maps a batch ``(m, n)`` of real coordinates to ``(m,)`` or ``(m, k)``. For complex
            oracles the coordinates are ``(Re z, Im z)`` per vector.
        n : int
            Number of real input coordinates.
        n_vectors : int
            How many argument vectors the ``n`` coordinates hold (a generator acts on each).

        Examples
        --------
        >>> import torch
        >>> phi = Oracle.from_callable(lambda x: (x ** 2).sum(-1), 3)
        >>> phi.matrix_size, phi.n_outputs
        (3, 1)
        """
        if not callable(f):
            raise OracleError(f"from_callable needs a callable, got {type(f).__name__}")
        if not isinstance(n, int) or n < 1:
            raise OracleError(f"n (the number of input coordinates) must be a positive integer, got {n!r}")
        per = 2 if is_complex else 1
        if n_vectors < 1 or n % (n_vectors * per):
            raise OracleError(
                f"n = {n} coordinates cannot be split into {n_vectors} vector(s)"
                + (" of complex numbers (2 real coordinates each)" if is_complex else "")
            )
        self = cls.__new__(cls)
        self.is_complex = bool(is_complex)
        self.name = name or getattr(f, "__name__", type(f).__name__)
        self._callable = f
        self.exprs = None
        d = n // (n_vectors * per)
        prefix = "z" if is_complex else "x"
        names = [[f"{prefix}{j + 1}" if n_vectors == 1 else f"{prefix}{i + 1}_{j + 1}" for j in range(d)]
                 for i in range(n_vectors)]
        make = sp.Symbol if is_complex else (lambda s: sp.Symbol(s, real=True))
        self.vectors = tuple(tuple(make(s) for s in v) for v in names)
        self._build_real_form()
        self._real_exprs = ()
        self._torch_fn = None
        probe = torch.zeros(2, n, dtype=torch.float64).normal_(generator=torch.Generator().manual_seed(0))
        try:
            out = self._eval_callable(probe)
        except OracleError:
            raise
        except Exception as exc:  # the user's function failed: say so, with its own message
            raise OracleError(
                f"calling the oracle on a batch of shape (2, {n}) failed: {type(exc).__name__}: {exc}"
            ) from exc
        self._n_outputs = out.shape[1]
        return self

    def _eval_callable(self, x: torch.Tensor) -> torch.Tensor:
        assert self._callable is not None
        try:
            out = self._callable(x)
        except RuntimeError:
            # A float32 module given float64 samples: retry in the module's dtype.
            params = list(getattr(self._callable, "parameters", list)())
            if params and params[0].dtype != x.dtype:
                out = self._callable(x.to(params[0].dtype))
            else:
                raise
        if not isinstance(out, torch.Tensor):
            raise OracleError(f"the oracle must return a torch tensor, got {type(out).__name__}")
        if out.ndim == 1:
            out = out[:, None]
        if out.ndim != 2 or out.shape[0] != x.shape[0]:
            raise OracleError(
                f"the oracle must map a batch of shape (m, {x.shape[1]}) to shape (m,) or (m, k); "
                f"for m = {x.shape[0]} it returned shape {tuple(out.shape)}"
            )
        return out

    # ------------------------------------------------------------------ properties
    @property
    def variables(self) -> tuple[sp.Symbol, ...]:
        """All variables, vector after vector."""
        return tuple(s for v in self.vectors for s in v)

    @property
    def matrix_size(self) -> int:
        """``d``: generators are ``d x d`` matrices."""
        return len(self.vectors[0])

    @property
    def n_vectors(self) -> int:
        """Number of argument vectors the generator acts on."""
        return len(self.vectors)

    @property
    def n_inputs(self) -> int:
        """Number of real input coordinates."""
        return len(self.real_variables)

    @property
    def n_outputs(self) -> int:
        """Number of real output components."""
        if self._callable is not None:
            return self._n_outputs
        if self._output_parts is not None:
            return len(self._output_parts)
        return len(self.exprs or ())

    @property
    def is_symbolic(self) -> bool:
        """True when the oracle is a formula (exact methods apply), False for a callable."""
        return self.exprs is not None

    @property
    def is_polynomial(self) -> bool:
        """True when every real component is a polynomial with rational coefficients."""
        if not self.is_symbolic:
            return False
        if not hasattr(self, "_is_polynomial"):
            # Structural test, not sp.Poly: constructing a Poly of a determinant with thousands
            # of terms takes a minute, this takes milliseconds.
            variables = set(self.real_variables)
            ok = all(_is_rational_polynomial(e, variables) for e in self.real_exprs)
            self._is_polynomial = ok
        return self._is_polynomial

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """Evaluate on a batch.

        Parameters
        ----------
        x : torch.Tensor, shape (m, n_inputs)
            Real coordinates.

        Returns
        -------
        torch.Tensor, shape (m, n_outputs)
        """
        if x.ndim != 2 or x.shape[1] != self.n_inputs:
            raise OracleError(
                f"expected a batch of shape (m, {self.n_inputs}) (variables {self.real_variables_text}), "
                f"got shape {tuple(x.shape)}"
            )
        if self._callable is not None:
            return self._eval_callable(x)
        raw = self._raw_outputs(x)
        if self._output_parts is None:
            return raw
        cols = [raw[:, c].real if kind == "re" else raw[:, c].imag for c, kind in self._output_parts]
        return torch.stack(cols, dim=-1)

    @property
    def real_variables_text(self) -> str:
        return " ".join(s.name for s in self.real_variables)

    def formula_text(self) -> str:
        """The oracle as a readable string (its formulas, or the callable's name)."""
        if self.exprs is None:
            return f"<callable {self.name}>"
        return "; ".join(str(e) for e in self.exprs)

    def __repr__(self) -> str:
        kind = "complex " if self.is_complex else ""
        vec = " | ".join(" ".join(s.name for s in v) for v in self.vectors)
        return f"Oracle({self.formula_text()!r}, {kind}vectors=[{vec}])"


def _maximum(a: Any, b: Any) -> torch.Tensor:
    return torch.maximum(torch.as_tensor(a), torch.as_tensor(b))  # a 0-d number promotes to the batch


def _minimum(a: Any, b: Any) -> torch.Tensor:
    return torch.minimum(torch.as_tensor(a), torch.as_tensor(b))


def _heaviside(x: torch.Tensor, at_zero: Any = 0.5) -> torch.Tensor:
    # torch.heaviside has no derivative; a step built with where has derivative 0 off the jump,
    # which is the derivative a symmetry search needs.
    x = torch.as_tensor(x)
    one, half = torch.ones_like(x), torch.full_like(x, float(at_zero))
    return torch.where(x > 0, one, torch.where(x < 0, torch.zeros_like(x), half))


# Names in sympy's torch code that need scalars or mixed arguments handled (Max(x1, 0) prints as
# max(0, x1), which torch.max refuses); everything else is torch's own function.
_TORCH_OVERRIDES: dict[str, Callable[..., torch.Tensor]] = {
    "max": lambda *args: functools.reduce(_maximum, args),
    "min": lambda *args: functools.reduce(_minimum, args),
    "heaviside": _heaviside,
}


def numeric_constants(expr: sp.Expr) -> sp.Expr:
    """``expr`` with every irrational constant (sqrt(2), 2**(1/3), pi, log(2), sin(1), ...)
    replaced by its float value to 17 digits, so torch never meets a sympy number it cannot
    apply a function to. Rationals and the imaginary unit stay."""
    constants = {a for a in expr.atoms(sp.Pow, sp.Function, sp.NumberSymbol)
                 if a.is_number and not a.is_Rational and a != sp.I}
    # Replace the outermost constants only (sin(sqrt(2)) as one number, not sin(1.414...)).
    outer = {c for c in constants if not any(c != o and c in o.atoms(type(c)) for o in constants)}
    values = {c: sp.Float(sp.N(c, 20), 17) if sp.im(sp.N(c)) == 0 else sp.N(c, 17) for c in outer}
    return expr.xreplace(values) if values else expr


def torch_function(variables: Sequence[sp.Symbol], exprs: Sequence[sp.Expr]) -> Callable[..., Any]:
    """A torch function of ``variables`` returning the list of ``exprs`` (sympy's code printer,
    with irrational constants as floats and mixed-argument functions made safe)."""
    prepared = [numeric_constants(e) for e in exprs]
    return sp.lambdify(list(variables), prepared, modules=[_TORCH_OVERRIDES, "torch"], cse=False)


#: Exact numbers whose size is beyond what float64 holds (about 1.8e308, and 2.2e-308 for the
#: smallest normal number) cannot be evaluated: torch would see inf or 0.
_FLOAT64_LOG10_RANGE = 307


def _refuse_numbers_beyond_float64(e: sp.Expr) -> None:
    """``1e999*x1**2``: the exact parser keeps the number, but the oracle is evaluated in floats."""
    for r in e.atoms(sp.Rational):
        if r == 0:
            continue
        size = abs(r)
        magnitude = math.log10(size.p) - math.log10(size.q)
        if abs(magnitude) > _FLOAT64_LOG10_RANGE:
            raise OracleError(
                f"the formula contains the number {'1e' if magnitude > 0 else '1e-'}{abs(round(magnitude))} "
                "(about), beyond the range of floating point (1e-307 to 1e307); rescale the formula or "
                "the variables so its numbers are of ordinary size"
            )


def _refuse_complex_constants(e: sp.Expr) -> None:
    """A real oracle with an imaginary constant (x1**2 + I*x2**2) is a typo or a complex oracle."""
    if e.has(sp.I):
        raise OracleError(
            f"the formula {e} contains the imaginary unit I, but the variables are real; for complex "
            "variables use is_complex=True (CLI: --complex), or remove I"
        )


def _is_rational_polynomial(e: sp.Expr, variables: set) -> bool:
    """Is ``e`` a polynomial in ``variables`` with rational coefficients? (structural, fast)"""
    if not e.is_polynomial(*variables) or e.free_symbols - variables:
        return False
    if e.has(sp.I) or e.atoms(sp.NumberSymbol) or e.atoms(sp.Float):
        return False
    # sqrt(2), 2**(1/3): a number to a non-integer power is irrational (or at least not in Q).
    if any(p.base.is_number and not p.exp.is_Integer for p in e.atoms(sp.Pow)):
        return False
    return not any(f.is_number for f in e.atoms(sp.Function))  # sin(1), log(2), ...


class _SymbolTable(dict):
    """A mapping for the parser that makes symbols with the oracle's assumptions on demand."""

    def __init__(self, known: dict[str, sp.Symbol], make: Callable[[str], sp.Symbol]):
        super().__init__(known)
        self._make = make

    def __missing__(self, key: str) -> sp.Symbol:
        sym = self._make(key)
        self[key] = sym
        return sym




def sample_points(
    oracle: Oracle,
    m: int = 1024,
    *,
    distribution: str = "normal",
    low: float = -1.0,
    high: float = 1.0,
    seed: int = 0,
    dtype: torch.dtype = torch.float64,
    device: str | torch.device = "cpu",
) -> torch.Tensor:
    """Draw ``m`` seeded sample points in the oracle's real coordinates and check them.

    Parameters
    ----------
    distribution : {"normal", "uniform"}
        ``N(0, I)`` (default) or uniform in the box ``[low, high]^n``.

    Returns
    -------
    torch.Tensor, shape (m, oracle.n_inputs)

    Raises
    ------
    OracleError
        If the oracle is NaN or infinite at a sample (the message names the formula and point).

    Examples
    --------
    >>> x = sample_points(Oracle("x1*x2"), 4, seed=1)
    >>> tuple(x.shape)
    (4, 2)
    """
    check_choice("distribution", distribution, DISTRIBUTIONS)
    if not isinstance(m, int) or isinstance(m, bool) or m < 1:
        raise OptionError(f"the number of samples must be a positive integer, got {m!r}")
    if distribution == "uniform" and not high > low:
        raise OptionError(f"uniform sampling needs low < high, got low={low}, high={high}")
    require_memory(8.0 * 4 * m * oracle.n_inputs, f"{m} samples of {oracle.n_inputs} coordinates",
                   "use fewer samples")
    gen = torch.Generator(device="cpu").manual_seed(int(seed))

    def draw(count: int) -> torch.Tensor:
        if distribution == "normal":
            return torch.randn(count, oracle.n_inputs, generator=gen, dtype=dtype).to(device)
        return (low + (high - low) * torch.rand(count, oracle.n_inputs, generator=gen, dtype=dtype)).to(device)

    # Stay where the oracle is defined: points where it is NaN or infinite (sqrt of a negative
    # number, a pole hit exactly) are drawn again, as long as most points are usable.
    x = draw(m)
    for _ in range(20):
        with torch.no_grad():
            ok = torch.isfinite(oracle(x)).all(dim=1)
        if bool(ok.all()) or int(ok.sum()) < 0.05 * m:
            break
        x = torch.cat([x[ok], draw(m)])[:m] if int(ok.sum()) < m else x[ok][:m]
    check_finite(oracle, x)
    return x


def check_finite(oracle: Oracle, x: torch.Tensor) -> torch.Tensor:
    """Evaluate the oracle on ``x`` and refuse NaN or inf with a message naming a bad sample.

    Returns the values, shape ``(m, n_outputs)``.
    """
    with torch.no_grad():
        y = oracle(x)
    bad = ~torch.isfinite(y).all(dim=1)
    if bad.any():
        i = int(bad.nonzero()[0])
        point = ", ".join(f"{s.name}={float(v):.4g}" for s, v in zip(oracle.real_variables, x[i]))
        raise OracleError(
            f"the oracle {oracle.formula_text()} is not finite at the sample ({point}) "
            f"({int(bad.sum())} of {x.shape[0]} samples); sample where it is defined, e.g. "
            "distribution='uniform' with low > 0 (CLI: --distribution uniform --low 0.5 --high 2), "
            "or pass your own points"
        )
    return y


def oracle_gradients(
    oracle: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Values and gradients of every oracle component at the samples (autograd, once).

    Parameters
    ----------
    oracle : callable, ``(m, n) -> (m, o)``
    x : torch.Tensor, shape (m, n)

    Returns
    -------
    values : torch.Tensor, shape (m, o)
    grads : torch.Tensor, shape (m, o, n)
        ``grads[i, j]`` is ``grad phi_j(x_i)``.

    Examples
    --------
    >>> y, g = oracle_gradients(lambda x: (x[:, :1] * x[:, 1:]), torch.tensor([[2.0, 3.0]]))
    >>> g.tolist()
    [[[3.0, 2.0]]]
    """
    xg = x.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        y = oracle(xg)
        if y.ndim == 1:
            y = y[:, None]
        grads = []
        for j in range(y.shape[1]):
            (g,) = torch.autograd.grad(y[:, j].sum(), xg, retain_graph=j + 1 < y.shape[1], allow_unused=True)
            grads.append(torch.zeros_like(xg) if g is None else g)
    return y.detach().to(x.dtype), torch.stack(grads, 1).detach().to(x.dtype)


def balancing_scales(oracle: Oracle, samples: torch.Tensor, *, trigger: float = 1e3, threshold: float = 10.0,
                     rounds: int = 16) -> tuple[sp.Rational, ...] | None:
    """Scales ``s`` (powers of ten) that put the oracle's variables on one footing, or None.

    ``1e6*x1**2 + x2**2 + x3**2`` depends on ``x1`` a million times more strongly than on the
    others; in ``y = x / s`` with ``s = (1/1000, 1, 1)`` it is ``y1**2 + y2**2 + y3**2``. The size
    of variable ``i`` is the mean square over the samples of ``x_i dphi/dx_i`` (largest over
    components, relative to the component's largest). When the sizes differ by more than
    ``trigger`` (a mismatch of units, not of degrees: x1**4 beside x2**2 differ by about 100),
    scales are refined until they agree within ``threshold``, then rounded to powers of ten
    (exact, and the decimal units physicists write). None when no variable needs it.

    Parameters
    ----------
    samples : torch.Tensor, shape (m, n_inputs)
        Points in the oracle's own coordinates (standard normal ones are best).
    """
    d, k = oracle.matrix_size, oracle.n_vectors
    per = 2 if oracle.is_complex else 1
    log_s = np.zeros(d)
    y = samples.detach().to(torch.float64)

    def sizes(log_scales: np.ndarray) -> np.ndarray:
        factors = torch.tensor(10.0 ** log_scales, dtype=torch.float64).repeat(k * per)
        x = y * factors
        _, grads = oracle_gradients(oracle, x)  # (m, o, n)
        contrib = (x.unsqueeze(1) * grads).pow(2).mean(0)  # (o, n)
        contrib = contrib / contrib.max(dim=1, keepdim=True).values.clamp_min(1e-300)
        per_coordinate = contrib.reshape(contrib.shape[0], k * per, d).sum(1).max(0).values  # (d,)
        return per_coordinate.numpy()

    for step in range(rounds):
        a = sizes(log_s)
        used = np.isfinite(a) & (a > 0)
        if not used.any() or a[used].max() <= (trigger if step == 0 else threshold) * a[used].min():
            break
        # The size grows like s_i^(2 deg): a step of log(ratio) / 8 is exact for quartic terms
        # and half a step for quadratic ones, so the loop never overshoots for degree <= 4.
        log_s[used] += np.log10(np.median(a[used]) / a[used]) / 8
    # Relative to one variable (of median scale) that keeps scale 1: rounding the differences
    # keeps the balance within a factor of 10.
    rounded = np.round(log_s - log_s[np.argsort(log_s)[len(log_s) // 2]])
    if not rounded.any():
        return None
    return tuple(sp.Integer(10) ** int(e) for e in rounded)


def points_for(oracle: Oracle, sampling: Sampling, *, seed: int, default_n: int,
               device: str | torch.device = "cpu") -> torch.Tensor:
    """The points a :class:`~liealg.config.Sampling` asks for: float64, on ``device``, checked finite.

    Parameters
    ----------
    sampling : Sampling
        Its own ``points``, or ``n`` (default ``default_n``) seeded points; its ``seed``, or
        the run's ``seed`` when it has none.

    Returns
    -------
    torch.Tensor, shape (m, oracle.n_inputs)

    Examples
    --------
    >>> tuple(points_for(Oracle("x1*x2"), Sampling(n=8), seed=0, default_n=100).shape)
    (8, 2)
    """
    if sampling.points is not None:
        x = torch.as_tensor(np.array(sampling.points), dtype=torch.float64, device=device)
        if x.shape[1] != oracle.n_inputs:
            raise OracleError(
                f"samples must have shape (m, {oracle.n_inputs}) for variables {oracle.real_variables_text}; "
                f"got {tuple(x.shape)}"
            )
        check_finite(oracle, x)
        return x
    return sample_points(oracle, sampling.n or default_n, distribution=sampling.distribution, low=sampling.low,
                         high=sampling.high, seed=seed if sampling.seed is None else sampling.seed,
                         dtype=torch.float64, device=device)
