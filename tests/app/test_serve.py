"""`qdsim app`'s server process starts preparing the first screen, then is `streamlit run`."""

from __future__ import annotations

import sys
import threading

from qdsim.app import running, serve


def test_serve_prepares_the_first_screen_then_runs_streamlit_with_the_same_arguments(monkeypatch):
    from streamlit.web import cli as streamlit_cli

    calls, warmed = [], threading.Event()
    monkeypatch.setattr(running, "warm", warmed.set)
    monkeypatch.setattr(streamlit_cli, "main", lambda: calls.append(list(sys.argv)) or 0)
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    assert serve.main(["run", "app.py", "--server.port", "8599"]) == 0
    assert calls == [["streamlit", "run", "app.py", "--server.port", "8599"]]
    assert warmed.wait(30)  # started beside Streamlit, not before it


def test_qdsim_app_starts_the_server_through_serve(monkeypatch, tmp_path):
    from typer.testing import CliRunner

    import qdsim.cli

    monkeypatch.setenv("QDSIM_HOME", str(tmp_path))
    called = []

    def execv(path, args):
        called.append(args)
        raise SystemExit(0)

    monkeypatch.setattr(qdsim.cli.os, "execv", execv)
    monkeypatch.setattr(qdsim.cli.subprocess, "call", lambda args: called.append(args) or 0)
    assert CliRunner().invoke(qdsim.cli.app, ["app"]).exit_code == 0
    assert called[0][1:4] == ["-m", "qdsim.app.serve", "run"]
