"""The exception family of liealg.

Every error a user can cause derives from :class:`LieAlgError`, so scripts can catch one type;
each subclass names the pipeline stage that refused.
"""

from __future__ import annotations

__all__ = [
    "LieAlgError",
    "OracleError",
    "ConvergenceError",
    "RationalizationError",
    "CertificationError",
    "IdentificationError",
]


class LieAlgError(Exception):
    """Base class of every error liealg raises on purpose."""


class OracleError(LieAlgError, ValueError):
    """The oracle (formula, variables, callable or samples) is unusable as given."""


class ConvergenceError(LieAlgError):
    """Training did not reach the requested tolerance."""


class RationalizationError(LieAlgError):
    """Learned floats could not be turned into exact numbers that are provably right."""


class CertificationError(LieAlgError):
    """An exact generator could not be proved to be a symmetry."""


class IdentificationError(LieAlgError):
    """The Lie algebra could not be named; the message lists what is known."""
