"""Planners at once in Chromium on one `qdsim app`: each gets their own results, none hangs, nothing is left over.

One ``qdsim app`` server (started as an office would: ``qdsim app --port P``,
so with its office defaults) and one headless Chromium with a browser
context per planner. Every planner opens the app (the baseline at the app's
default settings, 20 replicates of 2% of households, computed once for
all), moves the fiscal-funds slider to a value of their own (a different,
credible what-if each), and presses Run, all within a second of each other.
Some press Run twice two seconds apart; one reloads the page three seconds
into the run and runs again; one closes its tab three seconds in.

Recorded: each planner's seconds from Run to the final results, the server's
memory (proportional set size of the server and its worker processes,
sampled every second), and afterwards the registry's integrity, that every
run it lists finished with its files, that no run is left running, and that
the server is back to the threads and worker processes it had before.

In the suite it runs 3 planners (one double click, one reload, one plain);
``QDSIM_LOAD_PLANNERS=10`` runs the full size (docs/performance.md gives the
figures); ``QDSIM_LOAD_REPORT=path.json`` writes the measurements, among them
the CPU seconds of the server, its workers and Chromium from Run to the last
results; ``QDSIM_LOAD_PROFILE=path`` has py-spy (``QDSIM_PYSPY`` or on the
PATH) sample the server over the same time. ``QDSIM_LOAD_BROWSER_NICE=19`` runs
the planners' Chromium at that priority (re-niced each second as pages open):
in an office each planner's browser runs on their own computer, and on this one
machine the ten pages otherwise take as much of the two cores as the runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import datetime
from pathlib import Path

import psutil
import pytest

from qdsim.results.outputs import outputs_ok
from tests.browser.test_app_flow import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, free_port, serving

pytestmark = [pytest.mark.browser, pytest.mark.load]

from playwright.async_api import Page, async_playwright, expect  # noqa: E402

PLANNERS = int(os.environ.get("QDSIM_LOAD_PLANNERS", "3"))
#: AnyIO ends a worker thread idle this long (its WorkerThread.MAX_IDLE_TIME, 10 s) when the next request comes
ANYIO_IDLE_S = 11
TIMEOUT_MS = int(os.environ.get("QDSIM_LOAD_TIMEOUT_S", "900")) * 1000
#: the planners' browsers' priority (0: as the server's; 19: they take only what the server leaves)
BROWSER_NICE = int(os.environ.get("QDSIM_LOAD_BROWSER_NICE", "0"))
RUN = "运行"
FISCAL = "青岛财政帮扶资金（亿元/年）"
DONE = re.compile("^已完成：模拟")


def behaviours(n: int) -> list[str]:
    """What each planner does: at full size 3 double clicks, 1 reload, 1 closed tab, the rest plain."""
    if n < 10:
        return (["double", "reload", "plain"] + ["plain"] * n)[:n]
    return ["double", "double", "double", "reload", "close"] + ["plain"] * (n - 5)


#: milliseconds between two looks of a waiting planner's page: Playwright's default for a function, every animation
#: frame, keeps a headless page drawing 60 frames a second, and its text locators walk and lay out the whole page at
#: each look; a planner's own browser does neither (docs/performance.md: the ten pages' Chromium 36.5 → 23.6 CPU s)
POLL_MS = 250
#: the page's script has ended and no progress bar shows (Streamlit's own mark on the app's element)
IDLE_JS = ("!document.querySelector('[data-testid=stProgress]') && "
           "document.querySelector('[data-testid=stApp]')?.getAttribute('data-test-script-state') !== 'running'")


async def wait_idle(page: Page) -> None:
    """Until no progress bar shows and the page's script has ended."""
    await page.wait_for_function(f"() => {IDLE_JS}", timeout=TIMEOUT_MS, polling=POLL_MS)


async def run_id(page: Page) -> str:
    text = await page.get_by_text(re.compile(r"^(运行编号|Run) qd-")).first.inner_text()
    return re.search(r"qd-[0-9a-f]{12}", text).group(0)


async def open_app(page: Page, url: str) -> str:
    await page.goto(url)
    await shown(page)
    return await run_id(page)


async def shown(page: Page) -> None:
    """Until the results are shown; an error the page shows instead fails at once, with its text."""
    await expect(page.get_by_test_id("stMetric").first.or_(page.get_by_test_id("stAlertContentError").first)).to_be_visible(timeout=TIMEOUT_MS)
    await wait_idle(page)
    errors = await page.get_by_test_id("stAlertContentError").all_inner_texts()
    assert not errors, errors


#: seconds a planner gives the page to take a typed value before typing it again
RETYPE_S = 30


async def set_fiscal(page: Page, value: float) -> int:
    """Type the fiscal funds from 2026 into the slider's typed twin (亿元 a year) and wait for the page to take it.

    A value typed as the page is drawn is now and then lost (the box shows the old value again): typed again
    after RETYPE_S, as a planner would, at most three times. Returns how many times it was typed again.
    """
    box = page.get_by_label(f"{FISCAL}：输入数值", exact=True)
    slider = page.get_by_role("slider", name=FISCAL)
    for again in range(3):
        await box.fill(f"{value:g}")
        await box.press("Enter")
        await wait_idle(page)
        try:
            await expect(slider).to_have_attribute("aria-valuetext", re.compile(rf"^{value:g}(\.0+)?$"), timeout=RETYPE_S * 1000)
            return again
        except AssertionError:
            continue
    await expect(slider).to_have_attribute("aria-valuetext", re.compile(rf"^{value:g}(\.0+)?$"))
    return 3


async def final_results(page: Page, before: str) -> str:
    """Until the page shows a run other than ``before``, finished: looked for in the page's text every POLL_MS (no layout),
    then checked as :func:`shown` does."""
    await page.wait_for_function(f"""b => {{ const t = document.body.textContent, m = t.match(/(运行编号|Run) (qd-[0-9a-f]{{12}})/);
                                           return m && m[2] !== b && t.includes('{DONE.pattern[1:]}') && {IDLE_JS}; }}""",
                                 arg=before, timeout=TIMEOUT_MS, polling=POLL_MS)
    await expect(page.get_by_text(re.compile(r"^(运行编号|Run) qd-")).first).not_to_contain_text(before)
    await shown(page)
    await expect(page.get_by_text(DONE).first).to_be_visible(timeout=TIMEOUT_MS)
    return await run_id(page)


async def planner(i: int, what: str, browser, url: str, ready: asyncio.Barrier, out: dict) -> None:
    rec = out.setdefault(i, {"planner": i, "does": what})
    t0 = time.perf_counter()

    def at(step: str) -> None:
        rec["at"] = f"{step} ({time.perf_counter() - t0:.0f} s)"
        PAGES[i] = page

    page = None
    at("new_context")
    ctx = await browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    at("new_page")
    page = await ctx.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        at("open_app")
        baseline = rec["baseline_id"] = await open_app(page, url)
        steps = (i // 2 + 1) * 8 * (-1 if i % 2 else 1)  # ±0.4, ±0.8, … 亿元 a year from 2026: a different what-if each
        rec["fiscal_change"] = round(steps * 0.05, 2)
        base_value = float(await page.get_by_role("slider", name=FISCAL).get_attribute("aria-valuetext"))
        rec["fiscal_to"] = round(base_value + rec["fiscal_change"], 2)
        at("set_fiscal")
        rec["retyped"] = await set_fiscal(page, rec["fiscal_to"])
        at("barrier")
        if await ready.wait() == 0:  # the last at the start line: everyone presses Run now
            CPU["start"] = (time.perf_counter(), cpu_by_role(SERVER["pid"]))
            profile(SERVER["pid"])
        at("run")
        await asyncio.sleep(0.1 * i)  # within a second of each other, as people are
        started = time.perf_counter()
        await page.get_by_role("button", name=RUN).first.click()
        if what == "double":
            await asyncio.sleep(2)
            await page.get_by_role("button", name=RUN).first.click()
        elif what == "reload":
            await asyncio.sleep(3)
            await page.reload()  # the page's link keeps the what-if: the form comes back as it was
            await shown(page)
            await expect(page.get_by_role("slider", name=FISCAL)).to_have_attribute("aria-valuetext", re.compile(rf"^{rec['fiscal_to']:g}(\.0+)?$"))
            rec["seconds_to_reload"] = round(time.perf_counter() - started, 1)
            await page.get_by_role("button", name=RUN).first.click()
        elif what == "close":
            await asyncio.sleep(3)
            await ctx.close()
            rec["seconds"] = None
            return
        at("final_results")
        rec["run_id"] = await final_results(page, baseline)
        at("done")
        rec["seconds"] = round(time.perf_counter() - started, 1)
        text = await page.get_by_text(re.compile(rf"^{re.escape(FISCAL)}：")).first.inner_text()
        rec["shown_change"] = text
    except Exception as e:  # noqa: BLE001 - recorded and asserted on below
        rec["error"] = f"{type(e).__name__}: {e}"[:300]
        if os.environ.get("QDSIM_LOAD_DEBUG"):
            with contextlib.suppress(Exception):
                d = Path(os.environ["QDSIM_LOAD_DEBUG"])
                d.mkdir(parents=True, exist_ok=True)
                await page.screenshot(path=str(d / f"planner{i}.png"), full_page=True)
                (d / f"planner{i}.txt").write_text(await page.inner_text("body"), encoding="utf-8")
        ready.abort()  # a planner that failed before the start line must not leave the others waiting at it forever
    finally:
        if what != "close":
            OPEN.append(ctx)  # closed once every planner is done: the CPU its page used is counted first


PAGES: dict = {}
#: the planners' browser contexts, closed after the CPU from Run to the last results is counted
OPEN: list = []
#: the server's PID, and the CPU seconds by role when Run is pressed (wall clock, cpu_by_role)
SERVER: dict = {}
CPU: dict = {}


async def watch(out: dict) -> None:
    """Every 30 s, where each planner is (and with QDSIM_LOAD_DEBUG, what its page shows)."""
    while True:
        await asyncio.sleep(30)
        print(time.strftime("%H:%M:%S"), {i: r.get("at") for i, r in sorted(out.items())}, flush=True)
        if os.environ.get("QDSIM_LOAD_DEBUG"):
            d = Path(os.environ["QDSIM_LOAD_DEBUG"])
            d.mkdir(parents=True, exist_ok=True)
            for i, page in list(PAGES.items()):
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(page.screenshot(path=str(d / f"watch{i}.png")), 10)


def tree(pid: int) -> list[psutil.Process]:
    p = psutil.Process(pid)
    return [p, *p.children(recursive=True)]


def memory_mb(pid: int) -> float:
    total = 0
    for p in tree(pid):
        try:
            total += p.memory_full_info().pss
        except psutil.Error:
            pass
    return total / 2**20


def server_pid(port: int) -> int:
    for c in psutil.net_connections(kind="tcp"):
        if c.status == psutil.CONN_LISTEN and c.laddr.port == port and c.pid:
            return c.pid
    raise AssertionError(f"nothing listens on port {port}")


def renice_browsers(nice: int) -> None:
    """This test's Chromium processes at priority ``nice`` (those it starts later inherit it from their parent)."""
    for p in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if "chrom" in p.name().lower() and p.nice() != nice:
                p.nice(nice)


def python_threads(pid: int) -> int:
    return psutil.Process(pid).num_threads()


def workers(pid: int) -> set[int]:
    return {p.pid for p in tree(pid)[1:]}


def cpu_by_role(server: int) -> dict[int, tuple[str, float]]:
    """Every process of this test by PID: its role (server, workers, chromium, driver: Playwright's) and CPU seconds so far."""
    out = {}
    for p in psutil.Process().children(recursive=True):
        try:
            t = p.cpu_times()
            chain = [p, *p.parents()]
            role = ("server" if p.pid == server else "workers" if server in {a.pid for a in chain} else
                    "chromium" if any("chrom" in a.name().lower() for a in chain) else "driver")
        except psutil.Error:
            continue
        out[p.pid] = (role, t.user + t.system)
    t = psutil.Process().cpu_times()
    out[os.getpid()] = ("test", t.user + t.system)
    return out


def profile(pid: int) -> None:
    """With QDSIM_LOAD_PROFILE=file, py-spy samples the server from Run to the last results (collapsed stacks in the file)."""
    out = os.environ.get("QDSIM_LOAD_PROFILE")
    spy = os.environ.get("QDSIM_PYSPY") or shutil.which("py-spy")
    if out and spy:
        SERVER["spy"] = subprocess.Popen([spy, "record", "--pid", str(pid), "--rate", "50", "--format", "raw", "--nonblocking", "-o", out],
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    """CPU seconds by role between two :func:`cpu_by_role` (a process that ended in between is not counted)."""
    used: dict[str, float] = {}
    for pid, (role, seconds) in after.items():
        used[role] = used.get(role, 0.0) + seconds - before.get(pid, (role, 0.0))[1]
    return {k: round(v, 1) for k, v in sorted(used.items())}


def test_ten_planners_on_one_server(tmp_path):
    home = tmp_path / "home"
    port = free_port()
    argv = [sys.executable, "-m", "qdsim.cli", "app", "--port", str(port)]
    report: dict = {"planners": PLANNERS, "cpus": os.cpu_count(), "load_before": os.getloadavg()[0], "browser_nice": BROWSER_NICE}
    with serving(argv, port, tmp_path / "server.log", cwd=tmp_path, env={**os.environ, "QDSIM_HOME": str(home)}) as url:
        pid = SERVER["pid"] = server_pid(port)
        peak = {"mb": 0.0, "stop": False}

        def sample() -> None:
            while not peak["stop"]:
                peak["mb"] = max(peak["mb"], memory_mb(pid))
                if BROWSER_NICE:
                    renice_browsers(BROWSER_NICE)
                time.sleep(1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        results: dict = {}

        async def main() -> None:
            async with async_playwright() as p:
                browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                # the baseline at the app's settings once, before the planners (an office's first visitor of the day)
                first = await browser.new_context(viewport=VIEWPORT, locale="zh-CN")
                await open_app(await first.new_page(), url)
                await first.close()
                report["idle_threads"], report["idle_workers"] = python_threads(pid), len(workers(pid))
                report["memory_idle_mb"] = round(memory_mb(pid))
                ready = asyncio.Barrier(PLANNERS)
                watcher = asyncio.create_task(watch(results))
                await asyncio.gather(*(planner(i, what, browser, url, ready, results) for i, what in enumerate(behaviours(PLANNERS))))
                if "start" in CPU:  # from Run to the last planner's results: where the two cores went
                    started, before = CPU["start"]
                    report["run_phase_s"] = round(time.perf_counter() - started, 1)
                    report["run_phase_cpu_s"] = cpu_used(before, cpu_by_role(pid))
                for ctx in OPEN:
                    await ctx.close()
                if "spy" in SERVER:
                    SERVER["spy"].send_signal(signal.SIGINT)  # py-spy writes what it sampled and ends
                    SERVER.pop("spy").wait(timeout=60)
                watcher.cancel()
                await browser.close()

        asyncio.run(main())
        time.sleep(3)  # the closed tab's session ends its script
        deadline, nudged = time.monotonic() + 120, time.monotonic()
        while python_threads(pid) > report["idle_threads"] and time.monotonic() < deadline:
            if time.monotonic() - nudged > ANYIO_IDLE_S:
                # Streamlit's HTTP server (Starlette) reads files on AnyIO worker threads; AnyIO ends the idle ones only when a
                # later request finds them idle for 10 s. A request for the page lets it: what is left is a waiting thread.
                urllib.request.urlopen(url, timeout=10).read()
                nudged = time.monotonic()
            time.sleep(1)
        report["threads_after"], report["workers_after"] = python_threads(pid), len(workers(pid))
        peak["stop"] = True
        sampler.join()
        report["memory_peak_mb"] = round(peak["mb"])
        log = (tmp_path / "server.log").read_text(encoding="utf-8", errors="replace")

    rows = [results[i] for i in sorted(results)]
    report["rows"] = rows
    times = [r["seconds"] for r in rows if r.get("seconds") is not None]
    report["median_s"], report["slowest_s"] = (statistics.median(times), max(times)) if times else (None, None)
    db = home / "registry.db"
    with sqlite3.connect(db) as con:
        report["integrity"] = con.execute("PRAGMA integrity_check").fetchone()[0]
        runs = con.execute("SELECT run_id, status, out_dir FROM runs").fetchall()
        computed = dict(con.execute("SELECT run_id, seconds FROM runs").fetchall())
        ended = {rid: datetime.fromisoformat(created).timestamp() + (seconds or 0)
                 for rid, created, seconds in con.execute("SELECT run_id, created, seconds FROM runs")}
    report["registry_runs"] = len(runs)
    asked = {r.get("run_id") for r in rows} | {r.get("baseline_id") for r in rows}
    left = [rid for rid in ended if rid not in asked]  # the closed tab's run: it should end after those planners waited for
    if len(left) == 1:
        whatifs = sorted(rid for rid in ended if rid not in {r.get("baseline_id") for r in rows})
        report["closed_tab_run_ended"] = f"{sorted(whatifs, key=ended.get).index(left[0]) + 1} of {len(whatifs)}"
    for r in rows:  # the server's own seconds for the run (api.run, start to end), beside what the planner waited
        r["server_seconds"] = round(computed[r["run_id"]], 1) if computed.get(r.get("run_id")) is not None else None
    report["load_after"] = os.getloadavg()[0]
    print(json.dumps(report, ensure_ascii=False, indent=1))
    if os.environ.get("QDSIM_LOAD_REPORT"):
        Path(os.environ["QDSIM_LOAD_REPORT"]).write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")

    errors = [r for r in rows if r.get("error")]
    assert not errors, errors
    finished = [r for r in rows if r["does"] != "close"]
    assert all(r.get("run_id") for r in finished)  # every planner (but the one who left) got results; none hangs
    assert len({r["run_id"] for r in finished}) == len(finished)  # each their own what-if
    for r in finished:  # the results shown are of the planner's own change
        assert f"→ {r['fiscal_to']:g}亿元" in r["shown_change"], r
    assert report["integrity"] == "ok"
    assert all(status == "done" and outputs_ok(out, rid) for rid, status, out in runs), runs  # nothing left running or half-written
    assert {r["run_id"] for r in finished} <= {rid for rid, _, _ in runs}
    assert report["threads_after"] <= report["idle_threads"]  # no script thread left waiting
    assert report["workers_after"] <= report["idle_workers"] + 2  # the pool (its size) and the fork server: nothing more
    assert "Traceback" not in log
