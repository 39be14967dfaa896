"""``qdsim batch``: many scenarios or a sweep, in parallel or on a Dask cluster, resumable."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from qdsim.foundation.format import fixed, short, significant
from qdsim.presentation.console import BAD_INPUT, FAILED, INTERRUPTED, MAX_WORKERS, OK, err, out, print_problems, progress_bar

MAX_TABLE_ROWS = 40


def command(
    file: Annotated[Path, typer.Argument(help="Batch YAML file, or a shipped batch by name (what-ifs; see qdsim scenarios).")],
    out_dir: Annotated[Path | None, typer.Option("--out", help="Output directory (default: runs/batches/<batch id>).")] = None,
    workers: Annotated[int | None, typer.Option(help="Local processes (default: all cores). Results do not depend on it.")] = None,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address (tcp://host:8786); run there instead of locally.")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Complete an interrupted batch in --out: compute only what is missing.")] = False,
    fresh: Annotated[bool, typer.Option("--fresh", help="Recompute every point, even those the registry already has.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or table (for scripts).")] = False,
):
    """Run a batch file: each point once; finished runs come from the registry; --resume after a crash."""
    from qdsim.batch import load_batch
    from qdsim.batch.engine import BatchError, run_batch
    from qdsim.scenario import ScenarioError

    try:
        batch = load_batch(file)
    except ScenarioError as e:
        print_problems(e.problems)
        raise typer.Exit(BAD_INPUT) from None
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        err.print(f"--workers: must be between 1 and {MAX_WORKERS} (a cluster: --scheduler)")
        raise typer.Exit(BAD_INPUT)
    if scheduler and workers is not None:
        err.print("--workers is ignored with --scheduler (the cluster decides)")
    out_dir = out_dir or Path("runs") / "batches" / batch.id
    executor = None
    if scheduler:
        from qdsim.batch.executors import DaskCluster

        try:
            executor = DaskCluster(scheduler)
        except Exception as e:  # noqa: BLE001 - unreachable scheduler, bad address
            err.print(f"--scheduler: cannot reach the Dask scheduler at {scheduler}: {type(e).__name__}: {e}", markup=False)
            raise typer.Exit(BAD_INPUT) from None
    n = len(batch.points)
    reps = batch.adaptive.start if batch.adaptive else batch.points[0].scenario.replicates
    try:
        with progress_bar(f"{batch.id} ({n} runs)", n * reps, quiet) as cb:
            report = run_batch(batch, out_dir, workers=workers, scheduler=scheduler, resume=resume, fresh=fresh, progress=cb, executor=executor)
    except BatchError as e:
        err.print(str(e), markup=False)
        raise typer.Exit(BAD_INPUT) from None
    except (OSError, sqlite3.Error) as e:  # the disk, the registry: say so plainly
        err.print(f"batch failed: {type(e).__name__}: {e}", markup=False)
        raise typer.Exit(FAILED) from None
    except KeyboardInterrupt:
        state = _state(out_dir)
        done = sum(p.get("status") in ("computed", "registry", "present") for p in state.get("points", []))
        err.print(f"interrupted: {done} of {n} runs are done and recorded in {out_dir}; "
                  f"rerun with --resume to compute the rest", markup=False)
        raise typer.Exit(INTERRUPTED) from None
    finally:
        if executor is not None:
            executor.close()
    if not quiet:
        out.print(summary_table(report))
    computed, served, present = report.count("computed"), report.count("registry"), report.count("present")
    failed = report.failed
    words = [f"{computed} computed", f"{served} from the registry"] + ([f"{present} already in {out_dir}"] if present else []) + [f"{len(failed)} failed"]
    if not quiet:
        out.print(f"{n} runs: {', '.join(words)} in {fixed(report.seconds, 1)} s ({report.executor}) → {out_dir}/summary.csv, points.csv", markup=False)
    for o in failed:
        err.print(f"{o.point.id} ({o.point.scenario.id}): {o.error}", markup=False)
    raise typer.Exit(FAILED if failed else OK)


def _state(out_dir: Path) -> dict:
    try:
        return json.loads((out_dir / "batch.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def summary_table(report) -> Table:
    """One row per point: its values, how it was obtained, and the key number with its interval."""
    import pandas as pd  # here, not at the top: `qdsim --help` loads every command's module

    from qdsim.foundation.metrics import catalogue

    batch = report.batch
    rule = batch.adaptive
    metric = rule.metric if rule else "rural_income_per_capita"
    impact = not rule or rule.statistic == "impact"
    cat = catalogue()
    shown = report.outcomes[:MAX_TABLE_ROWS]
    county = rule.county if rule else "all"
    rows = {}
    for o in shown:  # each shown point's own summary (the batch's may be large)
        if o.ok:
            df = pd.read_csv(o.out_dir / "summary.csv")
            rows[o.point.id] = df[(df.scenario == o.point.scenario.id) & (df.metric == metric) & (df.county == county)].set_index("year")
    title = f"{batch.title.en if batch.title else batch.id} — {len(report.outcomes)} runs"
    table = Table(title=title)
    for col in ("point", "values" if batch.varied else "scenario", "status", "replicates", "seconds"):
        table.add_column(col, justify="right" if col in ("replicates", "seconds") else "left", no_wrap=col in ("point", "status"))
    year = (rule.year if rule and rule.year else max(max(r.index) for r in rows.values())) if rows else None
    if year is not None:
        table.add_column(f"{cat[metric].en}{' impact' if impact else ''} {year}", justify="right")
        table.add_column("5–95%", justify="right")
    for o in shown:
        p = o.point
        label = ", ".join(f"{batch.labels.get(k, k)}={short(v, 4) if isinstance(v, float) else v}" for k, v in p.values.items()) if batch.varied else p.scenario.id
        cells = [p.id, label, o.status + (f" ({o.stop_reason.split(':')[0]})" if o.stop_reason else ""),
                 str(o.replicates or ""), fixed(o.seconds, 1) if o.seconds is not None else ""]
        if year is not None:
            r = rows.get(p.id)
            if r is not None and year in r.index:
                r = r.loc[year]
                m, lo, hi = (r.impact_mean, r.impact_p05, r.impact_p95) if impact else (r["mean"], r.p05, r.p95)
                cells += [significant(m, 4), f"{significant(lo, 4)} – {significant(hi, 4)}"]
            else:
                cells += ["", ""]
        table.add_row(*cells)
    if len(report.outcomes) > MAX_TABLE_ROWS:
        table.caption = f"… and {len(report.outcomes) - MAX_TABLE_ROWS} more points (see points.csv)"
    return table

