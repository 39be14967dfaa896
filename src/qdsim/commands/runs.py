"""``qdsim runs``: the run registry (运行登记册) — what was run, when, with what, and where it is."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from qdsim.foundation.format import fixed, plain, short
from qdsim.presentation.console import BAD_INPUT, FAILED, OK, err, out

#: the most runs one listing asks for (more than a registry holds; a larger number is a typing slip)
MAX_LIMIT = 1_000_000_000


def command(
    run_id: Annotated[str | None, typer.Argument(help="Show one run in full.")] = None,
    status: Annotated[str | None, typer.Option(help="Only runs with this status: running, done or failed.")] = None,
    scenario: Annotated[str | None, typer.Option(help="Only runs of this scenario id (a glob like 'baseline*' works).")] = None,
    limit: Annotated[int, typer.Option(help="At most this many runs, newest first.")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="JSON on stdout (for scripts).")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Run IDs only, one a line.")] = False,
):
    """List and filter the run registry ($QDSIM_HOME/registry.db, default runs/registry.db)."""
    import sqlite3

    from qdsim.registry.store import STATUSES, RunStore

    if status is not None and status not in STATUSES:
        err.print(f"--status: must be one of {', '.join(STATUSES)}, not {status!r}", markup=False)
        raise typer.Exit(BAD_INPUT)
    if not 0 <= limit <= MAX_LIMIT:
        err.print(f"--limit: must be between 0 and {plain(MAX_LIMIT)}, not {limit}", markup=False)
        raise typer.Exit(BAD_INPUT)
    try:
        store = RunStore.default()
        store.reap()
        if run_id is not None:
            rec = store.find(run_id)
            if rec is None:
                err.print(f"no run {run_id!r} in {store.path}", markup=False)
                raise typer.Exit(BAD_INPUT)
            if as_json:
                print(json.dumps(rec, ensure_ascii=False, indent=2))
            else:
                table = Table(show_header=False, title=escape(f"run {run_id}"))
                for k, v in rec.items():
                    table.add_row(k, "" if v is None else escape(str(v)))
                out.print(table)
            raise typer.Exit(OK)
        runs = store.list_runs(limit=limit, status=status, scenario=scenario)
    except (sqlite3.Error, OSError) as e:
        err.print(f"cannot read the run registry: {type(e).__name__}: {e}", markup=False)
        raise typer.Exit(FAILED) from None
    if as_json:
        print(json.dumps(runs, ensure_ascii=False, indent=2))
    elif quiet:
        for r in runs:
            print(r["run_id"])
    else:
        out.print(runs_table(runs, store.path))
    raise typer.Exit(OK)


def runs_table(runs: list[dict], path: Path) -> Table:
    table = Table(title=escape(f"{len(runs)} runs in {path}" if runs else f"no runs in {path}"))
    for col in ("run ID", "scenario", "status", "created (UTC)", "seconds", "replicates", "scale", "seed", "outputs / error"):
        table.add_column(col, justify="right" if col in ("seconds", "replicates", "scale", "seed") else "left",
                         no_wrap=col in ("run ID", "status"), overflow="fold")
    colours = {"done": "green", "failed": "red", "running": "yellow"}
    for r in runs:
        where = r["error"] if r["status"] == "failed" else _short(r["out_dir"])
        table.add_row(
            escape(r["run_id"]), escape(r["scenario_id"] or ""), f"[{colours[r['status']]}]{r['status']}[/]", (r["created"] or "")[:19].replace("T", " "),
            fixed(r["seconds"], 1) if r["seconds"] is not None else "", str(r["replicates"] or ""), short(r["scale"]) if r["scale"] else "",
            str(r["seed"] if r["seed"] is not None else ""), escape(where or ""),
        )
    return table


def _short(path: str | None) -> str:
    if not path:
        return ""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return rel if not rel.startswith("../..") else path
