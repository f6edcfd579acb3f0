"""Oracle-preserving latent flows: morph digits without changing what a classifier sees.

The talk's last picture ("symmetric morphing of images along contours of the 16-dimensional
latent flow") in a few minutes on a CPU, on scikit-learn's 8x8 digits (1797 images, shipped
with the package: nothing is downloaded):

1. scale the images to ``[0, 1]``; a seeded, stratified train/test split (75/25);
2. an autoencoder (MLP ``64 -> 128 -> latent -> 128 -> 64``) learns to reconstruct them;
3. a classifier on the latent codes predicts the digit. Its **logits are the oracle**: for ten
   classes, the 10 logits; for two classes (digits 0 and 1), a single logit, the log-odds --
   a two-logit classifier's logits are only determined up to a common shift, and in a 2-D latent
   space two independent quantities would leave no direction free to move in;
4. :func:`liealg.nonlinear.discover_nonlinear` learns vector fields on the latent space that
   preserve every logit (trained on the training codes; same losses, same loop -- no second
   training loop here), normalized to unit length at every code. A field preserving ``o``
   logits in ``latent`` dimensions lives in the ``latent - o`` dimensional level sets: 1 for
   latent 2 / two classes, 6 for latent 16 / ten;
5. held-out codes flow along each field (RK4, at unit speed) to ``t = +-T`` and are decoded.

Measured: the fraction of held-out digits whose predicted class is unchanged at ``t = T``
(also for the re-encoded decoded image, and for a control flow of the same speed in random
constant directions), the oracle's logit drift, and the mean distance the decoded pixels moved
(the flow must move the images, or it would be a trivial symmetry). The figure: rows are
held-out digits, columns ``t`` from ``-T`` to ``T``; the middle column is the reconstruction.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import torch
from torch import nn

from liealg.config import Sampling, TrainConfig, check_positive_int
from liealg.engine import torch_threads, train
from liealg.errors import OptionError
from liealg.nonlinear import (
    FieldLosses,
    FieldNetwork,
    FlowDrift,
    NonlinearDiscovery,
    discover_nonlinear,
    integrate_flow,
    oracle_drift,
)
from liealg.oracle import Oracle

__all__ = ["digits_flows", "FlowsReport", "report_flows", "flows_to_json", "CLASS_CHOICES", "load_digits_data"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

#: Supported class counts: the two-class subset (digits 0 and 1) or all ten digits.
CLASS_CHOICES = (2, 10)
TWO_CLASS_DIGITS = (0, 1)


@dataclass(frozen=True, eq=False)  # holds tensors and modules: compared by identity
class FlowsReport:
    """What :func:`digits_flows` measured.

    Attributes
    ----------
    latent, classes, n_fields : int
    digits : tuple of int
        The digit labels used (``(0, 1)`` for two classes).
    n_train, n_test : int
    reconstruction_mse : float
        Autoencoder mean squared pixel error on the held-out images (pixels in ``[0, 1]``).
    classifier_accuracy : float
        Classifier accuracy on the held-out codes.
    T : float
        Flow time (with ``unit_speed``, the latent distance every code travels).
    unit_speed : bool
        Whether the codes flowed along ``v / |v|`` (then each moved the distance ``T``).
    fraction_unchanged : tuple of float
        Per field: fraction of held-out digits whose predicted class at ``t = T`` equals the
        one at ``t = 0``.
    fraction_unchanged_decoded : tuple of float
        The same for the decoded image, re-encoded and classified.
    baseline_fraction_unchanged : float
        The control: moving the codes the same distance along random constant directions.
    logit_drift : tuple of FlowDrift
        Per field: the oracle's change along the flow (mean, max, relative to the logits' spread).
    pixel_distance : tuple of float
        Per field: mean absolute pixel change between the decoded images at ``t = T`` and
        ``t = 0`` (pixels in ``[0, 1]``).
    baseline_pixel_distance : float
    baseline_logit_drift : float
        The control's relative logit drift (mean change over the logits' mean deviation), to
        compare with ``logit_drift[a].relative``.
    invariance : float
        Final relative invariance loss of the fields (on the training codes).
    discovery : NonlinearDiscovery
        The learned fields (and their training history).
    figure : str or None
        Path of the PNG, when ``plot_dir`` was given.
    seconds : mapping of str to float
        Wall time per stage and ``"total"``.
    seed : int
    """

    latent: int
    classes: int
    n_fields: int
    digits: tuple[int, ...]
    n_train: int
    n_test: int
    reconstruction_mse: float
    classifier_accuracy: float
    T: float
    unit_speed: bool
    fraction_unchanged: tuple[float, ...]
    fraction_unchanged_decoded: tuple[float, ...]
    baseline_fraction_unchanged: float
    logit_drift: tuple[FlowDrift, ...]
    pixel_distance: tuple[float, ...]
    baseline_pixel_distance: float
    baseline_logit_drift: float
    invariance: float
    discovery: NonlinearDiscovery = field(repr=False)
    figure: str | None
    seconds: Mapping[str, float]
    seed: int


# --------------------------------------------------------------------------- data and nets
def load_digits_data(classes: int = 10) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    """scikit-learn's 8x8 digits scaled to ``[0, 1]``, optionally the two-class subset.

    Returns
    -------
    images : numpy.ndarray, shape (N, 64), float64 in [0, 1]
    labels : numpy.ndarray, shape (N,), int64 in ``0 .. classes-1``
    digits : tuple of int
        The digit of each label.
    """
    from sklearn.datasets import load_digits

    data = load_digits()
    x = data.data.astype(np.float64) / 16.0  # the raw pixels are 0..16
    y = data.target.astype(np.int64)
    if classes == 2:
        keep = np.isin(y, TWO_CLASS_DIGITS)
        x, y = x[keep], y[keep]
        y = np.searchsorted(np.array(TWO_CLASS_DIGITS), y)
        return x, y, TWO_CLASS_DIGITS
    return x, y, tuple(range(10))


class _Autoencoder(nn.Module):
    def __init__(self, latent: int, width: int = 128) -> None:
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(64, width), nn.Tanh(), nn.Linear(width, latent))
        self.decoder = nn.Sequential(nn.Linear(latent, width), nn.Tanh(), nn.Linear(width, 64), nn.Sigmoid())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))


class _LatentClassifier(nn.Module):
    """Logits from a latent code; inputs standardized with the training codes' statistics."""

    center: torch.Tensor
    scale: torch.Tensor

    def __init__(self, latent: int, outputs: int, center: torch.Tensor, scale: torch.Tensor, width: int = 32) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(latent, width), nn.Tanh(), nn.Linear(width, width), nn.Tanh(),
                                 nn.Linear(width, outputs))
        self.register_buffer("center", center.clone())
        self.register_buffer("scale", scale.clone())

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net((z - self.center) / self.scale)


class _UnitSpeed:
    """``v / |v|``: the same orbits as ``v``, travelled at unit speed (``|v|`` floored at 1e-2,
    against the fields' RMS size 1, so that zeros of ``v`` stay harmless)."""

    def __init__(self, field: Callable[[torch.Tensor], torch.Tensor]) -> None:
        self.field = field

    def __call__(self, z: torch.Tensor) -> torch.Tensor:
        v = self.field(z)
        return v / v.norm(dim=1, keepdim=True).clamp_min(1e-2)


def _predict(logits: torch.Tensor) -> torch.Tensor:
    # One output is the log-odds of class 1; several are ordinary logits.
    return (logits[:, 0] > 0).long() if logits.shape[1] == 1 else logits.argmax(1)


class _Network:
    """An ``nn.Module`` seen as a :class:`~liealg.engine.Trainable`."""

    def __init__(self, module: nn.Module) -> None:
        self.module = module

    def parameters(self) -> Iterator[torch.Tensor]:
        return self.module.parameters()

    def snapshot(self) -> dict[str, torch.Tensor]:
        return {k: v.detach().clone() for k, v in self.module.state_dict().items()}

    def restore(self, state: Mapping[str, torch.Tensor]) -> None:
        self.module.load_state_dict(dict(state))


def _fit_network(model: nn.Module, loss_fn: Callable[[torch.Tensor], torch.Tensor], n: int, epochs: int,
                 seed: int, stage: str, report: Callable | None, weight_decay: float = 0.0) -> float:
    """Minibatch Adam (batches of 64, learning rate 3e-3, cosine schedule) over ``n`` rows, on the
    one training engine; ``loss_fn(indices)`` returns the batch loss. Returns the last epoch's loss."""
    config = TrainConfig(optimizer="adam", lr=3e-3, batch_size=64, weight_decay=weight_decay, num_threads=None)
    progress = None if report is None else (lambda epoch, losses: report(stage, epoch, losses))

    def loss(active: frozenset[str], batch: torch.Tensor | None) -> dict[str, torch.Tensor]:
        assert batch is not None  # minibatch mode: the engine always passes the rows
        return {"total": loss_fn(batch)}

    run = train(_Network(model), loss, config, terms=("total",),
                tol=0.0, epochs=epochs, n_rows=n, seed=seed, keep="last", progress=progress)
    return float(run.history.terms["total"][-1])


# --------------------------------------------------------------------------- the pipeline
def digits_flows(
    *,
    latent: int = 16,
    classes: int = 10,
    n_fields: int | None = None,
    seed: int = 0,
    fit_epochs: int = 100,
    network: FieldNetwork | None = None,
    losses: FieldLosses | None = None,
    training: TrainConfig | None = None,
    T: float | None = None,
    steps: int = 40,
    unit_speed: bool = True,
    n_rows: int = 10,
    plot_dir: str | Path | None = None,
    progress: Callable[[str, int, Mapping[str, float]], None] | None = None,
) -> FlowsReport:
    """Learn oracle-preserving flows on the latent space of the digits, and measure them.

    Parameters
    ----------
    latent : int
        Latent dimension (2 to 32); the paper used 16.
    classes : {2, 10}
        Ten digits, or the two-class subset (digits 0 and 1; the oracle is then one logit).
    n_fields : int, optional
        Number of vector fields; default ``min(3, latent - outputs)`` (the level sets of the
        ``outputs`` logits have ``latent - outputs`` dimensions).
    seed : int
        Seeds the split, the networks, the fields and the control directions.
    fit_epochs : int
        Passes over the training images for the autoencoder (the classifier gets the same).
    network : FieldNetwork, optional
        Each field's MLP (default hidden widths ``(32, 32)``).
    losses : FieldLosses, optional
        The fields' loss. Default: pointwise normalization, ``|v| = 1`` at every training code,
        so every code has a direction the invariance term has pinned down; with ``"mean"`` the
        field may be tiny at some codes, where its direction is loosely constrained and a
        unit-speed flow drifts more.
    training : TrainConfig, optional
        How the fields train (default 150 L-BFGS steps) and the torch threads of the whole run
        (default 1: minibatches of 64 digits gain nothing from more; None keeps torch's setting).
    T : float, optional
        Flow time. Default: half the RMS spread of the training codes (at unit speed, the codes
        move half the data's spread).
    steps : int
        RK4 steps from 0 to ``T``.
    unit_speed : bool
        Flow along ``v / |v|`` (default) rather than ``v``. Both preserve the oracle (``g(x) v``
        is a symmetry whenever ``v`` is), but a learned field's speed varies from code to code;
        at unit speed every held-out code moves the same distance ``T`` along its level set,
        which makes the comparison with the random-direction control fair.
    n_rows : int
        Digits shown in the figure (spread over the classes).
    plot_dir : str or Path, optional
        Where to save ``digits_flows_latent{latent}_classes{classes}.png``; no figure otherwise.
    progress : callable, optional
        ``progress(stage, epoch, losses)`` with stage ``"autoencoder"``, ``"classifier"`` or
        ``"fields"``. Silent by default.

    Returns
    -------
    FlowsReport

    Raises
    ------
    OracleError
        For invalid options (the message lists the valid values).

    Examples
    --------
    >>> report = digits_flows(latent=2, classes=2, fit_epochs=5, training=TrainConfig(epochs=5))  # doctest: +SKIP
    >>> 0 <= report.fraction_unchanged[0] <= 1                                               # doctest: +SKIP
    True
    """
    if classes not in CLASS_CHOICES:
        raise OptionError(f"classes must be one of {', '.join(map(str, CLASS_CHOICES))} "
                          f"(2 = digits {TWO_CLASS_DIGITS[0]} vs {TWO_CLASS_DIGITS[1]}), got {classes!r}")
    if not isinstance(latent, int) or isinstance(latent, bool) or not 2 <= latent <= 32:
        raise OptionError(f"latent must be an integer from 2 to 32, got {latent!r}")
    outputs = 1 if classes == 2 else classes
    free = latent - outputs
    if free < 1:
        raise OptionError(
            f"a latent space of dimension {latent} has no direction that preserves {outputs} logits; "
            f"use latent >= {outputs + 1} for {classes} classes"
        )
    if n_fields is None:
        n_fields = min(3, free)
    if not isinstance(n_fields, int) or isinstance(n_fields, bool) or not 1 <= n_fields <= free:
        raise OptionError(
            f"n_fields must be an integer from 1 to {free} (= latent - {outputs} logits), got {n_fields!r}"
        )
    for name, value in (("fit_epochs", fit_epochs), ("steps", steps), ("n_rows", n_rows)):
        check_positive_int(name, value)
    if T is not None and not (isinstance(T, (int, float)) and T > 0 and math.isfinite(T)):
        raise OptionError(f"T must be a positive number, got {T!r}")
    if progress is not None and not callable(progress):
        raise OptionError(f"progress must be None or a callable progress(stage, epoch, losses), got {progress!r}")
    network = network or FieldNetwork(hidden=(32, 32))
    losses = losses or FieldLosses(normalization_mode="pointwise")
    training = training or TrainConfig(epochs=150, num_threads=1)
    times: dict[str, float] = {}
    t_all = time.perf_counter()
    threads = 1 if training.num_threads == "auto" else training.num_threads
    with torch_threads(threads):
        return _run(latent, classes, outputs, n_fields, seed, fit_epochs, network, losses,
                    training.replace(num_threads=None), T, steps, unit_speed, n_rows, plot_dir, progress, times, t_all)


def _run(latent: int, classes: int, outputs: int, n_fields: int, seed: int, epochs: int, network: FieldNetwork,
         losses: FieldLosses, training: TrainConfig, T: float | None, steps: int, unit_speed: bool, n_rows: int,
         plot_dir: str | Path | None, report: Callable | None, times: dict[str, float], t_all: float) -> FlowsReport:
    from sklearn.model_selection import train_test_split

    dtype = torch.float64  # small nets: float64 keeps the oracle's gradients clean for the fields
    images, labels, digits = load_digits_data(classes)
    idx_train, idx_test = train_test_split(np.arange(len(labels)), test_size=0.25, random_state=seed,
                                           stratify=labels)
    x_train = torch.as_tensor(images[idx_train], dtype=dtype)
    x_test = torch.as_tensor(images[idx_test], dtype=dtype)
    y_train = torch.as_tensor(labels[idx_train])
    y_test = torch.as_tensor(labels[idx_test])
    gen = torch.Generator().manual_seed(int(seed))
    # nn.Linear initializes from the global generator: seed it inside a fork, leaving the
    # caller's random state as it was.
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        ae = _Autoencoder(latent).to(dtype)

    # --- 2. autoencoder
    t0 = time.perf_counter()
    _fit_network(ae, lambda i: (ae(x_train[i]) - x_train[i]).pow(2).mean(), len(x_train), epochs, seed,
                 "autoencoder", report)
    ae.eval().requires_grad_(False)
    with torch.no_grad():
        z_train = ae.encoder(x_train)
        z_test = ae.encoder(x_test)
        mse = float((ae.decoder(z_test) - x_test).pow(2).mean())
    times["autoencoder"] = time.perf_counter() - t0

    # --- 3. classifier on the codes: its logits are the oracle
    t0 = time.perf_counter()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed + 1)
        clf = _LatentClassifier(latent, outputs, z_train.mean(0), z_train.std(0).clamp_min(1e-8)).to(dtype)
    if outputs == 1:
        target = y_train.to(dtype)[:, None]
        loss_fn = lambda i: nn.functional.binary_cross_entropy_with_logits(clf(z_train[i]), target[i])  # noqa: E731
    else:
        loss_fn = lambda i: nn.functional.cross_entropy(clf(z_train[i]), y_train[i])  # noqa: E731
    # Weight decay keeps the logits smooth, so their level sets are not needlessly wiggly.
    _fit_network(clf, loss_fn, len(z_train), epochs, seed + 1, "classifier", report, weight_decay=1e-4)
    clf.eval().requires_grad_(False)
    with torch.no_grad():
        pred_test = _predict(clf(z_test))
    accuracy = float((pred_test == y_test).double().mean())
    times["classifier"] = time.perf_counter() - t0
    oracle = Oracle.from_callable(clf, latent, name=f"digit classifier logits ({classes} classes)")

    # --- 4. fields that preserve the logits (the machinery of liealg.nonlinear)
    t0 = time.perf_counter()
    field_report = None if report is None else (lambda epoch, losses: report("fields", epoch, losses))
    discovery = discover_nonlinear(oracle, n_fields, seed=seed, network=network, losses=losses,
                                   sampling=Sampling(points=z_train.numpy()), training=training,
                                   progress=field_report)
    times["fields"] = time.perf_counter() - t0

    # --- 5. flow the held-out codes, decode, measure
    t0 = time.perf_counter()
    spread = float((z_train - z_train.mean(0)).pow(2).sum(1).mean().sqrt())
    T = 0.5 * spread if T is None else float(T)
    fractions, fractions_dec, drifts, pixels = [], [], [], []
    with torch.no_grad():
        img0 = ae.decoder(z_test)
        flows = [_UnitSpeed(discovery.field(a)) if unit_speed else discovery.field(a) for a in range(n_fields)]
        for a in range(n_fields):
            fa = flows[a]
            zT = integrate_flow(fa, z_test, T, steps=steps)[-1]
            fractions.append(float((_predict(clf(zT)) == pred_test).double().mean()))
            imgT = ae.decoder(zT)
            fractions_dec.append(float((_predict(clf(ae.encoder(imgT))) == pred_test).double().mean()))
            pixels.append(float((imgT - img0).abs().mean()))
            drifts.append(oracle_drift(oracle, fa, z_test, T, steps=steps))
        # Control: the same distance along random constant directions (not a symmetry).
        distance = float(np.mean([d.displacement for d in drifts]))
        u = torch.randn(z_test.shape, generator=gen, dtype=dtype)
        z_rand = z_test + distance * u / u.norm(dim=1, keepdim=True)
        baseline = float((_predict(clf(z_rand)) == pred_test).double().mean())
        logits0 = clf(z_test)
        baseline_drift = float((clf(z_rand) - logits0).abs().mean() / (logits0 - logits0.mean(0)).abs().mean())
        baseline_pixels = float((ae.decoder(z_rand) - img0).abs().mean())
    times["evaluation"] = time.perf_counter() - t0

    figure = None
    if plot_dir is not None:
        t0 = time.perf_counter()
        figure = str(_figure(ae, flows, z_test, y_test, digits, T, steps, n_rows, Path(plot_dir), latent, classes))
        times["figure"] = time.perf_counter() - t0
    times["total"] = time.perf_counter() - t_all
    return FlowsReport(
        latent=latent,
        classes=classes,
        n_fields=n_fields,
        digits=digits,
        n_train=len(idx_train),
        n_test=len(idx_test),
        reconstruction_mse=mse,
        classifier_accuracy=accuracy,
        T=T,
        unit_speed=unit_speed,
        fraction_unchanged=tuple(fractions),
        fraction_unchanged_decoded=tuple(fractions_dec),
        baseline_fraction_unchanged=baseline,
        logit_drift=tuple(drifts),
        pixel_distance=tuple(pixels),
        baseline_pixel_distance=baseline_pixels,
        baseline_logit_drift=baseline_drift,
        invariance=float(discovery.losses["invariance"]),
        discovery=discovery,
        figure=figure,
        seconds=MappingProxyType(dict(times)),
        seed=seed,
    )


def _figure(ae: _Autoencoder, flows: Sequence[Callable], z_test: torch.Tensor, y_test: torch.Tensor,
            digits: tuple[int, ...], T: float, steps: int, n_rows: int, plot_dir: Path, latent: int,
            classes: int) -> Path:
    """Rows: held-out digits (round robin over the classes); columns: t from -T to T."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n_classes = len(digits)
    rows: list[int] = []
    per_class = [torch.nonzero(y_test == c).flatten().tolist() for c in range(n_classes)]
    r = 0
    while len(rows) < min(n_rows, len(y_test)):
        c = r % n_classes
        k = r // n_classes
        if k < len(per_class[c]):
            rows.append(per_class[c][k])
        r += 1
    z = z_test[rows]
    n_cols = 7
    times_ = np.linspace(-T, T, n_cols)
    k = len(flows)
    fig, axes = plt.subplots(1, k, figsize=(2.2 * k + 0.4, 0.3 * len(rows) + 1.0), squeeze=False)
    half = (n_cols - 1) // 2
    with torch.no_grad():
        for a in range(k):
            fa = flows[a]
            fwd = integrate_flow(fa, z, T, steps=steps)
            bwd = integrate_flow(fa, z, -T, steps=steps)
            # columns at t = -T..T: pick the matching RK4 steps from the two trajectories
            cols = []
            for t in times_:
                j = round(abs(t) / T * steps)
                cols.append((fwd if t >= 0 else bwd)[j])
            imgs = torch.stack([ae.decoder(c) for c in cols], 1).reshape(len(rows), n_cols, 8, 8).numpy()
            canvas = np.ones((len(rows) * 9 + 1, n_cols * 9 + 1))
            for i in range(len(rows)):
                for j in range(n_cols):
                    canvas[1 + 9 * i:9 * i + 9, 1 + 9 * j:9 * j + 9] = imgs[i, j]
            ax = axes[0, a]
            ax.imshow(canvas, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
            ax.set_xticks([4.5 + 9 * j for j in range(n_cols)])
            ax.set_xticklabels([f"{t:+.1f}" if j != half else "0" for j, t in enumerate(times_)], fontsize=6)
            ax.set_yticks([4.5 + 9 * i for i in range(len(rows))])
            ax.set_yticklabels([str(digits[int(y_test[i])]) for i in rows], fontsize=6)
            ax.tick_params(length=0)
            ax.set_title(f"field {a + 1}", fontsize=8)
    fig.suptitle(f"latent {latent}, {classes} classes:\nmorphing along\noracle-preserving flows" if k == 1 else
                 f"latent {latent}, {classes} classes: morphing along oracle-preserving flows", fontsize=8)
    fig.tight_layout()
    plot_dir.mkdir(parents=True, exist_ok=True)
    path = plot_dir / f"digits_flows_latent{latent}_classes{classes}.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


# --------------------------------------------------------------------------- report
def report_flows(report: FlowsReport) -> str:
    """The human-readable report of :func:`digits_flows` (what the CLI prints).

    Examples
    --------
    >>> print(report_flows(report))  # doctest: +SKIP
    digits flows: latent 16, 10 classes (digits 0..9), 3 field(s), seed 0
    ...
    """
    digits = ("digits " + " vs ".join(map(str, report.digits)) if report.classes == 2
              else f"digits {report.digits[0]}..{report.digits[-1]}")
    lines = [
        f"digits flows: latent {report.latent}, {report.classes} classes ({digits}), {report.n_fields} field(s), "
        f"seed {report.seed}",
        f"data: {report.n_train} training / {report.n_test} held-out images (8x8, scikit-learn)",
        f"autoencoder: held-out reconstruction MSE {report.reconstruction_mse:.4f}",
        f"classifier on latent codes: held-out accuracy {report.classifier_accuracy:.3f}; oracle = its "
        + ("log-odds (1 logit)" if report.classes == 2 else f"{report.classes} logits"),
        f"fields: relative invariance {report.invariance:.2e} after {report.discovery.epochs} epochs "
        f"({'converged' if report.discovery.converged else 'not converged'})",
        f"flow to T = {report.T:.2f} (RK4{', unit speed v/|v|' if report.unit_speed else ''}) of the held-out codes:",
    ]
    for a in range(report.n_fields):
        d = report.logit_drift[a]
        lines.append(
            f"  field {a + 1}: class unchanged {report.fraction_unchanged[a]:.1%} "
            f"(decoded and re-encoded {report.fraction_unchanged_decoded[a]:.1%}); logit drift mean {d.mean_abs:.3f} "
            f"(relative {d.relative:.3f}), max {d.max_abs:.3f}; codes moved {d.displacement:.2f}; "
            f"pixels moved {report.pixel_distance[a]:.3f} on average"
        )
    lines.append(
        f"  control (random directions, same distance): class unchanged {report.baseline_fraction_unchanged:.1%}; "
        f"logit drift relative {report.baseline_logit_drift:.3f}; pixels moved {report.baseline_pixel_distance:.3f}"
    )
    if report.figure:
        lines.append(f"figure: {report.figure}")
    lines.append("time: " + ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items()))
    return "\n".join(lines)


def flows_to_json(report: FlowsReport) -> dict[str, Any]:
    """A JSON-serializable summary of a :class:`FlowsReport` (every number; no network weights)."""
    return {
        "latent": report.latent,
        "classes": report.classes,
        "digits": list(report.digits),
        "n_fields": report.n_fields,
        "seed": report.seed,
        "n_train": report.n_train,
        "n_test": report.n_test,
        "reconstruction_mse": report.reconstruction_mse,
        "classifier_accuracy": report.classifier_accuracy,
        "T": report.T,
        "unit_speed": report.unit_speed,
        "invariance": report.invariance,
        "fields_converged": report.discovery.converged,
        "field_epochs": report.discovery.epochs,
        "fraction_unchanged": list(report.fraction_unchanged),
        "fraction_unchanged_decoded": list(report.fraction_unchanged_decoded),
        "logit_drift": [{"mean_abs": d.mean_abs, "max_abs": d.max_abs, "relative": d.relative,
                         "displacement": d.displacement} for d in report.logit_drift],
        "pixel_distance": list(report.pixel_distance),
        "control": {"fraction_unchanged": report.baseline_fraction_unchanged,
                    "logit_drift_relative": report.baseline_logit_drift,
                    "pixel_distance": report.baseline_pixel_distance},
        "figure": report.figure,
        "seconds": dict(report.seconds),
    }
