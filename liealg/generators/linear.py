"""Linear generators: the space of matrices ``W`` and how they act on an oracle's inputs.

A linear generator is a ``d x d`` matrix, real or complex, stored as a real parameter vector
``theta`` so that every optimizer and every exact routine sees one flat real space:

* real oracle: ``p = d**2``, ``W = theta.reshape(d, d)`` (row-major);
* complex oracle: ``p = 2 d**2``, ``W = A + iB`` with ``A = theta[:d*d]``, ``B = theta[d*d:]``.

In the oracle's real coordinates (``(Re z, Im z)`` per complex vector) ``W`` acts as the real
matrix ``R(W)``: ``W`` itself, or ``[[A, -B], [B, A]]``. ``R`` is an injective Lie algebra
homomorphism, so brackets may be taken on either side.

The real inner product of parameter vectors is ``Re tr(W_a W_b^dagger)``, the inner product the
method's normalization and orthogonality losses use.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import torch

from liealg.errors import OptionError
from liealg.oracle import Oracle, oracle_gradients

__all__ = ["MatrixSpace", "LinearGenerators", "lie_features"]


@dataclass(frozen=True)
class MatrixSpace:
    """The real vector space of ``d x d`` generator matrices.

    Parameters
    ----------
    d : int
        Matrix size.
    is_complex : bool
        Complex matrices (real dimension ``2 d**2``) instead of real ones (``d**2``).

    Examples
    --------
    >>> space = MatrixSpace(2, is_complex=True)
    >>> space.p
    8
    >>> theta = torch.zeros(1, 8, dtype=torch.float64); theta[0, 4] = 1.0   # B[0, 0] = 1
    >>> space.matrices(theta)[0]
    tensor([[0.+1.j, 0.+0.j],
            [0.+0.j, 0.+0.j]], dtype=torch.complex128)
    """

    d: int
    is_complex: bool = False

    @property
    def p(self) -> int:
        """Real dimension of the space (number of parameters per generator)."""
        return (2 if self.is_complex else 1) * self.d * self.d

    @property
    def real_size(self) -> int:
        """Size ``D`` of the real action matrix ``R(W)``."""
        return (2 if self.is_complex else 1) * self.d

    def matrices(self, theta: torch.Tensor) -> torch.Tensor:
        """Parameter vectors ``(..., p)`` to matrices ``(..., d, d)`` (complex dtype if complex)."""
        d = self.d
        if not self.is_complex:
            return theta.reshape(*theta.shape[:-1], d, d)
        a = theta[..., : d * d].reshape(*theta.shape[:-1], d, d)
        b = theta[..., d * d :].reshape(*theta.shape[:-1], d, d)
        return torch.complex(a, b)

    def parameters_of(self, matrices: torch.Tensor | np.ndarray) -> torch.Tensor:
        """Inverse of :meth:`matrices`: ``(..., d, d)`` to ``(..., p)``."""
        w = torch.as_tensor(matrices)
        if not self.is_complex:
            if w.is_complex():
                raise OptionError("complex matrices given for a real generator space")
            return w.reshape(*w.shape[:-2], self.d * self.d)
        w = w.to(torch.complex128) if not w.is_complex() else w
        flat = w.reshape(*w.shape[:-2], self.d * self.d)
        return torch.cat([flat.real, flat.imag], dim=-1)

    def real_action(self, theta: torch.Tensor) -> torch.Tensor:
        """The real matrices ``R(W)``, shape ``(..., D, D)``, acting on real coordinates."""
        if not self.is_complex:
            return self.matrices(theta)
        d = self.d
        a = theta[..., : d * d].reshape(*theta.shape[:-1], d, d)
        b = theta[..., d * d :].reshape(*theta.shape[:-1], d, d)
        top = torch.cat([a, -b], dim=-1)
        bottom = torch.cat([b, a], dim=-1)
        return torch.cat([top, bottom], dim=-2)

    def features_from_outer(self, g: torch.Tensor) -> torch.Tensor:
        """Contract ``G[..., i, j] = dphi/dx_i x_j`` (real coordinates) to parameter space.

        The Lie derivative along ``W`` is ``sum_ij R(W)_ij G_ij``, which is linear in ``theta``;
        this returns its coefficients, shape ``(..., p)``.
        """
        d = self.d
        if not self.is_complex:
            return g.reshape(*g.shape[:-2], d * d)
        ga = g[..., :d, :d] + g[..., d:, d:]
        gb = g[..., d:, :d] - g[..., :d, d:]
        return torch.cat([ga.reshape(*g.shape[:-2], d * d), gb.reshape(*g.shape[:-2], d * d)], dim=-1)


def lie_features(oracle: Oracle, x: torch.Tensor, space: MatrixSpace) -> torch.Tensor:
    """Coefficients of the Lie derivative of each oracle component, per sample.

    For a generator with parameters ``theta`` the infinitesimal change of component ``c`` of the
    oracle at sample ``i`` is ``F[i, c] @ theta``: the eps -> 0 limit of
    ``(phi((I + eps W) x) - phi(x)) / eps``, without the finite-eps bias.

    Parameters
    ----------
    oracle : Oracle
    x : torch.Tensor, shape (m, n_inputs)
    space : MatrixSpace

    Returns
    -------
    torch.Tensor, shape (m, n_outputs, p)
    """
    m = x.shape[0]
    _, grad = oracle_gradients(oracle, x)  # (m, n_out, n_inputs)
    k = oracle.n_vectors
    D = space.real_size
    grad_v = grad.reshape(m, grad.shape[1], k, D)
    x_v = x.detach().reshape(m, k, D)
    # G[i, c, a, b] = sum_v dphi_c/dx_{v,a} x_{v,b}: one outer product per argument vector.
    outer = torch.einsum("icva,ivb->icab", grad_v, x_v)
    return space.features_from_outer(outer)


class LinearGenerators:
    """``k`` linear generators ``x' = (I + eps W_a) x``, real or complex: the matrix kind of
    :class:`~liealg.generators.Generators`.

    The parameters are one ``(k, p)`` tensor ``theta`` (see :class:`MatrixSpace`), drawn from a
    seeded normal distribution and scaled to ``tr(W W^dagger) = 2``, the normalization the loss
    asks for; optionally a ``(k, k, k)`` tensor of learned structure constants (the method's
    reference code learned them; liealg projects them by default, see
    :func:`liealg.losses.closure`).

    Parameters
    ----------
    space : MatrixSpace
    k : int
    seed : int
        Seeds ``theta`` (drawn on the CPU, then moved: a seed gives the same start everywhere).
    dtype : torch.dtype
    device : str or torch.device
    learn_structure_constants : bool

    Examples
    --------
    >>> gens = LinearGenerators(MatrixSpace(3), 2, seed=0)
    >>> tuple(gens.matrices().shape), gens.n_generators
    ((2, 3, 3), 2)
    """

    def __init__(self, space: MatrixSpace, k: int, *, seed: int = 0, dtype: torch.dtype = torch.float64,
                 device: str | torch.device = "cpu", learn_structure_constants: bool = False) -> None:
        self.space = space
        gen = torch.Generator(device="cpu").manual_seed(int(seed))
        theta0 = torch.randn(k, space.p, generator=gen, dtype=torch.float64)
        theta0 = theta0 * math.sqrt(2.0) / theta0.norm(dim=1, keepdim=True)
        self.theta = theta0.to(device=device, dtype=dtype).requires_grad_(True)
        self.f: torch.Tensor | None = None
        if learn_structure_constants:
            self.f = torch.zeros(k, k, k, dtype=dtype, device=device, requires_grad=True)

    @property
    def n_generators(self) -> int:
        return int(self.theta.shape[0])

    def parameters(self) -> Iterator[torch.Tensor]:
        yield self.theta
        if self.f is not None:
            yield self.f

    def snapshot(self) -> dict[str, torch.Tensor]:
        state = {"theta": self.theta.detach().clone()}
        if self.f is not None:
            state["f"] = self.f.detach().clone()
        return state

    def restore(self, state: Mapping[str, torch.Tensor]) -> None:
        with torch.no_grad():
            self.theta.copy_(state["theta"].to(self.theta))
            if self.f is not None and "f" in state:
                self.f.copy_(state["f"].to(self.f))

    def matrices(self) -> torch.Tensor:
        """The generators ``W``, shape ``(k, d, d)`` (complex dtype for complex generators)."""
        return self.space.matrices(self.theta)

    def structure_constants(self) -> torch.Tensor | None:
        """The learned ``f_ab^c``, antisymmetrized in ``a, b``, or None when they are projected."""
        return None if self.f is None else 0.5 * (self.f - self.f.transpose(0, 1))

    def velocities(self, x: torch.Tensor) -> torch.Tensor:
        """``R(W_a) x_i`` in real coordinates (every argument vector moved): shape ``(m, k, n)``."""
        r = self.space.real_action(self.theta)  # (k, D, D)
        m, n = x.shape
        xv = x.reshape(m, n // r.shape[-1], r.shape[-1])
        return torch.einsum("aij,mvj->mavi", r, xv).reshape(m, r.shape[0], n)
