"""The one training loop: any generators, any loss, one :class:`~liealg.config.TrainConfig`.

What is optimized (a :class:`~liealg.generators.Generators`: matrices or neural vector fields,
or any :class:`Trainable`) is kept apart from how (this module), as optax and equinox do. The
callers -- :func:`liealg.training.fit` for linear generators, :func:`liealg.nonlinear.discover_nonlinear`
for vector fields, the autoencoder and classifier of :mod:`liealg.flows` -- describe their loss
as a function ``loss(active_terms, batch) -> {term: tensor}`` and hand it to :func:`train`, which
owns everything else:

* the optimizer (full-batch L-BFGS with a strong-Wolfe line search, or Adam, optionally over
  seeded minibatches with a cosine schedule);
* stages: a curriculum of growing sets of active terms (linear generators train without the
  closure term until the others converge, then with it);
* early stopping at ``tol``, on a stall (``patience`` epochs without a relative improvement of
  ``min_improvement``), on a wall-clock deadline, on Ctrl-C, or on a non-finite loss;
* the best model (copies of its tensors, not references), the per-epoch history of every term,
  the progress callback, and atomic checkpoints that load with ``weights_only=True``.

It returns an :class:`EngineRun`: the best state, its losses, the history and why it stopped.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol, runtime_checkable

import torch

from liealg.config import TrainConfig
from liealg.errors import InputFileError, OptionError
from liealg.optim import LBFGS, Adam, Optimizer

__all__ = [
    "Trainable",
    "ModuleTrainable",
    "LossFunction",
    "History",
    "EngineRun",
    "Checkpoint",
    "train",
    "torch_threads",
    "resolve_device",
    "torch_dtype",
    "STOP_REASONS",
]

log = logging.getLogger(__name__)

#: Why an attempt ended.
STOP_REASONS = ("converged", "epochs", "stalled", "time", "interrupted", "not finite", "stopped")

#: ``loss(active_terms, batch)``: the weighted terms that are active (a tensor each, in the
#: graph), on a minibatch of sample indices or on every sample (``batch is None``).
LossFunction = Callable[[frozenset[str], "torch.Tensor | None"], Mapping[str, torch.Tensor]]
ProgressCallback = Callable[[int, Mapping[str, float]], None]


@runtime_checkable
class Trainable(Protocol):
    """What the engine needs from a model: its parameters, and copies of its state."""

    def parameters(self) -> Iterator[torch.Tensor]: ...

    def snapshot(self) -> dict[str, torch.Tensor]:
        """Detached copies of every parameter (to keep the best model, or checkpoint it)."""
        ...

    def restore(self, state: Mapping[str, torch.Tensor]) -> None:
        """Load a :meth:`snapshot` back."""
        ...


class ModuleTrainable:
    """A ``torch.nn.Module`` seen as a :class:`Trainable` (its state dict is the snapshot).

    >>> model = ModuleTrainable(torch.nn.Linear(2, 1))
    >>> sorted(model.snapshot())
    ['bias', 'weight']
    """

    def __init__(self, module: torch.nn.Module) -> None:
        self.module = module

    def parameters(self) -> Iterator[torch.Tensor]:
        return self.module.parameters()

    def snapshot(self) -> dict[str, torch.Tensor]:
        return {k: v.detach().clone() for k, v in self.module.state_dict().items()}

    def restore(self, state: Mapping[str, torch.Tensor]) -> None:
        self.module.load_state_dict(dict(state))


@dataclass(frozen=True)
class History:
    """Per-epoch record of training.

    Attributes
    ----------
    terms : mapping of str to tuple of float
        Each weighted loss term per epoch, and ``"total"``.
    angles : tuple of tuple of float
        What the caller's monitor recorded per epoch (for linear generators: the pairwise
        angles in degrees, the talk's "Angles = 90.0°, ...").
    """

    terms: Mapping[str, tuple[float, ...]]
    angles: tuple[tuple[float, ...], ...] = ()

    @property
    def epochs(self) -> int:
        return len(self.terms.get("total", ()))


@dataclass(frozen=True)
class EngineRun:
    """The outcome of one :func:`train` call.

    Attributes
    ----------
    state : mapping of str to torch.Tensor
        The best model's parameters (copies), restored into the model before returning.
    losses : mapping of str to float
        Every term and ``"total"`` for the best model (NaN when no epoch finished).
    history : History
    epochs : int
        Epochs run.
    best_epoch : int
    stop_reason : str
        One of :data:`STOP_REASONS`.
    converged : bool
        ``losses["total"] <= tol``.
    tol : float
    seconds : float
    """

    state: Mapping[str, torch.Tensor] = field(repr=False)
    losses: Mapping[str, float]
    history: History = field(repr=False)
    epochs: int
    best_epoch: int
    stop_reason: str
    converged: bool
    tol: float
    seconds: float

    @property
    def interrupted(self) -> bool:
        return self.stop_reason == "interrupted"


# --------------------------------------------------------------------------- devices, threads
@contextlib.contextmanager
def torch_threads(n: int | None) -> Iterator[None]:
    """Run the block with ``n`` torch intra-op threads, then restore the previous setting.

    Small training problems (a few hundred points, matrices of size ~10) are too small for
    threads to pay off: on a busy 2-core machine two threads made su(3) 15x slower (30 s
    against 2 s) and a squeeze field 13x slower than one. ``None`` leaves torch's setting alone.
    """
    if n is None:
        yield
        return
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise OptionError(f"num_threads must be a positive integer or None, got {n!r}")
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


#: Below this much work per step (k p d multiply-adds for matrices), "auto" trains on one thread.
SINGLE_THREAD_WORK = 10_000_000


def threads_for(config: TrainConfig, work: int, device: torch.device) -> int | None:
    """The thread count :class:`TrainConfig` asks for; ``"auto"``: one thread unless the work is large.

    Torch's intra-op threads pay off only for large products; for the rest they cost
    synchronization, and on a busy machine far more: the SU(5) adjoint potential (24
    generators of 24 x 24) trained in 80 s on two threads under load and in 3.9 s on one.
    """
    if config.num_threads == "auto":
        return 1 if device.type == "cpu" and work <= SINGLE_THREAD_WORK else None
    return config.num_threads


def resolve_device(device: str | torch.device) -> torch.device:
    """A torch device from a name, refusing unknown names and CUDA where there is none."""
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError, ValueError):
        raise OptionError(f"unknown device {device!r}; use 'cpu' or 'cuda' (or 'cuda:0', ...)") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise OptionError(
            f"device {device!r} was requested but this torch has no CUDA support or sees no GPU; use 'cpu'"
        )
    if dev.type not in ("cpu", "cuda"):
        raise OptionError(f"unsupported device {device!r}; use 'cpu' or 'cuda'")
    return dev


def torch_dtype(name: str) -> torch.dtype:
    """``torch.float64`` or ``torch.float32`` from a :class:`TrainConfig` dtype name."""
    return torch.float64 if name == "float64" else torch.float32


# --------------------------------------------------------------------------- checkpoints
class Checkpoint:
    """Periodic training state on disk: written atomically, read with ``weights_only=True``.

    Only tensors, numbers, strings, lists and dicts are stored, so loading never unpickles
    arbitrary objects (a checkpoint from elsewhere cannot run code). ``fingerprint`` names the
    run (oracle, generators, seed, dtype); a checkpoint of another run is refused.
    """

    VERSION = 1

    def __init__(self, path: str | os.PathLike[str], fingerprint: str, every: int):
        self.path, self.fingerprint, self.every = Path(path), fingerprint, every

    def save(self, state: Mapping[str, Any]) -> None:
        payload = {"liealg_checkpoint": self.VERSION, "fingerprint": self.fingerprint, **state}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        torch.save(payload, tmp)
        os.replace(tmp, self.path)

    def load(self) -> dict[str, Any] | None:
        if not self.path.exists():
            return None
        try:
            payload = torch.load(self.path, map_location="cpu", weights_only=True)
        except Exception as exc:  # truncated, not a torch file, or holds code objects
            raise InputFileError(
                f"cannot read the checkpoint {str(self.path)!r}: {exc}. Delete it to start afresh."
            ) from None
        if not isinstance(payload, dict) or payload.get("liealg_checkpoint") != self.VERSION:
            raise InputFileError(f"{str(self.path)!r} is not a liealg checkpoint of version {self.VERSION}")
        if payload.get("fingerprint") != self.fingerprint:
            raise InputFileError(
                f"the checkpoint {str(self.path)!r} belongs to another run ({payload.get('fingerprint')}); "
                f"this run is {self.fingerprint}. Use another path, or the same oracle, generators and seed."
            )
        return payload


# --------------------------------------------------------------------------- the loop
def _optimizer(config: TrainConfig, params: Sequence[torch.Tensor], default_lr: float) -> Optimizer:
    if config.optimizer == "lbfgs":
        # No tolerances: the engine, not L-BFGS, decides when to stop.
        return LBFGS(params, lr=config.lr or 1.0, max_iter=20, history_size=50)
    return Adam(params, lr=config.lr or default_lr, weight_decay=config.weight_decay)


def train(
    model: Trainable,
    loss: LossFunction,
    config: TrainConfig,
    *,
    terms: Sequence[str],
    tol: float,
    epochs: int,
    stages: Sequence[frozenset[str]] | None = None,
    stage_epochs: Callable[[int], int] | None = None,
    patience: int | None = None,
    n_rows: int | None = None,
    seed: int = 0,
    default_lr: float = 1e-2,
    deadline: float | None = None,
    keep: str = "best",
    monitor: Callable[[], tuple[float, ...]] | None = None,
    progress: ProgressCallback | None = None,
    should_stop: Callable[[int, Mapping[str, float]], bool] | None = None,
    checkpoint: Checkpoint | None = None,
    checkpoint_extra: Mapping[str, Any] | None = None,
    resume_state: Mapping[str, Any] | None = None,
) -> EngineRun:
    """Optimize ``model`` under ``loss`` as ``config`` says; return the best state and its record.

    Parameters
    ----------
    model : Trainable
        Its parameters are optimized in place; on return it holds the kept state.
    loss : LossFunction
        ``loss(active, batch)`` returns the weighted terms named in ``active`` (each a scalar
        tensor); the engine minimizes their sum. ``batch`` is a 1-D index tensor over
        ``n_rows`` samples in minibatch mode, else None.
    config : TrainConfig
    terms : sequence of str
        Every term name, in report order.
    tol : float
        The attempt has converged once the full loss (every term) is at most ``tol``.
    epochs : int
        Optimizer steps (minibatch mode: passes over the rows).
    stages : sequence of frozenset of str, optional
        A curriculum: the sets of active terms, in order. Default: one stage with every term.
        A stage ends when its own loss is at most ``tol`` or after ``stage_epochs(epochs)``
        epochs (default ``max(20, epochs // 4)``); convergence is judged in the last stage,
        on its terms. Terms of no stage are never evaluated (NaN in the history).
    patience : int, optional
        In the last stage, stop as "stalled" after this many epochs without a relative
        improvement of ``config.min_improvement`` of the best loss. None: never.
    n_rows : int, optional
        Number of sample rows, for minibatches of ``config.batch_size``.
    seed : int
        Seeds the minibatch order.
    default_lr : float
        Adam's learning rate when ``config.lr`` is None.
    deadline : float, optional
        ``time.perf_counter()`` value past which the run stops as "time".
    keep : {"best", "last"}
        Which state to keep. Minibatch losses are running averages over a moving model, so
        data fitting keeps the last state.
    monitor : callable, optional
        Called after every epoch; its tuple goes into ``history.angles``.
    progress : callable, optional
        ``progress(epoch, losses)`` after every epoch.
    should_stop : callable, optional
        ``should_stop(epoch, losses)`` after every epoch; True ends the run as "stopped" (e.g.
        early stopping on a validation loss that the caller monitors).
    checkpoint : Checkpoint, optional
        Saved every ``checkpoint.every`` epochs and at the end, with ``checkpoint_extra``.
    resume_state : mapping, optional
        A loaded checkpoint to continue from.

    Returns
    -------
    EngineRun

    Examples
    --------
    >>> from liealg.generators import LinearGenerators
    >>> from liealg.generators.linear import MatrixSpace
    >>> model = LinearGenerators(MatrixSpace(2), 1, seed=0)
    >>> def loss(active, batch):   # find a unit antisymmetric 2x2 matrix
    ...     w = model.matrices()[0]
    ...     return {"symmetric": (w + w.T).pow(2).sum(), "norm": ((w * w).sum() - 2).pow(2)}
    >>> run = train(model, loss, TrainConfig(), terms=("symmetric", "norm"), tol=1e-20, epochs=50)
    >>> run.converged, round(abs(float(model.matrices()[0, 0, 1].detach())), 6)
    (True, 1.0)
    """
    if keep not in ("best", "last"):
        raise OptionError(f"keep must be 'best' or 'last', got {keep!r}")
    all_terms = frozenset(terms)
    stages = tuple(stages) if stages else (all_terms,)
    if not config.curriculum:
        stages = stages[-1:]
    stage_limit = stage_epochs(epochs) if stage_epochs else max(20, epochs // 4)
    minibatch = config.batch_size is not None and n_rows is not None
    params = list(model.parameters())
    start = time.perf_counter()

    opt = _optimizer(config, params, default_lr)
    base_lr = opt.lr
    cosine = minibatch and config.optimizer == "adam"  # minibatch Adam anneals its rate to 0
    gen = torch.Generator().manual_seed(int(seed))

    history: dict[str, list[float]] = {t: [] for t in (*terms, "total")}
    angles: list[tuple[float, ...]] = []
    best_total = math.inf
    best_state = model.snapshot()
    best_losses: dict[str, float] = {}
    best_epoch = 0
    stage = 0
    stage_start = 0
    last_improvement = 0
    improvement_ref = math.inf
    first_epoch = 1
    if resume_state is not None:
        model.restore(resume_state["model"])
        best_state = dict(resume_state["best_model"])
        best_total = float(resume_state["best_total"])
        best_losses = {k: float(v) for k, v in resume_state["best_losses"].items()}
        best_epoch = int(resume_state.get("best_epoch", 0))
        history = {k: [float(v) for v in vals] for k, vals in resume_state["history"].items()}
        angles = [tuple(float(a) for a in row) for row in resume_state["angles"]]
        stage = int(resume_state["stage"])
        stage_start = int(resume_state["stage_start"])
        first_epoch = int(resume_state["epoch"]) + 1
        last_improvement = first_epoch - 1
    epoch = first_epoch - 1
    stop_reason = "epochs"

    def save() -> None:
        if checkpoint is None:
            return
        checkpoint.save({
            **(checkpoint_extra or {}),
            "epoch": epoch, "stage": stage, "stage_start": stage_start,
            "model": {k: v.detach().cpu() for k, v in model.snapshot().items()},
            "best_model": {k: v.detach().cpu() for k, v in best_state.items()},
            "best_total": best_total, "best_losses": dict(best_losses), "best_epoch": best_epoch,
            "history": history, "angles": [list(a) for a in angles],
        })

    def total_of(values: Mapping[str, torch.Tensor]) -> torch.Tensor:
        return torch.stack([v.reshape(()) for v in values.values()]).sum()

    try:
        for epoch in range(first_epoch, epochs + 1):
            active = stages[stage]
            if minibatch:
                assert n_rows is not None and config.batch_size is not None
                perm = torch.randperm(n_rows, generator=gen)
                running = 0.0
                for lo in range(0, n_rows, config.batch_size):
                    idx = perm[lo:lo + config.batch_size]
                    opt.zero_grad()
                    value = total_of(loss(active, idx))
                    value.backward()
                    opt.step()
                    running += float(value.detach()) * len(idx)
                if cosine:
                    opt.lr = base_lr * (1 + math.cos(math.pi * epoch / max(1, epochs))) / 2
                current = dict.fromkeys(terms, math.nan)
                current["total"] = running / n_rows
            else:
                def closure(optimizer: Optimizer = opt, on: frozenset[str] = active) -> torch.Tensor:
                    optimizer.zero_grad()
                    value = total_of(loss(on, None))
                    value.backward()
                    return value

                opt.step(closure)
                with torch.no_grad():  # forward-mode products (field brackets) still work here
                    values = {t: float(v) for t, v in loss(active, None).items()}
                # Terms of a later stage are not evaluated yet (NaN in the history); an active
                # term the loss left out has weight 0.
                current = {t: values.get(t, 0.0) if t in active else math.nan for t in terms}
                current["total"] = sum(values.values())
            total = current["total"]
            for t, v in current.items():
                history[t].append(v)
            if monitor is not None:
                angles.append(monitor())
            if not math.isfinite(total):
                log.warning("loss became %s at epoch %d; keeping the best state so far", total, epoch)
                stop_reason = "not finite"
                break
            last_stage = stage + 1 == len(stages)
            # The best model of the last stage is kept (an earlier stage's loss leaves terms out).
            if keep == "last" or total < best_total or not last_stage:
                best_total, best_epoch, best_losses = total, epoch, current
                # Keep the best model for real: copies of the tensors, not references to them.
                best_state = model.snapshot()
            if progress is not None:
                progress(epoch, current)
            if should_stop is not None and should_stop(epoch, current):
                stop_reason = "stopped"
                break
            if last_stage and total <= tol:
                stop_reason = "converged"
                break
            if deadline is not None and time.perf_counter() > deadline:
                stop_reason = "time"
                break
            if not last_stage:
                if total <= tol or epoch - stage_start >= stage_limit:
                    stage, stage_start = stage + 1, epoch  # the next stage, from where this one ended
                    best_total, last_improvement, improvement_ref = math.inf, epoch, math.inf
                    opt = _optimizer(config, params, default_lr)
                    continue
            elif patience is not None:
                if total < improvement_ref * (1 - config.min_improvement):
                    improvement_ref, last_improvement = total, epoch
                elif epoch - max(last_improvement, stage_start) >= patience:
                    stop_reason = "stalled"
                    break
            if checkpoint is not None and epoch % checkpoint.every == 0:
                save()
    except KeyboardInterrupt:
        stop_reason = "interrupted"
        log.warning("training interrupted at epoch %d; returning the best state so far", epoch)
    save()
    model.restore(best_state)
    if not best_losses:
        best_losses = dict.fromkeys((*terms, "total"), math.nan)
    else:  # only what was evaluated for the kept model
        best_losses = {t: v for t, v in best_losses.items() if not (t != "total" and math.isnan(v)) or minibatch}
    return EngineRun(
        state=MappingProxyType(best_state),
        losses=MappingProxyType(dict(best_losses)),
        history=History(terms=MappingProxyType({k: tuple(v) for k, v in history.items()}), angles=tuple(angles)),
        epochs=epoch,
        best_epoch=best_epoch,
        stop_reason=stop_reason,
        converged=bool(best_losses["total"] <= tol),
        tol=tol,
        seconds=time.perf_counter() - start,
    )
