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
    NotALieAlgebraError,
    OptionError,
    OracleError,
    RationalizationError,
)
from liealg.losses import LinearLosses
from liealg.oracle import Oracle

if TYPE_CHECKING:
    from liealg.algebra import LieAlgebra
    from liealg.exact import Certificate, CoefficientField, Rationalization
    from liealg.identification import Identification
    from liealg.structure import Structure
    from liealg.subalgebras import Breaking, Stabilizer, StandardBasis, SubalgebraAnalysis
    from liealg.training import TrainingResult

__all__ = ["discover", "Discovery", "METHODS"]

log = logging.getLogger(__name__)

METHODS = ("train", "exact")
#: The largest Levi factor whose roots and weights ``discover`` computes (e6, 78, takes ~6 s).
STRUCTURE_MAX_DIM = 80


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
    polished : numpy.ndarray, shape (k, d, d), or None
        The same refined against the invariance form (Rayleigh-Ritz): the best numeric result
        when the generators cannot be made exact.
    certificate : Certificate or None
        Per-generator proof that the oracle is invariant.
    algebra : LieAlgebra or None
        Exact structure constants of the generators.
    identification : Identification or None
        The algebra's name and invariants.
    structure : Structure or None
        Cartan subalgebra (as matrices in the oracle's variables), roots, Cartan matrix and the
        weights of the variables (:func:`liealg.structure.structure`), for a named algebra with a
        Levi factor of dimension up to 80 (larger: call ``structure(result.generators)``).
    matches_exact : bool or None
        For polynomial oracles: whether the learned span equals the exact solver's algebra.
    span_error : float or None
        Largest principal angle (radians) between the learned (not polished) span and the
        exact solver's: training's own accuracy.
    spectral_gap : float or None
        Decades between the largest eigenvalue counted as a symmetry and the next one, on the
        scale-free invariance form: how clearly the dimension was read.
    scales : tuple of sympy.Rational or None
        When the variables' units differ by orders of magnitude, training ran in ``x / s``
        (powers of ten); generators are reported in the original variables.
    loss : mapping
        Final value of each training loss term (empty for the exact method).
    converged : bool
    notes : tuple of str
        What a stage could not do, and what to try.
    stopped_for_time : bool
        ``max_seconds`` ran out: this is the result so far.
    subalgebra : bool or None
        ``n_generators=k`` below the dimension of the whole symmetry algebra: True when the run
        found a closed ``k``-dimensional subalgebra, False when it did not (or none exists:
        ``notes`` says which); None for a run that learned the whole algebra.
    ambient_dimension : int or None
        The dimension of the whole symmetry algebra, when a subalgebra was asked for.
    subalgebra_analysis : SubalgebraAnalysis or None
        The learned subalgebra's name (exact, or numeric with its tolerance), invariants and an
        exact representative of its conjugacy class (:func:`liealg.subalgebras.analyze_subalgebra`).
    stabilizer : Stabilizer or None
        With ``at=``: the generators that fix the point(s), their name, and the broken ones.
    breaking : Breaking or None
        With ``breaking=``: the residual algebra of the perturbed oracle and the branching.
    standard : StandardBasis or None
        With ``standard=True``: the exact map onto the textbook basis of the algebra's family.
    no_subalgebra : str or None
        ``n_generators=k`` where no ``k``-dimensional subalgebra exists: the proof, in words
        (:func:`liealg.subalgebras.nonexistence`); nothing was trained.
    """

    oracle: Oracle | None
    method: str
    dimension: int
    generators: tuple[sp.ImmutableMatrix, ...] | None
    learned: np.ndarray | None = None
    polished: np.ndarray | None = None
    rationalization: Rationalization | None = None
    certificate: Certificate | SavedCertificate | None = None
    algebra: LieAlgebra | None = None
    identification: Identification | None = None
    structure: Structure | None = field(default=None, compare=False, repr=False)
    matches_exact: bool | None = None
    span_error: float | None = None
    spectral_gap: float | None = None
    scales: tuple[sp.Rational, ...] | None = None
    loss: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    converged: bool = True
    interrupted: bool = False
    stopped_for_time: bool = False
    training: TrainingResult | None = field(default=None, repr=False)
    seed: int = 0
    timings: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    notes: tuple[str, ...] = ()
    saved_algebra: Mapping[str, Any] | None = field(default=None, repr=False)
    saved_oracle: Mapping[str, Any] | None = field(default=None, repr=False)
    subalgebra: bool | None = None
    ambient_dimension: int | None = None
    subalgebra_analysis: SubalgebraAnalysis | None = field(default=None, repr=False)
    stabilizer: Stabilizer | None = field(default=None, repr=False)
    breaking: Breaking | None = field(default=None, repr=False)
    standard: StandardBasis | None = field(default=None, repr=False)
    saved_extras: Mapping[str, Any] | None = field(default=None, repr=False)
    no_subalgebra: str | None = None
    saved_structure: Mapping[str, Any] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # Immutable all the way down: exact matrices, read-only arrays, read-only mappings.
        if self.generators is not None:
            object.__setattr__(self, "generators", tuple(sp.ImmutableMatrix(m) for m in self.generators))
        for name in ("learned", "polished"):
            array = getattr(self, name)
            if array is not None:
                array = np.array(array)
                array.setflags(write=False)
                object.__setattr__(self, name, array)
        for name in ("loss", "timings", "saved_algebra", "saved_oracle", "saved_extras", "saved_structure"):
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
        if self.subalgebra_analysis is not None and self.subalgebra_analysis.name is not None:
            return self.subalgebra_analysis.name  # numeric: the learned span is not exact
        if self.saved_algebra:
            return self.saved_algebra.get("name")
        saved = (self.saved_extras or {}).get("subalgebra_analysis")
        if isinstance(saved, Mapping) and saved.get("name") is not None:
            return str(saved["name"])  # a loaded numeric subalgebra result
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

    # ---- rich display (Jupyter, papers): liealg.display, imported at call time (a later stage)

    def _repr_html_(self) -> str:
        """An HTML card for Jupyter (see :mod:`liealg.display`)."""
        from liealg import display

        return display.discovery_html(self)

    def _repr_latex_(self) -> str:
        """Display math for Jupyter (see :mod:`liealg.display`)."""
        from liealg import display

        return display.discovery_latex(self)

    def to_latex(self, *, caption: str | None = None, label: str | None = None, generators: bool = True) -> str:
        r"""A LaTeX ``table`` for a paper: :func:`liealg.display.to_latex` of this result.

        Parameters
        ----------
        caption, label : str, optional
            The table's ``\caption`` (default: the algebra's name) and ``\label``.
        generators : bool
            Also the generators (``pmatrix``) and brackets (``align*``) after the table.

        Examples
        --------
        >>> from liealg import discover
        >>> r = discover("x1**2 + x2**2 + x3**2", seed=0)
        >>> table = r.to_latex(label="tab:so3")
        >>> print(table.splitlines()[5])
        algebra & $\mathfrak{su}(2)$ \\
        >>> table.count(r"\begin{pmatrix}")  # the 3 exact generators
        3
        """
        from liealg import display

        return display.to_latex(self, caption=caption, label=label, generators=generators)

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
            "spectral_gap": self.spectral_gap,
            "scales": None if self.scales is None else [str(s) for s in self.scales],
            "stopped_for_time": self.stopped_for_time,
            "loss": {k: float(v) for k, v in self.loss.items()},
            "converged": self.converged,
            "interrupted": self.interrupted,
            "algebra": algebra_json,
            "subalgebra": self.subalgebra,
            "ambient_dimension": self.ambient_dimension,
            "no_subalgebra": self.no_subalgebra,
            **self._extras_json(),
            "structure": (self.structure.to_json() if self.structure is not None
                          else None if self.saved_structure is None else dict(self.saved_structure)),
            "notes": list(self.notes),
            "timings": {k: round(float(v), 6) for k, v in self.timings.items()},
        }

    def _extras_json(self) -> dict[str, Any]:
        saved = dict(self.saved_extras or {})
        out: dict[str, Any] = {}
        for key, value in (("subalgebra_analysis", self.subalgebra_analysis), ("stabilizer", self.stabilizer),
                           ("breaking", self.breaking), ("standard_basis", self.standard)):
            out[key] = value.to_json() if value is not None else saved.get(key)
        return out

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
        data = io.check_result_schema(data, where=where)
        try:
            oracle_json = data["oracle"]
            oracle = None
            if oracle_json.get("formulas"):
                vectors = oracle_json["vectors"]
                oracle = Oracle(oracle_json["formulas"], vectors=vectors,
                                is_complex=bool(oracle_json.get("complex")))
            dimension = int(data["dimension"])
            generators = io.result_generators(data, where=where)
            learned = None
            if data.get("learned") is not None:
                learned = io.floats_from_json(data["learned"], is_complex=bool(oracle_json.get("complex")))
            algebra = io.result_algebra(data, where=where)
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
                saved_structure=data.get("structure"),
                certificate=SavedCertificate.from_json(data.get("certificate")),
                subalgebra=data.get("subalgebra"),
                ambient_dimension=data.get("ambient_dimension"),
                no_subalgebra=data.get("no_subalgebra"),
                saved_extras={key: data[key] for key in ("subalgebra_analysis", "stabilizer", "breaking",
                                                         "standard_basis") if data.get(key) is not None},
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
    on_stage: Callable[[str], None] | None = None,
    at: Sequence[Any] | Any | None = None,
    breaking: str | sp.Expr | None = None,
    standard: bool = False,
) -> Discovery:
    """Find the linear symmetries of an oracle, make them exact, and name their Lie algebra.

    The stages: balance the variables' units; train (or solve exactly); polish the learned span
    against the invariance form; rationalize it (or, for a polynomial oracle whose exact
    symmetry algebra the learned span matches, express it in the exact basis); certify; build
    the exact Lie algebra; name it.

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
        How training runs (optimizer, epochs, tol, dtype, device, ``max_seconds`` for the whole
        run, checkpoints).
    losses : LinearLosses, optional
        Weights and forms of the loss terms.
    exact : ExactConfig, optional
        Rationalize and certify, which basis, compare with the exact solver, identify.
    progress : callable, optional
        ``progress(epoch, losses)`` during training.
    on_stage : callable, optional
        ``on_stage(text)`` as each stage starts (the CLI prints it on a terminal).
    at : point or sequence of points, optional
        Also find the stabilizer of these points (the unbroken algebra of a vacuum): each point a
        string ``"x3=1/2, x4=1"`` (variables not named are 0), a mapping of variable names to
        exact numbers, or a full sequence of values (:func:`liealg.subalgebras.stabilizer`).
    breaking : str or sympy expression, optional
        Also find what a perturbation breaks: the residual algebra of ``oracle + delta * term``
        for generic ``delta``, solved exactly as the common symmetries of the oracle and the term
        (a polynomial oracle), its name, and which generators broke
        (:func:`liealg.subalgebras.breaking`).
    standard : bool
        Also map the exact generators onto the textbook basis of their family: so(n) onto
        ``E_ij - E_ji``, the Lorentz algebra onto ``J_i, K_i``, su(n) and u(n) onto ``i`` times the
        Gell-Mann matrices (:func:`liealg.subalgebras.standard_basis`).

    Returns
    -------
    Discovery

    Examples
    --------
    >>> result = discover("x1**2 + x2**2 + x3**2 - x4**2", seed=0)
    >>> result.dimension, result.name, result.certified
    (6, 'so(3,1)', True)
    """
    check_choice("method", method, METHODS)
    exact = exact or ExactConfig()
    training = training or TrainConfig()
    sampling = sampling or Sampling()
    if not isinstance(oracle, Oracle):
        oracle = Oracle(oracle, variables=variables, vectors=vectors, is_complex=is_complex)
    elif variables is not None or vectors is not None or is_complex:
        raise OptionError("variables, vectors and is_complex describe a formula; an Oracle already has them")
    if not (n_generators == "auto" or (isinstance(n_generators, int) and not isinstance(n_generators, bool))):
        raise OptionError(f"n_generators must be a positive integer or 'auto', got {n_generators!r}")
    perturbed = _perturbed(oracle, breaking) if breaking is not None else oracle  # checked before any work
    run = _Run(oracle, exact, on_stage, training.max_seconds)
    if oracle.unused_variables:
        run.notes.append(f"variable(s) {', '.join(oracle.unused_variables)} do not appear in the formula; "
                         "they belong to the space all the same")
    run.balance_units(sampling, seed)
    if method == "exact":
        run.solve(n_generators)
    else:
        if isinstance(n_generators, int):
            run.prepare_subalgebra(n_generators)
        if run.impossible is None:
            run.train(n_generators, seed, sampling, training, losses, progress)
            run.make_exact(seed)
    run.certify_and_name()
    if at is not None:
        run.stabilize(at, seed)
    if breaking is not None:
        run.break_symmetry(sp.sstr(breaking) if isinstance(breaking, sp.Expr) else str(breaking), perturbed, seed)
    if standard:
        run.standardize()
    return run.result(method, seed)


class _Run:
    """The state of one :func:`discover` call as it moves through the stages.

    Training and the exact work happen in balanced coordinates ``y = x / s`` (see
    :func:`liealg.oracle.balancing_scales`); every generator reported is in the oracle's own
    coordinates, ``W = S V S^{-1}``.
    """

    def __init__(self, oracle: Oracle, exact: ExactConfig, on_stage: Callable[[str], None] | None,
                 max_seconds: float | None) -> None:
        self.oracle = oracle
        self.work = oracle  # the oracle in balanced coordinates
        self.scales: tuple[sp.Rational, ...] | None = None
        self.exact = exact
        self.on_stage = on_stage
        self.start = time.perf_counter()
        self.deadline = None if max_seconds is None else self.start + max_seconds
        self.notes: list[str] = []
        self.timings: dict[str, float] = {}
        self.trained: TrainingResult | None = None
        self.learned: np.ndarray | None = None  # float generators, the oracle's coordinates
        self.polished: np.ndarray | None = None  # in balanced coordinates
        self.generators: tuple[sp.Matrix, ...] | None = None  # exact, balanced coordinates
        self.exact_basis: tuple[sp.Matrix, ...] | None = None  # the exact solver's, balanced
        self.rationalization: Rationalization | None = None
        self.matches_exact: bool | None = None
        self.span_error: float | None = None
        self.spectral_gap: float | None = None
        self.certificate: Certificate | None = None
        self.algebra: LieAlgebra | None = None
        self.identification: Identification | None = None
        self.structure: Structure | None = None
        self.out_of_time = False
        self._field: CoefficientField | None = None
        # A subalgebra run (n_generators below the whole algebra's dimension), and the extras.
        self.requested: int | None = None
        self.subalgebra_mode = False
        self.impossible: str | None = None
        self.ambient_dimension: int | None = None
        self.subalgebra_analysis: SubalgebraAnalysis | None = None
        self.closed_subalgebra = False
        self.unclosed_note: str | None = None
        self.stabilizer: Stabilizer | None = None
        self.breaking: Breaking | None = None
        self.standard: StandardBasis | None = None

    # ------------------------------------------------------------------ helpers
    def coefficient_field(self) -> CoefficientField:
        """Where the (balanced) oracle's coefficients live: Q, a number field, or nowhere exact."""
        if self._field is None:
            from liealg.exact import oracle_coefficient_field

            self._field = oracle_coefficient_field(self.work)
        return self._field

    def stage(self, text: str) -> None:
        if self.on_stage is not None:
            self.on_stage(text)

    def timed(self, name: str, t0: float) -> None:
        self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - t0

    def time_left(self, next_stage: str) -> bool:
        if self.deadline is None or time.perf_counter() <= self.deadline:
            return True
        if not self.out_of_time:
            self.notes.append(f"the time budget (max_seconds) ran out before {next_stage}; this is the result "
                              "so far")
        self.out_of_time = True
        return False

    def to_oracle_coordinates(self, matrices: Sequence[sp.MatrixBase]) -> tuple[sp.Matrix, ...]:
        if self.scales is None:
            return tuple(sp.Matrix(m) for m in matrices)
        S = sp.diag(*self.scales)
        S_inv = sp.diag(*[1 / s for s in self.scales])
        return tuple(S * sp.Matrix(m) * S_inv for m in matrices)

    def to_work_coordinates(self, matrices: Sequence[sp.MatrixBase]) -> tuple[sp.Matrix, ...]:
        if self.scales is None:
            return tuple(sp.Matrix(m) for m in matrices)
        S = sp.diag(*self.scales)
        S_inv = sp.diag(*[1 / s for s in self.scales])
        return tuple(S_inv * sp.Matrix(m) * S for m in matrices)

    def floats_to_oracle_coordinates(self, matrices: np.ndarray) -> np.ndarray:
        if self.scales is None:
            return matrices
        s = np.array([float(v) for v in self.scales])
        return matrices * s[None, :, None] / s[None, None, :]

    # ------------------------------------------------------------------ stages
    def balance_units(self, sampling: Sampling, seed: int) -> None:
        from liealg.oracle import balancing_scales, sample_points

        if sampling.points is not None:
            return  # the user's points are in the user's units
        t0 = time.perf_counter()
        self.scales = balancing_scales(self.oracle, sample_points(self.oracle, 256, seed=seed))
        if self.scales is not None:
            self.work = self.oracle.rescaled(self.scales)
            shown = ", ".join(f"{v.name}: {s}" for v, s in zip(self.oracle.vectors[0], self.scales))
            self.notes.append(f"the variables' units differ by orders of magnitude; trained in x/s with s = "
                              f"({shown}), generators shown in the original variables")
        self.timed("balance", t0)

    def solve(self, n_generators: int | str) -> None:
        from liealg.exact import orthonormal_basis, solve_symmetries

        if n_generators != "auto":
            raise OptionError(
                "method='exact' finds the whole symmetry algebra; --generators/n_generators applies to training "
                "(use method='train' to learn k generators, a subalgebra when k is below the dimension)")
        field = self.coefficient_field()
        if not field.is_exact:
            raise OracleError(
                f"method='exact' needs a polynomial oracle with rational or algebraic coefficients; "
                f"{self.oracle.formula_text()} is not one ({field.reason}). Use method='train' (the default)."
            )
        self.stage("solving the exact invariance conditions")
        t0 = time.perf_counter()
        generators = tuple(solve_symmetries(self.work))
        if self.exact.basis == "orthonormal" and generators and self.scales is None:
            generators = tuple(orthonormal_basis(generators))
        self.generators = self.exact_basis = generators
        self.timed("solve", t0)

    def prepare_subalgebra(self, k: int) -> None:
        """Before training ``k`` generators of a polynomial oracle: the whole algebra exactly, and
        whether a ``k``-dimensional subalgebra can exist at all (if provably not, no training)."""
        from liealg.exact import solve_symmetries

        self.requested = k
        d = self.work.matrix_size
        if not self.coefficient_field().is_exact or k > d * d * (2 if self.work.is_complex else 1):
            return  # the dimension is read from the invariance form after training (or fit refuses k)
        self.stage("solving the exact invariance conditions (the whole algebra)")
        t0 = time.perf_counter()
        self.exact_basis = tuple(solve_symmetries(self.work))
        self.timed("exact_solve", t0)
        n = len(self.exact_basis)
        if k == n:
            return
        self.ambient_dimension = n
        self.subalgebra_mode = k < n
        from liealg.subalgebras import nonexistence

        proof: str | None
        if n == 0:
            proof = "the oracle has no continuous linear symmetry"
        else:
            try:
                proof = nonexistence(self.to_oracle_coordinates(self.exact_basis), k)
            except LieAlgError as exc:  # e.g. an algebra over a number field without a rational basis
                log.info("no proof of (non)existence: %s", exc)
                proof = None
        if proof is not None:
            self.impossible = proof
            self.notes.append(f"no closed {k}-dimensional subalgebra exists: {proof}; not trained")

    def train(self, n_generators: int | str, seed: int, sampling: Sampling, training: TrainConfig,
              losses: LinearLosses | None, progress: Callable[[int, Mapping[str, float]], None] | None) -> None:
        from liealg.training import fit, fit_auto, symmetry_dimension

        t0 = time.perf_counter()
        remaining = None if self.deadline is None else max(1e-3, self.deadline - t0)
        training = training.replace(max_seconds=remaining)
        if n_generators == "auto":
            self.stage("training (the number of generators from the spectrum of the invariance form)")
            self.trained, dim, evals = fit_auto(self.work, seed=seed, sampling=sampling, training=training,
                                                losses=losses, progress=progress)
        else:
            assert isinstance(n_generators, int)
            self.stage(f"training {n_generators} generator(s)")
            self.trained = fit(self.work, n_generators, seed=seed, sampling=sampling, training=training,
                               losses=losses, progress=progress)
            assert self.trained.form is not None
            dim, evals = symmetry_dimension(self.trained.form)
        if 0 < dim < len(evals):
            # How many decades separate the symmetries from the rest, on the scale-free form.
            top = max(float(evals[-1]), 1e-300)
            low, high = max(float(evals[dim - 1]) / top, 1e-18), max(float(evals[dim]) / top, 1e-18)
            self.spectral_gap = float(np.log10(high / low))
        self.timed("train", t0)
        trained = self.trained
        if trained is None:
            self.generators = ()
            return
        self.learned = self.floats_to_oracle_coordinates(trained.generators)
        if isinstance(n_generators, int) and self.ambient_dimension is None and dim != n_generators:
            self.ambient_dimension = dim  # read from the invariance form (not a polynomial oracle)
            self.subalgebra_mode = n_generators < dim
        if trained.interrupted:
            self.notes.append("training was interrupted; these are the best generators found before that")
        elif trained.stop_reason == "time":
            self.notes.append(f"training stopped when the time budget ran out, at loss {trained.loss['total']:.3g}")
        elif not trained.converged and self.subalgebra_mode:
            closure = trained.loss.get("closure", 0.0)
            self.unclosed_note = (
                f"no closed {n_generators}-dimensional subalgebra was found: training stopped at total loss "
                f"{trained.loss['total']:.3g} (closure {closure:.2g}); one may not exist, or try more seeds "
                f"(liealg subalgebras FORMULA --dim {n_generators} --seeds 8)")
            self.notes.append(self.unclosed_note)  # withdrawn if the span turns out closed
        elif not trained.converged and self.ambient_dimension is not None and n_generators != "auto" \
                and self.ambient_dimension < int(n_generators):
            self.notes.append(
                f"the symmetry algebra has dimension {self.ambient_dimension}: {n_generators} generators cannot all "
                "be symmetries (use --generators auto)")
        elif not trained.converged:
            self.notes.append(
                f"training stopped at total loss {trained.loss['total']:.3g} above the tolerance {trained.tol:.3g}; "
                "try more epochs, another seed, more samples, or fewer generators")

    def make_exact(self, seed: int = 0) -> None:
        from liealg.exact import principal_angles, rationalize, same_span, solve_symmetries

        trained = self.trained
        if trained is None or not self.exact.rationalize or not self.time_left("making the generators exact"):
            return
        if self.subalgebra_mode:
            self.make_exact_subalgebra(seed)
            return
        t0 = time.perf_counter()
        self.polished = trained.polished()
        self.timed("polish", t0)
        field = self.coefficient_field()
        if not field.is_exact and field.kind != "callable":
            self.notes.append(f"a numeric result, not exact: {field.reason}")
        if self.exact.compare and field.is_exact and self.exact_basis is None:
            self.stage("solving the exact invariance conditions (to compare)")
            t0 = time.perf_counter()
            self.exact_basis = tuple(solve_symmetries(self.work))
            self.timed("exact_solve", t0)
        self.stage("rationalizing the learned span")
        t0 = time.perf_counter()
        try:
            self.rationalization = rationalize(self.polished, max_denominator=self.exact.max_denominator,
                                               basis=self.exact.basis if self.scales is None else "rref",
                                               field=field.field if field.kind == "algebraic" else None)
            self.generators = tuple(self.rationalization.matrices)
        except RationalizationError as exc:
            reason = str(exc)
            if not self.express_in_exact_basis():
                self.notes.append(f"the learned generators could not be made exact: {reason}")
        self.timed("rationalize", t0)
        exact_basis = self.exact_basis
        if exact_basis is None:
            return
        if exact_basis and trained.n_generators <= len(exact_basis):
            angles = principal_angles(trained.generators, exact_basis, pad=False)
            self.span_error = float(np.max(angles)) if len(angles) else None
        if self.generators is not None:
            self.matches_exact = bool(len(self.generators) == len(exact_basis)
                                      and (not self.generators or same_span(self.generators, exact_basis)))
            if not self.matches_exact:
                self.notes.append(f"the learned algebra (dimension {len(self.generators)}) differs from the exact one "
                                  f"(dimension {len(exact_basis)})")

    def make_exact_subalgebra(self, seed: int) -> None:
        """``k`` generators below the whole algebra's dimension: a subalgebra. Its span is exact only
        when it happens to be rational (a sparse run); it is named either way (numerically, with the
        tolerance, when it is not exact), and an exact conjugate of it is sought."""
        from liealg.errors import RationalizationError as _RationalizationError
        from liealg.exact import principal_angles, rationalize, same_span
        from liealg.subalgebras import analyze_subalgebra

        trained = self.trained
        assert trained is not None
        t0 = time.perf_counter()
        self.polished = trained.polished()
        self.timed("polish", t0)
        field = self.coefficient_field()
        if not field.is_exact and field.kind != "callable":
            self.notes.append(f"a numeric result, not exact: {field.reason}")
        t0 = time.perf_counter()
        try:
            self.rationalization = rationalize(self.polished, max_denominator=self.exact.max_denominator,
                                               basis=self.exact.basis if self.scales is None else "rref",
                                               field=field.field if field.kind == "algebraic" else None)
            self.generators = tuple(self.rationalization.matrices)
        except _RationalizationError:
            pass  # a subalgebra in general position is not rational: named numerically below
        self.timed("rationalize", t0)
        exact_basis = self.exact_basis
        if exact_basis:
            angles = principal_angles(trained.generators, exact_basis, pad=False)
            self.span_error = float(np.max(angles)) if len(angles) else None
            if self.generators is not None and not same_span(list(self.generators) + list(exact_basis),
                                                             exact_basis):
                self.notes.append("the exact generators are NOT inside the exact symmetry algebra")
        self.stage("naming the subalgebra")
        t0 = time.perf_counter()
        ambient: Any = (self.to_oracle_coordinates(exact_basis) if exact_basis
                        else self.floats_to_oracle_coordinates(self.form_ambient()))
        try:
            analysis = analyze_subalgebra(self.floats_to_oracle_coordinates(self.polished), ambient, seed=seed)
        except LieAlgError as exc:
            self.notes.append(f"the learned subalgebra could not be analysed: {exc}")
            self.timed("subalgebra", t0)
            return
        self.subalgebra_analysis = analysis
        k = trained.n_generators
        self.closed_subalgebra = analysis.closed and analysis.inside_error < 1e-6 and analysis.dimension == k
        if analysis.exact and self.generators is None and analysis.representative is not None:
            self.generators = self.to_work_coordinates(analysis.representative.generators)
        if self.closed_subalgebra and self.unclosed_note in self.notes:
            self.notes.remove(self.unclosed_note)
        if self.closed_subalgebra:
            if self.generators is None:
                rep = analysis.representative
                what = (f"named {analysis.name} numerically (within {analysis.tolerance:.1g})" if analysis.name
                        else "not named")
                conj = (f"; it is conjugate to the exact subalgebra given (a group element carries one onto the "
                        f"other to {rep.angle:.1g} rad)" if rep is not None else "")
                self.notes.append(f"the learned {k}-dimensional subalgebra is closed but not exact (its span is "
                                  f"irrational): {what}{conj}")
            if not trained.converged:
                self.notes.append(f"the total loss stayed at {trained.loss['total']:.3g} (the sparsity term, or "
                                  "normalization pulled by it), but the learned span is a closed subalgebra of "
                                  "symmetries to round-off")
        self.notes.extend(n for n in analysis.notes if n.startswith(("no exact representative", "not named")))
        self.timed("subalgebra", t0)

    def whole_algebra(self, what: str) -> tuple[sp.Matrix, ...] | None:
        """The whole symmetry algebra's exact generators in the oracle's coordinates (the exact
        solver's when this run learned only a subalgebra), or None with a note."""
        basis = self.exact_basis if self.subalgebra_mode or self.generators is None else self.generators
        if not basis:
            self.notes.append(f"{what} needs the exact generators of the symmetry algebra; this run has none")
            return None
        return self.to_oracle_coordinates(basis)

    def stabilize(self, at: Any, seed: int) -> None:
        from liealg.subalgebras import stabilizer

        gens = self.whole_algebra("the stabilizer")
        if gens is None:
            return
        self.stage("the stabilizer of the point(s)")
        t0 = time.perf_counter()
        names = [v.name for vec in self.oracle.vectors for v in vec]
        self.stabilizer = stabilizer(gens, at, variables=names, blocks=len(self.oracle.vectors), seed=seed,
                                     name=self.exact.identify)
        self.timed("stabilizer", t0)

    def break_symmetry(self, term: str, combined: Oracle, seed: int) -> None:
        from liealg.exact import solve_symmetries
        from liealg.subalgebras import breaking

        gens = self.whole_algebra("explicit breaking")
        if gens is None:
            return
        self.stage("the residual symmetry of the perturbed oracle")
        t0 = time.perf_counter()
        residual = tuple(solve_symmetries(combined))
        self.breaking = breaking(gens, residual, term=term, seed=seed, name=self.exact.identify)
        self.timed("breaking", t0)

    def standardize(self) -> None:
        from liealg.subalgebras import standard_basis

        if self.subalgebra_mode or not self.generators:
            self.notes.append("the standard basis applies to the exact generators of the whole algebra; this run has "
                              "none (a subalgebra run, or not exact)")
            return
        self.stage("the map onto the textbook basis")
        t0 = time.perf_counter()
        try:
            self.standard = standard_basis(self.to_oracle_coordinates(self.generators))
        except IdentificationError as exc:
            self.notes.append(f"no standard basis: {exc}")
        self.timed("standard", t0)

    def form_ambient(self) -> np.ndarray:
        """The whole symmetry algebra as floats (balanced coordinates): the null space of the
        invariance form, for oracles the exact solver does not take."""
        import torch

        from liealg.training import InvarianceForm, symmetry_dimension

        assert self.trained is not None and self.trained.form is not None
        form = self.trained.form
        dim, _ = symmetry_dimension(form)
        if isinstance(form, InvarianceForm):
            _, vectors = form.eigen()
        else:  # matrix-free: the null space by Lanczos
            _, lanczos = form.smallest_eigenpairs(max(dim, 1))
            assert lanczos is not None
            vectors = lanczos
        mats = form.space.matrices(torch.as_tensor(vectors[:, :dim].T.copy())).numpy()
        return np.array(mats)

    def express_in_exact_basis(self) -> bool:
        """When rationalization refuses a span that the exact solver confirms, use the exact basis."""
        from liealg.exact import principal_angles

        exact_basis, polished = self.exact_basis, self.polished
        if not exact_basis or polished is None or len(polished) != len(exact_basis):
            return False
        angle = float(np.max(principal_angles(polished, exact_basis)))
        if angle > 1e-6:
            return False
        self.generators = exact_basis
        if self.exact.basis == "orthonormal" and self.scales is None:
            from liealg.exact import orthonormal_basis

            self.generators = tuple(orthonormal_basis(exact_basis))
        self.notes.append(f"the learned span matches the exact solver's to {angle:.1g} rad; its exact basis is given")
        return True

    def certify_and_name(self) -> None:
        if not self.generators:
            if self.generators is not None and len(self.generators) == 0 and self.learned is None:
                self.notes.append("the oracle has no continuous linear symmetry "
                                  "(the symmetry algebra is 0-dimensional)")
            return
        generators = self.to_oracle_coordinates(self.generators)
        if not self.time_left("certifying"):
            return
        self.stage("certifying")
        t0 = time.perf_counter()
        self.certificate = _certify(self.oracle, generators, self.notes)
        self.timed("certify", t0)
        from liealg.algebra import FieldLieAlgebra, LieAlgebra

        t0 = time.perf_counter()
        over_field: FieldLieAlgebra | None = None
        try:
            self.algebra = LieAlgebra.from_matrices(list(generators))
        except NotALieAlgebraError as exc:
            self.notes.append(f"the generators do not form a Lie algebra: {exc}")
        except OptionError:  # structure constants in a real number field, a span with no rational basis
            try:
                over_field = FieldLieAlgebra.from_matrices(list(generators))
                self.notes.append(f"the structure constants lie in {over_field.field} and the span has no "
                                  "rational basis: the algebra is named numerically (certified) from its exact "
                                  f"structure constants over {over_field.field}")
            except LieAlgError as exc:
                self.notes.append(f"the exact algebra could not be built: {exc}")
        except LieAlgError as exc:
            self.notes.append(f"the exact algebra could not be built: {exc}")
        self.timed("algebra", t0)
        named = self.algebra if self.algebra is not None else over_field
        if named is not None and self.exact.identify and self.time_left("naming the algebra"):
            from liealg.identification import identify

            self.stage("naming the algebra")
            t0 = time.perf_counter()
            try:
                self.identification = identify(named)
            except IdentificationError as exc:
                self.notes.append(f"the algebra could not be named: {exc}")
            self.timed("identify", t0)
            ident = self.identification
            if (ident is not None and ident.ideals and ident.levi_dimension <= STRUCTURE_MAX_DIM
                    and self.algebra is not None and self.time_left("the roots and weights")):
                from liealg.structure import structure

                t0 = time.perf_counter()
                try:  # in the oracle's own variables: the weights are those of its variables
                    self.structure = structure(self.algebra)
                except LieAlgError as exc:
                    self.notes.append(f"the roots and weights could not be computed: {exc}")
                self.timed("structure", t0)

    def result(self, method: str, seed: int) -> Discovery:
        self.timings["total"] = time.perf_counter() - self.start
        generators = None if self.generators is None else self.to_oracle_coordinates(self.generators)
        trained = self.trained
        dimension = (len(generators) if generators is not None
                     else 0 if self.learned is None else int(self.learned.shape[0]))
        return Discovery(
            oracle=self.oracle,
            method=method,
            dimension=dimension,
            generators=generators,
            learned=self.learned,
            polished=None if self.polished is None else self.floats_to_oracle_coordinates(self.polished),
            rationalization=self.rationalization,
            certificate=self.certificate,
            algebra=self.algebra,
            identification=self.identification,
            structure=self.structure,
            matches_exact=self.matches_exact,
            span_error=self.span_error,
            spectral_gap=self.spectral_gap,
            scales=self.scales,
            loss={} if trained is None else trained.loss,
            converged=(False if self.impossible is not None else True if trained is None
                       else trained.converged or self.closed_subalgebra),
            interrupted=False if trained is None else trained.interrupted,
            stopped_for_time=self.out_of_time or (trained is not None and trained.stop_reason == "time"),
            training=trained,
            seed=seed,
            timings=self.timings,
            notes=tuple(self.notes),
            subalgebra=(self.closed_subalgebra if self.subalgebra_mode else
                        False if self.impossible is not None else None),
            no_subalgebra=self.impossible,
            ambient_dimension=self.ambient_dimension,
            subalgebra_analysis=self.subalgebra_analysis,
            stabilizer=self.stabilizer,
            breaking=self.breaking,
            standard=self.standard,
        )


def _perturbed(oracle: Oracle, term: str | sp.Expr) -> Oracle:
    """The oracle with ``term`` as one more formula. For generic ``delta``, ``W`` preserves
    ``F + delta*T`` exactly when it preserves ``F`` and ``T``: the residual algebra of the
    perturbation is the symmetry algebra of this oracle, solved exactly."""
    from liealg.exact import oracle_coefficient_field

    if oracle.exprs is None:
        raise OptionError("breaking= needs a formula oracle (the perturbation is added to its formulas)")
    names = [[v.name for v in vec] for vec in oracle.vectors]
    text = sp.sstr(term) if isinstance(term, sp.Expr) else term
    if not isinstance(text, str):
        raise OptionError(f"breaking= takes a formula (a string or a sympy expression), got {term!r}")
    combined = Oracle([*(sp.sstr(e) for e in oracle.exprs), text], vectors=names, is_complex=oracle.is_complex)
    if not oracle_coefficient_field(combined).is_exact:
        raise OptionError("breaking= needs polynomial formulas with exact coefficients (the residual algebra is solved "
                          f"exactly); {oracle.formula_text()} + delta*({text}) is not one")
    return combined


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
