"""Serving the app for a test: a free port, and ``qdsim app`` (or any command serving it) until its health check answers.

Shared by the browser flow, the installed-wheel test, the office load test and the login-proxy test."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path


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
    # stopping the command stops the server: nothing is left answering (``qdsim app`` once orphaned it)
    with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
        raise AssertionError(f"{' '.join(map(str, argv))}: the server still answers after its command was stopped")
