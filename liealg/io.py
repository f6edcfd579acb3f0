"""Files: versioned JSON results, structure-constant and matrix files, atomic writes.

No pickle anywhere: a file is plain JSON that any tool can read, and loading it never executes
anything. JSON text is decoded by :func:`liealg.parsing.parse_json` (UTF-8 only, bounded size
and nesting) and every exact number by :func:`liealg.parsing.parse_number` (an AST whitelist,
never ``eval`` or ``sympify``). Every problem with a file raises one
:class:`~liealg.errors.InputFileError` (a :class:`~liealg.errors.ResourceError` for sizes
liealg will not build) whose message names the file and what is wrong with it.

Formats
-------
* structure constants: ``{"dim": n, "brackets": [[i, j, k, "c"], ...]}`` (0-based, ``i < j``,
  ``[e_i, e_j] = sum_k c e_k``; :meth:`liealg.algebra.LieAlgebra.to_json`);
* matrices: ``{"matrix_size": d, "count": n, "entries": [[m, i, j, "c"], ...]}`` (sparse,
  0-based; complex entries like ``"1/2 - 3/4*I"``);
* results of :func:`liealg.discover` (``SCHEMA``, versioned): written by the pipeline with the
  helpers here.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TypeAlias

import numpy as np
import sympy as sp

from liealg.algebra import MAX_TENSOR_ENTRIES, LieAlgebra
from liealg.errors import (
    InputFileError,
    LieAlgError,
    OptionError,
    OracleError,
    ResourceError,
)
from liealg.exact.linalg import MatrixLike, exact_matrix
from liealg.parsing import JSONValue, parse_json, parse_number

__all__ = [
    "MAX_FILE_BYTES",
    "SCHEMA",
    "SCHEMA_VERSION",
    "JSONValue",
    "check_writable",
    "floats_from_json",
    "floats_to_json",
    "load_matrices",
    "load_structure_constants",
    "matrices_from_json",
    "matrices_to_json",
    "matrix_from_json",
    "matrix_to_json",
    "number_to_str",
    "read_json",
    "save_matrices",
    "save_structure_constants",
    "str_to_number",
    "write_json_atomic",
]

SCHEMA = "liealg.discovery"
SCHEMA_VERSION = 1
#: Largest file liealg reads (bytes). A structure-constant file of e8 is about 2 MB.
MAX_FILE_BYTES = 200_000_000
#: Largest matrix file, in dense entries (``count * matrix_size**2``), built as sympy matrices.
MAX_MATRIX_ENTRIES = 2**24

#: A value that ``json`` can write.
PathLike: TypeAlias = str | os.PathLike[str]


# --------------------------------------------------------------------------------------------
# Plain JSON files
# --------------------------------------------------------------------------------------------


def write_json_atomic(path: PathLike, data: JSONValue) -> Path:
    """Write ``data`` as JSON to ``path`` so that no reader ever sees a half-written file.

    The text goes to a temporary file in the same directory, is flushed to disk, and is then
    renamed over ``path`` (an atomic operation on POSIX): an interrupted run leaves either the
    old file or the new one.
    """
    path = Path(path)
    check_writable(path)
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(path.parent or "."))
    except OSError as exc:
        raise InputFileError(f"cannot write {str(path)!r}: {exc.strerror}; give a writable file path") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise InputFileError(f"cannot write {str(path)!r}: {exc.strerror}; give a writable file path") from None
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


def check_writable(path: PathLike) -> Path:
    """Refuse, before any work is done, an output path that cannot become a file.

    Creates missing parent folders. Raises :class:`InputFileError` for a folder or an
    unwritable location, with the fix in the message.
    """
    path = Path(path)
    if path.is_dir():
        raise InputFileError(f"{str(path)!r} is a folder; give a file path such as {str(path / 'result.json')!r}")
    parent = path.parent if str(path.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputFileError(f"cannot create the folder {str(parent)!r}: {exc.strerror}") from None
    if not os.access(parent, os.W_OK):
        raise InputFileError(f"cannot write into {str(parent)!r} (permission denied); choose another path")
    return path


def read_json(path: PathLike, *, what: str = "result file") -> JSONValue:
    """Read a JSON file; any problem becomes one :class:`InputFileError` that says what it was.

    Missing, unreadable, larger than :data:`MAX_FILE_BYTES`, not UTF-8, nested too deeply, or
    not valid JSON: each is refused in well under a second, before any large allocation.

    >>> read_json("/no/such/file.json")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    liealg.errors.InputFileError: result file '/no/such/file.json' does not exist
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputFileError(
                f"{what} {str(path)!r} is {size:,} bytes; liealg reads files up to {MAX_FILE_BYTES:,} bytes"
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputFileError(f"{what} {str(path)!r} does not exist") from None
    except OSError as exc:
        raise InputFileError(f"cannot read {what} {str(path)!r}: {exc.strerror or exc}") from None
    return parse_json(raw, what=f"{what} {str(path)!r}")


# --------------------------------------------------------------------------------------------
# Exact numbers and matrices inside result files
# --------------------------------------------------------------------------------------------


def number_to_str(value: sp.Expr | complex) -> str:
    """An exact sympy number (or a float/complex) as a string that :func:`str_to_number` reads back."""
    if isinstance(value, sp.Basic):
        return sp.sstr(sp.nsimplify(value) if value.is_Float else value)
    if isinstance(value, complex):
        return repr(value)
    return repr(float(value)) if isinstance(value, float) else str(value)


def str_to_number(text: str | int, *, where: str = "") -> sp.Expr:
    """Parse an exact number written by :func:`number_to_str` (``"-1/2"``, ``"sqrt(3)/3"``, ``"2*I"``).

    Only numbers are accepted (through :func:`liealg.parsing.parse_number`): a string that
    names a variable or calls anything but the safe parser's whitelisted functions is refused.

    >>> str_to_number("sqrt(3)/3")
    sqrt(3)/3
    """
    if isinstance(text, bool) or not isinstance(text, (str, int)):
        raise InputFileError(f"{where}: expected a number written as a string, got {text!r}")
    try:
        return parse_number(str(text))
    except OracleError as exc:
        raise InputFileError(f"{where}: {text!r} is not a number: {exc}") from None


def matrix_to_json(m: sp.MatrixBase) -> list[list[str]]:
    """An exact matrix as nested lists of strings."""
    return [[number_to_str(m[i, j]) for j in range(m.cols)] for i in range(m.rows)]


def matrix_from_json(rows: JSONValue, *, where: str = "matrix") -> sp.ImmutableMatrix:
    """Inverse of :func:`matrix_to_json`, with a clear error on malformed input."""
    if not isinstance(rows, list) or not rows or not all(isinstance(r, list) for r in rows):
        raise InputFileError(f"{where}: expected a non-empty list of rows")
    width = len(rows[0])  # type: ignore[arg-type]
    if any(len(r) != width for r in rows):  # type: ignore[arg-type]
        raise InputFileError(f"{where}: rows have different lengths")
    return sp.ImmutableMatrix([[str_to_number(v, where=f"{where}[{i}][{j}]") for j, v in enumerate(r)]  # type: ignore[arg-type]
                               for i, r in enumerate(rows)])


def floats_to_json(array: np.ndarray | Sequence[float]) -> JSONValue:
    """A float or complex numpy array as nested lists (complex entries as [re, im] pairs)."""
    a = np.asarray(array)
    if np.iscomplexobj(a):
        return np.stack([a.real, a.imag], axis=-1).tolist()  # type: ignore[no-any-return]
    return a.tolist()  # type: ignore[no-any-return]


def floats_from_json(data: JSONValue, *, is_complex: bool = False) -> np.ndarray:
    """Inverse of :func:`floats_to_json` (``is_complex=True`` for [re, im] pairs)."""
    a = np.asarray(data, dtype=np.float64)
    if is_complex:
        return a[..., 0] + 1j * a[..., 1]
    return a


# --------------------------------------------------------------------------------------------
# Structure-constant files
# --------------------------------------------------------------------------------------------


def save_structure_constants(algebra: LieAlgebra, path: PathLike) -> Path:
    """Write ``algebra.to_json()`` to ``path`` (atomically).

    >>> import tempfile, pathlib
    >>> from liealg.catalog import so
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "so3.json"
    >>> L = LieAlgebra.from_matrices(so(3))
    >>> _ = save_structure_constants(L, path)
    >>> load_structure_constants(path) == L
    True
    """
    return write_json_atomic(path, algebra.to_json())  # type: ignore[arg-type]


def load_structure_constants(path: PathLike, *, check: bool = True) -> LieAlgebra:
    """Read a structure-constant file ``{"dim": n, "brackets": [[i, j, k, "c"], ...]}``.

    Raises
    ------
    InputFileError
        The file is missing, unreadable, not UTF-8, not valid JSON, or not a valid table (the
        message starts with the path).
    ResourceError
        Its dimension would need a structure-constant tensor above
        :data:`liealg.algebra.MAX_TENSOR_ENTRIES` (refused before anything is allocated).
    """
    data = read_json(path, what="structure-constant file")
    try:
        return LieAlgebra.from_json(data, check=check)  # type: ignore[arg-type]
    except ResourceError as err:
        raise ResourceError(f"{path}: {err}") from None
    except LieAlgError as err:
        raise InputFileError(f"{path}: {err}") from None


# --------------------------------------------------------------------------------------------
# Matrix files
# --------------------------------------------------------------------------------------------


def _format_gaussian(value: sp.Expr) -> str:
    """``"1/2 - 3/4*I"`` for a Gaussian rational, sympy's string for anything else."""
    re_, im_ = value.as_real_imag() if not value.is_Rational else (value, sp.S.Zero)
    if not (re_.is_Rational and im_.is_Rational):
        return sp.sstr(value)
    if im_ == 0:
        return str(re_)
    im_txt = "I" if abs(im_) == 1 else f"{abs(im_)}*I"
    if re_ == 0:
        return im_txt if im_ > 0 else "-" + im_txt
    return f"{re_} {'+' if im_ > 0 else '-'} {im_txt}"


def matrices_to_json(matrices: Sequence[MatrixLike]) -> dict[str, int | list[list[int | str]]]:
    """``{"matrix_size": d, "count": n, "entries": [[m, i, j, "c"], ...]}`` (sparse, 0-based).

    Complex entries are written like ``"1/2 - 3/4*I"``.

    Raises
    ------
    OptionError
        No matrices, matrices of different shapes, or an entry that is not an exact number.

    >>> from liealg.catalog import su
    >>> matrices_to_json(su(2))["entries"][:2]
    [[0, 0, 1, '1'], [0, 1, 0, '-1']]
    """
    mats = [exact_matrix(m, where=f"matrix {i}") for i, m in enumerate(matrices)]
    if not mats:
        raise OptionError("no matrices to write")
    d = mats[0].shape[0]
    entries: list[list[int | str]] = []
    for a, m in enumerate(mats):
        if m.shape != (d, d):
            raise OptionError(f"matrix {a} has shape {m.shape}, expected {(d, d)}")
        for (i, j), e in sorted(m.todok().items()):
            if not e.is_number:
                raise OptionError(f"matrix {a} entry ({i}, {j}) is {e}, not a number")
            if e != 0:
                entries.append([a, i, j, _format_gaussian(e)])
    return {"matrix_size": d, "count": len(mats), "entries": entries}


def matrices_from_json(data: JSONValue) -> tuple[sp.ImmutableMatrix, ...]:
    """Inverse of :func:`matrices_to_json` (``data`` is the dict or its JSON text).

    Raises
    ------
    InputFileError
        Not an object with ``matrix_size``, ``count`` and ``entries``; a bad index, duplicate
        or value (values must be integers or exact numbers written as strings).
    ResourceError
        ``count * matrix_size**2`` above ``MAX_MATRIX_ENTRIES`` (refused before allocating).
    """
    if isinstance(data, str):
        data = parse_json(data, what="matrix JSON")
    if not isinstance(data, Mapping):
        raise InputFileError("matrix JSON must be an object with keys 'matrix_size', 'count', 'entries'")
    for key in ("matrix_size", "count", "entries"):
        if key not in data:
            raise InputFileError(f"matrix JSON: missing key {key!r}")
    d, count, items = data["matrix_size"], data["count"], data["entries"]
    for name, v in (("matrix_size", d), ("count", count)):
        if not isinstance(v, int) or isinstance(v, bool) or v < 1:
            raise InputFileError(f"matrix JSON: {name} must be a positive integer, got {v!r}")
    assert isinstance(d, int) and isinstance(count, int)
    if count * d * d > MAX_MATRIX_ENTRIES:
        raise ResourceError(
            f"matrix JSON: {count} matrices of size {d}x{d} would hold {count * d * d:.3g} entries; liealg builds "
            f"at most {MAX_MATRIX_ENTRIES:,} (and structure-constant tensors of at most {MAX_TENSOR_ENTRIES:,})"
        )
    if not isinstance(items, list):
        raise InputFileError("matrix JSON: 'entries' must be a list of [m, i, j, c]")
    values: list[dict[tuple[int, int], sp.Expr]] = [{} for _ in range(count)]
    for idx, item in enumerate(items):
        if not isinstance(item, list) or len(item) != 4:
            raise InputFileError(f"matrix JSON entry {idx}: expected [m, i, j, c], got {item!r:.80}")
        a, i, j, c = item
        for name, v, hi in (("m", a, count), ("i", i, d), ("j", j, d)):
            if not isinstance(v, int) or isinstance(v, bool):
                raise InputFileError(f"matrix JSON entry {idx}: index {name}={v!r} is not an integer")
            if not 0 <= v < hi:
                raise InputFileError(f"matrix JSON entry {idx}: index {name}={v} out of range 0..{hi - 1}")
        assert isinstance(a, int) and isinstance(i, int) and isinstance(j, int)
        if (i, j) in values[a]:
            raise InputFileError(f"matrix JSON entry {idx}: duplicate entry for matrix {a} at ({i}, {j})")
        if isinstance(c, bool) or not isinstance(c, (int, str)):
            raise InputFileError(
                f"matrix JSON entry {idx}: value {c!r} must be an integer or a string like '1/2' or '1/2*I'"
            )
        try:
            values[a][(i, j)] = sp.Integer(c) if isinstance(c, int) else parse_number(c)
        except OracleError as err:
            raise InputFileError(f"matrix JSON entry {idx}: cannot read {c!r:.60} as an exact number: {err}") from None
    return tuple(sp.ImmutableMatrix(sp.SparseMatrix(d, d, v)) for v in values)


def save_matrices(matrices: Sequence[MatrixLike], path: PathLike) -> Path:
    """Write matrices in the sparse JSON format of :func:`matrices_to_json` (atomically)."""
    return write_json_atomic(path, matrices_to_json(matrices))  # type: ignore[arg-type]


def load_matrices(path: PathLike) -> tuple[sp.ImmutableMatrix, ...]:
    """Read matrices written by :func:`save_matrices`; build the algebra with ``LieAlgebra.from_matrices``.

    Raises
    ------
    InputFileError
        The file is missing, unreadable, not UTF-8, not valid JSON, or malformed (the message
        starts with the path).
    ResourceError
        More entries than liealg builds.
    """
    data = read_json(path, what="matrix file")
    try:
        return matrices_from_json(data)
    except ResourceError as err:
        raise ResourceError(f"{path}: {err}") from None
    except LieAlgError as err:
        raise InputFileError(f"{path}: {err}") from None


# --------------------------------------------------------------------------- saved results
def check_result_schema(data: JSONValue, *, where: str = "result") -> dict[str, JSONValue]:
    """Refuse JSON that is not a liealg result of this schema version; return it as a dict."""
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise InputFileError(f"{where} is not a liealg result (missing 'schema': '{SCHEMA}')")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise InputFileError(f"{where} has schema version {version!r}; this liealg reads version {SCHEMA_VERSION}")
    return data


def result_generators(data: dict[str, JSONValue], *, where: str = "result") -> tuple[sp.ImmutableMatrix, ...] | None:
    """The exact generators of a saved result (None when it holds only floats)."""
    if not data.get("exact"):
        return None
    stored = data.get("generators")
    if not isinstance(stored, list):
        raise InputFileError(f"{where}: 'generators' must be a list of matrices")
    generators = tuple(matrix_from_json(m, where=f"{where}: generators[{i}]") for i, m in enumerate(stored))
    dimension = data.get("dimension")
    if dimension != len(generators):
        raise InputFileError(f"{where}: 'dimension' is {dimension!r} but {len(generators)} generators are stored")
    return generators


def result_algebra(data: dict[str, JSONValue], *, where: str = "result") -> LieAlgebra | None:
    """The exact Lie algebra of a saved result, checked against its stored structure constants.

    Reads the file without torch (``liealg identify RESULT.json`` starts fast). None when the
    result holds no exact generators or no structure constants.
    """
    generators = result_generators(data, where=where)
    if not generators or data.get("structure_constants") is None:
        return None
    algebra = LieAlgebra.from_matrices(list(generators))
    if algebra.to_json()["brackets"] != data["structure_constants"]:
        raise InputFileError(f"{where}: the stored structure constants do not match the stored generators")
    return algebra
