"""``qdsim scenarios``: the scenarios and batch files shipped with qdsim, and copies of them to edit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from qdsim.presentation.console import BAD_INPUT, OK, err, out


def command(
    names: Annotated[list[str] | None, typer.Argument(help="With --copy-to: only these (by name); default: all.", show_default=False)] = None,
    copy_to: Annotated[Path | None, typer.Option("--copy-to", help="Copy the shipped files into this folder (batch files into its batches/), to edit them.")] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="With --copy-to: replace files that are already there.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Names only, one a line.")] = False,
):
    """List the shipped scenarios (run one by name: qdsim run baseline), or copy them out with --copy-to DIR."""
    from qdsim.scenario import ScenarioError, load_scenario, shipped

    if copy_to is None:
        if names:
            err.print("give --copy-to DIR to copy the named scenarios (without it, qdsim scenarios lists them all)")
            raise typer.Exit(BAD_INPUT)
        scenarios, batches = shipped.scenario_files(), shipped.batch_files()
        if quiet:
            print("\n".join([*scenarios, *(f"batches/{b}" for b in batches)]))
            raise typer.Exit(OK)
        table = Table(title=f"shipped scenarios ({shipped.folder()})")
        for col in ("name", "中文", "English"):
            table.add_column(col, no_wrap=col == "name")
        for name, path in scenarios.items():
            try:
                title = load_scenario(path).title
                table.add_row(escape(name), escape(title.zh), escape(title.en))
            except ScenarioError:  # pragma: no cover - the shipped files are tested
                table.add_row(name, "", "(not valid)")
        for name in batches:
            table.add_row(f"batches/{name}", "批量实验", "batch file (qdsim batch NAME)")
        table.caption = "qdsim run NAME runs one; qdsim scenarios --copy-to DIR copies them to edit"
        out.print(table)
        raise typer.Exit(OK)
    try:
        written = shipped.copy_out(copy_to, [n.removeprefix("batches/") for n in names or []], overwrite=overwrite)
    except KeyError as e:
        err.print(f"NAMES: {e.args[0]}", markup=False)
        raise typer.Exit(BAD_INPUT) from None
    except FileExistsError as e:
        err.print(f"--copy-to {copy_to}: {e}; --overwrite replaces them", markup=False)
        raise typer.Exit(BAD_INPUT) from None
    if not quiet:
        for p in written:
            out.print(f"wrote {p}", markup=False)
    raise typer.Exit(OK)
