"""The exception family of liealg.

Every error liealg raises on purpose derives from :class:`LieAlgError`, so a script can catch
one type; each subclass says *what* went wrong, not where::

    LieAlgError
    ├── OptionError            an option value is invalid (unknown choice, out of range)
    ├── ResourceError          a request would not fit (memory, size): says the estimate
    ├── OracleError            the oracle (formula, variables, callable, samples) is unusable
    ├── InputFileError         a file cannot be read as what it should be
    ├── ConvergenceError       training did not reach its tolerance
    ├── RationalizationError   learned floats could not be made exact (not exact)
    ├── CertificationError     an exact generator could not be proved a symmetry
    ├── NotALieAlgebraError    brackets do not close, or Jacobi fails
    └── IdentificationError    the algebra could not be named (the message lists what is known)

The user-input errors (option, resource, oracle, file, not a Lie algebra) also derive from
:class:`ValueError`, so generic code that catches bad values keeps working. The command line
turns any :class:`LieAlgError` into one line on stderr and exit code 2.
"""

from __future__ import annotations

__all__ = [
    "LieAlgError",
    "OptionError",
    "ResourceError",
    "OracleError",
    "InputFileError",
    "ConvergenceError",
    "RationalizationError",
    "CertificationError",
    "NotALieAlgebraError",
    "IdentificationError",
]


class LieAlgError(Exception):
    """Base class of every error liealg raises on purpose."""


class OptionError(LieAlgError, ValueError):
    """An option has a value liealg cannot use; the message lists the valid ones."""


class ResourceError(LieAlgError, ValueError):
    """A request would not fit in memory or time; the message gives the estimate and the limit."""


class OracleError(LieAlgError, ValueError):
    """The oracle (formula, variables, callable or samples) is unusable as given."""


class InputFileError(LieAlgError, ValueError):
    """A file is missing, unreadable, not UTF-8, not valid JSON, or of the wrong shape."""


class ConvergenceError(LieAlgError):
    """Training did not reach the requested tolerance."""


class RationalizationError(LieAlgError):
    """Learned floats could not be turned into exact numbers that are provably right."""


class CertificationError(LieAlgError):
    """An exact generator could not be proved to be a symmetry."""


class NotALieAlgebraError(LieAlgError, ValueError):
    """Matrices or structure constants that do not form a Lie algebra (closure or Jacobi fails,
    antisymmetry is broken, or the table is malformed)."""


class IdentificationError(LieAlgError):
    """The Lie algebra could not be named; the message lists what is known."""
