"""The What-if page: sliders, Run, numbers, warnings, language, scenario files."""

from __future__ import annotations

from qdsim import api
from qdsim.app.results import row
from qdsim.format import planner_number
from qdsim.metrics import catalogue
from tests.app.apptest import BAD_YAML, ROOT, metrics, no_exceptions

SALES = catalogue()["consumption_sales"].zh


def run_button(at):
    return next(b for b in at.button if b.key == "run")


def test_opens_on_the_baseline_with_cards_and_footer(app):
    assert app.title[0].value == "情景推演"
    cards = metrics(app)
    assert len(cards) == 6 and SALES in cards
    assert "亿元" in cards[SALES]
    assert any("基础情景" in i.value for i in app.info)
    footer = [c.value for c in app.caption if c.value.startswith("运行编号 qd-")]
    assert footer and "种子 20210414" in footer[0] and "sha256" in footer[0]
    labels = [d.label for d in app.get("download_button")]
    assert "情景文件 YAML" in labels and "summary.csv" in labels


def test_slider_and_run_change_the_numbers_that_the_yaml_reproduces(app):
    before = metrics(app)
    app.slider(key="w.funds.fiscal").set_value(9.0)
    app.slider(key="w.consumption.canteen_share").set_value(60)
    run_button(app).click()
    app.run()
    no_exceptions(app)
    after = metrics(app)
    assert after[SALES] != before[SALES]
    changes = [m.value for m in app.markdown if "青岛财政帮扶资金" in m.value]
    assert changes and "5亿元 → 9亿元（2026年起）" in changes[0]

    # the YAML the app offers, run by the library, gives the numbers on the cards
    current = app.session_state["current"]["yaml"]
    scenario = api.loads_scenario(current)
    assert scenario.scale == 0.002 and scenario.replicates == 2
    rerun = api.run(scenario, workers=1)
    year = rerun.years[-1]
    for metric in ("consumption_sales", "rural_income_per_capita", "stable_employment"):
        m = catalogue()[metric]
        assert after[m.zh] == planner_number(row(rerun, metric, year)["mean"], m.unit, "zh")
    assert any(rerun.run_id in c.value for c in app.caption)


def test_a_lever_far_beyond_its_calibrated_range_is_flagged(app):
    app.slider(key="w.consumption.showrooms").set_value(80)
    run_button(app).click()
    app.run()
    warning = " ".join(w.value for w in app.warning)
    assert "青岛展销馆及电商馆" in warning and "28" in warning  # 28 showrooms in 2024, the baseline maximum
    assert "财政" not in warning


def test_switch_to_english_and_back(app):
    app.radio(key="lang").set_value("en").run()
    no_exceptions(app)
    assert app.title[0].value == "What-if"
    assert catalogue()["consumption_sales"].en in metrics(app)
    assert run_button(app).label == "Run"
    assert any(c.value.startswith("Run qd-") for c in app.caption)
    app.radio(key="lang").set_value("zh").run()
    assert app.title[0].value == "情景推演"


def test_a_bad_yaml_upload_shows_each_problem_with_its_line(app):
    app.file_uploader(key="whatif.upload").upload("bad.yaml", BAD_YAML, "application/x-yaml")
    app.run()
    no_exceptions(app)
    error = app.error[0].value
    assert "bad.yaml:5: levers.funds.fiscal:" in error
    assert "bad.yaml:7: levers.labour.unknown_lever: unknown field" in error
    assert app.session_state["base_key"] == "file:baseline.yaml"  # nothing loaded


def test_a_valid_upload_becomes_the_base_of_the_form(app):
    data = (ROOT / "scenarios" / "stop-after-2025.yaml").read_bytes()  # extends baseline.yaml
    app.file_uploader(key="whatif.upload").upload("stop-after-2025.yaml", data, "application/x-yaml")
    app.run()
    no_exceptions(app)
    assert not app.error
    assert app.session_state["base_key"] == "upload:stop-after-2025.yaml"
    assert app.radio(key="w.horizon.mode").value == "stop"
    assert any("过渡期结束后" in s.value for s in app.subheader)
