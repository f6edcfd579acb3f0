"""The command line: a thin layer over the Python API.

    liealg discover FORMULA [FORMULA ...] [--vars ...] [--generators N|auto] [--json PATH] ...
    liealg discover --data FILE --target COLUMNS [--features COLUMNS] [--vectors "a b; c d"] ...
    liealg scan FORMULA ... --max K
    liealg scan --grid --family quadratic --n-max K --max M --seeds S [--executor dask --workers 2]
    liealg sweep FORMULA --vars "x1 x2" --param a=0:1:11 [--param b=0,1/2] [--executor dask] [--json PATH]
    liealg identify RESULT.json | --structure-constants FILE | --matrices FILE
    liealg gap RESULT.json | --structure-constants FILE | --matrices FILE | --table FILE [--format table] [--check]
    liealg catalog [KEY]
    liealg flows digits --latent 16

Exit codes: 0 success, 2 bad input, 3 finished but not converged / not exact, 130 interrupted.
Errors are one clear sentence on stderr, never a traceback (set LIEALG_DEBUG=1 to see one).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
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


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
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
    p.add_argument("--file", metavar="PATH",
                   help="read the formulas from a file, one per line ('#' comments; '-' for standard input)")
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
    p.add_argument("--max-seconds", type=float, metavar="S",
                   help="time budget of the run; past it, the best result so far (marked, exit 3)")
    p.add_argument("--invariance", choices=("auto", "dense", "matrix_free"), default="auto",
                   help="the invariance loss from the dense d^2 x d^2 form, or matrix-free from the samples "
                        "(auto: dense unless it passes --memory-budget)")
    p.add_argument("--memory-budget", type=_positive_float, metavar="GB",
                   help="memory the dense invariance form may take before auto goes matrix-free "
                        "(default: a quarter of the available memory)")
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
    d.add_argument("--plot", metavar="DIR", help="save figures here: generators, loss curves, roots.png, "
                   "weights.png, dynkin.png, structure_constants.png, killing_form.png")
    d.add_argument("--checkpoint", metavar="PATH", help="save the training state here every 10 epochs")
    d.add_argument("--resume", action="store_true", help="continue from --checkpoint PATH if it exists")
    d.add_argument("--at", action="append", metavar="POINT",
                   help='also the stabilizer of a point, e.g. "x3=0.5,x4=1" (unnamed variables are 0; repeat for '
                        "several points): the unbroken subalgebra, its name, the broken generators")
    d.add_argument("--break", dest="breaking", metavar="TERM",
                   help='also what FORMULA + delta*TERM (generic delta) leaves of the symmetry, e.g. "x4**4"')
    d.add_argument("--standard", action="store_true",
                   help="also print the generators in the textbook basis of their family (so(n): E_ij - E_ji; "
                        "Lorentz: J_i, K_i; su(n), u(n): i times Gell-Mann), an exact map checked on brackets")
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
    _add_data_options(d)

    s = sub.add_parser("scan", help="train with N_g = 1..K generators and report the loss per N_g")
    _add_oracle_options(s)
    s.add_argument("--max", type=_positive_int, required=True, dest="max_generators", metavar="K")
    s.add_argument("--json", metavar="PATH")
    s.add_argument("--plot", metavar="DIR")
    _add_scan_grid_options(s)
    _add_sweep_parser(sub)

    sa = sub.add_parser("subalgebras", help="the classes of subalgebras that training finds over seeds")
    _add_oracle_options(sa)
    sa.add_argument("--dim", type=_positive_int, action="append", metavar="K", dest="dims",
                    help="the subalgebra dimension(s) to look for (repeatable; default every one)")
    sa.add_argument("--seeds", type=_positive_int, default=8, metavar="N", help="runs per dimension (default 8)")
    sa.add_argument("--json", metavar="PATH", help='write {"classes": [...], ...} here')
    sa.add_argument("--plot", metavar="DIR", help="save the bar chart of classes per dimension here")

    i = sub.add_parser("identify", help="name a Lie algebra from a saved result, structure constants or matrices")
    i.add_argument("result", nargs="?", metavar="RESULT.json", help="a file written by `liealg discover --json`")
    i.add_argument("--structure-constants", metavar="FILE",
                   help='JSON {"dim": n, "brackets": [[i, j, k, "c"], ...]}')
    i.add_argument("--matrices", metavar="FILE",
                   help='JSON {"matrix_size": d, "count": n, "entries": [[m, i, j, "c"], ...]}')
    i.add_argument("--json", metavar="PATH")
    i.add_argument("--plot", metavar="DIR", help="save roots.png, weights.png, dynkin.png, structure_constants.png "
                   "and killing_form.png here")

    g = sub.add_parser("gap", help="an algebra as a GAP script or structure-constant table; read GAP's table; "
                                   "check the complex type with GAP")
    g.add_argument("result", nargs="?", metavar="RESULT.json", help="a file written by `liealg discover --json`")
    g.add_argument("--structure-constants", metavar="FILE", help="liealg's structure-constant JSON")
    g.add_argument("--matrices", metavar="FILE", help="liealg's matrix JSON")
    g.add_argument("--table", metavar="FILE", help="GAP text: a structure-constant table or a script (import)")
    g.add_argument("--format", choices=("script", "table"), default="script",
                   help="script: LieAlgebraByStructureConstants code (default); table: the SCTable as GAP prints it")
    g.add_argument("--out", metavar="PATH", help="write the GAP text here instead of printing it")
    g.add_argument("--json", metavar="PATH", help="write the structure constants as liealg JSON")
    g.add_argument("--check", action="store_true",
                   help="run GAP's SemiSimpleType and compare it with liealg's complex type (exit 3 if they differ)")

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

    formulas = list(args.formulas)
    if args.file:
        if formulas:
            raise OptionError("give formulas on the command line or with --file, not both")
        formulas = _read_formulas(args.file)
    if args.catalog:
        if formulas or args.vars or args.vectors or args.complex:
            raise OptionError(
                "--catalog names a complete oracle; do not also give formulas, --vars, --vectors or --complex")
        from liealg.catalog import oracles as catalog

        return catalog.get(args.catalog).oracle()
    if not formulas:
        raise OracleError('give a formula, e.g. liealg discover "x1**2 + x2**2 + x3**2 - x4**2", --file PATH, '
                          "or --catalog KEY")
    if args.vars and args.vectors:
        raise OptionError("give --vars or --vectors, not both (--vectors already lists the variables)")
    return Oracle(formulas if len(formulas) > 1 else formulas[0], variables=args.vars,
                  vectors=args.vectors, is_complex=args.complex)


def _read_formulas(path: str) -> list[str]:
    """Formulas from a UTF-8 file (or standard input), one per line; blank lines and '#' comments skipped."""
    from liealg.errors import InputFileError

    try:
        if path == "-":
            text = sys.stdin.buffer.read().decode("utf-8")
        else:
            text = Path(path).read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise InputFileError(f"formula file {path!r} does not exist") from None
    except IsADirectoryError:
        raise InputFileError(f"{path!r} is a folder; --file needs a text file of formulas") from None
    except UnicodeDecodeError as exc:
        raise InputFileError(f"formula file {path!r} is not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise InputFileError(f"cannot read the formula file {path!r}: {exc.strerror}") from None
    formulas = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    formulas = [f for f in formulas if f]
    if not formulas:
        raise InputFileError(f"formula file {path!r} holds no formula (blank lines and '#' comments only)")
    return formulas


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

    budget = None if args.memory_budget is None else args.memory_budget * 2**30
    return TrainConfig(optimizer=args.optimizer, epochs=args.epochs, dtype=args.dtype, device=args.device,
                       max_seconds=args.max_seconds, invariance=args.invariance, memory_budget=budget, **extra)


def _stage_printer(args: argparse.Namespace) -> Callable[[str], None] | None:
    """Each stage of a run as one line on a terminal's stderr (never with --quiet or when piped)."""
    if args.quiet or not sys.stderr.isatty():
        return None
    start = time.perf_counter()

    def show(text: str) -> None:
        print(f"[{time.perf_counter() - start:6.1f} s] {text}", file=sys.stderr, flush=True)

    return show


def _linear_losses(args: argparse.Namespace) -> Any:
    from liealg.losses import LinearLosses

    return LinearLosses(sparsity=args.sparsity, closure=1.0 if args.closure is None else args.closure)


def _cmd_discover(args: argparse.Namespace) -> int:
    from liealg.config import ExactConfig
    from liealg.pipeline import discover

    if args.data:
        return _cmd_discover_data(args)
    oracle = _make_oracle(args)
    _check_outputs(args)
    if args.nonlinear:
        if args.at or args.breaking or args.standard:
            from liealg.errors import OptionError

            raise OptionError("--at, --break and --standard apply to linear generators, not --nonlinear")
        return _cmd_discover_nonlinear(args, oracle)
    _refuse_nonlinear_flags(args)
    sampling, losses = _sampling(args), _linear_losses(args)
    training = _training(args, checkpoint=args.checkpoint, resume=args.resume)
    exact = ExactConfig(rationalize=not args.no_exact, basis=args.basis, identify=not args.no_identify)
    bar, update = _progress(args, args.epochs, "training")
    try:
        result = discover(oracle, n_generators=args.generators, method=args.method, seed=args.seed,
                          sampling=sampling, training=training, losses=losses, exact=exact, progress=update,
                          on_stage=_stage_printer(args), at=args.at, breaking=args.breaking,
                          standard=args.standard)
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
    if result.stopped_for_time:
        return EXIT_NOT_CONVERGED  # the result so far, marked in the notes
    if result.no_subalgebra is not None:
        return EXIT_OK  # answered: no subalgebra of that dimension exists (the proof is printed)
    if result.subalgebra is not None:  # k generators below the whole algebra's dimension
        if not result.subalgebra or result.certified is False:
            return EXIT_NOT_CONVERGED
        return EXIT_OK  # a closed subalgebra, named exactly or numerically (said which)
    if not result.converged or (not args.no_exact and result.dimension and result.generators is None):
        return EXIT_NOT_CONVERGED
    if result.certified is False or result.matches_exact is False:
        return EXIT_NOT_CONVERGED  # finished, but the generators are not all proved symmetries
    return EXIT_OK


def _add_data_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("labelled data (docs/data.md)")
    g.add_argument("--data", metavar="FILE",
                   help="learn the oracle from a table: CSV (header row), Parquet (needs pyarrow) or .npz")
    g.add_argument("--target", metavar="COLUMNS", help='with --data: the label column(s), e.g. "m2"')
    g.add_argument("--features", metavar="COLUMNS",
                   help="with --data: the feature columns in order (default: all but the target; with "
                        '--vectors, the vectors\' columns, e.g. --vectors "E1 px1 py1 pz1; E2 px2 py2 pz2")')
    g.add_argument("--task", choices=("auto", "regression", "classification"), default="auto",
                   help="with --data: regress the label or classify it (default auto: few integer values = classes)")
    g.add_argument("--hidden", metavar="WIDTHS",
                   help='with --data: hidden layer widths of the network (default "64 64")')
    g.add_argument("--fit-epochs", type=_positive_int, metavar="N",
                   help="with --data: most passes over the rows while fitting the network (default 150)")
    g.add_argument("--min-score", type=float, metavar="X",
                   help="with --data: refuse a fit below this validation R^2 (default 0.8) or classification "
                        "skill (default 0.5)")
    g.add_argument("--max-tolerance", type=float, default=0.05, metavar="TOL",
                   help="with --data: the largest tolerance of the numeric identification (default 0.05)")
    g.add_argument("--no-support", action="store_true",
                   help="with --data: do not seek equations the features satisfy (mass shells, conserved sums)")


def _cmd_discover_data(args: argparse.Namespace) -> int:
    """``liealg discover --data FILE --target COLS``: fit the oracle network, then the chain on it.

    Exit codes: 0 the algebra was named (or there is no symmetry); 2 bad input; 3 the fit is too
    poor to mean anything (refused, with its figure, on stderr), or generators were found but no
    exact candidate could be named.
    """
    from liealg import data
    from liealg.config import ExactConfig, Sampling
    from liealg.errors import OptionError

    given = [name for name, on in (("a formula", args.formulas), ("--catalog", args.catalog), ("--vars", args.vars),
                                   ("--complex", args.complex), ("--nonlinear", args.nonlinear),
                                   ("--at", args.at), ("--break", args.breaking), ("--standard", args.standard),
                                   ("--method exact", args.method == "exact"),
                                   ("--generators N", args.generators != "auto")) if on]
    if given:
        raise OptionError(f"--data learns the oracle from the file; do not also give {', '.join(given)}")
    if not args.target:
        raise OptionError("--data needs --target COLUMNS: the label column(s) to learn")
    _check_outputs(args)
    network = data.OracleNetwork()
    changes: dict[str, Any] = {"task": args.task}
    if args.hidden:
        try:
            changes["hidden"] = tuple(int(v) for v in args.hidden.replace(",", " ").split())
        except ValueError:
            raise OptionError(f'--hidden takes layer widths such as "64 64", got {args.hidden!r}') from None
    if args.fit_epochs:
        changes["epochs"] = args.fit_epochs
    if args.min_score is not None:
        changes["min_r2"] = changes["min_skill"] = args.min_score
    network = network.replace(**changes)
    columns = data.select_columns(data.read_table(args.data), args.target, features=args.features,
                                  vectors=args.vectors)
    bar, update = _progress(args, network.epochs, "fitting the oracle network")
    try:
        learned = data.fit_oracle(columns, network=network, seed=args.seed,
                                  progress=None if update is None else
                                  (lambda epoch, losses: update(epoch, {"total": losses["validation"]})))
    finally:
        if bar is not None:
            bar.close()
    if not learned.report.acceptable:
        print(f"error: {learned.report.refusal()}", file=sys.stderr)
        return EXIT_NOT_CONVERGED
    result = data.discover_data(
        learned, seed=args.seed, support=not args.no_support,
        sampling=Sampling(n=args.samples) if args.samples else None,
        training=_training(args), losses=_linear_losses(args),
        exact=ExactConfig(rationalize=not args.no_exact, identify=not args.no_identify, max_denominator=100),
        max_tolerance=args.max_tolerance)
    print(result.summary())
    if args.json:
        result.save(args.json)
        print(f"Saved: {args.json}")
    if args.plot:
        for path in data.save_data_plots(result, args.plot):
            print(f"Plot: {path}")
    if result.dimension and result.name is None and not args.no_identify:
        return EXIT_NOT_CONVERGED
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

    if args.grid:
        return _cmd_scan_grid(args)
    oracle = _make_oracle(args)
    _check_outputs(args)
    result = scan(oracle, args.max_generators, seed=args.seed, sampling=_sampling(args), training=_training(args),
                  losses=_linear_losses(args))
    from liealg.subalgebras import name_scan

    names = name_scan(result, oracle, seed=args.seed, sampling=_sampling(args), training=_training(args))
    print(f"Oracle: {oracle.formula_text()}")
    print(" N_g   total       invariance  normaliz.   orthogon.   closure     found  subalgebra")
    for idx, n in enumerate(result.n_generators):
        t = result.terms
        print(f" {n:3d}   {result.total[idx]:.3e}   {t['invariance'][idx]:.3e}   {t['normalization'][idx]:.3e}   "
              f"{t['orthogonality'][idx]:.3e}   {t['closure'][idx]:.3e}   {'yes' if result.success[idx] else 'no ':5s}"
              f"  {names[idx] or '-'}")
    print(f"Largest N_g that succeeds: {result.dimension}")
    if args.json:
        io.write_json_atomic(args.json, {
            "schema": "liealg.scan", "schema_version": 1, "oracle": oracle.formula_text(),
            "n_generators": list(result.n_generators), "total": list(result.total),
            "terms": {k: list(v) for k, v in result.terms.items()}, "success": list(result.success),
            "threshold": result.threshold, "dimension": result.dimension, "names": list(names),
        })
        print(f"Saved: {args.json}")
    if args.plot:
        from liealg.plots import plot_scan

        path = Path(args.plot) / "scan.png"
        plot_scan(result, path=path)
        print(f"Plot: {path}")
    return EXIT_OK


def _cmd_subalgebras(args: argparse.Namespace) -> int:
    """``liealg subalgebras FORMULA``: exit 0 when every dimension asked has a class found or a
    proof that none exists; 3 when some dimension had neither (no seed closed)."""
    from liealg import io
    from liealg.subalgebras import subalgebras

    oracle = _make_oracle(args)
    _check_outputs(args)

    def progress(k: int, seed: int) -> None:
        if not args.quiet and sys.stderr.isatty():
            print(f"k = {k}, seed {seed}", file=sys.stderr, flush=True)

    survey = subalgebras(oracle, dims=args.dims, seeds=args.seeds, seed=args.seed, sampling=_sampling(args),
                         training=_training(args), losses=_linear_losses(args), progress=progress)
    print(survey.table())
    print(f"Time: {survey.seconds:.1f}s")
    if args.json:
        io.write_json_atomic(args.json, survey.to_json())
        print(f"Saved: {args.json}")
    if args.plot:
        from liealg.plots import plot_subalgebras

        path = Path(args.plot) / "subalgebras.png"
        plot_subalgebras(survey, path=path)
        print(f"Plot: {path}")
    unanswered = [k for k in survey.dims if k not in survey.impossible and not survey.by_dimension(k)]
    return EXIT_NOT_CONVERGED if unanswered else EXIT_OK


def _cmd_identify(args: argparse.Namespace) -> int:
    from liealg import io
    from liealg.algebra import FieldLieAlgebra, LieAlgebra
    from liealg.errors import InputFileError, OptionError
    from liealg.identification import identify
    from liealg.io import load_matrices, load_structure_constants
    from liealg.report import bracket_report, identification_report, structure_report

    given = [x for x in (args.result, args.structure_constants, args.matrices) if x]
    if len(given) != 1:
        raise OptionError("give exactly one of RESULT.json, --structure-constants FILE, --matrices FILE")
    if args.result:
        # Read through io, not Discovery.load: identify never imports torch (a fast start).
        data = io.check_result_schema(io.read_json(args.result), where=args.result)
        saved_algebra = io.result_algebra(data, where=args.result)
        generators = io.result_generators(data, where=args.result)
        algebra: LieAlgebra | FieldLieAlgebra
        if saved_algebra is not None:
            algebra = saved_algebra
        elif generators:  # exact over a number field, no rational basis: named numerically
            algebra = FieldLieAlgebra.from_matrices(list(generators))
        else:
            raise InputFileError(f"{args.result} holds no exact generators to identify "
                                 f"(dimension {data.get('dimension')})")
    elif args.structure_constants:
        algebra = load_structure_constants(args.structure_constants)
    else:
        matrices = list(load_matrices(args.matrices))
        try:
            algebra = LieAlgebra.from_matrices(matrices)
        except OptionError:  # structure constants over a real number field, no rational basis
            algebra = FieldLieAlgebra.from_matrices(matrices)
    ident = identify(algebra)
    print(f"Dimension: {algebra.dim}")
    print("\n".join(identification_report(ident)))
    # Over a number field there is no rational form: the brackets are shown over the field, and
    # the Cartan data (exact matrices in a rational basis) is not computed.
    rational = algebra.rational_form() if isinstance(algebra, LieAlgebra) else None
    if isinstance(algebra, LieAlgebra):
        print("\n".join(bracket_report(algebra)))
    struct = None
    if ident.ideals and rational is not None:
        from liealg.errors import IdentificationError
        from liealg.structure import structure

        try:
            struct = structure(rational)
        except IdentificationError as exc:
            print(f"Note: the roots and weights could not be computed: {exc}")
        else:
            print("\n".join(structure_report(struct)))
    if args.json:
        brackets = rational.to_json()["brackets"] if rational is not None else None  # in a rational basis
        io.write_json_atomic(args.json, {"schema": "liealg.identification", "schema_version": 1,
                                         "dimension": algebra.dim, "algebra": ident.to_json(),
                                         "structure_constants": brackets,  # type: ignore[dict-item]
                                         "structure": None if struct is None else struct.to_json()})
        print(f"Saved: {args.json}")
    if args.plot:
        from liealg.plots import save_structure_plots

        for path in save_structure_plots(rational, args.plot, identification=ident, structure=struct):
            print(f"Plot: {path}")
    return EXIT_OK


def _cmd_gap(args: argparse.Namespace) -> int:
    """``liealg gap``: export to GAP, import from GAP, compare the complex type with GAP's."""
    from liealg import interop, io
    from liealg.algebra import LieAlgebra
    from liealg.errors import InputFileError, OptionError

    given = [x for x in (args.result, args.structure_constants, args.matrices, args.table) if x]
    if len(given) != 1:
        raise OptionError("give exactly one of RESULT.json, --structure-constants FILE, --matrices FILE, --table FILE")
    if args.result:
        data = io.check_result_schema(io.read_json(args.result), where=args.result)
        algebra = io.result_algebra(data, where=args.result)
        if algebra is None:
            raise InputFileError(f"{args.result} holds no exact generators (dimension {data.get('dimension')})")
    elif args.structure_constants:
        algebra = io.load_structure_constants(args.structure_constants)
    elif args.matrices:
        algebra = LieAlgebra.from_matrices(list(io.load_matrices(args.matrices)))
    else:
        algebra = interop.load_gap(args.table)
    for path in (args.out, args.json):
        if path:
            io.check_writable(path)
    wrote = False
    if args.json:
        io.save_structure_constants(algebra, args.json)
        print(f"Saved: {args.json}")
        wrote = True
    if args.out or not (wrote or args.check or args.table):
        text = interop.to_gap(algebra) if args.format == "script" else interop.to_gap_table(algebra) + "\n"
        if args.out:
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            Path(args.out).write_text(text, encoding="utf-8")
            print(f"Saved: {args.out}")
        else:
            print(text, end="")
    if args.table and not (args.json or args.out or args.check):
        print(f"Read a Lie algebra of dimension {algebra.dim} ({len(algebra.structure_constants)} nonzero brackets)")
    if args.check:
        check = interop.check_with_gap(algebra)
        print(check)
        return EXIT_OK if check.agree else EXIT_NOT_CONVERGED
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


# --------------------------------------------------------------------------- sweeps
def _add_executor_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="local: worker processes here (default); dask: a Dask distributed cluster")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="with --executor dask: the address of a running scheduler, e.g. tcp://host:8786")
    p.add_argument("--workers", type=_positive_int, metavar="N",
                   help="worker processes (local), or the size of a Dask LocalCluster started here (default: cores)")
    p.add_argument("--retries", type=int, default=2, metavar="N",
                   help="how often a point whose worker died is run again (default 2)")


def _add_scan_grid_options(s: argparse.ArgumentParser) -> None:
    s.add_argument("--grid", action="store_true",
                   help="the summary grid: the N_g scan for n = --n-min..--n-max of a --family, --seeds seeds")
    s.add_argument("--family", default="quadratic", metavar="NAME",
                   help="with --grid: quadratic (so(n)), lorentz (so(n-1,1)) or quartic (default quadratic)")
    s.add_argument("--n-min", type=_positive_int, default=2, metavar="N", help="with --grid: smallest n (default 2)")
    s.add_argument("--n-max", type=_positive_int, metavar="K", help="with --grid: largest n")
    s.add_argument("--seeds", type=_positive_int, default=3, metavar="S",
                   help="with --grid: seeds per cell, from --seed on (default 3)")
    _add_executor_options(s)


def _add_sweep_parser(sub: Any) -> None:
    w = sub.add_parser("sweep", help="discover at every point of a grid of coupling values (a symmetry map)")
    _add_oracle_options(w)
    w.add_argument("--param", action="append", default=[], metavar="NAME=VALUES",
                   help="a coupling and its values: a=0,1/2,1 (list), a=0:1:11 (start:stop:count), a=@FILE")
    w.add_argument("--points", metavar="FILE",
                   help="points from a file (CSV with a header of parameter names, or JSON), crossed with --param")
    w.add_argument("--generators", type=_generators, default="auto", metavar="N|auto")
    w.add_argument("--method", choices=("train", "exact"), default="train",
                   help="train by gradient descent (default) or solve exactly (polynomial oracles)")
    w.add_argument("--basis", choices=("rref", "orthonormal"), default="rref")
    _add_executor_options(w)
    w.add_argument("--json", metavar="PATH", help="the sweep as JSON, rewritten after each point")
    w.add_argument("--out", metavar="PATH", help="one row per point: CSV (.csv) or Parquet (.parquet)")
    w.add_argument("--resume", action="store_true", help="skip the points already in --json/--out")
    w.add_argument("--plot", metavar="DIR", help="draw the symmetry map here (symmetry_map.png)")


def _points_progress(args: argparse.Namespace, total: int, initial: int, desc: str,
                     label: Callable[[Any], str | None]) -> tuple[Any, Callable[[int, int, Any], None] | None]:
    """A tqdm bar over points whose postfix counts what was found so far (terminal only)."""
    if args.quiet or not sys.stderr.isatty():
        return None, None
    from collections import Counter

    from tqdm import tqdm

    bar = tqdm(total=total, initial=initial, desc=desc, file=sys.stderr, unit="pt")
    found: Counter[str] = Counter()

    def update(done: int, total_: int, row: Any) -> None:
        bar.update(done - bar.n)
        name = label(row)
        if name:
            found[name] += 1
            bar.set_postfix_str(", ".join(f"{k}: {v}" for k, v in found.most_common(4)), refresh=False)

    return bar, update


def _sweep_exact(args: argparse.Namespace) -> Any:
    from liealg.config import ExactConfig

    return ExactConfig(basis=args.basis)


def _cmd_sweep(args: argparse.Namespace) -> int:
    from liealg import sweeps
    from liealg.errors import OptionError

    if args.catalog:
        raise OptionError("a sweep needs a formula with couplings; --catalog names a fixed oracle")
    if not args.formulas:
        raise OptionError('give a formula with couplings, e.g. liealg sweep "x1**2 + a*x2**2" --param a=0:1:5')
    if args.vars and args.vectors:
        raise OptionError("give --vars or --vectors, not both (--vectors already lists the variables)")
    params: dict[str, Any] = {}
    for text in args.param:
        name, values = sweeps.parse_param(text)
        if name in params:
            raise OptionError(f"--param {name} is given twice")
        params[name] = values
    points = sweeps.read_points(args.points) if args.points else None
    if not params and points is None:
        raise OptionError("give the couplings' values: --param NAME=VALUES (or --points FILE)")
    if args.plot and Path(args.plot).exists() and not Path(args.plot).is_dir():
        from liealg.errors import InputFileError

        raise InputFileError(f"{args.plot!r} is a file; --plot needs a folder for the figures")
    training = _training(args)  # --max-seconds: the budget of each point
    total = len(sweeps.grid_points(params, points))
    bar, update = _points_progress(args, total, 0, "sweep", lambda row: row.name or row.status)
    try:
        result = sweeps.sweep(
            args.formulas if len(args.formulas) > 1 else args.formulas[0], params, points=points,
            variables=args.vars, vectors=args.vectors, is_complex=args.complex, method=args.method,
            n_generators=args.generators, seed=args.seed, sampling=_sampling(args), training=training,
            losses=_linear_losses(args), exact=_sweep_exact(args), executor=args.executor, workers=args.workers,
            scheduler=args.scheduler, retries=args.retries, json_path=args.json, out_path=args.out,
            resume=args.resume, progress=update)
    except KeyboardInterrupt:
        saved = " and ".join(p for p in (args.json, args.out) if p)
        print("interrupted" + (f"; the finished points are in {saved}: run the same command with --resume"
                               if saved else ""), file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        if bar is not None:
            bar.close()
    print(f"Oracle: {', '.join(result.formulas)}   variables: {' '.join(result.variables)}")
    fresh = len(result.points) - result.resumed
    resumed = f" ({result.resumed} from the file, {fresh} run now)" if result.resumed else ""
    print(f"Executor: {result.executor} ({result.workers} worker(s)); {len(result.points)} point(s){resumed} in "
          f"{result.seconds:.1f} s")
    print(result.table())
    print("Algebras found: " + ", ".join(f"{k} ({v})" for k, v in sorted(result.names.items())))
    for path in (args.json, args.out):
        if path:
            print(f"Saved: {path}")
    if args.plot:
        from liealg.plots import plot_symmetry_map

        path = Path(args.plot) / "symmetry_map.png"
        try:
            plot_symmetry_map(result, path=path)
            print(f"Plot: {path}")
        except OptionError as exc:
            print(f"Note: no symmetry map drawn: {exc}")
    failed = result.failed
    if failed:
        from collections import Counter

        counts = Counter(p.status for p in failed)
        print(f"{len(failed)} of {len(result.points)} point(s) not ok: "
              + ", ".join(f"{k} {v}" for k, v in counts.items()), file=sys.stderr)
        return EXIT_NOT_CONVERGED
    return EXIT_OK


def _cmd_scan_grid(args: argparse.Namespace) -> int:
    from liealg import io, sweeps
    from liealg.errors import OptionError

    if args.formulas or args.catalog or args.vars or args.vectors or args.complex:
        raise OptionError("scan --grid runs a --family of oracles (n = --n-min..--n-max); give no formula")
    if args.n_max is None:
        raise OptionError("scan --grid needs --n-max K (n runs from --n-min, default 2, to K)")
    if args.n_max < args.n_min or args.n_min < 2:
        raise OptionError(f"scan --grid needs 2 <= --n-min <= --n-max; got {args.n_min}..{args.n_max}")
    _check_outputs(args)
    dims = list(range(args.n_min, args.n_max + 1))
    seeds = list(range(args.seed, args.seed + args.seeds))
    bar, update = _points_progress(args, len(dims) * len(seeds), 0, "scan grid", lambda cell: None)
    try:
        grid = sweeps.scan_grid(args.family, dims, args.max_generators, seeds, sampling=_sampling(args),
                                training=_training(args), losses=_linear_losses(args), executor=args.executor,
                                workers=args.workers, scheduler=args.scheduler, retries=args.retries,
                                progress=update)
    finally:
        if bar is not None:
            bar.close()
    print(f"Family: {sweeps.FAMILIES[args.family][0]}; seeds {seeds[0]}..{seeds[-1]}; executor {grid.executor} "
          f"({grid.workers} worker(s)), {grid.seconds:.1f} s")
    print("log10 of the lowest final loss (rows n, columns N_g; '-' where N_g > n^2):")
    print(grid.table())
    errors = [c for c in grid.cells if c.error]
    for c in errors:
        print(f"n={c.n}, seed={c.seed}: {c.error}", file=sys.stderr)
    if args.json:
        io.write_json_atomic(args.json, grid.to_json())
        print(f"Saved: {args.json}")
    if args.plot:
        from liealg.plots import plot_scan_grid

        path = Path(args.plot) / "scan_grid.png"
        plot_scan_grid(grid, path=path)
        print(f"Plot: {path}")
    return EXIT_NOT_CONVERGED if errors else EXIT_OK


_COMMANDS = {
    "discover": _cmd_discover,
    "scan": _cmd_scan,
    "subalgebras": _cmd_subalgebras,
    "identify": _cmd_identify,
    "gap": _cmd_gap,
    "catalog": _cmd_catalog,
    "flows": _cmd_flows,
    "sweep": _cmd_sweep,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
