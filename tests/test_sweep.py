"""Sweeps over couplings and the summary grid, on every executor.

Most tests run the points in this process (an in-process executor that satisfies the same
protocol), so they cost what the points cost. The executor tests start real worker processes:
a ``LocalExecutor`` and a Dask ``LocalCluster`` with two workers; one worker of each is killed
(SIGKILL) in the middle of a sweep, and the results must equal the undisturbed run, point for
point. The 2HDM example runs on the same cluster, and its symmetric points are checked against
the exact solver here, independently of the example's own derivation.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import runpy
import signal
import sys
from pathlib import Path

import pytest
import sympy as sp

from liealg.config import TrainConfig
from liealg.errors import InputFileError, OptionError
from liealg.sweeps import (
    COLUMNS,
    DaskExecutor,
    LocalExecutor,
    SweepResult,
    grid_points,
    parse_number,
    parse_param,
    parse_values,
    point_seed,
    read_points,
    scan_grid,
    sweep,
)

ROOT = Path(__file__).resolve().parents[1]

QUADRIC = "x1**2 + x2**2 + a*x3**2"
FAULT = "x1**2 + x2**2 + a*x3**2 + b*x1*x2"  # points for the executor tests (exact: no training cost)
FAULT_GRID = {"a": "-1,0,1,2", "b": "0,2"}


class Inline:
    """Runs the points here, one after another, and remembers which it ran."""

    name = "inline"
    workers = 1

    def __init__(self) -> None:
        self.ran: list[dict[str, str]] = []

    def __enter__(self) -> Inline:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def imap(self, fn, items):
        for i, item in enumerate(items):
            self.ran.append(dict(getattr(item, "params", ())))
            yield i, True, fn(item)


def outcomes(result: SweepResult) -> list[tuple]:
    return [p.outcome() for p in result.points]


# --------------------------------------------------------------------------- exact values, grids, seeds
def test_parameter_values_are_exact_and_parsed_safely():
    assert parse_number("1/2") == sp.Rational(1, 2)
    assert parse_number("0.1") == sp.Rational(1, 10)
    assert parse_number("-2e-3") == sp.Rational(-1, 500)
    assert parse_number("3/0.5") == 6
    assert parse_number(0.25) == sp.Rational(1, 4)
    assert parse_number("sqrt(2)") == sp.sqrt(2)
    for bad in ["__import__('os').system('true')", "x", "I", "1/0", "", "1e99999999", "open('f')"]:
        with pytest.raises(OptionError):
            parse_number(bad)
    assert parse_values("0:1:5") == tuple(sp.Rational(i, 4) for i in range(5))
    assert parse_values("2:2:1") == (2,)
    assert parse_values(" 0 , 1/3 ,1") == (0, sp.Rational(1, 3), 1)
    assert parse_param("lam=-1:1:3") == ("lam", (-1, 0, 1))
    for bad in ["a", "=1", "a=", "a=0:1", "a=0:1:x", "a=0:1:0", "sin=1", "a__b=1"]:
        with pytest.raises(OptionError):
            parse_param(bad)


def test_values_and_points_from_files(tmp_path):
    values = tmp_path / "a.txt"
    values.write_text("# couplings\n0, 1/2\n1  # last\n")
    assert parse_values(f"@{values}") == (0, sp.Rational(1, 2), 1)
    with pytest.raises(InputFileError):
        parse_values(f"@{tmp_path / 'missing.txt'}")
    pts = tmp_path / "points.csv"
    pts.write_text("a, b\n0, 1/2\n1, 0.25\n")
    assert read_points(pts) == [{"a": 0, "b": sp.Rational(1, 2)}, {"a": 1, "b": sp.Rational(1, 4)}]
    pj = tmp_path / "points.json"
    pj.write_text(json.dumps([{"a": "1/3"}, {"a": 2}]))
    assert read_points(pj) == [{"a": sp.Rational(1, 3)}, {"a": 2}]
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1\n")
    with pytest.raises(InputFileError, match="line 2"):
        read_points(bad)
    bad.write_text("a\nx\n")
    with pytest.raises(InputFileError):
        read_points(bad)


def test_grid_order_and_points_crossed_with_params():
    grid = grid_points({"a": "0,1", "b": [1, "1/2"]}, points=[{"c": 5}, {"c": 6}])
    shown = [{k: str(v) for k, v in p.items()} for p in grid]
    assert shown[:3] == [{"c": "5", "a": "0", "b": "1"}, {"c": "5", "a": "0", "b": "1/2"},
                         {"c": "5", "a": "1", "b": "1"}]
    assert len(grid) == 8
    with pytest.raises(OptionError, match="both"):
        grid_points({"c": "1"}, points=[{"c": 5}])


def test_point_seed_is_a_stable_hash_of_the_exact_values():
    s = point_seed(0, {"a": sp.Rational(1, 2), "b": 1})
    assert s == point_seed(0, {"b": "1", "a": "0.5"})  # order and spelling do not matter
    assert s != point_seed(1, {"a": sp.Rational(1, 2), "b": 1})
    assert s != point_seed(0, {"a": sp.Rational(1, 3), "b": 1})
    assert s == 1004815167  # SHA-256: the same in every process and on every machine


def test_every_symbol_is_a_variable_or_a_parameter():
    with pytest.raises(OptionError, match=r"symbol\(s\) b are neither variables nor parameters: give it a value"):
        sweep("a*x1**2 + b*x2**2", {"a": "1"}, variables="x1 x2", method="exact", executor=Inline())
    with pytest.raises(OptionError, match="do not appear"):
        sweep("a*x1**2 + x2**2", {"a": "1", "c": "2"}, method="exact", executor=Inline())
    with pytest.raises(OptionError, match="both a variable and a parameter"):
        sweep("a*x1**2 + x2**2", {"a": "1"}, variables="a x1 x2", method="exact", executor=Inline())
    with pytest.raises(OptionError, match="at least one parameter"):
        sweep("x1**2", {}, method="exact", executor=Inline())
    with pytest.raises(OptionError, match="clash"):
        sweep("seed*x1**2 + x2**2", {"seed": "1"}, method="exact", executor=Inline())


# --------------------------------------------------------------------------- rows, failures, outputs
def test_a_sweep_names_the_algebra_at_every_point_and_a_failure_is_a_row():
    ex = Inline()
    r = sweep("x1**2 + x2**2/a + x3**2", {"a": "-1,0,1"}, method="exact", executor=ex)
    assert [p.params["a"] for p in r.points] == ["-1", "0", "1"]
    bad = r.points[1]
    assert bad.status == "error" and "undefined" in bad.error and bad.dimension is None
    assert r.points[0].name == "sl(2,R)" and r.points[0].killing_signature == (2, 1, 0)
    assert r.points[2].name == "su(2)" and r.points[2].certified and r.points[2].status == "ok"
    assert r.points[2].seed == point_seed(0, {"a": 1}) and r.points[2].seconds > 0
    assert r.failed == (bad,) and r.complete and r.names == {"sl(2,R)": 1, "?": 1, "su(2)": 1}


def test_a_point_out_of_time_is_recorded_as_such():
    r = sweep(QUADRIC, {"a": "1"}, training=TrainConfig(max_seconds=1e-3), executor=Inline())
    (p,) = r.points
    assert p.status == "timeout" and "max_seconds" in p.error


def test_training_sweep_matches_the_exact_solver():
    r = sweep(QUADRIC, {"a": "-1,1"}, executor=Inline())
    assert [(p.name, p.dimension, p.matches_exact, p.status) for p in r.points] == [
        ("sl(2,R)", 3, True, "ok"), ("su(2)", 3, True, "ok")]


@pytest.mark.parametrize("table", ["csv", "parquet"])
def test_outputs_are_written_per_point_and_resume_skips_finished_points(tmp_path, table):
    if table == "parquet":
        pytest.importorskip("pyarrow")
    js, out = tmp_path / "s.json", tmp_path / f"s.{table}"
    first = Inline()
    sweep(QUADRIC, {"a": "-1,1"}, method="exact", executor=first, json_path=js, out_path=out)
    data = json.loads(js.read_text())
    assert {"executor", "workers", "points", "complete"} <= set(data) and data["complete"] is True
    assert [p["params"] for p in data["points"]] == [{"a": "-1"}, {"a": "1"}]
    assert set(data["points"][0]) >= {"params", "dimension", "name", "killing_signature", "certified",
                                      "matches_exact", "seconds", "timings", "error", "status"}
    # The same sweep grown by two points: only those run; the first two are kept as they were.
    js.unlink()  # resume from the table alone
    again = Inline()
    r = sweep(QUADRIC, {"a": "-1,0,1,2"}, method="exact", executor=again, json_path=js, out_path=out, resume=True)
    assert again.ran == [{"a": "0"}, {"a": "2"}]
    assert r.resumed == 2
    assert [p.params["a"] for p in r.points] == ["-1", "0", "1", "2"] and r.complete
    if table == "csv":
        with out.open(newline="") as fh:
            rows = list(csv.DictReader(fh))
        assert list(rows[0]) == ["index", "a", *COLUMNS[1:]]
    else:
        import pyarrow.parquet as pq

        rows = pq.read_table(out).to_pylist()
    assert [row["a"] for row in rows] == ["-1", "0", "1", "2"]
    assert [row["name"] for row in rows] == ["sl(2,R)", "sim(2)", "su(2)", "su(2)"]  # a = 0: issue 13
    assert SweepResult.load(js).points == r.points
    with pytest.raises(OptionError, match="not in this grid"):
        sweep(QUADRIC, {"a": "1,2"}, method="exact", executor=Inline(), json_path=js, resume=True)
    with pytest.raises(OptionError, match="another formulas"):
        sweep("x1**2 + a*x3**2", {"a": "1"}, method="exact", executor=Inline(), json_path=js, resume=True)


def test_ctrl_c_leaves_a_resumable_file(tmp_path):
    js = tmp_path / "s.json"

    def stop_after_two(done, total, point):
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sweep(QUADRIC, {"a": "-1,0,1,2"}, method="exact", executor=Inline(), json_path=js, progress=stop_after_two)
    data = json.loads(js.read_text())
    assert data["complete"] is False and len(data["points"]) == 2
    ex = Inline()
    r = sweep(QUADRIC, {"a": "-1,0,1,2"}, method="exact", executor=ex, json_path=js, resume=True)
    assert ex.ran == [{"a": "1"}, {"a": "2"}] and r.complete and json.loads(js.read_text())["complete"]


def test_symmetry_maps_in_one_and_two_dimensions(tmp_path):
    from liealg.plots import plot_symmetry_map

    r1 = sweep(QUADRIC, {"a": "-1,0,1"}, method="exact", executor=Inline())
    r2 = sweep("x1**2 + x2**2 + a*x3**2 + b*x1*x2", {"a": "-1,1", "b": "0,2"}, method="exact", executor=Inline())
    plot_symmetry_map(r1, path=tmp_path / "one.png")
    plot_symmetry_map(r2, path=tmp_path / "two.png")
    assert (tmp_path / "one.png").stat().st_size > 1000 and (tmp_path / "two.png").stat().st_size > 1000
    with pytest.raises(OptionError):
        plot_symmetry_map(r2, parameters=["a", "b", "a"])


def test_dask_missing_gives_the_install_hint(monkeypatch):
    import importlib

    from liealg import sweeps

    real = importlib.import_module

    def no_dask(name, *args):
        if name.startswith("dask"):
            raise ImportError(name)
        return real(name, *args)

    monkeypatch.setattr(sweeps.importlib, "import_module", no_dask)
    with pytest.raises(OptionError, match=r"pip install 'liealg\[dask\]'"):
        sweep(QUADRIC, {"a": "1"}, method="exact", executor="dask", workers=1)


def test_options_are_checked_before_any_work():
    for kwargs in ({"executor": "spark"}, {"executor": "local", "scheduler": "tcp://x:1"},
                   {"method": "guess"}, {"resume": True}, {"workers": 0}):
        with pytest.raises(OptionError):
            sweep(QUADRIC, {"a": "1"}, **kwargs)


# --------------------------------------------------------------------------- the summary grid
def test_scan_grid_reads_the_dimension_of_so_n(tmp_path):
    from liealg.plots import plot_scan_grid

    grid = scan_grid("quadratic", dims=(2, 3), max_generators=3, seeds=2, executor=Inline(),
                     training=TrainConfig(restarts=0, epochs=100))
    assert grid.dimension() == {2: 1, 3: 3}  # so(2), so(3): no 2-dimensional subalgebra of so(3)
    lowest = grid.lowest()
    assert lowest.shape == (2, 3) and lowest[1, 2] < 1e-8 < lowest[1, 1]
    data = grid.to_json()
    assert {"executor", "workers", "points", "lowest"} <= set(data) and len(data["points"]) == 4
    plot_scan_grid(grid, path=tmp_path / "grid.png")
    assert (tmp_path / "grid.png").stat().st_size > 1000
    with pytest.raises(OptionError, match="choose one of"):
        scan_grid("cubic", dims=(2,), max_generators=1, seeds=1, executor=Inline())


# --------------------------------------------------------------------------- real executors
@pytest.fixture(scope="module")
def inline_run():
    """The reference: the sweep run here, point after point."""
    return sweep(FAULT, FAULT_GRID, method="exact", seed=3, executor=Inline())


@pytest.fixture(scope="module")
def local_run():
    """The same sweep on two local worker processes; one of them is killed after the first point
    (the point in flight on it, if any, runs again on a new process)."""
    killed: list[int] = []
    with LocalExecutor(2, retries=2) as ex:
        def kill_one(done, total, point):
            pids = ex.pids()
            if not killed and pids and done < total:
                os.kill(pids[0], signal.SIGKILL)
                killed.append(pids[0])

        result = sweep(FAULT, FAULT_GRID, method="exact", seed=3, executor=ex, progress=kill_one)
    return result, killed


def test_local_executor_loses_no_point_when_a_worker_is_killed(local_run, inline_run):
    result, killed = local_run
    assert killed, "no worker process was killed"
    assert result.executor == "local" and result.workers == 2
    assert len(result.points) == 8 and all(p.status == "ok" for p in result.points)
    assert outcomes(result) == outcomes(inline_run)
    assert len({p.worker for p in result.points}) >= 2


@pytest.fixture(scope="module")
def dask_client():
    """A real Dask cluster: a scheduler and two single-threaded worker processes."""
    dd = pytest.importorskip("dask.distributed")
    cluster = dd.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
    client = dd.Client(cluster)
    yield client
    client.close()
    cluster.close()



@pytest.fixture
def run_cli(capsys):
    from liealg import cli

    def run(*args):
        capsys.readouterr()
        try:
            code = cli.main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_cli_sweep_on_a_dask_scheduler(dask_client, run_cli, tmp_path):
    address = dask_client.scheduler.address
    js, out, plots = tmp_path / "s.json", tmp_path / "s.csv", tmp_path / "plots"
    code, stdout, stderr = run_cli("sweep", "x1**2 + x2**2/a + x3**2", "--vars", "x1 x2 x3", "--param", "a=-1:1:3",
                                   "--method", "exact", "--executor", "dask", "--scheduler", address,
                                   "--json", js, "--out", out, "--plot", plots, "--quiet")
    assert code == 3, stderr  # the point a=0 is undefined: recorded, and the exit code says so
    assert "1 of 3 point(s) not ok: error 1" in stderr
    assert "sl(2,R)" in stdout and "su(2)" in stdout and (plots / "symmetry_map.png").exists()
    data = json.loads(js.read_text())
    assert data["executor"] == "dask" and data["workers"] == len(dask_client.nthreads()) and len(data["points"]) == 3
    assert data["points"][1]["status"] == "error"
    local = sweep("x1**2 + x2**2/a + x3**2", {"a": "-1:1:3"}, variables="x1 x2 x3", method="exact", executor=Inline())
    assert [tuple(p.outcome()) for p in SweepResult.load(js).points] == outcomes(local)
    # The summary grid's training runs on the Dask workers too (n = 2, N_g = 1, 2: so(2) has dimension 1).
    code, stdout, _ = run_cli("scan", "--grid", "--family", "quadratic", "--n-max", "2", "--max", "2", "--seeds",
                              "1", "--epochs", "100", "--executor", "dask", "--scheduler", address,
                              "--json", tmp_path / "g.json", "--plot", plots, "--quiet")
    assert code == 0 and (plots / "scan_grid.png").exists()
    grid = json.loads((tmp_path / "g.json").read_text())
    assert grid["dimension"] == {"2": 1} and grid["executor"] == "dask" and len(grid["points"]) == 1


@pytest.mark.parametrize("args, message", [
    (["x1**2 + a*x2**2", "--param", "a"], "NAME=VALUES"),
    (["a*x1**2 + b*x2**2", "--vars", "x1 x2", "--param", "a=1"], "b"),
    (["x1**2 + a*x2**2", "--param", "a=1", "--param", "a=2"], "twice"),
    (["x1**2 + a*x2**2", "--param", "a=1", "--scheduler", "tcp://h:1"], "--executor dask"),
    (["x1**2 + a*x2**2", "--param", "a=__import__('os')"], "not a number"),
    (["x1**2 + a*x2**2"], "--param"),
    (["x1**2 + a*x2**2", "--param", "a=1", "--out", "s.xlsx"], "CSV or Parquet"),
])
def test_cli_sweep_bad_input_is_one_line_and_exit_2(run_cli, args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, stderr = run_cli("sweep", *args, "--method", "exact")
    assert code == 2 and message in stderr and len(stderr.strip().splitlines()) == 1, stderr


# --------------------------------------------------------------------------- the 2HDM example
def test_2hdm_example_finds_the_symmetric_points_the_exact_solver_confirms(dask_client, tmp_path, monkeypatch):
    from liealg.exact import solve_symmetries
    from liealg.oracle import Oracle

    script = ROOT / "examples" / "sweep_2hdm.py"
    monkeypatch.setattr(sys, "argv", [str(script), "--plot", str(tmp_path), "--json", str(tmp_path / "map.json"),
                                      "--executor", "dask", "--scheduler", dask_client.scheduler.address])
    monkeypatch.syspath_prepend(str(script.parent))
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exit_info:
        runpy.run_path(str(script), run_name="__main__")
    assert exit_info.value.code == 0, out.getvalue()
    assert "all known symmetric points found" in out.getvalue()
    assert (tmp_path / "2hdm_map.png").exists() and (tmp_path / "2hdm_line.png").exists()

    # Independently of the example's derivation: the exact solver on the substituted potential.
    example = runpy.run_path(str(script), run_name="example")
    V, fields = example["potential"](), [str(s) for s in example["FIELDS"]]

    def dimension(**couplings):
        subs = {sp.Symbol(k, real=True): sp.Rational(v) for k, v in couplings.items()}
        return len(solve_symmetries(Oracle(V.xreplace(subs), variables=fields)))

    base = {k: str(v) for k, v in example["MAP_FIXED"].items()}
    peccei_quinn = dimension(**base, l4="1", l5="0")
    custodial = dimension(**base, l4="1/2", l5="1/2")
    generic = dimension(**{**base, "m12": "1/3", "l6": "1/5", "l7": "1/7"}, l4="1/2", l5="1")
    assert (generic, peccei_quinn, custodial) == (4, 5, 6)
    line = {k: str(v) for k, v in example["LINE_FIXED"].items()}
    assert dimension(**line, l3="1") == dimension(**line, l3="2") == 7  # Higgs-family U(2)
    assert dimension(**line, l3="1/2") == 5
    points = {tuple(p["params"][k] for k in ("l4", "l5")): p for p in
              json.loads((tmp_path / "map.json").read_text())["points"]}
    assert points[("1", "0")]["dimension"] == peccei_quinn
    assert points[("1/2", "1/2")]["dimension"] == custodial
    assert points[("1/2", "1")]["dimension"] == 4 and points[("1/2", "1")]["name"] == "su(2) ⊕ u(1)"


# The worker killed here is restarted by its nanny in the background (slowly, on a busy machine):
# this test comes last so that no other test waits for it.
def test_dask_equals_the_local_run_and_loses_no_point_when_a_worker_dies(dask_client, local_run):
    client = dask_client
    killed: list[str] = []

    def kill_a_busy_worker(done, total, point):
        if killed or done == total:
            return
        busy = [w for w, keys in client.processing().items() if keys]
        if busy:
            pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
            os.kill(pid, signal.SIGKILL)
            killed.append(busy[0])

    result = sweep(FAULT, FAULT_GRID, method="exact", seed=3, executor=DaskExecutor(client=client),
                   progress=kill_a_busy_worker)
    assert killed, "no busy worker was found to kill"
    assert result.executor == "dask" and len(result.points) == 8
    assert all(p.status == "ok" for p in result.points)
    assert outcomes(result) == outcomes(local_run[0])


@pytest.mark.slow
def test_summary_grid_through_local_workers_reads_so2_so3_so4(tmp_path):
    """The talk's grid at a useful size: n = 2..4, N_g = 1..6, two seeds, two worker processes."""
    from liealg.plots import plot_scan_grid

    grid = scan_grid("quadratic", dims=(2, 3, 4), max_generators=6, seeds=2, executor="local", workers=2)
    assert grid.dimension() == {2: 1, 3: 3, 4: 6} and grid.executor == "local" and grid.workers == 2
    assert not [c for c in grid.cells if c.error]
    plot_scan_grid(grid, path=tmp_path / "grid.png")
