"""``qdsim app``'s server process: Streamlit, with the first screen prepared as the server starts.

``python -m qdsim.app.serve run SCRIPT [FLAGS…]`` is ``streamlit run SCRIPT [FLAGS…]`` in a process
that first starts :func:`qdsim.app.running.warm` in the background: the baseline at the app's
default settings is computed (or read from the run registry) and its model states kept while
Streamlit starts, so that the first planner's first screen is served at once and their first
what-if goes on from the baseline's states.
"""

from __future__ import annotations

import sys


def main(args: list[str]) -> int:
    from streamlit.web import cli as streamlit_cli

    from qdsim.app import running

    running.warm()
    sys.argv = ["streamlit", *args]
    return streamlit_cli.main()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
