"""``qdsim brief RUN``: the citable policy brief of a run (HTML, Word, Markdown; 中文 and English)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Annotated

import typer

from qdsim.presentation.console import BAD_INPUT, FAILED, INTERRUPTED, OK, err, out, progress_bar

RUN_ID = re.compile(r"^qd-[0-9a-f]{6,64}$")


class _BadInput(Exception):
    pass


def _split(value: str, allowed: tuple[str, ...], option: str) -> list[str]:
    items = [v.strip().lower() for v in value.split(",") if v.strip()]
    bad = [v for v in items if v not in allowed]
    if bad or not items:
        raise _BadInput(f"{option}: {', '.join(bad) or 'nothing given'} is not one of {', '.join(allowed)}")
    return list(dict.fromkeys(items))


def resolve_run(run: str) -> Path:
    """The output directory of RUN: a directory as given, or a run ID looked up in the registry."""
    p = Path(run)
    if p.is_dir():
        return p
    if p.exists():
        raise _BadInput(f"RUN {run}: is a file; give a run output directory (with summary.csv and manifest.json) or a run ID")
    if "/" in run or "\\" in run or not RUN_ID.match(run):
        if "/" in run or "\\" in run:
            raise _BadInput(f"RUN {run}: no such run directory")
        raise _BadInput(f"RUN {run}: no such directory, and not a run ID (run IDs look like qd-1a2b3c4d5e6f; see `qdsim runs`)")
    from qdsim.registry import store

    db = store.default_home() / "registry.db"
    if not db.is_file():
        raise _BadInput(f"RUN {run}: no run registry at {db} (set QDSIM_HOME, or give the run's output directory)")
    try:
        record = store.RunStore(db).find(run)
    except (sqlite3.Error, OSError) as e:  # read-only, locked, not a database: say so, no traceback
        raise _BadInput(f"RUN {run}: cannot read the run registry {db} ({type(e).__name__}: {e}); "
                        "give the run's output directory instead") from None
    if record is None:
        raise _BadInput(f"RUN {run}: no run with this ID in the registry {db} (see `qdsim runs`)")
    if record.get("status") != "done" or not record.get("out_dir"):
        raise _BadInput(f"RUN {run}: the registry lists this run as {record.get('status')}, with no finished outputs")
    d = Path(record["out_dir"])
    if not d.is_dir():
        raise _BadInput(f"RUN {run}: the registry says its outputs are in {d}, which no longer exists")
    return d


def command(
    run: Annotated[str, typer.Argument(help="A run output directory (from `qdsim run`), or a run ID from the registry (`qdsim runs`).", show_default=False)],
    lang: Annotated[str, typer.Option("--lang", help="zh, en, or both as zh,en.")] = "zh,en",
    fmt: Annotated[str, typer.Option("--format", help="Comma-separated formats: html, docx, md.")] = "html,docx",
    out_path: Annotated[Path | None, typer.Option("--out", help="Output directory (default: RUN/brief for a directory, ./brief-<run ID> for a run ID); "
                                                  "or a file name ending in .html/.docx/.md when one language and one format are asked for.")] = None,
    sensitivity: Annotated[Path | None, typer.Option("--sensitivity", help="A `qdsim sensitivity` output (directory or sensitivity.json) to rank the assumptions by "
                                                     "(default: found in RUN or beside it in ../sensitivity/<scenario>-sobol|morris).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or file list (for scripts).")] = False,
):
    """Write the policy brief of a run: key findings with intervals, charts, levers, methods, assumptions and citation."""
    from qdsim.brief import FORMATS, LANGS, BriefError, build, write_briefs
    from qdsim.brief import source as brief_source

    try:
        langs = _split(lang, LANGS, "--lang")
        formats = _split(fmt, FORMATS, "--format")
        run_dir = resolve_run(run)
        data = brief_source.from_dir(run_dir)
        if sensitivity is not None:
            data.sensitivity = brief_source.read_sensitivity(sensitivity, data.scenario_id)
            if data.sensitivity is None:
                raise _BadInput(f"--sensitivity {sensitivity}: no sensitivity analysis of the scenario {data.scenario_id!r} there")
        single_file = out_path is not None and out_path.suffix.lower() in tuple(f".{f}" for f in FORMATS)
        if single_file:
            suffix = out_path.suffix.lower()[1:]
            if len(langs) != 1 or formats != [suffix]:
                raise _BadInput(f"--out {out_path}: a file name needs exactly one --lang and the matching --format {suffix}; give a directory for more")
        if out_path is None:
            # a run ID given on the command line (checked: qd-<hex>) names the folder, never the manifest's
            out_path = run_dir / "brief" if Path(run).is_dir() else Path(f"brief-{run}")
        if out_path.exists() and not out_path.is_dir() and not single_file:
            raise _BadInput(f"--out {out_path}: exists and is not a directory")
    except (_BadInput, BriefError) as e:
        err.print(str(e), markup=False)
        raise typer.Exit(BAD_INPUT) from None

    try:
        if single_file:
            from qdsim.brief import encode

            with progress_bar("brief", 1, quiet) as cb:
                data_bytes = encode(build(data, langs[0]), formats[0])
                out_path.parent.mkdir(parents=True, exist_ok=True)
                out_path.write_bytes(data_bytes)
                cb(1, 1, out_path.name)
            paths = [out_path]
        else:
            with progress_bar("brief", len(langs) * len(formats), quiet) as cb:
                paths = write_briefs(data, out_path, langs, formats, progress=cb)
    except KeyboardInterrupt:
        err.print("interrupted")
        raise typer.Exit(INTERRUPTED) from None
    except Exception as e:  # rendering failed: say so plainly, keep the exit code meaningful
        err.print(f"brief failed: {type(e).__name__}: {e}", markup=False)
        raise typer.Exit(FAILED) from None
    if not quiet:
        for p in paths:
            out.print(f"wrote {p}", markup=False)
        out.print(f"brief of run {data.run_id} ({data.scenario_id})", markup=False)
    raise typer.Exit(OK)
