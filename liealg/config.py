"""Frozen option objects shared by every entry point that samples an oracle or trains.

:class:`Sampling` says where the oracle is evaluated; :class:`TrainConfig` says how the one
training engine (:func:`liealg.engine.train`) runs. ``discover``, ``fit``, ``scan``,
``discover_nonlinear``, the latent flows and the sweeps all take these two objects instead of
repeating two dozen keyword arguments, and the command line maps its flags onto them.

Both are immutable and validated when built, so a bad value is refused at once, with the valid
choices, before any work starts:

>>> Sampling(n=512, distribution="uniform", low=0.5, high=2.0).n
512
>>> TrainConfig(optimizer="sgd")
Traceback (most recent call last):
...
liealg.errors.OptionError: unknown optimizer 'sgd'; choose one of: lbfgs, adam
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from liealg.errors import OptionError, ResourceError

__all__ = [
    "Sampling",
    "TrainConfig",
    "ExactConfig",
    "BASES",
    "DISTRIBUTIONS",
    "OPTIMIZERS",
    "DTYPES",
    "check_choice",
    "check_positive_int",
    "require_memory",
    "available_memory",
]

DISTRIBUTIONS = ("normal", "uniform")
OPTIMIZERS = ("lbfgs", "adam")
DTYPES = ("float64", "float32")
#: How the invariance loss of linear generators is evaluated (TrainConfig.invariance).
INVARIANCE_MODES = ("auto", "dense", "matrix_free")


def check_choice(name: str, value: object, choices: Sequence[str]) -> None:
    """Refuse an option value that is not one of ``choices``, listing the valid ones."""
    if value not in choices:
        raise OptionError(f"unknown {name} {value!r}; choose one of: {', '.join(choices)}")


def check_positive_int(name: str, value: object, *, minimum: int = 1, allow_none: bool = False) -> None:
    """Refuse anything but an integer of at least ``minimum`` (booleans are not integers here)."""
    if value is None and allow_none:
        return
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise OptionError(f"{name} must be an integer of at least {minimum}, got {value!r}")


def _check_number(name: str, value: object, *, positive: bool = False, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    ok = isinstance(value, (int, float, np.floating, np.integer)) and not isinstance(value, bool)
    if not ok or not math.isfinite(float(value)) or (positive and not float(value) > 0):  # type: ignore[arg-type]
        what = "a positive number" if positive else "a finite number"
        raise OptionError(f"{name} must be {what}, got {value!r}")


@dataclass(frozen=True, eq=False)
class Sampling:
    """Where the oracle is evaluated: seeded random points, or your own.

    Parameters
    ----------
    n : int, optional
        Number of points. Default: chosen by the problem (a few per unknown for linear
        generators, 1024 for vector fields).
    distribution : {"normal", "uniform"}
        ``N(0, I)`` or uniform in the box ``[low, high]^n``. Points where the oracle is not
        defined (NaN or infinite) are drawn again.
    low, high : float
        The box of ``"uniform"``.
    seed : int, optional
        Seeds the points; ``None`` (default) takes the run's seed.
    points : array_like, shape (m, n_inputs), optional
        Your own points (e.g. the data); then ``n`` and ``distribution`` are not used. Stored
        as a read-only float64 array.

    Examples
    --------
    >>> Sampling(points=[[1.0, 2.0], [3.0, 4.0]]).points.shape
    (2, 2)
    """

    n: int | None = None
    distribution: str = "normal"
    low: float = -1.0
    high: float = 1.0
    seed: int | None = None
    points: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        check_choice("distribution", self.distribution, DISTRIBUTIONS)
        check_positive_int("the number of samples", self.n, minimum=2, allow_none=True)
        _check_number("low", self.low)
        _check_number("high", self.high)
        if self.distribution == "uniform" and not self.high > self.low:
            raise OptionError(f"uniform sampling needs low < high, got low={self.low}, high={self.high}")
        if self.seed is not None:
            check_positive_int("the sampling seed", self.seed, minimum=0)
        if self.points is not None:
            points = self.points
            if type(points).__module__.startswith("torch"):  # a tensor: through its own numpy view
                points = points.detach().cpu().numpy()  # type: ignore[attr-defined]
            try:
                pts = np.array(points, dtype=np.float64)  # a copy: the caller's array stays theirs
            except (TypeError, ValueError):
                raise OptionError("points must be a numeric array of shape (m, n_inputs)") from None
            if pts.ndim != 2 or pts.shape[0] < 2:
                raise OptionError(f"points must have shape (m, n_inputs) with m >= 2, got shape {pts.shape}")
            if not np.isfinite(pts).all():
                raise OptionError("points contain NaN or infinity; give finite coordinates")
            pts.setflags(write=False)
            object.__setattr__(self, "points", pts)

    def replace(self, **changes: object) -> Sampling:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class TrainConfig:
    """How the training engine runs: optimizer, budget, precision, device.

    Parameters
    ----------
    optimizer : {"lbfgs", "adam"}
        Full-batch L-BFGS with a strong-Wolfe line search (default), or Adam.
    lr : float, optional
        Learning rate (default 1 for L-BFGS; for Adam 1e-2 for matrices, 1e-3 for fields).
    epochs : int, optional
        Optimizer steps (default: set by the problem, e.g. 500 L-BFGS steps for matrices).
    tol : float, optional
        Stop once the total loss is at most ``tol`` (default: set by the problem and dtype).
    dtype : {"float64", "float32"}
    device : str
        A torch device name, "cpu" (default) or "cuda".
    max_seconds : float, optional
        Wall-clock budget of the whole run; past it the best result so far is returned and
        marked as stopped for time.
    restarts : int
        Extra attempts from new seeded starting points when one stalls above ``tol``.
    curriculum : bool
        Train in stages (e.g. without the closure term first), when the problem defines them.
    patience : int, optional
        Stop an attempt after this many epochs without a relative improvement of
        ``min_improvement`` (default: set by the problem).
    min_improvement : float
    num_threads : int, "auto" or None
        Torch threads while training: "auto" (default) uses one thread for small problems,
        where more only cost synchronization on a busy machine; None keeps torch's setting.
    batch_size : int, optional
        Minibatches over the samples (data fitting with Adam); full batch by default.
    weight_decay : float
        Adam's weight decay (minibatch data fitting).
    checkpoint : str, optional
        Save the training state there periodically (atomically); ``resume`` continues from it.
    checkpoint_every : int
    resume : bool
    invariance : {"auto", "dense", "matrix_free"}
        How the invariance loss of linear generators is evaluated. "dense" precomputes the
        ``p x p`` invariance form (``p = d^2``; its spectrum gives the dimension and the polish);
        "matrix_free" never forms it: the loss is the weighted sum of squared Lie derivatives
        ``grad f(x_i) . (W x_i)`` over the samples, a batched product (memory ``m d``, not
        ``p^2``), and the dimension comes from the smallest eigenvalues of the same operator
        by LOBPCG. "auto" (default) takes the dense form unless it would pass
        ``memory_budget``.
    memory_budget : float, optional
        Bytes the dense invariance form may take before "auto" switches to "matrix_free"
        (default: a quarter of the available memory).

    Examples
    --------
    >>> TrainConfig(epochs=200, max_seconds=60).epochs
    200
    """

    optimizer: str = "lbfgs"
    lr: float | None = None
    epochs: int | None = None
    tol: float | None = None
    dtype: Literal["float64", "float32"] = "float64"
    device: str = "cpu"
    max_seconds: float | None = None
    restarts: int = 2
    curriculum: bool = True
    patience: int | None = None
    min_improvement: float = 1e-6
    num_threads: int | Literal["auto"] | None = "auto"
    batch_size: int | None = None
    weight_decay: float = 0.0
    checkpoint: str | None = None
    checkpoint_every: int = 10
    resume: bool = False
    invariance: str = "auto"
    memory_budget: float | None = None

    def __post_init__(self) -> None:
        check_choice("optimizer", self.optimizer, OPTIMIZERS)
        dtype = _dtype_name(self.dtype)
        object.__setattr__(self, "dtype", dtype)
        _check_number("lr", self.lr, positive=True, allow_none=True)
        check_positive_int("epochs", self.epochs, allow_none=True)
        _check_number("tol", self.tol, positive=True, allow_none=True)
        _check_number("max_seconds", self.max_seconds, positive=True, allow_none=True)
        check_positive_int("restarts", self.restarts, minimum=0)
        check_positive_int("patience", self.patience, allow_none=True)
        _check_number("min_improvement", self.min_improvement)
        if self.num_threads not in ("auto", None):
            check_positive_int("num_threads", self.num_threads)
        check_positive_int("batch_size", self.batch_size, allow_none=True)
        _check_number("weight_decay", self.weight_decay)
        check_positive_int("checkpoint_every", self.checkpoint_every)
        if not isinstance(self.device, str) or not self.device:
            raise OptionError(f"device must be a name such as 'cpu' or 'cuda', got {self.device!r}")
        if self.checkpoint is not None:
            object.__setattr__(self, "checkpoint", str(self.checkpoint))
        check_choice("invariance", self.invariance, INVARIANCE_MODES)
        _check_number("memory_budget", self.memory_budget, positive=True, allow_none=True)
        if self.resume and self.checkpoint is None:
            raise OptionError("resume=True needs checkpoint=PATH (CLI: --checkpoint PATH --resume)")

    def replace(self, **changes: object) -> TrainConfig:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


def _dtype_name(dtype: object) -> str:
    """"float64"/"float32" from a name or a torch dtype (without importing torch here)."""
    name = str(dtype).removeprefix("torch.")
    if name not in DTYPES:
        raise OptionError(f"dtype must be one of: {', '.join(DTYPES)}; got {dtype!r}")
    return name


BASES = ("rref", "orthonormal")


@dataclass(frozen=True)
class ExactConfig:
    """What :func:`liealg.discover` does after training: exact generators, proofs, a name.

    Parameters
    ----------
    rationalize : bool
        Turn the learned floats into exact matrices and certify them (default). ``False``
        stops after training.
    basis : {"rref", "orthonormal"}
        Canonical exact basis: the reduced row echelon form of the span (so(n) as
        ``E_ij - E_ji``), or its Gram-Schmidt orthonormalization with ``tr(W W^dagger) = 2``
        (Gell-Mann-like for su(n)).
    compare : bool
        For polynomial oracles, also run the exact solver and report ``matches_exact``.
    identify : bool
        Name the algebra.
    max_denominator : int
        Largest denominator a recognized rational may have.

    Examples
    --------
    >>> ExactConfig(basis="orthonormal").basis
    'orthonormal'
    """

    rationalize: bool = True
    basis: str = "rref"
    compare: bool = True
    identify: bool = True
    max_denominator: int = 1000

    def __post_init__(self) -> None:
        check_choice("basis", self.basis, BASES)
        check_positive_int("max_denominator", self.max_denominator)
        for name in ("rationalize", "compare", "identify"):
            if not isinstance(getattr(self, name), bool):
                raise OptionError(f"{name} must be True or False, got {getattr(self, name)!r}")


def available_memory() -> int:
    """Bytes of memory this process may plan to use: the machine's available memory (Linux
    ``MemAvailable``), or its physical memory where that is not readable."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    import os

    return int(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))


def require_memory(nbytes: float, what: str, hint: str = "") -> None:
    """Refuse, before allocating, a request that would not fit in memory (with the figures).

    Examples
    --------
    >>> require_memory(1e3, "a tiny array")
    >>> require_memory(1e18, "q")
    Traceback (most recent call last):
    ...
    liealg.errors.ResourceError: q needs about 1e+06 TB of memory; this machine has ...
    """
    available = available_memory()
    if nbytes > 0.8 * available:
        raise ResourceError(
            f"{what} needs about {_bytes(nbytes)} of memory; this machine has {_bytes(available)} available"
            + (f"; {hint}" if hint else "")
        )


def _bytes(n: float) -> str:
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n:.0f} bytes"
