"""``qdsim app``'s server process: Streamlit, with the first screen prepared as the server starts.

``python -m qdsim.app.serve run SCRIPT [FLAGS…]`` is ``streamlit run SCRIPT [FLAGS…]`` in a process
that starts :func:`qdsim.app.running.warm` in the background beside Streamlit: the baseline at the app's
default settings is computed (or read from the run registry) and its model states kept while
Streamlit starts, so that the first planner's first screen is served at once and their first
what-if goes on from the baseline's states.

It also makes Streamlit tell a browser it stops serving (:func:`close_dropped_browsers`): without it,
a planner whose page falls behind on a busy server waits forever in front of a page that no longer
gets anything (the ten-planner hang, docs/performance.md).

And it spares the server's one Python thread of work at a time (the GIL) full garbage collections:
Streamlit runs one after every script run (``runner.postScriptGC``), ~0.1 s each over the ~200,000
objects of the server's imports, and ten planners' pages end dozens of script runs while their runs
compute (docs/performance.md). Off here (:data:`FLAGS`; Python's own collections go on), and the
objects alive once the first screen is prepared — modules, catalogues, the baseline — are frozen
out of later collections (``gc.freeze``).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import sys
import threading

log = logging.getLogger("qdsim.app")

#: the WebSocket close code sent to a browser whose session Streamlit dropped: "try again later" (RFC 6455 §7.4.1)
TRY_AGAIN_LATER = 1013


#: Streamlit settings of the server process, before those given (which win): no full garbage collection after every script run
FLAGS = ["--runner.postScriptGC", "false"]


def main(args: list[str]) -> int:
    from streamlit.web import cli as streamlit_cli  # Streamlit's own modules first, on this thread

    close_dropped_browsers()
    threading.Thread(target=_warm, name="qdsim-app-start", daemon=True).start()  # qdsim's imports too: Streamlit starts meanwhile
    if args[:1] == ["run"] and len(args) >= 2:
        args = [*args[:2], *FLAGS, *args[2:]]
    sys.argv = ["streamlit", *args]
    return streamlit_cli.main()


def _warm() -> None:
    from qdsim.app import running

    running.warm().join()
    freeze()


def freeze() -> None:
    """Collect garbage once, then keep what is alive out of later collections (it lives as long as the server)."""
    gc.collect()
    gc.freeze()


def close_dropped_browsers() -> bool:
    """Close the WebSocket of a browser whose session Streamlit drops because the browser reads too slowly.

    Streamlit's server (1.67, Starlette) queues at most 500 messages for each browser. A page
    that reads them more slowly than its session writes them — a planner's page drawing on a
    server whose two cores also run the simulations and nine other planners' pages — overflows
    the queue; Streamlit then marks that browser closed and drops its session, but leaves its
    WebSocket open. The browser is never told: what it sends is discarded (debug log only), its
    page gets nothing more, and the planner waits forever while the server is idle. With this,
    the WebSocket is closed as well (code 1013, try again later): the browser reconnects at once,
    as after a network glitch, to its own session if Streamlit still keeps it, and reruns the
    page; a run already going on is found again (:func:`qdsim.app.running.start`; the page's
    link names the what-if) and its results are shown.

    True when applied (idempotent); False when this Streamlit has no such client class (then
    nothing changes: ``tests/app/test_serve.py`` fails so that an upgrade is noticed).
    """
    try:
        from streamlit.runtime import SessionClientDisconnectedError
        from streamlit.web.server.starlette.starlette_websocket import StarletteSessionClient
    except ImportError:
        return False
    if getattr(StarletteSessionClient, "_qdsim_closes_dropped", False):
        return True
    if not all(hasattr(StarletteSessionClient, a) for a in ("write_forward_msg", "aclose")):
        return False
    write = StarletteSessionClient.write_forward_msg

    def write_forward_msg(self, msg) -> None:
        try:
            write(self, msg)
        except SessionClientDisconnectedError:
            _close(self)
            raise

    StarletteSessionClient.write_forward_msg = write_forward_msg
    StarletteSessionClient._qdsim_closes_dropped = True
    return True


def _close(client) -> None:
    """Stop sending to ``client`` and close its WebSocket (once), on the server's event loop."""
    if getattr(client, "_qdsim_closing", False):
        return
    client._qdsim_closing = True
    websocket, sender = getattr(client, "_websocket", None), getattr(client, "_sender_task", None)
    if websocket is None or sender is None:
        return

    async def close() -> None:
        sender.cancel()  # a send waiting for the browser to read ends here; the rest of its queue is dropped
        with contextlib.suppress(BaseException):
            await sender
        with contextlib.suppress(Exception):  # already closed by the browser: nothing to tell it
            await websocket.close(code=TRY_AGAIN_LATER, reason="too far behind; reconnect")
        log.warning("a browser fell too far behind its page's messages: its WebSocket was closed so that it reconnects")

    loop = sender.get_loop()
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    if running is loop:
        loop.create_task(close())
    else:
        loop.call_soon_threadsafe(lambda: loop.create_task(close()))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
