"""An error no page handles: the planner reads a message in Chinese with a reference, the server's log the traceback."""

from __future__ import annotations

import json
import logging
import os
import re
import time

from streamlit.testing.v1 import AppTest

from qdsim.app import guard
from qdsim.registry.store import prune_app_runs


def failing_page():
    from qdsim.app.guard import guarded

    def page():
        raise OverflowError("int too large to convert to float at /srv/qdsim/secret/units.py:102")

    guarded(page)


def test_an_unhandled_error_shows_a_reference_and_no_details(caplog):
    at = AppTest.from_function(failing_page, default_timeout=30)
    with caplog.at_level(logging.ERROR, logger="qdsim.app"):
        guard.log.propagate = True  # let pytest's capture see the server's log
        try:
            at.run()
        finally:
            guard.log.propagate = False
    assert not at.exception  # Streamlit shows no exception block (no traceback, no "Ask Google")
    (shown,) = [e.value for e in at.error]
    assert "程序出错" in shown and "参考编号" in shown
    assert "secret" not in shown and "OverflowError" not in shown and "Traceback" not in shown
    ref = re.search(r"参考编号 ([0-9a-f]{8})", shown).group(1)
    logged = [r for r in caplog.records if r.name == "qdsim.app" and ref in r.getMessage()]
    assert logged and logged[0].exc_info[0] is OverflowError  # the administrator finds it by the reference


def run_folder(root, name, age_days, mb=0.0):
    from qdsim.results.outputs import OUTPUT_FILES

    d = root / "app" / name
    d.mkdir(parents=True)
    for f in OUTPUT_FILES:
        (d / f).write_bytes(b"x")
    (d / "manifest.json").write_text(json.dumps({"run_id": name, "scenario": {"id": "t"}, "qdsim_version": "0"}), encoding="utf-8")
    (d / "replicates.parquet").write_bytes(b"\0" * int(mb * 2**20))
    t = time.time() - age_days * 86400
    os.utime(d, (t, t))
    return d


def test_app_run_folders_are_pruned_by_age_then_by_size_and_nothing_else(tmp_path):
    old = run_folder(tmp_path, "qd-000000000001", age_days=20)
    big_old = run_folder(tmp_path, "qd-000000000002", age_days=3, mb=3)
    big_new = run_folder(tmp_path, "qd-000000000003", age_days=1, mb=3)
    foreign = tmp_path / "app" / "qd-000000000004"  # named like a run, but holding someone's file
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    os.utime(foreign, (0, 0))
    other = tmp_path / "app" / "keep-me"
    other.mkdir()
    os.utime(other, (0, 0))
    removed = prune_app_runs(tmp_path, keep_days=14, keep_gb=4 / 1024)
    assert sorted(removed) == sorted([old, big_old])
    assert big_new.is_dir() and foreign.is_dir() and other.is_dir()
    assert prune_app_runs(tmp_path / "nowhere") == []
