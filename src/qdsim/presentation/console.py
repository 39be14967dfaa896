"""Terminal helpers shared by the commands: progress bars, problem lists, exit codes."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

# exit codes that mean something
OK = 0
FAILED = 1  # the work failed (a run crashed, a target missed)
BAD_INPUT = 2  # a file or option is wrong; nothing was run or written
INTERRUPTED = 130

#: local worker processes a command may start (more gives no speed on one machine; a cluster is --scheduler)
MAX_WORKERS = 256

err = Console(stderr=True, highlight=False, soft_wrap=True)  # never wrap: scripts parse these lines
#: tables piped to a file or a log are not cut to 80 columns (COLUMNS, when set, still rules)
_WIDTH = None if sys.stdout.isatty() or "COLUMNS" in os.environ else 150
out = Console(highlight=False, soft_wrap=True, width=_WIDTH)


def print_problems(problems, lang: str = "en") -> None:
    """One ``file:line: field: message`` per line, unwrapped; the message in ``lang`` (``"en"`` or ``"zh"``)."""
    for p in problems:
        print(p.text(lang) if hasattr(p, "text") else str(p), file=sys.stderr)


@contextlib.contextmanager
def progress_bar(description: str, total: int, quiet: bool = False) -> Iterator:
    """Yield a callback ``(done, total, message)``; draws a bar on stderr unless quiet."""
    if quiet:
        yield lambda done, total, message="": None
        return
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[message]}", markup=False),  # file names and the like: text, never Rich markup
        console=err,
        transient=False,
    ) as bar:
        task = bar.add_task(escape(description), total=total, message="")

        def update(done: int, total_: int, message: str = "") -> None:
            bar.update(task, completed=done, total=total_, message=message)

        yield update
