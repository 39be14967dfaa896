"""The planner's main flow in a real browser (headless Debian Chromium).

Starts ``streamlit run streamlit_app.py`` on a free local port, moves a
slider, runs, checks that the numbers and the chart change, downloads the
scenario YAML and the summary, reruns the YAML through :mod:`qdsim.api` to
the same numbers, downloads the brief, uploads a bad file, and saves the
screenshots of the README and the planner's guide (``docs/images/`` when QDSIM_SCREENSHOTS=docs/images).

Skipped only where there is no Chromium and the CI variable is not set: in
CI a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from qdsim import api
from qdsim.app.results import KEY_METRICS, csv_bytes, row
from qdsim.format import planner_number
from qdsim.metrics import catalogue

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(argv: list, port: int, log_path: Path, **popen) -> Iterator[str]:
    """The app served by ``argv`` on ``port``: its URL once its health check answers; stopped on leaving.

    Its output goes to ``log_path`` (read it after, for tracebacks). Shared by
    this test and the installed-wheel test.
    """
    with open(log_path, "w+") as log:
        proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, **popen)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                        if r.read() == b"ok":
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise AssertionError(f"{' '.join(map(str, argv))} did not start:\n{log.read()}")
                time.sleep(0.3)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


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
    name = catalogue()[metric].name(lang)
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


def test_move_a_slider_run_download_and_reproduce(page: Page):
    expect(page.get_by_test_id("stMetric").first).to_be_visible()
    wait_idle(page)
    expect(page.get_by_role("heading", name="情景推演", exact=True)).to_be_visible()
    baseline_id = footer_run_id(page)
    before = {m: card(page, m) for m in KEY_METRICS}
    chart_before = trend_chart(page)

    # move the fiscal-funds slider from 5.00 to 7.00亿元 (40 steps of 0.05) and run
    slider = page.get_by_role("slider", name="青岛财政帮扶资金（亿元/年）")
    slider.focus()
    for _ in range(40):
        slider.press("ArrowRight")
    expect(slider).to_have_attribute("aria-valuetext", "7.00")
    started = time.perf_counter()
    page.get_by_role("button", name="运行").first.click()
    expect(page.get_by_text(re.compile(r"青岛财政帮扶资金（亿元/年）：5亿元 → 7亿元"))).to_be_visible()
    expect(footer(page)).not_to_contain_text(baseline_id)  # the new run's footer, not the old one still shown
    wait_idle(page)
    seconds = time.perf_counter() - started
    run_id = footer_run_id(page)
    assert run_id != baseline_id
    after = {m: card(page, m) for m in KEY_METRICS}
    assert after["consumption_sales"] != before["consumption_sales"]
    assert after["rural_income_per_capita"] != before["rural_income_per_capita"]
    assert trend_chart(page) != chart_before
    print(f"what-if run answered in {seconds:.1f} s (run {run_id})")

    # the downloaded YAML, run by the library, gives the same numbers (summary byte for byte)
    yaml_text = download(page, "情景文件 YAML").decode("utf-8")
    summary_csv = download(page, "summary.csv")
    scenario = api.loads_scenario(yaml_text, "downloaded.yaml")
    rerun = api.run(scenario, workers=1)
    assert rerun.run_id == run_id
    assert csv_bytes(rerun.summary) == summary_csv
    year = rerun.years[-1]
    for m in KEY_METRICS:
        assert after[m] == planner_number(row(rerun, m, year)["mean"], catalogue()[m].unit, "zh")
    # the brief of the run shown (rendered when asked for)
    brief = download(page, "简报 HTML").decode("utf-8")
    assert run_id in brief and "<html" in brief.lower()

    shoot(page, "app-zh.png")


def test_switch_to_english(page: Page):
    page.get_by_text("English", exact=True).click()
    expect(page.get_by_role("heading", name="What-if", exact=True)).to_be_visible()
    wait_idle(page)
    expect(page.get_by_test_id("stMetricLabel").get_by_text("Rural disposable income per capita")).to_be_visible()
    assert "CNY" in card(page, "consumption_sales", "en")
    shoot(page, "app-en.png")
    page.get_by_text("中文", exact=True).click()
    expect(page.get_by_role("heading", name="情景推演", exact=True)).to_be_visible()
    wait_idle(page)


def test_upload_a_bad_file_shows_line_and_field(page: Page):
    page.get_by_text("载入情景文件（YAML）").first.click()
    page.locator("input[type=file]").first.set_input_files(
        files=[{"name": "bad.yaml", "mimeType": "application/x-yaml",
                "buffer": "id: bad\ntitle: {zh: 坏, en: Bad}\nlevers:\n  funds:\n    fiscal: -5 亿元\n".encode()}]
    )
    error = page.get_by_test_id("stAlertContentError")
    expect(error).to_contain_text("bad.yaml:5: levers.funds.fiscal:")
    shoot(page, "upload-error-zh.png")


def test_compare_and_counties_pages(page: Page):
    page.get_by_role("link", name="情景比较").click()
    expect(page.get_by_role("heading", name="情景比较", exact=True)).to_be_visible()
    wait_idle(page)
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    shoot(page, "compare-zh.png")
    page.get_by_role("link", name="分县结果").click()
    expect(page.get_by_role("heading", name="分县结果", exact=True)).to_be_visible()
    wait_idle(page)
    expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
    shoot(page, "counties-zh.png")
