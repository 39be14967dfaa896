"""No code execution from inputs, no path traversal through output or upload paths, nothing secret in outputs."""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import qdsim
from qdsim import api
from qdsim.app import state
from qdsim.batch import load_batch
from qdsim.cli import app
from qdsim.results.outputs import OUTPUT_FILES, copy_outputs
from qdsim.results.result import RunResult
from qdsim.scenario import ScenarioError, loads_scenario
from qdsim.scenario import yamlfile as loader_module
from qdsim.validate import validate_file

from .helpers import LINE, TINY, files_under, tiny_batch, tiny_dir

runner = CliRunner()
SRC = Path(qdsim.__file__).resolve().parent
ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
TITLE = "title: {zh: 标签, en: Tag}\n"


# -- no code execution: safe YAML only --------------------------------------------------------
def tags(sentinel: Path) -> list[str]:
    """YAML tags that build Python objects (or run a command) under an unsafe loader."""
    return [
        f'!!python/object/apply:os.system ["touch {sentinel}"]',
        f'!!python/object/new:subprocess.check_call [["touch", "{sentinel}"]]',
        "!!python/name:os.system",
        "!!python/module:os",
        "!!python/object:collections.OrderedDict {}",
        "!!python/tuple [1, 2]",
        "!!python/bytes aGVsbG8=",
        "!ruby/object:Gem::Installer {}",
    ]


def _contexts(tmp: Path, tag: str) -> list[tuple[str, Path]]:
    """The same tag in a scenario, a scenario it extends, a batch, a grid value and a batch's base scenario."""
    d = tiny_dir(tmp)
    files = {
        "scenario.yaml": f"id: {tag}\n{TITLE}",
        "tagged-base.yaml": f"id: tagged\n{TITLE}scale: {tag}\n",
        "child.yaml": f"extends: tagged-base.yaml\nid: child\n{TITLE}",
        "batch.yaml": f"batch:\n  id: {tag}\nbase: tiny.yaml\ngrid: {{overrides.wage_qingdao: [3500]}}\n",
        "grid.yaml": f"batch: {{id: b}}\nbase: tiny.yaml\ngrid:\n  overrides.wage_qingdao:\n    - 3500\n    - {tag}\n",
        "base.yaml": "batch: {id: b}\nscenarios: [tiny.yaml, tagged-base.yaml]\n",
    }
    for name, text in files.items():
        (d / name).write_text(text, encoding="utf-8")
    return [(n, d / n) for n in ("scenario.yaml", "child.yaml", "batch.yaml", "grid.yaml", "base.yaml")]


@pytest.mark.parametrize("i", range(8))
def test_python_tags_are_refused_everywhere_and_run_nothing(i, tmp_path, monkeypatch):
    sentinel = tmp_path / "pwned"
    tag = tags(sentinel)[i]
    monkeypatch.setenv("QDSIM_HOME", str(tmp_path / "home"))
    for name, path in _contexts(tmp_path / "in", tag):
        problems = validate_file(path)
        assert any("YAML tags are not allowed" in p.message for p in problems), (name, [str(p) for p in problems])
        assert all(LINE.match(str(p)) for p in problems)
        command = "batch" if name in ("batch.yaml", "grid.yaml", "base.yaml") else "run"
        r = runner.invoke(app, [command, str(path), "--out", str(tmp_path / "out"), "--quiet"])
        assert r.exit_code == 2 and "YAML tags are not allowed" in r.output and "Traceback" not in r.output
    monkeypatch.setattr(state, "scenarios_dir", lambda: tmp_path / "in")  # the app's scenarios folder holds the tagged file
    for text in (f"id: {tag}\n{TITLE}", f"extends: tagged-base.yaml\nid: up\n{TITLE}"):  # an upload, and one extending a tagged file
        with pytest.raises(ScenarioError, match="YAML tags are not allowed"):
            state.parse_upload("up.yaml", text.encode())
    assert not sentinel.exists() and not (tmp_path / "out").exists() and not (tmp_path / "home").exists()


@settings(max_examples=60, deadline=None)
@given(tag=st.sampled_from(["!!binary aGVsbG8=", "!!set {a, b}", "!!omap [{a: 1}]", "!!pairs [{a: 1}]", "!!timestamp 2021-01-01",
                            "!!float 1e3", "!!str 12", "!!null ''", "!!bool yes", "!custom 3", "!<tag:example.com,2000:x> 1"]),
       field=st.sampled_from(["id", "scale", "replicates", "title", "levers", "seed", "description"]))
def test_standard_and_unknown_tags_never_crash(tag, field):
    data = {"id": "t", "title": "{zh: 标签, en: Tag}"}
    data[field] = tag
    text = "".join(f"{k}: {v}\n" for k, v in data.items())
    try:
        s = loads_scenario(text, "t.yaml")
    except ScenarioError as e:
        assert all(LINE.match(str(p)) for p in e.problems)
    else:
        assert ID.match(s.id)


def test_the_source_loads_yaml_safely_only():
    assert issubclass(loader_module._Loader, yaml.SafeLoader)
    for f in SRC.rglob("*.py"):
        text = f.read_text(encoding="utf-8")
        if f.relative_to(SRC).as_posix() == "calibration/sampler.py":
            # the one exception: pyABC's sampling closure, serialised by this process and handed to its own workers
            # (what multiprocessing and Dask do with every task); never bytes read from a file or a user
            text = text.replace("cloudpickle.loads(payload)", "")
        if f.relative_to(SRC).as_posix() == "simulation/snapshots.py":
            # the other: model states this process's own worker processes pickled, kept in this process's memory
            # and handed back to them (qdsim.simulation.snapshots); never written to disk, never bytes from a file or a user
            assert text.count("pickle.loads(") == 1 and "open(" not in text and "read_bytes" not in text
            text = text.replace("pickle.loads(state)", "")
        for bad in ("unsafe_load", "FullLoader", "UnsafeLoader", "yaml.Loader", "full_load", "pickle.load", "marshal.load"):
            assert bad not in text, f"{f}: {bad}"
        assert not re.search(r"(?<![\w.])(eval|exec)\(", text), f
        for m in re.finditer(r"yaml\.load\(([^)]*)\)", text):
            assert "Loader=_Loader" in m.group(1), f"{f}: {m.group(0)}"


# -- no path traversal -------------------------------------------------------------------------
@pytest.mark.parametrize("bad_id", ["../evil", "a/b", "..", ".", "a\\b", "x\x00y", "Baseline", "中文", "-x", "_x", "a" * 65, "a b", "a.b", ""])
def test_scenario_and_batch_ids_cannot_name_a_path(bad_id, tmp_path):
    text = f"id: {json.dumps(bad_id)}\n{TITLE}"
    with pytest.raises(ScenarioError) as e:
        loads_scenario(text, "s.yaml")
    assert [p.field for p in e.value.problems] == ["id"]
    path = tiny_dir(tmp_path) / "b.yaml"
    path.write_text(f"batch: {{id: {json.dumps(bad_id)}}}\nbase: tiny.yaml\ngrid: {{overrides.wage_qingdao: [3500]}}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as e:
        load_batch(path)
    assert [p.field for p in e.value.problems] == ["batch.id"]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=70))
def test_any_accepted_scenario_id_is_a_plain_folder_name(sid):
    try:
        s = loads_scenario(yaml.safe_dump({"id": sid, "title": {"zh": "x", "en": "x"}}), "s.yaml")
    except ScenarioError:
        return
    assert ID.match(s.id) and Path(s.id).name == s.id and s.id not in (".", "..")


def test_batch_point_folders_stay_in_the_batch_folder(tmp_path):
    d = tiny_dir(tmp_path)
    long_id = "a" * 64
    (d / "long.yaml").write_text(f"extends: tiny.yaml\nid: {long_id}\n{TITLE}", encoding="utf-8")
    (d / "b.yaml").write_text("batch: {id: b}\nscenarios: [tiny.yaml, long.yaml]\ngrid:\n  overrides.wage_qingdao: [3500, 4200]\n", encoding="utf-8")
    batch = load_batch(d / "b.yaml")
    points = (tmp_path / "out" / "points").resolve()
    for p in batch.points:
        assert ID.match(p.dir_name) and (points / p.dir_name).resolve().parent == points


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory) -> Path:
    """A tiny run's output folder."""
    return api.run(api.load_scenario(TINY), workers=1).write(tmp_path_factory.mktemp("safety") / "run")


def test_brief_file_names_come_from_a_checked_scenario_id(run_dir, tmp_path):
    tampered = tmp_path / "tampered"
    shutil.copytree(run_dir, tampered)
    manifest = json.loads((tampered / "manifest.json").read_text(encoding="utf-8"))
    manifest["scenario"]["id"] = "../../../evil"
    (tampered / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    before = files_under(tmp_path)
    r = runner.invoke(app, ["brief", str(tampered), "--out", str(tmp_path / "brief"), "--lang", "en", "--format", "md", "--quiet"])
    assert r.exit_code == 2 and "not valid" in r.output and "Traceback" not in r.output
    assert files_under(tmp_path) == before and not (tmp_path.parent / "evil-brief-en.md").exists()


def test_the_default_brief_folder_of_a_run_id_is_named_by_that_id(run_dir, tmp_path, monkeypatch):
    """Not by the run ID its manifest claims: an edited manifest cannot send the brief out of the working folder."""
    import qdsim.brief
    from qdsim.registry.store import RunStore

    tampered = tmp_path / "tampered"
    shutil.copytree(run_dir, tampered)
    manifest = json.loads((tampered / "manifest.json").read_text(encoding="utf-8"))
    manifest["run_id"] = "qd-0/../../../escaped"
    (tampered / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    monkeypatch.setenv("QDSIM_HOME", str(tmp_path / "home"))
    store, rid = RunStore.default(), "qd-00000000beef"
    store.start(rid, scenario_id="tiny", scenario_sha="s", params_sha="p", seed=7, replicates=1, scale=0.001, out_dir=tampered)
    with store._tx() as con:  # a registry entry whose folder was edited afterwards
        con.execute("UPDATE runs SET status = 'done' WHERE run_id = ?", (rid,))
    written = []
    monkeypatch.setattr(qdsim.brief, "write_briefs", lambda data, out, *a, **k: written.append(Path(out)) or [])
    cwd = tmp_path / "a" / "b" / "c"
    cwd.mkdir(parents=True)
    monkeypatch.chdir(cwd)
    r = runner.invoke(app, ["brief", rid, "--lang", "en", "--format", "md", "--quiet"])
    assert r.exit_code == 0, r.output
    assert written == [Path(f"brief-{rid}")] and (cwd / written[0]).resolve().parent == cwd.resolve()


# -- nothing secret in outputs -----------------------------------------------------------------
#: the qdsim command line, several commands in one process (each must exit 0)
DRIVER = """
import json, sys
from qdsim.cli import app
for args in json.loads(sys.argv[1]):
    try:
        app(args)
    except SystemExit as e:
        if e.code:
            sys.exit(e.code)
"""


def test_outputs_and_registry_hold_no_environment_value(tmp_path):
    """A run and a batch with secrets in the environment: no environment value longer than 8 characters may
    appear in any file they write (outputs, batch tables, registry), except the paths the test chose
    (the working and output folders, QDSIM_HOME). The brief is made from these files."""
    cwd, home = tmp_path / "cwd", tmp_path / "qdsim-home"
    cwd.mkdir()
    tiny_batch(cwd / "in")
    fake = {
        "HOME": str(tmp_path / f"home-of-a-user-{secrets.token_hex(4)}"),
        "QDSIM_TEST_TOKEN": "tok-" + secrets.token_hex(16),
        "AWS_SECRET_ACCESS_KEY": secrets.token_urlsafe(30),
        "GITHUB_TOKEN": "ghp_" + secrets.token_hex(18),
        "DATABASE_URL": f"postgres://planner:{secrets.token_hex(8)}@db.example/qdsim",
        "QDSIM_HOME": str(home),
        "PWD": str(cwd),
    }
    env = {**os.environ, **fake}
    commands = [
        ["run", str(cwd / "in" / "tiny.yaml"), "--out", "run", "--workers", "1", "--quiet"],
        ["batch", str(cwd / "in" / "batch.yaml"), "--out", "batch", "--workers", "1", "--quiet"],
    ]
    r = subprocess.run([sys.executable, "-c", DRIVER, json.dumps(commands)], env=env, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    chosen = [str(cwd), str(home), str(cwd.resolve()), str(home.resolve())]
    values = {k: v for k, v in env.items() if len(v) > 8 and not any(c.startswith(v) for c in chosen)}
    values = {k: v for k, v in values.items() if v != socket.gethostname()}  # the registry records the host (to reap dead runs)
    assert {"HOME", "QDSIM_TEST_TOKEN", "AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN", "DATABASE_URL"} <= set(values)
    written = [p for d in (cwd / "run", cwd / "batch", home) for p in d.rglob("*") if p.is_file()]
    assert any(p.name == "registry.db" for p in written) and any(p.name == "manifest.json" for p in written)
    for p in written:
        blob = p.read_bytes()
        leaks = [k for k, v in values.items() if v.encode() in blob]
        assert not leaks, f"{p.relative_to(tmp_path)} holds the value of {leaks}"
    assert set(os.listdir(cwd)) == {"in", "run", "batch"}  # nothing else written where the commands ran


# -- nothing lost: a run never deletes a folder of other things ---------------------------------
def test_qdsim_run_never_replaces_a_folder_of_other_things(run_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("QDSIM_HOME", str(tmp_path / "home"))
    precious = tmp_path / "precious"
    shutil.copytree(run_dir, precious)  # a run folder, with someone's notes added
    (precious / "notes.txt").write_text("my notes", encoding="utf-8")
    (tmp_path / "repo" / ".git").mkdir(parents=True)  # hidden things count too
    a_file = tmp_path / "a-file.txt"
    a_file.write_text("keep me", encoding="utf-8")
    monkeypatch.chdir(precious)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    for out in (precious, Path("."), tmp_path, a_file, tmp_path / "repo"):
        r = runner.invoke(app, ["run", str(TINY), "--out", str(out), "--workers", "1", "--quiet"])
        assert r.exit_code == 2 and "nothing is deleted to make room" in r.output, (out, r.output)
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before and not (tmp_path / "home").exists()
    assert (tmp_path / "repo" / ".git").is_dir()
    result = RunResult.read(run_dir)
    for out in (precious, a_file):
        with pytest.raises(FileExistsError):
            result.write(out)
        with pytest.raises(FileExistsError):
            copy_outputs(run_dir, out)
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_a_run_folder_and_its_brief_are_replaced_by_a_new_run(run_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("QDSIM_HOME", str(tmp_path / "home"))
    out = tmp_path / "run"
    shutil.copytree(run_dir, out)
    (out / "brief").mkdir()
    (out / "brief" / "tiny-brief-en.md").write_text("an old brief", encoding="utf-8")
    r = runner.invoke(app, ["run", str(TINY), "--out", str(out), "--seed", "8", "--workers", "1", "--quiet"])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUT_FILES)
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["seed"] == 8


def test_qdsim_batch_refuses_a_folder_of_other_things_and_leaves_it_as_it_was(tmp_path, monkeypatch):
    monkeypatch.setenv("QDSIM_HOME", str(tmp_path / "home"))
    path = tiny_batch(tmp_path / "in")
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine", encoding="utf-8")
    r = runner.invoke(app, ["batch", str(path), "--out", str(other), "--workers", "1", "--quiet"])
    assert r.exit_code == 2 and "not empty and holds no qdsim batch" in r.output
    assert sorted(p.name for p in other.iterdir()) == ["notes.txt"]  # not even a lock file
