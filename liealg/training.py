"""Training linear generators by gradient descent, and the scan over their number.

:func:`fit` learns ``k`` generators ``W`` with the method's loss (invariance, normalization,
orthogonality, closure, sparsity); :func:`scan` repeats it for ``k = 1..K`` (the talk's "loss vs
N_g" figure); :func:`symmetry_dimension` reads the dimension of the whole symmetry algebra off
the spectrum of the invariance form, which is how ``n_generators="auto"`` decides ``k``.

Everything is seeded, runs in float64 by default, and works on any torch device.
"""

from __future__ import annotations

import logging
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import torch

from liealg import losses as L
from liealg._util import check_choice, torch_threads
from liealg.errors import ConvergenceError, OracleError
from liealg.generators.linear import MatrixSpace, lie_features
from liealg.oracle import Oracle, check_finite, sample_points

__all__ = [
    "fit",
    "scan",
    "TrainingResult",
    "ScanResult",
    "History",
    "InvarianceForm",
    "invariance_form",
    "symmetry_dimension",
    "default_tol",
    "OPTIMIZERS",
    "INVARIANCE_MODES",
]

log = logging.getLogger(__name__)

OPTIMIZERS = ("lbfgs", "adam")
INVARIANCE_MODES = ("lie", "finite")
MAX_ANGLE_GENERATORS = 12  # above this, history keeps the smallest angle, not every pair


def default_tol(dtype: torch.dtype) -> float:
    """Loss at which training counts as converged: 1e-12 in float64, 1e-6 in float32."""
    return 1e-12 if dtype == torch.float64 else 1e-6


# --------------------------------------------------------------------------- the invariance form
@dataclass(frozen=True)
class InvarianceForm:
    """The Lie-derivative invariance loss of an oracle on a set of samples, precomputed.

    Attributes
    ----------
    q : torch.Tensor, shape (p, p)
        ``sum_c w_c mean_i F_ic^T F_ic``: the loss of a generator ``theta`` is ``theta^T q theta``.
    scale : float
        The oracle's mean squared gradient size (mean over components of ``trace(Q_c) / p``).
    output_weights : torch.Tensor, shape (n_outputs,)
        ``w_c = 1 / (n_live trace(Q_c) / p)``: each component's conditions weigh the same and the
        loss does not depend on the oracle's units, so default weights work for every oracle.
    space : MatrixSpace
    samples : torch.Tensor, shape (m, n_inputs)
    values : torch.Tensor, shape (m, n_outputs)
    """

    q: torch.Tensor
    scale: float
    space: MatrixSpace
    samples: torch.Tensor
    values: torch.Tensor
    output_weights: torch.Tensor | None = None

    def factor(self) -> torch.Tensor:
        """``R`` with ``q = R R^T`` (eigenvalues below zero, round-off, set to zero), shape (p, p).

        Training evaluates ``||theta R||^2``, which is never negative, where ``theta^T q theta``
        could dip to -1e-16 and show as a negative loss.
        """
        evals, evecs = torch.linalg.eigh(self.q.detach().cpu().double())
        return evecs * evals.clamp_min(0.0).sqrt()

    def eigen(self) -> tuple[np.ndarray, np.ndarray]:
        """Eigenvalues (ascending) and eigenvectors of ``q`` as float64 numpy arrays."""
        # torch's eigh, not numpy's: one thread pool. Mixing torch's OpenMP threads with
        # OpenBLAS's on a busy 2-core machine made a 729x729 eigh take 10 s instead of 0.1 s.
        evals, evecs = torch.linalg.eigh(self.q.detach().cpu().double())
        return evals.numpy(), evecs.numpy()


def invariance_form(oracle: Oracle, samples: torch.Tensor) -> InvarianceForm:
    """Compute the quadratic invariance form of ``oracle`` on ``samples`` (once per oracle).

    Parameters
    ----------
    samples : torch.Tensor, shape (m, n_inputs)

    Examples
    --------
    >>> phi = Oracle("x1**2 + x2**2")
    >>> form = invariance_form(phi, sample_points(phi, 64))
    >>> tuple(form.q.shape)
    (4, 4)
    """
    space = MatrixSpace(oracle.matrix_size, complex=oracle.is_complex)
    values = check_finite(oracle, samples)
    feats = lie_features(oracle, samples, space)  # (m, n_out, p)
    m = feats.shape[0]
    # One form per output component, each divided by its own mean eigenvalue: components of
    # different degrees (a Hermitian form beside a determinant of degree 6) then weigh the same,
    # instead of the largest drowning the others' conditions. Measured (smallest nonzero /
    # largest eigenvalue of q, training time): su(6) 8e-5 and 178 s without convergence for a
    # plain sum, 0.063 and 4 s normalized so; f4 0.0058 / 6 s vs 0.0025 / 46 s. Normalizing by
    # the largest eigenvalue instead was slower everywhere (f4 350 s).
    per_output = torch.einsum("mcp,mcq->cpq", feats, feats) / m
    traces = torch.diagonal(per_output, dim1=-2, dim2=-1).sum(-1) / space.p  # (n_out,)
    if not bool(torch.isfinite(traces).all()):
        raise OracleError(
            f"the gradient of {oracle.formula_text()} is not finite on the samples; sample where the "
            "oracle is differentiable (e.g. --distribution uniform --low 0.5 --high 2)"
        )
    live = traces > 0  # a component constant on the samples imposes no condition
    if not bool(live.any()):
        # The oracle is constant on the samples: every W leaves it unchanged. Keep q = 0.
        q, scale = per_output.sum(0), 1.0
        output_weights = torch.zeros_like(traces)
    else:
        output_weights = torch.where(live, 1.0 / (traces * int(live.sum())), torch.zeros_like(traces))
        q = torch.einsum("c,cpq->pq", output_weights, per_output)
        scale = float(traces[live].mean())
    return InvarianceForm(q=q, scale=scale, space=space, samples=samples, values=values,
                          output_weights=output_weights)


def symmetry_dimension(form: InvarianceForm, *, rel_gap: float = 1e-6) -> tuple[int, np.ndarray]:
    """Dimension of the whole linear symmetry algebra, read off the invariance form.

    The generators with zero invariance loss form the null space of ``q``. Its dimension is the
    number of eigenvalues below ``rel_gap`` times the largest, provided the spectrum has a clear
    gap there (otherwise the largest relative jump is used).

    Returns
    -------
    dim : int
    eigenvalues : numpy.ndarray, shape (p,), ascending
    """
    evals, _ = form.eigen()
    top = max(float(evals[-1]), 1e-300)
    # Eigenvalues at round-off level are all "zero": floor them so that noise among them
    # cannot look like a gap.
    logs = np.log10(np.clip(evals / top, 1e-18, None))
    small = int((logs < np.log10(rel_gap)).sum())
    if small in (0, len(logs)):
        return small, evals
    if logs[small] - logs[small - 1] >= 3:  # a clear gap of 1000x right at the threshold
        return small, evals
    # No clear gap at the threshold (noisy oracle): take the largest jump in the spectrum.
    jumps = np.diff(logs)
    return int(np.argmax(jumps)) + 1, evals


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class History:
    """Per-epoch record of training.

    Attributes
    ----------
    terms : dict of str to list of float
        Each weighted loss term per epoch (keys from :data:`liealg.losses.TERMS`) and "total".
    angles : list of list of float
        Pairwise angles (degrees) between generators per epoch, the talk's "Angles = 90.0°, ...",
        for at most 12 generators; above that, one value per epoch: the smallest angle.
    """

    terms: dict[str, list[float]]
    angles: list[list[float]]

    @property
    def epochs(self) -> int:
        return len(self.terms.get("total", []))


@dataclass(frozen=True)
class TrainingResult:
    """Generators learned by :func:`fit`.

    Attributes
    ----------
    generators : numpy.ndarray, shape (k, d, d)
        The best generators found (real or complex), normalized as the loss asks.
    theta : numpy.ndarray, shape (k, p)
    structure_constants : numpy.ndarray, shape (k, k, k)
        ``f_ab^c`` with ``[W_a, W_b] ~ sum_c f_ab^c W_c`` (learned, or projected).
    loss : dict of str to float
        Final value of each weighted term and of "total".
    converged : bool
        ``loss["total"] <= tol``.
    """

    generators: np.ndarray
    theta: np.ndarray
    structure_constants: np.ndarray
    loss: dict[str, float]
    converged: bool
    tol: float
    epochs: int
    seconds: float
    history: History
    seed: int
    weights: L.LossWeights
    interrupted: bool = False

    @property
    def n_generators(self) -> int:
        return int(self.generators.shape[0])


@dataclass(frozen=True)
class ScanResult:
    """Final losses per number of generators (the talk's "loss vs N_g" figure).

    Attributes
    ----------
    n_generators : tuple of int
    total : tuple of float
        Final total loss for each ``N_g``.
    terms : dict of str to tuple of float
        Final value of each term for each ``N_g``.
    success : tuple of bool
        ``total <= threshold``: a subalgebra of that dimension was found.
    """

    n_generators: tuple[int, ...]
    total: tuple[float, ...]
    terms: dict[str, tuple[float, ...]]
    success: tuple[bool, ...]
    threshold: float
    results: tuple[TrainingResult, ...] = field(repr=False, default=())

    @property
    def dimension(self) -> int:
        """The largest ``N_g`` that succeeded (0 if none): the full algebra's dimension."""
        ok = [n for n, s in zip(self.n_generators, self.success) if s]
        return max(ok) if ok else 0


# --------------------------------------------------------------------------- training
def fit(
    oracle: Oracle,
    n_generators: int,
    *,
    weights: L.LossWeights | None = None,
    seed: int = 0,
    samples: torch.Tensor | None = None,
    n_samples: int | None = None,
    distribution: str = "normal",
    low: float = -1.0,
    high: float = 1.0,
    optimizer: str = "lbfgs",
    lr: float | None = None,
    epochs: int | None = None,
    tol: float | None = None,
    invariance: str = "lie",
    eps: float = 1e-3,
    structure_constants: str = "projected",
    curriculum: bool = True,
    restarts: int = 2,
    dtype: torch.dtype = torch.float64,
    device: str | torch.device = "cpu",
    progress: Callable[[int, dict[str, float]], None] | None = None,
    form: InvarianceForm | None = None,
    checkpoint: str | os.PathLike | None = None,
    checkpoint_every: int = 10,
    resume: bool = False,
) -> TrainingResult:
    """Learn ``n_generators`` linear symmetry generators of ``oracle``.

    Parameters
    ----------
    oracle : Oracle
    n_generators : int
        ``k``, the number of generators learned together.
    weights : LossWeights, optional
        Weights of the loss terms; ``LossWeights()`` by default.
    seed : int
        Seeds the samples and the initial generators: the same seed gives the same result.
    samples : torch.Tensor, shape (m, n_inputs), optional
        Your own points; otherwise ``n_samples`` seeded points from ``distribution``.
    optimizer : {"lbfgs", "adam"}
    epochs : int, optional
        Optimizer steps (default 500 for L-BFGS, 5000 for Adam).
    tol : float, optional
        Stop as soon as the total loss is below it (default :func:`default_tol`).
    invariance : {"lie", "finite"}
        The eps -> 0 Lie derivative (default; exact, fast), or the talk's finite-eps eq. (4).
    structure_constants : {"projected", "learned"}
        ``"projected"`` (default) recomputes the optimal ``f_ab^c`` in closed form at every step
        (each bracket projected onto the span of the generators, one batched solve);
        ``"learned"`` trains ``f`` as a parameter tensor, as the method's reference code did.
        Both minimize the same closure loss; projected converged in 3 L-BFGS epochs on so(10)
        where learned needed 13 (measured: 2.9 s vs 11.9 s).
    curriculum : bool
        Train without the closure term until the other terms converge, then with it (default).
        Same minimum, far fewer steps for large algebras.
    restarts : int
        Extra attempts from new seeded starting points when the first one stalls above ``tol``
        (L-BFGS can stop in a saddle of the orthogonality term); the best attempt is returned.
    device : str or torch.device
        Where to train; CPU by default, CUDA works when available.
    progress : callable, optional
        Called as ``progress(epoch, losses)`` after every step (the CLI passes a tqdm bar).
    checkpoint : path, optional
        Save the training state there every ``checkpoint_every`` epochs (atomically, as a
        torch file of tensors and numbers only: it loads with ``weights_only=True``).
    resume : bool
        Continue from ``checkpoint`` if it exists (the same oracle, number of generators and
        seed are required; L-BFGS's curvature memory starts afresh).

    Returns
    -------
    TrainingResult

    Examples
    --------
    >>> phi = Oracle("x1**2 + x2**2 + x3**2")
    >>> result = fit(phi, 3, seed=0)
    >>> result.converged, result.generators.shape
    (True, (3, 3, 3))
    """
    weights = weights or L.LossWeights()
    check_choice("optimizer", optimizer, OPTIMIZERS)
    check_choice("invariance mode", invariance, INVARIANCE_MODES)
    check_choice("structure_constants mode", structure_constants, ("learned", "projected"))
    if dtype not in (torch.float32, torch.float64):
        raise OracleError(f"dtype must be torch.float32 or torch.float64, got {dtype}")
    space = MatrixSpace(oracle.matrix_size, complex=oracle.is_complex)
    if not isinstance(n_generators, int) or isinstance(n_generators, bool) or not 1 <= n_generators <= space.p:
        raise OracleError(
            f"n_generators must be an integer from 1 to {space.p} (the dimension of the space of "
            f"{space.d}x{space.d} {'complex' if space.complex else 'real'} matrices), got {n_generators!r}"
        )
    tol = default_tol(dtype) if tol is None else float(tol)
    if not (math.isfinite(tol) and tol > 0):
        raise OracleError(f"tol must be a positive number, got {tol!r}")
    if epochs is not None and (isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1):
        raise OracleError(f"epochs must be a positive integer, got {epochs!r}")
    if n_samples is not None and (isinstance(n_samples, bool) or not isinstance(n_samples, int) or n_samples < 2):
        raise OracleError(f"n_samples must be an integer of at least 2, got {n_samples!r}")
    device = resolve_device(device)
    if form is None:
        if samples is None:
            samples = sample_points(
                oracle, n_samples or default_n_samples(space, oracle.n_outputs), distribution=distribution,
                low=low, high=high, seed=seed, dtype=torch.float64, device=device,
            )
        else:
            samples = _check_samples(oracle, samples, device)
        form = invariance_form(oracle, samples.to(torch.float64))
    q = form.factor().to(device=device, dtype=dtype)  # q = R R^T, so the loss is never negative

    best: TrainingResult | None = None
    start = time.perf_counter()
    with _threads_for(n_generators * space.p * space.d, device):
        saver = None
        first_attempt = 0
        state = None
        if checkpoint is not None:
            saver = _Checkpoint(Path(checkpoint), _fingerprint(oracle, n_generators, seed, dtype), checkpoint_every)
            if resume:
                state = saver.load()
                if state is not None:
                    first_attempt = int(state["attempt"])
        elif resume:
            raise OracleError("resume=True needs checkpoint=PATH (CLI: --checkpoint PATH --resume)")
        for attempt in range(first_attempt, restarts + 1):
            result = _fit_once(
                oracle, form, q, space, n_generators, weights, seed + 7919 * attempt, optimizer, lr, epochs,
                tol, invariance, eps, structure_constants, curriculum, dtype, device, progress,
                saver=saver, attempt=attempt, state=state if attempt == first_attempt else None,
            )
            if best is None or result.loss["total"] < best.loss["total"]:
                best = result
            if best.converged or best.interrupted:
                break
            log.info("attempt %d stalled at loss %.3e; restarting", attempt, result.loss["total"])
    assert best is not None
    return _replace(best, seconds=time.perf_counter() - start, seed=seed)


def _threads_for(work: int, device: torch.device):
    """One CPU thread for small problems (see :func:`liealg._util.torch_threads`); large ones
    (e6: 78 generators of 27 x 27) keep every thread."""
    small = device.type == "cpu" and work <= 200_000
    return torch_threads(1 if small else None)


def resolve_device(device: str | torch.device) -> torch.device:
    """A torch device from a name, refusing unknown names and CUDA where there is none."""
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError, ValueError):
        raise OracleError(f"unknown device {device!r}; use 'cpu' or 'cuda' (or 'cuda:0', ...)") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise OracleError(
            f"device {device!r} was requested but this torch has no CUDA support or sees no GPU; use 'cpu'"
        )
    return dev


def default_n_samples(space: MatrixSpace, n_outputs: int) -> int:
    """Enough samples that the invariance conditions determine ``W`` (a few per unknown)."""
    return int(max(512, min(8192, 4 * space.p // max(1, n_outputs) + 64)))


def _check_samples(oracle: Oracle, samples: Any, device: torch.device) -> torch.Tensor:
    x = torch.as_tensor(samples, dtype=torch.float64, device=device)
    if x.ndim != 2 or x.shape[1] != oracle.n_inputs:
        raise OracleError(
            f"samples must have shape (m, {oracle.n_inputs}) for variables {oracle.real_variables_text}; "
            f"got {tuple(x.shape)}"
        )
    if x.shape[0] < 2:
        raise OracleError("give at least 2 samples (a few times the number of matrix entries is best)")
    return x


def _replace(result: TrainingResult, **changes: Any) -> TrainingResult:
    import dataclasses

    return dataclasses.replace(result, **changes)


def _fit_once(
    oracle: Oracle,
    form: InvarianceForm,
    q: torch.Tensor,
    space: MatrixSpace,
    k: int,
    weights: L.LossWeights,
    seed: int,
    optimizer: str,
    lr: float | None,
    epochs: int | None,
    tol: float,
    invariance: str,
    eps: float,
    structure_constants: str,
    curriculum: bool,
    dtype: torch.dtype,
    device: torch.device,
    progress: Callable | None,
    saver: "_Checkpoint | None" = None,
    attempt: int = 0,
    state: dict | None = None,
) -> TrainingResult:
    gen = torch.Generator(device="cpu").manual_seed(int(seed))
    theta0 = torch.randn(k, space.p, generator=gen, dtype=torch.float64)
    theta0 = theta0 * math.sqrt(2.0) / theta0.norm(dim=1, keepdim=True)
    theta = theta0.to(device=device, dtype=dtype).requires_grad_(True)
    params = [theta]
    f_param = None
    if structure_constants == "learned" and weights.closure > 0 and k > 1:
        f_param = torch.zeros(k, k, k, dtype=dtype, device=device, requires_grad=True)
        params.append(f_param)
    samples = form.samples.to(device=device, dtype=dtype)
    values = form.values.to(device=device, dtype=dtype)

    # Curriculum: the closure term couples all k^2 pairs of generators and makes the landscape
    # rugged. Phase 1 trains without it (invariance + normalization + orthogonality: find k
    # orthonormal symmetries), phase 2 switches it on from there. When k is the full dimension
    # the span is already closed and phase 2 ends at once; otherwise phase 2 does the real work
    # (the N_g scan). Measured on f4 (52 generators of 27x27): the full loss from a random start
    # was still at 26 after 3 L-BFGS epochs (150 s); phase 1 converges in a few epochs.
    use_closure = weights.closure > 0 and k > 1
    closure_on = not (use_closure and curriculum)

    def terms(with_closure: bool = True) -> dict[str, torch.Tensor]:
        out: dict[str, torch.Tensor] = {}
        if invariance == "lie":
            out["invariance"] = weights.invariance * L.invariance_factored(theta, q)
        else:
            out["invariance"] = weights.invariance * L.invariance_finite(
                theta, oracle, samples, values, space.real_action, oracle.n_vectors, eps,
                form.output_weights.to(device=device, dtype=dtype)
            )
        out["normalization"] = weights.normalization * L.normalization(theta)
        out["orthogonality"] = weights.orthogonality * L.orthogonality(theta)
        if use_closure and with_closure:
            w = space.matrices(theta)
            f = None if f_param is None else 0.5 * (f_param - f_param.transpose(0, 1))
            out["closure"] = weights.closure * L.closure(w, f)
        else:
            out["closure"] = theta.new_zeros(())
        out["sparsity"] = weights.sparsity * L.sparsity(theta) if weights.sparsity > 0 else theta.new_zeros(())
        return out

    n_epochs = epochs if epochs is not None else (500 if optimizer == "lbfgs" else 5000)

    def make_optimizer() -> torch.optim.Optimizer:
        if optimizer == "lbfgs":
            return torch.optim.LBFGS(params, lr=lr or 1.0, max_iter=20, history_size=50, tolerance_grad=1e-300,
                                     tolerance_change=1e-300, line_search_fn="strong_wolfe")
        return torch.optim.Adam(params, lr=lr or 1e-2)

    opt = make_optimizer()
    history_terms: dict[str, list[float]] = {t: [] for t in (*L.TERMS, "total")}
    history_angles: list[list[float]] = []
    best_total = math.inf
    best_state = (theta.detach().clone(), None if f_param is None else f_param.detach().clone())
    best_terms: dict[str, float] = {}
    interrupted = False
    epoch = 0
    phase_start = 0
    first_epoch = 1
    if state is not None:
        with torch.no_grad():
            theta.copy_(state["theta"].to(device=device, dtype=dtype))
            if f_param is not None and state.get("f") is not None:
                f_param.copy_(state["f"].to(device=device, dtype=dtype))
        best_state = (state["best_theta"].to(device=device, dtype=dtype),
                      None if state.get("best_f") is None else state["best_f"].to(device=device, dtype=dtype))
        best_total = float(state["best_total"])
        best_terms = {k: float(v) for k, v in state["best_terms"].items()}
        history_terms = {k: [float(v) for v in vals] for k, vals in state["history_terms"].items()}
        history_angles = [[float(a) for a in row] for row in state["history_angles"]]
        closure_on = bool(state["closure_on"])
        phase_start = int(state["phase_start"])
        first_epoch = int(state["epoch"]) + 1
        epoch = first_epoch - 1
        opt = make_optimizer()

    def save_state() -> None:
        if saver is None:
            return
        saver.save({
            "attempt": attempt, "epoch": epoch, "closure_on": closure_on, "phase_start": phase_start,
            "theta": theta.detach().cpu(), "f": None if f_param is None else f_param.detach().cpu(),
            "best_theta": best_state[0].cpu(), "best_f": None if best_state[1] is None else best_state[1].cpu(),
            "best_total": best_total, "best_terms": dict(best_terms),
            "history_terms": history_terms, "history_angles": history_angles,
        })

    try:
        for epoch in range(first_epoch, n_epochs + 1):
            def closure_fn() -> torch.Tensor:
                opt.zero_grad()
                total = sum(terms(closure_on).values())
                total.backward()
                return total

            opt.step(closure_fn)
            with torch.no_grad():
                current = {name: float(v) for name, v in terms().items()}
            total = sum(current.values())
            current["total"] = total
            for name, v in current.items():
                history_terms[name].append(v)
            history_angles.append(_angles(theta.detach()))
            if not math.isfinite(total):
                break
            if total < best_total:
                # Keep the best model for real: copy the tensors, not a reference to them.
                best_total = total
                best_state = (theta.detach().clone(), None if f_param is None else f_param.detach().clone())
                best_terms = current
            if progress is not None:
                progress(epoch, current)
            if total <= tol:
                break
            objective = total - (0.0 if closure_on else current["closure"])
            stalled = False
            if epoch - phase_start > 30 and optimizer == "lbfgs":
                recent = history_terms["total"][-30:] if closure_on else None
                if recent is not None:
                    stalled = min(recent) >= 0.999999 * recent[0]
            if not closure_on and (objective <= tol or epoch - phase_start >= max(20, n_epochs // 4)):
                closure_on = True  # phase 2: the full loss, from where phase 1 ended
                phase_start = epoch
                opt = make_optimizer()
                continue
            if stalled:
                break  # stalled: a restart from another seed does better than more steps
            if saver is not None and epoch % saver.every == 0:
                save_state()
    except KeyboardInterrupt:
        interrupted = True
        log.warning("training interrupted at epoch %d; returning the best generators so far", epoch)
    save_state()

    theta_best, f_best = best_state
    w_best = space.matrices(theta_best)
    if f_best is None:
        f_np = L.projected_structure_constants(w_best).cpu().double().numpy() if k > 1 else np.zeros((k, k, k))
    else:
        f_np = (0.5 * (f_best - f_best.transpose(0, 1))).cpu().double().numpy()
    if not best_terms:
        best_terms = {t: math.nan for t in (*L.TERMS, "total")}
    return TrainingResult(
        generators=w_best.detach().cpu().numpy().astype(np.complex128 if space.complex else np.float64),
        theta=theta_best.cpu().double().numpy(),
        structure_constants=f_np,
        loss=best_terms,
        converged=bool(best_terms["total"] <= tol),
        tol=tol,
        epochs=epoch,
        seconds=0.0,
        history=History(terms=history_terms, angles=history_angles),
        seed=seed,
        weights=weights,
        interrupted=interrupted,
    )


def _fingerprint(oracle: Oracle, k: int, seed: int, dtype: torch.dtype) -> str:
    vectors = "|".join(" ".join(s.name for s in v) for v in oracle.vectors)
    return f"{oracle.formula_text()}#{vectors}#complex={oracle.is_complex}#k={k}#seed={seed}#{dtype}"


class _Checkpoint:
    """Periodic training state on disk: written atomically, read with ``weights_only=True``.

    Only tensors, numbers, strings, lists and dicts are stored, so loading never unpickles
    arbitrary objects (a checkpoint from elsewhere cannot run code).
    """

    VERSION = 1

    def __init__(self, path: Path, fingerprint: str, every: int):
        if not isinstance(every, int) or every < 1:
            raise OracleError(f"checkpoint_every must be a positive integer, got {every!r}")
        self.path, self.fingerprint, self.every = path, fingerprint, every

    def save(self, state: dict) -> None:
        payload = {"liealg_checkpoint": self.VERSION, "fingerprint": self.fingerprint, **state}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.tmp")
        torch.save(payload, tmp)
        os.replace(tmp, self.path)

    def load(self) -> dict | None:
        if not self.path.exists():
            return None
        try:
            payload = torch.load(self.path, map_location="cpu", weights_only=True)
        except Exception as exc:  # truncated, not a torch file, or holds code objects
            raise OracleError(f"cannot read the checkpoint {str(self.path)!r}: {exc}. Delete it to start afresh.") from None
        if not isinstance(payload, dict) or payload.get("liealg_checkpoint") != self.VERSION:
            raise OracleError(f"{str(self.path)!r} is not a liealg checkpoint of version {self.VERSION}")
        if payload.get("fingerprint") != self.fingerprint:
            raise OracleError(
                f"the checkpoint {str(self.path)!r} belongs to another run ({payload.get('fingerprint')}); "
                f"this run is {self.fingerprint}. Use another path, or the same oracle, generators and seed."
            )
        return payload


def _angles(theta: torch.Tensor) -> list[float]:
    k = theta.shape[0]
    if k < 2:
        return []
    t = theta.double()
    unit = t / t.norm(dim=1, keepdim=True).clamp_min(1e-300)
    cos = (unit @ unit.T).clamp(-1.0, 1.0)
    ang = torch.rad2deg(torch.arccos(cos))
    iu = torch.triu_indices(k, k, offset=1)
    pairs = ang[iu[0], iu[1]].tolist()
    if k > MAX_ANGLE_GENERATORS:
        return [min(pairs)]
    return [round(a, 6) for a in pairs]


def scan(
    oracle: Oracle,
    max_generators: int,
    *,
    min_generators: int = 1,
    weights: L.LossWeights | None = None,
    threshold: float | None = None,
    seed: int = 0,
    dtype: torch.dtype = torch.float64,
    device: str | torch.device = "cpu",
    progress: Callable[[int, int], None] | None = None,
    **fit_options: Any,
) -> ScanResult:
    """Train with ``N_g = min_generators .. max_generators`` and record the final losses.

    With closure on, the loss reaches zero only where a subalgebra of dimension ``N_g`` exists
    (so(3): ``N_g`` in {1, 3}; so(4): {1, 2, 3, 4, 6}); the largest success is the dimension of
    the whole algebra.

    Parameters
    ----------
    threshold : float, optional
        A run succeeds when its total loss is at most this (default: 1e3 x the training tol).
    progress : callable, optional
        ``progress(n_g, max_generators)`` before each run.

    Examples
    --------
    >>> result = scan(Oracle("x1**2 + x2**2 + x3**2"), 4, seed=0)
    >>> result.success
    (True, False, True, False)
    """
    weights = weights or L.LossWeights()
    if weights.closure == 0:
        log.warning("scan without closure: every N_g up to the algebra's dimension will succeed")
    space = MatrixSpace(oracle.matrix_size, complex=oracle.is_complex)
    if not isinstance(max_generators, int) or not 1 <= min_generators <= max_generators <= space.p:
        raise OracleError(
            f"scan needs 1 <= min_generators <= max_generators <= {space.p}; got {min_generators}..{max_generators}"
        )
    samples = sample_points(oracle, default_n_samples(space, oracle.n_outputs), seed=seed, device=device)
    form = invariance_form(oracle, samples)
    tol = fit_options.pop("tol", None)
    tol = default_tol(dtype) if tol is None else tol
    threshold = 1e3 * tol if threshold is None else threshold
    results = []
    for n in range(min_generators, max_generators + 1):
        if progress is not None:
            progress(n, max_generators)
        results.append(fit(oracle, n, weights=weights, seed=seed, dtype=dtype, device=device, form=form,
                           tol=tol, **fit_options))
    totals = tuple(r.loss["total"] for r in results)
    return ScanResult(
        n_generators=tuple(range(min_generators, max_generators + 1)),
        total=totals,
        terms={t: tuple(r.loss[t] for r in results) for t in L.TERMS},
        success=tuple(t <= threshold for t in totals),
        threshold=threshold,
        results=tuple(results),
    )


def fit_auto(
    oracle: Oracle,
    *,
    seed: int = 0,
    samples: torch.Tensor | None = None,
    n_samples: int | None = None,
    distribution: str = "normal",
    low: float = -1.0,
    high: float = 1.0,
    device: str | torch.device = "cpu",
    **fit_options: Any,
) -> tuple[TrainingResult | None, int, np.ndarray]:
    """Find the number of generators from the invariance form, then train that many.

    Returns ``(result or None when there is no symmetry, dimension, eigenvalues)``.
    """
    space = MatrixSpace(oracle.matrix_size, complex=oracle.is_complex)
    device = resolve_device(device)
    if n_samples is not None and (isinstance(n_samples, bool) or not isinstance(n_samples, int) or n_samples < 2):
        raise OracleError(f"n_samples must be an integer of at least 2, got {n_samples!r}")
    if samples is None:
        samples = sample_points(oracle, n_samples or default_n_samples(space, oracle.n_outputs),
                                distribution=distribution, low=low, high=high, seed=seed, device=device)
    else:
        samples = _check_samples(oracle, samples, torch.device(device))
    form = invariance_form(oracle, samples)
    dim, evals = symmetry_dimension(form)
    if dim == 0:
        return None, 0, evals
    return fit(oracle, dim, seed=seed, form=form, device=device, **fit_options), dim, evals
