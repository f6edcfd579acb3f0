"""The exact layer: learned floats -> exact generators -> proofs; and the exact solver.

* :func:`rationalize` turns a learned span into its canonical exact basis
  (:class:`Rationalization`); :func:`orthonormal_basis`, :func:`same_span` and
  :func:`principal_angles` compare and normalize spans.
* :func:`certify` proves each exact generator is a symmetry (:class:`Certificate`);
  :func:`certify_numeric` checks floats or callable oracles with torch.
* :func:`solve_symmetries` finds the whole linear symmetry algebra of a polynomial oracle exactly
  (the ground truth for training); :func:`symmetry_conditions` exposes its linear system and
  :func:`is_polynomial_oracle` says (fast, via python-flint) whether it applies.
* :mod:`liealg.exact.linalg` holds the exact rational linear algebra (python-flint).
"""

from liealg.exact import linalg
from liealg.exact.certify import Certificate, certify, certify_numeric, lie_derivative
from liealg.exact.rationalize import (
    Rationalization,
    orthonormal_basis,
    principal_angles,
    rationalize,
    same_span,
)
from liealg.exact.solver import (
    SymmetryConditions,
    is_polynomial_oracle,
    solve_symmetries,
    symmetry_conditions,
)

__all__ = [
    "Certificate",
    "Rationalization",
    "SymmetryConditions",
    "certify",
    "certify_numeric",
    "is_polynomial_oracle",
    "lie_derivative",
    "linalg",
    "orthonormal_basis",
    "principal_angles",
    "rationalize",
    "same_span",
    "solve_symmetries",
    "symmetry_conditions",
]
