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

Also here: :func:`integrate_flow` (RK4 / Euler integration of a field), :func:`oracle_drift`
(how much the oracle changes along a finite flow), :func:`plot_vector_field` (the talk's grid
of transformation vectors over the oracle's contours, with flow lines) and
:func:`report_nonlinear` (the human-readable report the CLI prints).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from liealg import losses as L
from liealg.config import Sampling, TrainConfig, check_choice
from liealg.engine import resolve_device, threads_for, torch_dtype, torch_threads, train
from liealg.errors import OptionError, OracleError
from liealg.generators.fields import ACTIVATIONS, NeuralVectorFields, SingleField
from liealg.oracle import Oracle, oracle_gradients, points_for

if TYPE_CHECKING:  # matplotlib is imported lazily, only by the plotting function
    from matplotlib.axes import Axes

__all__ = [
    "discover_nonlinear",
    "NonlinearDiscovery",
    "FieldLosses",
    "FieldNetwork",
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
NONLINEAR_TERMS = ("invariance", "normalization", "orthogonality", "closure", "flow", "curvature")


@dataclass(frozen=True)
class FieldNetwork:
    """The shape of each field's MLP.

    Parameters
    ----------
    hidden : tuple of int
        Hidden widths; ``()`` gives affine fields ``v(x) = A x + b``.
    activation : {"tanh", "silu", "gelu", "softplus", "relu"}
        Smooth activations suit the Jacobian-vector products of closure and curvature.
    """

    hidden: tuple[int, ...] = (64, 64)
    activation: str = "tanh"

    def __post_init__(self) -> None:
        try:
            hidden = tuple(int(h) for h in self.hidden)
        except (TypeError, ValueError):
            raise OptionError(f"hidden must be a sequence of layer widths like (64, 64), got {self.hidden!r}") from None
        if any(h < 1 for h in hidden):
            raise OptionError(f"hidden layer widths must be positive, got {hidden}")
        object.__setattr__(self, "hidden", hidden)
        check_choice("activation", self.activation, tuple(ACTIVATIONS))


@dataclass(frozen=True)
class FieldLosses:
    """Weights and forms of the loss terms for vector fields (:data:`NONLINEAR_TERMS`).

    Parameters
    ----------
    invariance, normalization, orthogonality : float
        Weights of the always-on terms (see :mod:`liealg.losses`).
    closure : float
        Weight of the closure term, with learned structure constants; 0 (default) is off.
    flow : float
        Weight of the finite-step invariance (eq. 4 at ``eps``); 0 is off.
    curvature : float
        Weight of the curvature term, which prefers the least-curved field (an affine one
        when it exists); 0 is off.
    normalization_mode : {"mean", "pointwise"}
        ``mean |v|^2 = 1`` (default) or ``|v| = 1`` at every sample.
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
    orthogonality: float = 1.0
    closure: float = 0.0
    flow: float = 0.0
    curvature: float = 0.0
    normalization_mode: str = "mean"
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

    def weights(self) -> dict[str, float]:
        """The weight of every term, by name."""
        return {name: float(getattr(self, name)) for name in NONLINEAR_TERMS}


# =========================================================================== results
@dataclass(frozen=True, eq=False)  # holds tensors and modules: compared by identity
class NonlinearDiscovery:
    """Vector fields learned by :func:`discover_nonlinear`.

    Attributes
    ----------
    oracle : Oracle
    fields : NeuralVectorFields
        The best fields found (not the last): ``fields(x)`` has shape ``(m, k, n)``;
        ``fields.field(a)`` is field ``a`` alone. Frozen (no gradients), in eval mode.
    structure_constants : numpy.ndarray, shape (k, k, k), or None
        Learned ``f_ab^c`` with ``[v_a, v_b] ~ f_ab^c v_c`` when closure is on.
    losses : mapping of str to float
        Each weighted term of :data:`NONLINEAR_TERMS` and ``"total"``, for the kept model.
    history : mapping of str to tuple of float
        The same, per epoch (one optimizer step).
    converged : bool
        ``losses["total"] <= tol``.
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
    fields: NeuralVectorFields
    structure_constants: np.ndarray | None
    losses: Mapping[str, float]
    history: Mapping[str, tuple[float, ...]] = field(repr=False)
    converged: bool
    tol: float
    epochs: int
    best_epoch: int
    seconds: float
    seed: int
    weights: Mapping[str, float]
    samples: torch.Tensor = field(repr=False)
    invariance_scale: float
    stop_reason: str = "converged"

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
    progress: Callable[[int, Mapping[str, float]], None] | None = None,
) -> NonlinearDiscovery:
    """Learn ``n_fields`` non-linear vector fields that preserve ``oracle``.

    Parameters
    ----------
    oracle : Oracle
        A formula or callable oracle on ``n = oracle.n_inputs`` real coordinates.
    n_fields : int
        ``k``, the number of fields learned together.
    seed : int
        Seeds the samples (unless ``sampling.seed`` is set) and the initial fields.
    network : FieldNetwork, optional
        Hidden widths and activation of each field's MLP (default ``(64, 64)``, tanh).
    losses : FieldLosses, optional
        Weights and forms of the loss terms.
    sampling : Sampling, optional
        Training points: ``Sampling(points=...)`` for your own (e.g. the latent codes of a data
        set); otherwise ``n`` (default 1024) seeded points.
    training : TrainConfig, optional
        Defaults for fields: 300 L-BFGS steps (5000 for Adam, learning rate 1e-3), tol 1e-6 in
        float64 (1e-4 in float32), stop after 50 epochs without a 1e-3 relative improvement,
        one CPU thread.
    progress : callable, optional
        ``progress(epoch, losses)`` after every epoch. Silent by default.

    Returns
    -------
    NonlinearDiscovery

    Raises
    ------
    OptionError
        For an unknown option (the message lists the valid ones).
    OracleError
        For bad samples, or an oracle that is not finite on them.

    Examples
    --------
    >>> result = discover_nonlinear(Oracle("x1*x2"), network=FieldNetwork(hidden=(32, 32)),
    ...                             sampling=Sampling(n=256), seed=0)
    >>> result.converged, result.losses["invariance"] < 1e-5
    (True, True)
    """
    network = network or FieldNetwork()
    losses = losses or FieldLosses()
    sampling = sampling or Sampling()
    training = training or TrainConfig()
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
        return _discover(oracle, n_fields, seed, network, losses, sampling, training, device, progress)


def _discover(oracle: Oracle, n_fields: int, seed: int, network: FieldNetwork, losses: FieldLosses,
              sampling: Sampling, training: TrainConfig, device: torch.device,
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
    x, y, grads = x.to(dtype), y.to(dtype), grads.to(dtype)

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

    def loss(active: frozenset[str], batch: torch.Tensor | None) -> dict[str, torch.Tensor]:
        out: dict[str, torch.Tensor] = {}
        if model.f is not None and "closure" in active:
            v, br = L.field_brackets(fields, x)
            out["closure"] = w["closure"] * L.field_closure(v, br, model.structure_constants())
        else:
            v = fields(x)
        out["invariance"] = w["invariance"] * L.field_invariance(v, grads, gscale)
        out["normalization"] = w["normalization"] * L.field_normalization(v, losses.normalization_mode)
        out["orthogonality"] = w["orthogonality"] * L.field_orthogonality(v, losses.orthogonality_mode)
        if w["flow"] > 0:
            out["flow"] = w["flow"] * L.flow_invariance(oracle, x, y, v, losses.eps, gscale)
        if w["curvature"] > 0:
            assert directions is not None
            out["curvature"] = w["curvature"] * L.field_curvature(fields, x, directions, h, v)
        return out

    epochs = training.epochs or (300 if training.optimizer == "lbfgs" else 5000)
    run = train(model, loss, training, terms=NONLINEAR_TERMS, tol=tol, epochs=epochs,
                patience=training.patience or 50, default_lr=1e-3,
                deadline=None if training.max_seconds is None else start + training.max_seconds,
                progress=progress)
    fields.eval()
    fields.requires_grad_(False)
    f_np = None
    if model.f is not None:
        f_np = model.structure_constants().detach().cpu().double().numpy()
    seconds = time.perf_counter() - start
    log.info("learned %d field(s) in %d epochs, %.1f s; loss %.3e", n_fields, run.epochs, seconds,
             run.losses["total"])
    return NonlinearDiscovery(
        oracle=oracle,
        fields=fields,
        structure_constants=f_np,
        losses=run.losses,
        history=run.history.terms,
        converged=run.converged,
        tol=tol,
        epochs=run.epochs,
        best_epoch=run.best_epoch,
        seconds=seconds,
        seed=seed,
        weights=MappingProxyType(w),
        samples=x.detach(),
        invariance_scale=gscale,
        stop_reason=run.stop_reason,
    )


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
    if isinstance(field, NeuralVectorFields):
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
        Arrows per side.
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
    ax.quiver(c_pts[:, 0].numpy(), c_pts[:, 1].numpy(), cv[:, 0], cv[:, 1], color="k", angles="xy",
              scale_units="xy", scale=float(np.abs(cv).max() / (2 * lim / grid) * 1.1 + 1e-300), width=0.004)
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
        inv = result.losses.get("invariance", math.nan)
        plot_vector_field(result.field(a), result.oracle, path=path,
                          title=f"{result.oracle.formula_text()}: field {a + 1} (invariance {inv:.1e})")
        paths.append(path)
    return tuple(paths)


def nonlinear_to_json(result: NonlinearDiscovery) -> dict[str, Any]:
    """A JSON-serializable summary of a :func:`discover_nonlinear` result (no network weights)."""
    return {
        "oracle": result.oracle.formula_text(),
        "variables": [s.name for s in result.oracle.real_variables],
        "n_fields": result.n_fields,
        "hidden": list(result.fields.hidden),
        "activation": result.fields.activation_name,
        "converged": result.converged,
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
        f"non-linear fields: {result.n_fields}  (MLP {result.fields.hidden}, {result.fields.activation_name})",
        f"training: {'converged' if result.converged else 'NOT converged'} "
        f"(loss {result.losses['total']:.3e} <= tol {result.tol:.1e}: {result.converged}); "
        f"{result.epochs} epochs, best at {result.best_epoch}, {result.seconds:.1f} s",
        "losses: " + ", ".join(f"{t} {result.losses[t]:.2e}" for t in NONLINEAR_TERMS if result.weights.get(t, 0) > 0),
    ]
    if result.structure_constants is not None:
        f = result.structure_constants
        k = f.shape[0]
        nz = [(a, b, c, f[a, b, c]) for a in range(k) for b in range(a + 1, k) for c in range(k)
              if abs(f[a, b, c]) > 1e-3]
        text = ", ".join(f"f[{a},{b},{c}]={val:+.3f}" for a, b, c, val in nz[:12]) or "all ~0 (abelian)"
        lines.append(f"structure constants: {text}")
    _, g = oracle_gradients(oracle, x)
    gscale = float(g.pow(2).sum((1, 2)).mean()) or 1.0
    ham = None
    if oracle.n_inputs == 2 and oracle.n_outputs == 1:
        ham = hamiltonian_field(oracle)
    for a in range(result.n_fields):
        fa = result.field(a)
        with torch.no_grad():
            va = fa(x).double()
        inv = float(L.lie_derivatives(va[:, None, :], g).pow(2).sum(-1).mean() / gscale)
        drift = oracle_drift(oracle, fa, x[:256], 1.0, steps=50)
        line = (f"field {a + 1}: relative invariance {inv:.2e}; flow to t=1: oracle drift mean "
                f"{drift.mean_abs:.2e} (relative {drift.relative:.1e}), max {drift.max_abs:.2e}, points moved "
                f"{drift.displacement:.3f} on average")
        lines.append(line)
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
