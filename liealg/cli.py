"""The command line: a thin layer over the Python API.

    liealg discover FORMULA [FORMULA ...] [--vars ...] [--generators N|auto] [--json PATH] ...
    liealg scan FORMULA ... --max K
    liealg identify RESULT.json | --structure-constants FILE | --matrices FILE
    liealg catalog [KEY]
    liealg flows digits --latent 16

Exit codes: 0 success, 2 bad input, 3 finished but not converged / not exact, 130 interrupted.
Errors are one clear sentence on stderr, never a traceback (set LIEALG_DEBUG=1 to see one).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from liealg.oracle import Oracle

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_NOT_CONVERGED = 3
EXIT_INTERRUPTED = 130

__all__ = ["main", "build_parser"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's own errors: same exit code as ours
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_INPUT, f"error: {message}\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _generators(text: str) -> int | str:
    if text == "auto":
        return "auto"
    try:
        return _positive_int(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"expected a positive integer or 'auto', got {text!r}") from None


def _add_oracle_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("formulas", nargs="*", metavar="FORMULA",
                   help="the oracle; several formulas = a vector-valued oracle (all preserved)")
    p.add_argument("--catalog", metavar="KEY", help="use a reference oracle from the catalog (see `liealg catalog`)")
    p.add_argument("--vars", metavar="NAMES", help='variables in order, e.g. "x1 x2 x3" (default: natural order)')
    p.add_argument("--vectors", metavar="SPEC",
                   help='several argument vectors, one generator acting on each: "x1 x2 x3; y1 y2 y3"')
    p.add_argument("--complex", action="store_true", help="complex variables (use conjugate(z1)); complex generators")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--samples", type=_positive_int, metavar="M", help="number of sample points")
    p.add_argument("--distribution", choices=("normal", "uniform"), default="normal")
    p.add_argument("--low", type=float, default=-1.0, help="lower bound for --distribution uniform")
    p.add_argument("--high", type=float, default=1.0, help="upper bound for --distribution uniform")
    p.add_argument("--optimizer", choices=("lbfgs", "adam"), default="lbfgs")
    p.add_argument("--epochs", type=_positive_int)
    p.add_argument("--sparsity", type=float, default=0.0, help="weight of the sparsity term")
    p.add_argument("--closure", type=float, default=None,
                   help="weight of the closure term (0 = off; default 1, and 0 with --nonlinear)")
    p.add_argument("--dtype", choices=("float64", "float32"), default="float64")
    p.add_argument("--device", default="cpu", help="torch device, e.g. cpu or cuda")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="liealg",
                     description="Find the continuous symmetries of a formula, exactly, and name the Lie algebra.")
    from liealg import __version__

    parser.add_argument("--version", action="version", version=f"liealg {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    d = sub.add_parser("discover", help="learn the symmetry generators of an oracle and name their algebra")
    _add_oracle_options(d)
    d.add_argument("--generators", type=_generators, default="auto", metavar="N|auto",
                   help="how many generators (default auto: the whole algebra)")
    d.add_argument("--method", choices=("train", "exact"), default="train",
                   help="train by gradient descent (default) or solve exactly (polynomial oracles)")
    d.add_argument("--basis", choices=("rref", "orthonormal"), default="rref",
                   help="canonical exact basis: rref (E_ij - E_ji) or orthonormal (Gell-Mann-like)")
    d.add_argument("--no-exact", action="store_true", help="stop after training (no rationalization)")
    d.add_argument("--no-identify", action="store_true", help="do not name the algebra")
    d.add_argument("--json", metavar="PATH", help="write the machine-readable result here")
    d.add_argument("--latex", action="store_true", help="print the exact generators as LaTeX")
    d.add_argument("--plot", metavar="DIR", help="save figures (generators, loss curves, Dynkin) here")
    d.add_argument("--checkpoint", metavar="PATH", help="save the training state here every 10 epochs")
    d.add_argument("--resume", action="store_true", help="continue from --checkpoint PATH if it exists")
    d.add_argument("--nonlinear", action="store_true", help="learn non-linear symmetries (neural vector fields)")
    d.add_argument("--fields", type=_generators, default=None, metavar="N|auto",
                   help="with --nonlinear: number of vector fields (default 1; auto: the most the oracle allows, "
                        "n - rank(grad phi))")
    d.add_argument("--normalization", choices=("mean", "pointwise"), default=None,
                   help="with --nonlinear: mean |v|^2 = 1 with a speed floor (default), or |v| = 1 at every sample")
    d.add_argument("--min-speed", type=float, default=None, metavar="F",
                   help="with --nonlinear: every field moves at least F times its RMS speed wherever the oracle "
                        "is not flat (default 0.2; 0 = no floor)")
    d.add_argument("--min-coverage", type=float, default=None, metavar="F",
                   help="with --nonlinear: converged needs each field to move (|v| >= 0.1 RMS) on this fraction "
                        "of the samples (default 0.9)")
    d.add_argument("--field-grid", metavar="PATH",
                   help="with --nonlinear: write the learned fields on a regular grid over the sample box (JSON)")
    d.add_argument("--degree", type=_positive_int, help="with --nonlinear: exact polynomial fields up to this degree")

    s = sub.add_parser("scan", help="train with N_g = 1..K generators and report the loss per N_g")
    _add_oracle_options(s)
    s.add_argument("--max", type=_positive_int, required=True, dest="max_generators", metavar="K")
    s.add_argument("--json", metavar="PATH")
    s.add_argument("--plot", metavar="DIR")

    i = sub.add_parser("identify", help="name a Lie algebra from a saved result, structure constants or matrices")
    i.add_argument("result", nargs="?", metavar="RESULT.json", help="a file written by `liealg discover --json`")
    i.add_argument("--structure-constants", metavar="FILE",
                   help='JSON {"dim": n, "brackets": [[i, j, k, "c"], ...]}')
    i.add_argument("--matrices", metavar="FILE",
                   help='JSON {"matrix_size": d, "count": n, "entries": [[m, i, j, "c"], ...]}')
    i.add_argument("--json", metavar="PATH")
    i.add_argument("--plot", metavar="DIR", help="save the Dynkin diagram(s) here")

    c = sub.add_parser("catalog", help="list the reference oracles, or show one")
    c.add_argument("key", nargs="?")

    f = sub.add_parser("flows", help="oracle-preserving latent flows on real images")
    f.add_argument("dataset", choices=("digits",))
    f.add_argument("--latent", type=_positive_int, default=16)
    f.add_argument("--classes", type=int, choices=(2, 10), default=None)
    f.add_argument("--seed", type=int, default=0)
    f.add_argument("--epochs", type=_positive_int, default=150,
                   help="at most this many L-BFGS steps for the fields (default 150)")
    f.add_argument("--fit-epochs", type=_positive_int, default=100,
                   help="passes over the images for the autoencoder and the classifier (default 100)")
    f.add_argument("--fields", type=_positive_int, default=None, metavar="K",
                   help="number of flows (default: 3, or fewer where fewer directions are free)")
    f.add_argument("--distance", type=float, default=None, metavar="F",
                   help="how far each code travels, both ways, in units of the codes' RMS spread (default 1.5)")
    f.add_argument("--prior", choices=("auto", "gaussian", "none"), default="auto",
                   help="latent density the flows also keep, so that they stay where the data lives (default auto: "
                        "a Gaussian fitted to the codes where a direction stays free)")
    f.add_argument("--plot", metavar="DIR")
    f.add_argument("--json", metavar="PATH")
    f.add_argument("--quiet", action="store_true")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``liealg`` command; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from liealg.errors import LieAlgError

    try:
        return _COMMANDS[args.command](args)
    except LieAlgError as exc:
        if os.environ.get("LIEALG_DEBUG"):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except OSError as exc:
        if os.environ.get("LIEALG_DEBUG"):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


# --------------------------------------------------------------------------- helpers
def _make_oracle(args: argparse.Namespace) -> Oracle:
    from liealg.errors import OptionError, OracleError
    from liealg.oracle import Oracle

    if args.catalog:
        if args.formulas or args.vars or args.vectors or args.complex:
            raise OptionError(
                "--catalog names a complete oracle; do not also give formulas, --vars, --vectors or --complex")
        from liealg.catalog import oracles as catalog

        return catalog.get(args.catalog).oracle()
    if not args.formulas:
        raise OracleError('give a formula, e.g. liealg discover "x1**2 + x2**2 + x3**2 - x4**2", or --catalog KEY')
    if args.vars and args.vectors:
        raise OptionError("give --vars or --vectors, not both (--vectors already lists the variables)")
    return Oracle(list(args.formulas) if len(args.formulas) > 1 else args.formulas[0], variables=args.vars,
                  vectors=args.vectors, complex=args.complex)


def _progress(args: argparse.Namespace, total: int | None,
              desc: str) -> tuple[Any, Callable[[int, Mapping[str, float]], None] | None]:
    """A tqdm bar on a terminal only (and never with --quiet); a no-op otherwise."""
    if args.quiet or not sys.stderr.isatty():
        return None, None
    from tqdm import tqdm

    bar = tqdm(total=total, desc=desc, file=sys.stderr, leave=False)

    def update(epoch: int, losses: Mapping[str, float]) -> None:
        bar.update(1)
        bar.set_postfix(loss=f"{losses['total']:.2e}", refresh=False)

    return bar, update


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse an unwritable --json path or a --plot path that is a file before training."""
    from liealg.errors import InputFileError
    from liealg.io import check_writable

    if getattr(args, "json", None):
        check_writable(args.json)
    plot = getattr(args, "plot", None)
    if plot and Path(plot).exists() and not Path(plot).is_dir():
        raise InputFileError(f"{plot!r} is a file; --plot needs a folder for the figures")


def _sampling(args: argparse.Namespace) -> Any:
    from liealg.config import Sampling

    return Sampling(n=args.samples, distribution=args.distribution, low=args.low, high=args.high)


def _training(args: argparse.Namespace, **extra: Any) -> Any:
    from liealg.config import TrainConfig

    return TrainConfig(optimizer=args.optimizer, epochs=args.epochs, dtype=args.dtype, device=args.device, **extra)


def _linear_losses(args: argparse.Namespace) -> Any:
    from liealg.losses import LinearLosses

    return LinearLosses(sparsity=args.sparsity, closure=1.0 if args.closure is None else args.closure)


def _cmd_discover(args: argparse.Namespace) -> int:
    from liealg.config import ExactConfig
    from liealg.pipeline import discover

    oracle = _make_oracle(args)
    _check_outputs(args)
    if args.nonlinear:
        return _cmd_discover_nonlinear(args, oracle)
    _refuse_nonlinear_flags(args)
    sampling, losses = _sampling(args), _linear_losses(args)
    training = _training(args, checkpoint=args.checkpoint, resume=args.resume)
    exact = ExactConfig(rationalize=not args.no_exact, basis=args.basis, identify=not args.no_identify)
    bar, update = _progress(args, args.epochs, "training")
    try:
        result = discover(oracle, n_generators=args.generators, method=args.method, seed=args.seed,
                          sampling=sampling, training=training, losses=losses, exact=exact, progress=update)
    finally:
        if bar is not None:
            bar.close()
    print(result.summary())
    if args.latex and result.generators:
        from liealg.report import latex_generators

        print(latex_generators(result.generators))
    if args.json:
        result.save(args.json)
        print(f"Saved: {args.json}")
    if args.plot:
        from liealg.plots import save_all

        for path in save_all(result, args.plot):
            print(f"Plot: {path}")
    if result.interrupted:
        return EXIT_INTERRUPTED
    if not result.converged or (not args.no_exact and result.dimension and result.generators is None):
        return EXIT_NOT_CONVERGED
    if result.certified is False or result.matches_exact is False:
        return EXIT_NOT_CONVERGED  # finished, but the generators are not all proved symmetries
    return EXIT_OK


_NONLINEAR_FLAGS = ("fields", "normalization", "min_speed", "min_coverage", "field_grid", "degree")


def _refuse_nonlinear_flags(args: argparse.Namespace) -> None:
    """Flags of the vector fields are refused without --nonlinear rather than ignored."""
    from liealg.errors import OptionError

    given = [f"--{name.replace('_', '-')}" for name in _NONLINEAR_FLAGS if getattr(args, name) is not None]
    if given:
        raise OptionError(f"{', '.join(given)} appl{'ies' if len(given) == 1 else 'y'} to vector fields; "
                          "add --nonlinear")


def _cmd_discover_nonlinear(args: argparse.Namespace, oracle: Any) -> int:
    from liealg import nonlinear
    from liealg.errors import OptionError

    # Linear-only options are refused, not silently ignored.
    linear_only = [flag for flag, on in (("--sparsity", args.sparsity != 0),
                                         ("--generators", args.generators != "auto"),
                                         ("--method exact", args.method != "train"), ("--basis", args.basis != "rref"),
                                         ("--latex", args.latex), ("--checkpoint", args.checkpoint is not None),
                                         ("--resume", args.resume)) if on]
    if linear_only:
        raise OptionError(f"{', '.join(linear_only)} appl{'ies' if len(linear_only) == 1 else 'y'} to linear "
                          "generators, not to --nonlinear vector fields (use --fields N for their number)")
    if args.degree:
        from liealg.exact import polyfields

        if args.fields is not None or args.field_grid or args.normalization or args.min_speed is not None:
            raise OptionError("--degree solves for exact polynomial fields; --fields, --normalization, "
                              "--min-speed and --field-grid apply to learned fields")
        res = polyfields.polynomial_symmetries(oracle, degree=args.degree)
        print(polyfields.report_polynomial(res))
        return EXIT_OK
    if args.field_grid:
        from liealg.io import check_writable

        check_writable(args.field_grid)
    sampling = _sampling(args)
    if sampling.n is None:
        sampling = sampling.replace(n=1024)
    losses = nonlinear.FieldLosses(
        closure=0.0 if args.closure is None else args.closure,
        normalization_mode=args.normalization or "mean",
        min_speed=0.2 if args.min_speed is None else args.min_speed,
    )
    check = nonlinear.FieldCheck(coverage=0.9 if args.min_coverage is None else args.min_coverage)
    n_fields = args.fields or 1
    if n_fields == "auto":
        n_fields = nonlinear.max_fields(oracle, seed=args.seed)
        if n_fields == 0:
            raise OptionError(f"{oracle.formula_text()} leaves no direction free: its gradients have full rank "
                              f"{oracle.n_inputs}, so no field can move without changing it")
        print(f"Fields: {n_fields} (the most this oracle allows: n - rank(grad phi))")
    bar, update = _progress(args, args.epochs, "training fields")
    try:
        result = nonlinear.discover_nonlinear(oracle, n_fields, seed=args.seed, sampling=sampling,
                                              losses=losses, training=_training(args), check=check, progress=update)
    finally:
        if bar is not None:
            bar.close()
    print(nonlinear.report_nonlinear(result))
    if args.json:
        from liealg import io

        io.write_json_atomic(args.json, nonlinear.nonlinear_to_json(result))
        print(f"Saved: {args.json}")
    if args.field_grid:
        from liealg import io

        io.write_json_atomic(args.field_grid, nonlinear.field_grid(result))
        print(f"Field grid: {args.field_grid}")
    if args.plot and oracle.n_inputs == 2:
        for path in nonlinear.save_field_plots(result, args.plot):
            print(f"Plot: {path}")
    elif args.plot:
        print("Note: vector-field plots are drawn for 2-variable oracles only")
    if result.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_OK if result.converged else EXIT_NOT_CONVERGED


def _cmd_scan(args: argparse.Namespace) -> int:
    from liealg import io
    from liealg.training import scan

    oracle = _make_oracle(args)
    _check_outputs(args)
    result = scan(oracle, args.max_generators, seed=args.seed, sampling=_sampling(args), training=_training(args),
                  losses=_linear_losses(args))
    print(f"Oracle: {oracle.formula_text()}")
    print(" N_g   total       invariance  normaliz.   orthogon.   closure     found")
    for idx, n in enumerate(result.n_generators):
        t = result.terms
        print(f" {n:3d}   {result.total[idx]:.3e}   {t['invariance'][idx]:.3e}   {t['normalization'][idx]:.3e}   "
              f"{t['orthogonality'][idx]:.3e}   {t['closure'][idx]:.3e}   {'yes' if result.success[idx] else 'no'}")
    print(f"Largest N_g that succeeds: {result.dimension}")
    if args.json:
        io.write_json_atomic(args.json, {
            "schema": "liealg.scan", "schema_version": 1, "oracle": oracle.formula_text(),
            "n_generators": list(result.n_generators), "total": list(result.total),
            "terms": {k: list(v) for k, v in result.terms.items()}, "success": list(result.success),
            "threshold": result.threshold, "dimension": result.dimension,
        })
        print(f"Saved: {args.json}")
    if args.plot:
        from liealg.plots import plot_scan

        path = Path(args.plot) / "scan.png"
        plot_scan(result, path=path)
        print(f"Plot: {path}")
    return EXIT_OK


def _cmd_identify(args: argparse.Namespace) -> int:
    from liealg import io
    from liealg.algebra import LieAlgebra, load_matrices, load_structure_constants
    from liealg.errors import InputFileError, OptionError
    from liealg.identification import identify
    from liealg.report import identification_report

    given = [x for x in (args.result, args.structure_constants, args.matrices) if x]
    if len(given) != 1:
        raise OptionError("give exactly one of RESULT.json, --structure-constants FILE, --matrices FILE")
    if args.result:
        from liealg.pipeline import Discovery

        saved = Discovery.load(args.result)
        if saved.algebra is None:
            raise InputFileError(f"{args.result} holds no exact generators to identify (dimension {saved.dimension})")
        algebra = saved.algebra
    elif args.structure_constants:
        algebra = load_structure_constants(args.structure_constants)
    else:
        algebra = LieAlgebra.from_matrices(list(load_matrices(args.matrices)))
    ident = identify(algebra)
    print(f"Dimension: {algebra.dim}")
    print("\n".join(identification_report(ident)))
    if args.json:
        io.write_json_atomic(args.json, {"schema": "liealg.identification", "schema_version": 1,
                                         "dimension": algebra.dim, "algebra": ident.to_json()})
        print(f"Saved: {args.json}")
    if args.plot:
        from liealg.plots import plot_dynkin

        path = Path(args.plot) / "dynkin.png"
        plot_dynkin(ident, path=path)
        print(f"Plot: {path}")
    return EXIT_OK


def _cmd_catalog(args: argparse.Namespace) -> int:
    from liealg.catalog import oracles as catalog

    if args.key:
        entry = catalog.get(args.key)
        print(f"{entry.key}: {entry.title}")
        print(f"  expected: {entry.name}, dimension {entry.dimension}, "
              f"Killing signature {tuple(entry.killing_signature)}")
        if entry.description:
            print(f"  {entry.description}")
        print(f"  run: liealg discover --catalog {entry.key}")
        return EXIT_OK
    for key in catalog.keys():
        entry = catalog.get(key)
        print(f"{key:14s} {entry.name:12s} dim {entry.dimension:3d}  {entry.title}")
    return EXIT_OK


def _cmd_flows(args: argparse.Namespace) -> int:
    from liealg import flows

    # Ten classes need a latent space of more than ten dimensions (the flows move along the
    # level sets of ten logits); below that the two-class problem (digits 0 vs 1) is the default.
    classes = args.classes or (10 if args.latent > 10 else 2)
    from liealg.config import TrainConfig

    _check_outputs(args)
    report = flows.digits_flows(latent=args.latent, classes=classes, seed=args.seed, fit_epochs=args.fit_epochs,
                                n_fields=args.fields, distance=args.distance, prior=args.prior,
                                training=TrainConfig(epochs=args.epochs, tol=1e-4, num_threads=1),
                                plot_dir=args.plot)
    print(flows.report_flows(report))
    if args.json:
        from liealg import io

        io.write_json_atomic(args.json, flows.flows_to_json(report))
        print(f"Saved: {args.json}")
    if report.discovery.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_OK if report.converged else EXIT_NOT_CONVERGED


_COMMANDS = {
    "discover": _cmd_discover,
    "scan": _cmd_scan,
    "identify": _cmd_identify,
    "catalog": _cmd_catalog,
    "flows": _cmd_flows,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
