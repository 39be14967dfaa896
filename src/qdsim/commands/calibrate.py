"""``qdsim calibrate``: refit the calibrated parameters to the reported 2021–2024 figures.

Thin over :mod:`qdsim.calibration`: runs the fit from scratch (the values in
parameters.yaml), verifies the rounded values on the shipped baseline's seed
and a hold-out seed, writes the report under ``--out``, and — when every
target is within ±5% — ``calibrated.yaml`` beside parameters.yaml and the
summary block of ``docs/calibration.md`` (and the generated
``docs/parameters.md``, which shows the calibrated values).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from qdsim.console import BAD_INPUT, FAILED, INTERRUPTED, OK, err, out, print_problems, progress_bar

QUICK = {"scale": 0.01, "seeds": 2, "replicates": 4, "max_evaluations": 3}


def command(
    out_dir: Annotated[Path, typer.Option("--out", help="Report directory.")] = Path("runs/calibration"),
    scenario_file: Annotated[Path | None, typer.Option("--scenario", help="Baseline scenario: a file or a shipped name (default: the shipped baseline).")] = None,
    scale: Annotated[float | None, typer.Option(help="Share of households simulated (default 0.02).")] = None,
    seeds: Annotated[int | None, typer.Option(help="Replicates per evaluation during the fit, common to all evaluations (default 8).")] = None,
    replicates: Annotated[int | None, typer.Option(help="Replicates of the verification runs (default 20).")] = None,
    max_evaluations: Annotated[int | None, typer.Option("--max-evaluations", help="Parameter sets the solver may try (default 10).")] = None,
    workers: Annotated[int | None, typer.Option(help="Processes (default: all cores, at most 8).")] = None,
    quick: Annotated[bool, typer.Option(
        "--quick", help="A small fit to check the machinery (scale 0.01, 2 seeds, 3 steps); writes only the report unless --write is given.")] = False,
    write: Annotated[Path | None, typer.Option("--write", help="Where to write calibrated.yaml (default: beside parameters.yaml; with --quick: nowhere).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Write the report only, never calibrated.yaml or the docs.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Write calibrated.yaml even if a target misses ±5%.")] = False,
    profiles: Annotated[bool | None, typer.Option(
        "--profiles/--no-profiles", help="Profile the parameters the figures do not identify (default: on; off with --quick).")] = None,
    docs: Annotated[Path | None, typer.Option(
        "--docs", help="Doc whose summary block to update (default: docs/calibration.md when calibrated.yaml is written to the registry).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars or tables (for scripts).")] = False,
):
    """Fit the free behavioural parameters to the reported 2021–2024 figures; write calibrated.yaml and a report."""
    from qdsim import api
    from qdsim.calibration import DEFAULT_REPLICATES, DEFAULT_SCALE, fit
    from qdsim.calibration.report import build_record, calibrated_path, update_docs, write_calibrated, write_report
    from qdsim.scenario import shipped

    settings = dict(QUICK) if quick else {"scale": DEFAULT_SCALE, "seeds": 8, "replicates": DEFAULT_REPLICATES, "max_evaluations": 10}
    for k, v in {"scale": scale, "seeds": seeds, "replicates": replicates, "max_evaluations": max_evaluations}.items():
        if v is not None:
            settings[k] = v
    problems = []
    if not 0.001 <= settings["scale"] <= 1.0:
        problems.append("--scale: must be between 0.001 and 1")
    for k in ("seeds", "replicates", "max_evaluations"):
        if settings[k] < 1:
            problems.append(f"--{k.replace('_', '-')}: must be at least 1")
    if workers is not None and workers < 1:
        problems.append("--workers: must be at least 1")
    for p in problems:
        err.print(p)
    if problems:
        raise typer.Exit(BAD_INPUT)
    path = scenario_file or shipped.baseline_file()
    try:
        scenario = api.load_scenario(path)
    except api.ScenarioError as e:
        print_problems(e.problems)
        raise typer.Exit(BAD_INPUT) from None

    target_file = None if dry_run else (write or (None if quick else calibrated_path(scenario.region)))
    repo_docs = Path(__file__).resolve().parents[3] / "docs" / "calibration.md"  # in a checkout; an installed package has none
    docs_file = None if dry_run else (docs or (repo_docs if target_file == calibrated_path(scenario.region) and repo_docs.is_file() else None))
    try:
        total_guess = settings["seeds"] * 30 + 2 * settings["replicates"]
        with progress_bar("calibrate", total_guess, quiet) as cb:
            result = fit(scenario, workers=workers, final_jacobian=not quick, profiles=(not quick) if profiles is None else profiles, progress=cb, **settings)
    except KeyboardInterrupt:
        err.print("interrupted: nothing was written")
        raise typer.Exit(INTERRUPTED) from None
    except ValueError as e:
        err.print(f"cannot calibrate: {e}", markup=False)
        raise typer.Exit(BAD_INPUT) from None
    except Exception as e:
        err.print(f"calibration failed: {type(e).__name__}: {e}", markup=False)
        raise typer.Exit(FAILED) from None

    record = build_record(result, scenario)
    written = None
    if target_file is not None and (result.ok or force):
        written = write_calibrated(record, target_file)
    report = write_report(result, record, out_dir, written)
    docs_updated = bool(written and docs_file and update_docs(record, docs_file))
    if docs_updated:  # the generated parameter table shows the registry's (now calibrated) values
        from qdsim.catalogue import load_catalogue
        from qdsim.docs import parameters_markdown

        load_catalogue.cache_clear()
        (docs_file.parent / "parameters.md").write_text(parameters_markdown(), encoding="utf-8")

    if not quiet:
        table = Table(title=f"calibration {result.settings['period']} — scale {result.settings['scale']}, {result.settings['replicates']} replicates")
        for col in ("target", "reported", "model", "error", "hold-out"):
            table.add_column(col, justify="left" if col == "target" else "right")
        for ver, hold in zip(result.verification, result.holdout, strict=True):
            style = "" if ver.ok and hold.ok else "red"
            table.add_row(ver.target.figure, f"{ver.reported:,.4g}", f"{ver.mean:,.4g}", f"{ver.error:+.1%}", f"{hold.error:+.1%}", style=style)
        out.print(table)
        vals = Table(title="fitted values")
        for col in ("parameter", "value", "before", "identification"):
            vals.add_column(col, justify="left" if col in ("parameter", "identification") else "right")
        ident = result.identification()
        for pid in result.space.ids:
            vals.add_row(pid, f"{result.values[pid]:,.5g}", f"{result.prior[pid]:,.5g}", ident[pid])
        out.print(vals)
        out.print(f"{result.message}; {result.simulations} simulations in {result.seconds:.0f} s")
        out.print(f"report: {report}")
        if written:
            out.print(f"wrote {written}" + (f" and the summary in {docs_file}" if docs_updated else ""))
    if not result.ok:
        err.print("some targets miss ±5%" + ("" if written else "; calibrated.yaml was not written (use --force to write it anyway)"))
        if quick:  # a check of the machinery, a few solver steps from scratch: a miss is expected, not a failure
            err.print("(--quick checks that the fit runs; a full `qdsim calibrate` fits the targets)")
            raise typer.Exit(OK)
        raise typer.Exit(FAILED)
    raise typer.Exit(OK)
