"""The fork server that worker processes start from (light: it imports nothing of the model), and the workers' start.

Worker processes fork from a server process that has imported the model,
read the catalogue and loaded the compiled kernels once (it preloads
:mod:`qdsim.simulation.warm`). Starting it takes a couple of seconds, so a command that
will run simulations on several processes starts it first (:func:`start`),
and the server gets ready while the command imports and plans.

A worker never outlives the process that started its pool
(:func:`worker_init`): it exits within half a second when that process
dies, even by ``kill -9`` (and at once when the fork server dies); with no
worker left the fork server and the resource tracker exit too.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import multiprocessing.forkserver
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext

#: prctl(2) option: the signal a process gets when its parent dies
_PR_SET_PDEATHSIG = 1
#: seconds between a worker's checks that the process that started it is alive
WATCH_SECONDS = 0.5


def context() -> BaseContext:
    """The ``forkserver`` context, with the server's preload set (it takes effect when the server starts)."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["__main__", "qdsim.simulation.warm"])
    return ctx


def executor(size: int) -> ProcessPoolExecutor:
    """``size`` worker processes forked from the warm fork server; each leaves Ctrl-C to this process and exits when it
    is gone (:func:`worker_init`). The runs' shared pool, the calibration's and a batch's local processes are these."""
    return ProcessPoolExecutor(max_workers=size, mp_context=context(), initializer=worker_init, initargs=(os.getpid(),))


def start() -> None:
    """Start the fork server now, if it is not running (it warms up while the caller goes on)."""
    context()
    multiprocessing.forkserver.ensure_running()


def die_with_parent() -> bool:
    """Ask Linux to kill this process when its parent (for a worker: the fork server) dies. True if applied."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def worker_init(owner: int) -> None:
    """A worker's initializer: Ctrl-C is the owner's to handle; exit when the owner (pid ``owner``) is gone.

    A worker's parent is the fork server, not the owner, and the fork server
    stays up as long as a worker holds its pipe: so each worker watches the
    owner itself.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()

    def watch() -> None:
        while True:
            time.sleep(WATCH_SECONDS)
            if not alive(owner):
                os._exit(1)

    threading.Thread(target=watch, daemon=True, name="qdsim-owner-watch").start()


def alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie, killed but not yet reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - the pid was reused by another user's process
        return False
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except (OSError, IndexError):
        return True
