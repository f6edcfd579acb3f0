"""The exact layer: learned floats -> exact generators -> proofs; and the exact solver.

* :func:`rationalize` turns a learned span into its canonical exact basis
  (:class:`Rationalization`); :func:`orthonormal_basis`, :func:`same_span` and
  :func:`principal_angles` compare and normalize spans.
* :func:`certify` proves each exact generator is a symmetry (:class:`Certificate`);
  :func:`certify_numeric` checks floats or callable oracles with torch.
* :func:`solve_symmetries` finds the whole linear symmetry algebra of a polynomial oracle exactly
  (the ground truth for training); :func:`symmetry_conditions` exposes its linear system and
  :func:`is_polynomial_oracle` says (fast, via python-flint) whether it applies.
* :func:`coefficient_field` / :func:`oracle_coefficient_field` say which number field a formula's
  coefficients generate (:class:`NumberField`: ``QQ``, ``QQ<sqrt(2)>``, ``QQ<sqrt(2), 2**(1/3)>``)
  or why there is none (not a polynomial, transcendental or float coefficients): the solver,
  rationalization (``field=``) and certification then work over that field.
* :mod:`liealg.exact.linalg` holds the exact linear algebra, over Q and over number fields
  (:class:`~liealg.exact.linalg.FieldMatrix`), on python-flint.
"""

from liealg.exact import linalg
from liealg.exact.certify import Certificate, certify, certify_numeric, lie_derivative
from liealg.exact.fields import (
    CoefficientField,
    NumberField,
    coefficient_field,
    oracle_coefficient_field,
)
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
    "CoefficientField",
    "NumberField",
    "Rationalization",
    "SymmetryConditions",
    "certify",
    "certify_numeric",
    "coefficient_field",
    "is_polynomial_oracle",
    "lie_derivative",
    "linalg",
    "oracle_coefficient_field",
    "orthonormal_basis",
    "principal_angles",
    "rationalize",
    "same_span",
    "solve_symmetries",
    "symmetry_conditions",
]
