"""Batch files: expansion into concrete scenarios, and every problem named by file, line and field."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from qdsim.api import load_scenario
from qdsim.batch import load_batch
from qdsim.batch.spec import MAX_POINTS
from qdsim.cli import app
from qdsim.foundation.catalogue import load_catalogue
from qdsim.results.provenance import planned_run_id
from qdsim.scenario import ScenarioError

from ..conftest import SCENARIOS
from .helpers import grid_batch, write_batch

EXAMPLES = sorted((SCENARIOS / "batches").glob("*.yaml"))


def problems(path) -> list[str]:
    with pytest.raises(ScenarioError) as e:
        load_batch(path)
    return [str(p) for p in e.value.problems]


# -- the shipped examples ---------------------------------------------------------
def test_there_are_examples_of_lists_grids_and_samples():
    text = "".join(p.read_text(encoding="utf-8") for p in EXAMPLES)
    assert {"scenarios:", "grid:", "sample:", "adaptive:"} <= {k for k in ("scenarios:", "grid:", "sample:", "adaptive:") if k in text}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_shipped_batch_files_load(path):
    batch = load_batch(path)
    assert batch.points and len({p.dir_name for p in batch.points}) == len(batch.points)


def test_validate_accepts_shipped_batch_files():
    r = CliRunner().invoke(app, ["validate", *map(str, EXAMPLES)])
    assert r.exit_code == 0, r.output


# -- expansion ------------------------------------------------------------------
def test_a_grid_is_every_combination(tmp_path):
    batch = load_batch(grid_batch(tmp_path, [0, 500, 1000], [3500, 4200]))
    assert len(batch.points) == 6
    assert [p.id for p in batch.points] == [f"p00{i}" for i in range(6)]
    combos = {(p.scenario.levers.labour.subsidy_per_worker[0], p.scenario.overrides["wage_qingdao"]) for p in batch.points}
    assert combos == {(s, w) for s in (0, 500, 1000) for w in (3500, 4200)}
    assert batch.varied == ["levers.labour.subsidy_per_worker", "overrides.wage_qingdao"]
    assert all(p.scenario.replicates == 1 and p.scenario.seed == 7 for p in batch.points)


def test_point_ids_depend_on_values_not_on_how_they_are_written(tmp_path):
    a = load_batch(grid_batch(tmp_path / "a", [1000], [3500]))
    b = load_batch(grid_batch(tmp_path / "b", ["1000 元", 0], [3500]))
    assert a.points[0].scenario.id == b.points[0].scenario.id
    assert a.points[0].run_id == b.points[0].run_id
    assert a.points[0].scenario.id.startswith("tiny-")


def test_a_list_of_scenario_files_runs_each_as_qdsim_run_would(tmp_path):
    path = tmp_path / "list.yaml"
    path.write_text(
        f"batch: {{id: two}}\nscenarios: [{SCENARIOS / 'baseline.yaml'}, {SCENARIOS / 'stop-after-2025.yaml'}]\nreplicates: 2\nscale: 0.002\n",
        encoding="utf-8",
    )
    batch = load_batch(path)
    assert [p.scenario.id for p in batch.points] == ["baseline", "stop-after-2025"]
    base = load_scenario(SCENARIOS / "baseline.yaml")
    same = base.model_validate({**base.model_dump(), "replicates": 2, "scale": 0.002})
    assert batch.points[0].run_id == planned_run_id(same)  # `qdsim run baseline.yaml --replicates 2 --scale 0.002`


def test_explicit_points_and_set(tmp_path):
    batch = load_batch(write_batch(tmp_path, """\
        batch: {id: pts}
        base: tiny.yaml
        points:
          - {levers.labour.subsidy_per_worker: 0}
          - {levers.labour.subsidy_per_worker: 2000, conditions.drought.2022: 0.8}
        set:
          horizon.mode: stop
          horizon.after: 2022
        """))
    p0, p1 = batch.points
    assert p0.scenario.horizon.mode == "stop" and p1.scenario.horizon.after == 2022
    assert p1.scenario.conditions.drought == {2021: 0.0, 2022: 0.8, 2023: 0.0}
    assert p0.values == {"levers.labour.subsidy_per_worker": 0}


def test_a_multiplier_scales_every_year_and_a_year_path_sets_one_step(tmp_path):
    batch = load_batch(write_batch(tmp_path, f"""\
        batch: {{id: mult}}
        base: {SCENARIOS / 'baseline.yaml'}
        points:
          - {{levers.funds.fiscal*: 0.5}}
          - {{levers.funds.fiscal.2027: 8 亿元}}
          - {{overrides.wage_qingdao*: 1.1}}
        """))
    base = load_scenario(SCENARIOS / "baseline.yaml").levers.funds.fiscal
    half, step, wage = (p.scenario for p in batch.points)
    assert half.levers.funds.fiscal == {y: v * 0.5 for y, v in base.items()}
    assert step.levers.funds.fiscal == {**base, 2027: 8e8}
    assert wage.overrides["wage_qingdao"] == pytest.approx(load_catalogue().parameters["wage_qingdao"].value * 1.1)


def test_a_latin_hypercube_covers_each_range_once_per_slice(tmp_path):
    path = write_batch(tmp_path, """\
        batch: {id: lhs}
        base: tiny.yaml
        sample:
          n: 10
          seed: 3
          ranges:
            overrides.wage_qingdao: plausible
            overrides.logit_beta:
            levers.labour.subsidy_per_worker: ["0 元", 2000]
        """)
    batch = load_batch(path)
    assert len(batch.points) == 10
    lo, hi = load_catalogue().parameters["wage_qingdao"].range
    for path_, (a, b) in {"overrides.wage_qingdao": (lo, hi), "overrides.logit_beta": load_catalogue().parameters["logit_beta"].range,
                          "levers.labour.subsidy_per_worker": (0, 2000)}.items():
        x = np.array([p.values[path_] for p in batch.points])
        assert ((x >= a) & (x <= b)).all()
        slices = np.floor((x - a) / (b - a) * 10).clip(0, 9)
        assert sorted(slices) == list(range(10)), path_  # one point in each tenth of the range
    again = load_batch(path)
    assert [p.run_id for p in again.points] == [p.run_id for p in batch.points]


# -- problems: file:line: field: message ---------------------------------------------
BAD = {
    "unknown top-level key": ("batch: {id: x}\nbase: tiny.yaml\ngrid: {scale: [0.001]}\ncolour: red\n", "batch.yaml:4: colour: unknown field"),
    "unknown key in batch:": ("batch: {id: x, owner: me}\nbase: tiny.yaml\ngrid: {scale: [0.001]}\n", "batch.yaml:1: batch.owner: unknown field"),
    "wrong type": ("batch: {id: x}\nbase: tiny.yaml\ngrid: {scale: [0.001]}\nreplicates: many\n", "batch.yaml:4: replicates:"),
    "bad id": ("batch: {id: Not Valid}\nbase: tiny.yaml\ngrid: {scale: [0.001]}\n", "batch.yaml:1: batch.id:"),
    "unknown lever": ("batch: {id: x}\nbase: tiny.yaml\ngrid:\n  levers.labour.subsidy: [1]\n",
                      "batch.yaml:4: grid.levers.labour.subsidy: levers.labour has no field 'subsidy' (did you mean 'subsidy_per_worker'?)"),
    "unknown parameter": ("batch: {id: x}\nbase: tiny.yaml\ngrid:\n  overrides.wage_qingdoa: [1]\n",
                          "batch.yaml:4: grid.overrides.wage_qingdoa: no parameter 'wage_qingdoa' in the parameter catalogue (did you mean 'wage_qingdao'?)"),
    "seed cannot vary": ("batch: {id: x}\nbase: tiny.yaml\npoints:\n  - {seed: 3}\n", "batch.yaml:4: points.0.seed: seed cannot be varied"),
    "path into a value": ("batch: {id: x}\nbase: tiny.yaml\ngrid:\n  scale.x: [1]\n", "batch.yaml:4: grid.scale.x: scale is a single value"),
    "bad value": ("batch: {id: x}\nbase: tiny.yaml\ngrid:\n  levers.labour.subsidy_per_worker: [0, -5]\n",
                  "batch.yaml:4: grid.levers.labour.subsidy_per_worker: -5元/人 is outside the allowed range [0元/人, 100,000元/人] "
                  "(levers.labour.subsidy_per_worker = -5) (point p001)"),
    "wrong unit": ("batch: {id: x}\nbase: tiny.yaml\npoints:\n  - {levers.funds.fiscal: 5 亩}\n",
                   "batch.yaml:4: points[0].levers.funds.fiscal: wrong unit '亩': write an amount in 元, 万元 or 亿元"),
    "year outside the period": ("batch: {id: x}\nbase: tiny.yaml\npoints:\n  - {levers.funds.fiscal.2026: 1}\n",
                                "batch.yaml:4: points[0].levers.funds.fiscal.2026: levers.funds.fiscal: year 2026 is outside the period 2021–2023"),
    "share above 1": ("batch: {id: x}\nbase: tiny.yaml\ngrid:\n  levers.consumption.canteen_share: [0.5, 1.5]\n",
                      "batch.yaml:4: grid.levers.consumption.canteen_share: 150% is outside the allowed range [0%, 100%]"),
    "too many points": ("batch: {id: x}\nbase: tiny.yaml\ngrid:\n"
                        + "".join(f"  overrides.{p}: [{', '.join(str(i) for i in range(10))}]\n"
                                  for p in ("wage_qingdao", "wage_local", "wage_elsewhere", "logit_beta", "fill_rate")),
                        f"batch.yaml:3: grid: 100,000 points is more than the {MAX_POINTS:,} a batch may have"),
    "too many samples": ("batch: {id: x}\nbase: tiny.yaml\nsample:\n  n: 20000\n  ranges: {overrides.wage_qingdao: plausible}\n", "batch.yaml:4: sample.n:"),
    "too many replicate runs": ("batch: {id: x}\nbase: tiny.yaml\ngrid:\n  overrides.wage_qingdao: ["
                                + ", ".join(str(3500 + i) for i in range(300)) + "]\nreplicates: 1000\n",
                                "batch.yaml:1: batch: 300 points × 1000 replicates is more than"),
    "base and scenarios": ("batch: {id: x}\nbase: tiny.yaml\nscenarios: [tiny.yaml]\ngrid: {scale: [0.001]}\n", "batch.yaml:1: (file): name the scenarios to run"),
    "base without variation": ("batch: {id: x}\nbase: tiny.yaml\n", "base: needs points:, grid: or sample:"),
    "two ways of varying": ("batch: {id: x}\nbase: tiny.yaml\ngrid: {scale: [0.001]}\npoints: [{scale: 0.002}]\n", "vary in one way only"),
    "missing base file": ("batch: {id: x}\nbase: nowhere.yaml\ngrid: {scale: [0.001]}\n", "batch.yaml:2: base: no scenario file 'nowhere.yaml'"),
    "empty grid list": ("batch: {id: x}\nbase: tiny.yaml\ngrid:\n  scale: []\n", "batch.yaml:4: grid.scale: give at least one value"),
    "value twice": ("batch: {id: x}\nbase: tiny.yaml\ngrid:\n  scale: [0.001, 0.001]\n", "batch.yaml:4: grid.scale: a value is listed twice"),
    "same scenario twice": ("batch: {id: x}\nscenarios: [tiny.yaml, tiny.yaml]\n", "point p001 is the same run as point p000"),
    "adaptive unknown metric": ("batch: {id: x}\nbase: tiny.yaml\ngrid: {scale: [0.001]}\nadaptive: {metric: income, target_width: 10}\n",
                                "batch.yaml:4: adaptive.metric: unknown metric 'income'"),
    "adaptive two targets": ("batch: {id: x}\nbase: tiny.yaml\ngrid: {scale: [0.001]}\n"
                             "adaptive:\n  metric: monitored_share\n  target_width: 0.1\n  target_relative: 0.1\n",
                             "batch.yaml:4: adaptive: give exactly one of target_width"),
    "adaptive and replicates": ("batch: {id: x}\nbase: tiny.yaml\ngrid: {scale: [0.001]}\nreplicates: 3\nadaptive: {metric: monitored_share, target_width: 0.1}\n",
                                "batch.yaml:1: (file): with adaptive:, the first number of replicates is adaptive.start"),
    "range the wrong way": ("batch: {id: x}\nbase: tiny.yaml\nsample:\n  n: 3\n  ranges: {overrides.wage_qingdao: [5000, 4000]}\n",
                            "batch.yaml:5: sample.ranges.overrides.wage_qingdao: low 5000 must be below high 4000"),
    "lever without range": ("batch: {id: x}\nbase: tiny.yaml\nsample:\n  n: 3\n  ranges: {levers.funds.fiscal: plausible}\n",
                            "only overrides.<parameter> defaults to the catalogue's plausible range"),
    "yaml tag": ("batch: !!python/object:os.system {id: x}\n", "YAML tags are not allowed"),
    "not a batch": ("base: tiny.yaml\ngrid: {scale: [0.001]}\n", "batch.yaml:1: batch: a batch file starts with a batch: section"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_every_problem_names_file_line_and_field(tmp_path, name):
    text, expected = BAD[name]
    found = problems(write_batch(tmp_path, text))
    assert any(expected in p.replace(str(tmp_path) + "/", "") for p in found), found


def test_all_problems_are_listed_at_once(tmp_path):
    found = problems(write_batch(tmp_path, """\
        batch: {id: x, colour: red}
        base: tiny.yaml
        grid:
          levers.labour.subsidy: [0, 500]
          overrides.wage_qingdoa: [3500, 4200]
        """))
    assert len(found) == 3
    assert [p.split(":")[1] for p in found] == ["1", "4", "5"]


def test_a_problem_in_the_base_scenario_names_the_scenario_file(tmp_path):
    (tmp_path / "broken.yaml").write_text("id: broken\ntitle: {zh: 坏, en: Broken}\nscale: 7\n", encoding="utf-8")
    found = problems(write_batch(tmp_path, "batch: {id: x}\nbase: broken.yaml\ngrid: {overrides.wage_qingdao: [4000]}\n"))
    assert any(p.startswith(f"{tmp_path / 'broken.yaml'}:3: scale:") for p in found), found
    assert any("batch.yaml:2: base:" in p for p in found)


def test_validate_command_prints_batch_problems_and_exits_2(tmp_path):
    path = write_batch(tmp_path, "batch: {id: x}\nbase: tiny.yaml\ngrid:\n  levers.labour.subsidy_per_worker: [0, -5]\n")
    r = CliRunner().invoke(app, ["validate", str(path)])
    assert r.exit_code == 2
    assert f"{path}:4: grid.levers.labour.subsidy_per_worker: -5元/人 is outside" in r.output.replace("\n", "")
    assert "Traceback" not in r.output


def test_variations_apply_to_each_listed_scenario(tmp_path):
    write_batch(tmp_path, "")
    (tmp_path / "other.yaml").write_text("extends: tiny.yaml\nid: other\ntitle: {zh: 另一个, en: Other}\nhorizon: {mode: stop, after: 2022}\n", encoding="utf-8")
    batch = load_batch(write_batch(tmp_path, "batch: {id: cross}\nscenarios: [tiny.yaml, other.yaml]\ngrid:\n  overrides.wage_qingdao: [3500, 5000]\n"))
    assert [(p.base, p.values["overrides.wage_qingdao"]) for p in batch.points] == [("tiny", 3500), ("tiny", 5000), ("other", 3500), ("other", 5000)]
    assert batch.points[2].scenario.horizon.mode == "stop" and batch.points[0].scenario.horizon.mode == "continue"
    assert len({p.scenario.id for p in batch.points}) == 4
