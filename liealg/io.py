"""Saving and loading results: versioned JSON, atomic writes, exact numbers as strings.

No pickle anywhere: a result file is plain JSON that any tool can read, and loading it never
executes anything (exact numbers are parsed by the safe formula parser, never ``eval``).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Sequence

import sympy as sp

from liealg.errors import InputFileError

__all__ = [
    "SCHEMA",
    "SCHEMA_VERSION",
    "write_json_atomic",
    "read_json",
    "number_to_str",
    "str_to_number",
    "matrix_to_json",
    "matrix_from_json",
]

SCHEMA = "liealg.discovery"
SCHEMA_VERSION = 1




def write_json_atomic(path: str | os.PathLike, data: Any) -> Path:
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


def check_writable(path: str | os.PathLike) -> Path:
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


def read_json(path: str | os.PathLike, *, what: str = "result file") -> Any:
    """Read a JSON file; any problem becomes a :class:`InputFileError` that says what it was."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputFileError(f"{what} {str(path)!r} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"cannot read {what} {str(path)!r}: {exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(
            f"{what} {str(path)!r} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "it may be truncated or edited by hand"
        ) from None


def number_to_str(value: Any) -> str:
    """An exact sympy number (or a float/complex) as a string that :func:`str_to_number` reads back."""
    if isinstance(value, sp.Basic):
        return sp.sstr(sp.nsimplify(value) if value.is_Float else value)
    if isinstance(value, complex):
        return repr(value)
    return repr(float(value)) if isinstance(value, float) else str(value)


def str_to_number(text: Any, *, where: str = "") -> sp.Expr:
    """Parse an exact number written by :func:`number_to_str` (``"-1/2"``, ``"sqrt(3)/3"``, ``"2*I"``).

    Only numbers are accepted: a string that names a variable or calls anything but the safe
    parser's whitelisted functions is refused.
    """
    from liealg.parsing import parse_formula
    from liealg.errors import OracleError

    if isinstance(text, bool) or not isinstance(text, (str, int)):
        raise InputFileError(f"{where}: expected a number written as a string, got {text!r}")
    try:
        expr = parse_formula(str(text))
    except OracleError as exc:
        raise InputFileError(f"{where}: {text!r} is not a number: {exc}") from None
    if expr.free_symbols:
        raise InputFileError(f"{where}: {text!r} is not a number (it contains {sorted(map(str, expr.free_symbols))})")
    return expr


def matrix_to_json(m: sp.MatrixBase) -> list[list[str]]:
    """An exact matrix as nested lists of strings."""
    return [[number_to_str(m[i, j]) for j in range(m.cols)] for i in range(m.rows)]


def matrix_from_json(rows: Any, *, where: str = "matrix") -> sp.Matrix:
    """Inverse of :func:`matrix_to_json`, with a clear error on malformed input."""
    if not isinstance(rows, list) or not rows or not all(isinstance(r, list) for r in rows):
        raise InputFileError(f"{where}: expected a non-empty list of rows")
    width = len(rows[0])
    if any(len(r) != width for r in rows):
        raise InputFileError(f"{where}: rows have different lengths")
    return sp.Matrix([[str_to_number(v, where=f"{where}[{i}][{j}]") for j, v in enumerate(r)]
                      for i, r in enumerate(rows)])


def floats_to_json(array: Sequence) -> Any:
    """A float or complex numpy array as nested lists (complex entries as [re, im] pairs)."""
    import numpy as np

    a = np.asarray(array)
    if np.iscomplexobj(a):
        return np.stack([a.real, a.imag], axis=-1).tolist()
    return a.tolist()


def floats_from_json(data: Any, *, complex: bool = False):
    import numpy as np

    a = np.asarray(data, dtype=np.float64)
    if complex:
        return a[..., 0] + 1j * a[..., 1]
    return a
