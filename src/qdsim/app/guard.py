"""What a planner sees when the app fails: a message in Chinese (and English) with a reference, never a traceback.

``qdsim app`` serves the app with Streamlit's error details off
(``client.showErrorDetails = none``), so that no exception text, server path
or traceback reaches a browser. An error the pages do not handle themselves
is caught here instead of by Streamlit: the planner reads what happened and a
short reference; the server's log holds the traceback under the same
reference, so that the administrator can find it.

Each pass also tidies the app's run folders now and then
(:func:`qdsim.registry.store.prune_app_runs`, at most once an hour).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable

import streamlit as st

from qdsim.registry.store import prune_app_runs

log = logging.getLogger("qdsim.app")
if not log.handlers:  # to the server's console (Streamlit's own loggers do not carry ours)
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(_handler)
    log.setLevel(logging.INFO)
    log.propagate = False

MESSAGE = ("抱歉，程序出错，这一步没有完成。请刷新页面后重试；如果问题仍然存在，请把参考编号 {ref} 告诉管理员。\n\n"
           "Sorry, something went wrong and this step did not finish. Reload the page and try again; "
           "if it happens again, give the administrator the reference {ref}.")

#: seconds between two tidyings of the app's run folders
PRUNE_EVERY = 3600.0
_pruned = {"at": 0.0}
_prune_lock = threading.Lock()


def reference() -> str:
    """A short random reference for one error (8 hex digits)."""
    return secrets.token_hex(4)


def guarded(page: Callable[[], None]) -> None:
    """Run ``page``; an exception it raises is logged with a reference and shown as :data:`MESSAGE`.

    Streamlit's own stop and rerun signals are not exceptions of the page
    (they derive from BaseException) and pass through.
    """
    try:
        page()
    except Exception:
        ref = reference()
        log.exception("error in the app, reference %s", ref)
        st.error(MESSAGE.format(ref=ref), icon=":material/error:")
    finally:
        tidy()


def tidy() -> None:
    """Prune the app's run folders if the last pruning was more than :data:`PRUNE_EVERY` seconds ago (in a thread)."""
    with _prune_lock:
        if time.monotonic() - _pruned["at"] < PRUNE_EVERY and _pruned["at"]:
            return
        _pruned["at"] = time.monotonic()

    def work() -> None:
        try:
            removed = prune_app_runs()
            if removed:
                log.info("removed %d old app run folders (%s)", len(removed), ", ".join(p.name for p in removed[:10]))
        except Exception:  # tidying never fails a page
            log.exception("could not prune the app's run folders")

    threading.Thread(target=work, daemon=True, name="qdsim-prune").start()
