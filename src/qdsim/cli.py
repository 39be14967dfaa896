"""The ``qdsim`` command line: thin over :mod:`qdsim.api` and the feature modules.

Exit codes: 0 done, 1 the work failed, 2 bad input (nothing run or written),
130 interrupted.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from qdsim import __version__
from qdsim.presentation.console import BAD_INPUT, FAILED, INTERRUPTED, MAX_WORKERS, OK, err, out, print_problems, progress_bar

app = typer.Typer(
    name="qdsim",
    help="qdsim — 青岛—定西东西部协作模拟 / Qingdao–Dingxi East–West cooperation simulator.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars or tables (for scripts).")]


def _version(value: bool):
    if value:
        out.print(f"qdsim {__version__}")
        raise typer.Exit(OK)


@app.callback()
def _main(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")] = False):
    """qdsim: scenarios, runs, batches, calibration, briefs and the web app."""


class Lang(StrEnum):
    en = "en"
    zh = "zh"


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Scenario or batch YAML files (or shipped ones by name).")],
    lang: Annotated[Lang, typer.Option("--lang", help="Language of the messages: en, or zh (中文).")] = Lang.en,
    quiet: Quiet = False,
):
    """Check scenario or batch files; print every problem as file:line: field: message."""
    from qdsim.validate import validate_file

    bad = 0
    for f in files:
        problems = validate_file(f)
        if problems:
            bad += 1
            print_problems(problems, lang.value)
        elif not quiet:
            out.print(f"{f}: ok", markup=False)
    raise typer.Exit(BAD_INPUT if bad else OK)


KEY_METRICS = ("rural_income_per_capita", "consumption_sales", "stable_employment", "wage_employment", "migrant_workers_qingdao", "monitored_share")


def key_table(result, year: int | None = None) -> Table:
    """Key results of a run in the last year: mean and chance interval; for a what-if, the difference from
    its baseline with its interval (marked when within chance variation); the impact against no cooperation."""
    from qdsim.foundation.format import CHANCE_MARK, compact, describe, unit_label
    from qdsim.foundation.metrics import catalogue

    df = result.summary
    year = year or result.years[-1]
    rows = df[(df.scenario == result.scenario.id) & (df.county == "all") & (df.year == year)].set_index("metric")
    paired = rows["vs_baseline_mean"].notna().any()
    table = Table(title=escape(f"{result.scenario.title.en} — {year} (run {result.run_id})"))  # a title is text, never Rich markup
    columns = ["metric", "unit", "mean", "5–95%", *(["vs baseline", "5–95%"] if paired else []), "impact", "impact 5–95%"]
    for col in columns:
        table.add_column(col, justify="left" if col in ("metric", "unit") else "right")
    cat = catalogue()

    def diff(m: str, mean: float, lo: float, hi: float, unit: str) -> list[str]:
        chance = CHANCE_MARK["en"] if describe(m, mean, lo, hi, "en", unit).verdict == "chance" else ""  # the app's and the brief's rule
        return [compact(mean, unit, signed=True) + chance, f"{compact(lo, unit, signed=True)} – {compact(hi, unit, signed=True)}"]

    for m in KEY_METRICS:
        r = rows.loc[m]
        cells = [cat[m].en, unit_label(r.unit), compact(r["mean"], r.unit), f"{compact(r.p05, r.unit)} – {compact(r.p95, r.unit)}"]
        if paired:
            cells += diff(m, r.vs_baseline_mean, r.vs_baseline_p05, r.vs_baseline_p95, r.unit)
        cells += diff(m, r.impact_mean, r.impact_p05, r.impact_p95, r.unit)
        table.add_row(*cells)
    base = escape(str((result.manifest.get("baseline") or {}).get("scenario_id")))
    table.caption = (
        (f"vs baseline: minus the baseline ({base}) on the same random numbers; " if paired else "")
        + "impact: minus the no-cooperation counterfactual on the same random numbers (stable employment is the programme's gross "
        "count, none without it; wage employment's impact is the jobs the cooperation adds); intervals: 5th–95th percentile across "
        "replicates; (chance): the interval includes zero, the difference is within chance variation; shares' differences in "
        "percentage points (pp)"
    )
    return table


@app.command()
def run(
    file: Annotated[Path, typer.Argument(help="Scenario YAML file, or a shipped scenario by name (baseline; see qdsim scenarios).")],
    out_dir: Annotated[Path | None, typer.Option("--out", help="Output directory (default: runs/<scenario id>).")] = None,
    replicates: Annotated[int | None, typer.Option(help="Replicates (default: the scenario's).")] = None,
    seed: Annotated[int | None, typer.Option(help="Root seed (default: the scenario's).")] = None,
    scale: Annotated[float | None, typer.Option(help="Share of households simulated, 0.001–1.0 (default: the scenario's).")] = None,
    workers: Annotated[int | None, typer.Option(help="Processes (default: all cores). Results do not depend on it.")] = None,
    assumptions: Annotated[int | None, typer.Option(
        "--assumptions", help="Parameter sets drawn from the assumptions' ranges, for the assumption interval (default: the scenario's, usually 0).")] = None,
    fresh: Annotated[bool, typer.Option("--fresh", help="Recompute even if the run registry has this run finished.")] = False,
    quiet: Quiet = False,
):
    """Run a scenario and its no-cooperation counterfactual; write summary.csv, cost.csv, manifest.json, replicates.parquet, scenario.yaml."""
    if workers != 1 and (os.cpu_count() or 1) > 1:
        from qdsim.simulation import pool

        pool.start()  # the worker processes' server warms up while this command imports and plans
    from qdsim import api

    try:
        scenario = api.load_scenario(file)
        overrides = {
            k: v for k, v in {"replicates": replicates, "seed": seed, "scale": scale, "assumption_draws": assumptions}.items() if v is not None
        }
        if overrides:
            scenario = scenario.with_settings(**overrides)
    except api.ScenarioError as e:  # a run setting given as an option is reported as the option (--scale: …)
        flags = {"assumption_draws": "assumptions"}
        for p in e.problems:
            if p.file == "<settings>":
                err.print(f"--{flags.get(p.field, p.field)}: {p.message}", markup=False)
            else:
                print_problems([p])
        raise typer.Exit(BAD_INPUT) from None
    if workers is not None and not 1 <= workers <= MAX_WORKERS:
        err.print(f"--workers: must be between 1 and {MAX_WORKERS}")
        raise typer.Exit(BAD_INPUT)
    out_dir = out_dir or Path("runs") / scenario.id
    from qdsim.registry.store import RunRecorder
    from qdsim.results.outputs import NotReplaceable, why_not_replaceable

    why = why_not_replaceable(out_dir.resolve())
    if why:  # before anything runs: never delete a folder of other things
        err.print(f"--out {out_dir}: {why}; choose another (nothing is deleted to make room)", markup=False)
        raise typer.Exit(BAD_INPUT)

    try:
        registry = RunRecorder(scenario, out_dir, fresh=fresh, warn=lambda m: err.print(m, markup=False))
    except NotReplaceable as e:  # the folder changed since the check above
        err.print(f"--out {e}", markup=False)
        raise typer.Exit(BAD_INPUT) from None
    except KeyboardInterrupt:  # Ctrl-C while waiting for another process's identical run (RunStore.join)
        err.print("interrupted while waiting for the other process's run: nothing was written")
        raise typer.Exit(INTERRUPTED) from None
    if registry.served_from:  # the same inputs and code finished before: serve it, do not recompute
        if not quiet:
            out.print(key_table(registry.served()))
            out.print(f"run {registry.run_id} finished before ({registry.served_from}): copied to {out_dir} from the registry; --fresh recomputes it",
                      markup=False)
        raise typer.Exit(OK)
    try:
        registry.start()
        with progress_bar(f"{scenario.id}", scenario.replicates + scenario.assumption_draws, quiet) as cb:
            result = api.run(scenario, workers=workers, progress=cb, registry=registry.store)  # workers None: all cores
        registry.stamp(result)
        path = result.write(out_dir)
        registry.done(result, path)
    except KeyboardInterrupt:
        registry.failed("interrupted")
        err.print("interrupted: nothing was written")
        raise typer.Exit(INTERRUPTED) from None
    except NotReplaceable as e:  # something else was put in the output folder while the run ran
        registry.failed(str(e))
        err.print(f"--out {e}", markup=False)
        raise typer.Exit(BAD_INPUT) from None
    except Exception as e:  # a crash in the model: say so plainly, keep the exit code meaningful
        registry.failed(f"{type(e).__name__}: {e}")
        err.print(f"run failed: {type(e).__name__}: {e}", markup=False)
        raise typer.Exit(FAILED) from None
    for w in result.manifest.get("warnings", []):
        err.print(f"[yellow]warning:[/yellow] {escape(str(w))}", highlight=False)
    if not quiet:
        out.print(key_table(result))
        out.print(f"wrote {path}/summary.csv, cost.csv, manifest.json, replicates.parquet, scenario.yaml (run {result.run_id})", markup=False)
    raise typer.Exit(OK)


#: uploads the app's server accepts, in MB (scenario files are at most 1 MB)
UPLOAD_MB = 2


def streamlit_flags(address: str, port: int) -> list[str]:
    """How ``qdsim app`` configures Streamlit for an office server (docs/office-server.md).

    No usage statistics sent to Streamlit; no Deploy, Rerun or Stop buttons
    (the toolbar shows only the About item, the top bar is hidden); no error
    details in the browser (the app shows a message with a reference, the
    traceback goes to the server's log: :mod:`qdsim.app.guard`); listening on
    ``address`` only (127.0.0.1 unless told otherwise); no file watching.
    """
    return ["--server.address", address, "--server.port", str(port), "--server.headless", "true",
            "--server.maxUploadSize", str(UPLOAD_MB), "--server.fileWatcherType", "none", "--server.runOnSave", "false",
            "--browser.gatherUsageStats", "false", "--client.toolbarMode", "minimal", "--ui.hideTopBar", "true",
            "--client.showErrorDetails", "none", "--global.developmentMode", "false"]


@app.command("app")
def app_cmd(
    port: Annotated[int, typer.Option(help="Port to serve on.", min=1, max=65535)] = 8501,
    address: Annotated[str, typer.Option(
        "--address", help="Address to listen on: 127.0.0.1 (this machine only) unless given, e.g. 0.0.0.0 behind a login proxy "
                          "(see docs/office-server.md).")] = "127.0.0.1",
):
    """Start the web app (Streamlit), on this machine only unless --address is given."""
    script = Path(__file__).resolve().parent / "app" / "streamlit_app.py"  # inside the package: works when installed
    if not script.exists():
        err.print(f"cannot find the app at {script}", markup=False)
        raise typer.Exit(FAILED)
    from qdsim.registry.store import prune_app_runs

    try:  # the app's old run folders go on a documented rule (docs/reliability.md); the app also prunes hourly
        prune_app_runs()
    except OSError as e:
        err.print(f"warning: could not prune the app's run folders: {e}", markup=False)
    argv = [sys.executable, "-m", "qdsim.app.serve", "run", str(script), *streamlit_flags(address, port)]  # streamlit run, the first screen prepared
    if os.name == "posix":  # the server becomes this process: a stop signal (a service manager's SIGTERM) reaches it, no orphan
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, argv)
    raise typer.Exit(subprocess.call(argv))


# Feature commands live in qdsim.commands.<name>, each defining `command`.
for _name in ("batch", "runs", "calibrate", "sensitivity", "brief", "scenarios"):
    try:
        _mod = importlib.import_module(f"qdsim.commands.{_name}")
    except ModuleNotFoundError as _e:
        if _e.name != f"qdsim.commands.{_name}":
            raise
        continue
    app.command(_name)(_mod.command)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
