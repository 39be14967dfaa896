"""Ctrl-C of a `qdsim run` that waits for another process's identical run (RunLock, RunStore.join): it stops at once,
says so in a line, leaves no traceback, records nothing and leaves the other process's lock alone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

from qdsim import api
from qdsim.presentation.console import INTERRUPTED
from qdsim.registry.store import RunStore
from qdsim.results.provenance import planned_run_id
from tests.batch.helpers import write_tiny

#: seconds from SIGINT to the process's end that count as prompt (the join polls every JOIN_POLL_S; a sleep ends on the signal)
PROMPT_S = 5.0



def default_sigint() -> None:
    """In the child, before it starts: Ctrl-C as a terminal gives it. A child inherits an ignored SIGINT, and the
    test process may ignore it by then (in the whole suite these runs once ignored the signal and ran to the end)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)

def test_ctrl_c_while_joining_another_processs_run_exits_promptly_with_a_message(tmp_path):
    tiny = write_tiny(tmp_path)
    home = tmp_path / "home"
    store = RunStore(home / "registry.db")
    run_id = planned_run_id(api.load_scenario(tiny).with_settings(replicates=3, scale=0.003))
    holder = store.lock_for(run_id)  # this process "computes" the run: the `qdsim run` below waits for it
    assert holder.try_acquire()
    env = {**os.environ, "QDSIM_HOME": str(home), "QDSIM_JOIN_TIMEOUT_S": "600"}
    proc = subprocess.Popen([sys.executable, "-m", "qdsim.cli", "run", str(tiny), "--out", str(tmp_path / "out"), "--replicates", "3",
                             "--scale", "0.003", "--workers", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=default_sigint)
    err: list[str] = []
    waiting = threading.Event()

    def read() -> None:
        for line in proc.stderr:
            err.append(line)
            if "is being computed by process" in line:
                waiting.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert waiting.wait(120), "".join(err)  # it joined: it waits for this process's lock
        time.sleep(0.5)  # well inside its wait
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        took = time.monotonic() - sent
        out = proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        holder.release()
    reader.join(timeout=10)
    text = "".join(err)
    assert took < PROMPT_S, (took, text)
    assert proc.returncode == INTERRUPTED, (proc.returncode, text, out)
    assert "Traceback" not in text + out and "KeyboardInterrupt" not in text + out, text
    assert "interrupted" in text.splitlines()[-1], text  # its last line says it stopped
    assert not (tmp_path / "out").exists()  # nothing written
    assert all(r["run_id"] != run_id or r["status"] != "running" for r in store.list_runs())  # nothing left "running"
