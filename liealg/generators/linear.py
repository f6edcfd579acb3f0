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

from dataclasses import dataclass

import numpy as np
import torch

__all__ = ["MatrixSpace", "lie_features"]


@dataclass(frozen=True)
class MatrixSpace:
    """The real vector space of ``d x d`` generator matrices.

    Parameters
    ----------
    d : int
        Matrix size.
    complex : bool
        Complex matrices (real dimension ``2 d**2``) instead of real ones (``d**2``).

    Examples
    --------
    >>> space = MatrixSpace(2, complex=True)
    >>> space.p
    8
    >>> theta = torch.zeros(1, 8, dtype=torch.float64); theta[0, 4] = 1.0   # B[0, 0] = 1
    >>> space.matrices(theta)[0]
    tensor([[0.+1.j, 0.+0.j],
            [0.+0.j, 0.+0.j]], dtype=torch.complex128)
    """

    d: int
    complex: bool = False

    @property
    def p(self) -> int:
        """Real dimension of the space (number of parameters per generator)."""
        return (2 if self.complex else 1) * self.d * self.d

    @property
    def real_size(self) -> int:
        """Size ``D`` of the real action matrix ``R(W)``."""
        return (2 if self.complex else 1) * self.d

    def matrices(self, theta: torch.Tensor) -> torch.Tensor:
        """Parameter vectors ``(..., p)`` to matrices ``(..., d, d)`` (complex dtype if complex)."""
        d = self.d
        if not self.complex:
            return theta.reshape(*theta.shape[:-1], d, d)
        a = theta[..., : d * d].reshape(*theta.shape[:-1], d, d)
        b = theta[..., d * d :].reshape(*theta.shape[:-1], d, d)
        return torch.complex(a, b)

    def parameters_of(self, matrices: torch.Tensor | np.ndarray) -> torch.Tensor:
        """Inverse of :meth:`matrices`: ``(..., d, d)`` to ``(..., p)``."""
        w = torch.as_tensor(matrices)
        if not self.complex:
            if w.is_complex():
                raise ValueError("complex matrices given for a real generator space")
            return w.reshape(*w.shape[:-2], self.d * self.d)
        w = w.to(torch.complex128) if not w.is_complex() else w
        flat = w.reshape(*w.shape[:-2], self.d * self.d)
        return torch.cat([flat.real, flat.imag], dim=-1)

    def real_action(self, theta: torch.Tensor) -> torch.Tensor:
        """The real matrices ``R(W)``, shape ``(..., D, D)``, acting on real coordinates."""
        if not self.complex:
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
        if not self.complex:
            return g.reshape(*g.shape[:-2], d * d)
        ga = g[..., :d, :d] + g[..., d:, d:]
        gb = g[..., d:, :d] - g[..., :d, d:]
        return torch.cat([ga.reshape(*g.shape[:-2], d * d), gb.reshape(*g.shape[:-2], d * d)], dim=-1)


def lie_features(oracle, x: torch.Tensor, space: MatrixSpace) -> torch.Tensor:
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
    xr = x.detach().clone().requires_grad_(True)
    with torch.enable_grad():
        y = oracle(xr)
        grads = []
        for c in range(y.shape[1]):
            (g,) = torch.autograd.grad(y[:, c].sum(), xr, retain_graph=c + 1 < y.shape[1], allow_unused=True)
            grads.append(torch.zeros_like(xr) if g is None else g)
    grad = torch.stack(grads, dim=1).detach()  # (m, n_out, n_inputs)
    k = oracle.n_vectors
    D = space.real_size
    grad_v = grad.reshape(m, grad.shape[1], k, D)
    x_v = x.detach().reshape(m, k, D)
    # G[i, c, a, b] = sum_v dphi_c/dx_{v,a} x_{v,b}: one outer product per argument vector.
    outer = torch.einsum("icva,ivb->icab", grad_v, x_v)
    return space.features_from_outer(outer)
