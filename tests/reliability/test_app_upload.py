"""The app's upload behaves as the command line does: every broken file is refused with `name:line: field: message`,
no exception, nothing loaded or run, nothing written; upload names and `extends:` never reach files outside the
app's scenarios folder; one session's work is bounded.

The page tests drive the real app with Streamlit's AppTest (its file_uploader can be driven); the handler
behind both upload widgets, :func:`qdsim.app.state.parse_upload`, is also tested on the whole corpus.
"""

from __future__ import annotations

import pytest
import yaml

from qdsim.app import running, state
from qdsim.app.scenario_builder import MAX_REPLICATES, MAX_SCALE
from qdsim.scenario import ScenarioError
from qdsim.validate import validate_file
from tests.app.apptest import PAGES, new_app, no_exceptions

from .helpers import BATCH_CORPUS, LINE, SCENARIO_CORPUS, SENTINEL, TINY, files_under

ALL = SCENARIO_CORPUS + BATCH_CORPUS
#: corpus files uploaded one after the other in one session (scenario and batch files)
SEVERAL = ["python-object-tag.yaml", "non-utf8.yaml", "unknown-lever.yaml", "huge-replicates.yaml", "anchor-bomb.yaml",
           "path-unknown-lever.yaml", "alias-bomb.yaml", "syntax-tab-indent.yaml", "extends-traversal.yaml"]


def upload_problems(name: str, data: bytes) -> list:
    with pytest.raises(ScenarioError) as e:
        state.parse_upload(name, data)
    return e.value.problems


@pytest.mark.parametrize("path", ALL, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_upload_handler_refuses_every_corpus_file_precisely(path):
    problems = upload_problems(path.name, path.read_bytes())
    for p in problems:
        m = LINE.match(str(p))
        assert m, str(p)
        assert m["file"] == path.name or m["file"].startswith("scenarios/"), str(p)  # never a server path
        assert int(m["line"]) >= 1
    if path in SCENARIO_CORPUS and b"extends" not in path.read_bytes():  # the same problems as `qdsim validate`
        assert [(p.line, p.field, p.message) for p in problems] == [(p.line, p.field, p.message) for p in validate_file(path)]
    assert not (path.parent / SENTINEL).exists()


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    """One app session on the What-if page (tiny run settings), run from an empty working folder."""
    import os

    cwd = tmp_path_factory.mktemp("app-cwd")
    old = os.getcwd()
    os.chdir(cwd)
    try:
        at = new_app(**{"run.scale": 0.1, "run.replicates": 1}).run()
        no_exceptions(at)
        yield at, cwd
    finally:
        os.chdir(old)


def test_several_broken_uploads_show_their_problems_inline_and_run_nothing(session):
    at, cwd = session
    scenarios_before = files_under(state.scenarios_dir())
    history = [h["run_id"] for h in at.session_state["history"]]
    by_name = {p.name: p for p in ALL}
    for name in SEVERAL:
        data = by_name[name].read_bytes()
        first = upload_problems(name, data)[0]
        at.file_uploader(key="whatif.upload").upload(name, data, "application/x-yaml")
        at.run()
        no_exceptions(at)
        shown = " ".join(e.value for e in at.error)
        assert f"{name}:{first.line}: {first.field}:" in shown, (name, shown)
        assert at.session_state["draft"]["base"] == "file:baseline.yaml" and at.session_state["current"] is None  # nothing loaded
        assert [h["run_id"] for h in at.session_state["history"]] == history  # nothing run
    assert files_under(cwd) == set() and files_under(state.scenarios_dir()) == scenarios_before  # nothing written
    assert not (cwd / SENTINEL).exists()


def test_an_upload_name_is_never_a_path(session, tmp_path):
    at, cwd = session
    data = TINY.read_bytes()
    for name in ("../../../../tmp/evil.yaml", "/etc/cron.d/evil.yaml", "sub/../../x.yaml"):  # (the widget allows .yaml names only)
        at.file_uploader(key="whatif.upload").upload(name, data, "application/x-yaml")
        at.run()
        no_exceptions(at)
        key = at.session_state["draft"]["base"]
        assert key == f"upload:{name.rsplit('/', 1)[-1]}", key
    assert files_under(cwd) == set() and not (cwd.parent / "evil.yaml").exists()
    assert [state.upload_name(n) for n in ("..", ".", "", "a/..", "/")] == ["upload.yaml"] * 5
    assert {p.file for p in upload_problems("../../a/b\nc.yaml", b"id: [")} == {"b\nc.yaml"}


def test_extends_in_an_upload_stays_in_the_scenarios_folder(tmp_path, monkeypatch):
    secret = tmp_path / "secret.yaml"
    secret.write_text("id: secret\ntitle: {zh: 机密, en: SECRET-TITLE}\nscale: 0.001\n", encoding="utf-8")
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "base.yaml").write_text(TINY.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "link.yaml").symlink_to(secret)  # a symbolic link out of the folder is outside too
    monkeypatch.setattr(state, "scenarios_dir", lambda: folder)
    body = "id: up\ntitle: {zh: 上传, en: Upload}\n"
    for ref in ("../secret.yaml", str(secret), "link.yaml", "../" * 12 + str(secret).lstrip("/"), "x\x00.yaml", "sub/../../secret.yaml"):
        problems = upload_problems("up.yaml", f"extends: {yaml.safe_dump(ref).splitlines()[0]}\n{body}".encode())
        assert [(p.file, p.line, p.field) for p in problems] == [("up.yaml", 1, "extends")], (ref, problems)
        assert "SECRET" not in " ".join(str(p) for p in problems)
    ok = state.parse_upload("up.yaml", f"extends: base.yaml\n{body}".encode())  # inside the folder: allowed
    assert ok.id == "up" and ok.scale == 0.001


# -- the work one session may ask for ------------------------------------------------------
def test_an_uploaded_file_cannot_ask_for_more_assumption_draws_than_the_app_runs():
    text = TINY.read_text(encoding="utf-8") + "assumption_draws: 500\n"
    assert state.parse_upload("draws.yaml", text.encode()).assumption_draws == running.MAX_ASSUMPTION_DRAWS
    s = state.parse_upload("draws.yaml", TINY.read_bytes())
    assert running.with_settings(s, scale=MAX_SCALE, replicates=MAX_REPLICATES, seed=1).assumption_draws == 0


def test_every_app_run_is_checked_against_the_session_bounds():
    s = state.parse_upload("tiny.yaml", TINY.read_bytes())
    running.check_bounds(running.with_settings(s, scale=MAX_SCALE, replicates=MAX_REPLICATES, seed=1))
    for change in ({"scale": MAX_SCALE * 2}, {"replicates": MAX_REPLICATES + 1}, {"assumption_draws": running.ATTRIBUTION_DRAWS + 1},
                   {"assumption_draws": running.MAX_ASSUMPTION_DRAWS + 1, "scale": MAX_SCALE}):  # more than 32 draws only at the attribution's scale
        with pytest.raises(ValueError, match="beyond what the app runs"):
            running.check_bounds(s.model_copy(update=change))


def test_the_compare_page_runs_at_most_max_compare_scenarios_at_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = TINY.read_text(encoding="utf-8")
    uploads = {f"t{i}.yaml": text.replace("id: tiny", f"id: tiny-{i}") for i in range(12)}
    at = new_app(**{"run.scale": 0.1, "run.replicates": 1})
    at.session_state["uploads"] = uploads
    at.session_state["w.cmp.choice"] = [f"upload:{n}" for n in uploads]
    at.switch_page(f"{PAGES}/compare.py").run()
    no_exceptions(at)
    limit = 8  # MAX_COMPARE in qdsim/app/pages/compare.py (a page module draws itself when imported)
    assert len(at.session_state["w.cmp.choice"]) == limit
    assert len(at.table[0].value) == limit  # the comparison table (shown whole: st.table): one row per scenario run
    assert files_under(tmp_path) == set()
