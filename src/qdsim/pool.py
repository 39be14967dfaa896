"""The fork server that worker processes start from (light: it imports nothing of the model).

Worker processes fork from a server process that has imported the model,
read the catalogue and loaded the compiled kernels once (it preloads
:mod:`qdsim.warm`). Starting it takes a couple of seconds, so a command that
will run simulations on several processes starts it first (:func:`start`),
and the server gets ready while the command imports and plans.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
from multiprocessing.context import BaseContext


def context() -> BaseContext:
    """The ``forkserver`` context, with the server's preload set (it takes effect when the server starts)."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["__main__", "qdsim.warm"])
    return ctx


def start() -> None:
    """Start the fork server now, if it is not running (it warms up while the caller goes on)."""
    context()
    multiprocessing.forkserver.ensure_running()
