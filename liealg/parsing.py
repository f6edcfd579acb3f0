"""Safe parsing of formula strings into sympy expressions.

Users type oracles on the command line (``liealg discover "x1**2 + x2**2 - x3**2"``), so the text
is untrusted. This module never hands it to ``eval``, ``exec``, ``compile`` (except
:func:`ast.parse`, which only builds a syntax tree), ``sympify`` or ``parse_expr``. Instead the
text is parsed by :func:`ast.parse` in ``"eval"`` mode and the tree is walked with a whitelist,
building sympy objects directly (``Add``, ``Mul``, ``Pow``, ``Integer``, ``Rational``,
``Symbol`` and the functions listed in :data:`FUNCTIONS`).

What a formula may contain
--------------------------
* numbers: integers (``3``, ``0x1F``), decimals read *exactly* (``0.1`` is ``1/10``, ``1e-3`` is
  ``1/1000``), imaginary literals (``2j`` is ``2*I``);
* variables: ASCII names such as ``x1``, ``p_x``, ``theta`` (a letter first, then letters, digits
  and single underscores). ``e`` is an ordinary variable; Euler's number is ``E``;
* the constants ``pi``, ``E`` and ``I``;
* the operators ``+ - * / **`` and ``^`` (``^`` means power, as physicists write ``x^2``; it is
  turned into ``**`` before parsing, so it binds and associates like ``**``);
* calls of the functions in :data:`FUNCTIONS` with positional arguments;
* branches: ``Piecewise((f, condition), ..., (g, True))`` and ``f if condition else g``, where a
  condition compares expressions with ``< <= > >=`` (chains allowed) and joins comparisons with
  ``&``, ``|``, ``and``, ``or``, ``not``, ``~``. Comparisons appear nowhere else.

Anything else (attribute access, indexing, strings, comparisons, ``lambda``, keyword arguments,
...) is refused with an :class:`~liealg.errors.OracleError` whose message quotes the offending
piece, gives its column, and says how to fix it.

Resource limits (so that no input can hang the parser or exhaust memory)
-----------------------------------------------------------------------
* ``max_length`` characters of text (default 5 000 000; parsing takes about 2.5 us per character,
  so a 50 000-character quartic parses in about a second);
* ``max_depth`` levels of nesting (default 200). A chain of the same kind of operator, like
  ``a + b - c + d`` or ``a*b/c``, counts as one level, so long polynomials are fine;
* the exponent rule, checked *before* any power is computed:

  - an exponent that is a number (after folding constants, so ``x1**(10**10)`` is seen as
    ``x1**10000000000``) must be rational with absolute value at most ``max_exponent``
    (default 64) and denominator at most 1000; this applies to every power in the result,
    including powers that sympy merges, e.g. ``(x1**8)**16 = x1**128`` is refused;
  - any other exponent (one containing variables, or an irrational or complex constant such
    as ``pi`` or ``I``) is allowed only on a plainly positive constant base (a positive
    rational, ``E``, ``pi``, or products and rational powers of those): ``2**x1``,
    ``E**(I*x1)``, ``sqrt(2)**x2`` and ``pi**x2`` are fine; ``x1**x2``, ``x1**pi`` and
    ``(-2)**x1`` are refused (write ``exp(x2*log(x1))``);

* integer and decimal literals of at most 1000 digits; rational numbers anywhere in the result
  of at most 10 000 bits; constant subexpressions between ``2**-10000`` and ``2**10000`` in
  size (so ``exp(exp(exp(100)))`` is refused); non-integer powers of numbers (roots) only of
  numbers below ``2**1024``, and at most 1024 bits of such roots in one product;
* constants must be real, or built from real parts and ``I`` with arithmetic and the functions
  without branch cuts (``exp``, ``sin``, ``cos``, ...): ``exp(I*pi/3)`` and ``log(-2)`` are
  fine, ``asin(16)`` and ``log(acos(48))`` are refused, because sympy answers every later
  question about such constants by slow numerical branch analysis;
* ``Max``/``Min`` take at most 8 arguments, nested calls of the same kind counted together.

To keep construction fast, ``re``, ``im``, ``Abs`` and ``sign`` of an argument whose split into
real and imaginary parts would take more than 16 terms, and ``Max``/``Min`` of non-constant
arguments, are built unevaluated (the value is the same; sympy just does not simplify them).
For the same reason ``sinh``, ``cosh`` and ``tanh`` of such arguments, or of arguments that
expand to more than 64 terms, are refused: sympy splits and expands their argument again on
every question it asks about them. Variables declared real (through ``symbols``) need no
splitting, so these limits rarely bite for real oracles. These rules bound the known ways in
which sympy's automatic simplification blows up; deeply nested compositions of transcendental
functions can still take a second or two.

Thread safety: :func:`parse_formula` briefly raises the interpreter's recursion limit
(CPython builds the syntax tree of a long sum ``a + b + c + ...`` recursively) and silences
warnings while parsing; both happen under a module lock, so concurrent calls run one at a time.
"""

from __future__ import annotations

import ast
import functools
import keyword
import math
import operator
import re
import sys
import threading
import warnings
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import NamedTuple, TypeAlias, Union

import sympy

from liealg.errors import InputFileError, OptionError, OracleError

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "JSONValue",
    "natural_sort_key",
    "parse_formula",
    "parse_json",
    "parse_number",
    "parse_variables",
]

# Union, not |: a recursive alias needs string forward references, which | cannot join.
#: A decoded JSON document (what :func:`parse_json` returns and ``json`` can write).
JSONValue: TypeAlias = Union[None, bool, int, float, str, list["JSONValue"], dict[str, "JSONValue"]]  # noqa: UP007

# ------------------------------------------------------------------------------------------------
# Whitelists
# ------------------------------------------------------------------------------------------------

#: Functions a formula may call: name -> (sympy callable, least and most number of arguments;
#: ``None`` means no upper bound). Aliases follow Python's spelling (``abs``, ``max``, ``min``).
FUNCTIONS: dict[str, tuple[Callable[..., sympy.Expr], int, int | None]] = {
    "sin": (sympy.sin, 1, 1),
    "cos": (sympy.cos, 1, 1),
    "tan": (sympy.tan, 1, 1),
    "exp": (sympy.exp, 1, 1),
    "log": (sympy.log, 1, 2),
    "sqrt": (sympy.sqrt, 1, 1),
    "Abs": (sympy.Abs, 1, 1),
    "abs": (sympy.Abs, 1, 1),
    "conjugate": (sympy.conjugate, 1, 1),
    "conj": (sympy.conjugate, 1, 1),
    "re": (sympy.re, 1, 1),
    "im": (sympy.im, 1, 1),
    "sinh": (sympy.sinh, 1, 1),
    "cosh": (sympy.cosh, 1, 1),
    "tanh": (sympy.tanh, 1, 1),
    "asin": (sympy.asin, 1, 1),
    "acos": (sympy.acos, 1, 1),
    "atan": (sympy.atan, 1, 1),
    "asinh": (sympy.asinh, 1, 1),
    "acosh": (sympy.acosh, 1, 1),
    "atanh": (sympy.atanh, 1, 1),
    "sign": (sympy.sign, 1, 1),
    "Max": (sympy.Max, 1, None),
    "max": (sympy.Max, 1, None),
    "Min": (sympy.Min, 1, None),
    "min": (sympy.Min, 1, None),
    "Heaviside": (sympy.Heaviside, 1, 2),
    # Piecewise((expr, condition), ..., (expr, True)) is built by _Builder.piecewise: its arguments
    # are pairs and its conditions comparisons, which no other function takes.
    "Piecewise": (sympy.Piecewise, 1, _MAX_PIECES := 100),
}

#: Named constants. ``e`` is deliberately *not* here: it is a common variable name.
CONSTANTS: dict[str, sympy.Expr] = {"pi": sympy.pi, "E": sympy.E, "I": sympy.I}

_ALLOWED_FUNCTIONS_TEXT = ", ".join(sorted(FUNCTIONS, key=str.lower))

# ------------------------------------------------------------------------------------------------
# Limits that are not parameters (see the module docstring for the reasoning)
# ------------------------------------------------------------------------------------------------

_MAX_LITERAL_DIGITS = 1000  # digits in one number literal
_MAX_NUMBER_BITS = 10_000  # bits of any rational in the result (also keeps str() under 4300 digits)
_MAX_MAGNITUDE_BITS = 10_000  # constants must lie between 2**-10000 and 2**10000 in size
_MAX_ROOT_BITS = 1024  # sympy factors the base of a root; above this it gets slow
_MAX_EXPONENT_DENOMINATOR = 1000
_MAX_SPLIT_TERMS = 16  # bound on sympy's real/imaginary split of an argument (see _Stats.split)
_MAX_EXPANDED_TERMS = 64  # bound on the expanded size of a sinh/cosh/tanh argument
_MAX_MINMAX_ARGS = 8  # Max/Min compare their (flattened) arguments pairwise
_LITERAL_LIMIT = 10**_MAX_LITERAL_DIGITS
_TERMS_CAP = 10**9
_MAX_RECURSION_BUMP = 20_000
_SNIPPET_CHARS = 60

_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_NEWLINE = re.compile(r"\r\n|\r|\n")
_DIGIT_RUN = re.compile(r"[0-9][0-9_]*")

_BAD_VALUES = (sympy.S.ComplexInfinity, sympy.S.NaN, sympy.S.Infinity, sympy.S.NegativeInfinity)
_EXP_LIKE = (sympy.exp, sympy.sinh, sympy.cosh)
# Functions that are real and finite for real finite arguments (the cheap `real` flag of _Stats;
# tan is missing on purpose: tan(pi/2) is infinite).
_REAL_FOR_REAL = (
    sympy.exp, sympy.sin, sympy.cos, sympy.sinh, sympy.cosh, sympy.tanh, sympy.atan, sympy.asinh,
    sympy.sign, sympy.conjugate, sympy.Max, sympy.Min, sympy.Abs, sympy.re, sympy.im,
)
# Functions without branch cuts (plus the real/imaginary parts): of a tame complex constant
# they stay tame.
_BRANCH_FREE = (
    sympy.exp, sympy.sin, sympy.cos, sympy.tan, sympy.sinh, sympy.cosh, sympy.tanh, sympy.conjugate,
    sympy.sign, sympy.Abs, sympy.re, sympy.im,
)

# Serialises the temporary recursion-limit change and warning filters around parsing.
_PARSE_LOCK = threading.RLock()


# ------------------------------------------------------------------------------------------------
# Public helpers for variable names
# ------------------------------------------------------------------------------------------------


def natural_sort_key(name: str) -> tuple[tuple[str | tuple[int, str], ...], str]:
    """A sort key that orders embedded numbers by value, so ``x2`` sorts before ``x10``.

    Parameters
    ----------
    name : str
        Any string; runs of ASCII digits are compared as numbers, the rest as text.

    Returns
    -------
    tuple
        A key usable with ``sorted(..., key=natural_sort_key)``. Names that differ only in
        leading zeros (``x01`` and ``x1``) are ordered by the plain text as a tie-breaker.

    Examples
    --------
    >>> sorted(["x10", "x2", "y1", "x1"], key=natural_sort_key)
    ['x1', 'x2', 'x10', 'y1']
    """
    parts = re.split(r"([0-9]+)", name)
    key: list[str | tuple[int, str]] = []
    for i, part in enumerate(parts):
        if i % 2:
            # Compare digit runs by (length without leading zeros, digits) rather than int():
            # same order, and no int-conversion limit for absurdly long runs.
            digits = part.lstrip("0")
            key.append((len(digits), digits))
        else:
            key.append(part)
    return (tuple(key), name)


def _name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a variable (a phrase), or None if it can."""
    if not name:
        return "a variable name cannot be empty"
    if name.startswith("_") or "__" in name:
        return "names may not start with an underscore or contain '__' (such names reach Python internals)"
    if not name.isascii():
        # ASCII only: look-alike letters (a Cyrillic and a Latin x) would silently make two
        # different variables that print the same.
        return "variable names use only ASCII letters, digits and single underscores (e.g. theta, not θ)"
    if not _IDENTIFIER.match(name):
        return "a variable name is a letter followed by letters, digits and single underscores (e.g. x1, p_x)"
    if keyword.iskeyword(name):
        return "it is a Python keyword"
    if name in CONSTANTS:
        meaning = {"pi": "the number pi", "E": "Euler's number e", "I": "the imaginary unit"}[name]
        return f"it is the constant {meaning}"
    if name in FUNCTIONS:
        return "it is the name of a function"
    return None


def parse_variables(text_or_names: str | Iterable[str]) -> tuple[str, ...]:
    """Read and validate a list of variable names.

    Parameters
    ----------
    text_or_names : str or iterable of str
        ``"x1 x2 x3"``, ``"x1, x2, x3"`` (commas and/or whitespace separate names), or a
        sequence of names (``sympy.Symbol`` objects are accepted and read by their name).

    Returns
    -------
    tuple of str
        The names, in the given order.

    Raises
    ------
    OracleError
        If no name is given, a name is not a safe identifier (ASCII letter first, then letters,
        digits and single underscores; no leading underscore, no ``__``, not a Python keyword,
        not a function or constant name such as ``sin`` or ``E``), or a name appears twice.

    Examples
    --------
    >>> parse_variables("x1, x2 x3")
    ('x1', 'x2', 'x3')
    >>> parse_variables(["p", "q"])
    ('p', 'q')
    """
    if isinstance(text_or_names, str):
        pieces = [p for p in re.split(r"[\s,]+", text_or_names) if p]
    elif isinstance(text_or_names, (bytes, bytearray)):
        raise OracleError("variable names must be text (str), not bytes; decode them first")
    else:
        try:
            items = list(text_or_names)
        except TypeError:
            raise OracleError(
                "variables must be a string like 'x1 x2 x3' or a list of names, got "
                f"{type(text_or_names).__name__}"
            ) from None
        pieces = []
        for item in items:
            if isinstance(item, sympy.Symbol):
                item = item.name
            if not isinstance(item, str):
                raise OracleError(
                    f"each variable name must be a string, got {type(item).__name__} ({item!r:.40})"
                )
            pieces.append(item)
    if not pieces:
        raise OracleError("no variable names were given; list them like 'x1 x2 x3' or 'x1, x2, x3'")
    names: list[str] = []
    seen: set[str] = set()
    for piece in pieces:
        problem = _name_problem(piece)
        if problem is not None:
            raise OracleError(f"{piece!r:.60} cannot be a variable name: {problem}; rename it")
        if piece in seen:
            raise OracleError(f"the variable {piece!r} is listed twice; list each variable once")
        seen.add(piece)
        names.append(piece)
    return tuple(names)


# ------------------------------------------------------------------------------------------------
# The text as the user typed it, the text handed to ast.parse, and the map between them
# ------------------------------------------------------------------------------------------------


def _printable(text: str) -> str:
    # Error messages quote user text; control characters could drive a terminal, so each
    # becomes one replacement character (one for one, so a caret below still lines up).
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in text)


class _Source:
    """The formula before and after ``^`` -> ``**`` and stripping, with a position map."""

    def __init__(self, original: str):
        self.original = original
        start = len(original) - len(original.lstrip())
        end = len(original.rstrip())
        pieces: list[str] = []
        origin: list[int] = []  # origin[i] = index in `original` of parsed character i
        for i in range(start, end):
            ch = original[i]
            if ch == "^":
                # '^' can only be an operator here (strings and comments are refused), and
                # replacing it textually gives it the precedence of '**', which users mean.
                pieces.append("**")
                origin += [i, i]
            elif ch in "\r\n":
                # A newline can only end the expression in "eval" mode, so it is never meaningful;
                # as a space it lets a formula be wrapped over lines. One for one: columns stay.
                pieces.append(" ")
                origin.append(i)
            else:
                pieces.append(ch)
                origin.append(i)
        origin.append(end)
        self.text = "".join(pieces)
        self.origin = origin
        self._line_starts = [0] + [m.end() for m in _NEWLINE.finditer(self.text)]
        self._orig_line_starts = [0] + [m.end() for m in _NEWLINE.finditer(original)]

    # --- positions -------------------------------------------------------------------------
    def index(self, lineno: int, col: int, *, byte_col: bool = True) -> int:
        """Index into ``self.text`` of (1-based line, column in UTF-8 bytes or characters)."""
        lineno = min(max(lineno, 1), len(self._line_starts))
        start = self._line_starts[lineno - 1]
        stop = self._line_starts[lineno] if lineno < len(self._line_starts) else len(self.text)
        line = self.text[start:stop]
        if byte_col and not line.isascii():
            # ast reports columns in UTF-8 bytes; convert to characters.
            col = len(line.encode("utf-8")[: max(col, 0)].decode("utf-8", errors="ignore"))
        return start + min(max(col, 0), len(line))

    def to_original(self, index: int) -> int:
        return self.origin[min(max(index, 0), len(self.origin) - 1)]

    def original_span(self, node: ast.AST) -> tuple[int, int]:
        start, end = self._span(node)
        o_start = self.to_original(start)
        o_end = self.to_original(end - 1) + 1 if end > start else o_start
        return o_start, o_end

    def segment(self, node: ast.AST) -> str:
        """The parsed text of ``node`` (after ``^`` -> ``**``)."""
        start, end = self._span(node)
        return self.text[start:end]

    def _span(self, node: ast.AST) -> tuple[int, int]:
        """Start and end index of an expression node in the parsed text."""
        assert isinstance(node, ast.expr)  # the tree of an "eval"-mode parse holds expressions only
        start = self.index(node.lineno, node.col_offset)
        end = self.index(node.end_lineno or node.lineno, node.end_col_offset or node.col_offset)
        return start, end

    def where(self, orig_index: int) -> str:
        """'column C' (or 'line L, column C' for multi-line text), 1-based."""
        line = 0
        while line + 1 < len(self._orig_line_starts) and self._orig_line_starts[line + 1] <= orig_index:
            line += 1
        col = orig_index - self._orig_line_starts[line] + 1
        if len(self._orig_line_starts) > 1:
            return f"line {line + 1}, column {col}"
        return f"column {col}"

    def caret(self, orig_index: int) -> str:
        """The original line holding ``orig_index`` with a caret below that position."""
        line = 0
        while line + 1 < len(self._orig_line_starts) and self._orig_line_starts[line + 1] <= orig_index:
            line += 1
        start = self._orig_line_starts[line]
        stop = (
            self._orig_line_starts[line + 1] if line + 1 < len(self._orig_line_starts) else len(self.original)
        )
        text = self.original[start:stop].rstrip("\r\n")
        col = min(orig_index - start, len(text))
        if len(text) > 120:  # show a window around the error, not 10 000 characters
            lo = max(0, col - 60)
            text, col = ("..." if lo else "") + text[lo : lo + 120] + "...", col - lo + (3 if lo else 0)
        return f"    {_printable(text)}\n    {' ' * col}^"

    def quote(self, node: ast.AST) -> str:
        """``'snippet' at column C`` for an AST node, in the user's own spelling."""
        o_start, o_end = self.original_span(node)
        snippet = self.original[o_start:o_end]
        if len(snippet) > _SNIPPET_CHARS:
            snippet = snippet[: _SNIPPET_CHARS - 3] + "..."
        return f"'{_printable(snippet)}' at {self.where(o_start)}"


# ------------------------------------------------------------------------------------------------
# Checks on the raw text, before Python's parser sees it
# ------------------------------------------------------------------------------------------------


def _prescan(source: _Source, max_depth: int) -> None:
    text = source.text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        pos = source.to_original(exc.start)
        raise OracleError(
            f"the formula contains an invalid character (a lone surrogate) at {source.where(pos)}; "
            "retype the formula as plain text"
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        pos = source.to_original(nul)
        raise OracleError(
            f"the formula contains a NUL character at {source.where(pos)}:\n{source.caret(pos)}\n"
            "Remove it and type the formula as plain text."
        )
    hash_pos = text.find("#")
    if hash_pos >= 0:
        pos = source.to_original(hash_pos)
        raise OracleError(
            f"'#' (a comment) is not allowed in a formula, at {source.where(pos)}:\n{source.caret(pos)}\n"
            "Remove it and everything after it."
        )
    # Bracket depth: Python's parser would stop at 200 anyway, but with a vaguer message.
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
            if depth > max_depth:
                pos = source.to_original(i)
                raise OracleError(
                    f"the formula is nested too deeply: more than max_depth={max_depth} levels of "
                    f"brackets at {source.where(pos)}. Remove redundant parentheses or simplify the "
                    "formula."
                )
        elif ch in ")]}":
            depth = max(depth - 1, 0)
    # Long runs of unary operators (------x) make Python's recursive parser give up with a
    # MemoryError; refuse them with the depth message instead.
    run = 0
    for i, ch in enumerate(text):
        if ch in "+-~":
            run += 1
            if run > max_depth:
                pos = source.to_original(i)
                raise OracleError(
                    f"the formula is nested too deeply: more than max_depth={max_depth} signs in a "
                    f"row at {source.where(pos)}. Combine the signs (a double minus is a plus)."
                )
        elif not ch.isspace():
            run = 0
    for m in _DIGIT_RUN.finditer(text):
        if len(m.group()) > _MAX_LITERAL_DIGITS and not (
            m.start() > 0 and (text[m.start() - 1].isalnum() or text[m.start() - 1] == "_")
        ):
            pos = source.to_original(m.start())
            raise OracleError(
                f"a number in the formula has more than {_MAX_LITERAL_DIGITS} digits, at "
                f"{source.where(pos)}; such numbers are not supported (write it as a power, e.g. 10**50)"
            )


class _recursion_headroom:
    """Temporarily raise the recursion limit by ``extra`` frames (under ``_PARSE_LOCK``)."""

    def __init__(self, extra: int):
        self.extra = max(0, min(extra, _MAX_RECURSION_BUMP))

    def __enter__(self) -> None:
        _PARSE_LOCK.acquire()
        self.old = sys.getrecursionlimit()
        if self.extra:
            sys.setrecursionlimit(self.old + self.extra)

    def __exit__(self, *exc: object) -> None:
        try:
            sys.setrecursionlimit(self.old)
        finally:
            _PARSE_LOCK.release()


_SYNTAX_HINT = (
    "Check for a missing operand or operator, unbalanced parentheses, or implicit multiplication "
    "(write 2*x1, not 2x1)."
)


def _syntax_error(source: _Source, exc: SyntaxError) -> OracleError:
    msg = exc.msg or "invalid syntax"
    if "nested parentheses" in msg or "too complex" in msg:
        return OracleError("the formula is nested too deeply for Python's parser; simplify it")
    if "Exceeds the limit" in msg:
        return OracleError(
            f"a number in the formula has more than {_MAX_LITERAL_DIGITS} digits; such numbers are "
            "not supported (write it as a power, e.g. 10**50)"
        )
    hint = _SYNTAX_HINT
    if "decimal literal" in msg:
        hint = "A number cannot be followed directly by a letter: write 2*x1, not 2x1."
    if exc.lineno is None or exc.offset is None:
        return OracleError(f"could not parse the formula: {msg}. {hint}")
    # SyntaxError.offset is a 1-based character column (CPython converts it from bytes).
    pos = source.to_original(source.index(exc.lineno, exc.offset - 1, byte_col=False))
    return OracleError(
        f"could not parse the formula: {msg} at {source.where(pos)}:\n{source.caret(pos)}\n{hint}"
    )


def _parse_tree(source: _Source) -> ast.Expression:
    # CPython 3.11 converts the parse tree to Python objects recursively, and a long sum
    # a + b + c + ... is a left-deep tree; give it room proportional to the text.
    try:
        with _recursion_headroom(len(source.text) // 2 + 200), warnings.catch_warnings():
            # e.g. "invalid escape sequence" in a string literal, which we refuse anyway
            warnings.simplefilter("ignore")
            tree = ast.parse(source.text, mode="eval")
    except SyntaxError as exc:
        raise _syntax_error(source, exc) from None
    except (RecursionError, MemoryError):
        raise OracleError(
            "the formula is too long or nested too deeply for Python's parser; split it into "
            "smaller formulas or simplify it"
        ) from None
    except ValueError as exc:  # e.g. NUL bytes on other Python versions
        raise OracleError(f"could not parse the formula: {exc}") from None
    if not isinstance(tree, ast.Expression):  # pragma: no cover - mode="eval" guarantees it
        raise OracleError("could not parse the formula as a single expression")
    return tree


# ------------------------------------------------------------------------------------------------
# Size bookkeeping on the sympy side
# ------------------------------------------------------------------------------------------------


class _Stats(NamedTuple):
    """Cheap facts about a sympy expression, computed once per distinct subexpression."""

    const: bool  # no variables
    bits: int  # largest bit length of a numerator or denominator of any rational inside
    mag: float  # for constants: bound on |log2 |value||; 0.0 for non-constants
    real: bool  # known real and finite from structure and the symbols' assumptions alone
    pos: bool  # known positive (and finite) in the same cheap way
    tame: bool  # for constants: real, or built from real parts and I by operations sympy
    #             handles exactly (see _combine); for non-constants: True
    split: int  # cost bound of splitting into real and imaginary parts (sympy's as_real_imag)
    expanded: int  # bound on the number of terms of expr.expand() (deep, multinomial)
    rbits: int  # total bits of numeric bases of roots (sqrt(2)*3**(1/3): 2 + 2) in a product


class _Hazard(Exception):
    """Raised inside the size bookkeeping; turned into an OracleError quoting the text."""

    def __init__(self, problem: str, fix: str = "Use smaller numbers and exponents."):
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


def _exp_bound(base_mag: float, exponent_mag: float) -> float:
    """Bound on |log2 |b**e|| from |log2 |b|| <= base_mag and |e| <= 2**exponent_mag."""
    if exponent_mag > 60:
        return math.inf
    return (base_mag + 1.0) * 2.0**exponent_mag + 1.0


def _is_positive_constant(expr: sympy.Expr) -> bool:
    # Structural on purpose: asking sympy (expr.is_positive) may evaluate numerically.
    return bool(expr.is_NumberSymbol or (expr.is_Rational and expr > 0))


def _short(expr: sympy.Basic) -> str:
    """``str(expr)`` cut to 60 characters; big integers as ~10**k (str() of them is slow)."""
    if expr.is_Integer and abs(expr.p).bit_length() > 160:
        return f"~10**{int(abs(expr.p).bit_length() * math.log10(2))}"
    text = str(expr)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_simple_positive_base(expr: sympy.Expr) -> bool:
    """True for 2, 3/2, E, pi and rational powers of them such as sqrt(2) or pi**(1/3)."""
    if expr.is_Pow:
        return _is_positive_constant(expr.base) and expr.exp.is_Rational
    if expr.is_Mul:
        return all(_is_simple_positive_base(f) for f in expr.args)
    return _is_positive_constant(expr)


def _imaginary_coefficient(expr: sympy.Expr) -> sympy.Expr | None:
    """c if expr is c*I with c free of I (so exp(expr) has modulus 1 for real c), else None."""
    coeff = expr.as_coefficient(sympy.I)
    if coeff is not None and not coeff.has(sympy.I):
        return coeff
    return None


class _Measure:
    """Memoised :class:`_Stats` of sympy expressions, refusing ones that are too big."""

    def __init__(self, max_exponent: int):
        self.max_exponent = max_exponent
        self.memo: dict[sympy.Basic, _Stats] = {}

    def __call__(self, expr: sympy.Basic) -> _Stats:
        memo = self.memo
        found = memo.get(expr)
        if found is not None:
            return found
        # Iterative post-order walk: sympy trees can be deep and this must not recurse.
        stack: list[tuple[sympy.Basic, bool]] = [(expr, False)]
        while stack:
            node, ready = stack.pop()
            if node in memo:
                continue
            if not ready:
                stack.append((node, True))
                stack.extend((a, False) for a in node.args if a not in memo)
                continue
            memo[node] = self._combine(node, [memo[a] for a in node.args])
        return memo[expr]

    # --- rules -----------------------------------------------------------------------------
    def _atom(self, e: sympy.Basic) -> _Stats:
        if any(e is bad for bad in _BAD_VALUES):
            raise _Hazard(
                f"evaluates to {e} (infinite or undefined)",
                "The formula must be finite here: check for log(0), tan(pi/2), log(x, 1) and the like.",
            )
        if e.is_Rational:
            bits = max(abs(e.p).bit_length(), e.q.bit_length())
            if bits > _MAX_NUMBER_BITS:
                raise _Hazard(f"contains a number with {bits} bits (the limit is {_MAX_NUMBER_BITS})")
            return _Stats(True, bits, float(max(bits, 1)), True, e.p > 0, True, 1, 1, 0)
        if e.is_Symbol:
            # A symbol's own assumptions are a dictionary lookup, not a deduction.
            real = e.is_extended_real is True
            return _Stats(False, 0, 0.0, real, real and e.is_extended_positive is True, True, 1, 1, 0)
        if e.is_NumberSymbol:
            return _Stats(True, 0, 2.0, True, True, True, 1, 1, 0)
        if e is sympy.I:
            return _Stats(True, 0, 2.0, False, False, True, 1, 1, 0)
        if e.is_Float:  # never built here, but a caller's symbols mapping could hold one
            m = abs(math.frexp(float(e))[1]) + 2 if e != 0 else 1
            return _Stats(True, 64, float(m), True, e > 0, True, 1, 1, 0)
        const = not getattr(e, "free_symbols", None)
        return _Stats(const, 64, 64.0 if const else 0.0, False, False, not const, 1, 1, 0)

    def _combine(self, e: sympy.Basic, kids: list[_Stats]) -> _Stats:
        if not kids:
            return self._atom(e)
        const = all(k.const for k in kids)
        bits = max(k.bits for k in kids)
        real = all(k.real for k in kids)
        pos = all(k.pos for k in kids)
        tame = all(k.tame for k in kids)
        split, rbits, mag = 1, 0, 0.0
        expanded = sum(k.expanded for k in kids)  # functions: their arguments get expanded too
        if e.is_Add:
            split = sum(k.split for k in kids)
            if const:
                mag = max(k.mag for k in kids) + math.log2(len(kids)) + 1.0
        elif e.is_Mul:
            # as_real_imag multiplies out the sums in a product and splits the other factors
            product, others = 1, 0
            for a, k in zip(e.args, kids, strict=True):
                if a.is_Add:
                    product = min(product * k.split, _TERMS_CAP)
                else:
                    others += k.split
            split = product + others
            expanded = 1
            for k in kids:
                expanded = min(expanded * k.expanded, _TERMS_CAP)
            rbits = sum(k.rbits for k in kids)
            if const:
                mag = sum(k.mag for k in kids)
            self._check_log_products(e)
        elif e.is_Pow:
            base, ex = e.args
            kb, ke = kids
            pos = kb.pos and ke.real
            # a negative power of a real that may be 0 may be infinite, so not "real" here
            real = (kb.real and ex.is_Integer and ex >= 0) or pos
            # numeric roots like (-2)**(1/3) are algebraic numbers, which sympy handles exactly
            tame = real or (tame and (ex.is_Integer or (base.is_Rational and ex.is_Rational)))
            if ex.is_Integer and abs(ex) > 1:
                # as_real_imag of b**n expands (re(b) + I*im(b))**n: n + 1 terms
                split = kb.split + int(abs(ex)) + 1
                n = int(abs(ex))
                too_many = kb.expanded > 1 and n * math.log2(kb.expanded) > 30
                expanded = _TERMS_CAP if too_many else kb.expanded**n
            else:
                split = kb.split + ke.split
            if ex.is_Rational:
                self._check_exponent(ex)
                if base.is_Rational and not ex.is_Integer:
                    rbits = kb.bits
                if const:
                    mag = kb.mag * float(abs(ex)) + 1.0
            elif const:
                mag = self._exponential_mag(kb.mag, ex, ke, _is_positive_constant(base))
            elif kb.const:
                self._check_exponential(kb.mag, ex)
        else:  # a function
            real, pos = self._function_sign(e, kids, real)
            tame = real or (tame and isinstance(e, _BRANCH_FREE))
            split = sum(k.split for k in kids)
            if isinstance(e, _EXP_LIKE):
                (arg,), (ka,) = e.args, kids
                if const:
                    mag = self._exponential_mag(2.0, arg, ka, True)
                else:
                    self._check_exponential(2.0, arg)
            elif isinstance(e, (sympy.Max, sympy.Min)):
                if const:
                    mag = max(k.mag for k in kids) + 1.0
            elif const:
                # trig, log, inverse functions, Abs, re, im, conjugate, sign: the value can be
                # tiny (sin(n) near a multiple of pi) but not beyond what the argument allows
                mag = sum(k.mag for k in kids) + 2.0
        if real:
            split = 1  # the real part of a real expression is itself: nothing to expand
        split = min(split, _TERMS_CAP)
        expanded = min(expanded, _TERMS_CAP)
        if not const:
            tame = True
        if bits > _MAX_NUMBER_BITS:
            raise _Hazard(f"contains a number with more than {_MAX_NUMBER_BITS} bits")
        if const and mag > _MAX_MAGNITUDE_BITS:
            raise _Hazard(
                "is a constant that is astronomically large or small (beyond 2**"
                f"{_MAX_MAGNITUDE_BITS}); evaluating it could take forever"
            )
        if not tame:
            # e.g. asin(16), log(acos(48)): sympy answers every later question about such a
            # complex transcendental constant (is it zero? imaginary?) by numerical evaluation
            # with complex branch analysis, which can take minutes inside innocent arithmetic.
            raise _Hazard(
                f"contains the constant {_short(e)}, which is not real and is not built from real "
                "parts and I in a way sympy handles exactly",
                "Write complex constants with I (e.g. 2 + 3*I, exp(I*pi/3)), keep arguments of "
                "log, asin, acos, acosh, atanh in their real range, or compute the number and "
                "write it out.",
            )
        return _Stats(const, bits, mag, real, pos, tame, split, expanded, rbits)

    @staticmethod
    def _function_sign(e: sympy.Basic, kids: list[_Stats], args_real: bool) -> tuple[bool, bool]:
        """(real, positive) of a function application, from its arguments' cheap flags."""
        if isinstance(e, (sympy.exp, sympy.cosh)):
            return args_real, args_real
        if isinstance(e, _REAL_FOR_REAL):
            return args_real, False
        (arg,) = e.args[:1]
        if isinstance(e, sympy.log):
            # log(c) is real for c > 0 and positive for c > 1 (pi and E are > 1)
            return kids[0].pos, bool(arg.is_NumberSymbol or (arg.is_Rational and arg > 1))
        if arg.is_Rational:  # the real range of the branchy inverse functions
            if isinstance(e, (sympy.asin, sympy.acos)):
                return abs(arg) <= 1, False
            if isinstance(e, sympy.atanh):
                return abs(arg) < 1, False
            if isinstance(e, sympy.acosh):
                return arg >= 1, False
        return False, False

    def _check_exponent(self, ex: sympy.Rational) -> None:
        if abs(ex) > self.max_exponent:
            raise _Hazard(
                f"contains the power {ex}, whose absolute value exceeds max_exponent={self.max_exponent}",
                "Use smaller exponents (powers of powers multiply), or pass a larger max_exponent "
                "if the power is intended.",
            )
        if ex.q > _MAX_EXPONENT_DENOMINATOR:
            raise _Hazard(
                f"contains the power {ex}, whose denominator exceeds {_MAX_EXPONENT_DENOMINATOR}"
            )

    @staticmethod
    def _exponential_mag(base_mag: float, ex: sympy.Expr, kex: _Stats, positive_base: bool) -> float:
        if positive_base and _imaginary_coefficient(ex) is not None:
            return kex.mag + 2.0  # b**(I*c) with b > 0 has modulus 1; its cost is like sin(c)
        return _exp_bound(base_mag, kex.mag)

    def _check_exponential(self, base_mag: float, ex: sympy.Expr) -> None:
        # sympy splits constant terms out of exponents (exp(x + c) -> exp(c)*exp(x) in some
        # cases, and simplification does it routinely): keep each of them evaluable.
        for term in sympy.Add.make_args(ex):
            kt = self.memo.get(term)
            if kt is None or not kt.const:
                continue
            if _exp_bound(base_mag, kt.mag) > _MAX_MAGNITUDE_BITS and _imaginary_coefficient(term) is None:
                raise _Hazard(
                    f"raises a constant to a power containing the constant term {term}, "
                    "which would be astronomically large"
                )

    def _check_log_products(self, e: sympy.Expr) -> None:
        # sympy's logcombine (used by exp() and simplify) rewrites c*log(a) as log(a**c) and
        # computes a**c: with c = 10**10 and a = 2 that never finishes.
        coeff = e.args[0]
        if not coeff.is_Rational or abs(coeff.p) <= 1:
            return
        for factor in e.args[1:]:
            if isinstance(factor, sympy.log):
                ka = self.memo.get(factor.args[0])
                if ka is not None and ka.const and ka.mag * abs(coeff.p) > _MAX_NUMBER_BITS:
                    raise _Hazard(
                        f"multiplies {factor} by {coeff}; combining them would compute an "
                        "astronomically large number"
                    )


# ------------------------------------------------------------------------------------------------
# The tree walk
# ------------------------------------------------------------------------------------------------

_OPERATOR_NAMES = {
    ast.Mod: ("'%' (remainder)", "There is no remainder operator in formulas."),
    ast.FloorDiv: ("'//' (floor division)", "Use / for division."),
    ast.MatMult: ("'@' (matrix product)", "Use * for multiplication."),
    ast.LShift: ("'<<' (shift)", "Use * and ** instead."),
    ast.RShift: ("'>>' (shift)", "Use / and ** instead."),
    ast.BitOr: ("'|' (bitwise or)", "Formulas have no bitwise operators."),
    ast.BitAnd: ("'&' (bitwise and)", "Formulas have no bitwise operators."),
    ast.BitXor: ("'^' as exclusive or", "Write the power as **."),
}

_NODE_NAMES: dict[type, tuple[str, str]] = {
    ast.Attribute: (
        "attribute access is not allowed",
        ("Formulas may only use numbers, variables, operators and the allowed functions; "
         "write re(z) or conjugate(z) instead of z.real or z.conjugate()."),
    ),
    ast.Subscript: (
        "indexing is not allowed",
        "Name the variables x1, x2, ... instead of x[1], x[2].",
    ),
    ast.Lambda: ("'lambda' is not allowed", "Write the formula itself, e.g. x1**2 + x2**2."),
    ast.ListComp: ("comprehensions are not allowed", "Write the formula out explicitly."),
    ast.SetComp: ("comprehensions are not allowed", "Write the formula out explicitly."),
    ast.DictComp: ("comprehensions are not allowed", "Write the formula out explicitly."),
    ast.GeneratorExp: ("generator expressions are not allowed", "Write the formula out explicitly."),
    ast.List: ("lists are not allowed", "A formula is a single expression."),
    ast.Tuple: (
        "tuples are not allowed",
        "A formula is a single expression; for several components pass several formulas.",
    ),
    ast.Set: ("sets are not allowed", "A formula is a single expression."),
    ast.Dict: ("dicts are not allowed", "A formula is a single expression."),
    ast.Compare: (
        "comparisons are allowed only as conditions",
        "A formula is an expression, not an equation or inequality; write f instead of f == 0, or "
        "use the comparison as a condition: Piecewise((f, x1 >= 0), (g, True)) or f if x1 >= 0 else g.",
    ),
    ast.BoolOp: (
        "'and'/'or' are allowed only in conditions",
        "Use them inside a condition: Piecewise((f, (x1 >= 0) & (x2 < 1)), (g, True)).",
    ),
    ast.NamedExpr: ("':=' (assignment) is not allowed", "Write the formula itself."),
    ast.JoinedStr: ("f-strings are not allowed", "Type the formula as plain text."),
    ast.FormattedValue: ("f-strings are not allowed", "Type the formula as plain text."),
    ast.Starred: ("'*' unpacking is not allowed", "Pass each argument separately."),
    ast.Slice: ("slices are not allowed", "Name the variables x1, x2, ... instead."),
    ast.Await: ("'await' is not allowed", "Write the formula itself."),
    ast.Yield: ("'yield' is not allowed", "Write the formula itself."),
    ast.YieldFrom: ("'yield' is not allowed", "Write the formula itself."),
}


class _Builder:
    """Walks the syntax tree top-down (checking depth first) and builds sympy bottom-up."""

    def __init__(
        self,
        source: _Source,
        symbols: Mapping[str, sympy.Basic] | None,
        max_depth: int,
        max_exponent: int,
    ):
        self.source = source
        self.symbols = symbols
        self.max_depth = max_depth
        self.max_exponent = max_exponent
        self.measure = _Measure(max_exponent)
        self.made_symbols: dict[str, sympy.Symbol] = {}

    # --- refusals --------------------------------------------------------------------------
    def refuse(self, node: ast.AST, problem: str, fix: str) -> OracleError:
        return OracleError(f"{problem}: {self.source.quote(node)}. {fix}")

    def checked(self, node: ast.AST, make: Callable[[], sympy.Expr]) -> sympy.Expr:
        """Run one sympy construction, then check the result's size; quote ``node`` on error."""
        try:
            value = make()
        except OracleError:
            raise
        except RecursionError:
            raise self.refuse(node, "the formula is nested too deeply", "Simplify it.") from None
        except Exception as exc:  # noqa: BLE001  (sympy's own refusals, of any type: e.g. Max of complex numbers)
            detail = _printable(str(exc))[:200]
            raise self.refuse(
                node, f"could not build this part of the formula ({type(exc).__name__}: {detail})",
                "Rewrite this part.",
            ) from None
        if not isinstance(value, sympy.Expr):
            raise self.refuse(node, "this part is not a number-valued expression", "Rewrite it.")
        self.check(node, value)
        return value

    def check(self, node: ast.AST, value: sympy.Basic) -> _Stats:
        try:
            return self.measure(value)
        except _Hazard as exc:
            raise self.refuse(node, f"this part of the formula {exc.problem}", exc.fix) from None

    # --- dispatch --------------------------------------------------------------------------
    def build(self, tree: ast.Expression) -> sympy.Expr:
        return self.node(tree.body, 1)

    def node(self, node: ast.AST, depth: int) -> sympy.Expr:
        if depth > self.max_depth:
            raise self.refuse(
                node,
                f"the formula is nested too deeply (more than max_depth={self.max_depth} levels)",
                "Simplify the formula or split it into parts.",
            )
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, (ast.Add, ast.Sub)):
                return self.chain_sum(node, depth)
            if isinstance(node.op, (ast.Mult, ast.Div)):
                return self.chain_product(node, depth)
            if isinstance(node.op, ast.Pow):
                return self.power(node, depth)
            what, fix = _OPERATOR_NAMES.get(type(node.op), ("this operator", "Use + - * / ** ^."))
            raise self.refuse(node, f"the operator {what} is not allowed", fix)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                operand = self.node(node.operand, depth + 1)
                return self.checked(node, lambda: -operand)
            if isinstance(node.op, ast.UAdd):
                return self.node(node.operand, depth + 1)
            if isinstance(node.op, ast.Not):
                raise self.refuse(node, "'not' is not allowed", "Formulas have no logical operators.")
            raise self.refuse(node, "'~' (bitwise not) is not allowed", "Formulas have no bitwise operators.")
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        if isinstance(node, ast.IfExp):  # f if cond else g
            body, orelse = self.node(node.body, depth + 1), self.node(node.orelse, depth + 1)
            cond = self.condition(node.test, depth + 1)
            return self.checked(node, lambda: sympy.Piecewise((body, cond), (orelse, True)))
        what, fix = _NODE_NAMES.get(
            type(node), (f"this construct ({type(node).__name__}) is not allowed", "Write a plain formula.")
        )
        raise self.refuse(node, what, fix)

    # --- leaves ----------------------------------------------------------------------------
    def constant(self, node: ast.Constant) -> sympy.Expr:
        value = node.value
        if isinstance(value, bool):  # before int: bool is a subclass of int
            raise self.refuse(node, "booleans are not allowed", "Use the numbers 1 and 0.")
        if value is None or value is Ellipsis:
            raise self.refuse(node, f"{value!r} is not allowed", "Use a number.")
        if isinstance(value, (str, bytes)):
            raise self.refuse(
                node,
                "text strings are not allowed" if isinstance(value, str) else "bytes are not allowed",
                "A formula contains only numbers, variables, operators and functions; remove the quotes.",
            )
        if isinstance(value, int):
            if abs(value) >= _LITERAL_LIMIT:
                raise self.refuse(
                    node,
                    f"this number has more than {_MAX_LITERAL_DIGITS} digits",
                    "Write it as a power, e.g. 10**50.",
                )
            return sympy.Integer(value)
        if isinstance(value, (float, complex)):
            # Read the decimal text, not the binary float: 0.1 must be exactly 1/10.
            literal = self.source.segment(node).replace("_", "")
            imaginary = literal[-1:] in ("j", "J")
            exact = self.exact_decimal(node, literal[:-1] if imaginary else literal)
            return exact * sympy.I if imaginary else exact
        raise self.refuse(node, f"{type(value).__name__} values are not allowed", "Use a number.")

    def exact_decimal(self, node: ast.AST, literal: str) -> sympy.Rational:
        try:
            dec = Decimal(literal)
        except (InvalidOperation, ValueError):
            raise self.refuse(node, "could not read this number", "Write it as digits, e.g. 0.25.") from None
        _, digits, exponent = dec.as_tuple()
        if not isinstance(exponent, int):  # infinity/NaN cannot come from a literal, but be safe
            raise self.refuse(node, "this number is not finite", "Write a finite number.")
        if len(digits) + abs(exponent) > _MAX_LITERAL_DIGITS:
            raise self.refuse(
                node,
                f"this number would need more than {_MAX_LITERAL_DIGITS} digits written out",
                "Use a smaller exponent, e.g. 1e-30, or write it as a power of 10.",
            )
        frac = Fraction(dec)
        return sympy.Rational(frac.numerator, frac.denominator)

    def name(self, node: ast.Name) -> sympy.Expr:
        name = node.id
        problem = self.name_problem(node, name)
        if problem is not None:
            raise problem
        if name in CONSTANTS:
            return CONSTANTS[name]
        if name in FUNCTIONS:
            raise self.refuse(
                node, f"'{name}' is a function but is used without arguments",
                f"Call it with an argument, e.g. {name}(x1).",
            )
        return self.variable(node, name)

    def name_problem(self, node: ast.AST, name: str) -> OracleError | None:
        # The user's own spelling: ast normalises identifiers (NFKC), which would hide look-alikes.
        spelled = self.source.segment(node)
        if isinstance(node, ast.Call):
            spelled = self.source.segment(node.func)
        if not spelled.isascii():
            name = spelled
        if name in CONSTANTS or name in FUNCTIONS:
            return None
        problem = _name_problem(name)
        if problem is None:
            return None
        return self.refuse(
            node,
            f"the name '{_printable(name)}' is not allowed",
            problem[0].upper() + problem[1:] + "; rename it.",
        )

    def variable(self, node: ast.AST, name: str) -> sympy.Expr:
        if self.symbols is not None:
            try:
                # Indexing (not `in`) lets a mapping create symbols on demand (dict.__missing__).
                value = self.symbols[name]
            except KeyError:
                value = None
            if value is not None:
                if not isinstance(value, sympy.Expr):
                    raise OptionError(
                        f"symbols[{name!r}] must be a sympy Symbol or expression, got {type(value).__name__}"
                    )
                self.check(node, value)
                return value
        symbol = self.made_symbols.get(name)
        if symbol is None:
            symbol = self.made_symbols[name] = sympy.Symbol(name)
        return symbol

    # --- operators -------------------------------------------------------------------------
    def chain_sum(self, node: ast.BinOp, depth: int) -> sympy.Expr:
        # a - b + c parses as ((a - b) + c); flatten the left spine so that a long sum is one
        # level of nesting and one sympy.Add call (pairwise adds would be quadratic).
        parts: list[tuple[bool, ast.AST]] = []
        cur: ast.AST = node
        while isinstance(cur, ast.BinOp) and isinstance(cur.op, (ast.Add, ast.Sub)):
            parts.append((isinstance(cur.op, ast.Sub), cur.right))
            cur = cur.left
        parts.append((False, cur))
        parts.reverse()
        terms = []
        for negate, part in parts:
            value = self.node(part, depth + 1)
            terms.append(self.checked(part, functools.partial(operator.neg, value)) if negate else value)
        return self.checked(node, lambda: sympy.Add(*terms))

    def chain_product(self, node: ast.BinOp, depth: int) -> sympy.Expr:
        parts: list[tuple[bool, ast.AST]] = []
        cur: ast.AST = node
        while isinstance(cur, ast.BinOp) and isinstance(cur.op, (ast.Mult, ast.Div)):
            parts.append((isinstance(cur.op, ast.Div), cur.right))
            cur = cur.left
        parts.append((False, cur))
        parts.reverse()
        factors = []
        root_bits = 0
        for divide, part in parts:
            value = self.node(part, depth + 1)
            if divide:
                if value == 0:  # structural test: asking sympy's is_zero can be slow
                    raise self.refuse(part, "division by zero", "The divisor is 0; fix the formula.")
                value = self.checked(part, functools.partial(sympy.Pow, value, -1))
            root_bits += self.measure(value).rbits
            factors.append(value)
        if root_bits > _MAX_ROOT_BITS:
            # sympy multiplies numeric roots together (sqrt(a)*sqrt(b) -> sqrt(a*b)) and then
            # factors the product, which is slow for big numbers.
            raise self.refuse(
                node,
                f"this product combines roots of numbers with {root_bits} bits in total "
                f"(the limit is {_MAX_ROOT_BITS})",
                "Use fewer or smaller roots of numbers.",
            )
        return self.checked(node, lambda: sympy.Mul(*factors))

    def power(self, node: ast.BinOp, depth: int) -> sympy.Expr:
        base = self.node(node.left, depth + 1)
        exponent = self.node(node.right, depth + 1)
        return self.raise_to(node, node.right, base, exponent)

    def raise_to(
        self, node: ast.AST, exp_node: ast.AST, base: sympy.Expr, exponent: sympy.Expr
    ) -> sympy.Expr:
        """``base**exponent`` after the exponent rule and size estimates (see module docstring)."""
        kb = self.measure(base)
        ke = self.measure(exponent)
        if exponent.is_Rational:
            if abs(exponent) > self.max_exponent:
                raise self.refuse(
                    exp_node,
                    f"the exponent {_short(exponent)} is too large (the limit is "
                    f"max_exponent={self.max_exponent})",
                    "Use a smaller exponent, or pass a larger max_exponent if it is intended.",
                )
            if exponent.q > _MAX_EXPONENT_DENOMINATOR:
                raise self.refuse(
                    exp_node,
                    f"the exponent {exponent} has a denominator above {_MAX_EXPONENT_DENOMINATOR}",
                    "Use a simpler fraction, e.g. 1/3 instead of 0.3333.",
                )
            if exponent < 0 and base == 0:
                raise self.refuse(node, "division by zero (0 raised to a negative power)", "Fix the formula.")
            if base.is_Rational and not exponent.is_Integer and kb.bits > _MAX_ROOT_BITS:
                raise self.refuse(
                    node,
                    f"roots of numbers with more than {_MAX_ROOT_BITS} bits are not supported",
                    "Use a smaller number.",
                )
            scale = float(abs(exponent))
            if kb.bits * scale > _MAX_NUMBER_BITS or (kb.const and kb.mag * scale > _MAX_MAGNITUDE_BITS):
                raise self.refuse(
                    node,
                    f"this power would create a number with more than {_MAX_NUMBER_BITS} bits",
                    "Use smaller numbers or exponents.",
                )
        else:
            if not kb.const:
                raise self.refuse(
                    node,
                    "an exponent on an expression with variables must be a number "
                    "(like 2, -1, 1/2 or 0.5), not an expression",
                    "Variable or irrational exponents are allowed only on a positive constant base "
                    "(2**x1, E**(I*x1)); for a general power write exp(b*log(a)).",
                )
            if not _is_simple_positive_base(base):
                # sympy decides the sign and branch of c**x by evaluating c numerically, again
                # and again during later arithmetic; that is slow unless c is plainly positive.
                raise self.refuse(
                    node,
                    "a variable or irrational exponent needs a plainly positive base: a positive "
                    "number, E, pi, or a rational power of those",
                    "Write exp(b*log(a)) for a**b, or simplify the base.",
                )
            if ke.const:
                if self.measure._exponential_mag(kb.mag, exponent, ke, _is_positive_constant(base)) > (
                    _MAX_MAGNITUDE_BITS
                ):
                    raise self.refuse(
                        node,
                        "this power of a constant would be astronomically large or small",
                        "Use a smaller exponent.",
                    )
            else:
                try:
                    self.measure._check_exponential(kb.mag, exponent)
                except _Hazard as exc:
                    raise self.refuse(node, f"this power {exc.problem}", exc.fix) from None
        return self.checked(node, lambda: sympy.Pow(base, exponent))

    # --- calls -----------------------------------------------------------------------------
    def call(self, node: ast.Call, depth: int) -> sympy.Expr:
        func = node.func
        if not isinstance(func, ast.Name):
            if isinstance(func, ast.Attribute):
                raise self.refuse(func, *_NODE_NAMES[ast.Attribute])
            raise self.refuse(
                node, "only named functions can be called",
                f"The allowed functions are {_ALLOWED_FUNCTIONS_TEXT}. For multiplication write '*'.",
            )
        name = func.id
        problem = self.name_problem(node, name)
        if problem is not None:
            raise problem
        if name in CONSTANTS:
            raise self.refuse(
                node, f"'{name}' is a constant, not a function",
                f"For multiplication write {name}*(...).",
            )
        if name not in FUNCTIONS:
            raise self.refuse(
                node, f"'{name}' is not an allowed function",
                f"The allowed functions are {_ALLOWED_FUNCTIONS_TEXT}. If '{name}' is a variable and "
                f"you meant multiplication, write {name}*(...).",
            )
        if node.keywords:
            raise self.refuse(
                node, f"keyword arguments are not allowed in {name}(...)",
                "Pass the arguments by position, e.g. log(x1, 2).",
            )
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.refuse(arg, *_NODE_NAMES[ast.Starred])
        if name == "Piecewise":
            return self.piecewise(node, depth)
        _, least, most = FUNCTIONS[name]
        n = len(node.args)
        if n < least or (most is not None and n > most):
            if least == most:
                want = f"exactly {least} argument" + ("s" if least != 1 else "")
            elif most is None:
                want = f"at least {least} argument" + ("s" if least != 1 else "")
            else:
                want = f"{least} or {most} arguments"
            raise self.refuse(node, f"{name} takes {want}, got {n}", f"Fix the call to {name}.")
        args = [self.node(arg, depth + 1) for arg in node.args]
        return self.apply(node, name, args)

    # --- conditions (only inside Piecewise and if-else) ------------------------------------
    def piecewise(self, node: ast.Call, depth: int) -> sympy.Expr:
        """``Piecewise((expr, cond), ..., (expr, True))``: the first true condition's expression."""
        if not node.args or len(node.args) > _MAX_PIECES:
            raise self.refuse(node, f"Piecewise takes 1 to {_MAX_PIECES} (expression, condition) pairs",
                              "Write Piecewise((f, x1 >= 0), (g, True)).")
        pairs = []
        for arg in node.args:
            if not (isinstance(arg, ast.Tuple) and len(arg.elts) == 2):
                raise self.refuse(arg, "each argument of Piecewise is a pair (expression, condition)",
                                  "Write Piecewise((f, x1 >= 0), (g, True)).")
            pairs.append((self.node(arg.elts[0], depth + 2), self.condition(arg.elts[1], depth + 2)))
        return self.checked(node, lambda: sympy.Piecewise(*pairs))

    def condition(self, node: ast.AST, depth: int) -> sympy.Basic:
        """A condition: comparisons (< <= > >=, chained), joined by and/or/&/|, negated by not/~, or True."""
        if depth > self.max_depth:
            raise self.refuse(node, f"the condition is nested too deeply (more than max_depth={self.max_depth})",
                              "Simplify the condition.")
        if isinstance(node, ast.Constant) and isinstance(node.value, bool):
            return sympy.true if node.value else sympy.false
        if isinstance(node, ast.Compare):
            relations = {ast.Lt: sympy.Lt, ast.LtE: sympy.Le, ast.Gt: sympy.Gt, ast.GtE: sympy.Ge}
            sides = [self.node(node.left, depth + 1)] + [self.node(c, depth + 1) for c in node.comparators]
            parts = []
            for op, a, b in zip(node.ops, sides, sides[1:], strict=False):
                relation = relations.get(type(op))
                if relation is None:
                    raise self.refuse(node, "only < <= > >= compare in a condition",
                                      "An equality holds on a set of measure zero; write the branch as an inequality.")
                parts.append(self.checked_condition(node, lambda r=relation, a=a, b=b: r(a, b)))
            return parts[0] if len(parts) == 1 else self.checked_condition(node, lambda: sympy.And(*parts))
        if isinstance(node, ast.BoolOp):
            joined = [self.condition(v, depth + 1) for v in node.values]
            join = sympy.And if isinstance(node.op, ast.And) else sympy.Or
            return self.checked_condition(node, lambda: join(*joined))
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr)):
            left, right = self.condition(node.left, depth + 1), self.condition(node.right, depth + 1)
            join = sympy.And if isinstance(node.op, ast.BitAnd) else sympy.Or
            return self.checked_condition(node, lambda: join(left, right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.Invert)):
            inner = self.condition(node.operand, depth + 1)
            return self.checked_condition(node, lambda: sympy.Not(inner))
        raise self.refuse(node, "this is not a condition",
                          "A condition compares expressions (x1 >= 0), joins comparisons with & | and or, or is True.")

    def checked_condition(self, node: ast.AST, make: Callable[[], sympy.Basic]) -> sympy.Basic:
        try:
            value = make()
        except Exception as exc:  # noqa: BLE001  (sympy refuses e.g. comparisons of complex numbers)
            detail = _printable(str(exc))[:200]
            raise self.refuse(node, f"could not build this condition ({type(exc).__name__}: {detail})",
                              "Compare real expressions.") from None
        if not isinstance(value, sympy.logic.boolalg.Boolean):
            raise self.refuse(node, "this is not a condition", "Compare expressions, e.g. x1 >= 0.")
        return value

    def apply(self, node: ast.Call, name: str, args: list[sympy.Expr]) -> sympy.Expr:
        func = FUNCTIONS[name][0]
        if func is sympy.sqrt:
            return self.raise_to(node, node, args[0], sympy.Rational(1, 2))
        if func in (sympy.exp, sympy.sinh, sympy.cosh):
            (arg,) = args
            ka = self.measure(arg)
            if ka.const:
                if self.measure._exponential_mag(2.0, arg, ka, True) > _MAX_MAGNITUDE_BITS:
                    raise self.refuse(
                        node, f"{name} of this constant would be astronomically large",
                        "Use a smaller argument.",
                    )
            else:
                try:
                    self.measure._check_exponential(2.0, arg)
                except _Hazard as exc:
                    raise self.refuse(node, f"this part of the formula {exc.problem}", exc.fix) from None
        if func in (sympy.sinh, sympy.cosh, sympy.tanh):
            # sympy answers questions about these (is it real? positive? finite?) by splitting
            # the argument into real and imaginary parts, on every such question, during any
            # later arithmetic, and then reduce the imaginary part modulo pi with a polynomial gcd
            # of the fully expanded argument; for a big argument that takes minutes.
            ka = self.measure(args[0])
            if ka.split > _MAX_SPLIT_TERMS or ka.expanded > _MAX_EXPANDED_TERMS:
                size = max(ka.split, ka.expanded)
                raise self.refuse(
                    node,
                    f"the argument of {name} is too complicated for sympy's complex analysis "
                    f"(about {size} terms when expanded; the limit is {_MAX_EXPANDED_TERMS}, or "
                    f"{_MAX_SPLIT_TERMS} after splitting into real and imaginary parts)",
                    f"Simplify the argument, declare the variables real, or write {name} with exp "
                    "(e.g. cosh(u) = (exp(u) + exp(-u))/2).",
                )
        if func in (sympy.Abs, sympy.re, sympy.im, sympy.sign):
            # These split their argument into real and imaginary parts when evaluated, which is
            # exponential for products of sums; keep big ones unevaluated (same value).
            evaluate = self.measure(args[0]).split <= _MAX_SPLIT_TERMS
            return self.checked(node, lambda: func(args[0], evaluate=evaluate))
        if func in (sympy.Max, sympy.Min):
            # Max/Min flatten nested calls of their own kind and compare every pair of arguments
            # symbolically, whenever they are (re)built: minutes for a few dozen expressions.
            count = 0
            stack = list(args)
            while stack:
                a = stack.pop()
                if a.func is func:  # a nested call of the same kind (func is a sympy class)
                    stack.extend(a.args)
                else:
                    count += 1
            if count > _MAX_MINMAX_ARGS:
                raise self.refuse(
                    node,
                    f"{name} has {count} arguments (counting nested {name} calls); the limit is "
                    f"{_MAX_MINMAX_ARGS}",
                    "sympy compares them pairwise, which is slow; use fewer arguments.",
                )
            # Comparing symbolic arguments is slow even for a few; only constants are compared now.
            evaluate = all(self.measure(a).const for a in args)
            return self.checked(node, lambda: func(*args, evaluate=evaluate))
        return self.checked(node, lambda: func(*args))


# ------------------------------------------------------------------------------------------------
# Entry point
# ------------------------------------------------------------------------------------------------


def _positive_int(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise OptionError(f"{what} must be a positive integer, got {value!r}")
    return value


def parse_formula(
    text: str,
    *,
    symbols: Mapping[str, sympy.Symbol] | None = None,
    max_length: int = 5_000_000,
    max_depth: int = 200,
    max_exponent: int = 64,
) -> sympy.Expr:
    """Parse a formula string into a sympy expression, safely.

    The text is parsed with :func:`ast.parse` and the syntax tree is walked with a whitelist;
    nothing is ever evaluated as Python code and ``sympify`` is never called.

    Parameters
    ----------
    text : str
        The formula, e.g. ``"x1**2 + x2^2 - x3**2"``. ``^`` means power; decimals are exact.
    symbols : mapping of str to sympy.Symbol, optional
        Symbols to use for variable names, so the caller controls assumptions (``real=True``,
        complex, ...). Looked up by indexing, so a ``dict`` subclass with ``__missing__`` can
        create symbols on demand. Names it does not hold become plain ``sympy.Symbol(name)``.
        Function and constant names (``sin``, ``pi``, ``E``, ``I``) always mean the
        function or constant.
    max_length : int, default 5 000 000
        Longest accepted text, in characters.
    max_depth : int, default 200
        Deepest accepted nesting. A chain of one operator kind (``a + b - c``, ``a*b/c``) is a
        single level, so long sums and products are fine.
    max_exponent : int, default 64
        Largest absolute value of a numeric exponent, checked before any power is computed and
        on every power of the result (``(x1**8)**16`` is ``x1**128``). Non-numeric exponents are
        allowed only on constant bases (``2**x1``); see the module docstring for the full rule.

    Returns
    -------
    sympy.Expr

    Raises
    ------
    OracleError
        If the text is empty, too long, nested too deeply, not valid syntax (the message shows
        the text with a caret), uses anything outside the whitelist (attributes, indexing,
        strings, comparisons, lambdas, unknown functions, names with ``__``, ...), divides by
        zero, is undefined (``log(0)``), or breaks the exponent or number-size rules. The
        message quotes the offending piece and its column and says how to fix it.
    OptionError
        If ``max_length``, ``max_depth`` or ``max_exponent`` is not a positive integer, or
        ``symbols`` maps a name to something that is not a sympy expression.

    Examples
    --------
    >>> parse_formula("x1**2 + x2^2")
    x1**2 + x2**2
    >>> parse_formula("0.1*x + 2.5e-1")
    x/10 + 1/4
    >>> import sympy
    >>> z = sympy.Symbol("z")
    >>> parse_formula("z*conj(z) + sqrt(2)", symbols={"z": z})
    z*conjugate(z) + sqrt(2)
    >>> parse_formula("x.real")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    liealg.errors.OracleError: attribute access is not allowed: 'x.real' at column 1. ...
    """
    max_length = _positive_int(max_length, "max_length")
    max_depth = _positive_int(max_depth, "max_depth")
    max_exponent = _positive_int(max_exponent, "max_exponent")
    if not isinstance(text, str):
        raise OracleError(f"the formula must be a string, got {type(text).__name__}")
    if len(text) > max_length:
        raise OracleError(
            f"the formula is {len(text)} characters long; the limit is max_length={max_length}. "
            "Shorten it, or pass a larger max_length if it is intended."
        )
    if not text.strip():
        raise OracleError("the formula is empty; type an expression such as 'x1**2 + x2**2'")
    source = _Source(text)
    _prescan(source, max_depth)
    tree = _parse_tree(source)
    builder = _Builder(source, symbols, max_depth, max_exponent)
    try:
        # The walk recurses once per nesting level (at most max_depth); give it room even
        # when called from deep inside an application's stack.
        with _recursion_headroom(4 * max_depth + 200):
            return builder.build(tree)
    except RecursionError:
        raise OracleError("the formula is nested too deeply to build; simplify it") from None


# ------------------------------------------------------------------------------------------------
# Exact numbers and JSON text (the one reader of untrusted numbers and data files)
# ------------------------------------------------------------------------------------------------

# Plain integers and fractions ("3", "-1/2"), the form nearly every stored exact number takes
# (structure constants, rational matrices). Read directly: the value is the one parse_formula
# would build, about 100x faster than walking a syntax tree per entry.
_PLAIN_RATIONAL = re.compile(r"\s*([+-]?)\s*(\d{1,1000})\s*(?:/\s*(\d{1,1000})\s*)?\Z")


def parse_number(text: str, *, max_length: int = 2_000) -> sympy.Expr:
    """Parse one exact number (a constant formula) from untrusted text, safely.

    This is the one reader of exact numbers in liealg: matrix and structure-constant files,
    result files and string entries given to :class:`~liealg.algebra.LieAlgebra` all go through
    it. Plain rationals (``"3"``, ``"-1/2"``) are read directly; anything else is parsed by
    :func:`parse_formula` (an AST whitelist: nothing is evaluated as code) and must contain no
    variable.

    Parameters
    ----------
    text : str
        E.g. ``"-1/2"``, ``"0.25"`` (an exact decimal), ``"1/2 - 3/4*I"``, ``"sqrt(3)/2"``.
    max_length : int, default 2000
        Longest accepted text, in characters.

    Returns
    -------
    sympy.Expr
        A number: no free symbols.

    Raises
    ------
    OracleError
        If the text is not a number (a name, code, bad syntax, division by zero, too long).

    Examples
    --------
    >>> parse_number("-1/2"), parse_number("1/2 - 3*I/4"), parse_number("sqrt(12)/4")
    (-1/2, 1/2 - 3*I/4, sqrt(3)/2)
    >>> parse_number("__import__('os')")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    liealg.errors.OracleError: ...
    """
    if not isinstance(text, str):
        raise OracleError(f"expected a number written as a string, got {type(text).__name__}")
    plain = _PLAIN_RATIONAL.match(text)
    if plain is not None:
        sign, num, den = plain.groups()
        if den is not None and int(den) == 0:
            raise OracleError(f"division by zero in the number {_printable(text[:_SNIPPET_CHARS])!r}")
        value = sympy.Rational(int(num), int(den) if den is not None else 1)
        return -value if sign == "-" else value
    expr = parse_formula(text, max_length=max_length)
    if expr.free_symbols:
        names = ", ".join(sorted(str(s) for s in expr.free_symbols))
        raise OracleError(
            f"{_printable(text[:_SNIPPET_CHARS])!r} is not a number: it contains the name(s) {names}; "
            "write an exact number such as '-1/2', '3*I/4' or 'sqrt(3)/2'"
        )
    return expr


def parse_json(text: str | bytes, *, what: str = "JSON text", max_chars: int = 200_000_000) -> JSONValue:
    """Decode JSON from untrusted text with clear errors and bounded cost.

    Python's decoder is safe (it builds only dicts, lists, strings, numbers, booleans and None)
    but fails in unhelpful ways on hostile input: a document nested 100,000 levels deep raises
    ``RecursionError``, bytes that are not UTF-8 raise ``UnicodeDecodeError``. Every such case
    becomes one :class:`~liealg.errors.InputFileError` that says what was wrong.

    Parameters
    ----------
    text : str or bytes
        The document (bytes must be UTF-8).
    what : str
        How to call the document in messages, e.g. ``"structure-constant file 'sc.json'"``.
    max_chars : int
        Longest accepted document (characters; 200 million by default).

    Returns
    -------
    JSONValue
        The decoded value (dict, list, str, int, float, bool or None).

    Raises
    ------
    InputFileError
        Not UTF-8, too long, nested too deeply, or not valid JSON (with line and column).

    Examples
    --------
    >>> parse_json('{"dim": 3}')
    {'dim': 3}
    >>> parse_json("[" * 100_000)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    liealg.errors.InputFileError: JSON text is nested too deeply ...
    """
    import json

    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputFileError(
                f"cannot read {what}: it is not UTF-8 text (byte {exc.start}: {exc.reason}); save it as UTF-8 JSON"
            ) from None
    if not isinstance(text, str):
        raise InputFileError(f"{what}: expected JSON text, got {type(text).__name__}")
    if len(text) > max_chars:
        raise InputFileError(f"{what} is {len(text):,} characters long; the limit is {max_chars:,}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(
            f"{what} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "it may be truncated or edited by hand"
        ) from None
    except RecursionError:
        raise InputFileError(
            f"{what} is nested too deeply to read (arrays or objects inside each other thousands of "
            "levels deep); it is not a liealg file"
        ) from None
