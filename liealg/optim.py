"""The engine's optimizers: full-batch L-BFGS with a strong-Wolfe line search, and Adam.

Why not ``torch.optim``: its optimizers import ``torch._dynamo`` the first time one is built or
stepped, which costs seconds per process (measured: 3-4 s of a 9 s start under load) and buys
nothing here. These two are small, follow the textbook (Nocedal and Wright, *Numerical
Optimization*, algorithms 7.4 and 3.5-3.6; Kingma and Ba for Adam), and work on any list of
tensors that require gradients.

>>> x = torch.tensor([3.0, -2.0], dtype=torch.float64, requires_grad=True)
>>> opt = LBFGS([x])
>>> def closure():
...     opt.zero_grad()
...     loss = (x[0] - 1) ** 2 + 10 * (x[1] + 1) ** 2
...     loss.backward()
...     return loss
>>> _ = opt.step(closure)
>>> [round(v, 6) for v in x.tolist()]
[1.0, -1.0]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch

from liealg.errors import OptionError

__all__ = ["LBFGS", "Adam", "Optimizer"]

Closure = Callable[[], torch.Tensor]


class Optimizer:
    """What the engine needs of an optimizer."""

    params: list[torch.Tensor]
    lr: float

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    def step(self, closure: Closure | None = None) -> torch.Tensor | None:  # pragma: no cover - interface
        raise NotImplementedError


def _flat_grad(params: Sequence[torch.Tensor]) -> torch.Tensor:
    return torch.cat([(p.grad if p.grad is not None else torch.zeros_like(p)).reshape(-1) for p in params])


class LBFGS(Optimizer):
    """Limited-memory BFGS on the concatenation of ``params``.

    One :meth:`step` runs up to ``max_iter`` iterations, each a two-loop-recursion direction and
    a strong-Wolfe line search (the first step scaled to ``lr / |g|_1``, as is usual).

    Parameters
    ----------
    params : sequence of torch.Tensor
    lr : float
        The initial trial step of each line search.
    max_iter : int
    history_size : int
        Curvature pairs kept.
    """

    def __init__(self, params: Sequence[torch.Tensor], lr: float = 1.0, max_iter: int = 20,
                 history_size: int = 50) -> None:
        self.params = list(params)
        self.lr, self.max_iter, self.history_size = float(lr), int(max_iter), int(history_size)
        self._s: list[torch.Tensor] = []
        self._y: list[torch.Tensor] = []
        self._rho: list[float] = []
        self._d: torch.Tensor | None = None
        self._g: torch.Tensor | None = None
        self._first = True

    # ------------------------------------------------------------------ parameters as one vector
    def _get(self) -> torch.Tensor:
        return torch.cat([p.detach().reshape(-1) for p in self.params])

    def _set(self, flat: torch.Tensor) -> None:
        offset = 0
        with torch.no_grad():
            for p in self.params:
                n = p.numel()
                p.copy_(flat[offset:offset + n].view_as(p))
                offset += n

    def _evaluate(self, closure: Closure, x: torch.Tensor) -> tuple[float, torch.Tensor]:
        self._set(x)
        with torch.enable_grad():
            loss = closure()
        return float(loss.detach()), _flat_grad(self.params)

    # ------------------------------------------------------------------ the step
    def _direction(self, g: torch.Tensor) -> torch.Tensor:
        """``-H g`` by the two-loop recursion over the stored curvature pairs."""
        q = -g.clone()
        alphas = []
        for s, y, rho in zip(reversed(self._s), reversed(self._y), reversed(self._rho)):
            a = rho * float(s @ q)
            alphas.append(a)
            q.add_(y, alpha=-a)
        if self._s:
            s, y = self._s[-1], self._y[-1]
            q.mul_(float(s @ y) / float(y @ y))
        for (s, y, rho), a in zip(zip(self._s, self._y, self._rho), reversed(alphas)):
            b = rho * float(y @ q)
            q.add_(s, alpha=a - b)
        return q

    def step(self, closure: Closure | None = None) -> torch.Tensor:
        if closure is None:
            raise OptionError("LBFGS.step needs a closure that re-evaluates the loss")
        x = self._get()
        f, g = self._evaluate(closure, x)
        first_loss = f
        for _ in range(self.max_iter):
            if not math.isfinite(f) or float(g.abs().max()) == 0.0:
                break
            if self._first:
                d = -g
                t = min(1.0, 1.0 / float(g.abs().sum())) * self.lr
                self._first = False
            else:
                d = self._direction(g)
                t = self.lr
            gtd = float(g @ d)
            if gtd >= 0.0:  # not a descent direction (round-off): start the curvature afresh
                self._s, self._y, self._rho = [], [], []
                d, gtd = -g, -float(g @ g)
                t = min(1.0, 1.0 / float(g.abs().sum())) * self.lr
            def along(step: float, start: torch.Tensor = x, direction: torch.Tensor = d) -> tuple[float, torch.Tensor]:
                return self._evaluate(closure, start + step * direction)

            t, f_new, g_new = _strong_wolfe(along, f, g, d, gtd, t)
            if t == 0.0:
                self._set(x)
                break
            s = t * d
            y = g_new - g
            ys = float(y @ s)
            if ys > 1e-10:
                if len(self._s) == self.history_size:
                    del self._s[0], self._y[0], self._rho[0]
                self._s.append(s)
                self._y.append(y)
                self._rho.append(1.0 / ys)
            x, f, g = x + s, f_new, g_new
            if f == 0.0:
                break
        self._set(x)
        return torch.tensor(first_loss)


def _cubic_minimum(x1: float, f1: float, g1: float, x2: float, f2: float, g2: float) -> float:
    """The minimizer of the cubic through two points with their slopes, kept inside [x1, x2]."""
    lo, hi = min(x1, x2), max(x1, x2)
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    square = d1 * d1 - g1 * g2
    if square >= 0:
        d2 = math.sqrt(square) * (1.0 if x2 >= x1 else -1.0)
        x = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        if lo <= x <= hi:
            return x
    return (lo + hi) / 2


def _strong_wolfe(phi: Callable[[float], tuple[float, torch.Tensor]], f0: float, g0: torch.Tensor,
                  d: torch.Tensor, gtd0: float, t: float, c1: float = 1e-4, c2: float = 0.9,
                  max_evals: int = 25) -> tuple[float, float, torch.Tensor]:
    """A step length satisfying the strong Wolfe conditions along ``d`` (bracket, then zoom).

    Returns ``(t, f(t), g(t))``; ``t = 0`` when no decrease was found.
    """
    t_prev, f_prev, gtd_prev = 0.0, f0, gtd0
    best = (0.0, f0, g0)
    evals = 0
    bracket: tuple[float, float, float, float, float, float] | None = None  # (t, f, slope) at each end
    while evals < max_evals:
        f, g = phi(t)
        evals += 1
        gtd = float(g @ d)
        if math.isfinite(f) and f < best[1]:
            best = (t, f, g)
        if not math.isfinite(f) or f > f0 + c1 * t * gtd0 or (evals > 1 and f >= f_prev):
            bracket = (t_prev, f_prev, gtd_prev, t, f, gtd)
            break
        if abs(gtd) <= -c2 * gtd0:
            return t, f, g
        if gtd >= 0:
            bracket = (t, f, gtd, t_prev, f_prev, gtd_prev)
            break
        t_prev, f_prev, gtd_prev = t, f, gtd
        t = t * 4.0  # extrapolate
    if bracket is None:
        return best
    lo_t, lo_f, lo_gtd, hi_t, hi_f, hi_gtd = bracket
    while evals < max_evals and abs(hi_t - lo_t) > 1e-12 * max(1.0, abs(lo_t)):
        if math.isfinite(hi_f):
            t = _cubic_minimum(lo_t, lo_f, lo_gtd, hi_t, hi_f, hi_gtd)
        else:
            t = (lo_t + hi_t) / 2
        span = abs(hi_t - lo_t)
        if min(abs(t - lo_t), abs(t - hi_t)) < 0.1 * span:  # too close to an end: bisect instead
            t = (lo_t + hi_t) / 2
        f, g = phi(t)
        evals += 1
        gtd = float(g @ d)
        if math.isfinite(f) and f < best[1]:
            best = (t, f, g)
        if not math.isfinite(f) or f > f0 + c1 * t * gtd0 or f >= lo_f:
            hi_t, hi_f, hi_gtd = t, f, gtd
        else:
            if abs(gtd) <= -c2 * gtd0:
                return t, f, g
            if gtd * (hi_t - lo_t) >= 0:
                hi_t, hi_f, hi_gtd = lo_t, lo_f, lo_gtd
            lo_t, lo_f, lo_gtd = t, f, gtd
    return best


class Adam(Optimizer):
    """Adam (Kingma and Ba), with L2 weight decay added to the gradient.

    Parameters
    ----------
    params : sequence of torch.Tensor
    lr : float
    betas : tuple of float
    eps : float
    weight_decay : float
    """

    def __init__(self, params: Sequence[torch.Tensor], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        self.params = list(params)
        self.lr, self.betas, self.eps, self.weight_decay = float(lr), betas, float(eps), float(weight_decay)
        self._m = [torch.zeros_like(p) for p in self.params]
        self._v = [torch.zeros_like(p) for p in self.params]
        self._t = 0

    def step(self, closure: Closure | None = None) -> torch.Tensor | None:
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        self._t += 1
        b1, b2 = self.betas
        with torch.no_grad():
            for p, m, v in zip(self.params, self._m, self._v):
                if p.grad is None:
                    continue
                g = p.grad if self.weight_decay == 0 else p.grad + self.weight_decay * p
                m.mul_(b1).add_(g, alpha=1 - b1)
                v.mul_(b2).addcmul_(g, g, value=1 - b2)
                m_hat = m / (1 - b1**self._t)
                v_hat = v / (1 - b2**self._t)
                p.addcdiv_(m_hat, v_hat.sqrt().add_(self.eps), value=-self.lr)
        return loss
