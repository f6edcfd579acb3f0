"""The method's loss terms, as small pure functions of a batch of generators.

Shapes: ``theta`` is ``(k, p)`` (``k`` generators as real parameter vectors, see
:class:`liealg.generators.linear.MatrixSpace`), ``W`` the matching ``(k, d, d)`` matrices.

Each term is the one from the method (equation numbers of the talk in ``../shared/seed``), with
the known faults of its reference code fixed: the invariance term is the exact eps -> 0 Lie
derivative by default (no -eps/2 bias), closure is squared once, and every tensor is created on
the device of its inputs.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Callable

import torch

from liealg.errors import OracleError

__all__ = [
    "LossWeights",
    "TERMS",
    "invariance_quadratic",
    "invariance_factored",
    "invariance_finite",
    "normalization",
    "orthogonality",
    "closure",
    "sparsity",
    "commutators",
]

TERMS = ("invariance", "normalization", "orthogonality", "closure", "sparsity")


@dataclass(frozen=True)
class LossWeights:
    """Weights ``h`` of the loss terms (the talk's ``h_inv``, ``h_norm``, ...).

    Defaults work for every oracle in the catalog: invariance is measured relative to the
    oracle's own gradient scale (see :func:`invariance_quadratic`), so one set of weights fits
    all. Set ``closure=0`` to drop the closure term, ``sparsity>0`` to push toward sparse
    generators (the method used 0.05 for U(n)).

    Examples
    --------
    >>> LossWeights(sparsity=0.05).closure
    1.0
    """

    invariance: float = 1.0
    normalization: float = 1.0
    orthogonality: float = 1.0
    closure: float = 1.0
    sparsity: float = 0.0

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if not isinstance(v, (int, float)) or v < 0 or v != v:
                raise OracleError(f"loss weight {f.name} must be a non-negative number, got {v!r}")

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def invariance_quadratic(theta: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    """Lie-derivative invariance loss, ``sum_a theta_a^T Q theta_a``.

    For linear generators the eps -> 0 limit of the talk's eq. (4),
    ``mean_i (grad phi(x_i) . W x_i)^2``, is a quadratic form in ``theta`` whose matrix
    ``Q = mean_i F_i^T F_i`` (``F`` from :func:`liealg.generators.linear.lie_features`) is
    computed once per oracle; each step then costs one ``(k, p) x (p, p)`` product.

    Parameters
    ----------
    theta : (k, p)
    q : (p, p) symmetric positive semi-definite
    """
    return torch.einsum("ap,pq,aq->", theta, q, theta)


def invariance_factored(theta: torch.Tensor, r: torch.Tensor) -> torch.Tensor:
    """The same loss as :func:`invariance_quadratic` with ``Q = R R^T``: ``||theta R||^2 >= 0``.

    Parameters
    ----------
    theta : (k, p)
    r : (p, p)
    """
    return (theta @ r).pow(2).sum()


def invariance_finite(
    theta: torch.Tensor,
    oracle: Callable[[torch.Tensor], torch.Tensor],
    x: torch.Tensor,
    y: torch.Tensor,
    action: Callable[[torch.Tensor], torch.Tensor],
    n_vectors: int,
    eps: float,
    output_weights: torch.Tensor | None = None,
) -> torch.Tensor:
    """The talk's eq. (4) at finite ``eps``: ``sum_a mean_i [phi((I + eps W_a) x_i) - phi(x_i)]^2 / eps^2``.

    Parameters
    ----------
    x : (m, n) samples; y : (m, n_out) the oracle's values there
    action : maps theta (k, p) to the real action matrices (k, D, D)
    n_vectors : number of argument vectors the generator acts on
    output_weights : (n_out,) weight of each component (the quadratic form's), default 1
    """
    m, n = x.shape
    k = theta.shape[0]
    r = action(theta)  # (k, D, D)
    D = r.shape[-1]
    xv = x.reshape(m, n_vectors, D)
    moved = xv.unsqueeze(0) + eps * torch.einsum("aij,mvj->amvi", r, xv)
    out = oracle(moved.reshape(k * m, n)).reshape(k, m, -1)
    sq = (out - y.unsqueeze(0)) ** 2
    if output_weights is not None:
        sq = sq * output_weights
    return sq.sum(-1).mean(-1).sum() / (eps * eps)


def normalization(theta: torch.Tensor, target: float = 2.0) -> torch.Tensor:
    """Eq. (5): ``sum_a (tr(W_a W_a^dagger) - 2)^2``; rules out the trivial ``W = 0``."""
    return ((theta * theta).sum(-1) - target).pow(2).sum()


def orthogonality(theta: torch.Tensor) -> torch.Tensor:
    """Eq. (6): ``sum_{a<b} (Re tr(W_a W_b^dagger))^2``; makes the generators distinct."""
    gram = theta @ theta.T
    off = gram - torch.diag(torch.diagonal(gram))
    return 0.5 * (off * off).sum()


def commutators(w: torch.Tensor) -> torch.Tensor:
    """All brackets ``[W_a, W_b]``, shape ``(k, k, d, d)``, in one batched product."""
    prod = torch.einsum("aij,bjk->abik", w, w)
    return prod - prod.transpose(0, 1)


def closure(w: torch.Tensor, f: torch.Tensor | None = None) -> torch.Tensor:
    """Closure: ``sum_{a<b} || [W_a, W_b] - sum_c f_ab^c W_c ||^2`` (squared once).

    Parameters
    ----------
    w : (k, d, d) real or complex matrices
    f : (k, k, k) real structure constants, learned alongside the generators. ``None`` means:
        project each bracket onto the span of the generators (the optimal ``f`` in closed
        form), which converges in fewer steps.

    Returns
    -------
    scalar tensor
    """
    k = w.shape[0]
    if k < 2:
        return w.real.new_zeros(())
    c = commutators(w)  # (k, k, d, d)
    if f is None:
        f = projected_structure_constants(w, c)
    fit = torch.einsum("abc,cij->abij", f.to(w.dtype), w)
    resid = c - fit
    sq = (resid.real ** 2 + resid.imag ** 2) if resid.is_complex() else resid ** 2
    per_pair = sq.sum((-1, -2))
    iu = torch.triu_indices(k, k, offset=1, device=w.device)
    return per_pair[iu[0], iu[1]].sum()


def projected_structure_constants(w: torch.Tensor, c: torch.Tensor | None = None) -> torch.Tensor:
    """Least-squares ``f_ab^c`` with ``[W_a, W_b] ~ sum_c f_ab^c W_c``, shape ``(k, k, k)``."""
    k = w.shape[0]
    if c is None:
        c = commutators(w)
    flat_w = torch.view_as_real(w).reshape(k, -1) if w.is_complex() else w.reshape(k, -1)
    flat_c = torch.view_as_real(c).reshape(k, k, -1) if c.is_complex() else c.reshape(k, k, -1)
    gram = flat_w @ flat_w.T
    rhs = torch.einsum("abn,cn->abc", flat_c, flat_w)
    eye = torch.eye(k, dtype=gram.dtype, device=gram.device)
    # A tiny ridge keeps the solve defined while generators are still nearly dependent.
    return torch.linalg.solve(gram + 1e-12 * eye, rhs.reshape(k * k, k).T).T.reshape(k, k, k)


def sparsity(theta: torch.Tensor) -> torch.Tensor:
    """Eq. (7): ``sum_a sum_{(j,k) != (l,m)} (W_jk W_lm)^2 = sum_a (||W_a||^4 - sum_jk W_jk^4)``.

    Zero exactly when each generator has a single nonzero entry; small for sparse ones.
    """
    sq = theta * theta
    return (sq.sum(-1).pow(2) - (sq * sq).sum(-1)).sum()
