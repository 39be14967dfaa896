"""``qdsim app``'s server process: Streamlit, with the first screen prepared as the server starts.

``python -m qdsim.app.serve run SCRIPT [FLAGS…]`` is ``streamlit run SCRIPT [FLAGS…]`` in a process
that starts :func:`qdsim.app.running.warm` in the background beside Streamlit: the baseline at the app's
default settings is computed (or read from the run registry) and its model states kept while
Streamlit starts, so that the first planner's first screen is served at once and their first
what-if goes on from the baseline's states.
"""

from __future__ import annotations

import sys
import threading


def main(args: list[str]) -> int:
    from streamlit.web import cli as streamlit_cli  # Streamlit's own modules first, on this thread

    threading.Thread(target=_warm, name="qdsim-app-start", daemon=True).start()  # qdsim's imports too: Streamlit starts meanwhile
    sys.argv = ["streamlit", *args]
    return streamlit_cli.main()


def _warm() -> None:
    from qdsim.app import running

    running.warm()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
