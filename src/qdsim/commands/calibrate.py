"""``qdsim calibrate``: a posterior over the calibrated parameters by ABC, from the published figures.

Thin over :func:`qdsim.calibration.calibrate`: runs the ABC-SMC from the
priors in parameters.yaml, chooses the point runs use, verifies every target
on the shipped baseline's seed and a hold-out seed, writes the report under
``--out``, and — when every fitted and accounting target is within its
tolerance — ``calibrated.yaml`` beside parameters.yaml and the summary block
of ``docs/calibration.md`` (and the generated ``docs/parameters.md``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from qdsim.foundation.format import fixed, percent, significant
from qdsim.presentation.console import BAD_INPUT, FAILED, INTERRUPTED, OK, err, out, print_problems, progress_bar

FULL = {"scale": 0.02, "population": 200, "generations": 40, "min_epsilon": 0.9, "per_particle": 2, "replicates": 20, "full_scale_replicates": 2}
QUICK = {"scale": 0.01, "population": 12, "generations": 2, "min_epsilon": 0.9, "per_particle": 1, "replicates": 3, "full_scale_replicates": 0}


def command(
    out_dir: Annotated[Path, typer.Option("--out", help="Report directory.")] = Path("runs/calibration"),
    scenario_file: Annotated[Path | None, typer.Option("--scenario", help="Baseline scenario: a file or a shipped name (default: the shipped baseline).")] = None,
    scale: Annotated[float | None, typer.Option(help="Share of households simulated (default 0.02).")] = None,
    population: Annotated[int | None, typer.Option(help="ABC particles per generation (default 200).")] = None,
    generations: Annotated[int | None, typer.Option(help="Most ABC generations (default 40).")] = None,
    min_epsilon: Annotated[
        float | None,
        typer.Option("--min-epsilon", help="Stop when the acceptance distance reaches this (1.0: fitted targets one tolerance off, RMS; "
                                           "converged means ≤ 1 with an effective sample size ≥ 100; default 0.9)."),
    ] = None,
    per_particle: Annotated[int | None, typer.Option("--per-particle", help="Simulations averaged for one particle (default 2).")] = None,
    replicates: Annotated[int | None, typer.Option(help="Replicates of the verification runs (default 20).")] = None,
    workers: Annotated[int | None, typer.Option(help="Processes (default: all cores, at most 8; the result is the same for any number).")] = None,
    scheduler: Annotated[str | None, typer.Option(help="A Dask scheduler's address (tcp://host:8786): run the candidates there, with the same result.")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed of the ABC (default: the baseline's).")] = None,
    posterior_file: Annotated[
        Path | None,
        typer.Option("--posterior", help="Reuse the posterior of a previous calibration (its calibrated.yaml) instead of running the ABC: "
                          "only the point and the checks are redone."),
    ] = None,
    keep_point: Annotated[
        bool,
        typer.Option("--keep-point", help="With --posterior: keep that calibration's point instead of the posterior median, and only re-verify "
                                          "it (after a change of the model); the record says so."),
    ] = False,
    rejuvenate: Annotated[
        bool,
        typer.Option("--rejuvenate", help="With --posterior: first move that calibration's particles again at its final ε until its effective "
                                          "sample size is at least half the particles (it reached ε with too many copies left)."),
    ] = False,
    quick: Annotated[
        bool,
        typer.Option("--quick", help="A small run to check the machinery (12 particles, 2 generations); writes only the report unless --write is given."),
    ] = False,
    write: Annotated[Path | None, typer.Option("--write", help="Where to write calibrated.yaml (default: beside parameters.yaml; with --quick: nowhere).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Write the report only, never calibrated.yaml or the docs.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Write calibrated.yaml even if a target misses its tolerance.")] = False,
    docs: Annotated[
        Path | None,
        typer.Option("--docs", help="Doc whose summary block to update (default: docs/calibration.md of a checkout, when calibrated.yaml is written to the catalogue)."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars or tables (for scripts).")] = False,
):
    """Fit the calibrated parameters to the published figures (ABC); write calibrated.yaml and a report."""
    from qdsim import api
    from qdsim.calibration import calibrate
    from qdsim.calibration.report import annual_paths, build_record, calibrated_path, update_docs, write_calibrated, write_report
    from qdsim.scenario import shipped
    from qdsim.simulation.runner import default_workers

    settings = dict(QUICK if quick else FULL)
    for k, v in {"scale": scale, "population": population, "generations": generations, "min_epsilon": min_epsilon, "per_particle": per_particle,
                 "replicates": replicates}.items():
        if v is not None:
            settings[k] = v
    problems = []
    if not 0.001 <= settings["scale"] <= 1.0:
        problems.append("--scale: must be between 0.001 and 1")
    for k in ("population", "generations", "per_particle", "replicates"):
        if settings[k] < 1:
            problems.append(f"--{k}: must be at least 1")
    if settings["population"] < 4:
        problems.append("--population: must be at least 4")
    if settings["min_epsilon"] <= 0:
        problems.append("--min-epsilon: must be positive")
    if keep_point and posterior_file is None:
        problems.append("--keep-point: needs --posterior (the calibration whose point is kept)")
    if rejuvenate and (posterior_file is None or keep_point):
        problems.append("--rejuvenate: needs --posterior (the calibration to continue), and not --keep-point (its point is the new posterior's median)")
    if workers is not None and not 1 <= workers <= 64:
        problems.append("--workers: must be between 1 and 64")
    for p in problems:
        err.print(p)
    if problems:
        raise typer.Exit(BAD_INPUT)
    try:
        scenario = api.load_scenario(scenario_file or shipped.baseline_file())
    except api.ScenarioError as e:
        print_problems(e.problems)
        raise typer.Exit(BAD_INPUT) from None

    posterior = point = None
    if posterior_file is not None:
        from qdsim.calibration.abc import Posterior
        from qdsim.calibration.report import read_calibrated

        try:
            previous = read_calibrated(posterior_file)
            posterior = Posterior.from_record(previous["posterior"])
            point = {k: float(v) for k, v in previous["values"].items()} if keep_point else None
        except (OSError, KeyError, TypeError, ValueError) as e:
            err.print(f"--posterior {posterior_file}: not a calibration record with a posterior ({type(e).__name__}: {e})", markup=False)
            raise typer.Exit(BAD_INPUT) from None

    target_file = None if dry_run else (write or (None if quick else calibrated_path(scenario.region)))
    repo_docs = Path(__file__).resolve().parents[3] / "docs" / "calibration.md"  # in a checkout; an installed package has none
    docs_file = None if dry_run else (docs or (repo_docs if target_file == calibrated_path(scenario.region) and repo_docs.is_file() else None))
    n_workers = default_workers() if workers is None else workers
    try:
        with progress_bar("calibrate (ABC-SMC generations)", settings["generations"], quiet) as cb:
            result = calibrate(scenario, workers=n_workers, seed=seed, scheduler=scheduler, posterior=posterior, point=point, rejuvenate=rejuvenate,
                               progress=cb, **settings)
        paths = annual_paths(result, settings["replicates"])
    except KeyboardInterrupt:
        err.print("interrupted: nothing was written")
        raise typer.Exit(INTERRUPTED) from None
    except ValueError as e:
        err.print(f"cannot calibrate: {e}", markup=False)
        raise typer.Exit(BAD_INPUT) from None
    except Exception as e:
        err.print(f"calibration failed: {type(e).__name__}: {e}", markup=False)
        raise typer.Exit(FAILED) from None

    record = build_record(result)
    written = None
    if target_file is not None and (result.ok or force):
        written = write_calibrated(record, target_file)
    report = write_report(result, record, out_dir, written, paths)
    docs_updated = bool(written and docs_file and update_docs(record, docs_file))
    if docs_updated:  # the generated parameter table shows the catalogue's (now calibrated) values
        from qdsim.docs import parameters_markdown
        from qdsim.foundation.catalogue import load_catalogue

        load_catalogue.cache_clear()
        (docs_file.parent / "parameters.md").write_text(parameters_markdown(), encoding="utf-8")

    if not quiet:
        table = Table(title=f"calibration {result.settings['period']} — scale {result.settings['scale']}, {result.settings['replicates']} replicates")
        full_scale = any(c.full_scale_error is not None for c in result.checks)
        for col in ("figure", "class", "role", "reported", "model", "error", "hold-out", *(("full scale",) if full_scale else ())):
            table.add_column(col, justify="left" if col in ("figure", "class", "role") else "right")
        for c in result.checks:
            style = "" if c.ok or c.target.role == "holdout" else "red"
            cells = (c.target.figure, c.target.klass, c.target.role, significant(c.reported, 4), significant(c.mean, 4), percent(c.error, signed=True),
                     percent(c.holdout_error, signed=True), *((percent(c.full_scale_error, signed=True),) if full_scale else ()))
            table.add_row(*cells, style=style)
        out.print(table)
        vals = Table(title="posterior and the value runs use")
        for col in ("parameter", "value", "median", "5–95%", "prior", "identification"):
            vals.add_column(col, justify="left" if col in ("parameter", "identification") else "right")
        for pid in result.space.ids:
            i = result.identification[pid]
            vals.add_row(pid, significant(result.values[pid], 5), significant(i["median"], 4), f"{significant(i['p05'], 4)} – {significant(i['p95'], 4)}",
                         significant(result.prior[pid], 5), i["identification"])
        out.print(vals)
        out.print(f"{result.simulations} simulations in {fixed(result.seconds, 0)} s")
        out.print(f"report: {report}", markup=False)
        if written:
            out.print(f"wrote {written}" + (f" and the summary in {docs_file}" if docs_updated else ""), markup=False)
    if not result.ok:
        err.print("some fitted or accounting targets miss their tolerance" + ("" if written else "; calibrated.yaml was not written (use --force to write it anyway)"))
        if quick:  # a check of the machinery, a few particles from the priors: a miss is expected, not a failure
            err.print("(--quick checks that the calibration runs; a full `qdsim calibrate` fits the targets)")
            raise typer.Exit(OK)
        raise typer.Exit(FAILED)
    raise typer.Exit(OK)
