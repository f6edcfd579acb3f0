"""Sweeps: the whole chain at every point of a parameter grid, on local processes or a Dask cluster.

A formula whose free symbols are variables *and* couplings (``m11*x1**2 + lam*x1**4 ...``) is a
family of oracles. :func:`sweep` substitutes exact values for the couplings at every point of a
grid and runs :func:`liealg.pipeline.discover` (train, make exact, certify, name) at each, in
parallel; one :class:`SweepPoint` per grid point records the parameters, the dimension, the
name, the Killing signature, whether the generators are proved, the times, and any error. A
point that fails is a row with its error, never a lost point.

The points are independent, so the work is a map: an executor (:class:`LocalExecutor`, worker
processes on this machine; :class:`DaskExecutor`, a Dask distributed cluster) runs them and
hands back rows as they finish; the rows are written to JSON/CSV/Parquet as they arrive, so an
interrupted sweep resumes where it stopped. Every point is seeded from its exact parameter
values (:func:`point_seed`), so the results do not depend on which worker ran which point, or
in which order.

:func:`scan_grid` is the talk's summary figure run the same way: for a family of oracles of
growing dimension (the n-dimensional quadratic form), the N_g scan of
:func:`liealg.training.scan` for every n and several seeds; its heat map is the lowest loss over
the seeds.

>>> values = parse_values("0:1:5")
>>> [str(v) for v in values]
['0', '1/4', '1/2', '3/4', '1']
>>> point_seed(0, {"a": values[1]}) == point_seed(0, {"a": parse_number("0.25")})
True
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import importlib
import itertools
import json
import multiprocessing
import os
import re
import signal
import socket
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, fields, replace
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import Any, Protocol

import numpy as np
import sympy as sp

from liealg import io
from liealg.config import ExactConfig, Sampling, TrainConfig, check_choice, check_positive_int
from liealg.errors import InputFileError, LieAlgError, OptionError, OracleError
from liealg.losses import LinearLosses
from liealg.parsing import natural_sort_key, parse_formula, parse_variables
from liealg.pipeline import METHODS, discover

__all__ = [
    "sweep",
    "SweepResult",
    "SweepPoint",
    "PointTask",
    "run_point",
    "parse_number",
    "parse_values",
    "parse_param",
    "read_points",
    "grid_points",
    "point_seed",
    "Executor",
    "LocalExecutor",
    "DaskExecutor",
    "make_executor",
    "EXECUTORS",
    "STATUSES",
    "COLUMNS",
    "scan_grid",
    "ScanGrid",
    "GridCell",
    "GridTask",
    "run_grid_cell",
    "FAMILIES",
    "family_formula",
]

SCHEMA = "liealg.sweep"
GRID_SCHEMA = "liealg.scan_grid"
SCHEMA_VERSION = 1
EXECUTORS = ("local", "dask")
#: What happened at a point: ``ok`` (converged, exact, proved, matching the exact solver where it
#: ran), ``not converged`` (training stopped above its tolerance), ``not exact`` (the generators
#: could not all be made exact, proved, or matched), ``timeout`` (``max_seconds`` ran out),
#: ``error`` (the point raised: the message is in ``error``), ``lost`` (no worker could finish
#: it, e.g. every worker that tried died; ``resume`` runs these again).
STATUSES = ("ok", "not converged", "not exact", "timeout", "error", "lost")
#: The CSV/Parquet columns; the parameters' own columns come after ``index``.
COLUMNS = ("index", "seed", "status", "dimension", "name", "killing_signature", "certified", "matches_exact",
           "converged", "seconds", "cpu_seconds", "error", "timings", "notes", "worker")
DASK_HINT = "pip install 'liealg[dask]'"
PARQUET_HINT = "pip install 'liealg[parquet]'"

# --------------------------------------------------------------------------- exact parameter values
# A plain rational: an integer or decimal (with a short exponent), optionally over another.
_DECIMAL = r"[+-]?(?:\d{1,200}(?:\.\d{0,200})?|\.\d{1,200})(?:[eE][+-]?\d{1,3})?"
_RATIONAL = re.compile(rf"({_DECIMAL})(?:/({_DECIMAL}))?\Z")
_RANGE = re.compile(r"([^:]+):([^:]+):([^:]+)\Z")
_MAX_GRID = 1_000_000


def parse_number(text: Any, *, what: str = "value") -> sp.Expr:
    """An exact real number from text: ``"1/2"``, ``"0.25"`` (exactly 1/4), ``"-3e-2"``, ``"sqrt(2)"``.

    Plain rationals are read by a strict regular expression into ``sympy.Rational``; anything
    else goes through the safe formula parser and must be a real constant. Nothing is ever
    evaluated as code.

    Examples
    --------
    >>> parse_number("1/2"), parse_number("0.1"), parse_number("-2e-3")
    (1/2, 1/10, -1/500)
    >>> parse_number("sqrt(2)/2")
    sqrt(2)/2
    >>> parse_number("x")
    Traceback (most recent call last):
    ...
    liealg.errors.OptionError: value 'x' is not a number (it names x); give a number such as 1/2, 0.25 or sqrt(2)
    """
    if isinstance(text, bool):
        raise OptionError(f"{what} {text!r} is not a number")
    if isinstance(text, (int, np.integer)):
        return sp.Integer(int(text))
    if isinstance(text, Fraction):
        return sp.Rational(text.numerator, text.denominator)
    if isinstance(text, (float, np.floating)):
        if not np.isfinite(text):
            raise OptionError(f"{what} {text!r} is not a finite number")
        text = repr(float(text))  # the shortest decimal that reads back as this float, exactly
    if isinstance(text, sp.Basic):
        value = text
    elif isinstance(text, str):
        s = text.strip()
        m = _RATIONAL.match(s)
        if m:
            num = Fraction(m.group(1))
            den = Fraction(m.group(2)) if m.group(2) else Fraction(1)
            if den == 0:
                raise OptionError(f"{what} {text!r} divides by zero")
            q = num / den
            return sp.Rational(q.numerator, q.denominator)
        if not s:
            raise OptionError(f"{what} is empty; give a number such as 1/2")
        try:
            value = parse_formula(s, max_length=200)
        except OracleError as exc:
            raise OptionError(f"{what} {text!r} is not a number: {exc}") from None
    else:
        raise OptionError(f"{what} must be a number or a string, got {type(text).__name__}")
    if value.free_symbols:
        names = ", ".join(sorted(str(s) for s in value.free_symbols))
        raise OptionError(f"{what} {str(text)!r} is not a number (it names {names}); "
                          "give a number such as 1/2, 0.25 or sqrt(2)")
    if value.is_extended_real is not True or value.is_finite is not True:
        raise OptionError(f"{what} {str(text)!r} is not a finite real number")
    return value


def parse_values(text: str, *, name: str = "parameter") -> tuple[sp.Expr, ...]:
    """The values of one parameter: ``"0,1/2,1"`` (a list), ``"0:1:11"`` (``start:stop:count``,
    both ends included, exact steps) or ``"@FILE"`` (numbers separated by commas, spaces or lines;
    ``#`` starts a comment).

    Examples
    --------
    >>> parse_values("0, 1/2, 1")
    (0, 1/2, 1)
    >>> parse_values("-1:1:3")
    (-1, 0, 1)
    """
    if not isinstance(text, str):
        raise OptionError(f"the values of {name} must be text such as '0,1/2,1' or '0:1:11'")
    text = text.strip()
    if text.startswith("@"):
        path = Path(text[1:])
        try:
            content = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputFileError(f"cannot read the values of {name} from {str(path)!r}: {exc}") from None
        items = [p for line in content.splitlines() for p in re.split(r"[\s,]+", line.split("#", 1)[0]) if p]
        if not items:
            raise InputFileError(f"{str(path)!r} holds no values for {name}")
        return tuple(parse_number(p, what=f"{name} value") for p in items)
    m = _RANGE.match(text)
    if m:
        start, stop = (parse_number(m.group(i), what=f"{name} range bound") for i in (1, 2))
        try:
            count = int(m.group(3).strip())
        except ValueError:
            raise OptionError(f"{name}: a range is start:stop:count with an integer count, got {text!r}") from None
        if count < 1 or count > _MAX_GRID:
            raise OptionError(f"{name}: the count of a range must be between 1 and {_MAX_GRID}, got {count}")
        if count == 1:
            return (start,)
        return tuple(sp.nsimplify(start + (stop - start) * sp.Rational(i, count - 1)) for i in range(count))
    items = [p for p in re.split(r"\s*,\s*", text) if p]
    if not items:
        raise OptionError(f"no values given for {name}; write e.g. {name}=0,1/2,1 or {name}=0:1:11")
    return tuple(parse_number(p, what=f"{name} value") for p in items)


def parse_param(text: str) -> tuple[str, tuple[sp.Expr, ...]]:
    """``"NAME=VALUES"`` (the CLI's ``--param``) as ``(name, values)``.

    >>> parse_param("lam=0,1/2")
    ('lam', (0, 1/2))
    """
    name, sep, values = text.partition("=")
    if not sep:
        raise OptionError(f"--param needs NAME=VALUES (e.g. a=0,1/2,1 or a=0:1:11), got {text!r}")
    name = _param_names([name.strip()])[0]
    return name, parse_values(values, name=name)


def _param_names(names: Iterable[Any]) -> tuple[str, ...]:
    try:
        return parse_variables(list(names)) if names else ()
    except OracleError as exc:
        raise OptionError(str(exc).replace("variable", "parameter")) from None


def read_points(path: str | os.PathLike) -> list[dict[str, sp.Expr]]:
    """Points from a file: CSV (a header row of parameter names, then one point a row; commas,
    tabs or spaces) or JSON (a list of ``{"name": value}`` objects). ``#`` starts a comment.
    """
    path = Path(path)
    if path.suffix.lower() == ".json":
        data = io.read_json(path, what="points file")
        if not isinstance(data, list) or not all(isinstance(p, dict) for p in data) or not data:
            raise InputFileError(f"{str(path)!r} must hold a non-empty list of objects like {{\"a\": \"1/2\"}}")
        rows = [[(k, v) for k, v in p.items()] for p in data]
    else:
        try:
            content = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputFileError(f"points file {str(path)!r} does not exist") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise InputFileError(f"cannot read points file {str(path)!r}: {exc}") from None
        lines = [(i + 1, line.split("#", 1)[0].strip()) for i, line in enumerate(content.splitlines())]
        lines = [(n, line) for n, line in lines if line]
        if len(lines) < 2:
            raise InputFileError(f"{str(path)!r} needs a header row of parameter names and at least one point")
        split = re.compile(r"\s*[,\t ]\s*")
        header = split.split(lines[0][1])
        rows = []
        for n, line in lines[1:]:
            cells = split.split(line)
            if len(cells) != len(header):
                raise InputFileError(f"{str(path)!r} line {n}: {len(cells)} values for {len(header)} parameters")
            rows.append(list(zip(header, cells)))
    try:
        names = _param_names([k for k, _ in rows[0]])
    except OptionError as exc:
        raise InputFileError(f"{str(path)!r}: {exc}") from None
    out = []
    for i, row in enumerate(rows):
        if [k for k, _ in row] != list(names):
            raise InputFileError(f"{str(path)!r}: point {i + 1} names other parameters than the first")
        try:
            out.append({k: parse_number(v if isinstance(v, (str, int, float)) else str(v), what=f"{k}")
                        for k, v in row})
        except OptionError as exc:
            raise InputFileError(f"{str(path)!r}, point {i + 1}: {exc}") from None
    return out


def _values_of(name: str, values: Any) -> tuple[sp.Expr, ...]:
    if isinstance(values, str):
        return parse_values(values, name=name)
    if isinstance(values, (int, float, Fraction, sp.Basic, np.number)):
        return (parse_number(values, what=f"{name} value"),)
    try:
        items = list(values)
    except TypeError:
        raise OptionError(f"the values of {name} must be a list, a range text or a number") from None
    if not items:
        raise OptionError(f"no values given for {name}")
    return tuple(parse_number(v, what=f"{name} value") for v in items)


def grid_points(params: Mapping[str, Any] | None = None,
                points: Sequence[Mapping[str, Any]] | None = None) -> list[dict[str, sp.Expr]]:
    """Every point of the grid: each of ``points`` (or one empty point) combined with the product
    of the ``params`` values (the last parameter varies fastest).

    >>> [{k: str(v) for k, v in p.items()} for p in grid_points({"a": "0,1", "b": "1/2"})]
    [{'a': '0', 'b': '1/2'}, {'a': '1', 'b': '1/2'}]
    """
    params = dict(params or {})
    names = _param_names(list(params))
    axes = [_values_of(n, params[n]) for n in names]
    base: list[dict[str, sp.Expr]] = [{}]
    if points is not None:
        base = []
        for p in points:
            if not isinstance(p, Mapping):
                raise OptionError("points must be mappings of parameter name to value")
            base.append({n: parse_number(v, what=f"{n} value") for n, v in zip(_param_names(list(p)), p.values())})
        if not base:
            raise OptionError("points is empty")
        keys = set(base[0])
        if any(set(b) != keys for b in base):
            raise OptionError("every point must give the same parameters")
        clash = sorted(keys & set(names))
        if clash:
            raise OptionError(f"{', '.join(clash)} given both in the points and as a grid parameter")
    size = len(base) * int(np.prod([len(a) for a in axes])) if axes else len(base)
    if size > _MAX_GRID:
        raise OptionError(f"the grid has {size} points; the limit is {_MAX_GRID}")
    out = []
    for b in base:
        for combo in itertools.product(*axes):
            out.append({**b, **dict(zip(names, combo))})
    return out


def point_seed(seed: int, params: Mapping[str, Any]) -> int:
    """The seed of one point: a stable hash (SHA-256) of the run's seed and the exact parameter
    values, the same on every machine and in every process (never Python's ``hash``).

    >>> point_seed(0, {"a": sp.Rational(1, 2)}) == point_seed(0, {"a": "0.5"})
    True
    """
    items = sorted((str(k), sp.sstr(parse_number(v, what=str(k)))) for k, v in params.items())
    text = f"{int(seed)}|" + ";".join(f"{k}={v}" for k, v in items)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") % (2**31 - 1)


# --------------------------------------------------------------------------- one point
@dataclass(frozen=True)
class SweepPoint:
    """What the chain found at one grid point (one row of the output).

    Attributes
    ----------
    index : int
        Position in the grid (rows come back in this order, whatever the executor).
    params : mapping of str to str
        The exact parameter values, as text (``"1/2"``).
    seed : int
        The point's seed (:func:`point_seed`).
    status : str
        One of :data:`STATUSES`.
    dimension, name, killing_signature, certified, matches_exact, converged
        As in :class:`~liealg.pipeline.Discovery` (None where the stage did not run).
    seconds : float
        Wall time of the point on its worker.
    cpu_seconds : float
        CPU time of the worker process during the point (below ``seconds`` when the machine is
        shared or the point waits).
    timings : mapping of str to float
        Per stage (``Discovery.timings``).
    error : str or None
        Why the point failed (``status`` "error", "lost" or "timeout").
    notes : tuple of str
    worker : str
        ``host:pid`` of the process that ran it.
    """

    index: int
    params: Mapping[str, str]
    seed: int
    status: str
    dimension: int | None = None
    name: str | None = None
    killing_signature: tuple[int, int, int] | None = None
    certified: bool | None = None
    matches_exact: bool | None = None
    converged: bool | None = None
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    timings: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    error: str | None = None
    notes: tuple[str, ...] = ()
    worker: str = ""

    def __post_init__(self) -> None:
        check_choice("status", self.status, STATUSES)
        # Times to the microsecond, as every output file keeps them: a row read back is equal.
        object.__setattr__(self, "seconds", round(float(self.seconds), 6))
        object.__setattr__(self, "cpu_seconds", round(float(self.cpu_seconds), 6))
        object.__setattr__(self, "timings", {str(k): round(float(v), 6) for k, v in self.timings.items()})
        object.__setattr__(self, "params", dict(self.params))
        for name in ("params", "timings"):
            object.__setattr__(self, name, MappingProxyType(getattr(self, name)))
        if self.killing_signature is not None:
            object.__setattr__(self, "killing_signature", tuple(int(v) for v in self.killing_signature))
        object.__setattr__(self, "notes", tuple(self.notes))

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Read-only mappings do not pickle; a worker sends plain dicts, re-wrapped on arrival.
        values = tuple(dict(v) if isinstance(v, MappingProxyType) else v
                       for v in (getattr(self, f.name) for f in fields(self)))
        return (type(self), values)

    @property
    def key(self) -> tuple[tuple[str, str], ...]:
        """The point's identity: its exact parameter values, sorted by name."""
        return tuple(sorted(self.params.items()))

    def outcome(self) -> tuple[Any, ...]:
        """Everything but where and how fast it ran: equal for equal points on any executor."""
        return (self.index, self.key, self.seed, self.status, self.dimension, self.name, self.killing_signature,
                self.certified, self.matches_exact, self.converged, self.error)

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "params": dict(self.params),
            "seed": self.seed,
            "status": self.status,
            "dimension": self.dimension,
            "name": self.name,
            "killing_signature": None if self.killing_signature is None else list(self.killing_signature),
            "certified": self.certified,
            "matches_exact": self.matches_exact,
            "converged": self.converged,
            "seconds": self.seconds,
            "cpu_seconds": self.cpu_seconds,
            "timings": {k: round(float(v), 6) for k, v in self.timings.items()},
            "error": self.error,
            "notes": list(self.notes),
            "worker": self.worker,
        }

    @classmethod
    def from_json(cls, data: Any, *, where: str = "point") -> SweepPoint:
        try:
            sig = data.get("killing_signature")
            return cls(
                index=int(data["index"]),
                params={str(k): sp.sstr(parse_number(str(v), what=str(k))) for k, v in data["params"].items()},
                seed=int(data["seed"]),
                status=str(data["status"]),
                dimension=None if data.get("dimension") is None else int(data["dimension"]),
                name=data.get("name"),
                killing_signature=None if sig is None else (int(sig[0]), int(sig[1]), int(sig[2])),
                certified=data.get("certified"),
                matches_exact=data.get("matches_exact"),
                converged=data.get("converged"),
                seconds=float(data.get("seconds") or 0.0),
                cpu_seconds=float(data.get("cpu_seconds") or 0.0),
                timings={str(k): float(v) for k, v in (data.get("timings") or {}).items()},
                error=data.get("error"),
                notes=tuple(str(n) for n in data.get("notes") or ()),
                worker=str(data.get("worker") or ""),
            )
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, LieAlgError) as exc:
            raise InputFileError(f"{where} is malformed: {type(exc).__name__}: {exc}") from None

    def to_flat(self, parameters: Sequence[str]) -> dict[str, Any]:
        """One CSV/Parquet row: plain scalars (signature as ``"p n z"``, timings and notes as JSON)."""
        row: dict[str, Any] = {"index": self.index}
        row.update({p: self.params.get(p, "") for p in parameters})
        row.update(
            seed=self.seed, status=self.status, dimension=self.dimension, name=self.name,
            killing_signature=None if self.killing_signature is None else " ".join(map(str, self.killing_signature)),
            certified=self.certified, matches_exact=self.matches_exact, converged=self.converged,
            seconds=self.seconds, cpu_seconds=self.cpu_seconds, error=self.error,
            timings=json.dumps({k: round(float(v), 6) for k, v in self.timings.items()}),
            notes=json.dumps(list(self.notes), ensure_ascii=False), worker=self.worker,
        )
        return row

    @classmethod
    def from_flat(cls, row: Mapping[str, Any], parameters: Sequence[str], *, where: str = "row") -> SweepPoint:
        def opt(key: str) -> Any:
            v = row.get(key)
            return None if v is None or v == "" or (isinstance(v, float) and np.isnan(v)) else v

        def flag(key: str) -> bool | None:
            v = opt(key)
            return None if v is None else (v if isinstance(v, bool) else str(v).lower() == "true")

        try:
            sig = opt("killing_signature")
            parts = [int(x) for x in str(sig).split()] if sig is not None else None
            return cls(
                index=int(row["index"]),
                params={p: str(row[p]) for p in parameters},
                seed=int(row["seed"]),
                status=str(row["status"]),
                dimension=None if opt("dimension") is None else int(row["dimension"]),
                name=opt("name"),
                killing_signature=None if parts is None else (parts[0], parts[1], parts[2]),
                certified=flag("certified"), matches_exact=flag("matches_exact"), converged=flag("converged"),
                seconds=float(opt("seconds") or 0.0),
                cpu_seconds=float(opt("cpu_seconds") or 0.0),
                timings=json.loads(opt("timings") or "{}"),
                error=opt("error"),
                notes=tuple(json.loads(opt("notes") or "[]")),
                worker=str(opt("worker") or ""),
            )
        except (KeyError, TypeError, ValueError, IndexError, LieAlgError) as exc:
            raise InputFileError(f"{where} is malformed: {type(exc).__name__}: {exc}") from None


@dataclass(frozen=True)
class PointTask:
    """One point's work, as plain data that pickles: what :func:`run_point` needs on a worker."""

    index: int
    formulas: tuple[str, ...]
    variables: tuple[str, ...]
    vectors: tuple[tuple[str, ...], ...] | None
    is_complex: bool
    params: tuple[tuple[str, str], ...]
    seed: int
    method: str = "train"
    n_generators: int | str = "auto"
    sampling: Sampling | None = None
    training: TrainConfig | None = None
    losses: LinearLosses | None = None
    exact: ExactConfig | None = None

    def failed(self, status: str, message: str, seconds: float = 0.0, worker: str = "",
               cpu_seconds: float = 0.0) -> SweepPoint:
        return SweepPoint(index=self.index, params=dict(self.params), seed=self.seed, status=status,
                          error=message, seconds=seconds, cpu_seconds=cpu_seconds, worker=worker)


class _Symbols(dict):
    """Parser symbol table: parameters are real; variables real too unless the oracle is complex."""

    def __init__(self, params: Iterable[str], is_complex: bool) -> None:
        super().__init__()
        self.params = frozenset(params)
        self.is_complex = is_complex

    def __missing__(self, key: str) -> sp.Symbol:
        sym = sp.Symbol(key) if self.is_complex and key not in self.params else sp.Symbol(key, real=True)
        self[key] = sym
        return sym


@lru_cache(maxsize=8)
def _parsed(formulas: tuple[str, ...], params: tuple[str, ...], is_complex: bool) -> tuple[sp.Expr, ...]:
    table = _Symbols(params, is_complex)
    return tuple(parse_formula(f, symbols=table) for f in formulas)


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_point(task: PointTask) -> SweepPoint:
    """Run the whole chain at one point (on a worker); every failure becomes a row, never a raise.

    The couplings are substituted by their exact values and the oracle is built from the
    result; :func:`~liealg.pipeline.discover` runs with the point's own seed.
    """
    t0, c0 = time.perf_counter(), time.process_time()
    worker = _worker_id()
    try:
        names = tuple(n for n, _ in task.params)
        exprs = _parsed(task.formulas, names, task.is_complex)
        table = {s.name: s for e in exprs for s in e.free_symbols}
        subs = {table[n]: parse_number(v, what=n) for n, v in task.params if n in table}
        concrete = [e.xreplace(subs) for e in exprs]
        bad = [e for e in concrete if e.has(sp.zoo, sp.nan, sp.oo, -sp.oo)]
        if bad:
            raise OracleError("the formula is undefined at this point (a division by zero or an infinity)")
        from liealg.oracle import Oracle

        if task.vectors is not None:
            oracle = Oracle(concrete, vectors=[list(v) for v in task.vectors], is_complex=task.is_complex)
        else:
            oracle = Oracle(concrete, variables=list(task.variables), is_complex=task.is_complex)
        result = discover(oracle, n_generators=task.n_generators, method=task.method, seed=task.seed,
                          sampling=task.sampling, training=task.training, losses=task.losses, exact=task.exact)
    except Exception as exc:  # a failed point is a row with its error, never a lost point
        message = str(exc) if isinstance(exc, LieAlgError) else f"{type(exc).__name__}: {exc}"
        return task.failed("error", message, time.perf_counter() - t0, worker, time.process_time() - c0)
    ident = result.identification
    if result.stopped_for_time:
        status = "timeout"
    elif not result.converged:
        status = "not converged"
    elif (result.dimension and result.generators is None) or result.certified is False \
            or result.matches_exact is False:
        status = "not exact"
    else:
        status = "ok"
    return SweepPoint(
        index=task.index, params=dict(task.params), seed=task.seed, status=status,
        dimension=result.dimension, name=result.name,
        killing_signature=None if ident is None else tuple(ident.killing_signature),  # type: ignore[arg-type]
        certified=result.certified, matches_exact=result.matches_exact, converged=result.converged,
        seconds=time.perf_counter() - t0, cpu_seconds=time.process_time() - c0, timings=dict(result.timings),
        error="the time budget (max_seconds) ran out" if status == "timeout" else None,
        notes=result.notes, worker=worker,
    )


# --------------------------------------------------------------------------- executors
class Executor(Protocol):
    """Runs independent tasks and yields ``(position, ok, value)`` as each finishes.

    ``value`` is the task's result when ``ok``, otherwise a message saying why no worker could
    finish it. Used as a context manager (a cluster starts on enter and stops on exit).
    """

    name: str

    @property
    def workers(self) -> int: ...

    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc: object) -> None: ...

    def imap(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[tuple[int, bool, Any]]: ...


#: Thread pools a worker process keeps to one thread (unless the user set them), as Dask's nanny
#: does for its workers: N busy single-threaded workers fill N cores; BLAS threads on top of them
#: only spin (measured: twice the CPU time per point).
SINGLE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@contextlib.contextmanager
def _single_threaded_children() -> Iterator[None]:
    """Processes started inside inherit :data:`SINGLE_THREAD_ENV` (the user's own values win)."""
    added = [k for k in SINGLE_THREAD_ENV if k not in os.environ]
    for k in added:
        os.environ[k] = SINGLE_THREAD_ENV[k]
    try:
        yield
    finally:
        for k in added:
            os.environ.pop(k, None)


def _worker_start(pids: Any) -> None:
    # Ctrl-C is the parent's to handle: it saves what is done and stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    pids.put(os.getpid())


class LocalExecutor:
    """Worker processes on this machine (``concurrent.futures``, spawn start method).

    At most ``workers`` points are in flight, one per process, so when a process dies (killed,
    out of memory) exactly its point is known: the pool is rebuilt and that point is run again,
    up to ``retries`` times, before it is recorded as lost. The processes start on the first
    point and stay up until the outermost ``with`` block ends, so several sweeps in one
    ``with LocalExecutor(...) as ex:`` pay the start-up (importing torch) once. Like Dask's
    workers, they run single-threaded (:data:`SINGLE_THREAD_ENV`, unless set in the environment).

    Parameters
    ----------
    workers : int, optional
        Number of processes (default: the number of CPU cores).
    retries : int
        How many times a point whose process died is run again.
    """

    name = "local"

    def __init__(self, workers: int | None = None, *, retries: int = 2) -> None:
        check_positive_int("workers", workers, allow_none=True)
        check_positive_int("retries", retries, minimum=0)
        self._workers = int(workers or os.cpu_count() or 1)
        self.retries = retries
        self._depth = 0
        self._pool: ProcessPoolExecutor | None = None
        self._pids: Any = None
        self._known: set[int] = set()

    @property
    def workers(self) -> int:
        return self._workers

    def __enter__(self) -> LocalExecutor:
        self._depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._depth = max(0, self._depth - 1)
        if self._depth == 0:
            self._stop(kill=bool(exc and exc[0] is not None))  # on an error or Ctrl-C, do not wait

    def pids(self) -> list[int]:
        """Process ids of the live worker processes (for monitoring, or a fault-injection test)."""
        while self._pids is not None and not self._pids.empty():
            self._known.add(self._pids.get())
        alive = {p.pid for p in multiprocessing.active_children()}
        self._known &= alive
        return sorted(self._known)

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            ctx = multiprocessing.get_context("spawn")
            self._pids = ctx.SimpleQueue()
            self._known = set()
            self._pool = ProcessPoolExecutor(max_workers=self._workers, mp_context=ctx, initializer=_worker_start,
                                             initargs=(self._pids,))
        return self._pool

    def _stop(self, *, kill: bool) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if kill:  # interrupted, or a process died: stop this pool's processes now
            pids = set(self.pids())
            for proc in multiprocessing.active_children():
                if proc.pid in pids:
                    proc.terminate()
        pool.shutdown(wait=not kill, cancel_futures=True)
        self._pids = None

    def imap(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[tuple[int, bool, Any]]:
        items = list(items)
        todo = deque(range(len(items)))
        deaths = [0] * len(items)
        running: dict[Future, int] = {}
        try:
            while todo or running:
                pool = self._start()
                broken = False
                while todo and len(running) < self._workers:
                    i = todo.popleft()
                    try:
                        with _single_threaded_children():  # the pool starts its processes in submit
                            running[pool.submit(fn, items[i])] = i
                    except BrokenProcessPool:
                        todo.appendleft(i)
                        broken = True
                        break
                if running and not broken:
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for fut in done:
                        i = running.pop(fut)
                        try:
                            value = fut.result()
                        except BrokenProcessPool:
                            broken = True
                            deaths[i] += 1
                            if deaths[i] > self.retries:
                                yield i, False, f"its worker process died {deaths[i]} time(s)"
                            else:
                                todo.appendleft(i)
                        except Exception as exc:  # the task could not be sent or its result not returned
                            yield i, False, f"{type(exc).__name__}: {exc}"
                        else:
                            yield i, True, value
                if broken:
                    # A process died and the pool with it. Every point in flight then fails; those
                    # that reported it above counted a death; the rest run again without one.
                    todo.extendleft(running.values())
                    running.clear()
                    self._stop(kill=True)
        finally:
            if running:  # interrupted (or the consumer stopped): the busy processes go too
                self._stop(kill=True)


def _dask() -> ModuleType:
    try:
        return importlib.import_module("dask.distributed")
    except ImportError:
        raise OptionError(f"the dask executor needs dask.distributed, which is not installed: {DASK_HINT}") from None


class DaskExecutor:
    """A Dask distributed cluster: an existing one (``scheduler`` address or ``client``), or a
    ``LocalCluster`` of ``workers`` processes started here and stopped at the end.

    Dask schedules the points (``Client.map``), and when a worker dies its points are computed
    again on the others (up to the scheduler's ``allowed-failures``); a point that still cannot
    finish is recorded as lost. The workers must be able to import the same liealg.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler, e.g. ``"tcp://10.0.0.5:8786"``.
    workers : int, optional
        Start a ``LocalCluster`` with this many single-threaded worker processes (default: the
        number of CPU cores) when no scheduler is given.
    client : dask.distributed.Client, optional
        Use this client (not closed at the end).
    retries : int
        Dask's retries of a task that raised (a point itself never raises; this covers
        transport errors).
    timeout : float
        Seconds to wait for the scheduler.
    """

    name = "dask"

    def __init__(self, scheduler: str | None = None, *, workers: int | None = None, client: Any = None,
                 retries: int = 2, timeout: float = 30.0) -> None:
        check_positive_int("workers", workers, allow_none=True)
        check_positive_int("retries", retries, minimum=0)
        if sum(x is not None for x in (scheduler, workers, client)) > 1:
            raise OptionError("give the dask executor a scheduler address, a number of workers, or a client: one")
        self.scheduler = scheduler
        self.n_workers = workers
        self.retries = retries
        self.timeout = timeout
        self.client = client
        self._own_client = False
        self._cluster: Any = None
        self._depth = 0

    def __enter__(self) -> DaskExecutor:
        dd = _dask()  # before anything else: without dask, say how to install it
        self._depth += 1
        if self._depth > 1 or self.client is not None:
            return self
        try:
            if self.scheduler is not None:
                self.client = dd.Client(self.scheduler, timeout=self.timeout)
            else:
                self._cluster = dd.LocalCluster(n_workers=self.n_workers or os.cpu_count() or 1,
                                                threads_per_worker=1, processes=True, dashboard_address=":0")
                self.client = dd.Client(self._cluster)
        except (OSError, TimeoutError) as exc:
            self._depth = 1
            self.__exit__()
            where = f"the Dask scheduler at {self.scheduler!r}" if self.scheduler else "a Dask LocalCluster"
            raise OptionError(f"cannot reach {where}: {exc}") from None
        self._own_client = True
        return self

    def __exit__(self, *exc: object) -> None:
        self._depth = max(0, self._depth - 1)
        if self._depth:
            return
        if self._own_client and self.client is not None:
            self.client.close()
            self.client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None
        self._own_client = False

    @property
    def workers(self) -> int:
        if self.client is None:
            return int(self.n_workers or 0)
        return len(self.client.nthreads())

    def imap(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> Iterator[tuple[int, bool, Any]]:
        dd = _dask()
        if self.client is None:
            raise OptionError("use the DaskExecutor inside a with-block (it connects on enter)")
        futures = self.client.map(fn, list(items), pure=False, retries=self.retries)
        position = {f.key: i for i, f in enumerate(futures)}
        try:
            for fut in dd.as_completed(futures):
                i = position[fut.key]
                try:
                    value = fut.result()
                except Exception as exc:  # KilledWorker (every worker that tried died), transport errors
                    yield i, False, f"{type(exc).__name__}: {exc}"
                else:
                    yield i, True, value
                fut.release()
        finally:
            pending = [f for f in futures if not f.done()]
            if pending:
                self.client.cancel(pending)


def make_executor(executor: str | Executor = "local", *, workers: int | None = None, scheduler: str | None = None,
                  retries: int = 2) -> Executor:
    """An executor from its name (:data:`EXECUTORS`) and options, or the given one unchanged."""
    if not isinstance(executor, str):
        if workers is not None or scheduler is not None:
            raise OptionError("workers and scheduler configure a named executor; this one is already built")
        return executor
    check_choice("executor", executor, EXECUTORS)
    if executor == "local":
        if scheduler is not None:
            raise OptionError("--scheduler is for --executor dask")
        return LocalExecutor(workers, retries=retries)
    return DaskExecutor(scheduler, workers=workers, retries=retries)


# --------------------------------------------------------------------------- outputs
def _atomic_write_bytes(path: Path, write: Callable[[Path], None]) -> None:
    io.check_writable(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent))
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _parquet() -> ModuleType:
    try:
        importlib.import_module("pyarrow")
        return importlib.import_module("pyarrow.parquet")
    except ImportError:
        raise OptionError(f"writing Parquet needs pyarrow, which is not installed: {PARQUET_HINT}") from None


class _Outputs:
    """The result files, written as rows arrive: JSON rewritten atomically, CSV appended,
    Parquet rewritten atomically; on finish, every table is rewritten in grid order."""

    def __init__(self, meta: dict[str, Any], parameters: Sequence[str], json_path: str | os.PathLike | None,
                 out_path: str | os.PathLike | None) -> None:
        self.meta = meta
        self.parameters = tuple(parameters)
        self.json_path = None if json_path is None else Path(json_path)
        self.out_path = None if out_path is None else Path(out_path)
        self.kind = None
        if self.out_path is not None:
            suffix = self.out_path.suffix.lower()
            if suffix not in (".csv", ".parquet"):
                raise OptionError(f"--out writes CSV or Parquet by extension (.csv, .parquet); got {str(out_path)!r}")
            self.kind = suffix[1:]
            if self.kind == "parquet":
                _parquet()
        for p in (self.json_path, self.out_path):
            if p is not None:
                io.check_writable(p)
        self.rows: dict[int, SweepPoint] = {}

    # ---------------------------------------------------------------- resume
    def load(self) -> list[SweepPoint]:
        """Rows of an earlier run of this sweep (JSON first, else the table); [] if none."""
        if self.json_path is not None and self.json_path.exists():
            data = io.read_json(self.json_path, what="sweep file")
            if not isinstance(data, dict) or data.get("schema") != SCHEMA:
                raise InputFileError(f"{str(self.json_path)!r} is not a liealg sweep (no 'schema': '{SCHEMA}')")
            for key in ("formulas", "variables", "parameters", "method", "seed"):
                if data.get(key) != self.meta.get(key):
                    raise OptionError(f"--resume: {str(self.json_path)!r} holds a sweep with another {key} "
                                      f"({data.get(key)!r}, not {self.meta.get(key)!r}); give another output file")
            points = data.get("points")
            if not isinstance(points, list):
                raise InputFileError(f"{str(self.json_path)!r}: 'points' must be a list")
            return [SweepPoint.from_json(p, where=f"{self.json_path}: points[{i}]") for i, p in enumerate(points)]
        if self.out_path is not None and self.out_path.exists():
            flat = self._read_table()
            if flat:
                missing = [p for p in self.parameters if p not in flat[0]]
                if missing:
                    raise OptionError(f"--resume: {str(self.out_path)!r} has no column for {', '.join(missing)}; "
                                      "give another output file")
            return [SweepPoint.from_flat(r, self.parameters, where=f"{self.out_path}: row {i + 1}")
                    for i, r in enumerate(flat)]
        return []

    def _read_table(self) -> list[dict[str, Any]]:
        assert self.out_path is not None
        if self.kind == "parquet":
            try:
                return list(_parquet().read_table(str(self.out_path)).to_pylist())
            except Exception as exc:  # pyarrow's own errors: a truncated or foreign file
                raise InputFileError(f"cannot read {str(self.out_path)!r} as Parquet: {exc}") from None
        try:
            with self.out_path.open(newline="", encoding="utf-8") as fh:
                return list(csv.DictReader(fh))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise InputFileError(f"cannot read {str(self.out_path)!r} as CSV: {exc}") from None

    # ---------------------------------------------------------------- writing
    def start(self, rows: Iterable[SweepPoint]) -> None:
        for r in rows:
            self.rows[r.index] = r
        self._write_json(complete=False)
        if self.kind is not None:
            self._write_table()

    def add(self, row: SweepPoint) -> None:
        self.rows[row.index] = row
        self._write_json(complete=False)
        if self.kind == "csv":
            assert self.out_path is not None
            with self.out_path.open("a", newline="", encoding="utf-8") as fh:
                csv.DictWriter(fh, fieldnames=self._columns()).writerow(row.to_flat(self.parameters))
                fh.flush()
        elif self.kind == "parquet":
            self._write_table()

    def finish(self, complete: bool) -> None:
        self._write_json(complete=complete)
        if self.kind is not None:
            self._write_table()

    def _columns(self) -> list[str]:
        return ["index", *self.parameters, *COLUMNS[1:]]

    def sorted_rows(self) -> list[SweepPoint]:
        return [self.rows[i] for i in sorted(self.rows)]

    def document(self, complete: bool) -> dict[str, Any]:
        return {**self.meta, "complete": complete, "done": len(self.rows),
                "points": [r.to_json() for r in self.sorted_rows()]}

    def _write_json(self, complete: bool) -> None:
        if self.json_path is not None:
            io.write_json_atomic(self.json_path, self.document(complete))

    def _write_table(self) -> None:
        assert self.out_path is not None
        flat = [r.to_flat(self.parameters) for r in self.sorted_rows()]
        if self.kind == "csv":
            def write_csv(tmp: Path) -> None:
                with tmp.open("w", newline="", encoding="utf-8") as fh:
                    writer = csv.DictWriter(fh, fieldnames=self._columns())
                    writer.writeheader()
                    writer.writerows(flat)

            _atomic_write_bytes(self.out_path, write_csv)
        else:
            pq = _parquet()
            pa = importlib.import_module("pyarrow")
            types = {"index": pa.int64(), "seed": pa.int64(), "dimension": pa.int64(), "certified": pa.bool_(),
                     "matches_exact": pa.bool_(), "converged": pa.bool_(), "seconds": pa.float64(),
                     "cpu_seconds": pa.float64()}
            schema = pa.schema([(c, types.get(c, pa.string())) for c in self._columns()])
            table = pa.Table.from_pylist(flat, schema=schema)
            _atomic_write_bytes(self.out_path, lambda tmp: pq.write_table(table, str(tmp)))


# --------------------------------------------------------------------------- the sweep
@dataclass(frozen=True)
class SweepResult:
    """A finished (or interrupted) sweep: one :class:`SweepPoint` per grid point, in grid order.

    Attributes
    ----------
    formulas, variables, parameters : tuple of str
    method : str
    seed : int
        The run's seed; each point's own seed is :func:`point_seed` of it and the parameters.
    executor : str
        ``"local"`` or ``"dask"``.
    workers : int
    points : tuple of SweepPoint
    complete : bool
        Every grid point has a row.
    seconds : float
        Wall time of this run (points resumed from a file not included).
    resumed : int
        How many points were taken from the output file (``resume``) rather than run now.
    """

    formulas: tuple[str, ...]
    variables: tuple[str, ...]
    parameters: tuple[str, ...]
    method: str
    seed: int
    executor: str
    workers: int
    points: tuple[SweepPoint, ...]
    complete: bool = True
    seconds: float = 0.0
    resumed: int = 0

    @property
    def names(self) -> dict[str, int]:
        """How many points found each algebra (``"?"`` where none was named)."""
        return dict(Counter(p.name or "?" for p in self.points))

    @property
    def failed(self) -> tuple[SweepPoint, ...]:
        """Points whose status is not ``"ok"``."""
        return tuple(p for p in self.points if p.status != "ok")

    def values(self, parameter: str) -> tuple[sp.Expr, ...]:
        """The distinct values of one parameter, in increasing order."""
        vals = {sp.sstr(parse_number(p.params[parameter])) for p in self.points}
        return tuple(sorted((parse_number(v) for v in vals), key=lambda v: float(v)))

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA, "schema_version": SCHEMA_VERSION, "formulas": list(self.formulas),
            "variables": list(self.variables), "parameters": list(self.parameters), "method": self.method,
            "seed": self.seed, "executor": self.executor, "workers": self.workers, "total": len(self.points),
            "complete": self.complete, "done": len(self.points), "seconds": round(self.seconds, 6),
            "points": [p.to_json() for p in self.points],
        }

    def save(self, path: str | os.PathLike) -> Path:
        return io.write_json_atomic(path, self.to_json())

    @classmethod
    def load(cls, path: str | os.PathLike) -> SweepResult:
        """Read a file written by :meth:`save` or by :func:`sweep`'s ``json_path``."""
        data = io.read_json(path, what="sweep file")
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            raise InputFileError(f"{str(path)!r} is not a liealg sweep (no 'schema': '{SCHEMA}')")
        try:
            return cls(
                formulas=tuple(data["formulas"]), variables=tuple(data["variables"]),
                parameters=tuple(data["parameters"]), method=str(data["method"]), seed=int(data["seed"]),
                executor=str(data["executor"]), workers=int(data["workers"]),
                points=tuple(SweepPoint.from_json(p, where=f"{path}: points[{i}]")
                             for i, p in enumerate(data["points"])),
                complete=bool(data.get("complete", True)), seconds=float(data.get("seconds") or 0.0),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise InputFileError(f"{str(path)!r} is malformed: {type(exc).__name__}: {exc}") from None

    def table(self) -> str:
        """A readable table, one line a point."""
        width = max([len(p) for p in self.parameters] + [6])
        head = "  ".join(f"{p:>{width}}" for p in self.parameters)
        lines = [f"{head}  dim  {'algebra':28s} Killing      proved  status"]
        for pt in self.points:
            vals = "  ".join(f"{pt.params[p]:>{width}}" for p in self.parameters)
            sig = "" if pt.killing_signature is None else str(pt.killing_signature)
            dim = "" if pt.dimension is None else str(pt.dimension)
            lines.append(f"{vals}  {dim:>3}  {pt.name or '-':28s} {sig:12s} {pt.certified!s:6s}  {pt.status}"
                         + (f": {pt.error}" if pt.error and pt.status != "timeout" else ""))
        return "\n".join(lines)


def _formula_texts(formula: Any) -> tuple[str, ...]:
    items = list(formula) if isinstance(formula, (list, tuple)) else [formula]
    if not items:
        raise OracleError("the oracle has no components; give at least one formula")
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, sp.Basic):
            out.append(sp.sstr(item))  # read back by the safe parser on each worker
        else:
            raise OracleError(f"a sweep's formula must be text or a sympy expression, got {type(item).__name__}")
    return tuple(out)


def _prepare(formulas: tuple[str, ...], parameters: tuple[str, ...], variables: Any, vectors: Any,
             is_complex: bool) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...] | None]:
    """Check the formula's symbols against the variables and parameters; the variables in order."""
    exprs = _parsed(formulas, parameters, bool(is_complex))
    free = {s.name for e in exprs for s in e.free_symbols}
    vecs: tuple[tuple[str, ...], ...] | None = None
    if variables is not None and vectors is not None:
        raise OptionError("give variables or vectors, not both (vectors already list the variables)")
    if vectors is not None:
        spec = [p for p in vectors.split(";") if p.strip()] if isinstance(vectors, str) else list(vectors)
        vecs = tuple(parse_variables(v) for v in spec)
        names = tuple(n for v in vecs for n in v)
    elif variables is not None:
        names = parse_variables(variables)
    else:
        names = tuple(sorted(free - set(parameters), key=natural_sort_key))
        if not names:
            raise OracleError("the formula has no variables left once the parameters are set; "
                              "name them with --vars / variables=")
    both = sorted(set(names) & set(parameters), key=natural_sort_key)
    if both:
        raise OptionError(f"{', '.join(both)} is both a variable and a parameter; it can be only one")
    unused = [p for p in parameters if p not in free]
    if unused:
        raise OptionError(f"parameter(s) {', '.join(unused)} do not appear in the formula")
    missing = sorted(free - set(names) - set(parameters), key=natural_sort_key)
    if missing:
        raise OptionError(
            f"the formula's symbol(s) {', '.join(missing)} are neither variables nor parameters: give "
            f"{'each' if len(missing) > 1 else 'it'} a value (--param {missing[0]}=VALUES, params={{'{missing[0]}': "
            f"...}}) or list {'them' if len(missing) > 1 else 'it'} among the variables")
    return names, vecs


def sweep(
    formula: str | sp.Expr | Sequence[str | sp.Expr],
    params: Mapping[str, Any] | None = None,
    *,
    points: Sequence[Mapping[str, Any]] | None = None,
    variables: str | Sequence[str] | None = None,
    vectors: str | Sequence[Sequence[str]] | None = None,
    is_complex: bool = False,
    method: str = "train",
    n_generators: int | str = "auto",
    seed: int = 0,
    sampling: Sampling | None = None,
    training: TrainConfig | None = None,
    losses: LinearLosses | None = None,
    exact: ExactConfig | None = None,
    executor: str | Executor = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    retries: int = 2,
    json_path: str | os.PathLike | None = None,
    out_path: str | os.PathLike | None = None,
    resume: bool = False,
    progress: Callable[[int, int, SweepPoint], None] | None = None,
) -> SweepResult:
    """Run :func:`~liealg.pipeline.discover` at every point of a grid of coupling values.

    Parameters
    ----------
    formula : str, sympy expression, or list of them
        An oracle whose free symbols are the variables and the parameters (couplings).
    params : mapping of str to values
        Each parameter's values: a list (of numbers or exact texts like ``"1/2"``), a text
        ``"0,1/2,1"`` or ``"0:1:11"`` (start:stop:count, ends included), or ``"@FILE"``. The
        grid is their product (the last parameter varies fastest).
    points : sequence of mappings, optional
        Explicit points (e.g. from :func:`read_points`), combined with the ``params`` grid.
    variables, vectors, is_complex
        The oracle's variables (as for :class:`~liealg.oracle.Oracle`). Default: every free
        symbol that is not a parameter. Every other symbol must be given a value.
    method, n_generators, sampling, training, losses, exact
        As for :func:`~liealg.pipeline.discover`, at every point. ``training.max_seconds``
        bounds each point; a point that runs out is recorded with status ``"timeout"``.
    seed : int
        Each point runs with :func:`point_seed` of this and its parameter values.
    executor : {"local", "dask"} or an executor
        ``"local"``: worker processes here (``workers`` of them); ``"dask"``: the Dask cluster at
        ``scheduler``, or a ``LocalCluster`` of ``workers`` processes.
    retries : int
        How often a point whose worker died is run again before it is recorded as lost.
    json_path : path, optional
        The result as JSON (keys ``executor``, ``workers``, ``points``...), rewritten atomically
        after each point.
    out_path : path, optional
        One row per point as CSV (appended) or Parquet (rewritten), by extension.
    resume : bool
        Skip the points already in ``json_path`` (or ``out_path``); run the rest (and the lost).
    progress : callable, optional
        ``progress(done, total, point)`` after each point.

    Returns
    -------
    SweepResult
        On Ctrl-C the files hold every finished point (``"complete": false``) and
        ``KeyboardInterrupt`` is raised again; ``resume=True`` continues.

    Examples
    --------
    >>> r = sweep("x1**2 + x2**2 + a*x3**2", {"a": "0,1"}, method="exact", workers=1)  # doctest: +SKIP
    >>> [(p.params["a"], p.name) for p in r.points]                                     # doctest: +SKIP
    [('0', 'su(2) ⋉ R^3' ...), ('1', 'su(2)')]
    """
    t_start = time.perf_counter()
    check_choice("method", method, METHODS)
    check_positive_int("seed", seed, minimum=0)
    if not isinstance(resume, bool):
        raise OptionError(f"resume must be True or False, got {resume!r}")
    if resume and json_path is None and out_path is None:
        raise OptionError("resume needs an output file (--json PATH or --out PATH) to resume from")
    formulas = _formula_texts(formula)
    grid = grid_points(params, points)
    parameters = tuple(grid[0]) if grid else ()
    if not parameters:
        raise OptionError("a sweep needs at least one parameter (--param NAME=VALUES)")
    clash = sorted(set(parameters) & set(COLUMNS))
    if clash:
        raise OptionError(f"parameter name(s) {', '.join(clash)} clash with result columns; rename them")
    names, vecs = _prepare(formulas, parameters, variables, vectors, is_complex)
    runner = make_executor(executor, workers=workers, scheduler=scheduler, retries=retries)
    tasks = []
    for i, point in enumerate(grid):
        texts = tuple((k, sp.sstr(v)) for k, v in point.items())
        tasks.append(PointTask(index=i, formulas=formulas, variables=names, vectors=vecs,
                               is_complex=bool(is_complex), params=texts, seed=point_seed(seed, point),
                               method=method, n_generators=n_generators, sampling=sampling, training=training,
                               losses=losses, exact=exact))
    meta: dict[str, Any] = {"schema": SCHEMA, "schema_version": SCHEMA_VERSION, "formulas": list(formulas),
            "variables": list(names), "parameters": list(parameters), "method": method, "seed": seed,
            "executor": runner.name, "workers": 0, "total": len(tasks)}
    outputs = _Outputs(meta, parameters, json_path, out_path)
    done: list[SweepPoint] = []
    if resume:
        by_key = {tuple(sorted(t.params)): t for t in tasks}
        for row in outputs.load():
            task = by_key.get(row.key)
            if task is None:
                shown = ", ".join(f"{k}={v}" for k, v in row.key)
                raise OptionError(f"--resume: the output holds a point that is not in this grid ({shown}); use the "
                                  "same parameter values, or another output file")
            if row.status != "lost":
                done.append(replace(row, index=task.index))
    skip = {r.index for r in done}
    todo = [t for t in tasks if t.index not in skip]
    complete = False
    with runner:
        meta["workers"] = runner.workers
        outputs.start(done)
        count = len(done)
        results = runner.imap(run_point, todo)
        try:
            for pos, ok, value in results:
                task = todo[pos]
                row = value if ok else task.failed("lost", str(value))
                outputs.add(row)
                count += 1
                if progress is not None:
                    progress(count, len(tasks), row)
            complete = True
        finally:
            close = getattr(results, "close", None)
            if close is not None:
                close()  # an interrupted generator stops its workers now, not when collected
            outputs.finish(complete=complete)
    rows = outputs.sorted_rows()
    return SweepResult(formulas=formulas, variables=names, parameters=parameters, method=method, seed=seed,
                       executor=runner.name, workers=int(meta["workers"]), points=tuple(rows),
                       complete=len(rows) == len(tasks), seconds=time.perf_counter() - t_start,
                       resumed=len(done))


# --------------------------------------------------------------------------- the talk's summary grid
#: Families of oracles of any dimension n: name -> (description, formula of n).
FAMILIES: dict[str, tuple[str, Callable[[int], str]]] = {
    "quadratic": ("x1**2 + ... + xn**2: so(n)", lambda n: " + ".join(f"x{i}**2" for i in range(1, n + 1))),
    "lorentz": ("x1**2 + ... + x(n-1)**2 - xn**2: so(n-1,1)",
                lambda n: " + ".join(f"x{i}**2" for i in range(1, n)) + f" - x{n}**2"),
    "quartic": ("(x1**2 + ... + xn**2)**2: so(n) again, at degree 4",
                lambda n: "(" + " + ".join(f"x{i}**2" for i in range(1, n + 1)) + ")**2"),
}


def family_formula(family: str, n: int) -> str:
    """The formula of one member of a family (:data:`FAMILIES`).

    >>> family_formula("lorentz", 3)
    'x1**2 + x2**2 - x3**2'
    """
    check_choice("family", family, tuple(FAMILIES))
    check_positive_int("n", n, minimum=2)
    return FAMILIES[family][1](n)


@dataclass(frozen=True)
class GridTask:
    """One (n, seed) cell row of the summary grid: the N_g scan of one oracle."""

    index: int
    family: str
    n: int
    seed: int
    max_generators: int
    sampling: Sampling | None = None
    training: TrainConfig | None = None
    losses: LinearLosses | None = None


@dataclass(frozen=True)
class GridCell:
    """The N_g scan of one family member with one seed.

    Attributes
    ----------
    total : tuple of float
        Final total loss for ``N_g = 1 .. len(total)``.
    success : tuple of bool
    """

    index: int
    n: int
    seed: int
    total: tuple[float, ...] = ()
    success: tuple[bool, ...] = ()
    threshold: float | None = None
    error: str | None = None
    seconds: float = 0.0
    worker: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "seed": self.seed, "total": [float(t) for t in self.total],
                "success": list(self.success), "threshold": self.threshold, "error": self.error,
                "seconds": round(self.seconds, 6), "worker": self.worker}


def run_grid_cell(task: GridTask) -> GridCell:
    """The N_g scan (:func:`liealg.training.scan`) of one family member, on a worker."""
    t0 = time.perf_counter()
    try:
        from liealg.oracle import Oracle
        from liealg.training import scan

        oracle = Oracle(family_formula(task.family, task.n))
        result = scan(oracle, task.max_generators, seed=task.seed, sampling=task.sampling, training=task.training,
                      losses=task.losses)
    except Exception as exc:  # recorded, never lost
        message = str(exc) if isinstance(exc, LieAlgError) else f"{type(exc).__name__}: {exc}"
        return GridCell(task.index, task.n, task.seed, error=message, seconds=time.perf_counter() - t0,
                        worker=_worker_id())
    return GridCell(task.index, task.n, task.seed, total=tuple(float(t) for t in result.total),
                    success=tuple(bool(s) for s in result.success), threshold=float(result.threshold),
                    seconds=time.perf_counter() - t0, worker=_worker_id())


@dataclass(frozen=True)
class ScanGrid:
    """The talk's summary grid: final losses over the dimension n, N_g and the seeds.

    Attributes
    ----------
    dims : tuple of int
        The family members' n.
    n_generators : tuple of int
        ``1 .. M``.
    seeds : tuple of int
    cells : tuple of GridCell
        One per (n, seed), n-major.
    """

    family: str
    dims: tuple[int, ...]
    n_generators: tuple[int, ...]
    seeds: tuple[int, ...]
    cells: tuple[GridCell, ...]
    executor: str
    workers: int
    seconds: float = 0.0

    def losses(self) -> np.ndarray:
        """Array ``(len(dims), len(n_generators), len(seeds))`` of final total losses; NaN where
        ``N_g > n^2`` or the cell failed."""
        out = np.full((len(self.dims), len(self.n_generators), len(self.seeds)), np.nan)
        for c in self.cells:
            i, s = self.dims.index(c.n), self.seeds.index(c.seed)
            out[i, : len(c.total), s] = c.total
        return out

    def lowest(self) -> np.ndarray:
        """``(len(dims), len(n_generators))``: the lowest loss over the seeds (NaN where none)."""
        losses = self.losses()
        out = np.full(losses.shape[:2], np.nan)
        has = ~np.all(np.isnan(losses), axis=2)
        out[has] = np.nanmin(losses[has], axis=1)
        return out

    def dimension(self) -> dict[int, int]:
        """For each n, the largest N_g that succeeded with some seed (the algebra's dimension)."""
        out = {}
        for n in self.dims:
            ok = [g for c in self.cells if c.n == n for g, s in zip(self.n_generators, c.success) if s]
            out[n] = max(ok) if ok else 0
        return out

    def to_json(self) -> dict[str, Any]:
        lowest = self.lowest()
        return {
            "schema": GRID_SCHEMA, "schema_version": SCHEMA_VERSION, "family": self.family,
            "formula": FAMILIES[self.family][0], "executor": self.executor, "workers": self.workers,
            "dims": list(self.dims), "n_generators": list(self.n_generators), "seeds": list(self.seeds),
            "lowest": [[None if np.isnan(v) else float(v) for v in row] for row in lowest],
            "dimension": {str(k): v for k, v in self.dimension().items()},
            "seconds": round(self.seconds, 6), "points": [c.to_json() for c in self.cells],
        }

    def table(self) -> str:
        """log10 of the lowest loss, one row per n (``-`` where N_g > n^2)."""
        lowest = self.lowest()
        lines = ["   n | " + " ".join(f"{g:>6d}" for g in self.n_generators) + " | dim"]
        dims = self.dimension()
        for i, n in enumerate(self.dims):
            cells = " ".join("     -" if np.isnan(v) else f"{np.log10(max(v, 1e-300)):6.1f}" for v in lowest[i])
            lines.append(f"{n:4d} | {cells} | {dims[n]}")
        return "\n".join(lines)


def scan_grid(
    family: str = "quadratic",
    dims: Sequence[int] = (2, 3, 4),
    max_generators: int = 6,
    seeds: int | Sequence[int] = 3,
    *,
    sampling: Sampling | None = None,
    training: TrainConfig | None = None,
    losses: LinearLosses | None = None,
    executor: str | Executor = "local",
    workers: int | None = None,
    scheduler: str | None = None,
    retries: int = 2,
    progress: Callable[[int, int, GridCell], None] | None = None,
) -> ScanGrid:
    """The talk's summary grid: the N_g scan for each member n of a family and each seed.

    Parameters
    ----------
    family : str
        One of :data:`FAMILIES` (``"quadratic"``: so(n)).
    dims : sequence of int
        The n to run (each at least 2).
    max_generators : int
        ``N_g`` runs from 1 to this (capped at ``n^2`` for each n).
    seeds : int or sequence of int
        ``S`` (the seeds ``0 .. S-1``) or the seeds themselves.
    executor, workers, scheduler, retries
        As for :func:`sweep`: one task per (n, seed).
    """
    t0 = time.perf_counter()
    check_choice("family", family, tuple(FAMILIES))
    dims = tuple(int(n) for n in dims)
    for n in dims:
        check_positive_int("n", n, minimum=2)
    if not dims or len(set(dims)) != len(dims):
        raise OptionError("dims must list distinct dimensions n >= 2")
    check_positive_int("max_generators", max_generators)
    seed_list = tuple(range(seeds)) if isinstance(seeds, int) else tuple(int(s) for s in seeds)
    if isinstance(seeds, int):
        check_positive_int("seeds", seeds)
    if not seed_list or len(set(seed_list)) != len(seed_list):
        raise OptionError("seeds must be a positive count or distinct seeds")
    for s in seed_list:
        check_positive_int("seed", s, minimum=0)
    tasks = [GridTask(index=k, family=family, n=n, seed=s, max_generators=min(max_generators, n * n),
                      sampling=sampling, training=training, losses=losses)
             for k, (n, s) in enumerate(itertools.product(dims, seed_list))]
    runner = make_executor(executor, workers=workers, scheduler=scheduler, retries=retries)
    cells: dict[int, GridCell] = {}
    with runner:
        n_workers = runner.workers
        results = runner.imap(run_grid_cell, tasks)
        try:
            for pos, ok, value in results:
                t = tasks[pos]
                cells[pos] = value if ok else GridCell(t.index, t.n, t.seed, error=str(value))
                if progress is not None:
                    progress(len(cells), len(tasks), cells[pos])
        finally:
            close = getattr(results, "close", None)
            if close is not None:
                close()
    return ScanGrid(family=family, dims=dims, n_generators=tuple(range(1, max_generators + 1)), seeds=seed_list,
                    cells=tuple(cells[i] for i in sorted(cells)), executor=runner.name, workers=n_workers,
                    seconds=time.perf_counter() - t0)

