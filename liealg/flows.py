"""Oracle-preserving latent flows: morph digits without changing what a classifier sees.

The talk's last picture ("symmetric morphing of images along contours of the 16-dimensional
latent flow") in a few minutes on a CPU, on scikit-learn's 8x8 digits (1797 images, shipped
with the package: nothing is downloaded):

1. scale the images to ``[0, 1]``; a seeded, stratified train/test split (75/25);
2. an autoencoder (MLP ``64 -> 128 -> latent -> 128 -> 64``) learns to reconstruct them;
3. a classifier on the latent codes predicts the digit, trained on the codes *and* on the codes
   of their reconstructions (decode, re-encode), so that a digit and its reconstruction get the
   same class: the decode/re-encode test below then measures the flow, not the autoencoder.
   Its **logits are the oracle**: for ten classes, the 10 logits; for two classes (digits 0
   and 1), a single logit, the log-odds -- a two-logit classifier's logits are only determined
   up to a common shift;
4. **a latent density term**: a Gaussian fitted to the training codes (their mean and
   covariance). Its log density, each code's Mahalanobis distance from the centre, is one more
   component of the oracle, so the flows keep it too. Why: the logits alone have flat level
   sets that run straight out of the data (a flow along them moved the codes as far as a
   straight line), and decoded far from the data the digits become grey blobs whose class
   after re-encoding is chance. Keeping the density, the flows go *around* the cloud of codes,
   at each code's own distance from its centre, where the autoencoder has seen digits;
5. :func:`liealg.nonlinear.discover_nonlinear` learns vector fields on the latent space that
   preserve every component (trained on the training codes; same losses, same loop -- no
   second training loop here), projected onto the level sets (``FieldNetwork(tangent=True)``:
   the oracle is a network whose gradients are exact and cheap; learned fields reached only a
   median ``|sin|`` of 0.1-0.4 to these 11-constraint level sets), each moving at every code
   (the speed floor). In ``latent`` dimensions ``o`` components leave ``latent - o`` free
   directions: 5 for latent 16, ten classes and the density;
6. held-out codes flow along each field at unit speed, both ways, to ``t = +-T``: every code
   travels the latent distance ``T`` (default 1.5 times the codes' RMS spread, where random
   directions change the class of about half the digits).

Measured **along the whole path and both directions**: the fraction of held-out digits whose
class is kept after decoding the moved code and re-encoding the image (``flow_kept``: the lowest
over fields, path points and directions), against a **control** -- the same codes moved the same
distance along random straight lines, measured the same way (``control_kept``). Also the class
in latent space, the logit drift, how far the codes moved (chord) and how much the decoded pixels
changed. The figure: rows are held-out digits, columns ``t`` from ``-T`` to ``T`` (the middle
column is the reconstruction), the class printed under each image; a last panel shows the
control.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import torch
from torch import nn

from liealg.config import Sampling, TrainConfig, check_choice, check_positive_int
from liealg.engine import ModuleTrainable, torch_threads, train
from liealg.errors import OptionError
from liealg.nonlinear import (
    FieldLosses,
    FieldNetwork,
    FlowDrift,
    NonlinearDiscovery,
    discover_nonlinear,
    integrate_flow,
)
from liealg.oracle import Oracle, oracle_gradients

__all__ = ["digits_flows", "FlowsReport", "report_flows", "flows_to_json", "CLASS_CHOICES", "PRIORS",
           "load_digits_data", "GaussianPrior", "LatentOracle"]

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

#: Supported class counts: the two-class subset (digits 0 and 1) or all ten digits.
CLASS_CHOICES = (2, 10)
TWO_CLASS_DIGITS = (0, 1)
#: The latent density term: a Gaussian fitted to the training codes, none (logits only), or
#: "auto": the Gaussian when it leaves a direction free (not for latent 2 with one logit).
PRIORS = ("auto", "gaussian", "none")
#: Default flow distance, in units of the training codes' RMS spread.
DEFAULT_DISTANCE = 1.5


@dataclass(frozen=True, eq=False)  # holds tensors and modules: compared by identity
class FlowsReport:
    """What :func:`digits_flows` measured.

    Every "kept" figure is a fraction of the held-out digits whose predicted class is the same
    as at ``t = 0``, taken at the **lowest** point: over the path points (8 per direction),
    both directions (``t`` from 0 to ``+T`` and to ``-T``) and, for ``flow_kept``, every field.
    "Decoded" means the moved code is decoded to an image, the image re-encoded and its code
    classified (compared with the same for the code at ``t = 0``).

    Attributes
    ----------
    latent, classes, n_fields : int
    digits : tuple of int
        The digit labels used (``(0, 1)`` for two classes).
    prior : str
        The latent density term (:data:`PRIORS`).
    n_train, n_test : int
    reconstruction_mse : float
        Autoencoder mean squared pixel error on the held-out images (pixels in ``[0, 1]``).
    classifier_accuracy : float
        Classifier accuracy on the held-out codes.
    roundtrip_kept : float
        Fraction of held-out digits whose class survives decoding and re-encoding unmoved: the
        ceiling of every decoded figure.
    distance : float
        ``T``: the latent distance every code travels (unit speed), in each direction.
    spread : float
        The training codes' RMS distance from their mean (``distance`` is a multiple of it).
    unit_speed : bool
        Whether the codes flowed along ``v / |v|`` (then each travelled exactly ``distance``).
    flow_kept : float
        The lowest decoded fraction over fields, path points and both directions.
    control_kept : float
        The same for the control: each code moved the same distance along a random straight line.
    flow_kept_latent, control_kept_latent : float
        The same, classifying the moved codes themselves (no decoding).
    fraction_unchanged : tuple of float
        Per field: the lowest latent fraction over its path points and both directions.
    fraction_unchanged_decoded : tuple of float
        Per field: the lowest decoded fraction (``flow_kept`` is their minimum).
    baseline_fraction_unchanged : float
        ``control_kept_latent`` (the name of earlier versions).
    path_t : tuple of float
        The path points ``t`` (negative: the backward direction).
    flow_kept_path, control_kept_path : tuple of float
        The decoded fraction at each ``path_t``, lowest over the fields for the flows.
    logit_drift : tuple of FlowDrift
        Per field: the oracle's change from ``t = 0`` to ``t = T``.
    displacement : tuple of float
        Per field: the mean straight-line distance the codes end up from where they started
        (at most ``distance``: the flows go around the cloud of codes).
    pixel_distance : tuple of float
        Per field: mean absolute pixel change between the decoded images at ``t = +-T`` and at
        ``t = 0`` (pixels in ``[0, 1]``).
    baseline_pixel_distance : float
        The same for the control.
    baseline_logit_drift : float
        The control's relative logit drift (mean change over the logits' mean deviation).
    invariance : float
        Final invariance loss of the fields (on the training codes).
    converged : bool
        The fields converged (:attr:`NonlinearDiscovery.converged`).
    discovery : NonlinearDiscovery
        The learned fields (and their training history).
    autoencoder : torch.nn.Module
        ``.encoder(images) -> codes`` and ``.decoder(codes) -> images`` (frozen).
    classifier : torch.nn.Module
        ``classifier(codes) -> logits`` (frozen).
    density : GaussianPrior or None
        The latent density term, when there is one.
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
    prior: str
    n_train: int
    n_test: int
    reconstruction_mse: float
    classifier_accuracy: float
    roundtrip_kept: float
    distance: float
    spread: float
    unit_speed: bool
    flow_kept: float
    control_kept: float
    flow_kept_latent: float
    control_kept_latent: float
    fraction_unchanged: tuple[float, ...]
    fraction_unchanged_decoded: tuple[float, ...]
    path_t: tuple[float, ...]
    flow_kept_path: tuple[float, ...]
    control_kept_path: tuple[float, ...]
    logit_drift: tuple[FlowDrift, ...]
    displacement: tuple[float, ...]
    pixel_distance: tuple[float, ...]
    baseline_pixel_distance: float
    baseline_logit_drift: float
    invariance: float
    converged: bool
    discovery: NonlinearDiscovery = field(repr=False)
    autoencoder: nn.Module = field(repr=False)
    classifier: nn.Module = field(repr=False)
    density: GaussianPrior | None = field(repr=False)
    figure: str | None
    seconds: Mapping[str, float]
    seed: int

    @property
    def baseline_fraction_unchanged(self) -> float:
        return self.control_kept_latent

    @property
    def T(self) -> float:
        """``distance`` (the name of earlier versions: the flow time at unit speed)."""
        return self.distance


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


class GaussianPrior(nn.Module):
    """The log density of a Gaussian fitted to latent codes, up to a constant:
    ``-(z - mean)^T C^-1 (z - mean) / 2``, ``C`` their covariance (plus ``1e-6`` of its mean
    variance on the diagonal, so that it is invertible)."""

    mean: torch.Tensor
    precision: torch.Tensor

    def __init__(self, codes: torch.Tensor) -> None:
        super().__init__()
        cov = torch.cov(codes.T.double()).reshape(codes.shape[1], codes.shape[1])
        cov = cov + 1e-6 * cov.diagonal().mean() * torch.eye(codes.shape[1], dtype=cov.dtype)
        self.register_buffer("mean", codes.double().mean(0))
        self.register_buffer("precision", torch.linalg.inv(cov))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        d = z - self.mean.to(z.dtype)
        return -0.5 * torch.einsum("mi,ij,mj->m", d, self.precision.to(z.dtype), d)


class LatentOracle(nn.Module):
    """The oracle the flows preserve: the classifier's logits and, with a prior, its log density.

    The density is scaled so that its gradient is as large as the logits' on the training codes
    (one number; the level sets do not depend on it)."""

    def __init__(self, classifier: nn.Module, prior: GaussianPrior | None, scale: float = 1.0) -> None:
        super().__init__()
        self.classifier = classifier
        self.prior = prior
        self.scale = float(scale)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        logits = self.classifier(z)
        if self.prior is None:
            return logits
        return torch.cat([logits, self.scale * self.prior(z)[:, None]], 1)


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


def _fit_network(model: nn.Module, loss_fn: Callable[[torch.Tensor], torch.Tensor], n: int, epochs: int,
                 seed: int, stage: str, report: Callable | None, weight_decay: float = 0.0) -> float:
    """Minibatch Adam (batches of 64, learning rate 3e-3, cosine schedule) over ``n`` rows, on the
    one training engine; ``loss_fn(indices)`` returns the batch loss. Returns the last epoch's loss."""
    config = TrainConfig(optimizer="adam", lr=3e-3, batch_size=64, weight_decay=weight_decay, num_threads=None)
    progress = None if report is None else (lambda epoch, losses: report(stage, epoch, losses))

    def loss(active: frozenset[str], batch: torch.Tensor | None) -> dict[str, torch.Tensor]:
        assert batch is not None  # minibatch mode: the engine always passes the rows
        return {"total": loss_fn(batch)}

    run = train(ModuleTrainable(model), loss, config, terms=("total",),
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
    prior: str = "auto",
    distance: float | None = None,
    T: float | None = None,
    steps: int = 64,
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
        Ten digits, or the two-class subset (digits 0 and 1; the logits are then one log-odds).
    n_fields : int, optional
        Number of vector fields; default ``min(3, free)``, ``free = latent - outputs`` free
        directions (``outputs``: the logits, plus one with the prior).
    seed : int
        Seeds the split, the networks, the fields and the control directions.
    fit_epochs : int
        Passes over the training images for the autoencoder (the classifier gets the same over
        the codes and their reconstructions' codes).
    network : FieldNetwork, optional
        Each field's MLP; default hidden widths ``(32, 32)``, projected onto the level sets
        (``tangent=True``).
    losses : FieldLosses, optional
        The fields' loss. Default: :class:`FieldLosses` as it is (mean normalization with the
        speed floor, so every field moves at every code; the flows travel at unit speed
        anyway). With ``normalization_mode="pointwise"`` the fields trained 6x longer (loss
        9e-4 after 150 epochs against 1e-4 after 22) for the same flows.
    training : TrainConfig, optional
        How the fields train (default at most 150 L-BFGS steps, tolerance 1e-4: the fields are
        tangent by construction, the loss measures only their speed and independence) and the torch threads of
        the whole run (default 1: minibatches of 64 digits gain nothing from more; None keeps
        torch's setting).
    prior : {"auto", "gaussian", "none"}
        The latent density term the flows also preserve (see the module's text); ``"none"``
        preserves the logits only, and the flows run straight out of the data. ``"auto"``
        (default): the Gaussian, unless it would leave no direction free (latent 2 with two
        classes, whose one logit already leaves only one).
    distance : float, optional
        How far every code travels along each flow, in each direction, as a multiple of the
        training codes' RMS spread (default 1.5: there random directions change the class of
        about half the digits).
    T : float, optional
        The same distance in latent units (instead of ``distance``).
    steps : int
        RK4 steps from 0 to ``T`` (each direction); the class is measured at 8 points per
        direction (every step if fewer). With 64 steps to 1.5 times the spread the density
        drifted by about 0.2 % of what random lines change it (2 % with 32 steps).
    unit_speed : bool
        Flow along ``v / |v|`` (default) rather than ``v``: every held-out code moves the same
        distance ``T`` along its level set, as the control's codes do along straight lines.
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
    OptionError
        For invalid options (the message lists the valid values).

    Examples
    --------
    >>> report = digits_flows(latent=3, classes=2, fit_epochs=5, training=TrainConfig(epochs=5))  # doctest: +SKIP
    >>> report.flow_kept >= report.control_kept                                              # doctest: +SKIP
    True
    """
    if classes not in CLASS_CHOICES:
        raise OptionError(f"classes must be one of {', '.join(map(str, CLASS_CHOICES))} "
                          f"(2 = digits {TWO_CLASS_DIGITS[0]} vs {TWO_CLASS_DIGITS[1]}), got {classes!r}")
    if not isinstance(latent, int) or isinstance(latent, bool) or not 2 <= latent <= 32:
        raise OptionError(f"latent must be an integer from 2 to 32, got {latent!r}")
    check_choice("prior", prior, PRIORS)
    logits = 1 if classes == 2 else classes
    if prior == "auto":
        prior = "gaussian" if latent - logits >= 2 else "none"
    outputs = logits + (prior != "none")
    free = latent - outputs
    if free < 1:
        what = f"{logits} logit{'s' if logits > 1 else ''}" + (" and the prior's density" if prior != "none" else "")
        raise OptionError(
            f"a latent space of dimension {latent} has no direction that preserves {what}; "
            f"use latent >= {outputs + 1} for {classes} classes" + (" (or prior='none')" if prior != "none" else "")
        )
    if n_fields is None:
        n_fields = min(3, free)
    if not isinstance(n_fields, int) or isinstance(n_fields, bool) or not 1 <= n_fields <= free:
        raise OptionError(
            f"n_fields must be an integer from 1 to {free} (= latent - {outputs} preserved quantities), "
            f"got {n_fields!r}"
        )
    for name, value in (("fit_epochs", fit_epochs), ("steps", steps), ("n_rows", n_rows)):
        check_positive_int(name, value)
    for name, number in (("distance", distance), ("T", T)):
        if number is not None and not (isinstance(number, (int, float)) and not isinstance(number, bool)
                                       and number > 0 and math.isfinite(number)):
            raise OptionError(f"{name} must be a positive number, got {number!r}")
    if distance is not None and T is not None:
        raise OptionError("give distance (a multiple of the codes' spread) or T (latent units), not both")
    if progress is not None and not callable(progress):
        raise OptionError(f"progress must be None or a callable progress(stage, epoch, losses), got {progress!r}")
    network = network or FieldNetwork(hidden=(32, 32), tangent=True)
    losses = losses or FieldLosses()
    training = training or TrainConfig(epochs=150, tol=1e-4, num_threads=1)
    times: dict[str, float] = {}
    t_all = time.perf_counter()
    threads = 1 if training.num_threads == "auto" else training.num_threads
    with torch_threads(threads):
        return _run(_Options(latent, classes, logits, n_fields, seed, fit_epochs, network, losses,
                             training.replace(num_threads=None), prior, distance, T, steps, unit_speed, n_rows,
                             plot_dir),
                    progress, times, t_all)


@dataclass(frozen=True)
class _Options:
    latent: int
    classes: int
    logits: int
    n_fields: int
    seed: int
    epochs: int
    network: FieldNetwork
    losses: FieldLosses
    training: TrainConfig
    prior: str
    distance: float | None
    T: float | None
    steps: int
    unit_speed: bool
    n_rows: int
    plot_dir: str | Path | None


def _path_indices(steps: int) -> list[int]:
    """The RK4 steps at which the class is measured: 8 evenly spaced ones (all if fewer)."""
    return sorted({max(1, round(i * steps / 8)) for i in range(1, 9)})


def _run(o: _Options, report: Callable | None, times: dict[str, float], t_all: float) -> FlowsReport:
    from sklearn.model_selection import train_test_split

    dtype = torch.float64  # small nets: float64 keeps the oracle's gradients clean for the fields
    seed, latent = o.seed, o.latent
    images, labels, digits = load_digits_data(o.classes)
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
    _fit_network(ae, lambda i: (ae(x_train[i]) - x_train[i]).pow(2).mean(), len(x_train), o.epochs, seed,
                 "autoencoder", report)
    ae.eval().requires_grad_(False)

    def roundtrip(z: torch.Tensor) -> torch.Tensor:
        return ae.encoder(ae.decoder(z))

    with torch.no_grad():
        z_train = ae.encoder(x_train)
        z_test = ae.encoder(x_test)
        mse = float((ae.decoder(z_test) - x_test).pow(2).mean())
        z_both = torch.cat([z_train, roundtrip(z_train)])  # codes and their reconstructions' codes
        y_both = torch.cat([y_train, y_train])
    times["autoencoder"] = time.perf_counter() - t0

    # --- 3. classifier on the codes: its logits are the oracle
    t0 = time.perf_counter()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed + 1)
        clf = _LatentClassifier(latent, o.logits, z_train.mean(0), z_train.std(0).clamp_min(1e-8)).to(dtype)
    if o.logits == 1:
        target = y_both.to(dtype)[:, None]
        loss_fn = lambda i: nn.functional.binary_cross_entropy_with_logits(clf(z_both[i]), target[i])  # noqa: E731
    else:
        loss_fn = lambda i: nn.functional.cross_entropy(clf(z_both[i]), y_both[i])  # noqa: E731
    # Weight decay keeps the logits smooth, so their level sets are not needlessly wiggly.
    _fit_network(clf, loss_fn, len(z_both), o.epochs, seed + 1, "classifier", report, weight_decay=1e-4)
    clf.eval().requires_grad_(False)
    with torch.no_grad():
        pred_test = _predict(clf(z_test))
        pred_decoded = _predict(clf(roundtrip(z_test)))
    accuracy = float((pred_test == y_test).double().mean())
    roundtrip_kept = float((pred_decoded == pred_test).double().mean())
    times["classifier"] = time.perf_counter() - t0

    # --- 4. the oracle: the logits and the latent density
    density = GaussianPrior(z_train) if o.prior == "gaussian" else None
    scale = 1.0
    if density is not None:
        _, g_logits = oracle_gradients(clf, z_train)
        _, g_prior = oracle_gradients(density, z_train)
        scale = float(g_logits.pow(2).sum((1, 2)).mean().sqrt() / g_prior.pow(2).sum((1, 2)).mean().sqrt())
    what = f"digit classifier logits ({o.classes} classes)" + (" and Gaussian latent density" if density else "")
    oracle = Oracle.from_callable(LatentOracle(clf, density, scale), latent, name=what)

    # --- 5. fields that preserve it (the machinery of liealg.nonlinear)
    t0 = time.perf_counter()
    field_report = None if report is None else (lambda epoch, losses: report("fields", epoch, losses))
    discovery = discover_nonlinear(oracle, o.n_fields, seed=seed, network=o.network, losses=o.losses,
                                   sampling=Sampling(points=z_train.numpy()), training=o.training,
                                   progress=field_report)
    times["fields"] = time.perf_counter() - t0

    # --- 6. flow the held-out codes both ways, decode, re-encode, measure along the path
    t0 = time.perf_counter()
    spread = float((z_train - z_train.mean(0)).pow(2).sum(1).mean().sqrt())
    T = float(o.T) if o.T is not None else (o.distance or DEFAULT_DISTANCE) * spread
    steps = o.steps
    idx = _path_indices(steps)
    path_t = [s * j * T / steps for s in (-1, 1) for j in (idx[::-1] if s < 0 else idx)]

    def kept(z: torch.Tensor) -> tuple[float, float]:
        latent_kept = float((_predict(clf(z)) == pred_test).double().mean())
        decoded_kept = float((_predict(clf(roundtrip(z))) == pred_decoded).double().mean())
        return latent_kept, decoded_kept

    flows = [_UnitSpeed(discovery.field(a)) if o.unit_speed else discovery.field(a) for a in range(o.n_fields)]
    lat_min, dec_min, displacement, pixels, drifts = [], [], [], [], []
    dec_path = np.ones((o.n_fields, len(path_t)))
    paths: list[tuple[torch.Tensor, torch.Tensor]] = []  # per field: (backward, forward) trajectories
    with torch.no_grad():
        img0 = ae.decoder(z_test)
        logits0 = clf(z_test)
        logit_spread = float((logits0 - logits0.mean(0)).abs().mean())
        for a, fa in enumerate(flows):
            lat, dec, disp, pix, dlog = [], [], [], [], []
            both = []
            for s in (-1, 1):
                path = integrate_flow(fa, z_test, s * T, steps=steps)
                both.append(path)
                for j in idx:
                    lk, dk = kept(path[j])
                    lat.append(lk)
                    dec.append(dk)
                    dec_path[a, path_t.index(s * j * T / steps)] = dk
                disp.append((path[-1] - z_test).norm(dim=1))
                pix.append(float((ae.decoder(path[-1]) - img0).abs().mean()))
                if s > 0:
                    dlog.append((clf(path[-1]) - logits0).abs())
            paths.append((both[0], both[1]))
            d = dlog[0]
            mean_abs = float(d.mean())
            drifts.append(FlowDrift(max_abs=float(d.max()), mean_abs=mean_abs,
                                    relative=mean_abs / logit_spread if logit_spread > 0 else math.inf,
                                    displacement=float(disp[1].mean()), t=T))
            lat_min.append(min(lat))
            dec_min.append(min(dec))
            displacement.append(float(torch.cat(disp).mean()))
            pixels.append(float(np.mean(pix)))
        # Control: the same codes, the same distance, along random straight lines (not a symmetry).
        u = torch.randn(z_test.shape, generator=gen, dtype=dtype)
        u = u / u.norm(dim=1, keepdim=True)
        c_lat, c_path = [], []
        for t in path_t:
            lk, dk = kept(z_test + t * u)
            c_lat.append(lk)
            c_path.append(dk)
        z_end = z_test + T * u
        baseline_drift = float((clf(z_end) - logits0).abs().mean()) / logit_spread if logit_spread > 0 else math.inf
        baseline_pixels = float(np.mean([float((ae.decoder(z_test + s * T * u) - img0).abs().mean())
                                         for s in (-1, 1)]))
    times["evaluation"] = time.perf_counter() - t0

    figure = None
    if o.plot_dir is not None:
        t0 = time.perf_counter()
        figure = str(_figure(ae, clf, paths, u, z_test, y_test, digits, T, steps, o, dec_min, min(c_path)))
        times["figure"] = time.perf_counter() - t0
    times["total"] = time.perf_counter() - t_all
    return FlowsReport(
        latent=latent,
        classes=o.classes,
        n_fields=o.n_fields,
        digits=digits,
        prior=o.prior,
        n_train=len(idx_train),
        n_test=len(idx_test),
        reconstruction_mse=mse,
        classifier_accuracy=accuracy,
        roundtrip_kept=roundtrip_kept,
        distance=T,
        spread=spread,
        unit_speed=o.unit_speed,
        flow_kept=min(dec_min),
        control_kept=min(c_path),
        flow_kept_latent=min(lat_min),
        control_kept_latent=min(c_lat),
        fraction_unchanged=tuple(lat_min),
        fraction_unchanged_decoded=tuple(dec_min),
        path_t=tuple(path_t),
        flow_kept_path=tuple(float(v) for v in dec_path.min(0)),
        control_kept_path=tuple(c_path),
        logit_drift=tuple(drifts),
        displacement=tuple(displacement),
        pixel_distance=tuple(pixels),
        baseline_pixel_distance=baseline_pixels,
        baseline_logit_drift=baseline_drift,
        invariance=float(discovery.losses["invariance"]),
        converged=discovery.converged,
        discovery=discovery,
        autoencoder=ae,
        classifier=clf,
        density=density,
        figure=figure,
        seconds=MappingProxyType(dict(times)),
        seed=seed,
    )


def _figure(ae: _Autoencoder, clf: nn.Module, paths: Sequence[tuple[torch.Tensor, torch.Tensor]], u: torch.Tensor,
            z_test: torch.Tensor,
            y_test: torch.Tensor, digits: tuple[int, ...], T: float, steps: int, o: _Options,
            kept: Sequence[float], control_kept: float) -> Path:
    """Rows: held-out digits (round robin over the classes); columns: t from -T to T; under each
    image the class of its decoded and re-encoded code (red where it differs from t = 0). One
    panel per field, and the control (random straight lines) last."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n_classes = len(digits)
    rows: list[int] = []
    per_class = [torch.nonzero(y_test == c).flatten().tolist() for c in range(n_classes)]
    r = 0
    while len(rows) < min(o.n_rows, len(y_test)):
        c, k = r % n_classes, r // n_classes
        if k < len(per_class[c]):
            rows.append(per_class[c][k])
        r += 1
    z = z_test[rows]
    n_cols = 7
    half = (n_cols - 1) // 2
    times_ = np.linspace(-T, T, n_cols)
    panels = len(paths) + 1
    cell_w, cell_h = 9, 13  # an 8x8 image, a one-pixel gap, and room for the class below it
    fig, axes = plt.subplots(1, panels, figsize=(2.0 * panels + 0.3, 0.42 * len(rows) + 1.3), squeeze=False)
    with torch.no_grad():
        for p in range(panels):
            if p < len(paths):
                bwd, fwd = paths[p]  # the trajectories the evaluation measured, for these rows
                cols = [(fwd if t >= 0 else bwd)[round(abs(t) / T * steps)][rows] for t in times_]
                title = f"field {p + 1}: class kept {kept[p]:.0%}"
            else:
                cols = [z + t * u[rows] for t in times_]
                title = f"control (random line): {control_kept:.0%}"
            imgs = torch.stack([ae.decoder(c) for c in cols], 1)  # (rows, cols, 64)
            cls = torch.stack([_predict(clf(ae.encoder(ae.decoder(c)))) for c in cols], 1)
            canvas = np.zeros((len(rows) * cell_h + 1, n_cols * cell_w + 1))  # white, between the images
            pix = imgs.reshape(len(rows), n_cols, 8, 8).numpy()
            ax = axes[0, p]
            for i in range(len(rows)):
                for j in range(n_cols):
                    canvas[1 + cell_h * i:cell_h * i + 9, 1 + cell_w * j:cell_w * j + 9] = pix[i, j]
            ax.imshow(canvas, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
            for i in range(len(rows)):
                for j in range(n_cols):
                    c = int(cls[i, j])
                    ax.text(cell_w * j + 5, cell_h * i + 11.2, str(digits[c]), ha="center", va="center", fontsize=5,
                            color="k" if c == int(cls[i, half]) else "red")
            ax.set_xticks([4.5 + cell_w * j for j in range(n_cols)])
            ax.set_xticklabels([f"{t:+.1f}" if j != half else "0" for j, t in enumerate(times_)], fontsize=5)
            ax.set_yticks([])
            ax.tick_params(length=0)
            ax.set_title(title, fontsize=7)
    fig.suptitle(f"latent {o.latent}, {o.classes} classes: morphing along oracle-preserving flows "
                 f"to distance {T:.1f} (class under each image)", fontsize=8)
    fig.tight_layout()
    out = Path(o.plot_dir)  # type: ignore[arg-type]
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"digits_flows_latent{o.latent}_classes{o.classes}.png"
    fig.savefig(path, dpi=120)
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
    d = report.discovery
    logits = "log-odds (1 logit)" if report.classes == 2 else f"{report.classes} logits"
    lines = [
        f"digits flows: latent {report.latent}, {report.classes} classes ({digits}), {report.n_fields} field(s), "
        f"seed {report.seed}",
        f"data: {report.n_train} training / {report.n_test} held-out images (8x8, scikit-learn)",
        f"autoencoder: held-out reconstruction MSE {report.reconstruction_mse:.4f}; class kept by decoding and "
        f"re-encoding alone {report.roundtrip_kept:.1%}",
        f"classifier on latent codes: held-out accuracy {report.classifier_accuracy:.3f}",
        f"oracle: its {logits}" + (" and the log density of a Gaussian fitted to the codes (the flows stay where "
                                   "the data lives)" if report.prior == "gaussian" else " (no latent density term)"),
        f"fields: {'converged' if report.converged else 'NOT converged'}; invariance {report.invariance:.2e}, "
        f"moving on {min(d.coverage):.0%} of the codes, tangency {max(d.tangency):.1e}, after {d.epochs} epochs",
    ]
    lines.extend(f"  not converged: {why}" for why in d.failures)
    lines.append(
        f"flows to distance {report.distance:.2f} ({report.distance / report.spread:.2f} x the codes' RMS spread), "
        f"{'unit speed, ' if report.unit_speed else ''}both directions, class measured at {len(report.path_t)} "
        "path points:"
    )
    for a in range(report.n_fields):
        dr = report.logit_drift[a]
        lines.append(
            f"  field {a + 1}: class unchanged {report.fraction_unchanged_decoded[a]:.1%} decoded and re-encoded, "
            f"{report.fraction_unchanged[a]:.1%} in latent space (lowest along the path); codes end "
            f"{report.displacement[a]:.2f} from the start; pixels moved {report.pixel_distance[a]:.3f}; logit drift "
            f"relative {dr.relative:.3f}"
        )
    lines.append(
        f"  control (random straight lines, same distance): class unchanged {report.control_kept:.1%} decoded and "
        f"re-encoded, {report.control_kept_latent:.1%} in latent space; pixels moved "
        f"{report.baseline_pixel_distance:.3f}; logit drift relative {report.baseline_logit_drift:.3f}"
    )
    lines.append(f"flow_kept {report.flow_kept:.1%} against control_kept {report.control_kept:.1%} at distance "
                 f"{report.distance:.2f}")
    if report.figure:
        lines.append(f"figure: {report.figure}")
    lines.append("time: " + ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items()))
    return "\n".join(lines)


def flows_to_json(report: FlowsReport) -> dict[str, Any]:
    """A JSON-serializable summary of a :class:`FlowsReport` (every number; no network weights).

    ``distance``, ``flow_kept`` (lowest decoded fraction over fields, path points and both
    directions) and ``control_kept`` (the same for random straight lines at that distance) are
    the headline figures.
    """
    d = report.discovery
    return {
        "latent": report.latent,
        "classes": report.classes,
        "digits": list(report.digits),
        "n_fields": report.n_fields,
        "prior": report.prior,
        "seed": report.seed,
        "n_train": report.n_train,
        "n_test": report.n_test,
        "reconstruction_mse": report.reconstruction_mse,
        "classifier_accuracy": report.classifier_accuracy,
        "roundtrip_kept": report.roundtrip_kept,
        "distance": report.distance,
        "spread": report.spread,
        "T": report.distance,
        "unit_speed": report.unit_speed,
        "flow_kept": report.flow_kept,
        "control_kept": report.control_kept,
        "flow_kept_latent": report.flow_kept_latent,
        "control_kept_latent": report.control_kept_latent,
        "path_t": list(report.path_t),
        "flow_kept_path": list(report.flow_kept_path),
        "control_kept_path": list(report.control_kept_path),
        "converged": report.converged,
        "invariance": report.invariance,
        "fields_converged": d.converged,
        "field_epochs": d.epochs,
        "coverage": list(d.coverage),
        "tangency": list(d.tangency),
        "fraction_unchanged": list(report.fraction_unchanged),
        "fraction_unchanged_decoded": list(report.fraction_unchanged_decoded),
        "displacement": list(report.displacement),
        "logit_drift": [{"mean_abs": dr.mean_abs, "max_abs": dr.max_abs, "relative": dr.relative,
                         "displacement": dr.displacement} for dr in report.logit_drift],
        "pixel_distance": list(report.pixel_distance),
        "control": {"fraction_unchanged": report.control_kept_latent, "kept": report.control_kept,
                    "logit_drift_relative": report.baseline_logit_drift,
                    "pixel_distance": report.baseline_pixel_distance},
        "figure": report.figure,
        "seconds": dict(report.seconds),
    }
