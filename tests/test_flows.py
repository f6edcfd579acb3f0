"""Oracle-preserving latent flows on the 8x8 digits: a tiny end-to-end run and the options."""

from __future__ import annotations

import itertools
import json

import pytest
import torch

from liealg.config import TrainConfig
from liealg.engine import torch_threads
from liealg.errors import OptionError
from liealg.flows import GaussianPrior, digits_flows, flows_to_json, load_digits_data, report_flows
from liealg.nonlinear import FieldNetwork, integrate_flow


def test_two_class_subset_is_digits_0_and_1():
    images, labels, digits = load_digits_data(2)
    assert digits == (0, 1) and set(labels.tolist()) == {0, 1}
    assert images.shape[1] == 64 and 0.0 <= images.min() and images.max() <= 1.0


def test_tiny_digits_run_writes_the_figure(tmp_path):
    stages = set()
    report = digits_flows(latent=2, classes=2, fit_epochs=5, training=TrainConfig(epochs=5),
                          network=FieldNetwork(hidden=(16,)), steps=10, n_rows=4,
                          plot_dir=tmp_path, progress=lambda stage, epoch, losses: stages.add(stage))
    assert stages == {"autoencoder", "classifier", "fields"}
    assert report.n_fields == 1  # one logit in a 2-D latent space leaves one direction
    assert 0.0 <= report.fraction_unchanged[0] <= 1.0
    assert 0.0 <= report.baseline_fraction_unchanged <= 1.0
    assert report.pixel_distance[0] > 0.0  # the flow moves the images
    assert report.logit_drift[0].displacement > 0.0
    png = tmp_path / "digits_flows_latent2_classes2.png"
    assert report.figure == str(png) and png.stat().st_size > 1000
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = report_flows(report)
    assert "digits 0 vs 1" in text and "class unchanged" in text and "control" in text
    data = json.loads(json.dumps(flows_to_json(report)))  # serializable as is
    assert data["fraction_unchanged"] == list(report.fraction_unchanged)
    # The headline figures: the distance, and the lowest fraction kept along the whole path.
    assert data["distance"] == report.distance == pytest.approx(1.5 * report.spread)
    assert data["flow_kept"] == min(report.fraction_unchanged_decoded) == min(report.flow_kept_path)
    assert data["control_kept"] == min(report.control_kept_path)
    assert report.prior == "none"  # latent 2 with one logit: the prior would leave no direction free
    # Both directions, 8 points each, symmetric about t = 0 and reaching +-T.
    t = report.path_t
    assert len(t) == 16 and t[0] == pytest.approx(-report.distance) and t[-1] == pytest.approx(report.distance)
    assert all(a < b for a, b in itertools.pairwise(t)) and [-x for x in t[::-1]] == pytest.approx(list(t))


def test_flows_with_the_prior_keep_logits_and_density_exactly():
    # latent 3, one logit and the Gaussian density: one free direction, tangent by construction.
    report = digits_flows(latent=3, classes=2, fit_epochs=5, training=TrainConfig(epochs=5),
                          network=FieldNetwork(hidden=(16,), tangent=True), steps=16)
    assert report.prior == "gaussian" and isinstance(report.density, GaussianPrior) and report.n_fields == 1
    assert report.discovery.max_fields == 1
    # Independently: flow held-out-like codes along the field and watch both quantities.
    g = torch.Generator().manual_seed(0)
    z0 = report.density.mean + torch.randn(64, 3, generator=g, dtype=torch.float64)
    field = report.discovery.field(0)
    z1 = integrate_flow(lambda z: field(z) / field(z).norm(dim=1, keepdim=True), z0, 1.0, steps=50)[-1]
    u = torch.randn(64, 3, generator=g, dtype=torch.float64)
    z_random = z0 + u / u.norm(dim=1, keepdim=True)  # the same distance along random lines
    with torch.no_grad():
        assert float((z1 - z0).norm(dim=1).mean()) > 0.5  # it moves ...

        def change(f, z):
            return float((f(z) - f(z0)).abs().mean())

        for quantity in (report.classifier, report.density):  # ... keeping both
            assert change(quantity, z1) < 1e-2 * change(quantity, z_random)


def test_bad_options_are_clear():
    with pytest.raises(OptionError, match="classes must be one of 2, 10"):
        digits_flows(classes=3)
    with pytest.raises(OptionError, match="latent must be an integer from 2 to 32"):
        digits_flows(latent=1)
    with pytest.raises(OptionError, match="use latent >= 11"):
        digits_flows(latent=8, classes=10)
    with pytest.raises(OptionError, match=r"n_fields must be an integer from 1 to 1"):
        digits_flows(latent=2, classes=2, n_fields=2)
    with pytest.raises(OptionError, match="progress"):
        digits_flows(latent=2, classes=2, fit_epochs=1, progress=42)  # type: ignore[arg-type]


@pytest.mark.slow
@pytest.mark.parametrize("latent", [2, 3])
def test_two_class_flows_keep_the_class(latent, tmp_path):
    report = digits_flows(latent=latent, classes=2, plot_dir=tmp_path)
    assert report.classifier_accuracy > 0.95
    assert min(report.fraction_unchanged) >= 0.95


@pytest.mark.slow
def test_latent16_flows_keep_the_class_where_random_directions_lose_it(tmp_path):
    report = digits_flows(latent=16, classes=10, seed=0, plot_dir=tmp_path)
    assert report.converged, report.discovery.failures
    # The targets: at a distance where random straight lines keep under 60% of the classes,
    # the flows keep over 95% after decoding and re-encoding, along the whole path, both ways.
    assert report.control_kept < 0.6 and report.flow_kept > 0.95
    assert report.distance >= report.spread  # far: as far as the codes are spread
    # Independent check of one number: decode and re-encode at t = +-T along field 1, by hand.
    ae, clf = report.autoencoder, report.classifier
    images, labels, _ = load_digits_data(10)
    from sklearn.model_selection import train_test_split

    _, idx_test = train_test_split(range(len(labels)), test_size=0.25, random_state=0, stratify=labels)
    x = torch.as_tensor(images[idx_test], dtype=torch.float64)
    with torch.no_grad(), torch_threads(1):  # small batches: one thread is many times faster here
        # The digits change: the decoded images move by far more than the autoencoder's own error,
        # and by a good part of what the random lines move them.
        reconstruction_error = float((ae.decoder(ae.encoder(x)) - x).abs().mean())
        assert min(report.pixel_distance) > 1.5 * reconstruction_error
        assert min(report.pixel_distance) > 0.4 * report.baseline_pixel_distance
        z0 = ae.encoder(x)
        c0 = clf(ae.encoder(ae.decoder(z0))).argmax(1)
        field = report.discovery.field(0)
        unit = lambda z: field(z) / field(z).norm(dim=1, keepdim=True)  # noqa: E731
        u = torch.randn(z0.shape, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
        z_random = z0 + report.distance * u / u.norm(dim=1, keepdim=True)
        for sign in (1, -1):
            zt = integrate_flow(unit, z0, sign * report.distance, steps=64)[-1]
            kept = float((clf(ae.encoder(ae.decoder(zt))).argmax(1) == c0).double().mean())
            assert kept >= report.flow_kept and kept > 0.95
            assert float((zt - z0).norm(dim=1).mean()) > 0.3 * report.distance  # it goes somewhere
            # Keeping the logits and the density, up to the RK4 error (measured: 1.3 % of what the
            # random lines change the density, at 64 steps).
            for quantity in (clf, report.density):
                change = float((quantity(zt) - quantity(z0)).abs().mean())
                assert change < 0.02 * float((quantity(z_random) - quantity(z0)).abs().mean())


def test_cli_flows_exit_code_follows_convergence(run_cli, tmp_path):
    out = tmp_path / "flows.json"
    r = run_cli("flows", "digits", "--latent", "3", "--classes", "2", "--epochs", "2", "--fit-epochs", "3",
                "--json", out)
    data = json.loads(out.read_text())
    assert r.returncode == (0 if data["converged"] else 3), r.stdout + r.stderr
    assert {"distance", "flow_kept", "control_kept"} <= set(data) and data["prior"] == "gaussian"
    assert "flow_kept" in r.stdout and "control" in r.stdout
    r = run_cli("flows", "digits", "--latent", "3", "--classes", "2", "--distance", "-1")
    assert r.returncode == 2 and "distance must be a positive number" in r.stderr
    r = run_cli("flows", "digits", "--latent", "2", "--classes", "2", "--prior", "gaussian")
    assert r.returncode == 2 and "no direction" in r.stderr
