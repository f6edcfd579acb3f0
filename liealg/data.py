"""Oracles learned from labelled data: a table of events in, its symmetry algebra out.

The talk starts from a labelled dataset, ``n`` features and ``k`` labels over ``m`` samples,
whose labels come from an oracle that is "learned or postulated". This module learns it and
runs the whole chain on what was learned:

1. **Read** a CSV, Parquet or NumPy ``.npz`` table (:func:`read_table`) and pick the target
   and feature columns (:func:`select_columns`); every bad input (a missing column, a
   non-numeric one, NaN, a target among the features) is one clear :class:`InputFileError`.
2. **Fit the oracle** (:func:`fit_oracle`): an MLP on standardized features, trained by the one
   engine (:func:`liealg.engine.train`) with minibatch Adam, a seeded held-out validation split
   and early stopping on the validation loss. Regression for real labels (its outputs, in the
   label's units), classification for class labels (its logits: the log-odds for two classes,
   each class's log-odds against the first for more). The standardization lives inside the
   network, so the oracle is a function of the raw features: the symmetry search sees the
   physicist's coordinates.
   The fit is reported (validation R², or accuracy against the majority class) and a fit too
   poor to mean anything is refused with its figure.
3. **The data's support** (:func:`find_support`): when the features satisfy equations (momenta
   on their mass shells, conserved totals), the data lie on a lower-dimensional set and the
   network is only constrained on it; off it, it extrapolates. The equations (linear, then
   quadratic, found as the null space of the monomials over the data) are reported, and every
   generator must keep them (its flow may not leave the data): generators moving points off the
   data are kept out of the answer.
4. **The symmetry search** on samples of the data (never where the network only
   extrapolates): the invariance form of the network and the support equations, the number of
   generators from its spectrum (the gap reported, in decades), the generators by training
   (:func:`liealg.training.fit`), refined against the form.
5. **Identification, numeric** (:func:`liealg.numeric_identification.identify_numeric`): a name
   with the tolerance used and a confidence, marked numeric; and where the learned span is
   within that tolerance of a rational one, the **exact candidate**, checked against the data
   (each exact generator's invariance residual on the held-out samples, relative to the label's
   spread, beside a random direction's) and never certified as if the formula were known.

:func:`discover_data` runs it all and returns a :class:`DataDiscovery`.
"""

from __future__ import annotations

import csv
import dataclasses
import logging
import math
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import sympy as sp
import torch
from torch import nn

from liealg.config import ExactConfig, Sampling, TrainConfig, check_choice, check_positive_int
from liealg.engine import ModuleTrainable, torch_threads, train
from liealg.errors import InputFileError, OptionError, OracleError
from liealg.losses import LinearLosses
from liealg.numeric_identification import DEFAULT_MAX_TOLERANCE, NumericIdentification, identify_numeric
from liealg.oracle import Oracle
from liealg.training import fit, invariance_form, spectral_dimension

__all__ = [
    "Table",
    "read_table",
    "DataColumns",
    "select_columns",
    "OracleNetwork",
    "FitReport",
    "LearnedOracle",
    "fit_oracle",
    "oracle_from_data",
    "DataSupport",
    "find_support",
    "ExactCandidate",
    "DataDiscovery",
    "discover_data",
    "plot_spectrum",
    "save_data_plots",
    "TASKS",
    "ACTIVATIONS",
    "FORMATS",
]

log = logging.getLogger(__name__)

TASKS = ("auto", "regression", "classification")
ACTIVATIONS = ("silu", "tanh", "softplus")
FORMATS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".npz": "npz", ".parquet": "parquet", ".pq": "parquet"}
#: At most this many distinct integer labels make a target a class label under task="auto".
MAX_CLASSES = 20
SCHEMA = "liealg.data_discovery"
SCHEMA_VERSION = 1


# =========================================================================== reading tables
@dataclass(frozen=True, eq=False)
class Table:
    """A table read from a file: named columns of equal length, numeric or not.

    Columns are converted to floats only when used (:meth:`column`), so a text column the
    analysis does not use (an event id, a comment) is harmless.

    Attributes
    ----------
    path : str
    names : tuple of str
        Column names in file order.
    n_rows : int
    """

    path: str
    names: tuple[str, ...]
    n_rows: int
    _raw: Mapping[str, Any] = field(repr=False)

    def column(self, name: str) -> np.ndarray:
        """The column as float64, refusing a missing column, non-numbers, NaN and infinity.

        Raises
        ------
        InputFileError
        """
        if name not in self._raw:
            raise InputFileError(f"{self.path}: no column {name!r}; the columns are: {', '.join(self.names)}")
        raw = self._raw[name]
        if isinstance(raw, np.ndarray) and raw.dtype.kind in "biuf":
            values = raw.astype(np.float64)
        else:
            values = np.empty(len(raw), dtype=np.float64)
            for i, text in enumerate(raw):
                try:
                    values[i] = float(text)
                except (TypeError, ValueError):
                    shown = "" if text is None else str(text)
                    what = "an empty cell" if not shown.strip() else repr(shown)
                    raise InputFileError(
                        f"{self.path}: column {name!r} is not numeric: row {i + 1} holds {what}; "
                        "choose numeric columns with --features / --target"
                    ) from None
        bad = ~np.isfinite(values)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            kind = "NaN (or a missing value)" if np.isnan(values[i]) else "infinity"
            raise InputFileError(
                f"{self.path}: column {name!r} holds {kind} at row {i + 1} ({int(bad.sum())} row(s) in all); "
                "remove or fill those rows first"
            )
        return values


def read_table(path: str | os.PathLike[str]) -> Table:
    """Read a CSV (header row of names), Parquet, or NumPy ``.npz`` file.

    In an ``.npz``, each 1-D array is a column under its own name, and a 2-D array ``A`` of
    shape ``(m, k)`` gives the columns ``A[0]`` ... ``A[k-1]``. Parquet needs ``pyarrow``
    (``pip install pyarrow``, or ``pip install liealg[parquet]``).

    Raises
    ------
    InputFileError
        A missing or unreadable file, an unknown extension, no header, ragged rows, columns of
        different lengths, duplicate names.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = p.write_text("x,y,label\\n1,2,a\\n3,4,b\\n")
    >>> t = read_table(p)
    >>> t.names, t.n_rows, t.column("y").tolist()
    (('x', 'y', 'label'), 2, [2.0, 4.0])
    """
    p = Path(path)
    kind = FORMATS.get(p.suffix.lower())
    if kind is None:
        raise InputFileError(f"{str(p)!r}: unknown data format {p.suffix or '(no extension)'!r}; "
                             f"use one of: {', '.join(sorted(FORMATS))}")
    if not p.exists():
        raise InputFileError(f"{str(p)!r}: no such file")
    if not p.is_file():
        raise InputFileError(f"{str(p)!r} is not a file")
    reader = {"csv": _read_csv, "npz": _read_npz, "parquet": _read_parquet}[kind]
    names, columns = reader(p)
    if not names:
        raise InputFileError(f"{str(p)!r} holds no columns")
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputFileError(f"{str(p)!r}: column name(s) used twice: {', '.join(dupes)}")
    lengths = {len(columns[n]) for n in names}
    if len(lengths) != 1:
        raise InputFileError(f"{str(p)!r}: the columns have different lengths {sorted(lengths)}")
    n_rows = lengths.pop()
    if n_rows == 0:
        raise InputFileError(f"{str(p)!r} holds no rows")
    return Table(path=str(p), names=tuple(names), n_rows=n_rows, _raw=MappingProxyType(dict(columns)))


def _read_csv(p: Path) -> tuple[list[str], dict[str, Any]]:
    delimiter = "\t" if p.suffix.lower() == ".tsv" else ","
    try:
        with p.open(newline="", encoding="utf-8") as fh:
            rows = [row for row in csv.reader(fh, delimiter=delimiter) if row and not row[0].startswith("#")]
    except UnicodeDecodeError:
        raise InputFileError(f"{str(p)!r} is not UTF-8 text; is it a CSV file?") from None
    except (OSError, csv.Error) as exc:
        raise InputFileError(f"cannot read {str(p)!r}: {exc}") from None
    if not rows:
        raise InputFileError(f"{str(p)!r} is empty; a CSV needs a header row of column names")
    names = [n.strip() for n in rows[0]]
    if any(not n for n in names):
        raise InputFileError(f"{str(p)!r}: the header row has an empty column name")
    try:
        [float(n) for n in names]
    except ValueError:
        pass
    else:
        raise InputFileError(f"{str(p)!r}: the first row is all numbers; a CSV needs a header row of column names")
    body = rows[1:]
    for i, row in enumerate(body):
        if len(row) != len(names):
            raise InputFileError(f"{str(p)!r}: row {i + 1} has {len(row)} fields, the header has {len(names)}")
    columns = {n: [row[j] for row in body] for j, n in enumerate(names)}
    return names, columns


def _read_npz(p: Path) -> tuple[list[str], dict[str, Any]]:
    try:
        archive = np.load(p, allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        raise InputFileError(f"cannot read {str(p)!r} as a NumPy .npz archive: {exc}") from None
    names: list[str] = []
    columns: dict[str, Any] = {}
    with archive:
        for key in archive.files:
            try:
                arr = archive[key]
            except ValueError as exc:  # object arrays need pickle, which is refused
                raise InputFileError(f"{str(p)!r}: array {key!r} cannot be read without pickle ({exc}); "
                                     "store plain numeric arrays") from None
            if arr.ndim == 1:
                names.append(key)
                columns[key] = arr if arr.dtype.kind in "biuf" else arr.astype(str)
            elif arr.ndim == 2:
                for j in range(arr.shape[1]):
                    name = f"{key}[{j}]"
                    names.append(name)
                    columns[name] = arr[:, j] if arr.dtype.kind in "biuf" else arr[:, j].astype(str)
            else:
                raise InputFileError(f"{str(p)!r}: array {key!r} has shape {arr.shape}; give 1-D columns "
                                     "or 2-D (rows, columns) arrays")
    return names, columns


def _read_parquet(p: Path) -> tuple[list[str], dict[str, Any]]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputFileError(
            f"reading Parquet ({str(p)!r}) needs pyarrow, which is not installed: pip install pyarrow "
            "(or pip install 'liealg[parquet]'); CSV and .npz work without it"
        ) from None
    try:
        table = pq.read_table(p)
    except Exception as exc:  # pyarrow raises its own ArrowInvalid / OSError family
        raise InputFileError(f"cannot read {str(p)!r} as Parquet: {exc}") from None
    names = [str(n) for n in table.column_names]
    columns: dict[str, Any] = {}
    for name in names:
        col = table.column(name)
        kind = str(col.type)
        if col.null_count:
            arr = np.array([np.nan if v is None else v for v in col.to_pylist()], dtype=object)
            columns[name] = arr
        elif kind.startswith(("int", "uint", "float", "double", "bool", "halffloat")):
            columns[name] = col.to_numpy()
        else:
            columns[name] = np.array([str(v) for v in col.to_pylist()], dtype=object)
    return names, columns


# =========================================================================== choosing columns
@dataclass(frozen=True, eq=False)
class DataColumns:
    """Features and labels chosen from a table.

    Attributes
    ----------
    x : numpy.ndarray, shape (m, n)
        Features, vector after vector when ``vectors`` are given. Read-only.
    y : numpy.ndarray, shape (m, k)
        Labels. Read-only.
    features, targets : tuple of str
    vectors : tuple of tuple of str
        The argument vectors (one ``d x d`` generator acts on each); one vector of all features
        by default.
    source : str
    """

    x: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    features: tuple[str, ...]
    targets: tuple[str, ...]
    vectors: tuple[tuple[str, ...], ...]
    source: str = "arrays"

    def __post_init__(self) -> None:
        for name in ("x", "y"):
            a = np.array(getattr(self, name), dtype=np.float64)
            a.setflags(write=False)
            object.__setattr__(self, name, a)

    @property
    def n_vectors(self) -> int:
        return len(self.vectors)


def _name_list(spec: Any, what: str) -> list[str]:
    if isinstance(spec, str):
        names = [n for n in spec.replace(",", " ").split() if n]
    else:
        try:
            names = [str(n) for n in spec]
        except TypeError:
            raise OptionError(f"{what} must be names such as 'a b c' or a list of names, got {spec!r}") from None
    if not names:
        raise OptionError(f"{what} lists no column")
    return names


def _vector_lists(spec: Any) -> list[list[str]]:
    if isinstance(spec, str):
        groups = [part for part in spec.split(";") if part.strip()]
    else:
        groups = list(spec)
    vectors = [_name_list(g, "each vector") for g in groups]
    if not vectors or any(len(v) != len(vectors[0]) for v in vectors):
        raise OptionError("vectors must be groups of equal length (one d x d generator acts on each), e.g. "
                          f"'E1 px1 py1 pz1; E2 px2 py2 pz2'; got lengths {[len(v) for v in vectors]}")
    return vectors


def select_columns(table: Table, target: Any, *, features: Any = None, vectors: Any = None) -> DataColumns:
    """Pick the label column(s) and the feature columns (default: every other column).

    Parameters
    ----------
    table : Table
    target : str or sequence of str
        One or more label columns ("m2", or "y1 y2").
    features : str or sequence of str, optional
        Feature columns in order. Default: all columns but the targets (or those of ``vectors``).
    vectors : str or sequence of sequences, optional
        Groups of feature columns of equal length, ``"E1 px1 py1 pz1; E2 px2 py2 pz2"``: one
        generator acts on each group (the features are their concatenation).

    Raises
    ------
    InputFileError
        A column that does not exist, a non-numeric column, NaN or infinity, a target among the
        features.
    OptionError
        Malformed groups, or features and vectors that disagree.
    """
    targets = _name_list(target, "the target")
    vec_lists = _vector_lists(vectors) if vectors is not None else None
    if vec_lists is not None:
        names = [n for v in vec_lists for n in v]
        if features is not None and set(_name_list(features, "the features")) != set(names):
            raise OptionError("give the features or the vectors (the vectors already list the features), not both")
    elif features is not None:
        names = _name_list(features, "the features")
    else:
        names = [n for n in table.names if n not in targets]
    for n in targets + names:
        if n not in table.names:
            raise InputFileError(f"{table.path}: no column {n!r}; the columns are: {', '.join(table.names)}")
    clash = [n for n in targets if n in names]
    if clash:
        raise InputFileError(f"{table.path}: the target column {clash[0]!r} is also among the features; a label "
                             "cannot be its own input: leave it out of --features / --vectors")
    for group, what in ((names, "feature"), (targets, "target")):
        dupes = sorted({n for n in group if group.count(n) > 1})
        if dupes:
            raise OptionError(f"{what} column(s) listed twice: {', '.join(dupes)}")
    if not names:
        raise InputFileError(f"{table.path}: no feature columns are left besides the target(s)")
    x = np.column_stack([table.column(n) for n in names])
    y = np.column_stack([table.column(n) for n in targets])
    return DataColumns(x=x, y=y, features=tuple(names), targets=tuple(targets),
                       vectors=tuple(tuple(v) for v in (vec_lists or [names])), source=table.path)


def _columns_from_arrays(X: Any, y: Any, features: Any, vectors: Any) -> DataColumns:
    x = _finite_array(X, "X")
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2:
        raise OptionError(f"X must have shape (m, n_features), got {x.shape}")
    labels = _finite_array(y, "y")
    if labels.ndim == 1:
        labels = labels[:, None]
    if labels.ndim != 2 or labels.shape[0] != x.shape[0]:
        raise OptionError(f"y must have shape (m,) or (m, k) with m = {x.shape[0]} rows like X, got {labels.shape}")
    names = _name_list(features, "features") if features is not None else [f"x{i + 1}" for i in range(x.shape[1])]
    if len(names) != x.shape[1]:
        raise OptionError(f"{len(names)} feature names for {x.shape[1]} columns of X")
    if isinstance(vectors, (int, np.integer)) and not isinstance(vectors, bool):
        k = int(vectors)
        if k < 1 or x.shape[1] % k:
            raise OptionError(f"{x.shape[1]} features cannot be split into {k} vectors of equal length")
        d = x.shape[1] // k
        groups = [names[i * d:(i + 1) * d] for i in range(k)]
    elif vectors is not None:
        groups = _vector_lists(vectors)
        flat = [n for g in groups for n in g]
        if flat != names:
            if sorted(flat) != sorted(names):
                raise OptionError("the vectors must use each feature name once: "
                                  f"vectors {flat}, features {names}")
            order = [names.index(n) for n in flat]
            x, names = x[:, order], flat
    else:
        groups = [names]
    targets = tuple(f"y{j + 1}" for j in range(labels.shape[1])) if labels.shape[1] > 1 else ("y",)
    return DataColumns(x=x, y=labels, features=tuple(names), targets=targets,
                       vectors=tuple(tuple(g) for g in groups))


def _finite_array(a: Any, what: str) -> np.ndarray:
    if hasattr(a, "detach") and hasattr(a, "cpu"):
        a = a.detach().cpu().numpy()
    try:
        arr = np.array(a, dtype=np.float64)
    except (TypeError, ValueError):
        raise OptionError(f"{what} must be a numeric array") from None
    bad = ~np.isfinite(arr)
    if bad.any():
        row = int(np.argwhere(bad)[0][0])
        rows = int(bad.reshape(len(bad), -1).any(axis=1).sum()) if arr.ndim else 1
        raise OptionError(f"{what} holds NaN or infinity (first at row {row + 1}; {rows} row(s)); "
                          "remove or fill them first")
    return arr


# =========================================================================== the oracle network
@dataclass(frozen=True)
class OracleNetwork:
    """How the oracle network is built and fitted (all fields validated at construction).

    Parameters
    ----------
    hidden : tuple of int
        Hidden layer widths of the MLP (default two layers of 64).
    activation : {"silu", "tanh", "softplus"}
        Smooth activations only: the symmetry search differentiates the network.
    task : {"auto", "regression", "classification"}
        ``"auto"``: one target of at most 20 distinct integer values is a class label, anything
        else is regressed.
    validation : float
        Fraction of the rows held out (stratified for classes), for early stopping, the reported
        fit and the residuals of the exact candidate.
    epochs : int
        Most passes over the training rows.
    batch_size, lr, weight_decay : Adam over seeded minibatches (cosine schedule), on the engine.
        ``weight_decay`` None: 0 for regression, 1e-2 for classification: a classifier chases
        flipped labels with bumps in its logits, whose gradients then point anywhere (three
        classes by radius, 2% of labels flipped: a gap of 0.3-0.8 decades at 1e-4 and 1e-3, 2.2
        at 1e-2, accuracy 0.96 against 0.97). Batches
        of 512 (default) fit as well as 256 in half the time: a small network's step costs little
        more for more rows.
    patience : int
        Early stopping: stop after this many epochs without a 0.1% improvement of the validation
        loss, keeping the best epoch's network.
    min_r2 : float
        Regression fits with a validation R² below this (the worst target's) are refused.
    min_skill : float
        Classifiers whose validation accuracy does not close this fraction of the gap between the
        majority-class rate and 1 are refused (``(acc - base) / (1 - base)``).
    dtype : {"float32", "float64"}
        Precision of training (the oracle is evaluated in float64 afterwards).
    num_threads : int or None
        Torch threads while fitting (1 by default: minibatches of 256 rows gain nothing from more
        on a busy machine).
    max_seconds : float, optional
        Wall-clock budget of the fit.
    """

    hidden: tuple[int, ...] = (64, 64)
    activation: str = "silu"
    task: str = "auto"
    validation: float = 0.2
    epochs: int = 150
    batch_size: int = 512
    lr: float = 5e-3
    weight_decay: float | None = None
    patience: int = 15
    min_r2: float = 0.8
    min_skill: float = 0.5
    dtype: str = "float32"
    num_threads: int | None = 1
    max_seconds: float | None = None

    def __post_init__(self) -> None:
        hidden = (self.hidden,) if isinstance(self.hidden, int) else tuple(self.hidden)
        if not hidden:
            raise OptionError("hidden must list at least one layer width, e.g. (64, 64)")
        for h in hidden:
            check_positive_int("a hidden layer width", h)
        object.__setattr__(self, "hidden", tuple(int(h) for h in hidden))
        check_choice("activation", self.activation, ACTIVATIONS)
        check_choice("task", self.task, TASKS)
        check_choice("dtype", self.dtype, ("float32", "float64"))
        check_positive_int("epochs", self.epochs)
        check_positive_int("batch_size", self.batch_size)
        check_positive_int("patience", self.patience)
        for name, lo, hi in (("validation", 0.05, 0.5), ("min_r2", -math.inf, 1.0), ("min_skill", -math.inf, 1.0)):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi:
                raise OptionError(f"{name} must be a number in [{lo:g}, {hi:g}], got {v!r}")
        for name in ("lr", "max_seconds"):
            v = getattr(self, name)
            if v is None and name == "max_seconds":
                continue
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0 or not math.isfinite(v):
                raise OptionError(f"{name} must be a positive number, got {v!r}")
        if self.weight_decay is not None and (isinstance(self.weight_decay, bool) or not self.weight_decay >= 0):
            raise OptionError(f"weight_decay must be a number >= 0 or None, got {self.weight_decay!r}")
        if self.num_threads is not None:
            check_positive_int("num_threads", self.num_threads)

    def replace(self, **changes: object) -> OracleNetwork:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


class _MLP(nn.Module):
    """Raw features -> standardized -> MLP -> outputs in the label's units (or logits)."""

    center: torch.Tensor
    scale: torch.Tensor
    out_center: torch.Tensor
    out_scale: torch.Tensor

    def __init__(self, n_in: int, n_out: int, hidden: Sequence[int], activation: str, center: np.ndarray,
                 scale: np.ndarray, out_center: np.ndarray, out_scale: np.ndarray) -> None:
        super().__init__()
        act = {"silu": nn.SiLU, "tanh": nn.Tanh, "softplus": nn.Softplus}[activation]
        layers: list[nn.Module] = []
        width = n_in
        for h in hidden:
            layers += [nn.Linear(width, h), act()]
            width = h
        layers.append(nn.Linear(width, n_out))
        self.net = nn.Sequential(*layers)
        self.register_buffer("center", torch.as_tensor(center, dtype=torch.float64))
        self.register_buffer("scale", torch.as_tensor(scale, dtype=torch.float64))
        self.register_buffer("out_center", torch.as_tensor(out_center, dtype=torch.float64))
        self.register_buffer("out_scale", torch.as_tensor(out_scale, dtype=torch.float64))

    def standardized(self, x: torch.Tensor) -> torch.Tensor:
        """The raw network output (standardized label, or logits) of raw features."""
        dtype = next(self.net.parameters()).dtype
        z = (x - self.center.to(x.dtype)) / self.scale.to(x.dtype)
        return self.net(z.to(dtype))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.standardized(x).to(x.dtype)
        return out * self.out_scale.to(x.dtype) + self.out_center.to(x.dtype)


class _OracleOutputs(nn.Module):
    """What the symmetry search preserves: regression outputs; the log-odds of two classes; the
    log-odds of each class against the first for more (logits are only defined up to a common
    shift; their differences are not). Measured on three classes by the radius in 3-D: the gap of
    the invariance form was 1.3 decades for the centred logits (each carries every logit's noise),
    2.2 for the log-odds against the first class."""

    def __init__(self, mlp: _MLP, kind: str) -> None:
        super().__init__()
        self.mlp, self.kind = mlp, kind

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.mlp(x)
        if self.kind == "multiclass":
            out = out[:, 1:] - out[:, :1]
        return out


@dataclass(frozen=True)
class FitReport:
    """How well the oracle network fits the data.

    Attributes
    ----------
    task : {"regression", "classification"}
    metric : {"r2", "accuracy"}
    score : float
        Validation R² (the worst target's) or validation accuracy.
    train_score : float
    baseline : float or None
        Classification: the majority class's rate on the validation rows.
    skill : float or None
        Classification: ``(accuracy - baseline) / (1 - baseline)``.
    threshold : float
        The least acceptable R² or skill.
    acceptable : bool
    n_train, n_validation : int
    epochs, best_epoch : int
    stop_reason : str
        "early stop" (validation loss stalled), "epochs", "time", "not finite".
    classes : tuple of float
        The class labels (classification), in output order.
    label_spread : tuple of float
        Standard deviation of each label (regression) on the validation rows.
    seconds : float
    history : tuple of (float, float)
        Per epoch: training loss (running minibatch mean) and validation loss.
    """

    task: str
    metric: str
    score: float
    train_score: float
    baseline: float | None
    skill: float | None
    threshold: float
    acceptable: bool
    n_train: int
    n_validation: int
    epochs: int
    best_epoch: int
    stop_reason: str
    classes: tuple[float, ...]
    label_spread: tuple[float, ...]
    seconds: float
    history: tuple[tuple[float, float], ...] = field(default=(), repr=False)
    hidden: tuple[int, ...] = ()
    activation: str = "silu"

    def describe(self) -> str:
        """One line, e.g. ``validation R² 0.9995 (train 0.9996), 16000/4000 rows, 87 epochs``."""
        if self.metric == "r2":
            fig = f"validation R² {self.score:.4f} (train {self.train_score:.4f})"
        else:
            fig = (f"validation accuracy {self.score:.3f} (train {self.train_score:.3f}; majority class "
                   f"{self.baseline:.3f}, skill {self.skill:.2f})")
        return (f"{fig}, {self.n_train}/{self.n_validation} training/validation rows, {self.epochs} epochs "
                f"(best {self.best_epoch}, {self.stop_reason})")

    def refusal(self) -> str:
        """The sentence that refuses a poor fit, with its figure."""
        if self.metric == "r2":
            what = f"validation R² is {self.score:.3f}, below {self.threshold:g}"
        else:
            what = (f"validation accuracy is {self.score:.3f} against {self.baseline:.3f} for always guessing the "
                    f"majority class (skill {self.skill:.2f}, below {self.threshold:g})")
        hint = ""
        if self.n_train < 2000:
            hint = (f"; with {self.n_train} training rows there are fewer samples than a fit like this needs "
                    "(thousands), so more data is the first thing to try")
        return (f"the oracle network does not fit the data well enough to mean anything: {what}{hint}; "
                "or try a wider network (--hidden), more epochs (--fit-epochs), or check that the target "
                "depends on the features")

    def to_json(self) -> dict[str, Any]:
        return {
            "task": self.task, "metric": self.metric, "validation_score": self.score,
            "train_score": self.train_score, "baseline": self.baseline, "skill": self.skill,
            "threshold": self.threshold, "acceptable": self.acceptable, "n_train": self.n_train,
            "n_validation": self.n_validation, "epochs": self.epochs, "best_epoch": self.best_epoch,
            "stop_reason": self.stop_reason, "classes": list(self.classes),
            "label_spread": list(self.label_spread), "seconds": round(self.seconds, 6),
            "network": {"hidden": list(self.hidden), "activation": self.activation},
        }


@dataclass(frozen=True, eq=False)
class LearnedOracle:
    """An oracle network fitted to data, and the data it was fitted on.

    Attributes
    ----------
    oracle : Oracle
        The network as an :class:`~liealg.oracle.Oracle` of the raw features (regression outputs,
        log-odds, or each class's log-odds against the first), with the data's argument vectors.
    module : torch.nn.Module
        The same function as a float64 module (frozen).
    report : FitReport
    columns : DataColumns
        Names and vectors (and all rows).
    train_index, validation_index : numpy.ndarray of int
        The rows of each split.
    """

    oracle: Oracle
    module: nn.Module = field(repr=False)
    report: FitReport
    columns: DataColumns = field(repr=False)
    train_index: np.ndarray = field(repr=False)
    validation_index: np.ndarray = field(repr=False)

    @property
    def x_train(self) -> np.ndarray:
        return self.columns.x[self.train_index]

    @property
    def x_validation(self) -> np.ndarray:
        return self.columns.x[self.validation_index]

    @property
    def y_validation(self) -> np.ndarray:
        return self.columns.y[self.validation_index]


def _task(y: np.ndarray, task: str) -> tuple[str, tuple[float, ...]]:
    classes = tuple(float(v) for v in np.unique(y)) if y.shape[1] == 1 else ()
    integral = bool(y.shape[1] == 1 and np.all(y == np.round(y)))
    if task == "auto":
        task = "classification" if integral and 2 <= len(classes) <= min(MAX_CLASSES, max(2, len(y) // 10)) \
            else "regression"
    if task == "classification":
        if y.shape[1] != 1:
            raise OptionError(f"classification needs one target column, got {y.shape[1]}")
        if len(classes) < 2:
            raise OptionError("the target has a single class; there is nothing to learn")
        if len(classes) > 1000:
            raise OptionError(f"the target has {len(classes)} classes; is it a real-valued label? (task='regression')")
        return task, classes
    if np.any(y.std(axis=0) == 0):
        raise OptionError("a target column is constant; there is nothing to learn")
    return "regression", ()


def _split(y_codes: np.ndarray | None, m: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A seeded split of the rows, stratified by class (each class split in the same proportion)."""
    rng = np.random.default_rng(seed)
    groups = [np.arange(m)] if y_codes is None else [np.flatnonzero(y_codes == c) for c in np.unique(y_codes)]
    val: list[np.ndarray] = []
    for rows in groups:
        rows = rng.permutation(rows)
        val.append(rows[: round(fraction * len(rows)) if len(rows) > 1 else 0])
    va = np.sort(np.concatenate(val))
    tr = np.setdiff1d(np.arange(m), va)
    return tr, va


def fit_oracle(
    X: Any,
    y: Any = None,
    *,
    features: Any = None,
    vectors: Any = None,
    network: OracleNetwork | None = None,
    seed: int = 0,
    progress: Callable[[int, Mapping[str, float]], None] | None = None,
) -> LearnedOracle:
    """Fit the oracle network to labelled data (the fit is reported, never refused here).

    Parameters
    ----------
    X : array_like (m, n), or DataColumns
        Features (raw units: the standardization is inside the network).
    y : array_like (m,) or (m, k)
        Labels (not given with ``DataColumns``).
    features : sequence of str, optional
        Feature names (default ``x1 .. xn``).
    vectors : int or groups of names, optional
        Argument vectors: ``2`` splits the features into two equal halves; names as in
        :func:`select_columns`.
    network : OracleNetwork, optional
    seed : int
        Seeds the split, the initial weights and the minibatch order.
    progress : callable, optional
        ``progress(epoch, {"train": ..., "validation": ...})`` after every epoch.

    Returns
    -------
    LearnedOracle
        ``.report.acceptable`` says whether the fit is good enough to go on.
    """
    network = network or OracleNetwork()
    check_positive_int("seed", seed, minimum=0)
    if isinstance(X, DataColumns):
        if y is not None:
            raise OptionError("DataColumns already hold the labels; do not also pass y")
        columns = X
    else:
        if y is None:
            raise OptionError("give the labels y beside the features X")
        columns = _columns_from_arrays(X, y, features, vectors)
    m = columns.x.shape[0]
    if m < 20:
        raise OptionError(f"{m} rows are fewer than needed: an oracle network needs hundreds of rows at least")
    task, classes = _task(columns.y, network.task)
    codes = np.searchsorted(np.array(classes), columns.y[:, 0]) if task == "classification" else None
    train_idx, val_idx = _split(codes, m, network.validation, seed)
    threads = network.num_threads
    with torch_threads(threads):
        return _fit(columns, task, classes, codes, train_idx, val_idx, network, seed, progress)


def _fit(columns: DataColumns, task: str, classes: tuple[float, ...], codes: np.ndarray | None,
         train_idx: np.ndarray, val_idx: np.ndarray, network: OracleNetwork, seed: int,
         progress: Callable[[int, Mapping[str, float]], None] | None) -> LearnedOracle:
    x, y = columns.x, columns.y
    n = x.shape[1]
    xt = x[train_idx]
    center, scale = xt.mean(0), xt.std(0)
    scale = np.where(scale > 0, scale, 1.0)
    dtype = torch.float32 if network.dtype == "float32" else torch.float64
    if task == "regression":
        out_center, out_scale = y[train_idx].mean(0), y[train_idx].std(0)
        n_out = y.shape[1]
        kind = "regression"
    else:
        out_center, out_scale = np.zeros(1), np.ones(1)
        n_out = 1 if len(classes) == 2 else len(classes)
        kind = "binary" if len(classes) == 2 else "multiclass"
        out_center, out_scale = np.zeros(n_out), np.ones(n_out)
    with torch.random.fork_rng(devices=[]):  # nn.Linear draws from the global generator
        torch.manual_seed(seed)
        mlp = _MLP(n, n_out, network.hidden, network.activation, center, scale, out_center, out_scale).to(dtype)
    # The standardized inputs and targets, once, in the training precision.
    z_all = torch.as_tensor((x - center) / scale, dtype=dtype)
    if task == "regression":
        target = torch.as_tensor((y - out_center) / out_scale, dtype=dtype)
    elif kind == "binary":
        assert codes is not None
        target = torch.as_tensor(codes[:, None], dtype=dtype)
    else:
        assert codes is not None
        target = torch.as_tensor(codes, dtype=torch.long)
    tr = torch.as_tensor(train_idx)
    va = torch.as_tensor(val_idx)

    def batch_loss(rows: torch.Tensor) -> torch.Tensor:
        out = mlp.net(z_all[rows])
        if kind == "regression":
            return (out - target[rows]).pow(2).mean()
        if kind == "binary":
            return nn.functional.binary_cross_entropy_with_logits(out, target[rows])
        return nn.functional.cross_entropy(out, target[rows])

    def loss(active: frozenset[str], batch: torch.Tensor | None) -> dict[str, torch.Tensor]:
        assert batch is not None  # minibatch mode: the engine always passes the rows
        return {"total": batch_loss(tr[batch])}

    model = ModuleTrainable(mlp)
    state: dict[str, Any] = {"best": math.inf, "epoch": 0, "best_epoch": 0, "snapshot": model.snapshot(),
                             "stopped": False, "val": math.nan}
    history: list[tuple[float, float]] = []

    def monitor() -> tuple[float, ...]:
        state["epoch"] += 1
        with torch.no_grad():
            v = float(batch_loss(va))
        state["val"] = v
        if v < state["best"] * (1 - 1e-3):
            state["best"], state["best_epoch"], state["snapshot"] = v, state["epoch"], model.snapshot()
        return (v,)

    def on_epoch(epoch: int, losses: Mapping[str, float]) -> None:
        history.append((float(losses["total"]), float(state["val"])))
        if progress is not None:
            progress(epoch, {"train": float(losses["total"]), "validation": float(state["val"])})

    def early_stop(epoch: int, losses: Mapping[str, float]) -> bool:
        state["stopped"] = epoch - state["best_epoch"] >= network.patience
        return bool(state["stopped"])

    weight_decay = network.weight_decay
    if weight_decay is None:
        weight_decay = 0.0 if task == "regression" else 1e-2
    config = TrainConfig(optimizer="adam", lr=network.lr, batch_size=network.batch_size, weight_decay=weight_decay,
                         num_threads=None)
    deadline = None if network.max_seconds is None else time.perf_counter() + network.max_seconds
    t0 = time.perf_counter()
    run = train(model, loss, config, terms=("total",), tol=0.0, epochs=network.epochs, n_rows=len(train_idx),
                seed=seed, keep="last", deadline=deadline, monitor=monitor, progress=on_epoch, should_stop=early_stop)
    if run.stop_reason == "interrupted":
        raise KeyboardInterrupt  # a real Ctrl-C: the command line exits 130
    model.restore(state["snapshot"])
    stop = "early stop" if state["stopped"] else run.stop_reason
    seconds = time.perf_counter() - t0
    mlp64 = mlp.double().eval().requires_grad_(False)
    with torch.no_grad():
        pred = mlp64.standardized(torch.tensor(x, dtype=torch.float64)).numpy()
    threshold: float
    if task == "regression":
        yhat = pred * out_scale + out_center
        train_score = _r2(y[train_idx], yhat[train_idx])
        score = _r2(y[val_idx], yhat[val_idx])
        baseline = skill = None
        threshold = network.min_r2
        acceptable = score >= threshold
        spread = tuple(float(s) for s in y[val_idx].std(0))
    else:
        assert codes is not None
        guess = (pred[:, 0] > 0).astype(int) if kind == "binary" else pred.argmax(1)
        train_score = float(np.mean(guess[train_idx] == codes[train_idx]))
        score = float(np.mean(guess[val_idx] == codes[val_idx]))
        baseline = float(np.bincount(codes[val_idx], minlength=len(classes)).max() / len(val_idx))
        skill = (score - baseline) / (1 - baseline) if baseline < 1 else 0.0
        threshold = network.min_skill
        acceptable = skill >= threshold
        spread = ()
    report = FitReport(task=task, metric="r2" if task == "regression" else "accuracy", score=float(score),
                       train_score=float(train_score), baseline=baseline, skill=skill, threshold=float(threshold),
                       acceptable=bool(acceptable), n_train=len(train_idx), n_validation=len(val_idx),
                       epochs=int(state["epoch"]), best_epoch=int(state["best_epoch"]), stop_reason=stop,
                       classes=classes, label_spread=spread, seconds=seconds, history=tuple(history),
                       hidden=network.hidden, activation=network.activation)
    outputs = _OracleOutputs(mlp64, kind).eval()
    name = f"MLP fitted to {columns.source} ({report.describe().split(',')[0]})"
    oracle = Oracle.from_callable(outputs, n, n_vectors=columns.n_vectors, name=name)
    return LearnedOracle(oracle=oracle, module=outputs, report=report, columns=columns,
                         train_index=train_idx, validation_index=val_idx)


def _r2(y: np.ndarray, yhat: np.ndarray) -> float:
    """The worst target's coefficient of determination."""
    ss_res = ((y - yhat) ** 2).sum(0)
    ss_tot = ((y - y.mean(0)) ** 2).sum(0)
    return float(np.min(1 - ss_res / np.where(ss_tot > 0, ss_tot, 1.0)))


def oracle_from_data(
    X: Any,
    y: Any,
    *,
    features: Any = None,
    vectors: Any = None,
    network: OracleNetwork | None = None,
    seed: int = 0,
) -> Oracle:
    """A learned oracle: the MLP fitted to ``(X, y)`` (see :func:`fit_oracle`), as an :class:`Oracle`.

    Its name carries the fit's figure. For the figures, the split and the network, use
    :func:`fit_oracle`.

    Raises
    ------
    OracleError
        When the fit is too poor to mean anything (the message gives the figure).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(2000, 3))
    >>> phi = oracle_from_data(X, (X ** 2).sum(1), network=OracleNetwork(epochs=5))
    >>> phi.matrix_size, phi.n_outputs
    (3, 1)
    """
    learned = fit_oracle(X, y, features=features, vectors=vectors, network=network, seed=seed)
    if not learned.report.acceptable:
        raise OracleError(learned.report.refusal())
    return learned.oracle


# =========================================================================== the data's support
@dataclass(frozen=True, eq=False)
class DataSupport:
    """Equations the features satisfy on the data: where the data lie, and where they do not.

    Attributes
    ----------
    n_features : int
    equations : tuple of str
        Each equation in the feature names, coefficients to 4 significant digits, e.g.
        ``"E1² - px1² - py1² - pz1² = 25"``.
    degrees : tuple of int
        1 (linear) or 2 (quadratic) per equation.
    codimension : int
        Directions normal to the data at a typical point (the rank of the equations' gradients):
        the data cannot constrain the oracle along them.
    residual : float
        Largest RMS value of an equation on the data, relative to the monomials' size.
    tol : float
        The relative tolerance an equation had to meet.
    """

    n_features: int
    equations: tuple[str, ...]
    degrees: tuple[int, ...]
    codimension: int
    residual: float
    tol: float
    _linear: np.ndarray = field(repr=False)      # (r1, n + 1): [const, coefficients of x]
    _quadratic: np.ndarray = field(repr=False)   # (r2, 1 + n + n*n): [const, linear, Q flattened]

    @property
    def dimension(self) -> int:
        """Dimension of the set the data lie on."""
        return self.n_features - self.codimension

    @property
    def n_equations(self) -> int:
        return len(self.equations)

    def torch_function(self) -> Callable[[torch.Tensor], torch.Tensor]:
        """``g(x)``: every equation's value, shape ``(m, n_equations)`` (zero on the data)."""
        lin = torch.as_tensor(self._linear, dtype=torch.float64)
        quad = torch.as_tensor(self._quadratic, dtype=torch.float64)
        n = self.n_features

        def g(x: torch.Tensor) -> torch.Tensor:
            cols = []
            if lin.shape[0]:
                lin_x = lin.to(x.dtype)
                cols.append(lin_x[:, 0] + x @ lin_x[:, 1:].T)
            if quad.shape[0]:
                q = quad.to(x.dtype)
                Q = q[:, 1 + n:].reshape(-1, n, n)
                cols.append(q[:, 0] + x @ q[:, 1:1 + n].T + torch.einsum("mi,rij,mj->mr", x, Q, x))
            return torch.cat(cols, dim=1) if cols else x[:, :0]

        return g

    def to_json(self) -> dict[str, Any]:
        return {"dimension": self.dimension, "codimension": self.codimension, "equations": list(self.equations),
                "degrees": list(self.degrees), "residual": self.residual, "tol": self.tol}


def _monomials2(u: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int]]]:
    pairs = [(i, j) for i in range(u.shape[1]) for j in range(i, u.shape[1])]
    cols = [np.ones(len(u))] + [u[:, i] for i in range(u.shape[1])] + [u[:, i] * u[:, j] for i, j in pairs]
    return np.column_stack(cols), pairs


def _null_rows(A: np.ndarray, tol: float) -> tuple[np.ndarray, float, float]:
    """Unit coefficient vectors ``c`` (rows) with ``RMS(A c) <= tol`` for column-normalized ``A``,
    the largest such RMS, and the smallest RMS that was not accepted."""
    norms = np.sqrt((A**2).mean(0))
    norms = np.where(norms > 0, norms, 1.0)
    B = A / norms
    _, s, vh = np.linalg.svd(B / math.sqrt(len(B)), full_matrices=False)
    null = s <= tol
    rows = vh[null] / norms  # back to coefficients of the unnormalized columns
    worst = float(s[null].max()) if null.any() else 0.0
    best_rest = float(s[~null].min()) if (~null).any() else math.inf
    return rows, worst, best_rest


def find_support(
    X: Any,
    *,
    names: Sequence[str] | None = None,
    tol: float = 1e-3,
    max_rows: int = 4000,
    seed: int = 0,
) -> DataSupport:
    """Linear and quadratic equations that every row of ``X`` satisfies (within ``tol``).

    Linear equations first (the null space of ``[1, z]`` over the rows, ``z`` the standardized
    features); quadratic ones then in the coordinates the linear ones leave free, so that a
    product of a linear equation with a feature is not counted again. An equation is accepted
    when its RMS over the rows is at most ``tol`` times the monomials' typical size.

    Parameters
    ----------
    X : array_like, shape (m, n)
    names : sequence of str, optional
        Feature names for the printed equations (default ``x1 .. xn``).
    tol : float
        Relative tolerance (default 1e-3: features stored to 6 significant digits pass).
    max_rows : int
        At most this many rows (seeded choice) are used.

    Returns
    -------
    DataSupport

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> p = rng.normal(size=(500, 3))
    >>> X = np.column_stack([np.sqrt(1 + (p ** 2).sum(1)), p])   # on the mass shell E^2 - |p|^2 = 1
    >>> s = find_support(X, names=["E", "px", "py", "pz"])
    >>> s.equations, s.codimension
    (('E² - px² - py² - pz² = 1',), 1)
    """
    x = np.array(X, dtype=np.float64)  # a writable copy (torch refuses read-only arrays)
    m, n = x.shape
    names = list(names) if names is not None else [f"x{i + 1}" for i in range(n)]
    if m > max_rows:
        x = x[np.sort(np.random.default_rng(seed).choice(m, max_rows, replace=False))]
        m = max_rows
    mu = x.mean(0)
    sd = x.std(0)
    sd = np.where(sd > 0, sd, 1.0)
    z = (x - mu) / sd
    empty = DataSupport(n, (), (), 0, 0.0, tol, np.zeros((0, n + 1)), np.zeros((0, 1 + n + n * n)))
    if m < 3 * (n + 2):
        return empty
    # ---- linear: c0 + c . z = 0
    lin_rows, worst1, _ = _null_rows(np.column_stack([np.ones(m), z]), tol)
    lin_rows = _rref_rows(lin_rows) if len(lin_rows) else lin_rows
    # in x: c0 + sum c_i (x_i - mu_i)/sd_i
    linear = np.zeros((len(lin_rows), n + 1))
    for r, c in enumerate(lin_rows):
        b = c[1:] / sd
        linear[r, 0] = c[0] - b @ mu
        linear[r, 1:] = b
    # ---- quadratic, in the coordinates u = T z the linear equations leave free
    normals = lin_rows[:, 1:] if len(lin_rows) else np.zeros((0, n))
    if len(normals):
        _, _, vh = np.linalg.svd(normals, full_matrices=True)
        T = vh[np.linalg.matrix_rank(normals):]
    else:
        T = np.eye(n)
    u = z @ T.T
    quadratic = np.zeros((0, 1 + n + n * n))
    worst2 = 0.0
    n_mono = 1 + u.shape[1] + u.shape[1] * (u.shape[1] + 1) // 2
    if u.shape[1] and m >= 3 * n_mono:
        A, pairs = _monomials2(u)
        q_rows, worst2, _ = _null_rows(A, tol)
        q_list = []
        for c in q_rows:
            k = u.shape[1]
            a0, a, Au = c[0], c[1:1 + k], np.zeros((k, k))
            for (i, j), v in zip(pairs, c[1 + k:]):
                Au[i, j] += v / 2
                Au[j, i] += v / 2
            # in z: a0 + (T^T a).z + z^T (T^T Au T) z ; in x with z = D (x - mu)
            gz, Hz = T.T @ a, T.T @ Au @ T
            D = np.diag(1 / sd)
            Qx = D @ Hz @ D
            gx = D @ gz - 2 * Qx @ mu
            cx = a0 - gz @ (mu / sd) + mu @ Qx @ mu
            q_list.append(np.concatenate([[cx], gx, Qx.ravel()]))
        if q_list:
            quadratic = _canonical_quadratics(np.array(q_list), n)
    if not len(linear) and not len(quadratic):
        return empty
    support = DataSupport(n, (), (), 0, max(worst1, worst2), tol, linear, quadratic)
    codim = _codimension(support, x)
    rms = np.sqrt((x**2).mean(0))
    equations = (tuple(_linear_text(c, names, rms) for c in linear)
                 + tuple(_quadratic_text(c, names, n, rms) for c in quadratic))
    degrees = (1,) * len(linear) + (2,) * len(quadratic)
    return dataclasses.replace(support, equations=equations, degrees=degrees, codimension=codim)


def _rref_rows(rows: np.ndarray, tol: float = 1e-9) -> np.ndarray:
    """A canonical basis of the row space (numeric RREF, pivots from the left)."""
    A = np.array(rows, dtype=np.float64)
    r, c = A.shape
    out = A.copy()
    row = 0
    for j in range(c):
        if row >= r:
            break
        piv = row + int(np.argmax(np.abs(out[row:, j])))
        if abs(out[piv, j]) <= tol * max(1.0, np.abs(out).max()):
            continue
        out[[row, piv]] = out[[piv, row]]
        out[row] /= out[row, j]
        for i in range(r):
            if i != row:
                out[i] -= out[i, j] * out[row]
        row += 1
    return out[:row]


def _canonical_quadratics(q: np.ndarray, n: int) -> np.ndarray:
    """Quadratic equations in a canonical basis: RREF over the monomials x_i x_j (i <= j) first,
    then x_i, then the constant; so each shell gets its own equation (E1² ..., E2² ...)."""
    pairs = [(i, j) for i in range(n) for j in range(i, n)]
    cols = []
    for row in q:
        Q = row[1 + n:].reshape(n, n)
        cols.append(np.concatenate([[Q[i, i] if i == j else 2 * Q[i, j] for i, j in pairs], row[1:1 + n], row[:1]]))
    R = _rref_rows(np.array(cols))
    out = []
    for rr in R:
        Q = np.zeros((n, n))
        for (i, j), v in zip(pairs, rr[:len(pairs)]):
            if i == j:
                Q[i, i] = v
            else:
                Q[i, j] = Q[j, i] = v / 2
        out.append(np.concatenate([rr[-1:], rr[len(pairs):len(pairs) + n], Q.ravel()]))
    return np.array(out)


def _codimension(support: DataSupport, x: np.ndarray) -> int:
    g = support.torch_function()
    pts = torch.as_tensor(x[: min(len(x), 400)], dtype=torch.float64).requires_grad_(True)
    vals = g(pts)
    grads = torch.stack([torch.autograd.grad(vals[:, r].sum(), pts, retain_graph=True)[0]
                         for r in range(vals.shape[1])], dim=1).detach().numpy()  # (m, r, n)
    ranks = []
    for G in grads:
        s = np.linalg.svd(G, compute_uv=False)
        ranks.append(int(np.sum(s > 1e-6 * max(float(s[0]), 1e-300))) if s.size else 0)
    return int(np.median(ranks)) if ranks else 0


def _fmt_coef(v: float) -> str:
    text = f"{abs(v):.4g}"
    return "" if text == "1" else text


def _poly_text(terms: list[tuple[float, str, float]], const: float) -> str:
    """``c1*t1 + c2*t2 + ... = -const``, leading coefficient 1; a term whose size on the data
    (coefficient times the monomial's RMS) is below 1e-4 of the largest is dropped as noise."""
    sizes = [abs(c) * size for c, _, size in terms]
    top = max(sizes + [1e-300])
    kept = [(c, t) for (c, t, _), sz in zip(terms, sizes) if sz > 1e-4 * top]
    if not kept:
        return f"0 = {-const:.4g}"
    lead = kept[0][0]
    parts = []
    for k, (c, t) in enumerate(kept):
        c = c / lead
        coef = _fmt_coef(c)
        body = f"{coef}*{t}" if coef else t
        parts.append((f"-{body}" if c < 0 else body) if k == 0 else f" {'-' if c < 0 else '+'} {body}")
    rhs = -const / lead
    rhs_text = "0" if abs(rhs) * abs(lead) <= 1e-4 * top else f"{rhs:.4g}"
    return "".join(parts) + f" = {rhs_text}"


def _linear_text(c: np.ndarray, names: Sequence[str], rms: np.ndarray) -> str:
    return _poly_text([(float(v), names[i], float(rms[i])) for i, v in enumerate(c[1:])], float(c[0]))


def _quadratic_text(c: np.ndarray, names: Sequence[str], n: int, rms: np.ndarray) -> str:
    Q = c[1 + n:].reshape(n, n)
    terms = [(float(Q[i, i]) if i == j else float(2 * Q[i, j]),
              f"{names[i]}²" if i == j else f"{names[i]}*{names[j]}", float(rms[i] * rms[j]))
             for i in range(n) for j in range(i, n)]
    terms += [(float(v), names[i], float(rms[i])) for i, v in enumerate(c[1:1 + n])]
    return _poly_text(terms, float(c[0]))


# =========================================================================== the symmetry search
@dataclass(frozen=True)
class ExactCandidate:
    """The exact generators a learned span is within tolerance of, checked against the data.

    Never a proof: the oracle is learned, so the candidate is only as good as the fit. Each
    generator's flow is applied to the held-out rows for a step that moves them by ``step`` of
    the data's spread; the oracle's change, relative to the label's spread, is its residual.
    A random direction's residual (``control``) shows what a non-symmetry gives.

    Attributes
    ----------
    generators : tuple of sympy.ImmutableMatrix
    residuals : tuple of float
        Per generator: RMS change of the oracle / spread of the label, on the held-out rows.
    control : float
        The same for random generators (mean of 8, seeded).
    step : float
    status : str
    """

    generators: tuple[sp.ImmutableMatrix, ...]
    residuals: tuple[float, ...]
    control: float
    step: float
    status: str = "candidate: checked against the held-out data, not proved (the oracle is learned)"

    def to_json(self) -> dict[str, Any]:
        from liealg import io

        return {"generators": [io.matrix_to_json(g) for g in self.generators], "residuals": list(self.residuals),
                "control": self.control, "step": self.step, "status": self.status}


@dataclass(frozen=True, eq=False)
class DataDiscovery:
    """Everything :func:`discover_data` found about a labelled dataset.

    Attributes
    ----------
    fit : FitReport
    support : DataSupport or None
        Equations the features satisfy (None: none were sought).
    dimension : int
        Number of symmetry generators read from the spectrum (0: none).
    spectral_gap : float
        Decades between the symmetries' eigenvalues and the rest, at the cut.
    eigenvalues : numpy.ndarray
        The invariance form's spectrum (network and support equations), ascending, relative to
        its largest.
    oracle_only_dimension, oracle_only_gap : int, float
        The same read from the network alone (which extrapolates off the data's support).
    support_only_dimension : int or None
        The generators that keep the support equations alone (None without equations).
    learned : numpy.ndarray, shape (k, d, d)
        The trained generators (feature units).
    generators : numpy.ndarray, shape (k, d, d)
        The trained span refined against the invariance form (feature units).
    training_angle : float
        Largest principal angle (radians) between the trained span and its refinement.
    canonical : numpy.ndarray, shape (k, d, d)
        The refined span in its canonical basis, still floats: the numeric reduced row echelon
        form (leading 1, zeros in the other pivot entries) in the search coordinates ``x / s``,
        shown in feature units; so(3,1) shows as rotations and boosts up to the fit's noise.
    identification : NumericIdentification or None
        Of the span in the search coordinates ``x / s`` (its ``exact_generators`` too; the name
        does not depend on the units).
    exact : ExactCandidate or None
        The exact candidate in feature units, checked against the held-out rows.
    scales : tuple of sympy.Rational or None
        Powers of ten the search ran in (features of wildly different units), per coordinate of
        a vector.
    search_points : int
    notes : tuple of str
    timings : mapping of str to float
    """

    columns: DataColumns = field(repr=False)
    learned_oracle: LearnedOracle = field(repr=False)
    fit: FitReport
    support: DataSupport | None
    dimension: int
    spectral_gap: float
    eigenvalues: np.ndarray = field(repr=False)
    oracle_only_dimension: int
    oracle_only_gap: float
    support_only_dimension: int | None
    learned: np.ndarray = field(repr=False)
    generators: np.ndarray = field(repr=False)
    training_angle: float
    training_loss: Mapping[str, float]
    canonical: np.ndarray = field(repr=False)
    identification: NumericIdentification | None
    exact: ExactCandidate | None
    scales: tuple[sp.Rational, ...] | None
    search_points: int
    seed: int
    notes: tuple[str, ...]
    timings: Mapping[str, float]

    def __post_init__(self) -> None:
        for name in ("eigenvalues", "learned", "generators", "canonical"):
            a = np.array(getattr(self, name), dtype=np.float64)
            a.setflags(write=False)
            object.__setattr__(self, name, a)
        object.__setattr__(self, "timings", MappingProxyType(dict(self.timings)))
        object.__setattr__(self, "training_loss", MappingProxyType(dict(self.training_loss)))

    @property
    def name(self) -> str | None:
        """The numeric identification's name (None when there is none)."""
        return None if self.identification is None else self.identification.name

    def summary(self) -> str:
        """A readable report (what the command line prints)."""
        c = self.columns
        lines = [f"Data: {c.source}: {len(c.x)} rows; target {', '.join(c.targets)}; features "
                 + " | ".join(" ".join(v) for v in c.vectors)
                 + (f"  ({c.n_vectors} vectors, one {len(c.vectors[0])}x{len(c.vectors[0])} generator acting on each)"
                    if c.n_vectors > 1 else "")]
        lines.append(f"Oracle network: {self.fit.task}, MLP {list(self.fit.hidden)} {self.fit.activation}; "
                     f"{self.fit.describe()}")
        if self.support is not None and self.support.n_equations:
            s = self.support
            lines.append(f"Data support: the data lie on a {s.dimension}-dimensional set in {s.n_features} features "
                         f"({s.codimension} direction(s) normal to it at each point cannot be constrained by the "
                         "data):")
            lines.extend(f"  {eq}" for eq in s.equations)
        lines.append(f"Symmetry search: {self.search_points} data points; dimension {self.dimension} from the spectrum "
                     f"(gap {self.spectral_gap:.1f} decades)")
        if self.support is not None and self.support.n_equations:
            lines.append(f"  the network alone: {self.oracle_only_dimension} (gap {self.oracle_only_gap:.1f}); the "
                         f"support equations alone: {self.support_only_dimension}; generators leaving the data are "
                         "kept out")
        if self.dimension:
            lines.append(f"Generators (learned, refined, in the canonical basis of their span; floats; the trained "
                         f"span lies within {self.training_angle:.1e} rad of the refined one):")
            for i, g in enumerate(self.canonical[:12], 1):
                lines.append(f"  J{i} = " + np.array2string(np.round(g, 3), precision=3, suppress_small=True,
                                                            max_line_width=200).replace("\n", "\n       "))
        ident = self.identification
        if ident is not None:
            lines.append("Lie algebra (numeric): " + str(ident).replace("\n", "\n  "))
        if self.exact is not None:
            e = self.exact
            lines.append(f"Exact candidate ({e.status}):")
            for i, (g, r) in enumerate(zip(e.generators, e.residuals), 1):
                lines.append(f"  E{i} = {g.tolist()}   residual {r:.2e}")
            lines.append(f"  residual of a random direction: {e.control:.2e} (flow moved the held-out rows by "
                         f"{e.step:g} of their spread)")
        for note in self.notes:
            lines.append(f"Note: {note}")
        lines.append("Time: " + ", ".join(f"{k} {v:.2f}s" for k, v in self.timings.items()))
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """The machine-readable result (docs/data.md lists every key)."""
        from liealg import __version__

        c = self.columns
        return {
            "schema": SCHEMA,
            "schema_version": SCHEMA_VERSION,
            "liealg_version": __version__,
            "data": {"source": c.source, "rows": len(c.x), "features": list(c.features),
                     "targets": list(c.targets), "vectors": [list(v) for v in c.vectors]},
            "fit": self.fit.to_json(),
            "support": None if self.support is None else self.support.to_json(),
            "scales": None if self.scales is None else [str(s) for s in self.scales],
            "search": {
                "points": self.search_points, "dimension": self.dimension, "spectral_gap": self.spectral_gap,
                "eigenvalues": [float(v) for v in self.eigenvalues],
                "oracle_only_dimension": self.oracle_only_dimension, "oracle_only_gap": self.oracle_only_gap,
                "support_only_dimension": self.support_only_dimension, "training_angle": self.training_angle,
                "training_loss": {k: float(v) for k, v in self.training_loss.items()},
            },
            "learned": self.learned.tolist(),
            "generators": self.generators.tolist(),
            "canonical": self.canonical.tolist(),
            "identification": None if self.identification is None else self.identification.to_json(),
            "exact_candidate": None if self.exact is None else self.exact.to_json(),
            "seed": self.seed,
            "notes": list(self.notes),
            "timings": {k: round(float(v), 6) for k, v in self.timings.items()},
        }

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write :meth:`to_json` atomically."""
        from liealg import io

        return io.write_json_atomic(path, self.to_json())


class _SearchFunction(nn.Module):
    """The network's outputs and the support equations side by side: a generator must keep both."""

    def __init__(self, outputs: nn.Module, support: Callable[[torch.Tensor], torch.Tensor] | None,
                 network: bool = True) -> None:
        super().__init__()
        self.outputs, self.support, self.network = outputs, support, network

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        parts = [self.outputs(x)] if self.network else []
        if self.support is not None:
            parts.append(self.support(x))
        return torch.cat(parts, dim=1)


def _unit_scales(x: np.ndarray, d: int, k: int) -> tuple[sp.Rational, ...] | None:
    """Powers of ten per coordinate of a vector when the features' spreads differ by more than 100."""
    rms = np.sqrt((x**2).mean(0)).reshape(k, d)
    per = np.exp(np.log(np.clip(rms, 1e-300, None)).mean(0))  # geometric mean over the vectors
    if per.max() <= 100 * per.min():
        return None
    logs = np.round(np.log10(per) - np.median(np.log10(per)))
    if not logs.any():
        return None
    return tuple(sp.Integer(10) ** int(e) for e in logs)


def _search_points(learned: LearnedOracle, sampling: Sampling | None, p: int, seed: int,
                   factors: np.ndarray, flat: float = 0.2) -> tuple[np.ndarray, int]:
    """The data rows the search uses, and how many training rows were left out as flat.

    Rows where the learned label hardly varies (its gradient, in the search coordinates, below
    ``flat`` times its RMS for every output) are left out: there the direction of the gradient
    is the fit's noise, and the invariance form weighs every row alike.
    """
    x_train = learned.x_train
    if sampling is not None and sampling.points is not None:
        pts = np.array(sampling.points)
        lo, hi = learned.columns.x.min(0), learned.columns.x.max(0)
        span = hi - lo
        if pts.shape[1] != x_train.shape[1]:
            raise OptionError(f"the search points must have {x_train.shape[1]} columns, got {pts.shape[1]}")
        outside = np.any((pts < lo - 0.01 * span) | (pts > hi + 0.01 * span), axis=1)
        if outside.any():
            raise OptionError(f"{int(outside.sum())} of the search points lie outside the data's range, where the "
                              "network only extrapolates; sample the data (or leave points out)")
        return pts, 0
    from liealg.oracle import oracle_gradients

    x = torch.tensor(x_train, dtype=torch.float64)
    _, grads = oracle_gradients(learned.module, x)  # (m, o, n)
    size = (grads * torch.as_tensor(factors, dtype=torch.float64)).norm(dim=2)  # d phi / d(x/s)
    rms = size.pow(2).mean(0).sqrt().clamp_min(1e-300)
    varies = ((size / rms) >= flat).any(dim=1).numpy()
    pool = x_train[varies]
    left_out = int((~varies).sum())
    n = (sampling.n if sampling is not None and sampling.n is not None else max(2048, 8 * p))
    if n >= len(pool):
        return pool, left_out
    return pool[np.sort(np.random.default_rng(seed).choice(len(pool), n, replace=False))], left_out


def discover_data(
    X: Any,
    y: Any = None,
    *,
    target: Any = None,
    features: Any = None,
    vectors: Any = None,
    network: OracleNetwork | None = None,
    seed: int = 0,
    support: bool = True,
    support_tol: float = 1e-3,
    sampling: Sampling | None = None,
    training: TrainConfig | None = None,
    losses: LinearLosses | None = None,
    exact: ExactConfig | None = None,
    max_tolerance: float = DEFAULT_MAX_TOLERANCE,
    progress: Callable[[int, Mapping[str, float]], None] | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> DataDiscovery:
    """From a labelled dataset to its symmetry algebra: fit, support, search, identify, check.

    Parameters
    ----------
    X : path, array_like (m, n), DataColumns, or LearnedOracle
        A CSV / Parquet / ``.npz`` file (then ``target`` names the label column(s)), the features
        (then ``y`` holds the labels), chosen columns, or an oracle already fitted.
    y : array_like, optional
        Labels for array features.
    target, features, vectors
        Column names (files): see :func:`select_columns`. For arrays, ``features`` names the
        columns and ``vectors`` is a number of vectors or groups of names.
    network : OracleNetwork, optional
    seed : int
    support : bool
        Seek equations the features satisfy and keep generators tangent to them (default).
    support_tol : float
        Their relative tolerance (:func:`find_support`).
    sampling : Sampling, optional
        ``n``: how many training rows the search uses (default ``max(2048, 8 d^2)``); or
        ``points``: your own, which must lie within the data's range.
    training : TrainConfig, optional
        How the generators train (default: L-BFGS, stopping at the spectrum's floor).
    losses : LinearLosses, optional
    exact : ExactConfig, optional
        ``rationalize=False``: no exact candidate; ``identify=False``: no name;
        ``max_denominator``.
    max_tolerance : float
        The largest tolerance of the numeric identification (default 0.05).
    progress : callable, optional
        ``progress(epoch, losses)`` while the network fits.
    on_stage : callable, optional
        ``on_stage(text)`` as each stage starts.

    Returns
    -------
    DataDiscovery

    Raises
    ------
    InputFileError
        A bad file or column.
    OracleError
        A fit too poor to mean anything (the message gives the figure), or fewer search points
        than the search needs.
    """
    exact = exact or ExactConfig(max_denominator=100)
    stage = on_stage or (lambda text: None)
    timings: dict[str, float] = {}
    t_all = time.perf_counter()
    # ---- 1. the data and the oracle network
    if isinstance(X, LearnedOracle):
        learned = X
    else:
        t0 = time.perf_counter()
        if isinstance(X, (str, os.PathLike)):
            if y is not None:
                raise OptionError("a file holds its own labels: name them with target=..., do not pass y")
            if target is None:
                raise OptionError("name the label column(s) of the file: target='...' (CLI: --target)")
            columns = select_columns(read_table(X), target, features=features, vectors=vectors)
            X, features, vectors = columns, None, None
        timings["read"] = time.perf_counter() - t0
        stage("fitting the oracle network")
        learned = fit_oracle(X, y, features=features, vectors=vectors, network=network, seed=seed,
                             progress=progress)
    timings["fit"] = learned.report.seconds
    report = learned.report
    if not report.acceptable:
        raise OracleError(report.refusal())
    # Small dense work from here on: one torch thread (on a busy 2-core machine two threads made
    # a forward pass over 600 rows 20x slower).
    threads = (network or OracleNetwork()).num_threads
    with torch_threads(threads):
        return _search(learned, seed, support, support_tol, sampling, training, losses, exact, max_tolerance, stage,
                       timings, t_all)


def _search(learned: LearnedOracle, seed: int, support: bool, support_tol: float, sampling: Sampling | None,
            training: TrainConfig | None, losses: LinearLosses | None, exact: ExactConfig, max_tolerance: float,
            stage: Callable[[str], None], timings: dict[str, float], t_all: float) -> DataDiscovery:
    report = learned.report
    notes: list[str] = []
    columns = learned.columns
    n = columns.x.shape[1]
    k = columns.n_vectors
    d = n // k
    # ---- 2. the data's support
    sup: DataSupport | None = None
    if support:
        stage("finding the equations the features satisfy")
        t0 = time.perf_counter()
        sup = find_support(columns.x, names=columns.features, tol=support_tol, seed=seed)
        timings["support"] = time.perf_counter() - t0
        if sup.n_equations:
            notes.append(f"the data lie on a {sup.dimension}-dimensional set in {n} features; {sup.codimension} "
                         "direction(s) normal to it cannot be constrained by the data (the network only "
                         "extrapolates there): generators whose flow leaves the data are kept out of the answer")
    # ---- 3. the search
    stage("the invariance form on the data")
    t0 = time.perf_counter()
    p = d * d
    scales = _unit_scales(columns.x, d, k)
    factors = np.ones(n) if scales is None else np.tile([float(s) for s in scales], k)
    pts, flat_rows = _search_points(learned, sampling, p, seed, factors)
    if flat_rows:
        notes.append(f"{flat_rows} of {report.n_train} training rows, where the learned label is flat (gradient "
                     "below 0.2 of its RMS), were left out of the search: there the gradient's direction is noise")
    if scales is not None:
        notes.append("the features' units differ by orders of magnitude; the search ran in x/s with s = ("
                     + ", ".join(f"{v}: {s}" for v, s in zip(columns.vectors[0], scales))
                     + "); generators are shown in the features' own units")
    g_support = sup.torch_function() if sup is not None and sup.n_equations else None
    n_out = learned.oracle.n_outputs + (sup.n_equations if sup is not None and g_support is not None else 0)
    if len(pts) * n_out < p:
        raise OracleError(f"{len(pts)} search points are fewer than needed: {p} unknowns ({d}x{d} generators) need "
                          f"at least {math.ceil(p / n_out)} points, and several times that to be trusted")
    if len(pts) * n_out < 4 * p:
        notes.append(f"only {len(pts)} search points for {p} unknowns: fewer than a reliable search needs "
                     f"({math.ceil(4 * p / n_out)}); the dimension may be overestimated")

    def scaled_oracle(function: nn.Module) -> Oracle:
        o = Oracle.from_callable(function, n, n_vectors=k, name=learned.oracle.name)
        return o if scales is None else o.rescaled(scales)

    y_pts = torch.as_tensor(pts / factors, dtype=torch.float64)
    search = scaled_oracle(_SearchFunction(learned.module, g_support))
    form = invariance_form(search, y_pts, learned=True)
    evals = form.eigen()[0]
    top = max(float(evals[-1]), 1e-300)
    dim, gap = spectral_dimension(evals, learned=True)
    alone_form = form if g_support is None else invariance_form(scaled_oracle(_SearchFunction(learned.module, None)),
                                                                y_pts, learned=True)
    alone_dim, alone_gap = (dim, gap) if g_support is None else spectral_dimension(alone_form.eigen()[0], learned=True)
    support_dim = None
    if g_support is not None:
        sup_form = invariance_form(scaled_oracle(_SearchFunction(learned.module, g_support, network=False)), y_pts,
                                   learned=True)
        support_dim = spectral_dimension(sup_form.eigen()[0], learned=True)[0]
    timings["form"] = time.perf_counter() - t0
    if dim == 0:
        notes.append(f"the spectrum of the invariance form shows no gap (largest jump {gap:.1f} decades among its "
                     "small eigenvalues): no symmetry can be read from this fit")
    # ---- 4. train the generators, refine against the form
    learned_w = np.zeros((0, d, d))
    refined = np.zeros((0, d, d))  # in the search coordinates x / s
    training_angle = 0.0
    training_loss: dict[str, float] = {}
    S = sp.diag(*scales) if scales is not None else sp.eye(d)
    S_float = np.array(S.evalf(), dtype=np.float64)

    def to_features(w: np.ndarray) -> np.ndarray:  # W = S V S^-1: a generator of x from one of x / s
        return np.einsum("ij,ajk,kl->ail", S_float, w, np.linalg.inv(S_float))

    if dim:
        stage(f"training {dim} generator(s)")
        t0 = time.perf_counter()
        # The form is whitened with the learned rule: its approximate symmetries train to 0.
        result = fit(search, dim, seed=seed, training=training or TrainConfig(), losses=losses, form=form)
        training_loss = dict(result.loss)
        theta = np.asarray(result.theta, dtype=np.float64)
        learned_w = to_features(theta.reshape(dim, d, d))
        refined = np.asarray(result.polished(), dtype=np.float64)
        basis = form.eigen()[1][:, :dim]
        from liealg.exact import principal_angles

        training_angle = float(np.max(principal_angles(theta.reshape(dim, d, d), basis.T.reshape(dim, d, d))))
        timings["train"] = time.perf_counter() - t0
    # ---- 5. numeric identification, and the exact candidate
    ident: NumericIdentification | None = None
    candidate: ExactCandidate | None = None
    if dim and exact.identify:
        stage("identifying the learned algebra (numeric)")
        t0 = time.perf_counter()
        noise = math.sqrt(max(float(evals[dim - 1]) / top, 0.0))
        ident = identify_numeric(refined, max_tolerance=max_tolerance, max_denominator=exact.max_denominator,
                                 noise=min(noise, 0.5), seed=seed)
        timings["identify"] = time.perf_counter() - t0
        if ident.exact_generators is not None and exact.rationalize:
            stage("checking the exact candidate against the held-out data")
            t0 = time.perf_counter()
            S_inv = S.inv()
            in_features = [sp.ImmutableMatrix(S * g * S_inv) for g in ident.exact_generators]
            candidate = _check_candidate(learned, in_features, factors, k, seed)
            timings["check"] = time.perf_counter() - t0
            worst = max(candidate.residuals)
            if worst > 0.3 * candidate.control:
                notes.append(f"an exact generator changes the oracle by {worst:.2g} of the label's spread on the "
                             f"held-out rows, not far below a random direction's {candidate.control:.2g}: "
                             "the candidate is doubtful")
    if report.n_train < 1000:
        notes.append(f"only {report.n_train} training rows: fewer samples than a reliable fit usually needs "
                     "(thousands); treat the result with care")
    if dim == 0 and report.n_train < 2000:
        notes.append(f"with {report.n_train} training rows there are probably fewer samples than needed: the "
                     "network's gradients are too rough to show a gap; more data is the first thing to try")
    timings["total"] = time.perf_counter() - t_all
    return DataDiscovery(
        columns=columns, learned_oracle=learned, fit=report, support=sup, dimension=dim, spectral_gap=gap,
        eigenvalues=evals / top, oracle_only_dimension=alone_dim, oracle_only_gap=alone_gap,
        support_only_dimension=support_dim, learned=learned_w, generators=to_features(refined),
        training_angle=training_angle, training_loss=training_loss, canonical=to_features(_canonical(refined)),
        identification=ident, exact=candidate, scales=scales, search_points=len(pts), seed=seed,
        notes=tuple(notes), timings=timings)


def _canonical(generators: np.ndarray) -> np.ndarray:
    """The numeric RREF basis of a span of matrices (pivots from the left, row-major entries)."""
    k = generators.shape[0]
    if k == 0:
        return generators
    d = generators.shape[1]
    _, s, vh = np.linalg.svd(generators.reshape(k, d * d), full_matrices=False)
    rows = _rref_rows(vh[: int(np.sum(s > 1e-9 * s[0]))], tol=0.05)
    return rows.reshape(-1, d, d)


def _check_candidate(learned: LearnedOracle, generators: Sequence[sp.MatrixBase], factors: np.ndarray, k: int,
                     seed: int, step: float = 0.1) -> ExactCandidate:
    """Residual of each exact generator's flow on the held-out rows, relative to the label's spread."""
    x = torch.as_tensor(learned.x_validation, dtype=torch.float64)
    m, n = x.shape
    d = n // k
    f = torch.as_tensor(factors, dtype=torch.float64)
    module = learned.module
    with torch.no_grad():
        phi0 = module(x)
    if learned.report.task == "regression":
        spread = torch.as_tensor(learned.y_validation.std(0), dtype=torch.float64)
    else:
        spread = phi0.std(0)
    spread = spread.clamp_min(1e-300)
    y = x / f
    size = (y - y.mean(0)).pow(2).sum(1).mean().sqrt()

    def residual(W: np.ndarray) -> float:
        # W acts on each vector in feature units; the step is measured in the scaled units.
        Wt = torch.as_tensor(W, dtype=torch.float64)
        vel = torch.einsum("ij,mkj->mki", Wt, x.reshape(m, k, d)).reshape(m, n) / f
        speed = vel.pow(2).sum(1).mean().sqrt()
        if float(speed) == 0:
            return 0.0
        t = float(step * size / speed)
        g = torch.linalg.matrix_exp(t * Wt)
        x1 = torch.einsum("ij,mkj->mki", g, x.reshape(m, k, d)).reshape(m, n)
        with torch.no_grad():
            change = (module(x1) - phi0) / spread
        return float(change.pow(2).mean().sqrt())

    mats = [np.array(g.evalf(), dtype=np.float64) for g in generators]
    rng = np.random.default_rng(seed)
    control = float(np.mean([residual(rng.normal(size=(d, d))) for _ in range(8)]))
    return ExactCandidate(generators=tuple(sp.ImmutableMatrix(g) for g in generators),
                          residuals=tuple(residual(W) for W in mats), control=control, step=step)


# =========================================================================== figures
def plot_spectrum(result: DataDiscovery, *, path: str | os.PathLike[str] | None = None, ax: Any = None) -> Any:
    """The invariance form's spectrum (log scale, relative), the cut and its gap marked."""
    plt = _pyplot()
    fig = None
    if ax is None:
        fig, ax = plt.subplots(figsize=(5, 3.2))
    ev = np.clip(result.eigenvalues, 1e-18, None)
    idx = np.arange(1, len(ev) + 1)
    colors = ["C3" if i <= result.dimension else "C0" for i in idx]
    ax.scatter(idx, ev, c=colors, s=18, zorder=3)
    ax.set_yscale("log")
    ax.set_xlabel("eigenvalue index")
    ax.set_ylabel("eigenvalue / largest")
    if result.dimension:
        ax.axvline(result.dimension + 0.5, color="k", ls=":", lw=0.8)
        ax.set_title(f"{result.dimension} symmetries, gap {result.spectral_gap:.1f} decades", fontsize=9)
    else:
        ax.set_title("no gap", fontsize=9)
    if fig is not None:
        fig.tight_layout()
        if path is not None:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            fig.savefig(path, dpi=110, bbox_inches="tight")
        return fig
    return ax


def _pyplot() -> Any:
    import matplotlib

    if not os.environ.get("DISPLAY"):
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_data_plots(result: DataDiscovery, directory: str | os.PathLike[str], *, prefix: str = "data") -> list[Path]:
    """Write the figures of a result: the spectrum, the learned generators, the exact candidate."""
    from liealg.plots import plot_generators

    out = Path(directory)
    paths = [out / f"{prefix}_spectrum.png"]
    plot_spectrum(result, path=paths[0])
    if result.dimension:
        paths.append(out / f"{prefix}_generators.png")
        title = f"learned generators, canonical basis ({result.name or 'numeric'})"
        plot_generators(list(result.canonical), title=title, path=paths[-1])
    if result.exact is not None:
        paths.append(out / f"{prefix}_exact.png")
        plot_generators(list(result.exact.generators), title="exact candidate", path=paths[-1])
    _pyplot().close("all")
    return paths
