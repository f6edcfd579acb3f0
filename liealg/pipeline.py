"""The whole chain in one verb: formula -> learned generators -> exact matrices -> a name.

:func:`discover` runs the stages in order (train or solve, rationalize, certify, build the
algebra, identify) and returns a :class:`Discovery`. A stage that cannot finish never loses what
the earlier stages produced: the result keeps it and says, in ``notes``, what failed and why.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp

from liealg import io
from liealg.config import ExactConfig, Sampling, TrainConfig, check_choice
from liealg.errors import (
    IdentificationError,
    InputFileError,
    LieAlgError,
    OptionError,
    OracleError,
    RationalizationError,
)
from liealg.losses import LinearLosses
from liealg.oracle import Oracle

if TYPE_CHECKING:
    from liealg.algebra import LieAlgebra
    from liealg.exact import Certificate, Rationalization
    from liealg.identification import Identification
    from liealg.training import TrainingResult

__all__ = ["discover", "Discovery", "METHODS"]

log = logging.getLogger(__name__)

METHODS = ("train", "exact")


@dataclass(frozen=True)
class Discovery:
    """Everything :func:`discover` found about one oracle.

    Attributes
    ----------
    oracle : Oracle or None
        None for a result loaded from a file whose oracle was a callable.
    method : {"train", "exact"}
    dimension : int
        Number of independent generators found (0: no continuous symmetry).
    generators : tuple of sympy.Matrix or None
        Exact generators (canonical basis), or None when they could not be made exact.
    learned : numpy.ndarray, shape (k, d, d), or None
        The float generators training produced (None for the exact method).
    certificate : Certificate or None
        Per-generator proof that the oracle is invariant.
    algebra : LieAlgebra or None
        Exact structure constants of the generators.
    identification : Identification or None
        The algebra's name and invariants.
    matches_exact : bool or None
        For polynomial oracles: whether the learned span equals the exact solver's algebra.
    span_error : float or None
        Largest principal angle (radians) between the learned and the exact spans.
    loss : dict
        Final value of each training loss term (empty for the exact method).
    converged : bool
    notes : tuple of str
        What a stage could not do, and what to try.
    """

    oracle: Oracle | None
    method: str
    dimension: int
    generators: tuple[sp.ImmutableMatrix, ...] | None
    learned: np.ndarray | None = None
    rationalization: Rationalization | None = None
    certificate: Certificate | SavedCertificate | None = None
    algebra: LieAlgebra | None = None
    identification: Identification | None = None
    matches_exact: bool | None = None
    span_error: float | None = None
    loss: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    converged: bool = True
    interrupted: bool = False
    training: TrainingResult | None = field(default=None, repr=False)
    seed: int = 0
    timings: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    notes: tuple[str, ...] = ()
    saved_algebra: Mapping[str, Any] | None = field(default=None, repr=False)
    saved_oracle: Mapping[str, Any] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # Immutable all the way down: exact matrices, read-only arrays, read-only mappings.
        if self.generators is not None:
            object.__setattr__(self, "generators", tuple(sp.ImmutableMatrix(m) for m in self.generators))
        if self.learned is not None:
            learned = np.array(self.learned)
            learned.setflags(write=False)
            object.__setattr__(self, "learned", learned)
        for name in ("loss", "timings", "saved_algebra", "saved_oracle"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, MappingProxyType):
                object.__setattr__(self, name, MappingProxyType(dict(value)))
        object.__setattr__(self, "notes", tuple(self.notes))

    # ------------------------------------------------------------------ convenience
    @property
    def name(self) -> str | None:
        """The algebra's name, e.g. ``"so(3,1)"`` (None when it was not identified)."""
        if self.identification is not None:
            return self.identification.name
        if self.saved_algebra:
            return self.saved_algebra.get("name")
        return None

    @property
    def certified(self) -> bool | None:
        """True only when every exact generator is proved to be a symmetry."""
        if self.certificate is None:
            return None
        return bool(self.certificate.certified)

    @property
    def exact(self) -> bool:
        return self.generators is not None

    def summary(self) -> str:
        """A readable multi-line report (what the CLI prints)."""
        from liealg.report import text_report

        return text_report(self)

    # ------------------------------------------------------------------ JSON
    def to_json(self) -> dict[str, Any]:
        """The machine-readable result (see docs/json.md for every key)."""
        from liealg import __version__

        algebra_json = None
        if self.identification is not None:
            algebra_json = self.identification.to_json()
        elif self.saved_algebra is not None:
            algebra_json = dict(self.saved_algebra)
        if self.generators is not None:
            generators = [io.matrix_to_json(m) for m in self.generators]
        elif self.learned is not None:
            generators = [[[io.number_to_str(v) for v in row] for row in m] for m in self.learned.tolist()]
        else:
            generators = []
        return {
            "schema": io.SCHEMA,
            "schema_version": io.SCHEMA_VERSION,
            "liealg_version": __version__,
            "oracle": self._oracle_json(),
            "method": self.method,
            "seed": self.seed,
            "dimension": self.dimension,
            "exact": self.exact,
            "generators": generators,
            "learned": None if self.learned is None else io.floats_to_json(self.learned.tolist()),
            "max_rounding_error": (None if self.rationalization is None
                                   else float(self.rationalization.max_error)),
            "certified": self.certified,
            "certificate": None if self.certificate is None else self.certificate.to_dict(),
            "structure_constants": None if self.algebra is None else self.algebra.to_json()["brackets"],
            "matches_exact": self.matches_exact,
            "span_error": self.span_error,
            "loss": {k: float(v) for k, v in self.loss.items()},
            "converged": self.converged,
            "interrupted": self.interrupted,
            "algebra": algebra_json,
            "notes": list(self.notes),
            "timings": {k: round(float(v), 6) for k, v in self.timings.items()},
        }

    def _oracle_json(self) -> dict[str, Any]:
        if self.oracle is None:
            return dict(self.saved_oracle or {})
        o = self.oracle
        return {
            "formulas": None if o.exprs is None else [sp.sstr(e) for e in o.exprs],
            "callable": None if o.exprs is not None else o.name,
            "vectors": [[s.name for s in v] for v in o.vectors],
            "complex": o.is_complex,
        }

    def save(self, path: str | Path) -> Path:
        """Write :meth:`to_json` to ``path`` atomically (never a half-written file)."""
        return io.write_json_atomic(path, self.to_json())

    @classmethod
    def load(cls, path: str | Path) -> Discovery:
        """Read a result written by :meth:`save`: exact matrices, structure constants and name.

        Raises
        ------
        liealg.InputFileError
            If the file is missing, not JSON, of another schema or version, or malformed.
        """
        data = io.read_json(path)
        return cls.from_json(data, where=str(path))

    @classmethod
    def from_json(cls, data: Any, *, where: str = "result") -> Discovery:
        if not isinstance(data, dict) or data.get("schema") != io.SCHEMA:
            raise InputFileError(f"{where} is not a liealg result (missing 'schema': '{io.SCHEMA}')")
        version = data.get("schema_version")
        if version != io.SCHEMA_VERSION:
            raise InputFileError(
                f"{where} has schema version {version!r}; this liealg reads version {io.SCHEMA_VERSION}"
            )
        try:
            oracle_json = data["oracle"]
            oracle = None
            if oracle_json.get("formulas"):
                vectors = oracle_json["vectors"]
                oracle = Oracle(oracle_json["formulas"], vectors=vectors,
                                complex=bool(oracle_json.get("complex")), allow_unused=True)
            dimension = int(data["dimension"])
            generators = None
            if data.get("exact"):
                generators = tuple(io.matrix_from_json(m, where=f"{where}: generators[{i}]")
                                   for i, m in enumerate(data["generators"]))
                if len(generators) != dimension:
                    raise InputFileError(
                        f"{where}: 'dimension' is {dimension} but {len(generators)} generators are stored"
                    )
            learned = None
            if data.get("learned") is not None:
                learned = io.floats_from_json(data["learned"], complex=bool(oracle_json.get("complex")))
            algebra = None
            if data.get("structure_constants") is not None and generators:
                from liealg.algebra import LieAlgebra

                algebra = LieAlgebra.from_matrices(list(generators))
                stored = data["structure_constants"]
                if algebra.to_json()["brackets"] != stored:
                    raise InputFileError(
                        f"{where}: the stored structure constants do not match the stored generators"
                    )
            return cls(
                oracle=oracle,
                method=str(data["method"]),
                dimension=dimension,
                generators=generators,
                learned=learned,
                algebra=algebra,
                matches_exact=data.get("matches_exact"),
                span_error=data.get("span_error"),
                loss=dict(data.get("loss") or {}),
                converged=bool(data.get("converged", True)),
                interrupted=bool(data.get("interrupted", False)),
                seed=int(data.get("seed", 0)),
                timings=dict(data.get("timings") or {}),
                notes=tuple(data.get("notes") or ()),
                saved_algebra=data.get("algebra"),
                saved_oracle=oracle_json,
                certificate=SavedCertificate.from_json(data.get("certificate")),
            )
        except InputFileError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            raise InputFileError(f"{where} is malformed: {type(exc).__name__}: {exc}") from None
        except LieAlgError as exc:
            raise InputFileError(f"{where} holds an inconsistent result: {exc}") from None


@dataclass(frozen=True)
class SavedCertificate:
    """The certificate part of a loaded result (its statuses, as saved)."""

    data: Mapping[str, Any]

    @property
    def certified(self) -> bool:
        return bool(self.data.get("certified"))

    def to_dict(self) -> dict:
        return dict(self.data)

    @classmethod
    def from_json(cls, data: Any) -> SavedCertificate | None:
        if data is None:
            return None
        if not isinstance(data, dict):
            raise InputFileError("the 'certificate' entry must be an object")
        return cls(dict(data))


# --------------------------------------------------------------------------- the verb
def discover(
    oracle: Oracle | str | sp.Expr | Sequence[str | sp.Expr],
    *,
    n_generators: int | str = "auto",
    method: str = "train",
    seed: int = 0,
    sampling: Sampling | None = None,
    training: TrainConfig | None = None,
    losses: LinearLosses | None = None,
    exact: ExactConfig | None = None,
    variables: str | Sequence[str] | None = None,
    vectors: str | Sequence[Sequence[str]] | None = None,
    is_complex: bool = False,
    progress: Callable[[int, Mapping[str, float]], None] | None = None,
) -> Discovery:
    """Find the linear symmetries of an oracle, make them exact, and name their Lie algebra.

    Parameters
    ----------
    oracle : Oracle, str, sympy expression, or list of them
        Strings and expressions are wrapped in :class:`Oracle` (with ``variables``, ``vectors``
        and ``is_complex`` passed on).
    n_generators : int or "auto"
        How many generators to learn; ``"auto"`` finds the dimension of the whole symmetry
        algebra from the spectrum of the invariance form.
    method : {"train", "exact"}
        Learn the generators by gradient descent (default), or solve the exact linear system
        (polynomial oracles only).
    seed : int
        Seeds samples and initial generators: the same seed gives the same result.
    sampling : Sampling, optional
        Where the oracle is evaluated.
    training : TrainConfig, optional
        How training runs (optimizer, epochs, tol, dtype, device, time budget, checkpoints).
    losses : LinearLosses, optional
        Weights and forms of the loss terms.
    exact : ExactConfig, optional
        Rationalize and certify, which basis, compare with the exact solver, identify.
    progress : callable, optional
        ``progress(epoch, losses)`` during training.

    Returns
    -------
    Discovery

    Examples
    --------
    >>> result = discover("x1**2 + x2**2 + x3**2 - x4**2", seed=0)
    >>> result.dimension, result.name, result.certified
    (6, 'so(3,1)', True)
    """
    from liealg.training import fit, fit_auto

    check_choice("method", method, METHODS)
    exact = exact or ExactConfig()
    training = training or TrainConfig()
    if not isinstance(oracle, Oracle):
        oracle = Oracle(oracle, variables=variables, vectors=vectors, complex=is_complex)
    elif variables is not None or vectors is not None or is_complex:
        raise OptionError("variables, vectors and is_complex describe a formula; an Oracle already has them")
    if not (n_generators == "auto" or (isinstance(n_generators, int) and not isinstance(n_generators, bool))):
        raise OptionError(f"n_generators must be a positive integer or 'auto', got {n_generators!r}")

    timings: dict[str, float] = {}
    notes: list[str] = []
    learned = None
    trained = None
    loss: Mapping[str, float] = {}
    converged = True
    interrupted = False
    generators: tuple[sp.Matrix, ...] | None = None
    rationalization = None
    exact_generators = None

    t0 = time.perf_counter()
    if method == "exact":
        from liealg.exact import solve_symmetries

        if not oracle.is_polynomial:
            raise OracleError(
                f"method='exact' needs a polynomial oracle with rational coefficients; "
                f"{oracle.formula_text()} is not one. Use method='train' (the default)."
            )
        generators = tuple(solve_symmetries(oracle))
        if exact.basis == "orthonormal" and generators:
            from liealg.exact import orthonormal_basis

            generators = tuple(orthonormal_basis(generators))
        exact_generators = generators
        timings["solve"] = time.perf_counter() - t0
    else:
        if n_generators == "auto":
            trained, _, _ = fit_auto(oracle, seed=seed, sampling=sampling, training=training, losses=losses,
                                     progress=progress)
        else:
            assert isinstance(n_generators, int)
            trained = fit(oracle, n_generators, seed=seed, sampling=sampling, training=training, losses=losses,
                          progress=progress)
        timings["train"] = time.perf_counter() - t0
        if trained is not None:
            learned = trained.generators
            loss = trained.loss
            converged = trained.converged
            interrupted = trained.interrupted
            if interrupted:
                notes.append("training was interrupted; these are the best generators found before that")
            if not converged:
                notes.append(
                    f"training stopped at total loss {loss['total']:.3g} above the tolerance {trained.tol:.3g}; "
                    "try more epochs, another seed, more samples, or fewer generators"
                )
        if trained is not None and exact.rationalize:
            t1 = time.perf_counter()
            from liealg.exact import rationalize

            try:
                rationalization = rationalize(learned, max_denominator=exact.max_denominator, basis=exact.basis)
                generators = tuple(rationalization.matrices)
            except RationalizationError as exc:
                notes.append(f"the learned generators could not be made exact: {exc}")
            timings["rationalize"] = time.perf_counter() - t1
        elif trained is None:
            generators = ()

    dimension = len(generators) if generators is not None else (0 if learned is None else int(learned.shape[0]))

    # Compare with the exact algebra where the exact solver applies.
    matches_exact = None
    span_error = None
    if method == "train" and exact.compare and exact.rationalize and oracle.is_polynomial:
        t1 = time.perf_counter()
        from liealg.exact import principal_angles, same_span, solve_symmetries

        exact_generators = tuple(solve_symmetries(oracle))
        timings["exact_solve"] = time.perf_counter() - t1
        if learned is not None and exact_generators:
            angles = (principal_angles(learned, exact_generators, pad=False)
                      if len(exact_generators) >= len(learned) else None)
            span_error = float(np.max(angles)) if angles is not None and len(angles) else None
        if generators is not None:
            matches_exact = bool(len(generators) == len(exact_generators)
                                 and (not generators or same_span(generators, exact_generators)))
            if not matches_exact:
                notes.append(
                    f"the learned algebra (dimension {len(generators)}) differs from the exact one "
                    f"(dimension {len(exact_generators)})"
                )

    certificate = None
    algebra = None
    identification = None
    if generators:
        t1 = time.perf_counter()
        certificate = _certify(oracle, generators, notes)
        timings["certify"] = time.perf_counter() - t1
        t1 = time.perf_counter()
        from liealg.algebra import LieAlgebra

        try:
            algebra = LieAlgebra.from_matrices(list(generators))
        except LieAlgError as exc:
            notes.append(f"the generators do not form a Lie algebra: {exc}")
        timings["algebra"] = time.perf_counter() - t1
        if algebra is not None and exact.identify:
            t1 = time.perf_counter()
            from liealg.identification import identify

            try:
                identification = identify(algebra)
            except IdentificationError as exc:
                notes.append(f"the algebra could not be named: {exc}")
            timings["identify"] = time.perf_counter() - t1
    elif dimension == 0:
        notes.append("the oracle has no continuous linear symmetry (the symmetry algebra is 0-dimensional)")
    timings["total"] = time.perf_counter() - t0

    return Discovery(
        oracle=oracle,
        method=method,
        dimension=dimension,
        generators=generators,
        learned=learned,
        rationalization=rationalization,
        certificate=certificate,
        algebra=algebra,
        identification=identification,
        matches_exact=matches_exact,
        span_error=span_error,
        loss=loss,
        converged=converged,
        interrupted=interrupted,
        training=trained,
        seed=seed,
        timings=timings,
        notes=tuple(notes),
    )


def _certify(oracle: Oracle, generators: Sequence[sp.Matrix], notes: list[str]) -> Certificate | None:
    from liealg.exact import certify

    if not oracle.is_symbolic:
        notes.append("the oracle is a callable, so the generators cannot be proved exactly; certificate skipped")
        return None
    cert = certify(oracle, list(generators))
    if not cert.certified:
        failed = [i for i, s in enumerate(cert.statuses) if s == "failed"]
        numeric = [i for i, s in enumerate(cert.statuses) if s == "numeric"]
        if failed:
            notes.append(f"generator(s) {failed} are NOT symmetries of the oracle (kept, and marked failed)")
        if numeric:
            notes.append(f"generator(s) {numeric} were checked numerically to high precision, not proved")
    return cert
