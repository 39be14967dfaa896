"""Compare, Counties, Runs and Method pages, each through AppTest in both languages."""

from __future__ import annotations

import time

import pytest

from qdsim import api
from qdsim.foundation.catalogue import load_catalogue
from qdsim.foundation.format import difference, interval, planner_number, verdict
from qdsim.results.cost import on_one_basis
from tests.app.apptest import BAD_YAML, ROOT, go, new_app, no_exceptions, settings, wk

WORDS = {
    "zh": {"scenario": "情景", "diff": "较参照情景", "diff_interval": "差别90%区间", "meaning": "判断", "county": "县区", "chance": "在随机波动范围内",
           "per_100m": "每亿元增收（90%区间）", "rank": "排名"},
    "en": {"scenario": "Scenario", "diff": "vs the reference", "diff_interval": "Difference, 90% interval", "meaning": "Reading",
           "county": "County", "chance": "within chance variation", "per_100m": "Income gain per 亿元 (90% interval)", "rank": "Rank"},
}


def english(at) -> None:
    at.radio(key="lang").set_value("en").run()
    no_exceptions(at)


def scenario(name: str, at) -> api.Scenario:
    """A shipped scenario at the session's settings (what the page runs)."""
    s = api.load_scenario(ROOT / "scenarios" / name)
    return s.with_settings(**settings(at))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_compare_shows_paired_differences_with_intervals_and_effect_per_100m(app, lang):
    if lang == "en":
        english(app)
    go(app, "compare")
    no_exceptions(app)
    w = WORDS[lang]
    assert app.multiselect(key="w.cmp.choice").value == ["file:baseline.yaml"]  # stopping the cooperation is never preselected
    app.multiselect(key="w.cmp.choice").set_value(["file:baseline.yaml", "file:stop-after-2025.yaml"]).run()
    no_exceptions(app)
    table = app.table[0].value.reset_index()
    assert len(table) == 2
    # the second scenario's difference from the first is the library's paired comparison, formatted
    base, stop = (api.run(scenario(n, app)) for n in ("baseline.yaml", "stop-after-2025.yaml"))
    c = api.compare(stop, base)
    d = c[(c.metric == "rural_income_per_capita") & (c.county == "all") & (c.year == stop.years[-1])].iloc[0]
    assert table[w["diff"]][1] == difference(d.diff_mean, "元/人", lang)
    assert table[w["diff_interval"]][1] == interval(d.diff_p05, d.diff_p95, "元/人", lang, signed=True)
    meaning = verdict("rural_income_per_capita", d.diff_mean, d.diff_p05, d.diff_p95)
    assert (table[w["meaning"]][1] == w["chance"]) == (meaning == "chance")
    # cost and effectiveness on one basis (cumulative benefit over cumulative cost): stopping is a cut, never ranked
    cost = app.table[1].value.reset_index()
    one = on_one_basis(stop.cost, stop.with_coop, stop.baseline, stop.years).vs_baseline
    assert one.per_money and one.extra_spending.mean < 0
    assert list(cost[w["rank"]]) == ["–"]
    cut = "每少投入1亿元减收" if lang == "zh" else "Each 亿元 saved loses"
    assert cost[w["per_100m"]][0].startswith(cut)
    assert planner_number(one.income_per_100m.mean, "元/人/亿元", lang) in cost[w["per_100m"]][0]
    assert cost[w["meaning"]][0] == ("变差" if lang == "zh" else "bad news")  # the judgement is filled
    assert any(("口径：累计收益 ÷ 累计成本" if lang == "zh" else "Basis: cumulative benefit over cumulative cost") in m.value for m in app.markdown)
    overview = app.table[2].value
    assert overview.map(lambda x: "（" in x or "(" in x).all().all()  # every headline figure with its interval


def test_compare_select_all_and_clear(app):
    go(app, "compare")
    app.button(key="cmp.select_all").click().run()
    no_exceptions(app)
    chosen = app.multiselect(key="w.cmp.choice").value
    assert len(chosen) == len([k for k in chosen if k.startswith("file:")]) >= 8
    assert len(app.table[0].value) == len(chosen)
    app.button(key="cmp.clear").click().run()
    assert app.multiselect(key="w.cmp.choice").value == [] and app.info


def test_compare_includes_the_what_if_just_run_and_shows_upload_problems(app):
    app.slider(key=wk(app, "w.funds.fiscal")).set_value(8.0)
    next(b for b in app.button if b.key == "run").click()
    app.run()
    go(app, "compare")
    no_exceptions(app)
    chosen = app.multiselect(key="w.cmp.choice").value
    assert any(k.startswith("run:qd-") for k in chosen)
    assert len(app.table[0].value) == 2
    app.file_uploader(key="cmp.upload").upload("bad.yaml", BAD_YAML, "application/x-yaml")
    app.run()
    assert "bad.yaml:5: levers.funds.fiscal:" in app.error[0].value


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_counties_show_the_map_and_the_impact_sorted_by_effect(app, lang):
    if lang == "en":
        english(app)
    go(app, "counties")
    no_exceptions(app)
    charts = [c.proto.spec for c in app.get("vega_lite_chart")]
    assert any('"geoshape"' in s for s in charts)  # the map of the seven counties
    table = app.table[0].value.reset_index()
    names = [c[lang] for c in load_catalogue().counties]
    assert sorted(table[WORDS[lang]["county"]]) == sorted(names) and len(names) == 7
    base = api.run(scenario("baseline.yaml", app))
    year = base.years[-1]
    rows = base.summary[(base.summary.metric == "rural_income_per_capita") & (base.summary.year == year)
                        & (base.summary.county != "all") & (base.summary.scenario == "baseline")]
    expected = rows.sort_values("impact_mean", ascending=False).county.map({c["id"]: c[lang] for c in load_catalogue().counties})
    assert list(table[WORDS[lang]["county"]]) == list(expected)  # sorted by effect, largest first
    for _, r in rows.iterrows():
        meaning = verdict("rural_income_per_capita", r.impact_mean, r.impact_p05, r.impact_p95)
        shown = table.set_index(WORDS[lang]["county"]).loc[{c["id"]: c[lang] for c in load_catalogue().counties}[r.county], WORDS[lang]["meaning"]]
        assert (shown == WORDS[lang]["chance"]) == (meaning == "chance")


def test_counties_of_a_what_if_show_the_difference_from_the_baseline(app):
    app.slider(key=wk(app, "w.funds.fiscal")).set_value(2.0)
    next(b for b in app.button if b.key == "run").click()
    app.run()
    go(app, "counties")
    no_exceptions(app)
    assert app.radio(key="w.cty.of").value == "vs_baseline"
    assert "较基准" in app.table[0].value.columns


def test_runs_lists_this_sessions_runs_only_with_their_status_and_no_paths(monkeypatch, tmp_path):
    from qdsim.app import running
    from qdsim.registry.store import RunStore
    from tests.app.apptest import new_app

    monkeypatch.setenv("QDSIM_HOME", str(tmp_path))
    other = RunStore.default()  # another planner's run, or the command line's, in the same registry
    other.start("qd-0123456789ab", scenario_id="someone-else", scenario_sha="", params_sha="", seed=1, replicates=1, scale=0.01,
                out_dir=tmp_path / "secret" / "path")
    app = new_app(**{"run.seed": 7}).run()  # a seed no other test runs: computed here, not kept from another test
    ids = [h["run_id"] for h in app.session_state["history"]]
    deadline = time.monotonic() + running.WRITE_WAIT_S + 30  # shown at once, recorded once no other run is on the workers
    while any(running.saving(r) for r in ids) and time.monotonic() < deadline:
        time.sleep(0.2)
    go(app, "runs")
    no_exceptions(app)
    assert len(app.dataframe) == 1  # no registry-wide table
    session = app.dataframe[0].value
    assert len(session) >= 1 and session["运行编号"].str.startswith("qd-").all()
    assert (session["状态"] == "已完成并登记").all()  # the app records its runs
    shown = session.to_string() + " ".join(str(c.value) for c in app.caption) + " ".join(str(m.value) for m in app.markdown)
    assert "qd-0123456789ab" not in shown and "someone-else" not in shown
    assert str(tmp_path) not in shown and "/" not in session.to_string()  # no server path
    assert "其他人的运行" in shown


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_method_cites_the_run_and_names_everything(app, lang):
    run_id = next(c.value for c in app.caption if c.value.startswith("运行编号 ")).split()[1]
    if lang == "en":
        english(app)
    go(app, "method")
    no_exceptions(app)
    assert run_id in app.code[0].value
    text = " ".join(str(tb.value.to_string()) for tb in app.table) + app.dataframe[0].value.to_string()
    raw = ["fiscal_funds_total", "rural_population_2021", "e+0", "qdsim_assumption", "input_echo", "holdout"]
    for word in raw + (["input", "calibrated", "assumption", "behavioural"] if lang == "zh" else []):
        assert word not in text, word
    targets = app.table[0].value
    assert len(targets) > 5 and ("类别" if lang == "zh" else "Class") in targets.columns


def test_runs_reopens_a_past_run_into_the_what_if_and_compare_pages(app):
    app.slider(key=wk(app, "w.funds.fiscal")).set_value(2.05).run()  # a value no other test runs: computed into this test's registry
    next(b for b in app.button if b.key == "run").click()
    app.run()
    run_id = app.query_params["run"]
    fresh = new_app().run()  # another session (a new tab, a reload): nothing of the first in its state
    go(fresh, "runs")
    no_exceptions(fresh)
    fresh.text_input(key="runs.reopen_id").set_value(run_id)  # another session's run: by its ID, never listed
    fresh.button(key="runs.reopen").click().run()
    no_exceptions(fresh)
    assert fresh.title[0].value == "情景推演"
    assert any(run_id in c.value for c in fresh.caption)  # its results, from the registry
    assert fresh.query_params["run"] == run_id
    go(fresh, "compare")
    no_exceptions(fresh)
    assert f"run:{run_id}" in fresh.multiselect(key="w.cmp.choice").value
