"""Tests for liealg.parsing: the safe formula parser.

Everything here is deterministic (hypothesis runs with derandomize=True) and fast: each parse
must finish well under a second, hostile input included.
"""

from __future__ import annotations

import ast
import builtins
import doctest
import sys
import time

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import liealg.parsing as parsing
from liealg.errors import OptionError, OracleError
from liealg.parsing import natural_sort_key, parse_formula, parse_variables

x, y, z, e = sympy.symbols("x y z e")
x1, x2, x3, x4 = sympy.symbols("x1 x2 x3 x4")
z1 = sympy.Symbol("z1")

# Generous bound for "quick": one parse of hostile text on a slow, shared CI machine.
QUICK_S = 1.0

SETTINGS = settings(
    deadline=None,
    max_examples=200,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def short_id(value: object) -> str | None:
    """Readable test ids for long formula strings."""
    if isinstance(value, str):
        return value if len(value) <= 40 else value[:37] + "..."
    return None


def refused(text: str, *words: str, **kwargs) -> str:
    """Parse ``text``, expect an OracleError quickly, check ``words`` are in the message."""
    start = time.perf_counter()
    with pytest.raises(OracleError) as info:
        parse_formula(text, **kwargs)
    elapsed = time.perf_counter() - start
    assert elapsed < QUICK_S, f"refusing {text[:60]!r} took {elapsed:.2f} s"
    message = str(info.value)
    for word in words:
        assert word in message, f"{word!r} not in message {message!r}"
    return message


# ------------------------------------------------------------------------------------------------
# Correct parses
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x1**2 + x2**2 - x3**2", x1**2 + x2**2 - x3**2),
        ("x1^2 + x2^2 - x3^2", x1**2 + x2**2 - x3**2),
        ("x^2", x**2),
        ("x^2^3", x**8),  # right-associative, like **
        ("-x^2", -(x**2)),  # power binds tighter than unary minus, like **
        ("2^-1", sympy.Rational(1, 2)),
        ("x1*x2 - x3/4", x1 * x2 - x3 / 4),
        ("(x1 + x2)*(x1 - x2)", (x1 + x2) * (x1 - x2)),
        ("x/3/4", x / 12),  # left-associative division
        ("x - y - z", x - y - z),
        ("x - (y - z)", x - y + z),
        ("+x", x),
        ("--x", x),
        ("3", sympy.Integer(3)),
        ("0x1F + 0o7 + 0b11", sympy.Integer(41)),
        ("1_000", sympy.Integer(1000)),
        ("x1 +\n x2", x1 + x2),  # a newline is a space
        ("  x1  ", x1),
        ("(x1 +\n x2)", x1 + x2),
    ],
    ids=short_id,
)
def test_arithmetic(text, expected):
    assert parse_formula(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.1*x", sympy.Rational(1, 10) * x),
        ("0.1 + 0.2", sympy.Rational(3, 10)),  # exact: no binary floating point
        ("0.5", sympy.Rational(1, 2)),
        (".5", sympy.Rational(1, 2)),
        ("5.", sympy.Integer(5)),
        ("1e-3", sympy.Rational(1, 1000)),
        ("1E+3", sympy.Integer(1000)),
        ("2.5e2", sympy.Integer(250)),
        ("1_000.5", sympy.Rational(2001, 2)),
        ("1e10*x", 10**10 * x),
        ("0.3333", sympy.Rational(3333, 10000)),
        ("x**0.5", sympy.sqrt(x)),
        ("x**1.5", x ** sympy.Rational(3, 2)),
    ],
    ids=short_id,
)
def test_decimals_are_exact(text, expected):
    result = parse_formula(text)
    assert result == expected
    assert not result.atoms(sympy.Float)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1j", sympy.I),
        ("2.5j*x", sympy.Rational(5, 2) * sympy.I * x),
        ("3J", 3 * sympy.I),
        ("1 + 2j", 1 + 2 * sympy.I),
        ("z1*conjugate(z1)", z1 * sympy.conjugate(z1)),
        ("z1*conj(z1)", z1 * sympy.conjugate(z1)),
        ("re(z1)**2 + im(z1)**2", sympy.re(z1) ** 2 + sympy.im(z1) ** 2),
        ("I*I", sympy.Integer(-1)),
        ("exp(I*pi)", sympy.Integer(-1)),
        ("exp(I*pi/3)*x", sympy.exp(sympy.I * sympy.pi / 3) * x),
        ("sqrt(-4)", 2 * sympy.I),
        ("log(-2)", sympy.log(2) + sympy.I * sympy.pi),
    ],
    ids=short_id,
)
def test_complex(text, expected):
    assert parse_formula(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sin(x) + cos(y) + tan(z)", sympy.sin(x) + sympy.cos(y) + sympy.tan(z)),
        ("exp(x) + log(y)", sympy.exp(x) + sympy.log(y)),
        ("log(x, 2)", sympy.log(x) / sympy.log(2)),
        ("sqrt(x1**2 + x2**2)", sympy.sqrt(x1**2 + x2**2)),
        ("abs(x) + Abs(y)", sympy.Abs(x) + sympy.Abs(y)),
        ("sinh(x) + cosh(x) + tanh(x)", sympy.sinh(x) + sympy.cosh(x) + sympy.tanh(x)),
        ("asin(x) + acos(x) + atan(x)", sympy.asin(x) + sympy.acos(x) + sympy.atan(x)),
        ("asinh(x) + acosh(x) + atanh(x)", sympy.asinh(x) + sympy.acosh(x) + sympy.atanh(x)),
        ("sign(x)", sympy.sign(x)),
        ("max(x, y)", sympy.Max(x, y)),
        ("Min(x, y, 3)", sympy.Min(x, y, 3, evaluate=False)),
        ("max(1, 2, pi)", sympy.pi),
        ("sin(pi/6)", sympy.Rational(1, 2)),
        ("abs(-3)", sympy.Integer(3)),
        ("exp(-x1**2/2)/sqrt(2*pi)", sympy.exp(-(x1**2) / 2) / sympy.sqrt(2 * sympy.pi)),
        ("2**x1", 2**x1),
        ("E**(I*x1)", sympy.exp(sympy.I * x1)),
        ("sqrt(2)**x1", sympy.sqrt(2) ** x1),
        ("exp(x2*log(x1))", sympy.exp(x2 * sympy.log(x1))),
    ],
    ids=short_id,
)
def test_functions(text, expected):
    assert parse_formula(text) == expected


def test_constants_and_the_variable_e():
    assert parse_formula("pi") is sympy.pi
    assert parse_formula("E") is sympy.E
    assert parse_formula("I") is sympy.I
    # lower-case e is an ordinary variable; Euler's number is E
    assert parse_formula("e") == e
    assert parse_formula("e*E") == e * sympy.E
    assert parse_formula("exp(1)") is sympy.E


def test_symbols_mapping_controls_assumptions():
    xr = sympy.Symbol("x", real=True)
    zc = sympy.Symbol("z", complex=True)
    result = parse_formula("x*conjugate(x) + z*conjugate(z)", symbols={"x": xr, "z": zc})
    assert result == xr**2 + zc * sympy.conjugate(zc)
    assert all(s in (xr, zc) for s in result.free_symbols)
    # names the mapping does not hold become plain symbols
    assert parse_formula("x + w", symbols={"x": xr}) == xr + sympy.Symbol("w")


def test_symbols_mapping_with_missing_hook():
    made = []

    class Table(dict):
        def __missing__(self, key):
            made.append(key)
            self[key] = sympy.Symbol(key, positive=True)
            return self[key]

    table = Table()
    result = parse_formula("sqrt(a**2) + b + sin(a)", symbols=table)
    a, b = table["a"], table["b"]
    assert result == a + b + sympy.sin(a)
    assert sorted(made) == ["a", "b"]  # functions and constants are never looked up


def test_symbols_mapping_must_hold_sympy_objects():
    with pytest.raises(OptionError):
        parse_formula("x + 1", symbols={"x": 3})


def test_long_sums_are_one_level_of_nesting():
    names = [f"x{i}" for i in range(1, 1501)]
    text = "+".join(names)
    assert len(text) < 10_000
    start = time.perf_counter()
    result = parse_formula(text)
    assert time.perf_counter() - start < 5
    assert result == sympy.Add(*sympy.symbols(names))


def test_nesting_within_the_limit_is_fine():
    assert parse_formula("(" * 150 + "x" + ")" * 150) == x
    nested = "sin(" * 60 + "x" + ")" * 60
    assert parse_formula(nested).count(sympy.sin) == 60


def test_exponent_limit_is_a_parameter():
    assert parse_formula("x1**64") == x1**64
    assert parse_formula("x1**-64") == x1**-64
    assert parse_formula("x1**65", max_exponent=100) == x1**65
    assert parse_formula("(x1**8)**8") == x1**64
    assert parse_formula("x1**(10**1)") == x1**10


def test_recursion_limit_is_restored():
    before = sys.getrecursionlimit()
    parse_formula(" + ".join(["x1*x2"] * 1000))
    with pytest.raises(OracleError):
        parse_formula("x1 +")
    assert sys.getrecursionlimit() == before


# ------------------------------------------------------------------------------------------------
# Refusals: each kind, with a helpful message
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("x.real", ["attribute", "'x.real'", "column 1", "re(z)"]),
        ("().__class__", ["attribute"]),
        ("x1 + x2.conjugate()", ["attribute", "column 6"]),
        ("__import__('os').system('ls')", ["attribute"]),
        ("x1[0]", ["indexing", "x1, x2"]),
        ("lambda: 1", ["lambda"]),
        ("(lambda: 0)()", ["named functions"]),
        ("[x for x in y]", ["comprehension"]),
        ("{x: 1 for x in y}", ["comprehension"]),
        ("sum(x for x in y)", ["sum", "not an allowed function"]),
        ("(x for x in y)", ["generator"]),
        ("'abc'", ["string", "quotes"]),
        ("x1 + 'a'*10**9", ["string"]),
        ("b'abc'", ["bytes"]),
        ("True", ["boolean"]),
        ("None", ["None"]),
        ("...", ["Ellipsis"]),
        ("x1 < 2", ["comparison", "f == 0"]),
        ("x1 == x2", ["comparison"]),
        ("x1 and x2", ["'and'/'or'", "only in conditions"]),
        ("not x1", ["'not'"]),
        ("(y := 2)", ["':='"]),
        ("f'{x1}'", ["f-string"]),
        ("max(*x1)", ["unpacking"]),
        ("log(x1, base=2)", ["keyword", "log(x1, 2)"]),
        ("[x1]*10**9", ["list"]),
        ("{x1}", ["set"]),
        ("{1: x1}", ["dict"]),
        ("x1, x2", ["tuple", "single expression"]),
        ("x1 % 2", ["'%'"]),
        ("x1 // 2", ["'//'", "Use / for division"]),
        ("x1 @ x2", ["'@'"]),
        ("x1 | x2", ["'|'"]),
        ("x1 & x2", ["'&'"]),
        ("x1 << 2", ["'<<'"]),
        ("~x1", ["'~'"]),
        ("x1 if x2 else x3", ["not a condition", "x1 >= 0"]),
        ("x1 if x1 == 0 else x3", ["only < <= > >=", "measure zero"]),
        ("x1 if I > 0 else x3", ["condition", "Invalid comparison"]),
        ("Piecewise(x1)", ["pair (expression, condition)"]),
        ("Piecewise((x1, x1 > 0, 3))", ["pair (expression, condition)"]),
        ("Piecewise((x1, x2))", ["not a condition"]),
        ("Piecewise()", ["1 to 100"]),
        ("foo(x1)", ["'foo' is not an allowed function", "sin", "sqrt", "Max"]),
        ("open('/etc/passwd')", ["'open' is not an allowed function"]),
        ("x1(2)", ["'x1' is not an allowed function", "x1*("]),
        ("sin", ["function", "sin(x1)"]),
        ("x1 + sqrt", ["'sqrt' is a function"]),
        ("pi(2)", ["constant", "pi*("]),
        ("sqrt(x1, 2)", ["sqrt takes exactly 1 argument, got 2"]),
        ("log(x1, 2, 3)", ["log takes 1 or 2 arguments, got 3"]),
        ("max()", ["max takes at least 1 argument, got 0"]),
        ("sin()", ["sin takes exactly 1 argument, got 0"]),
    ],
    ids=short_id,
)
def test_refused_constructs(text, words):
    refused(text, *words)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("__import__('os')", ["'__import__'", "underscore"]),
        ("__class__", ["'__class__'", "underscore"]),
        ("_x + 1", ["'_x'", "underscore"]),
        ("a__b", ["'a__b'", "'__'"]),
        ("x1 + __builtins__", ["'__builtins__'", "column 6"]),
        ("θ + 1", ["ASCII", "theta"]),
        ("\uff53\uff49\uff4e(x)", ["ASCII"]),  # full-width look-alike 'sin' is not normalised
    ],
    ids=short_id,
)
def test_refused_names(text, words):
    refused(text, *words)


@pytest.mark.parametrize("text", ["", "   ", "\n\t "])
def test_empty(text):
    refused(text, "the formula is empty")


def test_not_a_string():
    with pytest.raises(OracleError, match="must be a string"):
        parse_formula(b"x1")  # type: ignore[arg-type]
    with pytest.raises(OracleError, match="must be a string"):
        parse_formula(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "10"])
def test_bad_limits_are_value_errors(bad):
    with pytest.raises(ValueError):
        parse_formula("x", max_depth=bad)


def test_syntax_error_shows_a_caret():
    message = refused("x1 +* 2", "could not parse", "column 5")
    assert "    x1 +* 2\n        ^" in message


def test_syntax_error_positions_use_the_users_spelling():
    # '^' becomes '**' internally; the caret must still point into the text as typed
    message = refused("x1^^2", "could not parse", "column 4")
    assert "    x1^^2\n       ^" in message


def test_syntax_error_on_a_later_line():
    refused("(x1 +\n * x2)", "line 2, column 2")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2x1", ["2*x1"]),
        ("(x1 + 2", ["never closed"]),
        ("x1 + 2)", ["unmatched"]),
        ("x1 +", ["could not parse"]),
        ("import os", ["could not parse"]),
        ("x1; x2", ["could not parse"]),
        ("x1 = 2", ["could not parse"]),
        ("x1 $ 2", ["could not parse"]),
    ],
    ids=short_id,
)
def test_syntax_errors(text, words):
    refused(text, *words)


def test_comments_nul_and_control_characters():
    refused("x1 # + x2", "comment", "column 4")
    refused("x1\x00", "NUL")
    message = refused("x1 + \x1b[31m", "could not parse")
    assert "\x1b" not in message  # quoted user text cannot drive the terminal


def test_too_long():
    text = "x1 + " * 2500 + "x1"
    assert parse_formula(text) == 2501 * x1  # 12,500 characters: within the default limit
    refused(text, "max_length=10000", "characters long", max_length=10_000)
    refused("x1 + x2", "max_length=3", max_length=3)
    assert parse_formula("x1 + x2", max_length=7) == x1 + x2


def test_nested_too_deeply():
    refused("(" * 300 + "x1" + ")" * 300, "nested too deeply")
    deep = "(" * 10_000 + "x1" + ")" * 10_000
    refused(deep, "max_length", max_length=10_000)
    refused(deep, "nested too deeply", max_length=10**6)
    refused("sin(" * 6 + "x" + ")" * 6, "nested too deeply", "max_depth=5", max_depth=5)
    refused("-" * 5000 + "x1", "nested too deeply")
    refused("**".join(["x1"] * 2400), "nested too deeply")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("x1**10**10", ["exponent 10000000000", "max_exponent=64", "'10**10'"]),
        ("x1^10^10", ["exponent 10000000000", "'10^10'"]),
        ("x1**65", ["exponent 65"]),
        ("x1**-65", ["exponent -65"]),
        ("(x1**8)**16", ["128", "max_exponent=64"]),
        ("x1**0.0001", ["denominator"]),
        ("x1**x2", ["exponent", "exp(b*log(a))"]),
        ("x1**pi", ["exponent"]),
        ("(-2)**x1", ["positive"]),
        ("9**9**9", ["exponent 387420489"]),
        ("2**(10**10)", ["exponent 10000000000"]),
        ("(((10**64)**64)**64)", ["more than 10000 bits"]),
        ("2**(x1 + 10**10)", ["astronomically large"]),
        ("exp(10**10*log(2))", ["log(2)", "10000000000"]),
        ("exp(x1 + 10**10*log(2))", ["log(2)"]),
        ("2**(10**10*log(3)/log(2))", ["log(3)"]),
        ("exp(exp(exp(100)))", ["astronomically large"]),
        ("Abs(sin(exp(exp(exp(100)))))", ["astronomically large"]),
        ("sinh(1e999)", ["astronomically large"]),
        ("sqrt(" + "9" * 400 + ")", ["roots of numbers"]),
        ("*".join(["sqrt(1000000007)"] * 200), ["roots of numbers with"]),
        ("1" * 1001, ["more than 1000 digits"]),
        ("1e5000", ["more than 1000 digits"]),
        ("0." + "0" * 1000 + "1", ["more than 1000 digits"]),
        ("0x" + "f" * 900, ["more than 1000 digits"]),
        ("x1*asin(16)", ["asin(16)", "not real"]),
        ("tan(log(x2)/log(acos(48)))", ["acos(48)"]),
        ("cosh((x1 + x2)**7)", ["cosh", "too complicated"]),
        ("Max(" + ", ".join(f"x{i}" for i in range(1, 21)) + ")", ["Max has 20 arguments"]),
        ("max(x1, max(x2, max(x3, max(x4, max(x5, max(x6, max(x7, max(x8, x9))))))))", ["9 arguments"]),
    ],
    ids=short_id,
)
def test_resource_limits(text, words):
    refused(text, *words)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("x1/0", ["division by zero", "'0'", "column 4"]),
        ("x1/(x2 - x2)", ["division by zero"]),
        ("0**-1", ["division by zero"]),
        ("log(0)", ["infinite or undefined", "log(0)"]),
        ("tan(pi/2)", ["infinite or undefined"]),
        ("log(x1, 1)", ["infinite or undefined"]),
        ("max(I, 1)", ["could not build", "comparable"]),
    ],
    ids=short_id,
)
def test_undefined_values(text, words):
    refused(text, *words)


def test_messages_quote_the_users_spelling_with_columns():
    message = refused("x1 + (x2^8)^16", "'(x2^8)^16'", "column 6")
    assert "**" not in message.split(":")[1]


# ------------------------------------------------------------------------------------------------
# Property tests
# ------------------------------------------------------------------------------------------------

_FORMULA_ALPHABET = "x1 2+-*/^().,eEIpisnqrtlogabcmj_[]{}'\"\\#@%&|~<>=:;!0123456789\n\t"


def _quick(text: str, **kwargs) -> None:
    start = time.perf_counter()
    try:
        result = parse_formula(text, **kwargs)
    except OracleError:
        pass
    else:
        assert isinstance(result, sympy.Expr)
    elapsed = time.perf_counter() - start
    assert elapsed < QUICK_S, f"{text[:80]!r} took {elapsed:.2f} s"


@SETTINGS
@given(st.text(max_size=300))
def test_random_text_only_raises_oracle_error(text):
    _quick(text)


@SETTINGS
@given(st.text(alphabet=_FORMULA_ALPHABET, max_size=80))
def test_random_formula_like_text_only_raises_oracle_error(text):
    _quick(text)


_NAMES = st.from_regex(r"[a-z][a-z0-9]{0,5}", fullmatch=True)
_DUNDERS = st.from_regex(r"__[a-z]{1,10}__", fullmatch=True)

_HOSTILE_FIXED = [
    "__import__('os')",
    "__import__('os').system('echo pwned')",
    "().__class__.__bases__[0].__subclasses__()",
    "x1.__class__",
    "x1.__dict__",
    "[].__class__",
    "getattr(x1, 'real')",
    "eval('1')",
    "exec('1')",
    "globals()",
    "vars()",
    "breakpoint()",
    "sympify('x')",
    "lambda: 0",
    "(lambda: 0)()",
    "x1**10**10",
    "x1**(10**10)",
    "(" * 10_000 + "x1" + ")" * 10_000,
    "(" * 5_000 + ")" * 5_000,
    "[x1]*10**9",
    "'a'*10**9",
    "x1 + 'a'*10**9",
    "10**10**10",
    "9**9**9**9",
    "exp(10**10*log(2))",
    "sin(exp(exp(exp(100))))",
    "*".join(["sqrt(1000000007)"] * 200),
    "Max(" + ",".join(f"x{i}" for i in range(80)) + ")",
    "import os",
    "x1; import os",
    "\x00",
]


@st.composite
def hostile(draw) -> str:
    kind = draw(st.integers(0, 8))
    if kind == 0:
        return draw(st.sampled_from(_HOSTILE_FIXED))
    if kind == 1:  # attribute chains
        parts = draw(st.lists(st.one_of(_NAMES, _DUNDERS), min_size=2, max_size=6))
        return ".".join(["x1", *parts])
    if kind == 2:  # dunder names anywhere
        return f"{draw(_NAMES)} + {draw(_DUNDERS)}"
    if kind == 3:  # dunder calls
        return f"{draw(_DUNDERS)}({draw(_NAMES)!r})"
    if kind == 4:  # deep brackets
        depth = draw(st.integers(201, 5000))
        opener, closer = draw(st.sampled_from([("(", ")"), ("[", "]"), ("sin(", ")")]))
        return opener * depth + "x1" + closer * depth
    if kind == 5:  # power towers
        n = draw(st.integers(2, 40))
        return "x1**" + "**".join([str(draw(st.integers(9, 99)))] * n)
    if kind == 6:  # sequence repetition bombs
        item = draw(st.sampled_from(["[x1]", "'a'", "(x1,)", "b'a'", "{x1}"]))
        return f"{item}*10**{draw(st.integers(6, 12))}"
    if kind == 7:  # lambdas and comprehensions around anything
        inner = draw(_NAMES)
        return draw(st.sampled_from([f"lambda: {inner}", f"[{inner} for {inner} in x1]", f"({inner} := 1)"]))
    return "x1 + " + "-" * draw(st.integers(201, 5000)) + "x2"  # long sign runs


@SETTINGS
@given(hostile())
def test_hostile_input_is_refused_quickly(text):
    refused(text)


@st.composite
def polynomials(draw) -> sympy.Expr:
    symbols = [x1, x2, x3, x4]
    terms = draw(
        st.lists(
            st.tuples(
                st.integers(-(10**6), 10**6),
                st.integers(1, 12),
                st.lists(st.integers(0, 5), min_size=4, max_size=4),
            ),
            min_size=1,
            max_size=8,
        )
    )
    return sympy.Add(
        *(
            sympy.Rational(num, den) * sympy.Mul(*(s**p for s, p in zip(symbols, powers, strict=True)))
            for num, den, powers in terms
        )
    )


@SETTINGS
@given(polynomials(), st.booleans())
def test_polynomials_round_trip(poly, caret):
    text = str(poly)
    if caret:  # the same text with ^ for powers means the same thing
        text = text.replace("**", "^")
    assert parse_formula(text) == poly


# ------------------------------------------------------------------------------------------------
# Nothing evaluates code
# ------------------------------------------------------------------------------------------------


def test_no_eval_exec_or_sympify(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("forbidden function called")

    real_compile = builtins.compile

    def ast_only_compile(source, filename, mode, flags=0, *args, **kwargs):
        # ast.parse calls compile() with PyCF_ONLY_AST: a syntax tree, never code
        if not flags & ast.PyCF_ONLY_AST:
            raise AssertionError("compile() to code was called")
        return real_compile(source, filename, mode, flags, *args, **kwargs)

    sympify_module = sys.modules["sympy.core.sympify"]
    real_sympify = sympify_module.sympify

    def sympify_no_strings(a, *args, **kwargs):
        if isinstance(a, str):
            raise AssertionError("sympify was given a string")
        return real_sympify(a, *args, **kwargs)

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(builtins, "compile", ast_only_compile)
    monkeypatch.setattr(sympy, "sympify", forbidden)
    monkeypatch.setattr(sympy, "parse_expr", forbidden)
    monkeypatch.setattr(sympy.parsing.sympy_parser, "parse_expr", forbidden)
    monkeypatch.setattr(sympify_module, "sympify", sympify_no_strings)

    assert parse_formula("x1**2 + x2^2 - 0.5*x3") == x1**2 + x2**2 - x3 / 2
    expected = sympy.sqrt(x1) + sympy.log(x2) / sympy.log(2) + sympy.Max(x1, 3)
    expected += z1 * sympy.conjugate(z1) + 2 * sympy.I
    assert parse_formula("sqrt(x1) + log(x2, 2) + max(x1, 3) + z1*conj(z1) + 2j") == expected
    with pytest.raises(OracleError):
        parse_formula("__import__('os').system('echo pwned')")
    with pytest.raises(OracleError):
        parse_formula("x1 +* 2")


# ------------------------------------------------------------------------------------------------
# Variable names
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given_names", "expected"),
    [
        ("x1 x2 x3", ("x1", "x2", "x3")),
        ("x1, x2, x3", ("x1", "x2", "x3")),
        ("x1,x2\tx3\n", ("x1", "x2", "x3")),
        (["p", "q_x"], ("p", "q_x")),
        (("e",), ("e",)),
        ([sympy.Symbol("w")], ("w",)),
    ],
)
def test_parse_variables(given_names, expected):
    assert parse_variables(given_names) == expected


@pytest.mark.parametrize(
    ("given_names", "words"),
    [
        ("x1 x2 x1", ["'x1' is listed twice"]),
        ("", ["no variable names"]),
        (" , ", ["no variable names"]),
        ([], ["no variable names"]),
        ("1x", ["'1x'", "letter"]),
        ("_x", ["underscore"]),
        ("a__b", ["'__'"]),
        ("sin", ["function"]),
        ("E", ["Euler"]),
        ("pi", ["constant"]),
        ("I", ["imaginary"]),
        ("lambda", ["keyword"]),
        ("θ", ["ASCII"]),
        (["x1 x2"], ["'x1 x2'"]),
        (["x1", 2], ["must be a string"]),
        (b"x1", ["bytes"]),
        (42, ["string like"]),
    ],
)
def test_parse_variables_refusals(given_names, words):
    with pytest.raises(OracleError) as info:
        parse_variables(given_names)
    for word in words:
        assert word in str(info.value)


def test_natural_sort_key():
    names = ["x10", "y", "x2", "x1a", "x1", "x01", "a", "x100000000000000000000000000000"]
    assert sorted(names, key=natural_sort_key) == [
        "a", "x01", "x1", "x1a", "x2", "x10", "x100000000000000000000000000000", "y",
    ]


def test_docstring_examples():
    result = doctest.testmod(parsing, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_branches_parse_to_piecewise():
    """Piecewise and if-else, with comparisons only as conditions; Heaviside as a function."""
    x2 = sympy.Symbol("x2")
    assert parse_formula("x1 if x1 >= 0 else -x2") == sympy.Piecewise((x1, x1 >= 0), (-x2, True))
    assert parse_formula("Piecewise((x1, x1 >= 0), (-x2, True))") == sympy.Piecewise((x1, x1 >= 0), (-x2, True))
    expr = parse_formula("Piecewise((x1*x2, (x1 >= 0) & (x2 < 1)), (x2**2, x1 < -1.5 or x2 > 2.5), (x1, True))")
    assert expr == sympy.Piecewise((x1 * x2, (x1 >= 0) & (x2 < 1)),
                                   (x2**2, (x1 < sympy.Rational(-3, 2)) | (x2 > sympy.Rational(5, 2))), (x1, True))
    chained = parse_formula("x1 if 0 < x1 <= 1 and not x2 > 0 else x2")
    assert chained.subs({x1: sympy.Rational(1, 2), x2: -1}) == sympy.Rational(1, 2)
    assert chained.subs({x1: sympy.Rational(1, 2), x2: 1}) == 1
    assert chained.subs({x1: 2, x2: -1}) == -1
    assert parse_formula("Heaviside(x1)*x2") == sympy.Heaviside(x1) * x2
    assert parse_formula("Heaviside(x1, 1)") == sympy.Heaviside(x1, 1)


def test_a_50000_character_quartic_parses_in_seconds():
    import random
    from collections import Counter

    rng = random.Random(0)
    xs = sympy.symbols("x1:21")
    terms: list[str] = []
    expected: Counter[tuple[int, ...]] = Counter()  # exponent vector -> coefficient, by hand
    while sum(len(t) + 3 for t in terms) < 50_000:
        i, j, k, m = sorted(rng.randrange(20) for _ in range(4))
        c = rng.randint(1, 99)
        terms.append(f"{c}*x{i + 1}*x{j + 1}*x{k + 1}*x{m + 1}")
        exponents = [0] * 20
        for v in (i, j, k, m):
            exponents[v] += 1
        expected[tuple(exponents)] += c
    parsed = parse_formula(" + ".join(terms))  # the time: benchmarks/bench_wild.py
    assert sympy.Poly(parsed, *xs).as_dict() == dict(expected)
