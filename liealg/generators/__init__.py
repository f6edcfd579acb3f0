"""Generators of symmetries, behind one interface.

Three kinds, each a :class:`Generators`:

* :class:`LinearGenerators` over a real :class:`MatrixSpace`: ``k`` real ``d x d`` matrices;
* :class:`LinearGenerators` over a complex :class:`MatrixSpace`: ``k`` complex matrices, acting on
  ``(Re z, Im z)`` as ``[[A, -B], [B, A]]``;
* :class:`NeuralVectorFields`: ``k`` neural vector fields ``v_a(x)``.

The training engine (:func:`liealg.engine.train`) sees only the interface: parameters, a copy of
the state, and the velocity each generator gives each point.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Protocol, runtime_checkable

import torch

from liealg.generators.fields import NeuralVectorFields
from liealg.generators.linear import LinearGenerators, MatrixSpace, lie_features

__all__ = ["Generators", "LinearGenerators", "MatrixSpace", "NeuralVectorFields", "lie_features"]


@runtime_checkable
class Generators(Protocol):
    """What every kind of generator offers."""

    @property
    def n_generators(self) -> int:
        """``k``, how many generators are learned together."""
        ...

    def parameters(self) -> Iterator[torch.Tensor]:
        """The tensors the optimizer moves."""
        ...

    def snapshot(self) -> dict[str, torch.Tensor]:
        """Detached copies of the state."""
        ...

    def restore(self, state: Mapping[str, torch.Tensor]) -> None:
        """Load a :meth:`snapshot` back."""
        ...

    def velocities(self, x: torch.Tensor) -> torch.Tensor:
        """How far each generator moves each point per unit ``eps``: shape ``(m, k, n)``."""
        ...
