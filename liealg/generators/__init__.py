"""Generators of symmetries: linear matrices ``(k, d, d)`` here; neural vector fields in
:mod:`liealg.nonlinear`."""

from liealg.generators.linear import MatrixSpace, lie_features

__all__ = ["MatrixSpace", "lie_features"]
