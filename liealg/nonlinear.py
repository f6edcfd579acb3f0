"""Non-linear symmetries: neural vector fields ``v(x)`` with ``x' = x + eps v(x)``.

A linear generator moves every point by ``W x``; a non-linear one by ``v(x)``, a vector field
given by a small network (the talk's eq. 3: ``NN(x) = (x' - x) / eps``). :func:`discover_nonlinear`
learns ``k`` such fields with the method's loss, adapted to fields:

* **invariance** -- the Lie derivative ``v . grad phi`` must vanish on the samples (the
  ``eps -> 0`` limit of eq. 4, without its finite-``eps`` bias); ``grad phi`` is computed once,
  since the oracle does not change during training;
* **normalization** -- ``mean_i |v_a(x_i)|^2 = 1`` per field: ``v = 0`` (the identity map
  ``x' = x``, the trivial "symmetry") scores 1 and is ruled out, and the overall scale of ``v``,
  which no symmetry condition fixes, is pinned;
* **speed** -- a floor on ``|v_a(x_i)|`` relative to the field's RMS speed at *every* sample
  (:func:`liealg.losses.field_speed`): the mean normalization alone lets a field be large on a
  few samples and vanish on the rest (for ``|x1| + |x2|`` it did, on 55 % of them), a weak form of
  the trivial solution. The floor falls to 0 only where the oracle is flat;
* **orthogonality** -- distinct fields. ``"pointwise"`` (default) asks ``v_a(x) . v_b(x) = 0`` at
  every sample; ``"global"`` asks only for the talk's eq. 6 inner product, averaged over the
  samples, to vanish (see :func:`orthogonality_loss` for why pointwise is the default here);
* **closure** (optional) -- the Lie bracket of vector fields
  ``[v_a, v_b] = (J v_b) v_a - (J v_a) v_b`` (Jacobian-vector products, ``torch.func.jvp``) must
  lie in the span of the fields, ``[v_a, v_b] = f_ab^c v_c``, with the structure constants ``f``
  learned as one ``(k, k, k)`` tensor;
* **flow** (optional) -- invariance of the finite step ``x + eps v(x)`` (the talk's eq. 4 itself);
* **curvature** (optional) -- a finite-difference second derivative of ``v``: it prefers the
  least-curved field, which picks an affine symmetry when one exists (the learned field then
  fits a polynomial exactly, see :func:`liealg.exact.polyfields.fit_polynomial_field`).

Why a single oracle has so many non-linear symmetries: if ``v`` preserves ``phi`` then so does
``g(x) v(x)`` for *any* function ``g`` (it moves points along the same curves, at another speed).
In 2-D every symmetry of ``phi = x1 x2`` is ``g(x) (x1, -x2)``; the learned field is "the
squeeze mapping up to a function", and :func:`hamiltonian_field` gives the reference direction.

A small loss is not enough to call a field found: :class:`FieldCheck` also asks every field to
move (its **coverage**, the fraction of samples where ``|v| >= 0.1 RMS|v|``) and to be tangent
to the level sets where it moves (its **tangency**, the median ``|cos(v, grad phi)|``: small is
good, 0 is exactly tangent). Both are measured by :func:`measure_fields`, reported, and part of
``converged``. A single oracle in ``n`` dimensions has level sets of dimension ``n - 1``, so at
most ``n - 1`` fields are pointwise independent (:func:`max_fields`); more are refused before
any training, and :func:`scan_fields` stops there.

Also here: :func:`integrate_flow` (RK4 / Euler integration of a field), :func:`oracle_drift`
(how much the oracle changes along a finite flow), :func:`plot_vector_field` (the talk's grid
of transformation vectors over the oracle's contours, with flow lines), :func:`field_grid`
(the learned field on a regular grid, as JSON) and :func:`report_nonlinear` (the human-readable
report the CLI prints).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from liealg import losses as L
from liealg.config import Sampling, TrainConfig, check_choice, check_positive_int
from liealg.engine import resolve_device, threads_for, torch_dtype, torch_threads, train
from liealg.errors import OptionError, OracleError, ResourceError
from liealg.generators.fields import (
    ACTIVATIONS,
    NeuralVectorFields,
    SingleField,
    TangentFields,
    normal_basis,
    project_tangent,
)
from liealg.oracle import Oracle, oracle_gradients, points_for

if TYPE_CHECKING:  # matplotlib is imported lazily, only by the plotting function
    from matplotlib.axes import Axes

__all__ = [
    "discover_nonlinear",
    "NonlinearDiscovery",
    "FieldLosses",
    "FieldNetwork",
    "FieldCheck",
    "FieldFigures",
    "measure_fields",
    "max_fields",
    "scan_fields",
    "FieldScan",
    "field_grid",
    "NONLINEAR_TERMS",
    "integrate_flow",
    "oracle_drift",
    "FlowDrift",
    "hamiltonian_field",
    "alignment",
    "plot_vector_field",
    "save_field_plots",
    "report_nonlinear",
    "nonlinear_to_json",
    "INTEGRATORS",
]

log = logging.getLogger(__name__)

#: The loss terms, in the order they are reported.
NONLINEAR_TERMS = ("invariance", "normalization", "speed", "orthogonality", "closure", "flow", "curvature")


@dataclass(frozen=True)
class FieldNetwork:
    """The shape of each field's MLP.

    Parameters
    ----------
    hidden : tuple of int
        Hidden widths; ``()`` gives affine fields ``v(x) = A x + b``. Default ``(32, 32)``: on the
        L1 norm it reached the default tolerance in 107 L-BFGS epochs against 164 for ``(64, 64)``,
        each epoch cheaper (48 s against 72 s on a busy 2-core machine).
    activation : {"tanh", "silu", "gelu", "softplus", "relu"}
        Smooth activations suit the Jacobian-vector products of closure and curvature.
    tangent : bool
        Project each field onto the level sets of the oracle at every point
        (:class:`~liealg.generators.fields.TangentFields`): invariant by construction, and
        training chooses smooth, independent directions within the level sets. Off by default
        (the fields learn the invariance, as in the method); on for the latent flows, where the
        oracle is a network with ten outputs. Not with closure.
    """

    hidden: tuple[int, ...] = (32, 32)
    activation: str = "tanh"
    tangent: bool = False

    def __post_init__(self) -> None:
        try:
            hidden = tuple(int(h) for h in self.hidden)
        except (TypeError, ValueError):
            raise OptionError(f"hidden must be a sequence of layer widths like (64, 64), got {self.hidden!r}") from None
        if any(h < 1 for h in hidden):
            raise OptionError(f"hidden layer widths must be positive, got {hidden}")
        object.__setattr__(self, "hidden", hidden)
        check_choice("activation", self.activation, tuple(ACTIVATIONS))
        if not isinstance(self.tangent, bool):
            raise OptionError(f"tangent must be True or False, got {self.tangent!r}")


@dataclass(frozen=True)
class FieldLosses:
    """Weights and forms of the loss terms for vector fields (:data:`NONLINEAR_TERMS`).

    Parameters
    ----------
    invariance, normalization, orthogonality : float
        Weights of the always-on terms (see :mod:`liealg.losses`).
    speed : float
        Weight of the speed floor (:func:`liealg.losses.field_speed`): every field must move at
        least ``min_speed`` times its RMS speed at every sample where the oracle is not flat.
        On by default (1); 0 turns it off and lets a field vanish on most samples.
    closure : float
        Weight of the closure term, with learned structure constants; 0 (default) is off.
    flow : float
        Weight of the finite-step invariance (eq. 4 at ``eps``); 0 is off.
    curvature : float
        Weight of the curvature term, which prefers the least-curved field (an affine one
        when it exists); 0 is off.
    normalization_mode : {"mean", "pointwise"}
        ``mean |v|^2 = 1`` (default; with the speed floor, the speed may vary from 0.2 to
        several times its RMS) or ``|v| = 1`` at every sample (uniform speed; slower to train
        where every symmetry must vanish, as at the origin of ``x1 x2``).
    min_speed : float
        The floor, ``f`` in :func:`liealg.losses.speed_floor`, from 0 to 1 (default 0.2).
    orthogonality_mode : {"pointwise", "global"}
    eps : float
        Step of the ``flow`` term.

    Examples
    --------
    >>> FieldLosses(curvature=1e-3).weights()["curvature"]
    0.001
    """

    invariance: float = 1.0
    normalization: float = 1.0
    speed: float = 1.0
    orthogonality: float = 1.0
    closure: float = 0.0
    flow: float = 0.0
    curvature: float = 0.0
    normalization_mode: str = "mean"
    min_speed: float = 0.2
    orthogonality_mode: str = "pointwise"
    eps: float = 0.1

    def __post_init__(self) -> None:
        for name in NONLINEAR_TERMS:
            value = getattr(self, name)
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if not number or not value >= 0 or not math.isfinite(value):
                raise OptionError(f"weight {name!r} must be a finite non-negative number, got {value!r}")
        check_choice("normalization mode", self.normalization_mode, L.FIELD_NORMALIZATIONS)
        check_choice("orthogonality mode", self.orthogonality_mode, L.FIELD_ORTHOGONALITIES)
        if not (isinstance(self.eps, (int, float)) and self.eps > 0 and math.isfinite(self.eps)):
            raise OptionError(f"eps must be positive, got {self.eps!r}")
        ok = isinstance(self.min_speed, (int, float)) and not isinstance(self.min_speed, bool)
        if not ok or not 0 <= self.min_speed < 1:
            raise OptionError(f"min_speed must be a number from 0 to below 1 (a fraction of the RMS speed), "
                              f"got {self.min_speed!r}")

    def weights(self) -> dict[str, float]:
        """The weight of every term, by name."""
        return {name: float(getattr(self, name)) for name in NONLINEAR_TERMS}


@dataclass(frozen=True)
class FieldCheck:
    """What a learned field must show, besides a small loss, to count as found.

    A loss near zero is not enough: a field that is large on a few samples and nearly zero on
    the rest scores a tiny invariance loss while moving almost nothing, and where it is small
    its direction is not pinned down. So every field must also move and be tangent.

    Parameters
    ----------
    speed : float
        A sample is *covered* by a field when ``|v(x)| >= speed * RMS|v|`` (default 0.1).
    coverage : float
        The fraction of covered samples every field needs (default 0.9).
    tangency : float
        The largest median tangency allowed (default 0.05): the sine of the angle between
        ``v`` and the level set, ``|cos(v, grad phi)|`` for one oracle. **Small is good**; 0 is
        exactly tangent, 1 is straight across the level sets.

    Examples
    --------
    >>> FieldCheck(coverage=0.95).coverage
    0.95
    """

    speed: float = 0.1
    coverage: float = 0.9
    tangency: float = 0.05

    def __post_init__(self) -> None:
        for name in ("speed", "coverage", "tangency"):
            value = getattr(self, name)
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            if not ok or not 0 <= value <= 1:
                raise OptionError(f"FieldCheck.{name} must be a number from 0 to 1, got {value!r}")


@dataclass(frozen=True)
class FieldFigures:
    """How much each field moves, and how tangent it is (:func:`measure_fields`).

    Attributes
    ----------
    coverage : tuple of float
        Per field: the fraction of samples with ``|v| >= speed * RMS|v|``.
    tangency : tuple of float
        Per field: the median over the samples of the sine of the angle between ``v`` and the
        level set (``|cos(v, grad phi)|`` for one oracle). Small is good; 0 is tangent.
    tangency_p90 : tuple of float
        The same, 90th percentile.
    invariance : tuple of float
        Per field: ``mean (v . grad phi)^2 / (mean |v|^2 mean |grad phi|^2)``, free of the
        field's scale: 0 for a symmetry, about ``1/n`` for a random field.
    speed : float
        The coverage threshold used.
    """

    coverage: tuple[float, ...]
    tangency: tuple[float, ...]
    tangency_p90: tuple[float, ...]
    invariance: tuple[float, ...]
    speed: float

    def failures(self, check: FieldCheck) -> tuple[str, ...]:
        """Why these figures fail ``check`` (empty when they pass)."""
        out = []
        for a, (cov, tan) in enumerate(zip(self.coverage, self.tangency)):
            if not cov >= check.coverage:
                out.append(f"field {a + 1} moves on {cov:.1%} of the samples (|v| >= {check.speed:g} RMS), "
                           f"below the {check.coverage:.0%} required")
            if not tan <= check.tangency:
                out.append(f"field {a + 1} is not tangent to the level sets: median |cos(v, grad phi)| "
                           f"{tan:.3f} > {check.tangency:g}")
        return tuple(out)

    def to_json(self) -> dict[str, Any]:
        return {"coverage": list(self.coverage), "tangency": list(self.tangency),
                "tangency_p90": list(self.tangency_p90), "relative_invariance": list(self.invariance),
                "coverage_speed": self.speed}


# =========================================================================== results
@dataclass(frozen=True, eq=False)  # holds tensors and modules: compared by identity
class NonlinearDiscovery:
    """Vector fields learned by :func:`discover_nonlinear`.

    Attributes
    ----------
    oracle : Oracle
    fields : NeuralVectorFields or TangentFields
        The best fields found (not the last): ``fields(x)`` has shape ``(m, k, n)``;
        ``fields.field(a)`` is field ``a`` alone. Frozen (no gradients), in eval mode.
    structure_constants : numpy.ndarray, shape (k, k, k), or None
        Learned ``f_ab^c`` with ``[v_a, v_b] ~ f_ab^c v_c`` when closure is on.
    losses : mapping of str to float
        Each weighted term of :data:`NONLINEAR_TERMS` and ``"total"``, for the kept model.
    history : mapping of str to tuple of float
        The same, per epoch (one optimizer step).
    converged : bool
        ``losses["total"] <= tol`` **and** every field passes ``check`` (it moves on enough of
        the samples and is tangent to the level sets there); :attr:`failures` says what failed.
    loss_converged : bool
        ``losses["total"] <= tol`` alone.
    figures : FieldFigures
        Coverage, tangency and relative invariance of every field, on the samples.
    check : FieldCheck
        The thresholds ``converged`` applied to ``figures``.
    max_fields : int
        The most pointwise independent fields this oracle allows on the samples,
        ``n - rank(grad phi)`` (:func:`max_fields`).
    tol : float
    epochs : int
        Epochs run (early stopping may end training before the budget).
    best_epoch : int
        The epoch whose model was kept.
    seconds : float
    seed : int
    weights : mapping of str to float
        The weights used.
    samples : torch.Tensor, shape (m, n)
        The training points.
    invariance_scale : float
        ``mean_i sum_j |grad phi_j(x_i)|^2`` on the samples (the invariance term divides by it).
    stop_reason : str
        Why training ended (see :data:`liealg.engine.STOP_REASONS`).
    """

    oracle: Oracle
    fields: NeuralVectorFields | TangentFields
    structure_constants: np.ndarray | None
    losses: Mapping[str, float]
    history: Mapping[str, tuple[float, ...]] = field(repr=False)
    converged: bool
    loss_converged: bool
    figures: FieldFigures
    check: FieldCheck
    max_fields: int
    tol: float
    epochs: int
    best_epoch: int
    seconds: float
    seed: int
    weights: Mapping[str, float]
    samples: torch.Tensor = field(repr=False)
    invariance_scale: float
    stop_reason: str = "converged"
    normalization_mode: str = "mean"

    @property
    def coverage(self) -> tuple[float, ...]:
        """Per field: the fraction of samples where it moves (see :class:`FieldFigures`)."""
        return self.figures.coverage

    @property
    def tangency(self) -> tuple[float, ...]:
        """Per field: the median ``|cos(v, grad phi)|`` (small is good; see :class:`FieldFigures`)."""
        return self.figures.tangency

    @property
    def failures(self) -> tuple[str, ...]:
        """Why the run is not ``converged`` (empty when it is)."""
        out = []
        if not self.loss_converged:
            out.append(f"loss {self.losses['total']:.2e} > tol {self.tol:.0e} ({self.stop_reason})")
        return (*out, *self.figures.failures(self.check))

    @property
    def interrupted(self) -> bool:
        """Training was stopped with Ctrl-C; the best fields so far are kept."""
        return self.stop_reason == "interrupted"

    @property
    def n_fields(self) -> int:
        return self.fields.k

    def field(self, a: int) -> SingleField:
        """Field ``a`` as a callable ``(m, n) -> (m, n)``."""
        return self.fields.field(a)

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        """All fields at ``x``: shape ``(m, k, n)``."""
        return self.fields(x)


# =========================================================================== training
def _default_tol(dtype: str) -> float:
    # Loss at which training stops: 1e-6 in float64 (a hundred times below the 1e-4 at which
    # finite flows are visibly invariant), 1e-4 in float32 (near its noise floor for these sums).
    return 1e-6 if dtype == "float64" else 1e-4


def discover_nonlinear(
    oracle: Oracle,
    n_fields: int = 1,
    *,
    seed: int = 0,
    network: FieldNetwork | None = None,
    losses: FieldLosses | None = None,
    sampling: Sampling | None = None,
    training: TrainConfig | None = None,
    check: FieldCheck | None = None,
    progress: Callable[[int, Mapping[str, float]], None] | None = None,
) -> NonlinearDiscovery:
    """Learn ``n_fields`` non-linear vector fields that preserve ``oracle``.

    Parameters
    ----------
    oracle : Oracle
        A formula or callable oracle on ``n = oracle.n_inputs`` real coordinates.
    n_fields : int
        ``k``, the number of fields learned together. With pointwise orthogonality (the
        default) at most :func:`max_fields` (``n - 1`` for one oracle in ``n`` dimensions);
        more are refused before training.
    seed : int
        Seeds the samples (unless ``sampling.seed`` is set) and the initial fields.
    network : FieldNetwork, optional
        Hidden widths and activation of each field's MLP (default ``(32, 32)``, tanh).
    losses : FieldLosses, optional
        Weights and forms of the loss terms.
    sampling : Sampling, optional
        Training points: ``Sampling(points=...)`` for your own (e.g. the latent codes of a data
        set); otherwise ``n`` (default 1024) seeded points.
    training : TrainConfig, optional
        Defaults for fields: 300 L-BFGS steps (5000 for Adam, learning rate 1e-3), tol 1e-6 in
        float64 (1e-4 in float32), stop after 50 epochs without a 1e-3 relative improvement,
        one CPU thread.
    check : FieldCheck, optional
        What ``converged`` asks of every field besides a small loss: coverage 0.9 at speed
        0.1 RMS, tangency 0.05 (the defaults).
    progress : callable, optional
        ``progress(epoch, losses)`` after every epoch. Silent by default.

    Returns
    -------
    NonlinearDiscovery

    Raises
    ------
    OptionError
        For an unknown option (the message lists the valid ones), or more fields than the
        oracle allows (:func:`max_fields`).
    OracleError
        For bad samples, or an oracle that is not finite on them.

    Examples
    --------
    >>> result = discover_nonlinear(Oracle("x1*x2"), network=FieldNetwork(hidden=(32, 32)),
    ...                             sampling=Sampling(n=256), seed=0)
    >>> result.converged, result.losses["invariance"] < 1e-5, result.coverage[0] > 0.9
    (True, True, True)
    """
    network = network or FieldNetwork()
    losses = losses or FieldLosses()
    sampling = sampling or Sampling()
    training = training or TrainConfig()
    check = check or FieldCheck()
    for name, value, kind in (("network", network, FieldNetwork), ("losses", losses, FieldLosses),
                              ("sampling", sampling, Sampling), ("training", training, TrainConfig),
                              ("check", check, FieldCheck)):
        if not isinstance(value, kind):
            raise OptionError(f"{name} must be a {kind.__name__}, got {type(value).__name__}")
    if not isinstance(oracle, Oracle):
        raise OracleError(
            f"discover_nonlinear needs an Oracle, got {type(oracle).__name__}; wrap a formula with Oracle(...) "
            "or a torch function with Oracle.from_callable(f, n)"
        )
    if isinstance(n_fields, bool) or not isinstance(n_fields, int) or not 1 <= n_fields <= 64:
        raise OptionError(f"n_fields must be an integer from 1 to 64, got {n_fields!r}")
    if progress is not None and not callable(progress):
        raise OptionError(f"progress must be None or a callable progress(epoch, losses), got {progress!r}")
    device = resolve_device(training.device)
    threads = 1 if training.num_threads == "auto" and device.type == "cpu" else threads_for(training, 0, device)
    with torch_threads(threads):
        return _discover(oracle, n_fields, seed, network, losses, sampling, training, check, device, progress)


def _discover(oracle: Oracle, n_fields: int, seed: int, network: FieldNetwork, losses: FieldLosses,
              sampling: Sampling, training: TrainConfig, check: FieldCheck, device: torch.device,
              progress: Callable[[int, Mapping[str, float]], None] | None) -> NonlinearDiscovery:
    n = oracle.n_inputs
    dtype = torch_dtype(training.dtype)
    tol = _default_tol(training.dtype) if training.tol is None else float(training.tol)
    w = losses.weights()
    start = time.perf_counter()

    # --- samples, the oracle and its gradient there (computed once: phi is fixed)
    x = points_for(oracle, sampling, seed=seed, default_n=1024, device=device)
    y, grads = oracle_gradients(oracle, x)
    if not torch.isfinite(grads).all():
        raise OracleError(
            f"the gradient of {oracle.formula_text()} is not finite on the samples; sample where the oracle "
            "is differentiable (e.g. Sampling(distribution='uniform', low=0.5, high=2))"
        )
    gscale = float(grads.pow(2).sum((1, 2)).mean())
    if gscale == 0.0:
        log.warning("the oracle is constant on the samples: every field preserves it")
        gscale = 1.0
    bound = n - _gradient_rank(grads)
    if losses.orthogonality_mode == "pointwise" and n_fields > bound:
        raise OptionError(_too_many_fields(oracle, n_fields, bound))
    x, y, grads = x.to(dtype), y.to(dtype), grads.to(dtype)
    floor = L.speed_floor(grads, losses.min_speed)
    if network.tangent and w["closure"] > 0:
        raise OptionError("closure is not available for tangent fields (FieldNetwork(tangent=True)); "
                          "use one or the other")
    basis = normal_basis(grads) if network.tangent else None

    # --- the model, seeded; learned structure constants as one tensor
    gen = torch.Generator(device="cpu").manual_seed(int(seed))
    center = x.mean(0)
    spread = x.std(0).clamp_min(1e-12) if x.shape[0] > 1 else torch.ones_like(center)
    model = _FieldModel(NeuralVectorFields(n, n_fields, hidden=network.hidden, activation=network.activation,
                                           center=center, scale=spread, dtype=dtype, device=device, generator=gen),
                        learn_structure_constants=w["closure"] > 0 and n_fields > 1)
    directions = None
    h = 0.0
    if w["curvature"] > 0:
        u = torch.randn(x.shape[0], n, generator=gen, dtype=torch.float64).to(device=device, dtype=dtype)
        directions = u / u.norm(dim=1, keepdim=True).clamp_min(1e-12)
        h = 0.05 * float(spread.mean())  # a step small against the samples' spread
    fields = model.fields
    projected = None if basis is None else _tangent_fields(fields, oracle)

    def loss(active: frozenset[str], batch: torch.Tensor | None) -> dict[str, torch.Tensor]:
        out: dict[str, torch.Tensor] = {}
        if model.f is not None and "closure" in active:
            v, br = L.field_brackets(fields, x)
            out["closure"] = w["closure"] * L.field_closure(v, br, model.structure_constants())
        elif basis is not None:
            v = project_tangent(fields(x), basis)  # the basis at the samples is computed once
        else:
            v = fields(x)
        out["invariance"] = w["invariance"] * L.field_invariance(v, grads, gscale)
        out["normalization"] = w["normalization"] * L.field_normalization(v, losses.normalization_mode)
        if w["speed"] > 0:
            out["speed"] = w["speed"] * L.field_speed(v, floor)
        out["orthogonality"] = w["orthogonality"] * L.field_orthogonality(v, losses.orthogonality_mode)
        if w["flow"] > 0:
            out["flow"] = w["flow"] * L.flow_invariance(oracle, x, y, v, losses.eps, gscale)
        if w["curvature"] > 0:
            assert directions is not None
            out["curvature"] = w["curvature"] * L.field_curvature(projected or fields, x, directions, h, v)
        return out

    epochs = training.epochs or (300 if training.optimizer == "lbfgs" else 5000)
    run = train(model, loss, training, terms=NONLINEAR_TERMS, tol=tol, epochs=epochs,
                patience=training.patience or 50, default_lr=1e-3,
                deadline=None if training.max_seconds is None else start + training.max_seconds,
                progress=progress)
    fields.eval()
    fields.requires_grad_(False)
    kept: NeuralVectorFields | TangentFields = fields if projected is None else projected
    with torch.no_grad():
        v_final = fields(x) if basis is None else project_tangent(fields(x), basis)
        figures = _figures(v_final, grads, check.speed)
    converged = run.converged and not figures.failures(check)
    f_np = None
    if model.f is not None:
        f_np = model.structure_constants().detach().cpu().double().numpy()
    seconds = time.perf_counter() - start
    log.info("learned %d field(s) in %d epochs, %.1f s; loss %.3e", n_fields, run.epochs, seconds,
             run.losses["total"])
    return NonlinearDiscovery(
        oracle=oracle,
        fields=kept,
        structure_constants=f_np,
        losses=run.losses,
        history=run.history.terms,
        converged=converged,
        loss_converged=run.converged,
        figures=figures,
        check=check,
        max_fields=bound,
        tol=tol,
        epochs=run.epochs,
        best_epoch=run.best_epoch,
        seconds=seconds,
        seed=seed,
        weights=MappingProxyType(w),
        samples=x.detach(),
        invariance_scale=gscale,
        stop_reason=run.stop_reason,
        normalization_mode=losses.normalization_mode,
    )


def _tangent_fields(fields: NeuralVectorFields, oracle: Oracle) -> TangentFields:
    def gradients(z: torch.Tensor) -> torch.Tensor:
        return oracle_gradients(oracle, z)[1]

    return TangentFields(fields, gradients)


# =========================================================================== figures, field count
def _gradient_rank(grads: torch.Tensor) -> int:
    """The largest numerical rank of the ``(o, n)`` gradient matrix over the samples."""
    if grads.numel() == 0:
        return 0
    s = torch.linalg.svdvals(grads.double())  # (m, min(o, n))
    top = s[:, :1]
    rtol = 1e-6 if grads.dtype == torch.float64 else 1e-3
    return int(((s > rtol * top) & (top > 0)).sum(1).max())


def _too_many_fields(oracle: Oracle, k: int, bound: int) -> str:
    n, o = oracle.n_inputs, oracle.n_outputs
    if bound == 0:
        return (f"no field can move without changing {oracle.formula_text()}: its gradients have rank {n} on the "
                f"samples, as many as its {n} variable(s), so its level sets are points")
    what = "one oracle leaves" if o == 1 else f"{o} oracle components leave"
    return (f"{k} fields cannot be pointwise independent symmetries of {oracle.formula_text()}: in {n} dimensions "
            f"{what} level sets of dimension {bound} (n - rank(grad phi) = {n} - {n - bound} on the samples), so "
            f"at most {bound} field(s) can point in different directions; ask for n_fields <= {bound} (CLI: "
            f"--fields {bound} or --fields auto). Fields that are independent only over the reals, like the 3 "
            "rotations of the sphere in its 2-D level sets, need FieldLosses(orthogonality_mode='global') with "
            "closure")


def _tangency(v: torch.Tensor, grads: torch.Tensor) -> torch.Tensor:
    """Per sample and field, the sine of the angle between ``v`` and the level set: ``(m, k)``.

    The part of ``v`` along the span of the oracle's gradients, over ``|v|``; for one oracle
    ``|cos(v, grad phi)|``. NaN where ``v`` or every gradient is zero (no direction to judge).
    """
    basis = normal_basis(grads.double())  # (m, r, n)
    v = v.double()
    normal = torch.einsum("mrn,mkn->mkr", basis, v).norm(dim=-1)
    speed = v.norm(dim=-1)
    out = normal / speed
    flat = (basis.abs().sum((1, 2)) == 0)[:, None].expand_as(speed)
    out[(speed == 0) | flat] = math.nan
    return out


def _figures(v: torch.Tensor, grads: torch.Tensor, speed: float) -> FieldFigures:
    v = v.double()
    g = grads.double()
    sq = v.pow(2).sum(-1)  # (m, k)
    rms = sq.mean(0).sqrt()
    coverage = (sq.sqrt() >= speed * rms).double().mean(0)
    tan = _tangency(v, g)
    gmean = float(g.pow(2).sum((1, 2)).mean()) or 1.0
    inv = L.lie_derivatives(v, g).pow(2).sum(-1).mean(0) / (sq.mean(0).clamp_min(1e-300) * gmean)

    def quantile(col: torch.Tensor, q: float) -> float:
        ok = col[torch.isfinite(col)]
        return float(torch.quantile(ok, q)) if ok.numel() else math.nan

    k = v.shape[1]
    return FieldFigures(
        coverage=tuple(float(c) for c in coverage),
        tangency=tuple(quantile(tan[:, a], 0.5) for a in range(k)),
        tangency_p90=tuple(quantile(tan[:, a], 0.9) for a in range(k)),
        invariance=tuple(float(i) for i in inv),
        speed=float(speed),
    )


def measure_fields(fields: Callable[[torch.Tensor], torch.Tensor], oracle: Callable[[torch.Tensor], torch.Tensor],
                   x: torch.Tensor, *, speed: float = 0.1) -> FieldFigures:
    """Coverage, tangency and relative invariance of fields at the points ``x``.

    Parameters
    ----------
    fields : callable ``(m, n) -> (m, k, n)`` or ``(m, n) -> (m, n)`` (one field)
        E.g. ``result.fields``, ``result.field(0)``, or any hand-made field.
    oracle : Oracle or callable ``(m, n) -> (m, o)``
    x : (m, n) points
    speed : float
        The coverage threshold, a fraction of each field's RMS speed over ``x``.

    Returns
    -------
    FieldFigures

    Examples
    --------
    >>> x = torch.randn(500, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    >>> rotation = lambda z: torch.stack([-z[:, 1], z[:, 0]], -1)
    >>> fig = measure_fields(rotation, Oracle("x1**2 + x2**2"), x)
    >>> fig.coverage[0] > 0.95, fig.tangency[0] < 1e-12
    (True, True)
    """
    x = torch.as_tensor(x).detach()
    with torch.no_grad():
        v = fields(x)
    if v.ndim == 2:
        v = v[:, None, :]
    if v.ndim != 3 or v.shape[0] != x.shape[0] or v.shape[2] != x.shape[1]:
        raise OptionError(f"fields must map (m, n) to (m, k, n) or (m, n); got shape {tuple(v.shape)} "
                          f"for points {tuple(x.shape)}")
    _, grads = oracle_gradients(oracle, x)
    return _figures(v, grads, speed)


def max_fields(oracle: Oracle, x: torch.Tensor | None = None, *, seed: int = 0) -> int:
    """The most pointwise independent symmetry fields of ``oracle``: ``n - rank(grad phi)``.

    At a point, every symmetry field is tangent to the level set through it, a manifold of
    dimension ``n - rank``: ``n - 1`` for one oracle, fewer for several independent ones (the
    ten logits of a digit classifier in a 16-dimensional latent space leave 6). The rank is the
    largest numerical rank of the gradients at the points ``x`` (default: 1024 seeded normal
    samples).

    Examples
    --------
    >>> max_fields(Oracle("x1**2 + x2**2 + x3**2")), max_fields(Oracle(["x1 + x2", "x3"]))
    (2, 1)
    """
    if x is None:
        x = points_for(oracle, Sampling(n=1024), seed=seed, default_n=1024)
    _, grads = oracle_gradients(oracle, torch.as_tensor(x))
    return oracle.n_inputs - _gradient_rank(grads)


class _FieldModel:
    """The fields plus, with closure on, their learned structure constants: one :class:`Trainable`."""

    def __init__(self, fields: NeuralVectorFields, *, learn_structure_constants: bool) -> None:
        self.fields = fields
        k = fields.k
        p = next(fields.parameters())
        self.f = (torch.zeros(k, k, k, dtype=p.dtype, device=p.device, requires_grad=True)
                  if learn_structure_constants else None)

    def parameters(self) -> Any:
        yield from self.fields.parameters()
        if self.f is not None:
            yield self.f

    def structure_constants(self) -> torch.Tensor:
        assert self.f is not None
        return 0.5 * (self.f - self.f.transpose(0, 1))

    def snapshot(self) -> dict[str, torch.Tensor]:
        state = {f"fields.{k}": v for k, v in self.fields.snapshot().items()}
        if self.f is not None:
            state["f"] = self.f.detach().clone()
        return state

    def restore(self, state: Mapping[str, torch.Tensor]) -> None:
        self.fields.restore({k.removeprefix("fields."): v for k, v in state.items() if k.startswith("fields.")})
        if self.f is not None:
            with torch.no_grad():
                self.f.copy_(state["f"])


# =========================================================================== scan over field counts
@dataclass(frozen=True, eq=False)
class FieldScan:
    """:func:`scan_fields`: one run per field count, up to what the oracle allows.

    Attributes
    ----------
    oracle : Oracle
    requested : int
        The largest count asked for.
    bound : int
        :func:`max_fields` of the oracle: counts above it were not trained (impossible).
    results : tuple of NonlinearDiscovery
        For ``k = 1 .. min(requested, bound)``.
    """

    oracle: Oracle
    requested: int
    bound: int
    results: tuple[NonlinearDiscovery, ...]

    @property
    def counts(self) -> tuple[int, ...]:
        return tuple(r.n_fields for r in self.results)

    @property
    def largest(self) -> int:
        """The largest count whose run converged (0 if none)."""
        return max((r.n_fields for r in self.results if r.converged), default=0)

    def text(self) -> str:
        """The scan as a table, saying where and why it stops."""
        n = self.oracle.n_inputs
        lines = [f"oracle: {self.oracle.formula_text()}",
                 " fields  converged  loss        min coverage  max tangency"]
        for r in self.results:
            lines.append(f" {r.n_fields:6d}  {'yes' if r.converged else 'no':9s}  {r.losses['total']:.3e}   "
                         f"{min(r.coverage):11.1%}   {max(r.tangency):.1e}")
        if self.requested > self.bound:
            lo = self.bound + 1
            span = f"{lo}" if lo == self.requested else f"{lo}..{self.requested}"
            lines.append(f" {span:>6s}  impossible, not trained: level sets of dimension {self.bound} "
                         f"(n - rank(grad phi) = {n} - {n - self.bound})")
        lines.append(f"largest number of fields found: {self.largest} (the oracle allows at most {self.bound})")
        return "\n".join(lines)


def scan_fields(oracle: Oracle, up_to: int, *, seed: int = 0, sampling: Sampling | None = None,
                **options: Any) -> FieldScan:
    """Train ``k = 1, 2, ...`` fields up to ``up_to``, but never more than the oracle allows.

    Counts above :func:`max_fields` are impossible with pointwise independent fields and are
    reported as such, without training: the scan stops at ``n - rank(grad phi)``.

    Parameters
    ----------
    oracle : Oracle
    up_to : int
    seed : int
    sampling : Sampling, optional
    **options
        Passed to :func:`discover_nonlinear` (``network``, ``losses``, ``training``, ``check``,
        ``progress``).

    Returns
    -------
    FieldScan

    Examples
    --------
    >>> scan = scan_fields(Oracle("x1*x2"), 3, network=FieldNetwork(hidden=(16,)), sampling=Sampling(n=64),
    ...                    training=TrainConfig(epochs=2))
    >>> scan.bound, scan.counts
    (1, (1,))
    """
    check_positive_int("up_to", up_to)
    if not isinstance(oracle, Oracle):
        raise OracleError(f"scan_fields needs an Oracle, got {type(oracle).__name__}")
    sampling = sampling or Sampling()
    x = points_for(oracle, sampling, seed=seed, default_n=1024)
    bound = max_fields(oracle, x)
    if (options.get("losses") or FieldLosses()).orthogonality_mode == "global":
        bound = up_to  # independent over the reals only: no pointwise bound applies
    results = tuple(discover_nonlinear(oracle, k, seed=seed, sampling=sampling, **options)
                    for k in range(1, min(up_to, bound) + 1))
    return FieldScan(oracle=oracle, requested=up_to, bound=bound, results=results)


# =========================================================================== the field on a grid
#: Largest grid :func:`field_grid` builds.
MAX_GRID_POINTS = 1_000_000


def field_grid(result: NonlinearDiscovery, *, per_side: int | None = None,
               box: tuple[Sequence[float], Sequence[float]] | None = None) -> dict[str, Any]:
    """The learned fields on a regular grid over the sample box, as JSON-ready lists.

    So that anyone can check a field without torch: evaluate the oracle's gradient at
    ``points`` and compare.

    Parameters
    ----------
    result : NonlinearDiscovery
    per_side : int, optional
        Grid points per coordinate; default 21 in 2-D, else the most that keeps the grid within
        4096 points (at least 2).
    box : (low, high), optional
        The corners; default the samples' smallest and largest coordinates.

    Returns
    -------
    dict
        ``{"points": [[x1, x2, ...], ...], "fields": [[[v1, v2, ...], ...], ...], "vectors": ...}``:
        ``fields[a][i]`` is field ``a + 1`` at ``points[i]``; ``vectors`` is ``fields[0]``; also
        ``variables``, ``box``, ``per_side``, ``coverage`` and ``tangency`` (on the samples).

    Raises
    ------
    ResourceError
        If the grid would have more than :data:`MAX_GRID_POINTS` points.

    Examples
    --------
    >>> r = discover_nonlinear(Oracle("x1*x2"), network=FieldNetwork(hidden=(8,)), sampling=Sampling(n=64),
    ...                        training=TrainConfig(epochs=1))
    >>> grid = field_grid(r, per_side=3)
    >>> len(grid["points"]), len(grid["fields"]), len(grid["vectors"][0])
    (9, 1, 2)
    """
    n = result.oracle.n_inputs
    if per_side is None:
        per_side = 21 if n <= 2 else max(2, math.floor(4096 ** (1 / n) + 1e-9))
    check_positive_int("per_side", per_side, minimum=2)
    total = per_side**n
    if total > MAX_GRID_POINTS:
        raise ResourceError(f"a grid of {per_side} points per side in {n} dimensions has {total:.3g} points, "
                            f"above the limit of {MAX_GRID_POINTS:,}; use a smaller per_side")
    x = result.samples.double()
    low = x.min(0).values if box is None else torch.as_tensor(box[0], dtype=torch.float64)
    high = x.max(0).values if box is None else torch.as_tensor(box[1], dtype=torch.float64)
    if low.shape != (n,) or high.shape != (n,) or not bool((high > low).all()):
        raise OptionError(f"box must be (low, high) with {n} coordinates each and low < high")
    axes = [torch.linspace(float(lo), float(hi), per_side, dtype=torch.float64) for lo, hi in zip(low, high)]
    pts = torch.stack([g.reshape(-1) for g in torch.meshgrid(*axes, indexing="ij")], -1)
    dtype = next(result.fields.parameters()).dtype
    with torch.no_grad():
        v = result.fields(pts.to(dtype)).double()  # (N, k, n)
    fields = [v[:, a, :].tolist() for a in range(result.n_fields)]
    return {
        "schema": "liealg.field_grid",
        "schema_version": 1,
        "oracle": result.oracle.formula_text(),
        "variables": [s.name for s in result.oracle.real_variables],
        "box": {"low": low.tolist(), "high": high.tolist()},
        "per_side": per_side,
        "points": pts.tolist(),
        "fields": fields,
        "vectors": fields[0],
        "coverage": list(result.figures.coverage),
        "tangency": list(result.figures.tangency),
    }


# =========================================================================== flows
def _euler(f: Callable, x: torch.Tensor, dt: float) -> torch.Tensor:
    return x + dt * f(x)


def _midpoint(f: Callable, x: torch.Tensor, dt: float) -> torch.Tensor:
    return x + dt * f(x + 0.5 * dt * f(x))


def _rk4(f: Callable, x: torch.Tensor, dt: float) -> torch.Tensor:
    k1 = f(x)
    k2 = f(x + 0.5 * dt * k1)
    k3 = f(x + 0.5 * dt * k2)
    k4 = f(x + dt * k3)
    return x + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)


#: Fixed-step integrators, picked by name.
INTEGRATORS: Mapping[str, Callable] = MappingProxyType({"euler": _euler, "midpoint": _midpoint, "rk4": _rk4})


def _as_field(field: Any, n: int | None = None) -> Callable[[torch.Tensor], torch.Tensor]:
    if isinstance(field, NonlinearDiscovery):
        field = field.fields
    if isinstance(field, (NeuralVectorFields, TangentFields)):
        if field.k != 1:
            raise OptionError(f"these are {field.k} fields; pick one, e.g. result.field(0)")
        return field.field(0)
    if not callable(field):
        raise OptionError(f"a field must be a callable (m, n) -> (m, n), got {type(field).__name__}")
    return field


def integrate_flow(
    field: Callable[[torch.Tensor], torch.Tensor],
    x0: torch.Tensor,
    t: float,
    *,
    steps: int = 100,
    method: str = "rk4",
) -> torch.Tensor:
    """Integrate ``dx/ds = v(x)`` from ``s = 0`` to ``s = t`` with a fixed-step method.

    Parameters
    ----------
    field : callable ``(m, n) -> (m, n)``
        One vector field (e.g. ``result.field(0)``).
    x0 : torch.Tensor, shape (m, n)
        Starting points (not modified).
    t : float
        End time; negative integrates backwards (the inverse transformation).
    steps : int
        Number of steps of size ``t / steps``.
    method : {"euler", "midpoint", "rk4"}

    Returns
    -------
    torch.Tensor, shape (steps + 1, m, n)
        The trajectory; ``[0]`` is ``x0`` and ``[-1]`` the end points.

    Examples
    --------
    >>> squeeze = lambda x: torch.stack([x[:, 0], -x[:, 1]], -1)
    >>> path = integrate_flow(squeeze, torch.tensor([[1.0, 1.0]], dtype=torch.float64), 1.0, steps=50)
    >>> [round(v, 6) for v in path[-1, 0].tolist()]  # (e, 1/e)
    [2.718282, 0.367879]
    """
    check_choice("integration method", method, tuple(INTEGRATORS))
    if not isinstance(steps, int) or steps < 1:
        raise OptionError(f"steps must be a positive integer, got {steps!r}")
    f = _as_field(field)
    x = torch.as_tensor(x0).detach()
    if x.ndim != 2:
        raise OptionError(f"x0 must be a batch of shape (m, n), got {tuple(x.shape)}")
    stepper = INTEGRATORS[method]
    dt = float(t) / steps
    path = [x]
    with torch.no_grad():
        probe = f(x[:1])
        if probe.shape != x[:1].shape:
            raise OracleError(
                f"the field must map (m, n) to (m, n); it returned shape {tuple(probe.shape)} for input "
                f"{tuple(x[:1].shape)} (for several fields pick one, e.g. result.field(0))"
            )
        for _ in range(steps):
            x = stepper(f, x, dt)
            path.append(x)
    return torch.stack(path)


@dataclass(frozen=True)
class FlowDrift:
    """How much the oracle changed along a finite flow.

    Attributes
    ----------
    max_abs, mean_abs : float
        ``max`` and ``mean`` over points and components of ``|phi(x(t)) - phi(x0)|``.
    relative : float
        ``mean_abs`` divided by the mean absolute deviation of ``phi`` over the starting
        points: about 1 for a flow that scrambles the oracle, 0 for a symmetry.
    displacement : float
        Mean distance ``|x(t) - x0|`` the points moved (a symmetry that does not move anything
        would be trivial).
    t : float
    """

    max_abs: float
    mean_abs: float
    relative: float
    displacement: float
    t: float


def oracle_drift(
    oracle: Callable[[torch.Tensor], torch.Tensor],
    field: Callable[[torch.Tensor], torch.Tensor],
    x0: torch.Tensor,
    t: float,
    *,
    steps: int = 100,
    method: str = "rk4",
) -> FlowDrift:
    """The oracle's change along the flow of ``field`` from ``x0`` to time ``t``.

    Parameters
    ----------
    oracle : Oracle or callable ``(m, n) -> (m, o)``
    field : callable ``(m, n) -> (m, n)``
    x0 : (m, n) starting points
    t : float

    Returns
    -------
    FlowDrift

    Examples
    --------
    >>> phi = lambda x: x[:, :1] * x[:, 1:]
    >>> squeeze = lambda x: torch.stack([x[:, 0], -x[:, 1]], -1)
    >>> drift = oracle_drift(phi, squeeze, torch.randn(100, 2, dtype=torch.float64), 1.0)
    >>> drift.max_abs < 1e-8, drift.displacement > 0.5
    (True, True)
    """
    x0 = torch.as_tensor(x0).detach()
    path = integrate_flow(field, x0, t, steps=steps, method=method)
    with torch.no_grad():
        y0 = oracle(x0)
        y1 = oracle(path[-1])
    y0 = y0[:, None] if y0.ndim == 1 else y0
    y1 = y1[:, None] if y1.ndim == 1 else y1
    diff = (y1 - y0).abs().double()
    spread = (y0 - y0.mean(0)).abs().double().mean()
    mean_abs = float(diff.mean())
    return FlowDrift(
        max_abs=float(diff.max()),
        mean_abs=mean_abs,
        relative=mean_abs / float(spread) if float(spread) > 0 else math.inf,
        displacement=float((path[-1] - x0).double().norm(dim=1).mean()),
        t=float(t),
    )


# =========================================================================== references
def hamiltonian_field(oracle: Callable[[torch.Tensor], torch.Tensor]) -> Callable[[torch.Tensor], torch.Tensor]:
    """The 2-D "Hamiltonian" symmetry ``J grad phi = (d phi/d x2, -d phi/d x1)`` of a scalar oracle.

    It preserves any ``phi`` (``v . grad phi = phi_2 phi_1 - phi_1 phi_2 = 0``); in 2-D every
    symmetry is ``g(x)`` times it, so it is the reference direction for a learned field. For
    ``phi = x1 x2`` it is the squeeze ``(x1, -x2)``; for ``|x1| + |x2|`` it is
    ``(sign x2, -sign x1)``, discontinuous on the axes.

    Returns
    -------
    callable ``(m, 2) -> (m, 2)``
    """

    def field(x: torch.Tensor) -> torch.Tensor:
        if x.ndim != 2 or x.shape[1] != 2:
            raise OracleError(f"the Hamiltonian field is defined for 2-D oracles; got points of shape {tuple(x.shape)}")
        _, g = oracle_gradients(oracle, x)
        if g.shape[1] != 1:
            raise OracleError(f"the Hamiltonian field needs a scalar oracle; this one has {g.shape[1]} components")
        return torch.stack([g[:, 0, 1], -g[:, 0, 0]], -1)

    return field


def alignment(field: Callable[[torch.Tensor], torch.Tensor], reference: Callable[[torch.Tensor], torch.Tensor],
              x: torch.Tensor) -> torch.Tensor:
    """Pointwise ``|cos|`` of the angle between two fields (1: parallel or anti-parallel).

    Points where either field is zero get ``nan``.

    Returns
    -------
    torch.Tensor, shape (m,)
    """
    with torch.no_grad():
        a = _as_field(field)(x).double()
        b = reference(x).double()
    na, nb = a.norm(dim=1), b.norm(dim=1)
    cos = (a * b).sum(1) / (na * nb)
    cos[(na == 0) | (nb == 0)] = math.nan
    return cos.abs()


# =========================================================================== plots
def plot_vector_field(
    field: Callable[[torch.Tensor], torch.Tensor],
    oracle: Callable[[torch.Tensor], torch.Tensor],
    *,
    ax: Axes | None = None,
    lim: float = 2.0,
    grid: int = 15,
    flow_lines: bool = True,
    contours: int = 15,
    title: str | None = None,
    path: str | Path | None = None,
) -> Axes:
    """The talk's picture: transformation vectors on a grid, over the oracle's contours.

    Parameters
    ----------
    field : callable ``(m, 2) -> (m, 2)``
    oracle : callable ``(m, 2) -> (m,)`` or ``(m, o)`` (the first component is drawn)
    ax : matplotlib Axes, optional
        Drawn into; a new figure otherwise.
    lim : float
        The square ``[-lim, lim]^2`` is shown.
    grid : int
        Arrows per side. An arrow's length is the field's speed, cut at the 90th percentile of
        the speeds shown.
    flow_lines : bool
        Also draw stream lines of the field (its integral curves: the orbits of the flow).
    contours : int
        Number of contour levels of the oracle.
    title : str, optional
    path : str or Path, optional
        Also save the figure there (PNG) and close it.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib

    if ax is None:
        matplotlib.use("Agg")  # headless: scripts and CI save PNGs, nothing is shown
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=(4.2, 4.2))
    f = _as_field(field)
    dtype = torch.float64
    fine = torch.linspace(-lim, lim, 161, dtype=dtype)
    gx, gy = torch.meshgrid(fine, fine, indexing="xy")
    pts = torch.stack([gx.reshape(-1), gy.reshape(-1)], -1)
    with torch.no_grad():
        values = oracle(pts)
        z = (values[:, 0] if values.ndim == 2 else values).reshape(gx.shape).double().numpy()
        ax.contour(gx.numpy(), gy.numpy(), z, levels=contours, cmap="coolwarm", linewidths=0.8)
        if flow_lines:
            sx, sy = torch.meshgrid(torch.linspace(-lim, lim, 41, dtype=dtype),
                                    torch.linspace(-lim, lim, 41, dtype=dtype), indexing="xy")
            sp_pts = torch.stack([sx.reshape(-1), sy.reshape(-1)], -1)
            sv = f(sp_pts).double().reshape(41, 41, 2).numpy()
            ax.streamplot(sx.numpy(), sy.numpy(), sv[..., 0], sv[..., 1], color="0.6", linewidth=0.6,
                          density=0.8, arrowsize=0.6)
        coarse = torch.linspace(-lim, lim, grid, dtype=dtype)
        cx, cy = torch.meshgrid(coarse, coarse, indexing="xy")
        c_pts = torch.stack([cx.reshape(-1), cy.reshape(-1)], -1)
        cv = f(c_pts).double().numpy()
    # Arrow length: the speed, up to the 90th percentile of the speeds (longer arrows are cut
    # there, so a field that is fast in a corner does not shrink every other arrow to a dot).
    speeds = np.linalg.norm(cv, axis=1)
    cap = float(np.quantile(speeds, 0.9)) or float(speeds.max()) or 1.0
    cv = cv * np.minimum(1.0, cap / np.maximum(speeds, 1e-300))[:, None]
    ax.quiver(c_pts[:, 0].numpy(), c_pts[:, 1].numpy(), cv[:, 0], cv[:, 1], color="k", angles="xy",
              scale_units="xy", scale=float(cap / (2 * lim / grid) * 1.1 + 1e-300), width=0.004)
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title, fontsize=9)
    if path is not None:
        import matplotlib.pyplot as plt

        fig = ax.get_figure(root=True)
        assert fig is not None
        fig.tight_layout()
        fig.savefig(path, dpi=90)
        plt.close(fig)
    return ax


def _plot_lim(samples: torch.Tensor) -> float:
    """Half-width of the square shown: where most samples lie (2 for standard normal ones)."""
    q = float(torch.quantile(samples.double().abs().max(1).values, 0.9))
    return float(f"{max(q, 1e-6):.1g}") if q < 1 else round(q * 2) / 2


def save_field_plots(result: NonlinearDiscovery, directory: str | Path) -> tuple[Path, ...]:
    """Save :func:`plot_vector_field` of every learned field of a 2-D oracle as a PNG.

    Files ``vector_field_1.png``, ``vector_field_2.png``, ... in ``directory`` (created).

    Raises
    ------
    OracleError
        If the oracle does not have exactly 2 input coordinates.
    """
    if result.oracle.n_inputs != 2:
        raise OracleError(
            f"vector-field plots are 2-D; this oracle has {result.oracle.n_inputs} variables "
            f"({result.oracle.real_variables_text})"
        )
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for a in range(result.n_fields):
        path = out / f"vector_field_{a + 1}.png"
        fig = result.figures
        plot_vector_field(result.field(a), result.oracle, path=path, lim=_plot_lim(result.samples),
                          title=f"{result.oracle.formula_text()}: field {a + 1}\n(invariance {fig.invariance[a]:.1e}, "
                                f"moves on {fig.coverage[a]:.0%}, tangency {fig.tangency[a]:.0e})")
        paths.append(path)
    return tuple(paths)


def nonlinear_to_json(result: NonlinearDiscovery) -> dict[str, Any]:
    """A JSON-serializable summary of a :func:`discover_nonlinear` result (no network weights).

    Besides the losses: per field ``coverage`` (fraction of samples where ``|v| >= 0.1 RMS``),
    ``tangency`` (median ``|cos(v, grad phi)|``; small is good) and ``tangency_p90``,
    ``relative_invariance``; ``failures`` (why not ``converged``); ``max_fields``.
    """
    return {
        "oracle": result.oracle.formula_text(),
        "variables": [s.name for s in result.oracle.real_variables],
        "n_fields": result.n_fields,
        "hidden": list(result.fields.hidden),
        "activation": result.fields.activation_name,
        "converged": result.converged,
        "loss_converged": result.loss_converged,
        "failures": list(result.failures),
        "coverage": list(result.figures.coverage),
        "tangency": list(result.figures.tangency),
        "tangency_p90": list(result.figures.tangency_p90),
        "relative_invariance": list(result.figures.invariance),
        "check": {"speed": result.check.speed, "coverage": result.check.coverage,
                  "tangency": result.check.tangency},
        "max_fields": result.max_fields,
        "normalization": result.normalization_mode,
        "tol": result.tol,
        "epochs": result.epochs,
        "best_epoch": result.best_epoch,
        "seconds": result.seconds,
        "seed": result.seed,
        "weights": dict(result.weights),
        "losses": dict(result.losses),
        "history": {k: list(v) for k, v in result.history.items()},
        "structure_constants": None if result.structure_constants is None else result.structure_constants.tolist(),
    }


# =========================================================================== report
def report_nonlinear(result: NonlinearDiscovery, *, fit_degree: int | None = 3) -> str:
    """The human-readable report of a :func:`discover_nonlinear` run (what the CLI prints).

    Lists the oracle, the training outcome and every loss term; for each field its relative
    invariance on the samples and the oracle's drift along its flow to ``t = 1`` (RK4); for 2-D
    scalar oracles the alignment with :func:`hamiltonian_field` (every 2-D symmetry is
    parallel to it); and for polynomial formula oracles the lowest-degree exact polynomial
    field (up to ``fit_degree``) that the learned field fits, certified exactly
    (:func:`liealg.exact.polyfields.fit_polynomial_field`).

    Parameters
    ----------
    result : NonlinearDiscovery
    fit_degree : int or None
        Highest degree tried for the exact polynomial fit; ``None`` skips it.

    Returns
    -------
    str
    """
    oracle = result.oracle
    x = result.samples.double()
    lines = [
        f"oracle: {oracle.formula_text()}  ({oracle.n_inputs} variables: {oracle.real_variables_text})",
        f"non-linear fields: {result.n_fields}  (MLP {result.fields.hidden}, {result.fields.activation_name}"
        + (", projected onto the level sets: tangent by construction)" if isinstance(result.fields, TangentFields)
           else ")"),
        f"training: {'converged' if result.converged else 'NOT converged'} "
        f"(loss {result.losses['total']:.3e} <= tol {result.tol:.1e}: {result.loss_converged}; every field "
        f"moves on >= {result.check.coverage:.0%} of the samples and is tangent: "
        f"{not result.figures.failures(result.check)}); "
        f"{result.epochs} epochs, best at {result.best_epoch}, {result.seconds:.1f} s",
        "losses: " + ", ".join(f"{t} {result.losses[t]:.2e}" for t in NONLINEAR_TERMS if result.weights.get(t, 0) > 0),
    ]
    lines.extend(f"  not converged: {why}" for why in result.failures)
    if result.structure_constants is not None:
        f = result.structure_constants
        k = f.shape[0]
        nz = [(a, b, c, f[a, b, c]) for a in range(k) for b in range(a + 1, k) for c in range(k)
              if abs(f[a, b, c]) > 1e-3]
        text = ", ".join(f"f[{a},{b},{c}]={val:+.3f}" for a, b, c, val in nz[:12]) or "all ~0 (abelian)"
        lines.append(f"structure constants: {text}")
    ham = None
    if oracle.n_inputs == 2 and oracle.n_outputs == 1:
        ham = hamiltonian_field(oracle)
    for a in range(result.n_fields):
        fa = result.field(a)
        inv = result.figures.invariance[a]
        drift = oracle_drift(oracle, fa, x[:256], 1.0, steps=50)
        line = (f"field {a + 1}: relative invariance {inv:.2e}; flow to t=1: oracle drift mean "
                f"{drift.mean_abs:.2e} (relative {drift.relative:.1e}), max {drift.max_abs:.2e}, points moved "
                f"{drift.displacement:.3f} on average")
        lines.append(line)
        fig = result.figures
        lines.append(f"  moves on {fig.coverage[a]:.1%} of the samples (|v| >= {fig.speed:g} RMS); tangency: median "
                     f"|cos(v, grad phi)| {fig.tangency[a]:.1e}, 90% below {fig.tangency_p90[a]:.1e} "
                     "(0 = tangent to the level sets)")
        if ham is not None:
            cos = alignment(fa, ham, x)
            ok = cos[torch.isfinite(cos)]
            ref = ""
            if oracle.is_symbolic:
                import sympy as sp

                s1, s2 = oracle.real_variables
                e = oracle.real_exprs[0]
                ref = f" = ({sp.diff(e, s2)}, {-sp.diff(e, s1)})"
            lines.append(f"  parallel to J grad phi{ref}: mean |cos| {float(ok.mean()):.6f}, "
                         f"min {float(ok.min()):.4f} (every 2-D symmetry is g(x) times it)")
        if fit_degree is not None and oracle.is_symbolic and oracle.is_polynomial:
            from liealg.errors import RationalizationError
            from liealg.exact.polyfields import fit_polynomial_field

            fitted = None
            last_err = ""
            for d in range(fit_degree + 1):
                try:
                    fitted = fit_polynomial_field(fa, oracle, degree=d, samples=x[:512])
                    break
                except RationalizationError as exc:
                    last_err = str(exc)
            if fitted is not None:
                lines.append(f"  exact polynomial field (degree {fitted.degree}, certified): "
                             f"{fitted.text()}  ~ learned / {fitted.scale:.4g}")
            else:
                reason = last_err.split(";")[0]
                lines.append(f"  no exact polynomial field of degree <= {fit_degree} fits it ({reason}); "
                             "expected: g(x) v is a symmetry for any g, and FieldLosses(curvature=1e-2) "
                             "selects the affine one when it exists")
    return "\n".join(lines)
