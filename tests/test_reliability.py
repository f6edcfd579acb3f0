"""Long runs and saved state: interrupts, checkpoints, atomic writes, no pickle."""

import json
import os
import pickle

import numpy as np
import pytest

from liealg.config import TrainConfig
from liealg.errors import InputFileError, OptionError
from liealg.io import write_json_atomic
from liealg.oracle import Oracle
from liealg.pipeline import discover
from liealg.training import fit

LORENTZ = Oracle("x1**2 + x2**2 + x3**2 - x4**2")


def test_ctrl_c_returns_the_best_result_so_far():
    seen = []

    def progress(epoch, losses):
        seen.append(losses["total"])
        if epoch == 50:
            raise KeyboardInterrupt

    r = fit(LORENTZ, 6, seed=0, training=TrainConfig(optimizer="adam", epochs=1000, restarts=0), progress=progress)
    assert r.interrupted and not r.converged
    # The kept generators are the best seen (their trained loss, without the reported closure).
    assert r.history.terms["total"][r.best_epoch - 1] == pytest.approx(min(seen))
    assert r.loss["invariance"] == r.history.terms["invariance"][r.best_epoch - 1]
    result = discover(LORENTZ, seed=0, training=TrainConfig(optimizer="adam", epochs=1000), progress=progress)
    assert result.interrupted and any("interrupted" in n for n in result.notes)


def test_checkpoint_resume_continues_the_same_run(tmp_path):
    path = tmp_path / "ck.pt"
    first = fit(LORENTZ, 6, seed=0, training=TrainConfig(optimizer="adam", epochs=100, checkpoint=path,
                                                      checkpoint_every=25, restarts=0))
    assert path.exists()
    resumed = fit(LORENTZ, 6, seed=0, training=TrainConfig(optimizer="adam", epochs=300, checkpoint=path, resume=True,
                                                        restarts=0))
    straight = fit(LORENTZ, 6, seed=0, training=TrainConfig(optimizer="adam", epochs=300, restarts=0))
    assert resumed.history.epochs == 300
    assert resumed.history.terms["total"][:100] == first.history.terms["total"]
    # Adam's moment estimates restart on resume, so the continuation is close, not identical.
    assert resumed.loss["total"] < first.loss["total"]
    assert straight.loss["total"] < first.loss["total"]


def test_checkpoint_of_another_run_is_refused(tmp_path):
    path = tmp_path / "ck.pt"
    fit(LORENTZ, 6, seed=0, training=TrainConfig(epochs=2, checkpoint=path, restarts=0))
    with pytest.raises(InputFileError, match="belongs to another run"):
        fit(LORENTZ, 5, seed=0, training=TrainConfig(checkpoint=path, resume=True))
    with pytest.raises(OptionError, match="needs checkpoint"):
        TrainConfig(resume=True)


def test_checkpoint_with_code_is_refused(tmp_path):
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned > " + str(tmp_path / "pwned"),))

    path = tmp_path / "evil.pt"
    with open(path, "wb") as fh:
        pickle.dump({"liealg_checkpoint": 1, "x": Evil()}, fh)
    with pytest.raises(InputFileError, match="cannot read the checkpoint"):
        fit(LORENTZ, 6, training=TrainConfig(checkpoint=path, resume=True))
    assert not (tmp_path / "pwned").exists()


def test_atomic_write_leaves_old_file_when_serialization_fails(tmp_path):
    path = tmp_path / "r.json"
    write_json_atomic(path, {"a": 1})
    with pytest.raises(ValueError):
        write_json_atomic(path, {"a": float("nan")})  # NaN is not JSON: refused before replacing
    assert json.loads(path.read_text()) == {"a": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_same_seed_same_discovery():
    a = discover(LORENTZ, seed=3)
    b = discover(LORENTZ, seed=3)
    assert np.array_equal(a.learned, b.learned) and a.generators == b.generators
