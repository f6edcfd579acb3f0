"""Neural vector fields: ``k`` non-linear generators ``x' = x + eps v_a(x)``, one small MLP each.

The non-linear kind of :class:`~liealg.generators.Generators`: where a linear generator moves a
point by ``W x``, a field moves it by ``v(x)`` (the talk's eq. 3, ``NN(x) = (x' - x) / eps``).
Their losses are in :mod:`liealg.losses`, their training in :mod:`liealg.nonlinear`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping, Sequence
from types import MappingProxyType

import torch
from torch import nn

from liealg.config import check_choice
from liealg.errors import OptionError

__all__ = ["NeuralVectorFields", "TangentFields", "SingleField", "ACTIVATIONS", "normal_basis", "project_tangent"]

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

    center: torch.Tensor  # buffers: the inputs' standardization
    scale: torch.Tensor

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
        for d_in, d_out in itertools.pairwise(widths):
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
            raise OptionError(f"vector fields on R^{self.n} take a batch of shape (m, {self.n}), got {tuple(x.shape)}")
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

    @property
    def n_generators(self) -> int:
        """``k``, the number of fields (the :class:`~liealg.generators.Generators` interface)."""
        return self.k

    def velocities(self, x: torch.Tensor) -> torch.Tensor:
        """``v_a(x_i)`` for every field: shape ``(m, k, n)`` (same as calling the module)."""
        return self(x)

    def snapshot(self) -> dict[str, torch.Tensor]:
        """Detached copies of every parameter and buffer."""
        return {name: t.detach().clone() for name, t in self.state_dict().items()}

    def restore(self, state: Mapping[str, torch.Tensor]) -> None:
        self.load_state_dict(dict(state))

    def field(self, a: int) -> SingleField:
        """The ``a``-th field alone, as a callable ``(m, n) -> (m, n)``."""
        if not 0 <= a < self.k:
            raise OptionError(f"field index {a} out of range: there are {self.k} field(s), 0..{self.k - 1}")
        return SingleField(self, a)

    def extra_repr(self) -> str:
        return f"n={self.n}, k={self.k}, hidden={self.hidden}, activation={self.activation_name!r}"


def normal_basis(grads: torch.Tensor, rtol: float = 1e-6) -> torch.Tensor:
    """Orthonormal rows spanning the oracle's gradients at each point: ``(m, o, n)`` -> ``(m, o, n)``.

    Rows beyond the numerical rank (singular values below ``rtol`` times the largest) are zero,
    so the result always has ``o`` rows (at most ``n``).

    Examples
    --------
    >>> b = normal_basis(torch.tensor([[[3.0, 4.0], [6.0, 8.0]]], dtype=torch.float64))  # rank 1
    >>> [[round(abs(v), 6) for v in row] for row in b[0].tolist()]
    [[0.6, 0.8], [0.0, 0.0]]
    """
    m, o, n = grads.shape
    if o > n or m == 0:
        return _svd_basis(grads, rtol)
    # A QR factorization is several times cheaper than an SVD (this runs at every step of a
    # flow); points where R's diagonal shows a (nearly) dependent gradient go through the SVD.
    q, r = torch.linalg.qr(grads.transpose(1, 2))  # q: (m, n, o)
    d = r.diagonal(dim1=1, dim2=2).abs()
    top = d.max(1).values
    full = (d > rtol * top[:, None]).all(1) & (top > 0)
    basis = q.transpose(1, 2)
    if not bool(full.all()):
        basis = basis.clone()
        basis[~full] = _svd_basis(grads[~full], rtol)
    return basis


def _svd_basis(grads: torch.Tensor, rtol: float) -> torch.Tensor:
    _, sv, vh = torch.linalg.svd(grads, full_matrices=False)  # vh: (m, min(o, n), n)
    keep = (sv > rtol * sv[:, :1]) & (sv[:, :1] > 0)
    return vh * keep[..., None].to(vh.dtype)


def project_tangent(v: torch.Tensor, basis: torch.Tensor) -> torch.Tensor:
    """``v`` minus its components along ``basis`` (:func:`normal_basis`): tangent to the level set.

    Parameters
    ----------
    v : (m, k, n) field values; basis : (m, r, n) orthonormal rows (or zero rows)
    """
    return v - torch.einsum("mrn,mkr->mkn", basis, torch.einsum("mrn,mkn->mkr", basis, v))


class TangentFields(nn.Module):
    """Neural vector fields made tangent to an oracle's level sets by construction.

    ``v_a(x) = P(x) w_a(x)``: the network's fields ``w`` (a :class:`NeuralVectorFields`) with
    their components along the oracle's gradients removed, ``P(x) = I - B(x)^T B(x)`` with
    ``B`` an orthonormal basis of the gradients at ``x`` (:func:`normal_basis`). The Lie
    derivative ``v . grad phi_j`` is then zero at *every* point, not only at the samples, and
    training only has to choose smooth, independent, moving directions within the level sets.

    For oracles whose gradients are cheap and exact -- a trained network, say a classifier
    whose ten logits leave a few free directions in a latent space -- where learning the
    tangency itself is slow: there, a learned field stayed at a median ``|sin|`` of 0.1-0.4 to
    the level sets (see ``docs/nonlinear.md``).

    Parameters
    ----------
    fields : NeuralVectorFields
    gradients : callable ``(m, n) -> (m, o, n)``
        The oracle's gradients at a batch of points (e.g. ``lambda x: oracle_gradients(oracle, x)[1]``).
    """

    def __init__(self, fields: NeuralVectorFields, gradients: Callable[[torch.Tensor], torch.Tensor]) -> None:
        super().__init__()
        self.base = fields
        self.gradients = gradients
        self.n, self.k = fields.n, fields.k
        self.hidden = fields.hidden
        self.activation_name = fields.activation_name

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """All fields at ``x``, projected: shape ``(m, k, n)``."""
        w = self.base(x)
        basis = normal_basis(self.gradients(x.detach()).to(w.dtype))
        return project_tangent(w, basis)

    @property
    def n_generators(self) -> int:
        return self.k

    def velocities(self, x: torch.Tensor) -> torch.Tensor:
        return self(x)

    def snapshot(self) -> dict[str, torch.Tensor]:
        return self.base.snapshot()

    def restore(self, state: Mapping[str, torch.Tensor]) -> None:
        self.base.restore(state)

    def field(self, a: int) -> SingleField:
        """The ``a``-th field alone, as a callable ``(m, n) -> (m, n)``."""
        if not 0 <= a < self.k:
            raise OptionError(f"field index {a} out of range: there are {self.k} field(s), 0..{self.k - 1}")
        return SingleField(self, a)

    def extra_repr(self) -> str:
        return f"tangent, {self.base.extra_repr()}"


class SingleField:
    """One field of a :class:`NeuralVectorFields`, callable on a batch ``(m, n) -> (m, n)``."""

    def __init__(self, fields: NeuralVectorFields | TangentFields, index: int) -> None:
        self.fields = fields
        self.index = index

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.fields(x)[:, self.index, :]

    def __repr__(self) -> str:
        return f"SingleField(index={self.index}, {self.fields.extra_repr()})"
