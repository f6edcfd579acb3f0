"""Oracle-preserving latent flows on the 8x8 digits: a tiny end-to-end run and the options."""

from __future__ import annotations

import pytest

import json

from liealg.config import TrainConfig
from liealg.errors import OptionError
from liealg.flows import digits_flows, flows_to_json, load_digits_data, report_flows
from liealg.nonlinear import FieldNetwork


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
