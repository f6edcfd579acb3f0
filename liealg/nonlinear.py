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

import copy
import logging
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Sequence

import numpy as np
import torch
from torch import nn

from liealg._util import check_choice, torch_threads
from liealg.errors import OracleError
from liealg.oracle import Oracle, check_finite, sample_points

if TYPE_CHECKING:  # matplotlib is imported lazily, only by the plotting function
    from matplotlib.axes import Axes

__all__ = [
    "discover_nonlinear",
    "NonlinearDiscovery",
    "NeuralVectorFields",
    "NONLINEAR_TERMS",
    "DEFAULT_WEIGHTS",
    "ACTIVATIONS",
    "OPTIMIZERS",
    "ORTHOGONALITY_MODES",
    "NORMALIZATION_MODES",
    "INTEGRATORS",
    "oracle_gradients",
    "lie_derivatives",
    "invariance_loss",
    "normalization_loss",
    "orthogonality_loss",
    "lie_brackets",
    "closure_loss",
    "flow_invariance_loss",
    "curvature_loss",
    "integrate_flow",
    "oracle_drift",
    "FlowDrift",
    "hamiltonian_field",
    "alignment",
    "plot_vector_field",
    "save_field_plots",
    "report_nonlinear",
    "nonlinear_to_json",
    "torch_threads",
]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

#: The loss terms, in the order they are reported.
NONLINEAR_TERMS = ("invariance", "normalization", "orthogonality", "closure", "flow", "curvature")
#: Default weights. ``closure`` only counts when ``discover_nonlinear(..., closure=True)``;
#: ``flow`` and ``curvature`` are off unless given a positive weight.
DEFAULT_WEIGHTS = MappingProxyType(
    {"invariance": 1.0, "normalization": 1.0, "orthogonality": 1.0, "closure": 1.0, "flow": 0.0, "curvature": 0.0}
)
ACTIVATIONS: Mapping[str, Callable[[], nn.Module]] = MappingProxyType(
    {"tanh": nn.Tanh, "silu": nn.SiLU, "gelu": nn.GELU, "softplus": nn.Softplus, "relu": nn.ReLU}
)

def _dsilu(z: torch.Tensor) -> torch.Tensor:
    s = torch.sigmoid(z)
    return s * (1 + z * (1 - s))


def _dgelu(z: torch.Tensor) -> torch.Tensor:  # nn.GELU's exact (erf) form
    return 0.5 * (1 + torch.erf(z / math.sqrt(2))) + z * torch.exp(-0.5 * z * z) / math.sqrt(2 * math.pi)


# act'(z) for the hand-written forward-mode pass of NeuralVectorFields.forward_and_jvp.
_ACTIVATION_DERIVATIVES: Mapping[str, Callable[[torch.Tensor], torch.Tensor]] = MappingProxyType({
    "tanh": lambda z: 1 - torch.tanh(z).pow(2),
    "silu": _dsilu,
    "gelu": _dgelu,
    "softplus": torch.sigmoid,
    "relu": lambda z: (z > 0).to(z.dtype),
})
OPTIMIZERS = ("lbfgs", "adam")
ORTHOGONALITY_MODES = ("pointwise", "global")
NORMALIZATION_MODES = ("mean", "pointwise")


# =========================================================================== the model
class NeuralVectorFields(nn.Module):
    """``k`` vector fields ``v_a: R^n -> R^n``, one small MLP each, evaluated in one batch.

    The ``k`` MLPs have their own weights (no shared features, so one field cannot borrow
    another's), stored as stacked ``(k, d_in, d_out)`` tensors and evaluated with batched
    matrix products: one call costs about as much as one MLP ``k`` times as wide.

    Inputs are standardized with fixed statistics of the training samples (``center``,
    ``scale``), so the same defaults work for points of any spread (latent codes, say).

    Parameters
    ----------
    n : int
        Dimension of the space.
    k : int
        Number of fields.
    hidden : sequence of int
        Hidden layer widths; ``()`` gives affine fields ``v(x) = A x + b``.
    activation : {"tanh", "silu", "gelu", "softplus", "relu"}
    center, scale : torch.Tensor, shape (n,), optional
        Input standardization ``(x - center) / scale``; default 0 and 1.
    generator : torch.Generator, optional
        Seeds the initial weights.

    Examples
    --------
    >>> fields = NeuralVectorFields(2, 3, hidden=(16,), generator=torch.Generator().manual_seed(0))
    >>> tuple(fields(torch.zeros(5, 2, dtype=torch.float64)).shape)
    (5, 3, 2)
    >>> tuple(fields.field(1)(torch.zeros(5, 2, dtype=torch.float64)).shape)
    (5, 2)
    """

    def __init__(
        self,
        n: int,
        k: int,
        *,
        hidden: Sequence[int] = (64, 64),
        activation: str = "tanh",
        center: torch.Tensor | None = None,
        scale: torch.Tensor | None = None,
        dtype: torch.dtype = torch.float64,
        device: str | torch.device = "cpu",
        generator: torch.Generator | None = None,
    ) -> None:
        super().__init__()
        check_choice("activation", activation, tuple(ACTIVATIONS))
        self.n, self.k = int(n), int(k)
        self.hidden = tuple(int(h) for h in hidden)
        self.activation_name = activation
        self.act = ACTIVATIONS[activation]()
        widths = (self.n, *self.hidden, self.n)
        self.weights = nn.ParameterList()
        self.biases = nn.ParameterList()
        for d_in, d_out in zip(widths[:-1], widths[1:]):
            # nn.Linear's default initialization, drawn from the seeded generator on the CPU
            # (then moved), so a seed gives the same fields on every device.
            bound = 1.0 / math.sqrt(d_in)
            w = (torch.rand(self.k, d_in, d_out, generator=generator, dtype=torch.float64) * 2 - 1) * bound
            b = (torch.rand(self.k, 1, d_out, generator=generator, dtype=torch.float64) * 2 - 1) * bound
            self.weights.append(nn.Parameter(w.to(device=device, dtype=dtype)))
            self.biases.append(nn.Parameter(b.to(device=device, dtype=dtype)))
        c = torch.zeros(self.n) if center is None else torch.as_tensor(center).reshape(self.n)
        s = torch.ones(self.n) if scale is None else torch.as_tensor(scale).reshape(self.n)
        self.register_buffer("center", c.to(device=device, dtype=dtype))
        self.register_buffer("scale", s.to(device=device, dtype=dtype))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Evaluate all fields.

        Parameters
        ----------
        x : torch.Tensor, shape (m, n)

        Returns
        -------
        torch.Tensor, shape (m, k, n)
            ``out[i, a]`` is ``v_a(x_i)``.
        """
        if x.ndim != 2 or x.shape[1] != self.n:
            raise OracleError(f"vector fields on R^{self.n} take a batch of shape (m, {self.n}), got {tuple(x.shape)}")
        h = ((x.to(self.center.dtype) - self.center) / self.scale).unsqueeze(0).expand(self.k, -1, -1)
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            h = torch.baddbmm(b, h, w)
            if i < last:
                h = self.act(h)
        return h.transpose(0, 1)

    def forward_and_jvp(self, x: torch.Tensor, tangents: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """All fields and their derivatives along given directions, in one pass.

        Forward-mode differentiation written out layer by layer (``dz = dh W``,
        ``dh' = act'(z) dz``): about twice the cost of :meth:`forward` per direction, and
        differentiable by ordinary autograd -- several times faster than ``torch.func.jvp``
        for these small batched MLPs.

        Parameters
        ----------
        x : torch.Tensor, shape (m, n)
        tangents : torch.Tensor, shape (m, A, n)
            ``A`` directions at each point (e.g. the fields themselves).

        Returns
        -------
        v : torch.Tensor, shape (m, k, n)
        jv : torch.Tensor, shape (m, A, k, n)
            ``jv[i, a, b] = J_{v_b}(x_i) tangents[i, a]``.
        """
        m, A = tangents.shape[0], tangents.shape[1]
        h = ((x.to(self.center.dtype) - self.center) / self.scale).unsqueeze(0).expand(self.k, -1, -1)
        # Tangents of the standardized input, for every field: (k, A*m, n).
        dh = (tangents / self.scale).transpose(0, 1).reshape(1, A * m, self.n).expand(self.k, -1, -1)
        last = len(self.weights) - 1
        dact = _ACTIVATION_DERIVATIVES[self.activation_name]
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = torch.baddbmm(b, h, w)
            dz = torch.bmm(dh, w)
            if i < last:
                h = self.act(z)
                dh = (dz.reshape(self.k, A, m, -1) * dact(z).unsqueeze(1)).reshape(self.k, A * m, -1)
            else:
                h, dh = z, dz
        v = h.transpose(0, 1)
        jv = dh.reshape(self.k, A, m, self.n).permute(2, 1, 0, 3)
        return v, jv

    def field(self, a: int) -> "SingleField":
        """The ``a``-th field alone, as a callable ``(m, n) -> (m, n)``."""
        if not 0 <= a < self.k:
            raise IndexError(f"field index {a} out of range: there are {self.k} field(s), 0..{self.k - 1}")
        return SingleField(self, a)

    def extra_repr(self) -> str:
        return f"n={self.n}, k={self.k}, hidden={self.hidden}, activation={self.activation_name!r}"


class SingleField:
    """One field of a :class:`NeuralVectorFields`, callable on a batch ``(m, n) -> (m, n)``."""

    def __init__(self, fields: NeuralVectorFields, index: int) -> None:
        self.fields = fields
        self.index = index

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.fields(x)[:, self.index, :]

    def __repr__(self) -> str:
        return f"SingleField(index={self.index}, {self.fields.extra_repr()})"


# =========================================================================== loss terms
def oracle_gradients(
    oracle: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Values and gradients of every oracle component at the samples (autograd, once).

    Parameters
    ----------
    oracle : callable, ``(m, n) -> (m, o)``
    x : torch.Tensor, shape (m, n)

    Returns
    -------
    values : torch.Tensor, shape (m, o)
    grads : torch.Tensor, shape (m, o, n)
        ``grads[i, j]`` is ``grad phi_j(x_i)``.

    Examples
    --------
    >>> y, g = oracle_gradients(lambda x: (x[:, :1] * x[:, 1:]), torch.tensor([[2.0, 3.0]]))
    >>> g.tolist()
    [[[3.0, 2.0]]]
    """
    xg = x.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        y = oracle(xg)
        if y.ndim == 1:
            y = y[:, None]
        grads = []
        for j in range(y.shape[1]):
            (g,) = torch.autograd.grad(y[:, j].sum(), xg, retain_graph=j + 1 < y.shape[1], allow_unused=True)
            grads.append(torch.zeros_like(xg) if g is None else g)
    return y.detach().to(x.dtype), torch.stack(grads, 1).detach().to(x.dtype)


def lie_derivatives(v: torch.Tensor, grads: torch.Tensor) -> torch.Tensor:
    """``L_{v_a} phi_j (x_i) = v_a(x_i) . grad phi_j(x_i)``.

    Parameters
    ----------
    v : (m, k, n) field values; grads : (m, o, n) oracle gradients

    Returns
    -------
    torch.Tensor, shape (m, k, o)
    """
    return torch.einsum("mkn,mon->mko", v, grads)


def invariance_loss(v: torch.Tensor, grads: torch.Tensor, scale: float = 1.0) -> torch.Tensor:
    """Invariance: ``sum_a mean_i sum_j (v_a(x_i) . grad phi_j(x_i))^2 / scale``.

    The ``eps -> 0`` limit of the talk's eq. 4 for ``x' = x + eps v(x)``. ``scale`` is the
    oracle's mean squared gradient ``mean_i sum_j |grad phi_j|^2``, a constant: dividing by it
    makes the loss free of the oracle's units (``phi`` and ``1000 phi`` train alike) without
    moving the optimum. With the normalization ``mean |v|^2 = 1`` the result is then a relative
    measure: 0 for a symmetry, about ``1/n`` for a random field.

    Parameters
    ----------
    v : (m, k, n); grads : (m, o, n); scale : float > 0
    """
    return lie_derivatives(v, grads).pow(2).sum(-1).mean(0).sum() / scale


def normalization_loss(v: torch.Tensor, mode: str = "mean", target: float = 1.0) -> torch.Tensor:
    """Normalization, which rules out the identity map.

    * ``"mean"`` (default): ``sum_a (mean_i |v_a(x_i)|^2 - target)^2``. ``v = 0`` -- the
      identity map ``x' = x``, which preserves every oracle -- scores ``target^2`` per field, so
      a zero loss excludes it, as it excludes any field that is zero on almost every sample. It
      also pins the overall scale, which the invariance condition leaves free, and leaves the
      field free to be small in places (``(x1, -x2)`` vanishes at the origin).
    * ``"pointwise"``: ``sum_a mean_i (|v_a(x_i)|^2 - target)^2``, unit speed at every sample. It
      also rules out fields that are "identity-like" on most of the space (large on a few
      samples, tiny elsewhere), at a price: where every symmetry must vanish or jump (the axes
      of ``|x1| + |x2|``) the two terms compete and the loss cannot reach 0.

    Parameters
    ----------
    v : (m, k, n)
    mode : {"mean", "pointwise"}
    """
    check_choice("normalization mode", mode, NORMALIZATION_MODES)
    sq = v.pow(2).sum(-1)  # (m, k)
    if mode == "mean":
        return (sq.mean(0) - target).pow(2).sum()
    return (sq - target).pow(2).mean(0).sum()


def orthogonality_loss(v: torch.Tensor, mode: str = "pointwise") -> torch.Tensor:
    """Orthogonality between fields, ``sum_{a<b} G_ab`` with ``G`` normalized by the field sizes.

    * ``"pointwise"``: ``G_ab = mean_i (v_a(x_i) . v_b(x_i))^2 / mean_i |v_a(x_i)|^2 |v_b(x_i)|^2``,
      a weighted mean of the squared cosine: 0 iff the fields are perpendicular at every
      sample, 1 iff they are parallel at every sample (Cauchy-Schwarz).
    * ``"global"``: ``G_ab = (mean_i v_a(x_i) . v_b(x_i))^2 / (mean|v_a|^2 mean|v_b|^2)``, the
      talk's eq. 6 with the trace inner product replaced by the inner product of fields over
      the samples.

    Why pointwise is the default for fields: ``v`` and ``g(x) v`` are both symmetries for any
    function ``g``, and ``g`` can be chosen to make them globally orthogonal (for ``phi = x1 x2``
    take ``g`` odd in ``x1``). With ``"global"``, ``k = 2`` fields on a 2-D oracle reach zero loss
    while pointing along the same curves; with ``"pointwise"`` they must point in different
    directions, so ``k`` is bounded by the dimension of the level sets, ``n - rank(grad phi)``.

    Parameters
    ----------
    v : (m, k, n)
    mode : {"pointwise", "global"}
    """
    check_choice("orthogonality mode", mode, ORTHOGONALITY_MODES)
    k = v.shape[1]
    if k < 2:
        return v.new_zeros(())
    dots = torch.einsum("mkn,mln->mkl", v, v)  # (m, k, k)
    sq = torch.diagonal(dots, dim1=1, dim2=2)  # (m, k): |v_a(x_i)|^2
    if mode == "pointwise":
        num = dots.pow(2).mean(0)
        den = torch.einsum("ma,mb->ab", sq, sq) / v.shape[0]
    else:
        num = dots.mean(0).pow(2)
        norms = sq.mean(0)
        den = norms[:, None] * norms[None, :]
    g = num / den.clamp_min(1e-300)
    iu = torch.triu_indices(k, k, offset=1, device=v.device)
    return g[iu[0], iu[1]].sum()


def lie_brackets(fields: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """All Lie brackets of vector fields ``[v_a, v_b] = (J v_b) v_a - (J v_a) v_b`` at the samples.

    ``(J v_b) v_a`` is the derivative of ``v_b`` along ``v_a``: one forward-mode
    Jacobian-vector product (``torch.func.jvp``) per ``a`` gives it for every ``b`` at once, so
    the cost is ``k`` forward passes, with no ``(n, n)`` Jacobian ever formed. Differentiable
    with respect to the fields' parameters.

    With this sign, linear fields ``v_a = W_a x`` give ``[v_a, v_b] = [W_b, W_a] x``, the usual
    anti-homomorphism between matrices and their vector fields.

    Parameters
    ----------
    fields : callable, ``(m, n) -> (m, k, n)`` (point-wise: row ``i`` depends on ``x_i`` only)
    x : (m, n)

    Returns
    -------
    v : torch.Tensor, shape (m, k, n)
    brackets : torch.Tensor, shape (m, k, k, n)
        ``brackets[i, a, b] = [v_a, v_b](x_i)``.

    Examples
    --------
    >>> f = lambda x: torch.stack([torch.stack([x[:, 0], -x[:, 1]], -1), torch.stack([x[:, 1], 0 * x[:, 1]], -1)], 1)
    >>> _, br = lie_brackets(f, torch.tensor([[1.0, 2.0]]))
    >>> br[0, 0, 1].tolist()  # [x1 d1 - x2 d2, x2 d1] = -2 x2 d1
    [-4.0, 0.0]
    """
    if isinstance(fields, NeuralVectorFields):
        # Two passes: the fields, then all their derivatives along every field at once.
        v = fields(x)
        _, j = fields.forward_and_jvp(x, v)  # j[:, a, b] = (J v_b) v_a
        return v, j - j.transpose(1, 2)
    v = fields(x)
    k = v.shape[1]
    jv = []
    for a in range(k):
        _, d = torch.func.jvp(fields, (x,), (v[:, a, :],))  # d[:, b] = (J v_b) v_a
        jv.append(d)
    j = torch.stack(jv, 1)  # (m, a, b, n)
    return v, j - j.transpose(1, 2)


def closure_loss(v: torch.Tensor, brackets: torch.Tensor, f: torch.Tensor) -> torch.Tensor:
    """Closure: ``sum_{a<b} mean_i |[v_a, v_b](x_i) - sum_c f_ab^c v_c(x_i)|^2`` (squared once).

    Note that the brackets of fields tangent to the level sets are always tangent to them (a
    symmetry's bracket is a symmetry): what closure adds for fields is that the *coefficients*
    ``f_ab^c`` are constants, i.e. the fields span a finite-dimensional Lie algebra.

    Parameters
    ----------
    v : (m, k, n); brackets : (m, k, k, n); f : (k, k, k), antisymmetric in its first two indices
    """
    k = v.shape[1]
    if k < 2:
        return v.new_zeros(())
    resid = brackets - torch.einsum("abc,mcn->mabn", f, v)
    per_pair = resid.pow(2).sum(-1).mean(0)
    iu = torch.triu_indices(k, k, offset=1, device=v.device)
    return per_pair[iu[0], iu[1]].sum()


def flow_invariance_loss(
    oracle: Callable[[torch.Tensor], torch.Tensor],
    x: torch.Tensor,
    y: torch.Tensor,
    v: torch.Tensor,
    eps: float,
    scale: float = 1.0,
) -> torch.Tensor:
    """Invariance of the finite step: ``sum_a mean_i |phi(x_i + eps v_a(x_i)) - phi(x_i)|^2 / eps^2 / scale``.

    The talk's eq. 4 applied to a field. It tends to :func:`invariance_loss` as ``eps -> 0``;
    at finite ``eps`` it also penalizes the second-order drift ``eps/2 v^T H v``, which matters
    when the flow is integrated to large times.

    Parameters
    ----------
    x : (m, n) samples; y : (m, o) the oracle there; v : (m, k, n) fields there
    """
    m, k, n = v.shape
    moved = (x.unsqueeze(1) + eps * v).reshape(m * k, n)
    out = oracle(moved)
    if out.ndim == 1:
        out = out[:, None]
    diff = out.to(v.dtype).reshape(m, k, -1) - y.unsqueeze(1)
    return diff.pow(2).sum(-1).mean(0).sum() / (eps * eps) / scale


def curvature_loss(
    fields: Callable[[torch.Tensor], torch.Tensor],
    x: torch.Tensor,
    directions: torch.Tensor,
    h: float,
    v: torch.Tensor | None = None,
) -> torch.Tensor:
    """Curvature: ``sum_a mean_i |v_a(x_i + h u_i) - 2 v_a(x_i) + v_a(x_i - h u_i)|^2 / h^4``.

    A central second difference along fixed random unit directions ``u_i``: zero for affine
    fields, so with a small weight it selects, among the many symmetric fields ``g(x) v(x)``,
    the least curved one -- the affine symmetry when there is one.

    Parameters
    ----------
    fields : ``(m, n) -> (m, k, n)``; x : (m, n); directions : (m, n) unit vectors; h : step
    v : (m, k, n), optional -- ``fields(x)`` if already computed
    """
    if v is None:
        v = fields(x)
    second = fields(x + h * directions) - 2 * v + fields(x - h * directions)
    return second.pow(2).sum(-1).mean(0).sum() / h**4


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
        Learned ``f_ab^c`` with ``[v_a, v_b] ~ f_ab^c v_c`` when ``closure=True``.
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
        The weights used (``closure`` is 0 unless closure was on).
    samples : torch.Tensor, shape (m, n)
        The training points.
    invariance_scale : float
        ``mean_i sum_j |grad phi_j(x_i)|^2`` on the samples (the invariance term divides by it).
    interrupted : bool
        Training was stopped with Ctrl-C; the best fields so far are returned.
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
    interrupted: bool = False

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
def _default_tol(dtype: torch.dtype) -> float:
    # Loss at which training stops: 1e-6 in float64 (a hundred times below the 1e-4 at which
    # finite flows are visibly invariant), 1e-4 in float32 (near its noise floor for these sums).
    return 1e-6 if dtype == torch.float64 else 1e-4


def _resolve_weights(weights: Mapping[str, float] | None, closure: bool) -> dict[str, float]:
    out = dict(DEFAULT_WEIGHTS)
    if weights is not None:
        if not isinstance(weights, Mapping):
            raise OracleError(f"weights must be a mapping like {{'invariance': 1.0}}, got {type(weights).__name__}")
        unknown = [key for key in weights if key not in DEFAULT_WEIGHTS]
        if unknown:
            raise OracleError(f"unknown loss term {unknown[0]!r} in weights; valid terms: {', '.join(NONLINEAR_TERMS)}")
        for key, value in weights.items():
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if not number or not value >= 0 or not math.isfinite(value):
                raise OracleError(f"weight {key!r} must be a finite non-negative number, got {value!r}")
            out[key] = float(value)
    if not closure:
        out["closure"] = 0.0
    return out


def _make_progress(
    progress: Any, total: int
) -> tuple[Callable[[int, dict[str, float]], None] | None, Callable[[], None]]:
    """An injected progress callable, or a tqdm bar only when asked for by name."""
    if progress is None:
        return None, lambda: None
    if progress == "tqdm":
        from tqdm.auto import tqdm

        bar = tqdm(total=total, desc="fields", leave=False)

        def update(epoch: int, losses: dict[str, float]) -> None:
            bar.update(epoch - bar.n)
            bar.set_postfix(loss=f"{losses['total']:.2e}", refresh=False)

        return update, bar.close
    if callable(progress):
        return progress, lambda: None
    raise OracleError(f"progress must be None, a callable progress(epoch, losses), or 'tqdm'; got {progress!r}")


def discover_nonlinear(
    oracle: Oracle,
    *,
    n_fields: int = 1,
    hidden: Sequence[int] = (64, 64),
    activation: str = "tanh",
    epochs: int | None = None,
    lr: float | None = None,
    optimizer: str = "lbfgs",
    weights: Mapping[str, float] | None = None,
    closure: bool = False,
    orthogonality: str = "pointwise",
    normalization: str = "mean",
    samples: torch.Tensor | None = None,
    n_samples: int = 1024,
    distribution: str = "normal",
    low: float = -1.0,
    high: float = 1.0,
    eps: float = 0.1,
    seed: int = 0,
    dtype: torch.dtype = torch.float64,
    device: str | torch.device = "cpu",
    tol: float | None = None,
    patience: int = 50,
    num_threads: int | None = 1,
    progress: Callable[[int, dict[str, float]], None] | str | None = None,
) -> NonlinearDiscovery:
    """Learn ``n_fields`` non-linear vector fields that preserve ``oracle``.

    Parameters
    ----------
    oracle : Oracle
        A formula or callable oracle on ``n = oracle.n_inputs`` real coordinates.
    n_fields : int
        ``k``, the number of fields learned together.
    hidden : sequence of int
        Hidden widths of each field's MLP; ``()`` for affine fields.
    activation : {"tanh", "silu", "gelu", "softplus", "relu"}
        Smooth activations suit the Jacobian-vector products of closure and curvature.
    epochs : int, optional
        Optimizer steps: default 300 for L-BFGS (each up to 20 inner iterations), 5000 for Adam.
    lr : float, optional
        Learning rate (default 1 for L-BFGS, 1e-3 for Adam).
    optimizer : {"lbfgs", "adam"}
        Full-batch L-BFGS (default: the 2-D oracles converge in tens of steps instead of the
        reference code's 20,000-40,000 Adam epochs) or Adam.
    weights : mapping, optional
        Weights of the terms in :data:`NONLINEAR_TERMS`; missing ones take
        :data:`DEFAULT_WEIGHTS`. E.g. ``{"curvature": 1e-3}`` to prefer affine fields,
        ``{"flow": 1.0}`` for finite-step invariance.
    closure : bool
        Add the closure term with learned structure constants.
    orthogonality : {"pointwise", "global"}
        See :func:`orthogonality_loss`.
    normalization : {"mean", "pointwise"}
        ``mean |v|^2 = 1`` (default) or ``|v| = 1`` at every sample; see :func:`normalization_loss`.
    samples : torch.Tensor, shape (m, n), optional
        Training points (e.g. the latent codes of a data set); otherwise ``n_samples`` seeded
        points from ``distribution`` (``"normal"`` or ``"uniform"`` in ``[low, high]^n``).
    eps : float
        Step of the ``flow`` term.
    seed : int
        Seeds the samples and the initial fields.
    dtype, device
        Training precision and device (float64 on the CPU by default).
    tol : float, optional
        Stop once the total loss is at most ``tol`` (default 1e-6 in float64, 1e-4 in float32).
    patience : int
        Stop after this many epochs without a 1e-3 relative improvement of the best loss.
    num_threads : int or None
        Torch threads while training (default 1, see :func:`torch_threads`; restored after).
        ``None`` keeps torch's setting, e.g. for large batches on a GPU or a quiet many-core CPU.
    progress : callable or "tqdm", optional
        ``progress(epoch, losses)`` after every epoch; ``"tqdm"`` shows a bar. Silent by default.

    Returns
    -------
    NonlinearDiscovery

    Raises
    ------
    OracleError
        For an unknown option (the message lists the valid ones), bad samples, or an oracle
        that is not finite on them.

    Examples
    --------
    >>> import sympy as sp
    >>> x1, x2 = sp.symbols("x1 x2", real=True)
    >>> result = discover_nonlinear(Oracle(x1 * x2), hidden=(32, 32), n_samples=256, seed=0)
    >>> result.converged, result.losses["invariance"] < 1e-5
    (True, True)
    """
    # Every option but the thread count goes through unchanged to the training proper.
    options = {k_: v_ for k_, v_ in locals().items() if k_ not in ("oracle", "num_threads")}
    with torch_threads(num_threads):
        return _discover(oracle, **options)


def _discover(
    oracle: Oracle,
    *,
    n_fields: int,
    hidden: Sequence[int],
    activation: str,
    epochs: int | None,
    lr: float | None,
    optimizer: str,
    weights: Mapping[str, float] | None,
    closure: bool,
    orthogonality: str,
    normalization: str,
    samples: torch.Tensor | None,
    n_samples: int,
    distribution: str,
    low: float,
    high: float,
    eps: float,
    seed: int,
    dtype: torch.dtype,
    device: str | torch.device,
    tol: float | None,
    patience: int,
    progress: Callable[[int, dict[str, float]], None] | str | None,
) -> NonlinearDiscovery:
    check_choice("optimizer", optimizer, OPTIMIZERS)
    check_choice("activation", activation, tuple(ACTIVATIONS))
    check_choice("orthogonality mode", orthogonality, ORTHOGONALITY_MODES)
    check_choice("normalization mode", normalization, NORMALIZATION_MODES)
    if not isinstance(oracle, Oracle):
        raise OracleError(
            f"discover_nonlinear needs an Oracle, got {type(oracle).__name__}; wrap a formula with Oracle(...) "
            "or a torch function with Oracle.from_callable(f, n)"
        )
    if dtype not in (torch.float32, torch.float64):
        raise OracleError(f"dtype must be torch.float32 or torch.float64, got {dtype}")
    n = oracle.n_inputs
    if not isinstance(n_fields, int) or isinstance(n_fields, bool) or not 1 <= n_fields <= 64:
        raise OracleError(f"n_fields must be an integer from 1 to 64, got {n_fields!r}")
    try:
        hidden = tuple(int(h) for h in hidden)
    except (TypeError, ValueError):
        raise OracleError(f"hidden must be a sequence of layer widths like (64, 64), got {hidden!r}") from None
    if any(h < 1 for h in hidden):
        raise OracleError(f"hidden layer widths must be positive, got {hidden}")
    if epochs is not None and (not isinstance(epochs, int) or epochs < 1):
        raise OracleError(f"epochs must be a positive integer, got {epochs!r}")
    if not eps > 0:
        raise OracleError(f"eps must be positive, got {eps!r}")
    w = _resolve_weights(weights, closure)
    tol = _default_tol(dtype) if tol is None else float(tol)
    device = torch.device(device)
    start = time.perf_counter()

    # --- samples, the oracle and its gradient there (computed once: phi is fixed)
    if samples is None:
        x = sample_points(oracle, n_samples, distribution=distribution, low=low, high=high, seed=seed,
                          dtype=torch.float64, device=device)
    else:
        x = torch.as_tensor(samples).detach().to(device=device, dtype=torch.float64)
        if x.ndim != 2 or x.shape[1] != n or x.shape[0] < 2:
            raise OracleError(
                f"samples must have shape (m, {n}) with m >= 2 for variables {oracle.real_variables_text}; "
                f"got {tuple(x.shape)}"
            )
        check_finite(oracle, x)
    y, grads = oracle_gradients(oracle, x)
    if not torch.isfinite(grads).all():
        raise OracleError(
            f"the gradient of {oracle.formula_text()} is not finite on the samples; sample where the oracle "
            "is differentiable (e.g. distribution='uniform' with low > 0)"
        )
    gscale = float(grads.pow(2).sum((1, 2)).mean())
    if gscale == 0.0:
        log.warning("the oracle is constant on the samples: every field preserves it")
        gscale = 1.0
    x, y, grads = x.to(dtype), y.to(dtype), grads.to(dtype)

    # --- the model, seeded; structure constants as one tensor
    gen = torch.Generator(device="cpu").manual_seed(int(seed))
    center = x.mean(0)
    spread = x.std(0).clamp_min(1e-12) if x.shape[0] > 1 else torch.ones_like(center)
    model = NeuralVectorFields(n, n_fields, hidden=hidden, activation=activation, center=center, scale=spread,
                               dtype=dtype, device=device, generator=gen)
    params: list[torch.Tensor] = list(model.parameters())
    f_param = None
    if w["closure"] > 0 and n_fields > 1:
        f_param = torch.zeros(n_fields, n_fields, n_fields, dtype=dtype, device=device, requires_grad=True)
        params.append(f_param)
    directions = None
    h = 0.0
    if w["curvature"] > 0:
        u = torch.randn(x.shape[0], n, generator=gen, dtype=torch.float64).to(device=device, dtype=dtype)
        directions = u / u.norm(dim=1, keepdim=True).clamp_min(1e-12)
        h = 0.05 * float(spread.mean())  # a step small against the samples' spread

    def terms() -> dict[str, torch.Tensor]:
        out: dict[str, torch.Tensor] = {}
        if w["closure"] > 0 and n_fields > 1:
            v, br = lie_brackets(model, x)
            f = 0.5 * (f_param - f_param.transpose(0, 1))
            out["closure"] = w["closure"] * closure_loss(v, br, f)
        else:
            v = model(x)
            out["closure"] = v.new_zeros(())
        out["invariance"] = w["invariance"] * invariance_loss(v, grads, gscale)
        out["normalization"] = w["normalization"] * normalization_loss(v, normalization)
        out["orthogonality"] = w["orthogonality"] * orthogonality_loss(v, orthogonality)
        out["flow"] = (w["flow"] * flow_invariance_loss(oracle, x, y, v, eps, gscale)
                       if w["flow"] > 0 else v.new_zeros(()))
        out["curvature"] = (w["curvature"] * curvature_loss(model, x, directions, h, v)
                            if w["curvature"] > 0 else v.new_zeros(()))
        return {t: out[t] for t in NONLINEAR_TERMS}

    n_epochs = epochs if epochs is not None else (300 if optimizer == "lbfgs" else 5000)
    if optimizer == "lbfgs":
        opt: torch.optim.Optimizer = torch.optim.LBFGS(
            params, lr=lr or 1.0, max_iter=20, history_size=50, tolerance_grad=1e-300,
            tolerance_change=1e-300, line_search_fn="strong_wolfe")
    else:
        opt = torch.optim.Adam(params, lr=lr or 1e-3)
    report, close_bar = _make_progress(progress, n_epochs)

    history: dict[str, list[float]] = {t: [] for t in (*NONLINEAR_TERMS, "total")}
    best_total = math.inf
    best_state = (copy.deepcopy(model.state_dict()), None if f_param is None else f_param.detach().clone())
    best_losses: dict[str, float] = {}
    best_epoch = 0
    last_improvement = 0
    interrupted = False
    epoch = 0
    try:
        for epoch in range(1, n_epochs + 1):
            def step() -> torch.Tensor:
                opt.zero_grad()
                total = torch.stack(list(terms().values())).sum()
                total.backward()
                return total

            opt.step(step)
            with torch.no_grad():  # forward-mode jvp (closure) still works without autograd
                current = {t: float(val) for t, val in terms().items()}
            total = sum(current.values())
            current["total"] = total
            for t, val in current.items():
                history[t].append(val)
            if not math.isfinite(total):
                log.warning("loss became %s at epoch %d; keeping the best fields so far", total, epoch)
                break
            if total < best_total:
                if total < best_total * (1 - 1e-3):
                    last_improvement = epoch
                # Keep the best model for real: copies of the tensors, not references to them.
                best_total, best_epoch, best_losses = total, epoch, current
                best_state = ({k_: t_.detach().clone() for k_, t_ in model.state_dict().items()},
                              None if f_param is None else f_param.detach().clone())
            if report is not None:
                report(epoch, current)
            if total <= tol:
                break
            if epoch - last_improvement >= patience:
                log.info("no progress for %d epochs; stopping at epoch %d", patience, epoch)
                break
    except KeyboardInterrupt:
        interrupted = True
        log.warning("training interrupted at epoch %d; returning the best fields so far", epoch)
    finally:
        close_bar()

    model.load_state_dict(best_state[0])
    model.eval()
    model.requires_grad_(False)
    f_np = None
    if best_state[1] is not None:
        f_np = (0.5 * (best_state[1] - best_state[1].transpose(0, 1))).cpu().double().numpy()
    if not best_losses:
        best_losses = {t: math.nan for t in (*NONLINEAR_TERMS, "total")}
    seconds = time.perf_counter() - start
    log.info("learned %d field(s) in %d epochs, %.1f s; loss %.3e", n_fields, epoch, seconds, best_losses["total"])
    return NonlinearDiscovery(
        oracle=oracle,
        fields=model,
        structure_constants=f_np,
        losses=MappingProxyType(dict(best_losses)),
        history=MappingProxyType({t: tuple(vals) for t, vals in history.items()}),
        converged=bool(best_losses["total"] <= tol),
        tol=tol,
        epochs=epoch,
        best_epoch=best_epoch,
        seconds=seconds,
        seed=seed,
        weights=MappingProxyType(w),
        samples=x.detach(),
        invariance_scale=gscale,
        interrupted=interrupted,
    )


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
            raise OracleError(f"these are {field.k} fields; pick one, e.g. result.field(0)")
        return field.field(0)
    if not callable(field):
        raise OracleError(f"a field must be a callable (m, n) -> (m, n), got {type(field).__name__}")
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
        raise OracleError(f"steps must be a positive integer, got {steps!r}")
    f = _as_field(field)
    x = torch.as_tensor(x0).detach()
    if x.ndim != 2:
        raise OracleError(f"x0 must be a batch of shape (m, n), got {tuple(x.shape)}")
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
    ax: "Axes | None" = None,
    lim: float = 2.0,
    grid: int = 15,
    flow_lines: bool = True,
    contours: int = 15,
    title: str | None = None,
    path: str | Path | None = None,
) -> "Axes":
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
        z = oracle(pts)
        z = (z[:, 0] if z.ndim == 2 else z).reshape(gx.shape).double().numpy()
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

        fig = ax.figure
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
    y, g = oracle_gradients(oracle, x)
    gscale = float(g.pow(2).sum((1, 2)).mean()) or 1.0
    ham = None
    if oracle.n_inputs == 2 and oracle.n_outputs == 1:
        ham = hamiltonian_field(oracle)
    for a in range(result.n_fields):
        fa = result.field(a)
        with torch.no_grad():
            va = fa(x).double()
        inv = float(lie_derivatives(va[:, None, :], g).pow(2).sum(-1).mean() / gscale)
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
            for d in range(0, fit_degree + 1):
                try:
                    fitted = fit_polynomial_field(fa, oracle, degree=d, samples=x[:512])
                    break
                except RationalizationError as exc:
                    last_err = str(exc)
            if fitted is not None:
                lines.append(f"  exact polynomial field (degree {fitted.degree}, certified): "
                             f"{fitted.text()}  ~ learned / {fitted.scale:.4g}")
            else:
                lines.append(f"  no exact polynomial field of degree <= {fit_degree} fits it ({last_err.split(';')[0]}); "
                             "expected: g(x) v is a symmetry for any g, and weights={'curvature': 1e-2} "
                             "selects the affine one when it exists")
    return "\n".join(lines)
