"""``qdsim sensitivity``: which levers and parameters move rural income and the monitored share most."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from qdsim.foundation.format import plain, short
from qdsim.presentation.console import BAD_INPUT, FAILED, INTERRUPTED, OK, err, out, print_problems, progress_bar


def _list(value: str | None) -> list[str]:
    return [x.strip() for x in (value or "").split(",") if x.strip()]


def command(
    base: Annotated[Path, typer.Option(help="Base scenario: a file or a shipped name.")] = Path("baseline"),
    method: Annotated[str, typer.Option(help="morris (screening, n(k+1) runs) or sobol (indices, n(k+2) runs).")] = "morris",
    levers: Annotated[str | None, typer.Option(
        help="Levers, comma-separated: labour.subsidy_per_worker (×0–2 of the base) or labour.subsidy_per_worker=0:2000. Default: the main levers.")] = None,
    params: Annotated[str | None, typer.Option(help="Parameters, comma-separated: wage_qingdao (its plausible range) or wage_qingdao=3500:5000.")] = None,
    metrics: Annotated[str, typer.Option(help="Outputs, comma-separated metric ids.")] = "rural_income_per_capita,monitored_share",
    year: Annotated[int | None, typer.Option(help="Year of the outputs (default: the last of the period).")] = None,
    statistic: Annotated[str, typer.Option(help="value (the level) or impact (against the no-cooperation counterfactual).")] = "value",
    n: Annotated[int | None, typer.Option(help="Morris trajectories (default 10) or Sobol base sample, a power of 2 (default 32).")] = None,
    replicates: Annotated[int, typer.Option(help="Replicates per sample point.")] = 2,
    scale: Annotated[float | None, typer.Option(help="Share of households simulated (default: the base scenario's).")] = None,
    sample_seed: Annotated[int, typer.Option(help="Seed of the SALib sample (the model's seed is the base scenario's).")] = 1,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Output directory (default: runs/sensitivity/<base id>-<method>).")] = None,
    workers: Annotated[int | None, typer.Option(help="Local processes (default: all cores).")] = None,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address; run the sample points there.")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Complete an interrupted analysis in --out.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or table.")] = False,
):
    """Morris screening or Sobol indices over levers and parameters, with a plain-language ranking (中文/English)."""
    from qdsim import sensitivity as sa
    from qdsim.api import Scenario, load_scenario
    from qdsim.batch.engine import BatchError
    from qdsim.foundation.metrics import METRIC_IDS, catalogue
    from qdsim.scenario import ScenarioError

    def bad(message: str):
        err.print(message, markup=False)
        raise typer.Exit(BAD_INPUT)

    if method not in sa.METHODS:
        bad(f"--method: one of {', '.join(sa.METHODS)}, not {method!r}")
    if statistic not in ("value", "impact"):
        bad(f"--statistic: value or impact, not {statistic!r}")
    outputs = _list(metrics)
    unknown = [m for m in outputs if m not in METRIC_IDS]
    if not outputs or unknown:
        bad(f"--metrics: unknown metric(s) {', '.join(unknown) or '(none given)'}; one of {', '.join(METRIC_IDS)}")
    n = n if n is not None else sa.DEFAULT_N[method]
    if n < 2:
        bad("--n: must be at least 2")
    if workers is not None and workers < 1:
        bad("--workers: must be at least 1")
    try:
        scenario = load_scenario(base)
        settings = {"replicates": replicates} | ({"scale": scale} if scale is not None else {})
        scenario = Scenario.model_validate({**scenario.model_dump(), **settings})
    except ScenarioError as e:
        print_problems(e.problems)
        raise typer.Exit(BAD_INPUT) from None
    except ValueError as e:  # pydantic: --replicates / --scale out of range
        bad(f"--replicates/--scale: {e.errors()[0]['msg'] if hasattr(e, 'errors') else e}")
    year = year or scenario.period.end
    if year not in scenario.period.years:
        bad(f"--year: {year} is outside the base scenario's period {scenario.period.start}–{scenario.period.end}")
    lever_specs, param_specs = _list(levers), _list(params)
    if levers is None and params is None:
        lever_specs = list(sa.DEFAULT_LEVERS)
    try:
        factors = sa.parse_factors(lever_specs, param_specs, scenario.region)
    except sa.FactorError as e:
        bad(str(e))
    if len(factors) < 2:
        bad("give at least two factors (--levers and/or --params)")
    try:
        X = sa.sample(method, factors, n, sample_seed)
    except ValueError as e:
        bad(f"--n: {e}")
    runs = len({tuple(row) for row in X.round(9)})
    if runs > sa.MAX_RUNS:
        bad(f"{plain(runs)} runs is more than the {plain(sa.MAX_RUNS)} an analysis may ask for; lower --n or the number of factors")
    out_dir = out_dir or Path("runs") / "sensitivity" / f"{scenario.id}-{method}"
    cat = catalogue()
    if not quiet:
        out.print(f"{method}: {len(factors)} factors, {len(X)} sample points ({runs} distinct runs × {replicates} replicates, "
                  f"scale {short(scenario.scale)}) → {out_dir}", markup=False)
    try:
        with progress_bar(f"sensitivity ({runs} runs)", runs * replicates, quiet) as cb:
            evaluate = sa.model_function(scenario, factors, outputs, year=year, statistic=statistic, out_dir=out_dir,
                                         replicates=replicates, scale=scenario.scale, workers=workers, scheduler=scheduler,
                                         resume=resume, progress=cb)
            analysis = sa.analyse(method, factors, evaluate, n=n, seed=sample_seed,
                                  settings={"base": str(base), "scenario": scenario.id, "replicates": replicates, "scale": scenario.scale,
                                            "seed": scenario.seed, "statistic": statistic, "runs_dir": str(out_dir)})
    except BatchError as e:
        bad(str(e))
    except sa.FactorError as e:
        bad(str(e))
    except KeyboardInterrupt:
        err.print(f"interrupted: finished runs are recorded in {out_dir}; rerun with --resume to complete", markup=False)
        raise typer.Exit(INTERRUPTED) from None
    except Exception as e:  # noqa: BLE001 - a failed run, SALib refusing the sample
        err.print(f"sensitivity analysis failed: {type(e).__name__}: {e}", markup=False)
        raise typer.Exit(FAILED) from None
    names = {m: (cat[m].zh, cat[m].en, cat[m].unit) for m in outputs}
    if statistic == "impact":
        names = {m: (f"{zh}（相对无协作的影响）", f"{en} (impact against no cooperation)", u) for m, (zh, en, u) in names.items()}
    paths = sa.write(analysis, out_dir, names=names, year=year)
    if not quiet:
        for m in outputs:
            out.print(indices_table(analysis, m, cat[m].en, year))
            out.print(sa.ranking(analysis, m, "zh", output_name=names[m][0], unit=names[m][2], year=year))
            out.print(sa.ranking(analysis, m, "en", output_name=names[m][1], unit=names[m][2], year=year))
            out.print()
        out.print(f"wrote {paths['csv']}, {paths['json'].name}, {paths['md'].name}", markup=False)
    raise typer.Exit(OK)


def indices_table(analysis, output: str, title: str, year: int) -> Table:
    df = analysis.indices[output].sort_values("rank")
    cols = ["mu_star", "mu_star_conf", "sigma"] if analysis.method == "morris" else ["S1", "S1_conf", "ST", "ST_conf"]
    heads = {"mu_star": "μ*", "mu_star_conf": "± (95%)", "sigma": "σ", "S1": "S1", "S1_conf": "±", "ST": "ST", "ST_conf": "±"}
    table = Table(title=f"{title}, {year} — {analysis.method}")
    table.add_column("rank", justify="right")
    table.add_column("factor")
    table.add_column("range", justify="right")
    for c in cols:
        table.add_column(heads[c], justify="right")
    for r in df.itertuples():
        table.add_row(str(r.rank), r.factor, f"{short(r.low, 4)} – {short(r.high, 4)}", *(short(getattr(r, c), 4) for c in cols))
    return table
