"""Worker processes never outlive the command that started them: `kill -9` or Ctrl-C of `qdsim run` leaves no process behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from qdsim.simulation import pool

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process handling as on the office server (Linux)")



def default_sigint() -> None:
    """In the child, before it starts: Ctrl-C as a terminal gives it. A child inherits an ignored SIGINT, and the
    test process may ignore it by then (in the whole suite these runs once ignored the signal and ran to the end)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)

#: `qdsim run` on 2 workers (40 replicates: long enough that it cannot finish before the signal on a loaded machine, as 12 once did)
RUN = ["run", "baseline", "--scale", "0.004", "--replicates", "40", "--workers", "2", "--fresh", "--out", "out", "-q"]
#: `qdsim calibrate` on 2 workers, writing nothing but its report (generations of 40 particles at 1%: minutes)
CALIBRATE = ["calibrate", "--dry-run", "--scale", "0.01", "--population", "40", "--generations", "6", "--workers", "2", "--out", "cal", "-q"]


def start_run(tmp_path, args: list[str] = RUN) -> tuple[subprocess.Popen, list[psutil.Process]]:
    """The command on 2 workers, once both workers are computing: the process and everything it started."""
    env = {**os.environ, "QDSIM_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen([sys.executable, "-m", "qdsim.cli", *args],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=default_sigint)
    main = psutil.Process(proc.pid)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        kids = main.children(recursive=True)
        busy = [k for k in kids if _cpu(k) > 0.5]  # the fork server's workers, simulating
        if len(kids) >= 4 and len(busy) >= 2:  # resource tracker, fork server, 2 workers
            return proc, kids
        if proc.poll() is not None:
            pytest.fail(f"the run ended before its workers were seen: {proc.stderr.read().decode()}")
        time.sleep(0.3)
    proc.kill()
    pytest.fail("no workers started in 120 s")


def _cpu(p: psutil.Process) -> float:
    try:
        t = p.cpu_times()
        return t.user + t.system
    except psutil.Error:
        return 0.0


def left_behind(procs: list[psutil.Process], within: float) -> list[psutil.Process]:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        alive = [p for p in procs if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        if not alive:
            return []
        time.sleep(0.2)
    return alive


@pytest.mark.parametrize(("args", "sig"), [(RUN, signal.SIGKILL), (CALIBRATE, signal.SIGKILL), (CALIBRATE, signal.SIGTERM)],
                         ids=["run-kill-9", "calibrate-kill-9", "calibrate-term"])
def test_killing_the_command_leaves_no_process_behind(tmp_path, args, sig):
    """A calibration killed with SIGTERM once left its two workers computing (their pool did not watch its owner)."""
    proc, kids = start_run(tmp_path, args)
    proc.send_signal(sig)
    proc.wait(timeout=10)
    alive = left_behind(kids, within=10)
    for p in alive:
        p.kill()
    assert not alive, [" ".join(p.cmdline())[:80] for p in alive]


def test_ctrl_c_stops_qdsim_run_within_seconds_and_leaves_no_process(tmp_path):
    proc, kids = start_run(tmp_path)
    t0 = time.monotonic()
    for p in [proc.pid, *(k.pid for k in kids)]:  # a terminal's Ctrl-C reaches the whole foreground group
        try:
            os.kill(p, signal.SIGINT)
        except ProcessLookupError:
            pass
    code = proc.wait(timeout=60)
    took = time.monotonic() - t0
    alive = left_behind(kids, within=10)
    for p in alive:
        p.kill()
    assert code == 130 and b"interrupted" in proc.stderr.read()
    assert took < 5, f"Ctrl-C took {took:.1f} s"
    assert not alive


def test_alive_tells_a_running_process_from_a_gone_or_zombie_one():
    assert pool.alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 10
    while pool.alive(child.pid) and time.monotonic() < deadline:  # exited but not reaped: a zombie
        time.sleep(0.05)
    assert not pool.alive(child.pid)
    child.wait()
    assert not pool.alive(child.pid)
