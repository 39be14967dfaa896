"""The What-if page: sliders, Run, differences with their intervals, the within-chance label, language, scenario files."""

from __future__ import annotations

import pytest

from qdsim import api
from qdsim.app.results import ARROW, KEY_METRICS, row
from qdsim.foundation.format import difference, interval, planner_number, verdict, within_chance
from qdsim.foundation.metrics import catalogue
from tests.app.apptest import BAD_YAML, ROOT, metrics, no_exceptions, open_groups, open_tab, wk

SALES = catalogue()["consumption_sales"].zh
LABEL = {"zh": "在随机波动范围内", "en": "within chance variation"}


def colour(card) -> str:
    """A metric card's delta colour as the name Streamlit takes ("green", "red", "gray")."""
    return card.proto.DESCRIPTOR.fields_by_name["color"].enum_type.values_by_number[card.proto.color].name.lower()


def run_button(at):
    return next(b for b in at.button if b.key == "run")


def card_of(at, metric: str, lang: str = "zh"):
    name = catalogue()[metric].name(lang)
    return next(m for m in at.metric if m.label.startswith(name))


def halve_fiscal_funds(at) -> None:
    """The planner's question: what if Qingdao halves its fiscal funds from 2026?"""
    slider = at.slider(key=wk(at, "w.funds.fiscal"))
    slider.set_value(round(slider.value / 2, 2))
    run_button(at).click()
    at.run()
    no_exceptions(at)


def test_opens_on_the_baseline_with_cards_against_no_cooperation(app):
    assert app.title[0].value == "情景推演"
    cards = metrics(app)
    assert len(cards) == 6 and f"{SALES}（当年）" in cards and "在青务工人数（年末）" in cards
    assert "亿元" in cards[f"{SALES}（当年）"]
    assert any("基础情景" in i.value for i in app.info)
    assert all(m.proto.delta_description.startswith("较无协作") for m in app.metric)
    footer = [c.value for c in app.caption if c.value.startswith("运行编号 qd-")]
    assert footer and "种子 20210414" in footer[0] and "sha256" in footer[0]
    labels = [d.label for d in app.get("download_button")]
    assert "情景文件 YAML" in labels and "summary.csv" in labels and "简报 HTML" in labels


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_halving_fiscal_funds_shows_each_difference_with_its_interval_and_meaning(app, lang):
    if lang == "en":
        app.radio(key="lang").set_value("en").run()
    halve_fiscal_funds(app)
    scenario = api.loads_scenario(app.session_state["current"]["yaml"])
    result = api.run(scenario)  # what the app ran, recomputed by the library
    year = result.years[-1]
    for metric in KEY_METRICS:
        r = row(result, metric, year)
        unit = catalogue()[metric].unit
        card = card_of(app, metric, lang)
        assert card.value == planner_number(r["mean"], unit, lang)
        assert card.proto.delta == difference(r["vs_baseline_mean"], unit, lang)
        meaning = verdict(metric, r["vs_baseline_mean"], r["vs_baseline_p05"], r["vs_baseline_p95"])
        assert colour(card) == ARROW[meaning]
        assert (LABEL[lang] in card.proto.delta_description) == (meaning == "chance")
        assert meaning not in ("good", "bad") or not within_chance(r["vs_baseline_p05"], r["vs_baseline_p95"])
        span = interval(r["vs_baseline_p05"], r["vs_baseline_p95"], unit, lang, signed=True)
        assert any(span in c.value for c in app.caption), (metric, span)
    # every metric in the table: its difference, interval and meaning; some are within chance at this tiny scale
    assert not app.table  # drawn only when its tab is open
    open_tab(app, "数据表" if lang == "zh" else "Table")
    no_exceptions(app)
    assert not app.get("vega_lite_chart")  # the trend's tab is closed now
    table = app.table[0].value
    meaning_col = "判断" if lang == "zh" else "Reading"
    assert len(table) == len(catalogue())
    assert (table[meaning_col] == LABEL[lang]).any()


def test_a_lower_sales_is_red_and_a_lower_monitored_share_green(app):
    """The arrow follows whether the change is good for the metric, not its sign."""
    halve_fiscal_funds(app)
    for m in app.metric:
        name = m.label.split("（")[0]
        metric = next(k for k, v in catalogue().items() if v.zh == name)
        if colour(m) == "gray":
            continue
        down = m.proto.delta.startswith("-")
        good_down = metric == "monitored_share"
        assert colour(m) == ("green" if down == good_down else "red"), (metric, m.proto.delta, colour(m))


def test_the_run_reproduces_from_the_yaml_the_page_offers(app):
    halve_fiscal_funds(app)
    changes = [m.value for m in app.markdown if "青岛财政帮扶资金" in m.value]
    assert changes and "（2026年起）" in changes[0]
    current = app.session_state["current"]["yaml"]
    scenario = api.loads_scenario(current)
    assert scenario.scale == 0.002 and scenario.replicates == 2
    rerun = api.run(scenario, workers=1)
    assert any(rerun.run_id in c.value for c in app.caption)
    assert rerun.manifest["baseline"]["scenario_id"] == "baseline"


def test_the_default_run_is_credible_and_few_replicates_are_flagged(monkeypatch, tmp_path):
    from tests.app.apptest import new_app

    monkeypatch.setenv("QDSIM_HOME", str(tmp_path))
    at = new_app(**{"run.replicates": 5}).run()
    no_exceptions(at)
    assert any("少于20次重复" in w.value for w in at.warning)
    from qdsim.app import scenario_builder

    assert scenario_builder.DEFAULT_REPLICATES >= 20 and scenario_builder.DEFAULT_SCALE >= 0.02


def test_a_lever_far_beyond_its_calibrated_range_is_flagged(app):
    open_groups(app, "consumption")
    app.slider(key=wk(app, "w.consumption.showrooms")).set_value(80)
    run_button(app).click()
    app.run()
    warning = " ".join(w.value for w in app.warning)
    assert "展示展销中心和电商体验馆" in warning
    assert "财政" not in warning


def test_tooltips_say_what_a_lever_does(app):
    open_groups(app, "consumption", "labour")
    share = app.slider(key=wk(app, "w.consumption.canteen_share")).help
    assert "食堂" in share and "外推" not in share  # a share stops at 100%: no extrapolation limit
    switch = app.toggle(key=wk(app, "w.labour.free_train")).help
    assert "专列" in switch and "外推" not in switch and "开" not in switch.split("。")[-1]
    money = app.slider(key=wk(app, "w.funds.fiscal")).help
    assert "1月" in money and "外推" in money and "亿元" in money


def test_switch_to_english_and_back(app):
    app.radio(key="lang").set_value("en").run()
    no_exceptions(app)
    assert app.title[0].value == "What-if"
    assert f"{catalogue()['consumption_sales'].en} (annual)" in metrics(app)
    assert run_button(app).label == "Run"
    assert any(c.value.startswith("Run qd-") for c in app.caption)
    app.radio(key="lang").set_value("zh").run()
    assert app.title[0].value == "情景推演"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_bad_yaml_upload_shows_each_problem_with_its_line_in_the_pages_language(app, lang):
    if lang == "en":
        app.radio(key="lang").set_value("en").run()
    app.file_uploader(key="whatif.upload").upload("bad.yaml", BAD_YAML, "application/x-yaml")
    app.run()
    no_exceptions(app)
    error = app.error[0].value
    assert "bad.yaml:5: levers.funds.fiscal:" in error and "bad.yaml:7: levers.labour.unknown_lever:" in error
    assert "e+0" not in error and "亿元" in error  # amounts as 亿元, never e-notation
    assert ("unknown field" in error) == (lang == "en")  # the library's wording, in the page's language
    assert app.session_state["draft"]["base"] == "file:baseline.yaml"  # nothing loaded


def test_a_valid_upload_becomes_the_base_of_the_form(app):
    data = (ROOT / "scenarios" / "stop-after-2025.yaml").read_bytes()  # extends baseline.yaml
    app.file_uploader(key="whatif.upload").upload("stop-after-2025.yaml", data, "application/x-yaml")
    app.run()
    no_exceptions(app)
    assert not app.error
    assert app.session_state["draft"]["base"] == "upload:stop-after-2025.yaml"
    open_groups(app, "horizon")
    assert app.radio(key=wk(app, "w.horizon.mode")).value == "stop"
    assert any("过渡期结束后" in s.value for s in app.subheader)



def test_the_assumptions_switch_runs_the_draws_and_says_what_the_answer_rests_on():
    """With the switch on (a link's run.assumptions=1), the run draws MAX_ASSUMPTION_DRAWS parameter sets, paired with
    the baseline's, and the result gives the interval over the assumptions and the sentences of attribution.csv."""
    from qdsim.app import running
    from tests.app.apptest import new_app

    at = new_app(**{"run.assumptions": "1", "run.scale": "0.1"}).run()
    no_exceptions(at)
    assert at.session_state["draft"]["values"]["w.run.assumptions"] is True
    halve_fiscal_funds(at)
    no_exceptions(at)
    scenario = api.loads_scenario(at.session_state["current"]["yaml"])
    assert scenario.assumption_draws == running.MAX_ASSUMPTION_DRAWS
    text = " ".join(str(m.value) for m in at.markdown)
    assert "各组假设下的90%区间" in text
    assert "主要取决于" in text or "不能归结为某一个假设" in text


def test_a_what_if_names_the_assumptions_its_answer_rests_on_when_asked(app):
    """Halved funds: the results offer to find what the answer rests on; asked, the app runs the same what-if with 256
    assumption draws at 0.3% of households and says, for each headline metric, which assumption it rests on mainly or that
    none can be told from chance. The run is the what-if itself with those settings."""
    from qdsim.app import running

    halve_fiscal_funds(app)
    assert any("依据哪些假设" in c.value and "256" in c.value for c in app.caption)
    next(b for b in app.button if b.key == "rests_on.run").click()
    app.run(timeout=600)
    no_exceptions(app)
    said = [m.value for m in app.markdown if "主要取决于" in m.value or "不能归结为某一个假设" in m.value]
    assert len(said) == 4, said
    asked = api.loads_scenario(running.for_attribution(app.session_state["current"]["yaml"]))
    assert asked.assumption_draws == 256 and any(h["run_id"] == running.planned_id(asked.to_yaml()) for h in app.session_state["history"])
