"""Run a batch: every point once, in parallel, resumable, recorded in the run registry.

The output directory of a batch is :mod:`qdsim.batch.folder`'s (its lock,
``batch.json``, the tables of all points); each point's run goes to
``DIR/points/<scenario id>/`` (summary.csv, cost.csv, manifest.json,
replicates.parquet, scenario.yaml). When an adaptive point has replicates
enough is :mod:`qdsim.batch.adaptive`'s.

For each point, in this order: its outputs already in ``DIR`` (a resumed
batch) are kept; a finished run with the same inputs and code in the
registry is copied, not recomputed; anything else is computed, replicate by
replicate, on the executor: the run pipeline's plan of the point
(:func:`qdsim.pipeline.prepare`, as for ``qdsim run``: its baseline reused
from the registry when finished there), its tasks on the executor, then
the plan's :meth:`~qdsim.pipeline.Plan.assemble`. A point's outputs are written atomically
(:meth:`qdsim.api.RunResult.write`) and only then marked done in the registry,
in one transaction. So a batch killed at any moment (SIGKILL included) loses
at most the points being computed, and ``--resume`` computes only those.

A point whose computation fails is recorded as failed with its error; the
batch goes on.
"""

from __future__ import annotations

import json
import os
import queue
import time
import traceback
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from qdsim.batch.adaptive import adaptive_request, decide, interval_width
from qdsim.batch.executors import make_executor
from qdsim.batch.folder import POINTS_DIR, BatchError, BatchReport, Outcome, check_dir, clean_stale, locked, state, write_json, write_tables
from qdsim.batch.spec import Adaptive, Batch, Point
from qdsim.foundation.catalogue import load_catalogue
from qdsim.foundation.metrics import catalogue
from qdsim.pipeline import Plan, prepare
from qdsim.registry.store import RunStore, stamp_manifest
from qdsim.results.outputs import copy_outputs, outputs_ok
from qdsim.results.provenance import RunIdentity, code_sha
from qdsim.scenario.schema import Scenario
from qdsim.simulation.runner import Progress, SimulationTask

__all__ = ["BatchError", "BatchReport", "Outcome", "run_batch"]


@dataclass
class _Job:
    """A point being computed: its plan (:func:`qdsim.pipeline.prepare`), and its simulations' results so far by (variant, index)."""

    point: Point
    out_dir: Path
    plan: Plan  # for the replicates wanted before the next decision
    request: str | None = None
    expected: int = 0  # simulations planned so far
    results: dict[tuple[str, int], np.ndarray] = field(default_factory=dict)
    compute_seconds: float = 0.0
    failed: bool = False

    @property
    def n_target(self) -> int:
        return self.plan.scenario.replicates

    @property
    def n_draws(self) -> int:
        return self.plan.scenario.assumption_draws

    def replicates(self) -> tuple[np.ndarray, np.ndarray]:
        parts = self.plan.parts(self.results)
        return parts["scenario"], parts["counterfactual"]

    def complete(self) -> bool:
        return len(self.results) == self.expected

    def tasks(self, first: int = 0) -> list[tuple[tuple[str, int], SimulationTask]]:
        """The plan's simulations (replicates from ``first`` on; the assumption draws only from the start)."""
        out = [((v, i), t) for v, i, t in self.plan.tasks if first == 0 or (i >= first and not v.startswith("draw"))]
        self.expected += len(out)
        return out

    def grow(self, n: int) -> list[tuple[tuple[str, int], SimulationTask]]:
        """Plan ``n`` replicates (adaptive); the simulations of the replicates not yet planned."""
        first = self.n_target
        self.plan = prepare(self.point.scenario.with_settings(replicates=n))
        return self.tasks(first)


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
    with locked(out):
        check_dir(out, batch, resume)
        store.reap()
        clean_stale(points_dir, {p.dir_name for p in batch.points})
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
            # adaptive points grow their replicates, and their baseline's with them: it is computed, not reused
            jobs.append(_Job(p, target, prepare(p.scenario, registry=None if rule else store), request))

        executor_name = "none needed"

        last_checkpoint = [0.0]

        def checkpoint(status: str = "running", force: bool = False, **extra) -> None:
            # informational while running (resuming reads the point folders), so at most every 2 s
            if status == "running" and not force and time.perf_counter() - last_checkpoint[0] < 2.0:
                return
            last_checkpoint[0] = time.perf_counter()
            write_json(out / "batch.json", state(batch, outcomes, status, started, executor_name) | extra)

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
    county_ids = ["all"] + [c["id"] for c in load_catalogue(jobs[0].point.scenario.region).counties]
    pending: deque = deque((j, key, t) for j in jobs for key, t in j.tasks())
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
                    _start(store, job.plan.scenario, job.out_dir)
            in_flight += 1
            ex.submit(task, lambda fut, job=job, key=key: done_q.put((job, key, fut)))

    def failed(job: _Job, e: Exception) -> None:
        job.failed = True
        err = f"{type(e).__name__}: {e}"
        run_id = job.point.run_id
        reached = sum(k[0] == "scenario" for k in job.results)
        if rule is not None:  # record it under the replicates it had reached
            run_id = _start(store, job.point.scenario.with_settings(replicates=max(reached, 1)), None)
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
                new = job.grow(job.n_target + more)
                pending.extendleft(reversed([(job, key, t) for key, t in new]))
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


def _start(store: RunStore, scenario: Scenario, out_dir: Path | None) -> str:
    """Record the run of ``scenario`` as running; return its run ID."""
    identity = RunIdentity.of(scenario)
    store.start(identity.run_id, **identity.record(), out_dir=out_dir)
    return identity.run_id


def _finish(job: _Job, store: RunStore, stop_reason: str | None, adaptive_info: dict | None, workers: int) -> Outcome:
    """Assemble the point's plan, write its outputs atomically, then mark it done (one transaction)."""
    n = job.n_target  # adaptive: the run is the scenario with the replicates it took
    result = job.plan.assemble(job.results, seconds=job.compute_seconds, workers=workers)
    stamp_manifest(result)
    if adaptive_info is not None:
        result.manifest["adaptive"] = {**adaptive_info, "stop_reason": stop_reason, "request": job.request}
        _start(store, job.plan.scenario, job.out_dir)
    result.write(job.out_dir)
    store.finish(result.run_id, out_dir=job.out_dir, seconds=job.compute_seconds, stop_reason=stop_reason, request=job.request)
    return Outcome(job.point, "computed", result.run_id, job.out_dir, n, job.compute_seconds, stop_reason)


def _debug(e: Exception) -> None:
    if os.environ.get("QDSIM_DEBUG"):
        traceback.print_exception(e)


