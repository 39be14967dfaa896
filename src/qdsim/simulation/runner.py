"""Run simulations — one scenario on one replicate's seed each — on one or more processes.

Replicate ``r`` of a run always uses the ``r``-th child of the run's
``SeedSequence``; a scenario, its counterfactual and its baseline use the
same child (common random numbers) in three separate tasks, so that they can
be spread across workers, and results do not depend on how many workers ran
them or in which order they finished.

They also start from the same synthetic population (the same parameters,
seed, replicate and scale), built once for the tasks that run one after the
other in a process (:func:`each_result`); a parallel run hands a worker the
tasks of one replicate together when there are replicates enough to keep
every worker busy, so that the counterfactual and the baseline start from
the scenario's population instead of building it again.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
import os
import queue
import re
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import numpy as np

from qdsim.foundation.catalogue import ParameterSet, load_catalogue, parameters_for
from qdsim.model.model import DingxiModel
from qdsim.model.population import Population, build_population
from qdsim.model.streams import replicate_seeds, spawn_streams
from qdsim.results.derive import derive
from qdsim.scenario.schema import Scenario
from qdsim.simulation import pool, snapshots

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class SimulationTask:
    """One simulation: ``scenario`` with ``params`` on the ``replicate``-th seed child of ``seed``."""

    scenario: Scenario
    params: dict[str, float]
    region: str
    seed: int
    replicate: int
    n_replicates: int
    scale: float
    #: year indices at whose start the task's model state is kept for runs that share its inputs up to
    #: there (:mod:`qdsim.simulation.snapshots`); never part of what the task computes
    keep_at: tuple[int, ...] = ()

    @property
    def population_key(self) -> tuple:
        """What the task's synthetic population depends on: tasks with the same key start from the same one."""
        return (self.region, self.seed, self.replicate, self.scale, tuple(sorted(self.params.items())))


def simulate(scenario: Scenario, params: ParameterSet, seq: np.random.SeedSequence, scale: float,
             population: Population | None = None, *, start: bytes | None = None,
             keep: tuple[Collection[int], Callable[[int, bytes], None]] | None = None) -> np.ndarray:
    """One replicate of one scenario: the metrics array (metric, year, county+all).

    ``population``: the replicate's population when already built (see :class:`DingxiModel`).
    ``start``: a state kept at the start of a year by a run with the same inputs up to there
    (:mod:`qdsim.simulation.snapshots`): the simulation goes on from it with ``scenario``'s inputs, giving
    the same array as from the first month. ``keep``: (year indices, callback) — the callback gets
    (year index, state) at the start of each of those years.
    """
    keep_freed_memory()
    with collector_paused():
        if start is not None:
            model = snapshots.resume(start, scenario)
        else:
            model = DingxiModel(scenario=scenario, params=params, seed_sequence=seq, scale=scale, population=population)
        if start is None and keep is None:
            book = model.run()
        else:
            years, kept = keep if keep is not None else ((), None)
            end = 12 * model.n_years
            while model.steps < end:  # DingxiModel.run, from where the state stands
                if kept is not None and model.steps % 12 == 0 and model.steps // 12 in years:
                    kept(model.steps // 12, snapshots.capture(model))
                model.step()
            book = model.book
    model.funds.check_conservation()
    return derive(book.array(), model.n_counties)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while inside, back on after if it was on.

    A simulation keeps thousands of Mesa agents alive and allocates few objects that are not freed at
    once, yet the collector would go through all the agents again and again (5–7% of a what-if's
    replicate at 2% of households, most of it while a kept state is unpickled). What a simulation leaves
    in cycles is collected after it. Memory management only: results do not change.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


#: glibc's mallopt parameters
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


@functools.cache
def keep_freed_memory() -> bool:
    """Let the C allocator reuse the memory a simulation frees instead of returning it to the system.

    A month allocates and frees arrays of 1–30 MB over the workers; by default glibc maps each afresh
    and returns it when freed, so every month faults its pages in again (at full scale ~70,000 page
    faults, ~0.3 s of a 4 s simulation). Fixing the mmap threshold at 32 MiB (its maximum: larger
    arrays are still mapped) and trimming the heap only above 1 GiB keeps them; the peak memory is
    the same. Allocation only: results do not change. True if applied (glibc on Linux), else False.
    """
    if not sys.platform.startswith("linux"):
        return False
    mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
    if mallopt is None:
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, 32 * 2**20)) and bool(mallopt(_M_TRIM_THRESHOLD, 2**30))


#: a kept state a task resumes from: (year index, state)
Start = tuple[int, bytes]
#: states a task left: (snapshots.key, state)
Kept = list[tuple[str, bytes]]


def run_task(task: SimulationTask, population: Population | None = None, start: Start | None = None) -> np.ndarray:
    """The metrics array of one simulation (``population``: the replicate's, when already built;
    ``start``: a kept state to go on from, see :func:`simulate`)."""
    return run_task_keeping(task, population, start)[0]


def run_task_keeping(task: SimulationTask, population: Population | None = None, start: Start | None = None) -> tuple[np.ndarray, Kept]:
    """:func:`run_task`, and the states the task keeps (at its ``keep_at`` years after ``start``)."""
    params, seq = _inputs(task)
    kept: Kept = []
    years = [y for y in task.keep_at if y > (start[0] if start else 0)]
    keep = (years, lambda y, state: kept.append((snapshots.key(task, y), state))) if years else None
    values = simulate(task.scenario, params, seq, task.scale, population, start=start[1] if start else None, keep=keep)
    return values, kept


def run_tasks(tasks: list[SimulationTask], starts: dict[int, Start] | None = None) -> tuple[list[np.ndarray], Kept]:
    """Several tasks one after the other in this process (see :func:`each_result`): their arrays and the states they kept."""
    kept: Kept = []
    return list(each_result(tasks, starts, kept)), kept


def each_result(tasks: list[SimulationTask], starts: dict[int, Start] | None = None, kept: Kept | None = None) -> Iterator[np.ndarray]:
    """The tasks' arrays in order; tasks that start from the same population (a replicate's
    scenario, counterfactual and baseline) build it once, and it is dropped after the last of them.

    ``starts``: kept states that tasks (by index) go on from (:mod:`qdsim.simulation.snapshots`); a task also
    goes on from a state an earlier task here kept. ``kept``: gets the states the tasks keep.
    """
    starts = dict(starts or {})
    here: dict[str, bytes] = {}
    left = Counter(t.population_key for i, t in enumerate(tasks) if i not in starts)
    shared: dict[tuple, Population] = {}
    for i, task in enumerate(tasks):
        if i not in starts and here:
            n = len(task.scenario.period.years)
            found = next(((y, here[k]) for y in range(n - 1, 0, -1) if (k := snapshots.key(task, y)) in here), None)
            if found is not None:
                starts[i] = found
                left[task.population_key] -= 1
                if not left[task.population_key]:
                    shared.pop(task.population_key, None)
        if i in starts:
            values, got = run_task_keeping(task, None, starts[i])
        else:
            key = task.population_key
            if left[key] > 1 and key not in shared:
                params, seq = _inputs(task)
                shared[key] = build_population(load_catalogue(task.region).counties, params, task.scale, spawn_streams(seq)["population"])
            values, got = run_task_keeping(task, shared.get(key))  # the model copies it
            left[key] -= 1
            if not left[key]:
                shared.pop(key, None)
        here.update(got)
        if kept is not None:
            kept.extend(got)
        yield values


def _inputs(task: SimulationTask) -> tuple[ParameterSet, np.random.SeedSequence]:
    return ParameterSet(task.params, load_catalogue(task.region)), replicate_seeds(task.seed, task.n_replicates)[task.replicate]


def warm_up() -> None:
    """Load what every simulation needs once: the modules, the catalogue, the compiled kernels
    (by running the shipped baseline on a few hundred households)."""
    from qdsim.scenario import load_scenario, shipped

    scenario = load_scenario(shipped.baseline_file())
    simulate(scenario, parameters_for(scenario), np.random.SeedSequence(0), 0.0005)


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


#: seconds a run waits while no simulation finishes anywhere in the pool before it gives up (QDSIM_STALL_SECONDS)
STALL_SECONDS = 900.0
#: seconds between a waiting run's progress calls when nothing finished (they let a caller notice it should stop)
HEARTBEAT = 1.0
#: seconds a stopped run's place in line is kept for a run that asks for the same work (a second click, a reload)
REMEMBER_STOPPED = 120.0


#: the progress message of a run waiting for a worker (:func:`queued_place` reads it back)
QUEUED = "queued: place {place} for a worker"


def queued_place(message: str) -> int | None:
    """The place in line a progress message gives (1: next), or None when the run is not waiting."""
    m = re.fullmatch(r"queued: place (\d+) for a worker", message or "")
    return int(m.group(1)) if m else None


class StalledError(RuntimeError):
    """No simulation finished in the pool for :data:`STALL_SECONDS`: the workers are stuck or starved."""


def stall_seconds() -> float:
    try:
        return float(os.environ.get("QDSIM_STALL_SECONDS", STALL_SECONDS))
    except ValueError:
        return STALL_SECONDS


class _Job:
    """Tasks a worker runs together, with the runs waiting for them (several when identical work was joined)."""

    def __init__(self, key: tuple, tasks: list[SimulationTask]):
        self.key, self.tasks = key, tasks
        self.waiters: list[tuple[_Run, list[int]]] = []
        self.future: Future | None = None


class _Run:
    """One caller's run: its jobs not yet handed to a worker (in order), and its finished ones."""

    def __init__(self, watched: Callable[[], bool] | None = None) -> None:
        self.pending: deque[_Job] = deque()
        self.order = 0
        self.finished: queue.Queue[tuple[list[int], Future]] = queue.Queue()
        self.watched = watched  # False while nobody waits for the run (see :func:`watched_by`); None: always waited for

    def unwatched(self) -> bool:
        return self.watched is not None and not self.watched()


_watch = threading.local()


@contextlib.contextmanager
def watched_by(test: Callable[[], bool]) -> Iterator[None]:
    """Runs started on the shared pool in this thread while inside go behind the other runs whenever ``test()`` is False.

    For a server whose runs outlive the pages that asked for them (the app): a run
    whose planner closed the tab still finishes (a reload finds it), but it does not
    hold up the planners who wait. ``test`` is called under the pool's lock: it must be quick.
    """
    before = getattr(_watch, "test", None)
    _watch.test = test
    try:
        yield
    finally:
        _watch.test = before


class Scheduler:
    """A pool of worker processes shared by the runs of this process, replicate job by replicate job.

    Every run owns its jobs: cancelling a run (its caller's error, a
    Streamlit rerun, a closed tab) drops only the jobs no other run waits
    for; the pool is never shut down under another run.

    Runs share the workers job by job (a replicate's tasks), not run by run:
    at most one job per worker is handed to the pool at a time, each to the
    run with the fewest jobs left (queued or running; then the one started
    first), runs that nobody waits for last (:func:`watched_by`). A run started while a long one runs therefore does not wait for
    the long one to finish, and runs started together finish one after the
    other at the speed of all workers rather than all at the end (ten
    planners' what-ifs: the first in a tenth of the time, the median in
    half, none later than under equal shares). A job identical to one
    queued or running for another run (the same tasks: a second click,
    another planner's same what-if, the baseline every what-if needs) is
    joined, not computed twice.
    """

    def __init__(self, size: int, executor: Executor | None = None):
        self.size = size
        self.owner = os.getpid()
        self.executor = executor or pool.executor(size)
        self.lock = threading.RLock()
        self.runs: list[_Run] = []  # active runs
        self.started = 0  # counts runs started (a run's ``order``)
        self.stopped: dict[tuple, tuple[int, float]] = {}  # job key -> (order, when) of runs stopped lately
        self.jobs: dict[tuple, _Job] = {}  # queued or running, by key
        self.running = 0
        self.last_finished = time.monotonic()
        self.broken: BaseException | None = None
        # futures' callbacks only queue the event (the pool may call them holding its own lock, which
        # submitting takes): this thread hands the results out and the workers their next jobs
        self.events: queue.SimpleQueue[tuple[_Job, Future] | None] = queue.SimpleQueue()
        threading.Thread(target=self._dispatch, daemon=True, name="qdsim-scheduler").start()

    # -- a run's side
    def start(self, groups: list[tuple[list[int], list[SimulationTask]]]) -> _Run:
        """Queue a run's jobs (task indices and tasks); jobs identical to queued or running ones are joined."""
        run = _Run(getattr(_watch, "test", None))
        with self.lock:
            if self.broken is not None:
                raise self.broken
            keys = []
            for indices, tasks in groups:
                key = tuple(task_key(t) for t in tasks)
                keys.append(key)
                job = self.jobs.get(key)
                if job is None:
                    job = self.jobs[key] = _Job(key, tasks)
                    run.pending.append(job)
                job.waiters.append((run, indices))
            self.started += 1
            now = time.monotonic()
            self.stopped = {k: v for k, v in self.stopped.items() if now - v[1] < REMEMBER_STOPPED}
            # a run asking again for work a stopped run had (a second click, a reload) keeps that run's place
            run.order = min([self.started, *(self.stopped[k][0] for k in keys if k in self.stopped)])
            self.runs.append(run)
            self._fill()
        return run

    def cancel(self, run: _Run) -> None:
        """Stop waiting for ``run``'s jobs: drop those no other run waits for (a running one finishes unused)."""
        with self.lock:
            if run in self.runs:
                self.runs.remove(run)
            now = time.monotonic()
            for job in list(self.jobs.values()):
                if any(r is run for r, _ in job.waiters):  # stopped before it finished
                    self.stopped[job.key] = (min(run.order, self.stopped.get(job.key, (run.order, now))[0]), now)
                job.waiters = [(r, ix) for r, ix in job.waiters if r is not run]
                if job.waiters:
                    if job in run.pending:  # another run joined it: it queues with that run now
                        job.waiters[0][0].pending.append(job)
                    continue
                if job.future is None:
                    del self.jobs[job.key]
                else:
                    job.future.cancel()  # only if still in the pool's queue; its callback tidies up
            run.pending.clear()
            self._fill()

    def position(self, run: _Run) -> int:
        """0 when a job of ``run`` is running (or none is left to run); else its place in line for a worker (1: next)."""
        with self.lock:
            if self._busy(run) or not run.pending:
                return 0
            return self._turns().index(run) + 1

    def stalled(self) -> bool:
        with self.lock:
            return self.running > 0 and time.monotonic() - self.last_finished > stall_seconds()

    # -- the pool's side
    def _fill(self) -> None:
        while self.running < self.size and self.broken is None:
            waiting = self._turns()
            if not waiting:
                return
            run = waiting[0]
            job = run.pending.popleft()
            try:
                job.future = self.executor.submit(run_tasks, job.tasks, starts_for(job.tasks))
            except BaseException as e:  # a broken pool (a worker died): every run waiting on it fails
                self._break(e)
                return
            self.running += 1
            job.future.add_done_callback(functools.partial(lambda j, f: self.events.put((j, f)), job))

    def _busy(self, run: _Run) -> int:
        return sum(1 for j in self.jobs.values() if j.future is not None and any(r is run for r, _ in j.waiters))

    def _turns(self) -> list[_Run]:
        """The runs with jobs to hand out, next first: those waited for, then the fewest jobs left (queued and running), then the first started."""
        return sorted((r for r in self.runs if r.pending), key=lambda r: (self._behind(r), len(r.pending) + self._busy(r), r.order))

    def _behind(self, run: _Run) -> bool:
        """Nobody waits for ``run``, nor for any of its queued jobs through another run (that one would wait behind it)."""
        return run.unwatched() and all(len(j.waiters) == 1 for j in run.pending)

    def _dispatch(self) -> None:
        while (event := self.events.get()) is not None:
            self._finished(*event)

    def _finished(self, job: _Job, fut: Future) -> None:
        with self.lock:
            self.running -= 1
            self.last_finished = time.monotonic()
            if self.jobs.get(job.key) is job:
                del self.jobs[job.key]
            if not fut.cancelled():
                if fut.exception() is None:
                    snapshots.keep_all(fut.result()[1])
                for run, indices in job.waiters:
                    run.finished.put((indices, fut))
                if isinstance(fut.exception(), BrokenProcessPool):
                    self._break(fut.exception())
            self._fill()

    def _break(self, e: BaseException) -> None:
        self.broken = e
        failed: Future = Future()
        failed.set_exception(e)
        for job in list(self.jobs.values()):
            if job.future is None:
                for run, indices in job.waiters:
                    run.finished.put((indices, failed))
                del self.jobs[job.key]

    def close(self, terminate: bool = False) -> None:
        """Shut the pool down (``terminate``: kill the workers now instead of letting running jobs finish)."""
        procs = list((getattr(self.executor, "_processes", None) or {}).values()) if terminate else []
        self.events.put(None)
        self.executor.shutdown(wait=False, cancel_futures=True)
        for p in procs:
            with contextlib.suppress(Exception):
                p.terminate()


def starts_for(tasks: list[SimulationTask]) -> dict[int, Start]:
    """The latest state this process keeps that each task can go on from (by task index)."""
    out = {}
    for i, t in enumerate(tasks):
        found = snapshots.STORE.latest(t)
        if found is not None:
            out[i] = found
    return out


def task_key(task: SimulationTask) -> tuple:
    """What a task's result depends on: tasks with equal keys give identical arrays."""
    return (task.scenario.simulation_sha(), task.region, task.seed, task.replicate, task.n_replicates, task.scale,
            tuple(sorted(task.params.items())))


_scheduler: Scheduler | None = None
_scheduler_lock = threading.Lock()


def scheduler(size: int) -> Scheduler:
    """The shared pool of this process, kept between runs.

    Starting a worker costs seconds (importing Mesa, SciPy and pandas, reading
    the region's catalogue, loading the compiled kernels) — as long as a small
    run itself. So the pool stays up between runs of this process (the app
    runs many), and its processes fork from a server that did all that once
    (:mod:`qdsim.simulation.pool`). A run asking for another size gets a new pool when no
    run is using the current one; otherwise it shares the current one (the
    results do not depend on the number of workers). A broken pool (a worker
    died) is replaced for the next run.
    """
    global _scheduler
    with _scheduler_lock:
        s = _scheduler
        if s is not None and s.owner == os.getpid() and s.broken is None and (s.size == size or s.runs or s.jobs):
            return s
        if s is not None and s.owner == os.getpid():
            s.close()
        _scheduler = Scheduler(size)
        return _scheduler


def pool_busy() -> bool:
    """Whether runs of this process are on the shared pool now (queued or running)."""
    s = _scheduler
    return s is not None and s.owner == os.getpid() and bool(s.runs)


def worker_pool(size: int) -> ProcessPoolExecutor:
    """The shared pool's executor (see :func:`scheduler`)."""
    return scheduler(size).executor


def shutdown_pool(terminate: bool = False) -> None:
    """Stop the kept worker processes (if any; ``terminate``: at once, running simulations lost).

    For the owner of the whole process (the CLI on exit or Ctrl-C, tests): a
    run that fails cancels only its own work (:meth:`Scheduler.cancel`).
    """
    global _scheduler
    with _scheduler_lock:
        s, _scheduler = _scheduler, None
    if s is not None and s.owner == os.getpid():
        s.close(terminate=terminate)


def run_simulations(tasks: list[SimulationTask], workers: int, progress: Progress | None = None,
                    finished: Callable[[int, np.ndarray], None] | None = None) -> np.ndarray:
    """Run the tasks; return their arrays stacked in task order: (task, metric, year, county+1).

    ``finished`` is called with (task index, array) as each task finishes, in the
    order they finish (for showing results while the rest still run).
    ``progress`` is called with (done, total, message) as tasks finish, and
    every :data:`HEARTBEAT` seconds while the run waits (the message then says
    where it is in the queue), so that a caller can stop it by raising there.

    On several workers the run shares this process's pool (:class:`Scheduler`).
    Any exception while it waits (a failed task, the caller's own from a
    callback) cancels only this run's work; Ctrl-C also stops the workers at
    once. If no simulation finishes anywhere in the pool for
    :data:`STALL_SECONDS`, :class:`StalledError`.
    """
    results: dict[int, np.ndarray] = {}
    total = len(tasks)

    def done(i: int, values: np.ndarray) -> None:
        results[i] = values
        if finished:
            finished(i, values)
        if progress:
            progress(len(results), total, f"{len(results)}/{total}")

    if workers <= 1 or total == 1:
        kept: Kept = []
        for i, values in enumerate(each_result(tasks, starts_for(tasks), kept)):
            snapshots.keep_all(kept)
            kept.clear()
            done(i, values)
        return np.stack([results[i] for i in range(total)])
    pool_ = scheduler(workers)
    run = pool_.start([(job, [tasks[i] for i in job]) for job in jobs(tasks, pool_.size)])
    try:
        while len(results) < total:
            try:
                indices, fut = run.finished.get(timeout=HEARTBEAT)
            except queue.Empty:
                if pool_.stalled():
                    raise StalledError(f"no simulation finished in {stall_seconds():g} s: the worker processes are stuck "
                                       "or out of memory; nothing was written") from None
                if progress:
                    place = pool_.position(run)
                    progress(len(results), total, QUEUED.format(place=place) if place else f"{len(results)}/{total}")
                continue
            for i, values in zip(indices, fut.result()[0], strict=True):
                done(i, values)
    except KeyboardInterrupt:  # the whole process is stopping: do not wait for running simulations
        pool_.cancel(run)
        shutdown_pool(terminate=True)
        raise
    except BaseException:  # this run's failure, or its caller's: the other runs go on
        pool_.cancel(run)
        raise
    finally:
        pool_.cancel(run)  # no-op when all done; drops it from the turn order
    return np.stack([results[i] for i in range(total)])


def jobs(tasks: list[SimulationTask], workers: int) -> list[list[int]]:
    """Task indices in the groups a worker runs together.

    The tasks that share a population (a replicate's scenario, counterfactual
    and baseline) go together when there are at least as many such groups as
    workers; otherwise every task alone, so that no worker idles (each
    process then builds the population it needs, at the same time as the others).
    """
    groups: dict[tuple, list[int]] = {}
    for i, t in enumerate(tasks):
        groups.setdefault(t.population_key, []).append(i)
    if len(groups) >= workers:
        return list(groups.values())
    return [[i] for i in range(len(tasks))]
