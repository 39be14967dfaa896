"""Run a batch: every point once, in parallel, resumable, recorded in the run registry.

The output directory of a batch::

    DIR/batch.json      what the batch is and how far it got (rewritten atomically)
    DIR/points/<scenario id>/   each point's run: summary.csv, cost.csv, manifest.json, replicates.parquet, scenario.yaml
    DIR/points.csv      one row per point: its values, run ID, status, replicates, why it stopped
    DIR/summary.csv     all points' summary rows side by side (point, varied values, scenario, metric, …)
    DIR/cost.csv        all points' cost-and-effectiveness rows side by side (point, varied values, scenario, measure, …)

For each point, in this order: its outputs already in ``DIR`` (a resumed
batch) are kept; a finished run with the same inputs and code in the
registry is copied, not recomputed; anything else is computed, replicate by
replicate, on the executor. A point's outputs are written atomically
(:meth:`qdsim.api.RunResult.write`) and only then marked done in the registry,
in one transaction. So a batch killed at any moment (SIGKILL included) loses
at most the points being computed, and ``--resume`` computes only those.

A point whose computation fails is recorded as failed with its error; the
batch goes on.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import queue
import shutil
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from qdsim.api import Paired, assemble, baseline_for, parameters_for, plan, reuse_baseline
from qdsim.batch.executors import make_executor
from qdsim.batch.spec import Adaptive, Batch, Point
from qdsim.catalogue import load_catalogue
from qdsim.metrics import METRIC_IDS, catalogue
from qdsim.outputs import copy_outputs, outputs_ok
from qdsim.provenance import code_sha, planned_run_id
from qdsim.provenance import run_id as make_run_id
from qdsim.run_registry import RunStore, stamp_manifest
from qdsim.runner import Progress, SimulationTask
from qdsim.scenario.schema import Scenario

POINTS_DIR = "points"


class BatchError(Exception):
    """The batch cannot start (its output directory is in use or holds another batch)."""


@dataclass
class Outcome:
    """What happened to one point."""

    point: Point
    status: str  # computed | registry | present | failed | interrupted
    run_id: str | None = None
    out_dir: Path | None = None
    replicates: int | None = None
    seconds: float | None = None
    stop_reason: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("computed", "registry", "present")


@dataclass
class BatchReport:
    batch: Batch
    out_dir: Path
    outcomes: list[Outcome]
    seconds: float
    executor: str
    interrupted: bool = False

    def count(self, *statuses: str) -> int:
        return sum(o.status in statuses for o in self.outcomes)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]


# -- adaptive replicates -----------------------------------------------------
def interval_width(rule: Adaptive, scenario, with_coop: np.ndarray, without: np.ndarray, county_ids: list[str]) -> tuple[float, float]:
    """(5–95% width, mean) of the rule's number across the replicates so far (as summary.csv computes them)."""
    year = rule.year if rule.year is not None else scenario.period.end
    years = scenario.period.years
    if year not in years:
        raise ValueError(f"adaptive.year {year} is outside the period {years[0]}–{years[-1]}")
    m, y, c = METRIC_IDS.index(rule.metric), years.index(year), county_ids.index(rule.county)
    x = with_coop[:, m, y, c] - (without[:, m, y, c] if rule.statistic == "impact" else 0.0)
    x = x[~np.isnan(x)]
    if len(x) == 0:
        return float("nan"), float("nan")
    p05, p95 = np.percentile(x, [5, 95])
    return float(p95 - p05), float(np.mean(x))


def decide(rule: Adaptive, n: int, width: float, mean: float, unit: str) -> tuple[bool, str, dict]:
    """Stop now? And why, in words and as data."""
    target = rule.target_width if rule.target_width is not None else rule.target_relative * abs(mean)
    what = f"{'impact' if rule.statistic == 'impact' else 'value'} 5–95% width of {rule.metric} ({rule.county}, {rule.year or 'last year'})"
    info = {"replicates": n, "width": width, "mean": mean, "target": target, "rule": rule.key()}
    if np.isfinite(width) and width <= target:
        return True, f"converged: {what} {width:.4g} ≤ target {target:.4g} {unit} at {n} replicates", {**info, "reason": "converged"}
    if n >= rule.max_replicates:
        return True, f"max reached: {what} {width:.4g} > target {target:.4g} {unit} at {n} replicates", {**info, "reason": "max reached"}
    return False, "", info


def adaptive_request(point: Point, rule: Adaptive) -> str:
    """Identity of an adaptive point: its scenario (at the start count), parameters, rule, code."""
    blob = json.dumps({"scenario": point.scenario.sha256(), "run": point.run_id, "rule": rule.key(), "code": code_sha()}, sort_keys=True)
    return "ad-" + hashlib.sha256(blob.encode()).hexdigest()[:16]


# -- the batch directory -------------------------------------------------------
def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    os.replace(tmp, path)


def _write_csv(path: Path, df: pd.DataFrame) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    df.to_csv(tmp, index=False, float_format="%.10g", lineterminator="\n")
    os.replace(tmp, path)


@contextlib.contextmanager
def _locked(out: Path):
    """One batch process per output directory (the lock goes when the process does, even on SIGKILL)."""
    out.mkdir(parents=True, exist_ok=True)
    lock = out / ".lock"
    made = not lock.exists()
    fh = open(lock, "a+")  # noqa: SIM115 - held for the whole batch
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BatchError(f"{out} is in use by another qdsim batch") from None
        try:
            yield
        except BatchError:  # refused before anything was written: leave the folder as it was
            if made:
                lock.unlink(missing_ok=True)
            raise
    finally:
        fh.close()


def _check_dir(out: Path, batch: Batch, resume: bool) -> dict | None:
    """The previous state of the batch directory; raise BatchError if it may not be used."""
    state_file = out / "batch.json"
    if not state_file.exists():
        others = [p for p in out.iterdir() if p.name not in (".lock", POINTS_DIR)] if out.exists() else []
        if others and not (out / POINTS_DIR).exists():
            raise BatchError(f"{out} is not empty and holds no qdsim batch; choose another --out")
        return None
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BatchError(f"{out}/batch.json cannot be read; choose another --out") from None
    same = state.get("batch_sha256") == batch.sha256()
    if state.get("status") == "running":
        if not same:
            raise BatchError(
                f"{out} holds an unfinished run of a different batch ({state.get('id')}); "
                "choose another --out (finished runs are served from the registry anyway)"
            )
        if not resume:
            done = sum(1 for p in state.get("points", []) if p.get("status") in ("computed", "registry", "present"))
            raise BatchError(f"{out} holds an unfinished run of this batch ({done} of {len(batch.points)} points done); add --resume to complete it")
    return state


def _clean_stale(points_dir: Path, keep: set[str]) -> None:
    """Remove half-written temporary folders and outputs of points no longer in the batch."""
    if not points_dir.exists():
        return
    for d in points_dir.iterdir():
        if d.name.startswith(".") or (d.is_dir() and d.name not in keep and (d / "manifest.json").exists()):
            shutil.rmtree(d, ignore_errors=True) if d.is_dir() else d.unlink(missing_ok=True)


def _state(batch: Batch, outcomes: dict[str, Outcome], status: str, started: str, executor: str) -> dict:
    return {
        "id": batch.id,
        "title": batch.title.model_dump() if batch.title else None,
        "file": batch.path,
        "batch_sha256": batch.sha256(),
        "status": status,
        "created": started,
        "updated": datetime.now(UTC).isoformat(timespec="seconds"),
        "executor": executor,
        "varied": batch.varied,
        "adaptive": batch.adaptive.key() if batch.adaptive else None,
        "points": [
            {
                "point": p.id,
                "scenario": p.scenario.id,
                "values": p.values,
                "status": outcomes[p.id].status if p.id in outcomes else "pending",
                "run_id": outcomes[p.id].run_id if p.id in outcomes else (None if batch.adaptive else p.run_id),
                "replicates": outcomes[p.id].replicates if p.id in outcomes else None,
                "stop_reason": outcomes[p.id].stop_reason if p.id in outcomes else None,
                "error": outcomes[p.id].error if p.id in outcomes else None,
            }
            for p in batch.points
        ],
    }


# -- computing -----------------------------------------------------------------
@dataclass
class _Job:
    """A point being computed: its simulations' results so far, by (variant, index) as :func:`qdsim.api.plan` names them."""

    point: Point
    out_dir: Path
    n_target: int  # replicates wanted before the next decision
    request: str | None = None
    n_draws: int = 0
    baseline: Scenario | None = None  # the paired baseline (None: none, or reused)
    reused: tuple[np.ndarray, str] | None = None  # a finished baseline's values and folder, from the registry
    expected: int = 0  # simulations planned so far
    results: dict[tuple[str, int], np.ndarray] = field(default_factory=dict)
    compute_seconds: float = 0.0
    failed: bool = False

    def stacked(self, variant: str, n: int) -> np.ndarray:
        return np.stack([self.results[(variant, i)] for i in range(n)])

    def replicates(self) -> tuple[np.ndarray, np.ndarray]:
        return self.stacked("scenario", self.n_target), self.stacked("counterfactual", self.n_target)

    def complete(self) -> bool:
        return len(self.results) == self.expected

    def tasks(self, scenario: Scenario, first: int = 0) -> list[tuple[tuple[str, int], SimulationTask]]:
        """The point's simulations (replicates from ``first`` on; the assumption draws only from the start)."""
        base = None if self.baseline is None else self.baseline.with_settings(replicates=scenario.replicates)
        out = [((v, i), t) for v, i, t in plan(scenario, baseline=base) if first == 0 or (i >= first and not v.startswith("draw"))]
        self.expected += len(out)
        return out


def run_batch(
    batch: Batch,
    out_dir: str | os.PathLike,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    fresh: bool = False,
    store: RunStore | None = None,
    progress: Progress | None = None,
    executor=None,
) -> BatchReport:
    """Run every point of ``batch`` into ``out_dir``; see the module docstring.

    ``fresh`` recomputes points even when the registry or ``out_dir`` has them.
    ``executor`` (tests) replaces the one ``workers``/``scheduler`` would make.
    KeyboardInterrupt is re-raised after the finished points are recorded.
    """
    store = store or RunStore.default()
    out = Path(out_dir)
    t_start = time.perf_counter()
    started = datetime.now(UTC).isoformat(timespec="seconds")
    points_dir = out / POINTS_DIR
    with _locked(out):
        _check_dir(out, batch, resume)
        store.reap()
        _clean_stale(points_dir, {p.dir_name for p in batch.points})
        outcomes: dict[str, Outcome] = {}
        rule = batch.adaptive
        code = code_sha()

        # what is there already
        jobs: list[_Job] = []
        for p in batch.points:
            target = points_dir / p.dir_name
            request = adaptive_request(p, rule) if rule else None
            if not fresh:
                got = _present(target, p, request, code, store) or _served(target, p, request, store)
                if got:
                    outcomes[p.id] = got
                    continue
            base = baseline_for(p.scenario)
            reused = reuse_baseline(store, base) if base is not None else None
            jobs.append(_Job(p, target, p.scenario.replicates, request, p.scenario.assumption_draws, None if reused else base, reused))

        executor_name = "none needed"

        last_checkpoint = [0.0]

        def checkpoint(status: str = "running", force: bool = False, **extra) -> None:
            # informational while running (resuming reads the point folders), so at most every 2 s
            if status == "running" and not force and time.perf_counter() - last_checkpoint[0] < 2.0:
                return
            last_checkpoint[0] = time.perf_counter()
            _write_json(out / "batch.json", _state(batch, outcomes, status, started, executor_name) | extra)

        checkpoint(force=True)
        if progress:
            already = len(batch.points) - len(jobs)
            if jobs:
                progress(0, sum(j.n_target + j.n_draws for j in jobs), f"0/{len(jobs)} runs" + (f" ({already} already done)" if already else ""))
            else:
                progress(1, 1, f"all {already} runs already done")
        interrupted = False
        if jobs:
            ex = executor or make_executor(workers, scheduler)
            executor_name = f"dask {scheduler}" if scheduler else f"{ex.name} ({ex.capacity})"
            completed = False
            try:
                _compute(jobs, ex, store, outcomes, progress, rule, checkpoint)
                completed = True
            except KeyboardInterrupt:
                interrupted = True
            finally:
                if executor is None:
                    ex.close(cancel=not completed)
        for p in batch.points:
            outcomes.setdefault(p.id, Outcome(p, "interrupted" if interrupted else "failed", error=None if interrupted else "not run"))
        report = BatchReport(batch, out, [outcomes[p.id] for p in batch.points], time.perf_counter() - t_start, executor_name, interrupted)
        if interrupted:  # still 'running': --resume completes it
            checkpoint("running", force=True, interrupted=True)
            raise KeyboardInterrupt
        write_tables(report)
        checkpoint("done", seconds=round(report.seconds, 2))
    return report


def _present(target: Path, p: Point, request: str | None, code: str, store: RunStore) -> Outcome | None:
    """The point's outputs already in the batch directory (a resumed batch): keep them, make sure the registry knows."""
    manifest_path = target / "manifest.json"
    if not manifest_path.exists():
        return None
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    run_id = manifest.get("run_id")
    adaptive = manifest.get("adaptive") or {}
    if request is not None and adaptive.get("request") != request:
        return None
    if request is None and run_id != p.run_id:
        return None
    if not outputs_ok(target, run_id, code):
        return None
    rec = store.find(run_id)
    if not rec or rec["status"] != "done" or not outputs_ok(rec["out_dir"], run_id, code):
        _adopt(store, target, manifest, request)
    return Outcome(p, "present", run_id, target, manifest.get("replicates"), manifest.get("seconds"), adaptive.get("stop_reason"))


def _adopt(store: RunStore, target: Path, manifest: dict, request: str | None) -> None:
    """Register outputs that were written before the process could record them (killed in between)."""
    s = manifest["scenario"]
    store.start(manifest["run_id"], scenario_id=s["id"], scenario_sha=manifest["scenario_sha256"], params_sha=manifest["parameters_sha256"],
                seed=manifest["seed"], replicates=manifest["replicates"], scale=manifest["scale"], out_dir=target)
    store.finish(manifest["run_id"], out_dir=target, seconds=manifest.get("seconds"),
                 stop_reason=(manifest.get("adaptive") or {}).get("stop_reason"), request=request)


def _served(target: Path, p: Point, request: str | None, store: RunStore) -> Outcome | None:
    """A finished run with the same inputs and code in the registry: copy its outputs here."""
    rec = store.servable_request(request) if request else store.servable(p.run_id)
    if rec is None:
        return None
    copy_outputs(rec["out_dir"], target)
    return Outcome(p, "registry", rec["run_id"], target, rec["replicates"], rec["seconds"], rec["stop_reason"])


def _compute(jobs: list[_Job], ex, store: RunStore, outcomes: dict[str, Outcome], progress: Progress | None,
             rule: Adaptive | None, checkpoint) -> None:
    """Submit tasks (point after point), collect them, finish each point as soon as it can."""
    code = code_sha()
    params = {id(j): parameters_for(j.point.scenario) for j in jobs}
    county_ids = ["all"] + [c["id"] for c in load_catalogue(jobs[0].point.scenario.region).counties]
    pending: deque = deque((j, key, t) for j in jobs for key, t in j.tasks(j.point.scenario))
    done_q: queue.Queue = queue.Queue()
    total, finished_tasks, in_flight, points_done = len(pending), 0, 0, 0
    cap = max(1, getattr(ex, "prefetch", 2 * ex.capacity))
    started: set[int] = set()

    def submit_more() -> None:
        nonlocal in_flight
        while pending and in_flight < cap:
            job, key, task = pending.popleft()
            if job.failed:
                continue
            if id(job) not in started:
                started.add(id(job))
                if rule is None:  # adaptive runs get their identity when they stop
                    _start(store, job.point, params[id(job)], job.out_dir)
            in_flight += 1
            ex.submit(task, lambda fut, job=job, key=key: done_q.put((job, key, fut)))

    def failed(job: _Job, e: Exception) -> None:
        job.failed = True
        err = f"{type(e).__name__}: {e}"
        run_id = job.point.run_id
        reached = sum(k[0] == "r" for k in job.results)
        if rule is not None:  # record it under the replicates it had reached
            run_id = _start(store, job.point, params[id(job)], None, replicates=max(reached, 1))
        store.fail(run_id, err, job.compute_seconds)
        outcomes[job.point.id] = Outcome(job.point, "failed", run_id, None, replicates=reached, error=err)
        _debug(e)

    submit_more()
    while in_flight:
        job, key, fut = _get(done_q)
        in_flight -= 1
        finished_tasks += 1
        if not job.failed:
            try:
                worker_code, values, secs = fut.result()
                if worker_code != code:
                    raise RuntimeError("the worker runs different qdsim code than this process (install the same qdsim on the cluster)")
                job.results[key] = values
                job.compute_seconds += secs
            except Exception as e:  # noqa: BLE001 - a failed run is recorded and the batch goes on
                failed(job, e)
                points_done += 1
                checkpoint()
        if not job.failed and job.complete():
            more, stop_reason, info = 0, None, None
            if rule is not None:
                width, mean = interval_width(rule, job.point.scenario, *job.replicates(), county_ids)
                stop, stop_reason, info = decide(rule, job.n_target, width, mean, catalogue()[rule.metric].unit)
                if not stop:
                    more = min(rule.step, rule.max_replicates - job.n_target)
            if more:  # the next replicates of this point go first, so that it finishes soon
                n_new = job.n_target + more
                new = job.tasks(_with_replicates(job.point.scenario, n_new), first=job.n_target)
                pending.extendleft(reversed([(job, key, t) for key, t in new]))
                job.n_target = n_new
                total += len(new)
            else:
                try:
                    outcomes[job.point.id] = _finish(job, store, stop_reason, info, ex.capacity)
                except Exception as e:  # noqa: BLE001 - e.g. the disk is full: record it, go on
                    failed(job, e)
                points_done += 1
                checkpoint()
        if progress:
            progress(finished_tasks, total, f"{points_done}/{len(jobs)} runs")
        submit_more()


def _get(q: queue.Queue):
    while True:  # a timeout, so that Ctrl-C is seen promptly
        try:
            return q.get(timeout=0.25)
        except queue.Empty:
            continue


def _start(store: RunStore, point: Point, params, out_dir: Path | None, replicates: int | None = None) -> str:
    """Record a run as running (under the run ID of ``replicates`` when given); return its run ID."""
    s = point.scenario
    n = s.replicates if replicates is None else replicates
    rid = make_run_id(scenario_sha=_with_replicates(s, n).sha256(), params_sha=params.sha256(), seed=s.seed, replicates=n, scale=s.scale)
    store.start(rid, scenario_id=s.id, scenario_sha=_with_replicates(s, n).sha256(), params_sha=params.sha256(),
                seed=s.seed, replicates=n, scale=s.scale, out_dir=out_dir)
    return rid


def _with_replicates(s: Scenario, n: int) -> Scenario:
    return s if n == s.replicates else Scenario.model_validate({**s.model_dump(), "replicates": n})


def _finish(job: _Job, store: RunStore, stop_reason: str | None, adaptive_info: dict | None, workers: int) -> Outcome:
    """Write the point's outputs atomically, then mark it done (one transaction)."""
    n = job.n_target
    s = _with_replicates(job.point.scenario, n)  # adaptive: the run is the scenario with the replicates it took
    assumptions = (job.stacked("draw", job.n_draws), job.stacked("draw_counterfactual", job.n_draws)) if job.n_draws else None
    paired = None
    if job.reused is not None:
        base = baseline_for(s)
        paired = Paired(base, planned_run_id(base), job.reused[0], job.reused[1])
    elif job.baseline is not None:
        base = job.baseline.with_settings(replicates=n)
        paired = Paired(base, planned_run_id(base), job.stacked("baseline", n))
    result = assemble(s, job.stacked("scenario", n), job.stacked("counterfactual", n), seconds=job.compute_seconds, workers=workers,
                      assumptions=assumptions, baseline=paired)
    stamp_manifest(result)
    if adaptive_info is not None:
        result.manifest["adaptive"] = {**adaptive_info, "stop_reason": stop_reason, "request": job.request}
        store.start(result.run_id, scenario_id=s.id, scenario_sha=s.sha256(), params_sha=result.params.sha256(),
                    seed=s.seed, replicates=n, scale=s.scale, out_dir=job.out_dir)
    result.write(job.out_dir)
    store.finish(result.run_id, out_dir=job.out_dir, seconds=job.compute_seconds, stop_reason=stop_reason, request=job.request)
    return Outcome(job.point, "computed", result.run_id, job.out_dir, n, job.compute_seconds, stop_reason)


def _debug(e: Exception) -> None:
    if os.environ.get("QDSIM_DEBUG"):
        traceback.print_exception(e)


# -- the batch tables ---------------------------------------------------------
def write_tables(report: BatchReport) -> None:
    """points.csv (one row per point), and summary.csv and cost.csv (all points' rows, written point by point)."""
    batch, out = report.batch, report.out_dir
    rows = []
    for o in report.outcomes:
        p = o.point
        rows.append({"point": p.id, "base": p.base, "scenario": p.scenario.id, **_values(batch, p), "run_id": o.run_id, "status": o.status,
                     "replicates": o.replicates, "seconds": round(o.seconds, 2) if o.seconds is not None else None,
                     "stop_reason": o.stop_reason, "error": o.error, "out_dir": f"{POINTS_DIR}/{p.dir_name}" if o.ok else None})
    for name in ("summary.csv", "cost.csv"):
        _concat_points(report, name)
    _write_csv(out / "points.csv", pd.DataFrame(rows))


def _values(batch: Batch, p: Point) -> dict:
    return {path: _cell(p.values.get(path)) for path in batch.varied}


def _concat_points(report: BatchReport, name: str) -> None:
    """The batch's ``name`` table: every finished point's rows for its scenario, led by the point's id, run ID, base and values."""
    batch, out = report.batch, report.out_dir
    tmp = out / f".{name}.{os.getpid()}.tmp"
    header = True
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        for o in report.outcomes:
            p = o.point
            if not o.ok or not (o.out_dir / name).exists():
                continue
            df = pd.read_csv(o.out_dir / name, keep_default_na=False, na_values=[""])
            df = df[df.scenario == p.scenario.id]
            for i, (k, v) in enumerate({"point": p.id, "run_id": o.run_id, "base": p.base, **_values(batch, p)}.items()):
                df.insert(i, k, v)
            df.to_csv(fh, index=False, header=header, float_format="%.10g", lineterminator="\n")
            header = False
    if header:  # no point finished
        tmp.unlink()
        (out / name).unlink(missing_ok=True)
    else:
        os.replace(tmp, out / name)


def _cell(v):
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return v
