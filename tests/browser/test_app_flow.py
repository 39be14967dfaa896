"""The planner's main flow in a real browser (headless Debian Chromium).

Starts ``streamlit run streamlit_app.py`` on a free local port and asks the
planner's question at the app's default settings (20 replicates, 2% of
households): halve the fiscal funds from 2026, Run, see the provisional
results and then the final ones, each card's difference from the baseline
with its interval and the within-chance label; download the scenario YAML and
the summary and rerun the YAML through :mod:`qdsim.api` to the same numbers;
download the brief; the counties page with its map, the compare page with its
differences and effect per 亿元; the main flow again in English; a bad
upload. Saves the screenshots of the README and the planner's guide
(``docs/images/`` when QDSIM_SCREENSHOTS=docs/images) and prints the time
from Run to results.

Skipped only where there is no Chromium and the CI variable is not set: in
CI a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from pathlib import Path

import pytest

from qdsim import api
from qdsim.app.results import KEY_METRICS, csv_bytes, row
from qdsim.foundation.format import period_word, planner_number
from qdsim.foundation.metrics import catalogue
from tests.serving import free_port, serving  # noqa: F401 - the load and wheel tests import them from here too

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
# Screenshots go to a temporary folder unless QDSIM_SCREENSHOTS names one (e.g. docs/images, to refresh
# the README's and the guide's pictures): a test run leaves the working tree as it found it.
IMAGES = Path(os.environ["QDSIM_SCREENSHOTS"]) if os.environ.get("QDSIM_SCREENSHOTS") else Path(tempfile.gettempdir()) / "qdsim-screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1440, "height": 1600}
TIMEOUT_MS = 120_000

if not Path(CHROMIUM).exists() and not os.environ.get("CI"):
    pytest.skip(f"no Chromium at {CHROMIUM} (CI installs it with scripts/setup --test)", allow_module_level=True)
if not os.environ.get("CI"):
    pytest.importorskip("playwright")
from playwright.sync_api import Page, expect, sync_playwright  # noqa: E402

expect.set_options(timeout=TIMEOUT_MS)



@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app served by ``streamlit run`` on a free port; its URL."""
    port = free_port()
    home = tmp_path_factory.mktemp("qdsim-home")
    argv = [sys.executable, "-m", "streamlit", "run", str(ROOT / "streamlit_app.py"), "--server.headless", "true",
            "--server.address", "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none"]
    with serving(argv, port, home / "streamlit.log", cwd=ROOT, env={**os.environ, "QDSIM_HOME": str(home)}) as url:
        yield url


@pytest.fixture(scope="module")
def page(server):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="zh-CN")
        pg = context.new_page()
        pg.set_default_timeout(TIMEOUT_MS)
        pg.goto(server)
        yield pg
        browser.close()


def card(page: Page, metric: str, lang: str = "zh") -> str:
    period = period_word(metric, lang)
    name = f"{catalogue()[metric].name(lang)}（{period}）" if lang == "zh" else f"{catalogue()[metric].name(lang)} ({period})"
    box = page.get_by_test_id("stMetric").filter(has=page.get_by_test_id("stMetricLabel").get_by_text(name, exact=True))
    return box.get_by_test_id("stMetricValue").inner_text().strip()


def footer(page: Page):
    return page.get_by_text(re.compile(r"^(运行编号|Run) qd-")).first


def footer_run_id(page: Page) -> str:
    return re.search(r"qd-[0-9a-f]{12}", footer(page).inner_text()).group(0)


def wait_idle(page: Page) -> None:
    """Until the script has finished (no progress bar, no 'running' indicator)."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget]') && !document.querySelector('[data-testid=stProgress]')"
    )


def shoot(page: Page, name: str) -> None:
    """A screenshot of the page from the top, for the README and the guide."""
    page.get_by_test_id("stMain").evaluate("e => e.scrollTo(0, 0)")
    page.wait_for_timeout(800)  # let the charts settle after scrolling
    IMAGES.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=IMAGES / name)


def download(page: Page, label: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("button", name=label).first.click()
    return Path(info.value.path()).read_bytes()


def trend_chart(page: Page) -> bytes:
    chart = page.get_by_test_id("stVegaLiteChart").first
    chart.scroll_into_view_if_needed()
    return chart.screenshot()


def type_into(page: Page, label: str, text: str) -> None:
    """Type ``text`` into the box labelled ``label`` and press Enter; wait for the page to take it."""
    box = page.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")
    settle(page)


def settle(page: Page) -> None:
    """After an action: until the rerun it started has finished (stale elements gone)."""
    page.wait_for_timeout(500)
    wait_idle(page)
    page.wait_for_function("() => !document.querySelector('[data-stale=true]')")


def pending(page: Page):
    """The panel "本情景的调整" / "What this scenario changes": what Run will run."""
    return page.locator(".st-key-pending")


#: CSS transitions running on the page's elements, its tabs and its progress bar: the stale results fading, the bar sliding
TRANSITIONS_JS = """() => document.getAnimations().filter(a => { const e = a.effect && a.effect.target;
    return e && (e.matches('[data-testid=stElementContainer]') || e.closest('[data-testid=stTabs], [data-testid=stProgress]')); }).length"""


def no_transitions_while_running(page: Page) -> None:
    """While the run computes, nothing on the page fades or slides: each transition redraws the page for a second or
    more in the planner's browser, and ten of them on one office machine took ~3 CPU s (docs/performance.md)."""
    page.wait_for_selector("[data-testid=stProgress]")
    looks = []
    for _ in range(6):
        if not page.locator("[data-testid=stProgress]").count():
            break
        looks.append(page.evaluate(TRANSITIONS_JS))
        page.wait_for_timeout(150)
    assert looks and not any(looks), looks


def run_and_time(page: Page, before_id: str, lang: str) -> float:
    """Press Run; wait for the provisional results, then the final state; seconds from the press to the final results."""
    started = time.perf_counter()
    page.get_by_role("button", name=RUN[lang]).first.click()
    no_transitions_while_running(page)
    expect(page.get_by_text(PROVISIONAL[lang]).first).to_be_visible()  # the first replicates, while the rest run
    expect(footer(page)).not_to_contain_text(before_id)  # the new run's footer, not the old one still shown
    wait_idle(page)
    expect(page.get_by_text(DONE[lang]).first).to_be_visible()  # a clear final state
    return time.perf_counter() - started


RUN = {"zh": "运行", "en": "Run"}
PROVISIONAL = {"zh": re.compile("^暂定结果"), "en": re.compile("^Provisional")}
DONE = {"zh": re.compile("^已完成：模拟"), "en": re.compile("^Done: ")}
CHANCE = {"zh": "在随机波动范围内", "en": "within chance variation"}


def test_halve_fiscal_funds_see_the_difference_download_and_reproduce(page: Page):
    expect(page.get_by_test_id("stMetric").first).to_be_visible()
    wait_idle(page)  # the baseline at the default settings (20 replicates, 2%): the what-if reuses it
    expect(page.get_by_role("heading", name="情景推演", exact=True)).to_be_visible()
    baseline_id = footer_run_id(page)

    # the planner's question: what if Qingdao halves its fiscal funds from 2026? Exactly half, typed in the money box
    slider = page.get_by_role("slider", name="青岛财政帮扶资金（亿元/年）")
    start = float(slider.get_attribute("aria-valuetext"))
    half = f"{start / 2:g}"
    type_into(page, "青岛财政帮扶资金（亿元/年）：输入数值", half)
    expect(pending(page)).to_contain_text(f"青岛财政帮扶资金（亿元/年）：{start:g}亿元 → {half}亿元（2026年起）")
    seconds = run_and_time(page, baseline_id, "zh")
    expect(page.get_by_text(re.compile(rf"青岛财政帮扶资金（亿元/年）：{start:g}亿元 → {half}亿元（2026年起）")).first).to_be_visible()
    run_id = footer_run_id(page)
    assert run_id != baseline_id
    print(f"what-if (20 replicates, 2%) from Run to final results: {seconds:.1f} s (run {run_id})")

    # every card: its difference from the baseline with its interval; some differences are within chance
    descriptions = page.get_by_test_id("stMetricDelta").all_inner_texts()
    assert len(descriptions) == len(KEY_METRICS)
    expect(page.get_by_text(re.compile(r"^较基准 .*（90%区间 .* 至 .*）")).first).to_be_visible()
    page.get_by_role("tab", name="数据表").click()
    expect(page.get_by_test_id("stTable").get_by_text(CHANCE["zh"]).first).to_be_visible()

    # the downloaded YAML, run by the library, gives the same numbers (summary byte for byte)
    yaml_text = download(page, "情景文件 YAML").decode("utf-8")
    summary_csv = download(page, "summary.csv")
    rerun = api.run(api.loads_scenario(yaml_text, "downloaded.yaml"), workers=2)
    assert rerun.run_id == run_id and csv_bytes(rerun.summary) == summary_csv
    year = rerun.years[-1]
    for m in KEY_METRICS:
        assert card(page, m) == planner_number(row(rerun, m, year)["mean"], catalogue()[m].unit, "zh")
    # the brief of the run shown leads with the difference from the baseline
    brief = download(page, "简报 HTML").decode("utf-8")
    assert run_id in brief and brief.index("回答：本情景与基准情景相比") < brief.index("其次：与无协作相比")
    page.get_by_role("tab", name="趋势").click()
    shoot(page, "app-zh.png")


def test_what_the_panel_lists_is_what_runs_after_reset_page_change_typed_money_and_language_switch(page: Page):
    """The hidden-state bugs of issue 20, each reproduced: the run uses exactly what the panel lists."""
    wait_idle(page)
    reset = page.get_by_role("button", name="重置")
    # a typed share, then reset: the box and the panel are back at the base
    type_into(page, "产业（%）", "10.5")
    expect(pending(page)).to_contain_text("产业（%）：64% → 10.5%（2026年起）")
    reset.click()
    settle(page)
    expect(pending(page)).to_contain_text("未调整任何杠杆")
    expect(page.get_by_label("产业（%）", exact=True)).to_have_value("64.0")
    # typed money with its unit: 5000万元 is half a 亿元, not 5000亿元
    type_into(page, "青岛财政帮扶资金（亿元/年）：输入数值", "5000万元")
    expect(pending(page)).to_contain_text("青岛财政帮扶资金（亿元/年）：4.56亿元 → 5,000万元（2026年起）")
    expect(pending(page)).not_to_contain_text("产业（%）")
    expect(page.get_by_role("slider", name="青岛财政帮扶资金（亿元/年）")).to_have_attribute("aria-valuetext", "0.50")
    # an unreadable amount blocks Run, with a Chinese message next to the box
    type_into(page, "青岛财政帮扶资金（亿元/年）：输入数值", "五千万")
    expect(page.get_by_text("无法读取“五千万”").first).to_be_visible()
    expect(page.get_by_role("button", name=RUN["zh"]).first).to_be_disabled()
    type_into(page, "青岛财政帮扶资金（亿元/年）：输入数值", "5000万元")
    # a page change and back: the form still shows the draft
    page.get_by_role("link", name="方法与引用").click()
    expect(page.get_by_role("heading", name="方法与引用", exact=True).first).to_be_visible()
    page.get_by_role("link", name="情景推演").click()
    settle(page)
    expect(page.get_by_label("青岛财政帮扶资金（亿元/年）：输入数值", exact=True)).to_have_value("5000万元")
    expect(pending(page)).to_contain_text("4.56亿元 → 5,000万元（2026年起）")
    # the language switch: the same draft, in English, and the run uses it
    page.get_by_text("English", exact=True).click()
    expect(page.get_by_role("heading", name="What-if", exact=True)).to_be_visible()
    settle(page)
    listed = pending(page).inner_text()
    assert "Qingdao fiscal assistance funds (亿元 = CNY 100m a year): 4.56亿元 → 5,000万元 (from 2026)" in listed
    assert "Industry" not in listed
    before = footer_run_id(page)
    run_and_time(page, before, "en")
    yaml_text = download(page, "Scenario YAML").decode("utf-8")
    ran = api.loads_scenario(yaml_text, "downloaded.yaml")
    assert ran.levers.funds.fiscal[2026] == 5e7
    assert ran.levers.funds.shares == api.load_scenario("baseline").levers.funds.shares  # no typed share survived
    assert pending(page).inner_text() == listed  # after Run the panel still lists exactly what ran
    page.get_by_text("中文", exact=True).click()
    expect(page.get_by_role("heading", name="情景推演", exact=True)).to_be_visible()
    wait_idle(page)


def test_a_reload_and_a_link_keep_the_what_if_and_its_results(page: Page, server):
    wait_idle(page)
    run_id = footer_run_id(page)
    link = page.url
    assert "run=" + run_id in link and "funds.fiscal=" in link
    page.reload()
    expect(footer(page)).to_contain_text(run_id)
    wait_idle(page)
    expect(pending(page)).to_contain_text("4.56亿元 → 5,000万元（2026年起）")
    other = page.context.new_page()  # a colleague opens the link
    other.goto(link)
    expect(footer(other)).to_contain_text(run_id)
    other.close()


def test_counties_show_the_map_and_the_sorted_differences(page: Page):
    page.get_by_role("link", name="分县结果").click()
    expect(page.get_by_role("heading", name="分县结果", exact=True)).to_be_visible()
    wait_idle(page)
    expect(page.get_by_test_id("stVegaLiteChart").nth(2)).to_be_visible()  # the map, the sorted bars, a county's series
    expect(page.get_by_text("较基准", exact=True).first).to_be_visible()
    shoot(page, "counties-zh.png")


def test_compare_shows_differences_and_effect_per_100m(page: Page):
    page.get_by_role("link", name="情景比较").click()
    expect(page.get_by_role("heading", name="情景比较", exact=True)).to_be_visible()
    wait_idle(page)
    tables = page.get_by_test_id("stTable")
    expect(tables.first.get_by_text("差别90%区间")).to_be_visible()
    expect(page.get_by_text("每亿元增收（90%区间）").first).to_be_visible()
    shoot(page, "compare-zh.png")


def test_the_main_flow_in_english(page: Page):
    page.get_by_role("link", name="情景推演").click()
    expect(page.get_by_role("heading", name="情景推演", exact=True)).to_be_visible()
    wait_idle(page)
    page.get_by_text("English", exact=True).click()
    expect(page.get_by_role("heading", name="What-if", exact=True)).to_be_visible()
    wait_idle(page)
    expect(page.get_by_test_id("stMetricLabel").get_by_text("Rural disposable income per capita (annual)")).to_be_visible()
    before = footer_run_id(page)
    type_into(page, "Qingdao fiscal assistance funds (亿元 = CNY 100m a year): type a value", "5.56")  # a raise of 1 亿元 a year
    seconds = run_and_time(page, before, "en")
    print(f"English what-if from Run to final results: {seconds:.1f} s")
    expect(page.get_by_text(re.compile(r"^vs baseline .*\(90% interval .* to .*\)")).first).to_be_visible()
    assert "CNY" in card(page, "consumption_sales", "en")
    # each arrow follows the sign of its difference ("CNY -24.97 m" points down), its colour the meaning
    for box in page.get_by_test_id("stMetric").all():
        delta = box.get_by_test_id("stMetricDelta")
        if not delta.count():
            continue
        text = delta.inner_text()
        down, up = box.get_by_test_id("stMetricDeltaIcon-Down").count(), box.get_by_test_id("stMetricDeltaIcon-Up").count()
        if re.search(r"-\d", text):
            assert down and not up, text
        elif re.search(r"\+\d", text):
            assert up and not down, text
    shoot(page, "app-en.png")
    page.get_by_role("tab", name="Table").click()
    expect(page.get_by_test_id("stTable").get_by_text(CHANCE["en"]).first).to_be_visible()
    page.get_by_role("link", name="Compare").click()
    expect(page.get_by_role("heading", name="Compare", exact=True)).to_be_visible()
    wait_idle(page)
    expect(page.get_by_text("Income gain per 亿元 (90% interval)").first).to_be_visible()
    page.get_by_role("link", name="Counties").click()
    expect(page.get_by_role("heading", name="Counties", exact=True)).to_be_visible()
    wait_idle(page)
    expect(page.get_by_test_id("stVegaLiteChart").nth(1)).to_be_visible()
    page.get_by_text("中文", exact=True).click()
    expect(page.get_by_role("heading", name="分县结果", exact=True)).to_be_visible()
    wait_idle(page)


def test_upload_a_bad_file_shows_line_and_field(page: Page):
    page.get_by_role("link", name="情景推演").click()
    wait_idle(page)
    page.get_by_text("载入情景文件（YAML）").first.click()
    page.locator("input[type=file]").first.set_input_files(
        files=[{"name": "bad.yaml", "mimeType": "application/x-yaml",
                "buffer": "id: bad\ntitle: {zh: 坏, en: Bad}\nlevers:\n  funds:\n    fiscal: -5 亿元\n".encode()}]
    )
    error = page.get_by_test_id("stAlertContentError")
    expect(error).to_contain_text("bad.yaml:5: levers.funds.fiscal:")
    # Streamlit's own uploader words are not shown on the Chinese page
    for english in ("Drag and drop file here", "Limit 2MB per file"):
        expect(page.get_by_text(english).first).to_be_hidden()
    shoot(page, "upload-error-zh.png")
