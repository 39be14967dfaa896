"""Running scenarios from the app: each serialised scenario once, kept in memory and in the run registry.

The key of a run is the scenario's YAML text, which carries its scale,
replicates and seed; the app runs exactly what that text says, parsed back
from the text, so the downloaded file reproduces the app's numbers with
``qdsim run``. The number of worker processes does not change results.

Every run the app makes is written to the run registry
(``$QDSIM_HOME/registry.db``, outputs in ``$QDSIM_HOME/app/<run ID>``), as
``qdsim run`` does: a run already there is read back instead of computed,
and a what-if reuses the baseline and its counterfactual from there
(:func:`qdsim.api.run` with ``registry=``), so only the what-if itself is
simulated. Each replicate's model state at the start of the year a what-if
changes is kept in the server's memory (``keep_states``: the baseline's at
2026, the default first year of change, and each what-if's at its own), so a
what-if goes on from its baseline's state instead of simulating the years
before its change again (:mod:`qdsim.simulation.snapshots`; identical results).

The server prepares the first screen as it starts (:func:`warm`): the
baseline at the app's default settings is computed, or read from the
registry, and its states kept, before a planner asks for it.

A run the app starts goes on in a background thread of the server
(:func:`start`), recorded in the registry as running from its first moment:
a planner who reloads the page mid-run finds it again (the page's URL names
it) and it finishes; a run that fails or whose server stops is marked so
(``failed``, with the reason; :meth:`qdsim.registry.store.RunStore.reap` marks
a run whose process ended as interrupted).

On a busy server the CPU goes to the runs planners wait for: a run shows no
partial results while other runs are under way (each is a summary of its own,
and a redraw of its page), a computed run is shown at once and its files are
written once no run is on the workers (at most WRITE_WAIT_S later; a page
finds it in memory meanwhile), and a run whose page is closed lets those
of planners still waiting go first (:func:`qdsim.simulation.runner.watched_by`).
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from qdsim import api
from qdsim.app.scenario_builder import DEFAULT_REPLICATES, DEFAULT_SCALE, MAX_REPLICATES, MAX_SCALE
from qdsim.foundation.format import short
from qdsim.registry.store import RunStore, default_home, stamp_manifest
from qdsim.results.provenance import RunIdentity, planned_run_id
from qdsim.scenario import shipped
from qdsim.simulation import snapshots
from qdsim.simulation.runner import Progress, pool_busy, watched_by

#: above this much work ((replicates + assumption draws) × scale) a run uses several processes
PARALLEL_ABOVE = 0.05
#: assumption draws one app run may ask for (a file asking for more is run with this many)
MAX_ASSUMPTION_DRAWS = 32
#: which assumptions a what-if's answer rests on (qdsim.attribution) needs more draws: with 32 no parameter's share clears
#: what chance gives the largest of the ~100 varied; 256 named the top assumptions of halved funds and doubled showrooms.
#: Asked for on the results (:func:`for_attribution`), at a small scale and few replicates to keep it near a minute
ATTRIBUTION_DRAWS = 256
ATTRIBUTION_SCALE = 0.003
ATTRIBUTION_REPLICATES = 4
#: seconds between two partial results of a run: each is a summary of the replicates done (0.1–0.3 s of the server's CPU, taken from
#: the workers), and the first comes at once. None while other runs are under way (:func:`run_yaml`, :func:`alone`)
PARTIAL_EVERY = 1.0
#: at most this many seconds a finished run's files wait for the workers to be free of other runs before they are written
WRITE_WAIT_S = 60.0
#: seconds a run may go without a page waiting for it before other planners' runs go first (a closed tab; a reload
#: or a second click is back within it): it still finishes, and a page that comes back finds it
UNWATCHED_S = 5.0
#: finished runs kept in memory (a run at the default settings is a few MB)
KEEP = 64
#: the progress message of a run another process computes (a `qdsim run`, another server): it waits for its record
ELSEWHERE = "computed by another process"

_kept: OrderedDict[str, api.RunResult] = OrderedDict()
_lock = threading.Lock()


@lru_cache(maxsize=256)
def parsed(yaml_text: str) -> api.Scenario:
    """A scenario from YAML text the app wrote, parsed once (a page, its run and its link each ask for it)."""
    return api.loads_scenario(yaml_text, "<app>")


def bounded(scenario: api.Scenario) -> api.Scenario:
    """The scenario with at most MAX_ASSUMPTION_DRAWS assumption draws (scale and replicates are the session's)."""
    if scenario.assumption_draws <= MAX_ASSUMPTION_DRAWS:
        return scenario
    return api.Scenario.model_validate({**scenario.model_dump(), "assumption_draws": MAX_ASSUMPTION_DRAWS})


def check_bounds(scenario: api.Scenario) -> None:
    """Refuse a run beyond the work one session may ask for (every run of the app passes here): at most
    MAX_ASSUMPTION_DRAWS assumption draws, or ATTRIBUTION_DRAWS at the attribution's scale and replicates."""
    small = scenario.scale <= ATTRIBUTION_SCALE and scenario.replicates <= ATTRIBUTION_REPLICATES
    draws = ATTRIBUTION_DRAWS if small else MAX_ASSUMPTION_DRAWS
    over = [f"{name} {short(value)} is above {short(limit)}" for name, value, limit in (
        ("scale", scenario.scale, MAX_SCALE), ("replicates", scenario.replicates, MAX_REPLICATES),
        ("assumption_draws", scenario.assumption_draws, draws)) if value > limit]
    if over:
        raise ValueError(f"beyond what the app runs ({'; '.join(over)}); run it with `qdsim run`")


def with_settings(scenario: api.Scenario, *, scale: float, replicates: int, seed: int, assumption_draws: int = 0) -> api.Scenario:
    """The scenario with the app's run settings (at most MAX_ASSUMPTION_DRAWS assumption draws: the switch for
    intervals that include the assumptions)."""
    return bounded(api.Scenario.model_validate({**scenario.model_dump(), "scale": scale, "replicates": replicates, "seed": seed,
                                                "assumption_draws": assumption_draws}))


def for_attribution(yaml_text: str) -> str:
    """The run that says which assumptions the answer of ``yaml_text`` rests on: the same scenario (and seed) with
    ATTRIBUTION_DRAWS assumption draws at ATTRIBUTION_SCALE and ATTRIBUTION_REPLICATES replicates."""
    scenario = parsed(yaml_text)
    return scenario.with_settings(scale=ATTRIBUTION_SCALE, replicates=ATTRIBUTION_REPLICATES, assumption_draws=ATTRIBUTION_DRAWS).to_yaml()


def kept(yaml_text: str) -> api.RunResult | None:
    """The finished run of ``yaml_text`` if this process holds it."""
    with _lock:
        if yaml_text in _kept:
            _kept.move_to_end(yaml_text)
            return _kept[yaml_text]
    return None


def _keep(yaml_text: str, result: api.RunResult) -> api.RunResult:
    with _lock:
        _kept[yaml_text] = result
        while len(_kept) > KEEP:
            _kept.popitem(last=False)
    return result


_reaped: set[str] = set()


def registry() -> RunStore | None:
    """The run registry, or None when it cannot be opened (the app then runs without it).

    The first time a server opens a registry, runs left 'running' by a process
    that has ended (a server stopped mid-run) are marked interrupted
    (:meth:`~qdsim.registry.store.RunStore.reap`).
    """
    try:
        store = RunStore.default()
        if str(store.path) not in _reaped:
            _reaped.add(str(store.path))
            store.reap()
        return store
    except (sqlite3.Error, OSError):
        return None


def run_yaml(yaml_text: str, *, progress: Progress | None = None,
             partial: Callable[[api.RunResult], None] | None = None,
             computed: Callable[[api.RunResult], None] | None = None) -> api.RunResult:
    """The run of the scenario serialised in ``yaml_text``: kept, served from the registry, or computed.

    Args:
        progress: called with (done, total, message) as simulations finish.
        partial: called with the run of the first replicates while the rest
            still run (:func:`qdsim.api.run`).
        computed: called with the result as soon as it is computed and kept in
            memory, before its files are written and recorded (so that a page shows it at once).
    """
    hit = kept(yaml_text)
    if hit is not None:
        return hit
    scenario = parsed(yaml_text)
    check_bounds(scenario)
    store = registry()
    run_id = planned_run_id(scenario)
    rec = store.servable(run_id) if store is not None else None
    if rec is not None:
        return _keep(yaml_text, api.RunResult.read(rec["out_dir"]))
    lock = None
    if store is not None:  # another process (a `qdsim run`, another server) computing the same run: wait for it, compute it once
        try:
            lock, rec = store.join(run_id, say=lambda _: progress(0, 0, ELSEWHERE) if progress is not None else None)
        except OSError:  # no lock (an unwritable registry folder): compute it here
            lock, rec = None, None
        if rec is not None:
            return _keep(yaml_text, api.RunResult.read(rec["out_dir"]))
    try:
        workers = 1 if (scenario.replicates + scenario.assumption_draws) * scenario.scale <= PARALLEL_ABOVE else None
        if pool_busy():  # other planners' runs are on the workers: their summaries would take the CPU from them
            partial = None
        result = api.run(scenario, workers=workers, registry=store, progress=progress, partial=partial, keep_states=True,
                         partial_every=PARTIAL_EVERY, partial_wanted=alone)
        if store is not None:
            stamp_manifest(result)
        _keep(yaml_text, result)
        if computed is not None:
            computed(result)
        if store is not None:
            _saving.add(result.run_id)
            try:
                if computed is not None:  # shown already: its files wait while other planners' runs need the CPU
                    idle(WRITE_WAIT_S)
                store.record_done(result, result.write(default_home() / "app" / result.run_id))
            except (sqlite3.Error, OSError):
                pass  # an unwritable registry never fails the run: it is only not kept for next time
            finally:
                _saving.discard(result.run_id)
    finally:
        if lock is not None:
            lock.release()
    return _keep(yaml_text, result)


_saving: set[str] = set()


def saving(run_id: str) -> bool:
    """Whether the run is computed (and shown) and its files are being written or wait to be (:data:`WRITE_WAIT_S`)."""
    return run_id in _saving


def idle(at_most: float) -> None:
    """Wait until no run is on the shared workers, or ``at_most`` seconds."""
    deadline = time.monotonic() + at_most
    while pool_busy() and time.monotonic() < deadline:
        time.sleep(0.25)


def planned_id(yaml_text: str) -> str:
    """The run ID the scenario serialised in ``yaml_text`` gets (the registry's key)."""
    return planned_run_id(parsed(yaml_text))


def yaml_of(run_id: str) -> str | None:
    """The scenario of a finished run in the registry (or kept in memory, its files not yet written), as YAML; None if neither holds it."""
    with _lock:
        for text, result in reversed(_kept.items()):
            if result.run_id == run_id:
                return text
    store = registry()
    rec = store.servable(run_id) if store is not None else None
    if rec is None:
        return None
    try:
        return (Path(rec["out_dir"]) / "scenario.yaml").read_text(encoding="utf-8")
    except OSError:
        return None


@dataclass
class Job:
    """A run going on in the background: its progress, its latest partial result, then its result or error."""

    yaml_text: str
    done: int = 0
    total: int = 0
    message: str = ""  # the runner's last progress message (it says the run's place in the queue while it waits)
    partial: api.RunResult | None = None
    result: api.RunResult | None = None
    error: BaseException | None = None
    ready: threading.Event = field(default_factory=threading.Event)  # the result (or error) is there; its files may still be written
    finished: threading.Event = field(default_factory=threading.Event)  # and written and recorded
    seen: float = field(default_factory=time.monotonic)  # when a page last waited for it (:meth:`watch`)

    def watch(self) -> None:
        """A page waits for the run now (its browser is connected)."""
        self.seen = time.monotonic()

    def watched(self) -> bool:
        """Whether a page waited for the run within UNWATCHED_S (else the workers go to other planners' runs first)."""
        return time.monotonic() - self.seen < UNWATCHED_S

    def outcome(self) -> api.RunResult:
        """The result once finished and recorded (the run's error raised again if it failed)."""
        self.finished.wait()
        return self.available()

    def available(self) -> api.RunResult:
        """The result as soon as it is computed, before it is recorded (the run's error raised again if it failed)."""
        self.ready.wait()
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result


_jobs: dict[str, Job] = {}


def alone() -> bool:
    """No other run is under way on this server (a run's partial results are made only then: :func:`run_yaml`).

    The first planner to press Run while nine others press it a second later would otherwise get a summary
    and a redraw of the page each second during the busiest seconds of the server (docs/performance.md)."""
    return under_way() <= 1


def under_way() -> int:
    """Runs this server computes now (each has a page, or had one, waiting for it)."""
    with _lock:
        return len(_jobs)


def start(yaml_text: str) -> Job:
    """The run of ``yaml_text``, started in the background unless it is kept, served or already going on."""
    with _lock:
        job = _jobs.get(yaml_text)
        if job is not None:
            return job
        job = _jobs[yaml_text] = Job(yaml_text)
    hit = kept(yaml_text)
    if hit is not None:
        job.result = hit
        job.ready.set()
        job.finished.set()
        with _lock:
            _jobs.pop(yaml_text, None)
        return job
    threading.Thread(target=_work, args=(job,), name="qdsim-app-run", daemon=True).start()
    return job


def _work(job: Job) -> None:
    def progress(done: int, total: int, msg: str) -> None:
        job.done, job.total, job.message = done, total, msg

    def partial(result: api.RunResult) -> None:
        job.partial = result

    def computed(result: api.RunResult) -> None:
        job.result = result
        job.ready.set()

    store, run_id = None, None
    try:
        scenario = parsed(job.yaml_text)
        run_id = planned_run_id(scenario)
        store = registry()
        known = store.find(run_id) if store is not None else None
        if store is not None and (known is None or known["status"] not in ("running", "done")):
            try:  # recorded as running from the start, once: a new run is claimed (two sessions at once: one record), a failed one restarted
                record = store.claim if known is None else store.start
                record(run_id, **RunIdentity.of(scenario).record())
            except (sqlite3.Error, OSError):
                store = None
        with watched_by(job.watched):  # a run whose planner left goes behind those of planners who wait
            job.result = run_yaml(job.yaml_text, progress=progress, partial=partial, computed=computed)
    except BaseException as e:  # noqa: BLE001 - handed to the page that waits for it
        job.error = e
        if store is not None and run_id is not None:
            try:
                store.fail(run_id, f"{type(e).__name__}: {e}")
            except (sqlite3.Error, OSError):
                pass
    finally:
        job.ready.set()
        job.finished.set()
        with _lock:
            _jobs.pop(job.yaml_text, None)


def first_screen_yaml() -> str:
    """The run a new session shows first: the shipped baseline at the app's default settings (``state.run_defaults``)."""
    base = api.load_scenario(shipped.baseline_file())
    return with_settings(base, scale=DEFAULT_SCALE, replicates=DEFAULT_REPLICATES, seed=base.seed).to_yaml()


def states_kept(yaml_text: str) -> bool:
    """Whether this process keeps every replicate's state of the run of ``yaml_text`` at its default year (or it has none to keep)."""
    scenario = parsed(yaml_text)
    y = snapshots.default_index(scenario)
    tasks = [t for kind, _, t in api.plan(scenario, counterfactual=False) if kind == "scenario"]
    return not y or all(snapshots.STORE.get(snapshots.key(t, y)) is not None for t in tasks)


_warm: threading.Thread | None = None


def warm(yaml_text: str | None = None) -> threading.Thread:
    """Prepare the first screen in the background, once per process: the baseline at the app's default settings
    computed (and recorded) or served from the registry, then its states kept if they are not (a run that keeps
    them and records nothing), and its replicates read back as what-ifs reuse them (:func:`qdsim.api.reuse_baseline`,
    kept in memory). ``qdsim app``'s server calls it as it starts (:mod:`qdsim.app.serve`)."""
    global _warm
    with _lock:
        if _warm is None:
            _warm = threading.Thread(target=_prepare, args=(yaml_text or first_screen_yaml(),), name="qdsim-app-warm", daemon=True)
            _warm.start()
        return _warm


def _prepare(yaml_text: str) -> None:
    try:
        start(yaml_text).outcome()
        if not states_kept(yaml_text):  # served from the registry: simulate once more for the states, nobody waits for it
            scenario = parsed(yaml_text)
            api.run(scenario, workers=None, counterfactual=False, baseline=False, keep_states=True)
        store = registry()
        if store is not None:  # every what-if reads the baseline's replicates from the registry: read them once now, not
            api.reuse_baseline(store, parsed(yaml_text))  # once by each of the first planners' runs at the same time
    except Exception as e:  # noqa: BLE001 - a page computes what it needs anyway; the log says why it could not be prepared
        logging.getLogger("qdsim.app").warning("could not prepare the first screen: %s: %s", type(e).__name__, e)
