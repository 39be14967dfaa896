"""Bad scenario files: every one gets `file:line: field: message`, exit 2, no traceback, nothing written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from qdsim.cli import app
from qdsim.scenario import ScenarioError, loads_scenario
from qdsim.validate import validate_file

from ..conftest import SCENARIOS

CORPUS = sorted((Path(__file__).parent / "corpus").glob("*.yaml"))
LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<field>[^:]+): (?P<msg>.+)$")
runner = CliRunner()


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 50


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_every_broken_file_is_reported_precisely(path):
    problems = validate_file(path)
    assert problems, f"{path.name} was accepted"
    for p in problems:
        m = LINE.match(str(p))
        assert m, str(p)
        assert m["file"] == str(path) and int(m["line"]) >= 1


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_cli_exits_2_and_writes_nothing(path, tmp_path):
    r = runner.invoke(app, ["validate", str(path)])
    assert r.exit_code == 2 and "Traceback" not in r.output
    out = tmp_path / "out"
    r = runner.invoke(app, ["run", str(path), "--out", str(out), "--quiet"])
    assert r.exit_code == 2 and not out.exists() and "Traceback" not in r.output
    assert not any(tmp_path.iterdir())


def _mutations():
    base = yaml.safe_load((SCENARIOS / "baseline.yaml").read_text(encoding="utf-8"))
    leaves = []

    def walk(d, path=()):
        if isinstance(d, dict):
            for k, v in d.items():
                walk(v, path + (k,))
        else:
            leaves.append(path)

    walk(base)
    junk = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
                     st.text(max_size=20), st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))
    return base, st.lists(st.tuples(st.sampled_from(leaves), junk), min_size=1, max_size=4)


BASE, MUTATIONS = _mutations()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MUTATIONS)
def test_any_mutation_either_loads_or_is_reported(mutations):
    import copy

    data = copy.deepcopy(BASE)
    for path, value in mutations:
        d = data
        for k in path[:-1]:
            d = d[k]
        d[path[-1]] = value
    text = yaml.safe_dump(data, allow_unicode=True)
    try:
        loads_scenario(text, "m.yaml")
    except ScenarioError as e:
        assert e.problems
        for p in e.problems:
            assert LINE.match(str(p)), str(p)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300) | st.text(max_size=300))
def test_arbitrary_bytes_never_crash(blob):
    try:
        loads_scenario(blob, "x.yaml")
    except ScenarioError as e:
        assert all(LINE.match(str(p)) for p in e.problems)


def test_uploaded_text_cannot_reach_server_files():
    with pytest.raises(ScenarioError) as e:
        loads_scenario("extends: baseline.yaml\nid: a\ntitle: {zh: x, en: y}\n", "<upload>")
    assert "not allowed in an uploaded scenario" in str(e.value)
