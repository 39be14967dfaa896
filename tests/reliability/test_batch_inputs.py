"""Bad batch files: every one gets `file:line: field: message`, exit 2 from `qdsim validate` and `qdsim batch`,
no traceback, nothing written (no output folder, no registry), nothing executed.

The corpus is ``corpus_batch/*.yaml`` (the base scenarios they name are in ``corpus_batch/scenarios/``);
hypothesis adds mutations of valid batch files, as data and as text.
"""

from __future__ import annotations

import copy
import re
import shutil

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from qdsim.batch import load_batch
from qdsim.cli import app
from qdsim.scenario import ScenarioError
from qdsim.validate import validate_file

from .helpers import BATCH_CORPUS, BATCH_CORPUS_DIR, LINE, SCENARIO_CORPUS, SENTINEL, files_under

runner = CliRunner()
BASES = BATCH_CORPUS_DIR / "scenarios"

#: file -> (line, field) of the problem the batch file must report (among others)
EXPECT = {
    "adaptive-and-replicates.yaml": (1, "(file)"),
    "alias-bomb.yaml": (1, "(file)"),
    "assumption-draws-above-max.yaml": (5, "set.assumption_draws"),
    "assumption-draws-too-many.yaml": (1, "batch"),
    "base-and-scenarios.yaml": (1, "(file)"),
    "base-extends-traversal.yaml": (2, "base"),
    "base-not-yaml.yaml": (2, "base"),
    "base-python-tag.yaml": (2, "scenarios[1]"),
    "batch-id-traversal.yaml": (1, "batch.id"),
    "broken-base.yaml": (2, "base"),
    "custom-tag.yaml": (2, "(yaml)"),
    "deep-nesting.yaml": (1, "(file)"),
    "duplicate-key.yaml": (5, "(yaml)"),
    "empty.yaml": (1, "(file)"),
    "grid-too-large.yaml": (3, "grid"),
    "huge-replicates.yaml": (4, "replicates"),
    "missing-base.yaml": (2, "base"),
    "missing-batch-id.yaml": (1, "batch.id"),
    "nan-and-inf-values.yaml": (4, "grid.levers.funds.fiscal"),
    "negative-money-point.yaml": (5, "points[1].levers.funds.fiscal"),
    "non-utf8.yaml": (4, "(file)"),
    "not-a-batch-section.yaml": (1, None),  # `qdsim validate` reads it as a scenario; `qdsim batch` says batch: is missing
    "only-comments.yaml": (1, "(file)"),
    "path-empty-part.yaml": (4, "grid.levers..funds.fiscal"),
    "path-into-value.yaml": (4, "grid.scale.x"),
    "path-not-variable.yaml": (5, "points.1.id"),
    "path-unknown-lever.yaml": (4, "grid.levers.labour.subsidy"),
    "path-unknown-parameter.yaml": (4, "grid.overrides.wage_qingdoa"),
    "path-year-outside.yaml": (4, "grid.levers.funds.fiscal.2050"),
    "python-name-tag.yaml": (4, "(yaml)"),
    "python-object-tag.yaml": (1, "(yaml)"),
    "replicate-runs-too-many.yaml": (1, "batch"),
    "sample-n-too-large.yaml": (4, "sample.n"),
    "sample-n-zero.yaml": (4, "sample.n"),
    "sample-range-not-numbers.yaml": (6, "sample.ranges.levers.funds.fiscal"),
    "sample-range-reversed.yaml": (6, "sample.ranges.overrides.wage_qingdao"),
    "scalar-top.yaml": (1, "(file)"),
    "scale-too-large.yaml": (4, "scale"),
    "scenarios-empty.yaml": (2, "scenarios"),
    "seed-negative.yaml": (4, "seed"),
    "share-above-one-set.yaml": (5, "set.levers.consumption.canteen_share"),
    "syntax-bad-indent.yaml": (5, "(yaml)"),
    "syntax-tab-indent.yaml": (4, "(yaml)"),
    "syntax-unclosed-flow.yaml": (3, "(yaml)"),
    "syntax-unclosed-quote.yaml": (5, "(yaml)"),
    "unknown-batch-key.yaml": (1, "batch.owner"),
    "unknown-sample-key.yaml": (5, "sample.distribution"),
    "unknown-top-key.yaml": (4, "workers"),
    "utf16-bom.yaml": (1, "(file)"),
    "value-listed-twice.yaml": (3, "grid"),
    "wrong-type-grid.yaml": (3, "grid"),
    "wrong-type-points.yaml": (3, "points"),
    "wrong-type-replicates.yaml": (4, "replicates"),
    "wrong-type-scale.yaml": (4, "scale"),
    "wrong-unit-point.yaml": (4, "points[0].levers.funds.fiscal"),
}
#: problems inside the base scenario a batch names are reported at that file's line
IN_BASE = {
    "base-extends-traversal.yaml": ("extends-escape.yaml", 2, "extends"),
    "base-python-tag.yaml": ("python-tag.yaml", 2, "(yaml)"),
    "broken-base.yaml": ("broken.yaml", 4, "scale"),
}


def check_lines(problems, path) -> None:
    """Every problem is ``file:line: field: message`` in the batch file or one of the base scenarios."""
    assert problems, f"{path.name} was accepted"
    for p in problems:
        m = LINE.match(str(p))
        assert m, str(p)
        assert int(m["line"]) >= 1, str(p)
        assert m["file"] == str(path) or m["file"].startswith(str(BASES)), str(p)


def test_corpus_is_large_enough():
    assert len(BATCH_CORPUS) >= 20
    assert len(SCENARIO_CORPUS) + len(BATCH_CORPUS) > 80
    assert {p.name for p in BATCH_CORPUS} == set(EXPECT), "every corpus file has its expected line and field"


@pytest.mark.parametrize("path", BATCH_CORPUS, ids=lambda p: p.name)
def test_every_broken_batch_file_is_reported_precisely(path):
    problems = validate_file(path)
    check_lines(problems, path)
    line, field = EXPECT[path.name]
    here = [p for p in problems if p.file == str(path)]
    assert any(p.line == line and (field is None or p.field == field) for p in here), [str(p) for p in problems]
    if path.name in IN_BASE:
        name, line, field = IN_BASE[path.name]
        assert any(p.file == str(BASES / name) and p.line == line and p.field == field for p in problems), [str(p) for p in problems]


@pytest.mark.parametrize("path", BATCH_CORPUS, ids=lambda p: p.name)
def test_cli_exits_2_writes_nothing_and_runs_nothing(path, tmp_path, monkeypatch):
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.setenv("QDSIM_HOME", str(home))
    monkeypatch.chdir(cwd)  # the default output folder (runs/batches/<id>) would be here
    r = runner.invoke(app, ["validate", str(path)])
    assert r.exit_code == 2 and "Traceback" not in r.output
    out = tmp_path / "out"
    for args in (["--out", str(out)], [], ["--out", str(out), "--workers", "1", "--resume"]):
        r = runner.invoke(app, ["batch", str(path), "--quiet", *args])
        assert r.exit_code == 2, r.output
        assert r.exception is None or isinstance(r.exception, SystemExit)
        assert "Traceback" not in r.output
        lines = [x for x in r.output.splitlines() if x.strip()]
        assert lines and all(LINE.match(x) for x in lines), r.output
        if path.name in EXPECT and path.name != "not-a-batch-section.yaml":
            line, field = EXPECT[path.name]
            assert f"{path}:{line}: {field}: " in r.output
    assert not out.exists() and not home.exists()  # no output folder, no registry (not even an empty one)
    assert files_under(cwd) == set() and not (BATCH_CORPUS_DIR / SENTINEL).exists()


def test_a_batch_file_without_a_batch_section_is_named_so_by_qdsim_batch(tmp_path):
    path = BATCH_CORPUS_DIR / "not-a-batch-section.yaml"
    r = runner.invoke(app, ["batch", str(path), "--out", str(tmp_path / "out"), "--quiet"])
    assert r.exit_code == 2 and f"{path}:1: batch: a batch file starts with a batch: section" in r.output


def test_the_corpus_does_not_touch_the_base_scenarios():
    assert sorted(p.name for p in BASES.iterdir()) == ["broken.yaml", "extends-escape.yaml", "python-tag.yaml", "tiny.yaml"]


# -- hypothesis: mutations of valid batch files ------------------------------------------
VALID = [
    {
        "batch": {"id": "fuzz", "title": {"zh": "模糊测试", "en": "Fuzz"}},
        "base": "tiny.yaml",
        "grid": {"levers.labour.subsidy_per_worker": [0, 935], "overrides.wage_qingdao": [3500]},
        "set": {"levers.funds.fiscal": "4 亿元"},
        "replicates": 1,
        "seed": 7,
        "scale": 0.001,
    },
    {
        "batch": {"id": "fuzz-points", "description": "points"},
        "scenarios": ["tiny.yaml", "other.yaml"],
        "points": [{"levers.funds.fiscal*": 0.5}, {"levers.funds.fiscal.2022": "2 亿元", "conditions.drought": 0.3}],
        "replicates": 1,
    },
    {
        "batch": {"id": "fuzz-sample"},
        "base": "tiny.yaml",
        "sample": {"n": 3, "seed": 1, "ranges": {"overrides.wage_qingdao": "plausible", "levers.labour.subsidy_per_worker": [0, 2000]}},
        "adaptive": {"metric": "rural_income_per_capita", "target_relative": 0.1, "start": 3, "max_replicates": 4},
    },
]
PATH_WORDS = ["levers", "funds", "fiscal", "labour", "subsidy_per_worker", "overrides", "wage_qingdao", "conditions", "drought",
              "2026", "2050", "*", "..", "", "id", "seed", "scale", "period", "start", "shares", "industry", "/etc/passwd", "\x00"]
JUNK = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20), st.sampled_from(["5 亿元", "30%", "5 亩", "../../x.yaml", "/etc/passwd", "tiny.yaml", "plausible", "!!python/name:os.system"]),
    st.lists(st.integers(-5, 5000), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)
PATH = st.lists(st.sampled_from(PATH_WORDS), min_size=1, max_size=4).map(".".join)


def _places(d, path=()):
    """Every (container path, key) in a document."""
    if isinstance(d, dict):
        for k, v in d.items():
            yield path, k
            yield from _places(v, path + (k,))
    elif isinstance(d, list):
        for i, v in enumerate(d):
            yield path, i
            yield from _places(v, path + (i,))


def _mutate(data, draw):
    places = list(_places(data))
    for _ in range(draw(st.integers(1, 4))):
        where, key = draw(st.sampled_from(places))
        parent = data
        try:
            for k in where:
                parent = parent[k]
            kind = draw(st.sampled_from(["value", "delete", "add", "rename"]))
            if kind == "value":
                parent[key] = draw(JUNK)
            elif kind == "delete" and isinstance(parent, dict):
                del parent[key]
            elif kind == "add" and isinstance(parent, dict):
                parent[draw(st.one_of(PATH, st.text(max_size=8)))] = draw(JUNK)
            elif kind == "rename" and isinstance(parent, dict):
                parent[draw(PATH)] = parent.pop(key)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced it
    return data


@st.composite
def mutated(draw):
    return _mutate(copy.deepcopy(draw(st.sampled_from(VALID))), draw)


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("fuzz")
    shutil.copy(BASES / "tiny.yaml", d / "tiny.yaml")
    (d / "other.yaml").write_text("extends: tiny.yaml\nid: other\ntitle: {zh: 另一个, en: Other}\n", encoding="utf-8")
    return d


def _load_or_report(path):
    try:
        batch = load_batch(path)
    except ScenarioError as e:
        assert e.problems
        for p in e.problems:
            m = LINE.match(str(p))
            assert m, str(p)
            assert m["file"] == str(path) or m["file"].startswith(str(path.parent)), str(p)
        return None
    assert batch.points
    for p in batch.points:  # an accepted batch: every point's folder is a plain name inside points/
        assert re.match(r"^[a-z0-9][a-z0-9_-]{0,63}$", p.dir_name), p.dir_name
    return batch


def test_valid_documents_load(fuzz_dir):
    for i, data in enumerate(VALID):
        path = fuzz_dir / f"valid{i}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        assert _load_or_report(path) is not None


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=mutated())
def test_any_mutated_batch_either_loads_or_is_reported(fuzz_dir, data):
    path = fuzz_dir / "m.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _load_or_report(path)


EDIT = st.tuples(st.integers(0, 10**6), st.sampled_from(["insert", "delete", "replace"]),
                 st.sampled_from(list(":{}[]-,&*!|>'\"#%@`\t\n ") + ["!!python/object:os.system ", "&a ", "*a", "\xff", "\x00", "9" * 30]))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(which=st.integers(0, len(VALID) - 1), edits=st.lists(EDIT, min_size=1, max_size=6))
def test_any_edited_batch_text_either_loads_or_is_reported(fuzz_dir, which, edits):
    text = yaml.safe_dump(VALID[which], allow_unicode=True)
    for pos, op, s in edits:
        i = pos % (len(text) + 1)
        text = text[:i] + s + text[i:] if op == "insert" else text[:i] + text[i + 1:] if op == "delete" else text[:i] + s + text[i + 1:]
    path = fuzz_dir / "t.yaml"
    path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
    _load_or_report(path)
