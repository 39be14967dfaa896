"""qdsim installed from its wheel into a fresh virtual environment, used from an empty folder.

The package must be whole: the shipped scenarios, batch files and the app's
script come inside it, and every command works from any folder (no
repository around it). Slow (about a minute to install the dependencies from
the package index), so it runs once per session, in CI too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.slow


def sh(argv, cwd, timeout=600, **kw) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("QDSIM_HOME", "PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, **kw)


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A fresh venv with qdsim installed from a wheel built from this tree (not editable)."""
    root = tmp_path_factory.mktemp("wheel")
    built = sh([sys.executable, "-m", "pip", "wheel", ROOT, "--no-deps", "-q", "-w", root / "dist"], cwd=root)
    assert built.returncode == 0, built.stderr[-3000:]
    wheel = next((root / "dist").glob("qdsim-*.whl"))
    made = sh([sys.executable, "-m", "venv", root / "venv"], cwd=root)
    assert made.returncode == 0, made.stderr
    py = root / "venv" / "bin" / "python"
    installed = sh([py, "-m", "pip", "install", "-q", wheel], cwd=root, timeout=900)
    assert installed.returncode == 0, installed.stderr[-3000:]
    located = sh([py, "-c", "import qdsim; print(qdsim.__file__)"], cwd=root)
    assert str(root / "venv") in located.stdout, "qdsim must come from the wheel, not from the source tree"
    return root / "venv"


@pytest.fixture
def empty(tmp_path) -> Path:
    d = tmp_path / "empty"
    d.mkdir()
    return d


def test_run_a_shipped_scenario_twice_from_an_empty_folder(venv, empty):
    qdsim = venv / "bin" / "qdsim"
    runs = [sh([qdsim, "run", "baseline", "--scale", "0.003", "--replicates", "2", "--out", "a"], cwd=empty) for _ in range(2)]
    for r in runs:
        assert r.returncode == 0, r.stderr[-3000:]
    first = (empty / "a" / "summary.csv").read_bytes()
    assert "finished before" in runs[1].stdout  # the second is served from the registry (./runs/registry.db)
    fresh = sh([qdsim, "run", "baseline", "--scale", "0.003", "--replicates", "2", "--out", "b", "--fresh"], cwd=empty)
    assert fresh.returncode == 0, fresh.stderr[-3000:]
    assert (empty / "b" / "summary.csv").read_bytes() == first
    import json

    manifest = json.loads((empty / "a" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["commit"].startswith("0.") and "+code." in manifest["commit"]  # no git: version and code hash

    brief = sh([qdsim, "brief", "a"], cwd=empty)
    assert brief.returncode == 0, brief.stderr[-3000:]
    assert "cannot find" not in (brief.stdout + brief.stderr).lower()
    html = (empty / "a" / "brief" / "baseline-brief-zh.html").read_text(encoding="utf-8")
    assert "baseline" in html


def test_scenarios_are_listed_copied_and_valid(venv, empty):
    qdsim = venv / "bin" / "qdsim"
    listed = sh([qdsim, "scenarios", "--quiet"], cwd=empty)
    assert listed.returncode == 0 and "baseline" in listed.stdout.split()
    copied = sh([qdsim, "scenarios", "--copy-to", "mine"], cwd=empty)
    assert copied.returncode == 0, copied.stderr
    files = sorted((empty / "mine").rglob("*.yaml"))
    assert len(files) == len(listed.stdout.split())
    valid = sh([qdsim, "validate", *files], cwd=empty)
    assert valid.returncode == 0, valid.stdout + valid.stderr


def test_calibrate_and_sensitivity_find_the_shipped_baseline(venv, empty):
    qdsim = venv / "bin" / "qdsim"
    cal = sh([qdsim, "calibrate", "--quick", "--out", "cal"], cwd=empty)
    assert cal.returncode == 0, cal.stderr[-3000:]
    assert (empty / "cal" / "report.md").is_file()
    sens = sh([qdsim, "sensitivity", "--levers", "labour.subsidy_per_worker,consumption.showrooms", "--n", "2", "--replicates", "1",
               "--scale", "0.002", "--workers", "1", "--quiet"], cwd=empty)
    assert sens.returncode == 0, sens.stderr[-3000:]


def test_the_ema_study_of_docs_ema_md_runs_as_a_plain_script_from_the_installed_package(venv, empty):
    """The analyst's study (issue 21) from the wheel: docs/ema.md's blocks as one plain script (no __main__ guard), in an empty folder.

    50 Latin hypercube experiments under the multiprocessing evaluator at 0.2% of
    households and 1 replicate, calibrated parameters from the posterior, feature
    scoring and PRIM: no NaN crash, no traceback.
    """
    import re

    py = venv / "bin" / "python"
    extra = sh([py, "-m", "pip", "install", "-q", "ema-workbench==3.0.0"], cwd=empty, timeout=900)  # the qdsim[ema] extra
    assert extra.returncode == 0, extra.stderr[-3000:]
    code = "\n".join(re.findall(r"^```python\n(.*?)^```", (ROOT / "docs" / "ema.md").read_text(encoding="utf-8"), re.S | re.M))
    (empty / "study.py").write_text(code + "\nimport numpy as np\nassert all(np.isfinite(v).all() for v in outcomes.values())\n"
                                    "assert len(experiments) == 50\nprint('STUDY DONE', box.stats['coverage'])\n", encoding="utf-8")
    r = sh([py, "study.py"], cwd=empty, timeout=1200)
    assert r.returncode == 0 and "STUDY DONE" in r.stdout, r.stdout[-2000:] + r.stderr[-4000:]
    assert "Traceback" not in r.stderr and "BrokenProcessPool" not in r.stderr


@pytest.mark.browser
def test_the_installed_app_serves_a_working_page(venv, empty):
    from .browser.test_app_flow import CHROMIUM, CHROMIUM_ARGS, footer_run_id, free_port, serving, wait_idle

    playwright = pytest.importorskip("playwright.sync_api")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("QDSIM_HOME", "PYTHONPATH")}
    with serving([venv / "bin" / "qdsim", "app", "--port", str(port)], port, empty / "app.log", cwd=empty, env=env) as url:
        with playwright.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(locale="zh-CN")
            page.set_default_timeout(120_000)
            page.goto(url)
            page.get_by_test_id("stMetric").first.wait_for()
            wait_idle(page)
            assert footer_run_id(page).startswith("qd-")  # the baseline's results, computed by the installed package
            assert page.get_by_test_id("stException").count() == 0
            browser.close()
    text = (empty / "app.log").read_text(encoding="utf-8")
    assert "Traceback" not in text, text[-3000:]
