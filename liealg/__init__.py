"""liealg: find the continuous symmetries of a formula, make them exact, name the Lie algebra.

>>> import liealg
>>> result = liealg.discover("x1**2 + x2**2 + x3**2 - x4**2", seed=0)  # doctest: +SKIP
>>> result.identification.name                                          # doctest: +SKIP
'so(3,1)'

The public API is re-exported here explicitly; submodules are imported on first use so that
``import liealg`` stays fast (torch and sympy load only when needed).
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

# Library loggers stay silent unless the application configures logging.
logging.getLogger("liealg").addHandler(logging.NullHandler())

__version__ = "0.1.0"

# name -> module that defines it. One table, so the public surface is visible at a glance.
_EXPORTS = {
    "discover": "liealg.pipeline",
    "Discovery": "liealg.pipeline",
    "Oracle": "liealg.oracle",
    "sample_points": "liealg.oracle",
    "fit": "liealg.training",
    "scan": "liealg.training",
    "TrainingResult": "liealg.training",
    "ScanResult": "liealg.training",
    "LinearLosses": "liealg.losses",
    "FieldLosses": "liealg.nonlinear",
    "FieldNetwork": "liealg.nonlinear",
    "Sampling": "liealg.config",
    "TrainConfig": "liealg.config",
    "ExactConfig": "liealg.config",
    "rationalize": "liealg.exact",
    "certify": "liealg.exact",
    "solve_symmetries": "liealg.exact",
    "discover_nonlinear": "liealg.nonlinear",
    "NonlinearDiscovery": "liealg.nonlinear",
    "integrate_flow": "liealg.nonlinear",
    "polynomial_symmetries": "liealg.exact.polyfields",
    "digits_flows": "liealg.flows",
    "sweep": "liealg.sweeps",
    "SweepResult": "liealg.sweeps",
    "discover_data": "liealg.data",
    "fit_oracle": "liealg.data",
    "identify_numeric": "liealg.numeric_identification",
    "LieAlgebra": "liealg.algebra",
    "identify": "liealg.identification",
    "Identification": "liealg.identification",
    "LieAlgError": "liealg.errors",
    "OracleError": "liealg.errors",
    "ConvergenceError": "liealg.errors",
    "RationalizationError": "liealg.errors",
    "CertificationError": "liealg.errors",
    "IdentificationError": "liealg.errors",
    "OptionError": "liealg.errors",
    "ResourceError": "liealg.errors",
    "InputFileError": "liealg.errors",
    "NotALieAlgebraError": "liealg.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'liealg' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


if TYPE_CHECKING:  # for type checkers and IDEs: the same names, imported eagerly
    from liealg.algebra import LieAlgebra
    from liealg.config import ExactConfig, Sampling, TrainConfig
    from liealg.data import discover_data, fit_oracle
    from liealg.errors import (
        CertificationError,
        ConvergenceError,
        IdentificationError,
        InputFileError,
        LieAlgError,
        NotALieAlgebraError,
        OptionError,
        OracleError,
        RationalizationError,
        ResourceError,
    )

    # The functions share their names with their modules (liealg.exact.certify, .rationalize),
    # which mypy counts as a second definition.
    from liealg.exact import certify, rationalize, solve_symmetries  # type: ignore[no-redef]
    from liealg.exact.polyfields import polynomial_symmetries
    from liealg.flows import digits_flows
    from liealg.identification import Identification, identify
    from liealg.losses import LinearLosses
    from liealg.nonlinear import FieldLosses, FieldNetwork, NonlinearDiscovery, discover_nonlinear, integrate_flow
    from liealg.numeric_identification import identify_numeric
    from liealg.oracle import Oracle, sample_points
    from liealg.pipeline import Discovery, discover
    from liealg.sweeps import SweepResult, sweep
    from liealg.training import ScanResult, TrainingResult, fit, scan
