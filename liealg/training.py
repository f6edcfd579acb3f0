"""Training linear generators by gradient descent, and the scan over their number.

:func:`fit` learns ``k`` generators ``W`` with the method's loss (invariance, normalization,
orthogonality, closure, sparsity); :func:`scan` repeats it for ``k = 1..K`` (the talk's "loss vs
N_g" figure); :func:`symmetry_dimension` reads the dimension of the whole symmetry algebra off
the spectrum of the invariance form, which is how ``n_generators="auto"`` decides ``k``.

Everything is seeded, runs in float64 by default, and works on any torch device.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import torch

from liealg import losses as L
from liealg.config import Sampling, TrainConfig, available_memory, check_positive_int, require_memory
from liealg.engine import Checkpoint, History, resolve_device, threads_for, torch_dtype, torch_threads, train
from liealg.errors import ConvergenceError, OptionError, OracleError
from liealg.generators.linear import LinearGenerators, MatrixSpace, lie_features
from liealg.oracle import Oracle, check_finite, oracle_gradients, points_for

__all__ = [
    "fit",
    "scan",
    "TrainingResult",
    "ScanResult",
    "History",
    "InvarianceForm",
    "InvarianceOperator",
    "invariance_form",
    "invariance_operator",
    "symmetry_dimension",
    "spectral_dimension",
    "default_tol",
    "default_n_samples",
    "fit_auto",
    "sampled_form",
    "dense_form_bytes",
]

log = logging.getLogger(__name__)

MAX_ANGLE_GENERATORS = 12
#: Eigenvalues of the invariance form below this fraction of the largest count as symmetries.
NULL_THRESHOLD = 1e-6
#: Above this many multiply-adds (k^3 d^2), an untrained closure term is not evaluated for the
#: report; the exact algebra checks closure anyway.
CLOSURE_REPORT_FLOPS = 2e9  # above this, history keeps the smallest angle, not every pair


def default_tol(dtype: str | torch.dtype) -> float:
    """Loss at which training counts as converged: 1e-12 in float64, 1e-6 in float32."""
    return 1e-12 if dtype in ("float64", torch.float64) else 1e-6


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
    weights : torch.Tensor, shape (m, n_outputs)
        The weight of each raw squared condition ``(F_ic theta)^2`` in ``q``: one over the
        row's own size (scale-free conditions), times ``w_c = 1 / (n_live trace(Q_c) / p)`` so
        that each component's conditions weigh the same. The finite-eps loss uses them too.
    space : MatrixSpace
    samples : torch.Tensor, shape (m, n_inputs)
    values : torch.Tensor, shape (m, n_outputs)
    """

    q: torch.Tensor
    scale: float
    space: MatrixSpace
    samples: torch.Tensor
    values: torch.Tensor
    weights: torch.Tensor | None = None
    learned: bool = False

    @functools.cached_property
    def _eigh(self) -> tuple[torch.Tensor, torch.Tensor]:
        # Once per form: the factor, the dimension and the polish all need it. torch's eigh, not
        # numpy's: one thread pool. Mixing torch's OpenMP threads with OpenBLAS's on a busy
        # 2-core machine made a 729x729 eigh take 10 s instead of 0.1 s.
        return torch.linalg.eigh(self.q.detach().cpu().double())

    def factor(self, *, whiten: bool = True) -> torch.Tensor:
        """``R`` with ``R R^T`` the (whitened) invariance form, shape (p, r).

        Training evaluates ``||theta R||^2``, which is never negative, where ``theta^T q theta``
        could dip to -1e-16 and show as a negative loss.

        ``whiten=True`` (default) equalizes the spectrum: eigenvalues counted as symmetries (by
        :func:`symmetry_dimension`) become exactly 0, the others ``lambda / (lambda + mu)`` with
        ``mu`` the smallest of them, all in ``[1/2, 1)``. The null
        space, which is the answer, is the same; what changes is the condition number, from
        ``lambda_max / mu`` (1e5 for a two-Higgs-doublet potential whose small couplings almost
        keep a symmetry) to 2. Measured on that potential: 500 L-BFGS epochs to a loss of 1e-10
        without, 3 epochs to 1e-12 with. The invariance loss then reads "how far from a symmetry,
        relative to the nearest non-symmetry".
        """
        evals, evecs = self._eigh
        evals = evals.clamp_min(0.0)
        if not whiten:
            return evecs * evals.sqrt()
        if float(evals[-1]) <= 0.0:
            return torch.zeros_like(evecs)
        dim, _ = symmetry_dimension(self)
        live = evals[dim:]
        mu = float(live[0]) if len(live) else 1.0
        # Only the non-null directions: shape (p, p - dim), which halves the work of so(n).
        return evecs[:, dim:] * (live / (live + mu)).sqrt()

    def eigen(self) -> tuple[np.ndarray, np.ndarray]:
        """Eigenvalues (ascending) and eigenvectors of ``q`` as float64 numpy arrays."""
        evals, evecs = self._eigh
        return evals.numpy(), evecs.numpy()


def invariance_form(oracle: Oracle, samples: torch.Tensor, *, learned: bool = False) -> InvarianceForm:
    """Compute the quadratic invariance form of ``oracle`` on ``samples`` (once per oracle).

    Parameters
    ----------
    samples : torch.Tensor, shape (m, n_inputs)
    learned : bool
        The oracle is learned (a network fitted to data): its symmetries are read with the
        rule for small, not zero, eigenvalues (see :func:`spectral_dimension`).

    Examples
    --------
    >>> phi = Oracle("x1**2 + x2**2")
    >>> from liealg.oracle import sample_points
    >>> form = invariance_form(phi, sample_points(phi, 64))
    >>> tuple(form.q.shape)
    (4, 4)
    """
    space = MatrixSpace(oracle.matrix_size, is_complex=oracle.is_complex)
    values = check_finite(oracle, samples)
    feats = lie_features(oracle, samples, space)  # (m, n_out, p)
    m = feats.shape[0]
    row_norms = feats.norm(dim=-1)  # (m, n_out)
    finite = torch.isfinite(row_norms)
    if int((~finite).sum()) > 0.1 * finite.numel():
        raise OracleError(
            f"the gradient of {oracle.formula_text()} is not finite at {int((~finite).sum())} of {finite.numel()} "
            "samples; sample where the oracle is differentiable (e.g. Sampling(distribution='uniform', low=0.5, "
            "high=2); CLI: --distribution uniform --low 0.5 --high 2)"
        )
    feats = torch.where(finite.unsqueeze(-1), feats, torch.zeros_like(feats))  # a point on a pole: no condition
    row_norms = torch.where(finite, row_norms, torch.zeros_like(row_norms))
    # The raw scale of each component, for the finite-eps loss, which compares raw values.
    raw_traces = (row_norms.pow(2).sum(0) / m) / space.p  # (n_out,)
    # Scale-free conditions: each (sample, component) row is divided by its own size, so that a
    # rational oracle near a pole, cosh(|x|^2) far out, or 1e6*x1**2 beside x2**2 cannot let a
    # few samples or one unit dominate the form. The null space (the symmetries) is unchanged;
    # its gap to the rest of the spectrum no longer depends on the oracle's units.
    feats = feats / row_norms.clamp_min(1e-300).unsqueeze(-1)
    # One form per output component, each divided by its own mean eigenvalue: components of
    # different degrees (a Hermitian form beside a determinant of degree 6) then weigh the same,
    # instead of the largest drowning the others' conditions. Measured (smallest nonzero /
    # largest eigenvalue of q, training time): su(6) 8e-5 and 178 s without convergence for a
    # plain sum, 0.063 and 4 s normalized so; f4 0.0058 / 6 s vs 0.0025 / 46 s. Normalizing by
    # the largest eigenvalue instead was slower everywhere (f4 350 s).
    per_output = torch.einsum("mcp,mcq->cpq", feats, feats) / m
    traces = torch.diagonal(per_output, dim1=-2, dim2=-1).sum(-1) / space.p  # (n_out,)
    live = traces > 0  # a component constant on the samples imposes no condition
    if not bool(live.any()):
        # The oracle is constant on the samples: every W leaves it unchanged. Keep q = 0.
        q, scale = per_output.sum(0), 1.0
        weights = torch.zeros_like(row_norms)
    else:
        n_live = int(live.sum())
        q = torch.einsum("c,cpq->pq", torch.where(live, 1.0 / (traces * n_live), torch.zeros_like(traces)),
                         per_output)
        # The weight of each raw squared condition in q: the finite-eps loss uses the same.
        weights = (torch.where(live, 1.0 / (traces * n_live), torch.zeros_like(traces))
                   / row_norms.pow(2).clamp_min(1e-300)) * (row_norms > 0)
        scale = float(raw_traces[live].mean())
    return InvarianceForm(q=q, scale=scale, space=space, samples=samples, values=values,
                          weights=weights, learned=learned)


# --------------------------------------------------------------------------- matrix-free
@dataclass(frozen=True)
class InvarianceOperator:
    """The invariance form of :func:`invariance_form`, never formed (matrix-free).

    The dense form is a ``p x p`` matrix (``p = d^2`` unknowns): 12.8 GB at ``d = 200``. Its
    quadratic form is a weighted sum of squared Lie derivatives over the samples,
    ``theta^T q theta = mean_i sum_c weights[i, c] (grad f_c(x_i) . (R(W) x_i))^2``, and that
    is what this evaluates: one batched product of the generators with the samples and the
    oracle's gradients, memory ``m x n_inputs`` instead of ``p^2`` (and no ``m x p`` table of
    conditions). The weights are the dense form's, so both give the same loss and gradient.

    What needs the spectrum is done by Lanczos iteration on the operator
    (:meth:`smallest_eigenvalues`, :meth:`dimension`): the smallest eigenvalues only, until a
    gap shows. There is no whitened factor: training minimizes the plain form (its tolerance
    reads against eigenvalues of order ``1/p``), and :meth:`TrainingResult.polished` leaves the
    learned generators as they are.

    Attributes
    ----------
    space : MatrixSpace
    samples : torch.Tensor, shape (m, n_inputs)
    values : torch.Tensor, shape (m, n_outputs)
    gradients : torch.Tensor, shape (m, n_outputs, n_inputs)
        ``d f_c / d x`` at each sample (zero where not finite: no condition there).
    weights : torch.Tensor, shape (m, n_outputs)
        As :attr:`InvarianceForm.weights`.
    scale : float
    n_vectors : int
    learned : bool
    """

    space: MatrixSpace
    samples: torch.Tensor
    values: torch.Tensor
    gradients: torch.Tensor
    weights: torch.Tensor
    scale: float
    n_vectors: int
    learned: bool = False
    _spectrum: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    def conditions(self, theta: torch.Tensor) -> torch.Tensor:
        """``F[i, c] . theta_k`` for every generator, sample and component: shape ``(k, m, n_outputs)``."""
        m = self.samples.shape[0]
        D, kv = self.space.real_size, self.n_vectors
        R = self.space.real_action(theta)  # (k, D, D)
        x = self.samples.to(dtype=theta.dtype, device=theta.device).reshape(m, kv, D)
        g = self.gradients.to(dtype=theta.dtype, device=theta.device).reshape(m, -1, kv, D)
        moved = torch.einsum("kab,ivb->kiva", R, x)  # R(W_k) x_i, per argument vector
        return torch.einsum("icva,kiva->kic", g, moved)

    def loss(self, theta: torch.Tensor) -> torch.Tensor:
        """``sum_k theta_k^T q theta_k`` for ``theta`` of shape ``(k, p)``, differentiable."""
        w = self.weights.to(dtype=theta.dtype, device=theta.device)
        return (w * self.conditions(theta).pow(2)).sum() / self.samples.shape[0]

    def apply(self, theta: torch.Tensor) -> torch.Tensor:
        """``q theta_k`` for each row, shape ``(k, p)`` (the gradient of half the loss)."""
        with torch.enable_grad():
            t = theta.detach().clone().requires_grad_(True)
            (grad,) = torch.autograd.grad(0.5 * self.loss(t), t)
        return grad.detach()

    def smallest_eigenvalues(self, count: int) -> np.ndarray:
        """The ``count`` smallest eigenvalues of ``q`` (ascending), by Lanczos iteration (scipy ``eigsh``)."""
        return self.smallest_eigenpairs(count, vectors=False)[0]

    def smallest_eigenpairs(self, count: int, *, vectors: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
        """The ``count`` smallest eigenvalues (ascending) and, with ``vectors``, their
        eigenvectors as columns ``(p, count)``: the symmetries are the first ``dimension()``.

        A block method (LOBPCG, seeded block of ``count`` vectors) when ``count < p / 5``: a
        single-vector Krylov method (Lanczos) finds one copy of a repeated eigenvalue, and the
        null space of an invariance form is one eigenvalue of high multiplicity. A larger
        ``count`` needs ``q`` itself, built from ``p`` products in blocks (``p^2`` memory,
        still without the ``m x p`` table of conditions).
        """
        import warnings

        from scipy.sparse.linalg import LinearOperator, lobpcg

        p = self.space.p
        count = min(count, p)
        if 5 * count >= p:
            require_memory(8.0 * 3 * p * p, f"the {p}x{p} invariance form (for {count} of its eigenvalues)",
                           "give the number of generators, so that the spectrum is not needed")
            eye = torch.eye(p, dtype=torch.float64)
            Q = torch.cat([self.apply(eye[i:i + 64]) for i in range(0, p, 64)]).numpy()
            ev, V = np.linalg.eigh(0.5 * (Q + Q.T))
            return ev[:count], (V[:, :count] if vectors else None)

        def mm(V: np.ndarray) -> np.ndarray:
            V2 = np.asarray(V, dtype=np.float64).reshape(p, -1)
            return self.apply(torch.as_tensor(V2.T.copy())).numpy().T

        require_memory(8.0 * 12 * p * count, f"a block of {count} vectors of {p} unknowns (LOBPCG)",
                       "give the number of generators, so that the spectrum is not needed")
        op = LinearOperator((p, p), matvec=mm, matmat=mm, dtype=np.float64)
        X0 = np.random.default_rng(0).standard_normal((p, count))  # seeded: the same answer every run
        top = self.largest_eigenvalue()
        with warnings.catch_warnings():  # convergence is checked below, on the residuals
            warnings.simplefilter("ignore")
            vals, vecs = lobpcg(op, X0, largest=False, tol=1e-9 * top, maxiter=1000)
        order = np.argsort(vals)
        vals, vecs = vals[order], vecs[:, order]
        resid = float(np.max(np.linalg.norm(mm(vecs) - vecs * vals[None, :], axis=0)))
        if resid > 1e-6 * top:
            raise ConvergenceError(
                f"LOBPCG did not converge on the {count} smallest eigenvalues of the matrix-free invariance form "
                f"(residual {resid:.1e} of {top:.1e}); give the number of generators or use invariance='dense'"
            )
        return vals, (vecs if vectors else None)

    def largest_eigenvalue(self) -> float:
        """The largest eigenvalue of ``q`` (Lanczos), the scale the small ones are read against."""
        if "top" not in self._spectrum:
            from scipy.sparse.linalg import LinearOperator, eigsh

            p = self.space.p

            def mv(v: np.ndarray) -> np.ndarray:
                return self.apply(torch.as_tensor(np.asarray(v, dtype=np.float64).reshape(1, p))).numpy().ravel()

            if p <= 64:
                Q = self.apply(torch.eye(p, dtype=torch.float64)).numpy()
                top = float(np.linalg.eigvalsh(0.5 * (Q + Q.T))[-1])
            else:
                op = LinearOperator((p, p), matvec=mv, dtype=np.float64)
                top = float(eigsh(op, k=1, which="LA", v0=np.random.default_rng(1).standard_normal(p),
                                  tol=1e-6, return_eigenvectors=False)[0])
            self._spectrum["top"] = top
        return float(self._spectrum["top"])  # type: ignore[arg-type]

    def known_dimension(self) -> int | None:
        """The dimension when :meth:`dimension` has run, else None (nothing is computed)."""
        found = self._spectrum.get("dimension")
        return None if found is None else int(found[0])  # type: ignore[index]

    def dimension(self) -> tuple[int, np.ndarray]:
        """The symmetry dimension and the eigenvalues it was read from (the smallest ones, ascending).

        Lanczos on the ``K`` smallest eigenvalues, ``K = 16, 32, 64, ...``, each read by
        :func:`spectral_dimension` together with the largest eigenvalue, until some computed
        eigenvalue is clearly not a symmetry and the cut falls below ``K`` (the gap is then
        inside the computed part of the spectrum). Costs ``O(K)`` products per round; the
        dense eigendecomposition would cost ``p^3`` and ``p^2`` memory.
        """
        if "dimension" not in self._spectrum:
            p = self.space.p
            top = self.largest_eigenvalue()
            count = 16
            while True:
                small = self.smallest_eigenvalues(count)
                # all computed ones at round-off (below the learned rule's ceiling): the gap lies further up
                ceiling = 1e-2 if self.learned else NULL_THRESHOLD
                if len(small) < p and np.all(small <= ceiling * max(top, 1e-300)):
                    count *= 2
                    continue
                dim, _ = spectral_dimension(np.append(small, top), learned=self.learned)
                if dim < len(small) or len(small) >= p:
                    break
                count *= 2
            self._spectrum["dimension"] = (min(dim, len(small)), small)
        return self._spectrum["dimension"]  # type: ignore[return-value]


def invariance_operator(oracle: Oracle, samples: torch.Tensor, *, learned: bool = False) -> InvarianceOperator:
    """The matrix-free invariance form of ``oracle`` on ``samples`` (same weights as :func:`invariance_form`).

    Examples
    --------
    >>> from liealg.oracle import sample_points
    >>> phi = Oracle("x1**2 + x2**2")
    >>> x = sample_points(phi, 64)
    >>> theta = torch.randn(3, 4, dtype=torch.float64)
    >>> dense = invariance_form(phi, x).q
    >>> bool(torch.allclose(invariance_operator(phi, x).loss(theta), torch.einsum("kp,pq,kq->", theta, dense, theta)))
    True
    """
    space = MatrixSpace(oracle.matrix_size, is_complex=oracle.is_complex)
    values = check_finite(oracle, samples)
    _, grad = oracle_gradients(oracle, samples)  # (m, n_out, n_inputs)
    grad = grad.detach()
    m, n_out = grad.shape[0], grad.shape[1]
    kv, D = oracle.n_vectors, space.real_size
    x_v = samples.detach().reshape(m, kv, D)
    # The size of each condition row |F[i, c]|, in chunks of samples (never the m x p table).
    chunk = max(1, int(4e6 // max(1, n_out * space.p)))
    norms = []
    for start in range(0, m, chunk):
        g = grad[start:start + chunk].reshape(-1, n_out, kv, D)
        outer = torch.einsum("icva,ivb->icab", g, x_v[start:start + chunk])
        norms.append(space.features_from_outer(outer).norm(dim=-1))
    row_norms = torch.cat(norms)  # (m, n_out)
    finite = torch.isfinite(row_norms)
    if int((~finite).sum()) > 0.1 * finite.numel():
        raise OracleError(
            f"the gradient of {oracle.formula_text()} is not finite at {int((~finite).sum())} of {finite.numel()} "
            "samples; sample where the oracle is differentiable"
        )
    grad = torch.where(finite.unsqueeze(-1), grad, torch.zeros_like(grad))
    row_norms = torch.where(finite, row_norms, torch.zeros_like(row_norms))
    raw_traces = (row_norms.pow(2).sum(0) / m) / space.p
    traces = ((row_norms > 0).sum(0).to(row_norms.dtype) / m) / space.p  # the scaled rows have size 1
    live = traces > 0
    if not bool(live.any()):
        weights, scale = torch.zeros_like(row_norms), 1.0
    else:
        n_live = int(live.sum())
        weights = (torch.where(live, 1.0 / (traces * n_live), torch.zeros_like(traces))
                   / row_norms.pow(2).clamp_min(1e-300)) * (row_norms > 0)
        scale = float(raw_traces[live].mean())
    return InvarianceOperator(space=space, samples=samples, values=values, gradients=grad, weights=weights,
                              scale=scale, n_vectors=kv, learned=learned)


def dense_form_bytes(oracle: Oracle, n_samples: int) -> float:
    """Bytes the dense invariance form of ``oracle`` on ``n_samples`` samples needs (conditions, ``q``,
    its eigenvectors)."""
    space = _space(oracle)
    return 8.0 * (3 * n_samples * oracle.n_outputs * space.p + 4 * space.p**2 + 4 * n_samples * oracle.n_inputs)


def spectral_dimension(evals: np.ndarray, *, learned: bool = False, rel_gap: float = NULL_THRESHOLD,
                       max_small: float = 1e-2, min_gap: float = 1.0) -> tuple[int, float]:
    """How many eigenvalues of an invariance form are symmetries, and how clearly.

    A formula's symmetries have eigenvalues at round-off (1e-16 of the largest): the dimension
    is the number below ``rel_gap`` of the largest when the spectrum jumps by 1000x right
    there; otherwise the largest jump in the spectrum. A learned oracle (``learned=True``) is
    invariant only up to its fit, so its symmetries' eigenvalues are small, not zero: the cut is
    the largest jump among cuts whose lower part lies below ``max_small``, and a jump under
    ``min_gap`` decades is no gap at all (dimension 0).

    Parameters
    ----------
    evals : numpy.ndarray, shape (p,)

    Returns
    -------
    dim : int
    gap : float
        The jump at the cut, in decades of the spectrum (0 when there is none).

    Examples
    --------
    >>> spectral_dimension(np.array([1e-17, 2e-17, 0.2, 0.5, 1.0]))[0]
    2
    >>> spectral_dimension(np.array([1e-6, 2e-6, 3e-6, 0.2, 0.5, 1.0]), learned=True)
    (3, 4.8...)
    """
    ev = np.sort(np.asarray(evals, dtype=np.float64))
    if ev.size == 0:
        return 0, 0.0
    top = max(float(ev[-1]), 1e-300)
    # Eigenvalues at round-off level are all "zero": floor them so that noise among them
    # cannot look like a gap.
    logs = np.log10(np.clip(ev / top, 1e-18, None))
    if learned:
        best, best_gap = 0, 0.0
        for k in range(1, len(logs)):
            if logs[k - 1] > math.log10(max_small):
                break
            jump = float(logs[k] - logs[k - 1])
            if jump > best_gap:
                best, best_gap = k, jump
        return (best, best_gap) if best_gap >= min_gap else (0, best_gap)
    small = int((logs < np.log10(rel_gap)).sum())
    if small == 0:
        return 0, 0.0
    if small == len(logs):
        return small, math.inf
    if logs[small] - logs[small - 1] >= 3:  # a clear gap of 1000x right at the threshold
        return small, float(logs[small] - logs[small - 1])
    # No clear gap at the threshold (noisy oracle): take the largest jump in the spectrum.
    jumps = np.diff(logs)
    cut = int(np.argmax(jumps)) + 1
    return cut, float(jumps[cut - 1])


def symmetry_dimension(form: InvarianceForm | InvarianceOperator) -> tuple[int, np.ndarray]:
    """Dimension of the whole linear symmetry algebra, read off the invariance form.

    The generators with zero invariance loss form the null space of ``q``; its dimension comes
    from :func:`spectral_dimension`, with the rule of the form (``form.learned``).

    Returns
    -------
    dim : int
    eigenvalues : numpy.ndarray, shape (p,), ascending
        For a matrix-free :class:`InvarianceOperator`: only the smallest ones that Lanczos
        computed (see :meth:`InvarianceOperator.dimension`).
    """
    if isinstance(form, InvarianceOperator):
        return form.dimension()
    evals, _ = form.eigen()
    return spectral_dimension(evals, learned=form.learned)[0], evals


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class TrainingResult:
    """Generators learned by :func:`fit`.

    Attributes
    ----------
    generators : numpy.ndarray, shape (k, d, d)
        The best generators found (real or complex), normalized as the loss asks. Read-only.
    theta : numpy.ndarray, shape (k, p)
        The same as real parameter vectors (see :class:`~liealg.generators.MatrixSpace`).
    structure_constants : numpy.ndarray, shape (k, k, k), or None
        ``f_ab^c`` with ``[W_a, W_b] ~ sum_c f_ab^c W_c`` (learned, or projected); None for
        algebras so large that projecting every bracket would cost more than training.
    loss : mapping of str to float
        Each weighted term and their "total" for the kept generators. When ``k`` is the
        dimension of the whole symmetry algebra, closure holds by construction and is not
        trained: it is reported (not for algebras so large that evaluating it would cost more
        than training), but convergence is judged on the trained terms.
    converged : bool
        The trained loss is at most ``tol``.
    best_epoch : int
        The epoch whose generators were kept.
    stop_reason : str
        Why the kept attempt ended (:data:`liealg.engine.STOP_REASONS`).
    """

    generators: np.ndarray
    theta: np.ndarray
    structure_constants: np.ndarray | None
    loss: Mapping[str, float]
    converged: bool
    tol: float
    epochs: int
    seconds: float
    history: History
    seed: int
    weights: L.LinearLosses
    stop_reason: str = "converged"
    best_epoch: int = 0
    form: InvarianceForm | InvarianceOperator | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("generators", "theta", "structure_constants"):
            if getattr(self, name) is None:
                continue
            array = np.array(getattr(self, name))
            array.setflags(write=False)
            object.__setattr__(self, name, array)

    @property
    def n_generators(self) -> int:
        return int(self.generators.shape[0])

    @property
    def interrupted(self) -> bool:
        """Training was stopped with Ctrl-C; these are the best generators before that."""
        return self.stop_reason == "interrupted"

    def polished(self) -> np.ndarray:
        """The learned generators refined against the invariance form (Rayleigh-Ritz).

        Training stops at a loss of about 1e-12: the learned span is right to about 1e-6 rad,
        too coarse to read exact entries from. The symmetries are the null space of the form's
        ``q``; projecting each learned generator onto that eigenspace keeps what was learned
        (which combination, which subalgebra) and removes the rest, to near machine precision.
        Unchanged when there are more generators than symmetries, or no form.

        Returns
        -------
        numpy.ndarray, shape (k, d, d)
        """
        if not isinstance(self.form, InvarianceForm):  # none, or matrix-free (no eigenvectors)
            return self.generators
        dim, _ = symmetry_dimension(self.form)
        if not 0 < self.n_generators <= dim:
            return self.generators
        _, vectors = self.form.eigen()
        basis = vectors[:, :dim]  # (p, dim), orthonormal
        theta = self.theta @ basis @ basis.T
        w = self.form.space.matrices(torch.as_tensor(theta)).numpy()
        out = np.array(w.astype(np.complex128 if self.form.space.is_complex else np.float64))
        out.setflags(write=False)
        return out


@dataclass(frozen=True)
class ScanResult:
    """Final losses per number of generators (the talk's "loss vs N_g" figure).

    Attributes
    ----------
    n_generators : tuple of int
    total : tuple of float
        Final total loss for each ``N_g``.
    terms : mapping of str to tuple of float
        Final value of each term for each ``N_g``.
    success : tuple of bool
        ``total <= threshold``: a subalgebra of that dimension was found.
    """

    n_generators: tuple[int, ...]
    total: tuple[float, ...]
    terms: Mapping[str, tuple[float, ...]]
    success: tuple[bool, ...]
    threshold: float
    results: tuple[TrainingResult, ...] = field(repr=False, default=())

    @property
    def dimension(self) -> int:
        """The largest ``N_g`` that succeeded (0 if none): the full algebra's dimension."""
        ok = [n for n, s in zip(self.n_generators, self.success) if s]
        return max(ok) if ok else 0


# --------------------------------------------------------------------------- training
def _space(oracle: Oracle) -> MatrixSpace:
    return MatrixSpace(oracle.matrix_size, is_complex=oracle.is_complex)


def _form_for(oracle: Oracle, sampling: Sampling, seed: int, device: torch.device,
              training: TrainConfig | None = None, *, known_k: bool = True) -> InvarianceForm | InvarianceOperator:
    """The dense form or the matrix-free operator, as ``training.invariance`` says. "auto" switches
    to matrix-free over the memory budget only when the number of generators is given
    (``known_k``): finding the dimension of a large algebra matrix-free is a long eigenvalue
    search, which is asked for explicitly (``invariance="matrix_free"``); otherwise the dense
    form's memory check refuses with the figures and says so."""
    space = _space(oracle)
    default_n = default_n_samples(space, oracle.n_outputs)
    m = len(sampling.points) if sampling.points is not None else sampling.n or default_n
    mode = "dense" if training is None else training.invariance
    if mode == "auto" and training is not None and known_k:
        budget = training.memory_budget if training.memory_budget else 0.25 * available_memory()
        mode = "matrix_free" if dense_form_bytes(oracle, m) > budget else "dense"
        if mode == "matrix_free":
            log.info("the dense invariance form (%.2g bytes) passes the budget (%.2g): matrix-free",
                     dense_form_bytes(oracle, m), budget)
    if mode == "matrix_free":
        require_memory(8.0 * (6 * m * oracle.n_inputs * max(1, oracle.n_outputs) + 4e6),
                       f"the matrix-free invariance conditions of {m} samples", "use fewer samples")
        samples = points_for(oracle, sampling, seed=seed, default_n=default_n, device=device)
        return invariance_operator(oracle, samples)
    # Before allocating: the conditions (m x outputs x p, a few copies) and q with its
    # eigendecomposition (p x p, a few copies).
    require_memory(dense_form_bytes(oracle, m),
                   f"the invariance conditions of {m} samples on {space.p} unknowns "
                   f"({space.d}x{space.d}{' complex' if space.is_complex else ''} generators)",
                   "use fewer samples, or a smaller oracle, or TrainConfig(invariance='matrix_free')")
    samples = points_for(oracle, sampling, seed=seed, default_n=default_n, device=device)
    return invariance_form(oracle, samples)


def sampled_form(oracle: Oracle, sampling: Sampling | None = None, *, seed: int = 0,
                 device: str = "cpu") -> InvarianceForm | InvarianceOperator:
    """The invariance form on the samples ``fit`` would draw: share it between many runs.

    Parameters
    ----------
    oracle : Oracle
    sampling : Sampling, optional
    seed : int
    device : str

    Returns
    -------
    InvarianceForm
        Pass it to :func:`fit` as ``form=``.

    Examples
    --------
    >>> form = sampled_form(Oracle("x1**2 + x2**2"), seed=0)
    >>> symmetry_dimension(form)[0]
    1
    """
    return _form_for(oracle, sampling or Sampling(), seed, resolve_device(device))  # dense: a shared form


def fit(
    oracle: Oracle,
    n_generators: int,
    *,
    seed: int = 0,
    sampling: Sampling | None = None,
    training: TrainConfig | None = None,
    losses: L.LinearLosses | None = None,
    form: InvarianceForm | InvarianceOperator | None = None,
    progress: Callable[[int, Mapping[str, float]], None] | None = None,
) -> TrainingResult:
    """Learn ``n_generators`` linear symmetry generators of ``oracle``.

    Parameters
    ----------
    oracle : Oracle
    n_generators : int
        ``k``, the number of generators learned together.
    seed : int
        Seeds the samples and the initial generators: the same seed gives the same result.
    sampling : Sampling, optional
        Where the oracle is evaluated (default: a few seeded normal points per unknown).
    training : TrainConfig, optional
        Defaults for matrices: 500 L-BFGS steps (5000 for Adam, learning rate 1e-2), tol
        :func:`default_tol`, a curriculum (closure switched on once the other terms converge),
        two restarts from new seeds when an attempt stalls (30 epochs without a 1e-6 relative
        improvement), one CPU thread for small problems.
    losses : LinearLosses, optional
        Weights and forms of the loss terms.
    form : InvarianceForm, optional
        A precomputed invariance form (its samples are then used; ``sampling`` is not).
    progress : callable, optional
        Called as ``progress(epoch, losses)`` after every step (the CLI passes a tqdm bar).

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
    training = training or TrainConfig()
    losses = losses or L.LinearLosses()
    space = _space(oracle)
    if isinstance(n_generators, bool) or not isinstance(n_generators, int) or not 1 <= n_generators <= space.p:
        raise OptionError(
            f"n_generators must be an integer from 1 to {space.p} (the dimension of the space of "
            f"{space.d}x{space.d} {'complex' if space.is_complex else 'real'} matrices), got {n_generators!r}"
        )
    check_positive_int("seed", seed, minimum=0)
    device = resolve_device(training.device)
    start = time.perf_counter()
    deadline = None if training.max_seconds is None else start + training.max_seconds
    if form is None:
        with torch_threads(threads_for(training, space.p * space.p * space.d, device)):
            form = _form_for(oracle, sampling or Sampling(), seed, device, training)
            if isinstance(form, InvarianceForm):
                form.eigen()  # the eigendecomposition, once, on the same threads
    with torch_threads(threads_for(training, n_generators * space.p * space.d, device)):
        best = _fit_attempts(oracle, form, space, n_generators, seed, losses, training, device, deadline, progress)
    return dataclasses.replace(best, seconds=time.perf_counter() - start, seed=seed)


def _fit_attempts(oracle: Oracle, form: InvarianceForm | InvarianceOperator, space: MatrixSpace, k: int, seed: int,
                  losses: L.LinearLosses, training: TrainConfig, device: torch.device, deadline: float | None,
                  progress: Callable[[int, Mapping[str, float]], None] | None) -> TrainingResult:
    dtype = torch_dtype(training.dtype)
    tol = default_tol(training.dtype) if training.tol is None else float(training.tol)
    # q = R R^T, so the loss is never negative; the matrix-free operator has no factor
    r = form.factor().to(device=device, dtype=dtype) if isinstance(form, InvarianceForm) else None
    checkpoint = None
    resume_state = None
    first_attempt = 0
    if training.checkpoint is not None:
        checkpoint = Checkpoint(training.checkpoint, _fingerprint(oracle, k, seed, training.dtype),
                                training.checkpoint_every)
        if training.resume:
            resume_state = checkpoint.load()
            if resume_state is not None:
                first_attempt = int(resume_state["attempt"])
    best: TrainingResult | None = None
    for attempt in range(first_attempt, training.restarts + 1):
        result = _fit_once(oracle, form, r, space, k, seed + 7919 * attempt, losses, training, tol, dtype, device,
                           deadline, progress, checkpoint, attempt,
                           resume_state if attempt == first_attempt else None)
        if best is None or result.loss["total"] < best.loss["total"]:
            best = result
        if best.converged or result.stop_reason in ("interrupted", "time"):
            break
        log.info("attempt %d stalled at loss %.3e; restarting", attempt, result.loss["total"])
    assert best is not None
    return best


def _fit_once(oracle: Oracle, form: InvarianceForm | InvarianceOperator, r: torch.Tensor | None,
              space: MatrixSpace, k: int, seed: int,
              losses: L.LinearLosses, training: TrainConfig, tol: float, dtype: torch.dtype, device: torch.device,
              deadline: float | None, progress: Callable[[int, Mapping[str, float]], None] | None,
              checkpoint: Checkpoint | None, attempt: int,
              resume_state: Mapping[str, object] | None) -> TrainingResult:
    # When k is the dimension of the whole symmetry algebra, k orthonormal symmetries span it,
    # and a symmetry algebra is closed: the closure term has nothing to teach, and its cost,
    # about k^3 d^2 per evaluation, dominates large algebras (so(20): 140 s of 180). It is
    # trained only in a search for a proper subalgebra (k below the dimension).
    if isinstance(form, InvarianceOperator) and form.known_dimension() is None:
        # matrix-free: the dimension is an eigenvalue search, not run just for this; closure
        # stays on (it vanishes on the whole algebra, so it is only slower, never wrong)
        use_closure = losses.closure > 0 and k > 1
    else:
        use_closure = losses.closure > 0 and 1 < k < symmetry_dimension(form)[0]
    model = LinearGenerators(space, k, seed=seed, dtype=dtype, device=device,
                             learn_structure_constants=use_closure and losses.structure_constants == "learned")
    samples = form.samples.to(device=device, dtype=dtype)
    values = form.values.to(device=device, dtype=dtype)
    condition_weights = None if form.weights is None else form.weights.to(device=device, dtype=dtype)
    w = losses.weights()

    def loss(active: frozenset[str], batch: torch.Tensor | None) -> dict[str, torch.Tensor]:
        theta = model.theta
        out: dict[str, torch.Tensor] = {}
        if losses.invariance_mode == "lie" and r is None:
            assert isinstance(form, InvarianceOperator)
            out["invariance"] = w["invariance"] * form.loss(theta)
        elif losses.invariance_mode == "lie":
            assert r is not None
            out["invariance"] = w["invariance"] * L.invariance_factored(theta, r)
        else:
            out["invariance"] = w["invariance"] * L.invariance_finite(
                theta, oracle, samples, values, space.real_action, oracle.n_vectors, losses.eps, condition_weights)
        out["normalization"] = w["normalization"] * L.normalization(theta)
        out["orthogonality"] = w["orthogonality"] * L.orthogonality(theta)
        if use_closure and "closure" in active:
            out["closure"] = w["closure"] * L.closure(model.matrices(), model.structure_constants())
        if w["sparsity"] > 0:
            out["sparsity"] = w["sparsity"] * L.sparsity(theta)
        return out

    # Curriculum: the closure term couples all k^2 pairs of generators and makes the landscape
    # rugged. Stage 1 trains without it (invariance + normalization + orthogonality: find k
    # orthonormal symmetries), stage 2 switches it on from there. When k is the full dimension
    # the span is already closed and stage 2 ends at once; otherwise stage 2 does the real work
    # (the N_g scan). Measured on f4 (52 generators of 27x27): the full loss from a random start
    # was still at 26 after 3 L-BFGS epochs (150 s); stage 1 converges in a few epochs.
    without_closure = frozenset(L.TERMS) - {"closure"}
    stages = (without_closure, frozenset(L.TERMS)) if use_closure else (without_closure,)
    epochs = training.epochs or (500 if training.optimizer == "lbfgs" else 5000)
    # A stalled L-BFGS run does better restarted from another seed than stepping on.
    patience = training.patience or (30 if training.optimizer == "lbfgs" else None)
    run = train(model, loss, training, terms=L.TERMS, tol=tol, epochs=epochs, stages=stages, patience=patience,
                default_lr=1e-2, deadline=deadline, monitor=lambda: _angles(model.theta.detach()),
                progress=progress, checkpoint=checkpoint, checkpoint_extra={"attempt": attempt},
                resume_state=resume_state)
    w_best = model.matrices().detach()
    final = dict(run.losses)
    if "closure" not in final and k**3 * space.p <= CLOSURE_REPORT_FLOPS:
        # Not trained (one generator, or the whole algebra, see above): reported for the kept
        # generators while that is cheap.
        with torch.no_grad():
            final["closure"] = losses.closure * float(L.closure(w_best)) if k > 1 else 0.0
        final["total"] = sum(v for t, v in final.items() if t != "total")
    learned_f = model.structure_constants()
    f_np: np.ndarray | None
    if learned_f is not None:
        f_np = learned_f.detach().cpu().double().numpy()
    elif k == 1:
        f_np = np.zeros((1, 1, 1))
    elif k**3 * space.p <= CLOSURE_REPORT_FLOPS:
        f_np = L.projected_structure_constants(w_best).cpu().double().numpy()
    else:
        f_np = None  # k^3 d^2 work (so(24): 8 s); the exact algebra has them exactly
    return TrainingResult(
        generators=w_best.cpu().numpy().astype(np.complex128 if space.is_complex else np.float64),
        theta=model.theta.detach().cpu().double().numpy(),
        structure_constants=f_np,
        loss=MappingProxyType(final),
        converged=run.converged,
        tol=tol,
        epochs=run.epochs,
        seconds=run.seconds,
        history=run.history,
        seed=seed,
        weights=losses,
        stop_reason=run.stop_reason,
        best_epoch=run.best_epoch,
        form=form,
    )


def _fingerprint(oracle: Oracle, k: int, seed: int, dtype: str) -> str:
    vectors = "|".join(" ".join(s.name for s in v) for v in oracle.vectors)
    return f"{oracle.formula_text()}#{vectors}#complex={oracle.is_complex}#k={k}#seed={seed}#torch.{dtype}"


def _angles(theta: torch.Tensor) -> tuple[float, ...]:
    k = theta.shape[0]
    if k < 2:
        return ()
    t = theta.double()
    unit = t / t.norm(dim=1, keepdim=True).clamp_min(1e-300)
    cos = (unit @ unit.T).clamp(-1.0, 1.0)
    ang = torch.rad2deg(torch.arccos(cos))
    iu = torch.triu_indices(k, k, offset=1)
    pairs = ang[iu[0], iu[1]].tolist()
    if k > MAX_ANGLE_GENERATORS:
        return (min(pairs),)
    return tuple(round(a, 6) for a in pairs)


def default_n_samples(space: MatrixSpace, n_outputs: int) -> int:
    """Enough samples that the invariance conditions determine ``W`` (a few per unknown)."""
    return int(max(512, min(8192, 4 * space.p // max(1, n_outputs) + 64)))


def scan(
    oracle: Oracle,
    max_generators: int,
    *,
    min_generators: int = 1,
    seed: int = 0,
    sampling: Sampling | None = None,
    training: TrainConfig | None = None,
    losses: L.LinearLosses | None = None,
    threshold: float | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ScanResult:
    """Train with ``N_g = min_generators .. max_generators`` and record the final losses.

    With closure on, the loss reaches zero only where a subalgebra of dimension ``N_g`` exists
    (so(3): ``N_g`` in {1, 3}; so(4): {1, 2, 3, 4, 6}); the largest success is the dimension of
    the whole algebra. One invariance form (one set of samples) serves every ``N_g``.

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
    training = training or TrainConfig()
    losses = losses or L.LinearLosses()
    if losses.closure == 0:
        log.warning("scan without closure: every N_g up to the algebra's dimension will succeed")
    space = _space(oracle)
    if (isinstance(max_generators, bool) or not isinstance(max_generators, int)
            or not 1 <= min_generators <= max_generators <= space.p):
        raise OptionError(
            f"scan needs 1 <= min_generators <= max_generators <= {space.p}; got {min_generators}..{max_generators}"
        )
    form = _form_for(oracle, sampling or Sampling(), seed, resolve_device(training.device), training)
    tol = default_tol(training.dtype) if training.tol is None else training.tol
    threshold = 1e3 * tol if threshold is None else threshold
    results = []
    for n in range(min_generators, max_generators + 1):
        if progress is not None:
            progress(n, max_generators)
        results.append(fit(oracle, n, seed=seed, training=training.replace(tol=tol), losses=losses, form=form))
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
    sampling: Sampling | None = None,
    training: TrainConfig | None = None,
    losses: L.LinearLosses | None = None,
    progress: Callable[[int, Mapping[str, float]], None] | None = None,
) -> tuple[TrainingResult | None, int, np.ndarray]:
    """Find the number of generators from the invariance form, then train that many.

    Returns ``(result or None when there is no symmetry, dimension, eigenvalues)``.
    """
    training = training or TrainConfig()
    space, device = _space(oracle), resolve_device(training.device)
    # Sampling, the conditions and the eigendecomposition of q: threads only when q is large.
    with torch_threads(threads_for(training, space.p * space.p * space.d, device)):
        form = _form_for(oracle, sampling or Sampling(), seed, device, training, known_k=False)
        dim, evals = symmetry_dimension(form)
    if dim == 0:
        return None, 0, evals
    result = fit(oracle, dim, seed=seed, training=training, losses=losses, form=form, progress=progress)
    return result, dim, evals
