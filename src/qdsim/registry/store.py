"""The run registry (运行登记册): every run, its inputs, status and where its outputs are.

An embedded SQLite database (``$QDSIM_HOME/registry.db``, default
``./runs/registry.db``) in WAL mode with a busy timeout, so that several
processes — two app sessions and a command-line batch — can share it without
blocking or corrupting each other. Results themselves stay in each run's
output directory (``summary.csv``, ``manifest.json``, ``replicates.parquet``);
the registry only records them.

A run is identified by its deterministic run ID (:func:`qdsim.results.provenance.run_id`:
scenario, parameters, seed, replicates, scale and qdsim version). A finished
run is *served* — its outputs reused instead of recomputed — only when the
code that computes results is unchanged (:func:`code_sha`) and its output
directory still holds that run's files.

Writes are single short transactions (``BEGIN IMMEDIATE``). A run is marked
done only after its files are in place, so a crash at any point leaves either
a finished run with its files, or a run that is not done and will be
computed again; never a done run without files.

>>> store = RunStore.default()  # doctest: +SKIP
>>> store.list_runs(limit=5, status="done")  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import shutil
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX (Windows): no locks between processes
    fcntl = None

import qdsim
from qdsim.foundation.format import short
from qdsim.results.outputs import NotReplaceable, copy_outputs, outputs_ok, why_not_replaceable
from qdsim.results.provenance import RunIdentity, code_sha, planned_run_id
from qdsim.results.result import RunResult

STATUSES = ("running", "done", "failed")
BUSY_TIMEOUT_MS = 30_000
#: seconds a run waits for another process computing the same run before computing it itself (QDSIM_JOIN_TIMEOUT_S)
JOIN_TIMEOUT_S = 3600.0
#: seconds between a waiting process's tries of the lock
JOIN_POLL_S = 0.2
SCHEMA_VERSION = 1

#: the columns of a run as ``list_runs`` and ``find`` return them
RUN_KEYS = (
    "run_id", "scenario_id", "status", "created", "seconds", "out_dir", "error", "version",
    "scenario_sha", "params_sha", "seed", "replicates", "scale",
    "finished", "code_sha", "git_commit", "stop_reason", "attempts", "host", "pid",
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id        TEXT PRIMARY KEY,
    scenario_id   TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    created       TEXT NOT NULL,
    seconds       REAL,
    out_dir       TEXT,
    error         TEXT,
    version       TEXT NOT NULL,
    scenario_sha  TEXT,
    params_sha    TEXT,
    seed          INTEGER,
    replicates    INTEGER,
    scale         REAL,
    finished      TEXT,
    code_sha      TEXT,
    git_commit    TEXT,
    stop_reason   TEXT,
    attempts      INTEGER NOT NULL DEFAULT 1,
    host          TEXT,
    pid           INTEGER
);
CREATE INDEX IF NOT EXISTS runs_created ON runs (created);
CREATE INDEX IF NOT EXISTS runs_scenario ON runs (scenario_id);
CREATE INDEX IF NOT EXISTS runs_status ON runs (status);
-- adaptive runs: the request (scenario, seed, scale, stopping rule) -> the run it produced
CREATE TABLE IF NOT EXISTS requests (
    request   TEXT PRIMARY KEY,
    run_id    TEXT NOT NULL,
    code_sha  TEXT NOT NULL,
    created   TEXT NOT NULL
);
"""

def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def default_home() -> Path:
    """``$QDSIM_HOME`` or ``./runs``."""
    env = os.environ.get("QDSIM_HOME")
    return Path(env) if env else Path("runs")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def join_timeout() -> float:
    """:data:`JOIN_TIMEOUT_S`, or ``$QDSIM_JOIN_TIMEOUT_S`` when it is a number of seconds ≥ 0."""
    try:
        value = float(os.environ.get("QDSIM_JOIN_TIMEOUT_S", JOIN_TIMEOUT_S))
    except ValueError:
        return JOIN_TIMEOUT_S
    return value if math.isfinite(value) and value >= 0 else JOIN_TIMEOUT_S


class RunLock:
    """The right to compute one run, held by one process at a time: an exclusive ``flock`` on
    ``<registry folder>/locks/<run ID>.lock``, which holds its holder's PID.

    The system drops the lock when its holder's process ends, however it ends (``kill -9``
    included), so a crashed holder leaves no stale lock: the next process takes it at once. The
    holder removes the file on :meth:`release` (a process waiting on the removed file notices and
    locks the new one). Where the system has no ``fcntl`` (Windows) every lock is granted at once:
    identical runs are then computed once per process, as without a lock.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def try_acquire(self) -> bool:
        """Take the lock if no other process (or other RunLock) holds it; True if this one holds it now."""
        if self._fd is not None:
            return True
        if fcntl is None:  # pragma: no cover - not POSIX
            self._fd = -1
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                return False
            try:
                same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if not same:  # its last holder removed this file while we waited for it: lock the file there now
                os.close(fd)
                continue
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
            self._fd = fd
            return True

    def holder(self) -> int | None:
        """The PID of the process holding the lock, as its file says (None if it says nothing)."""
        try:
            return int(self.path.read_text().strip() or "x")
        except (OSError, ValueError):
            return None

    def release(self) -> None:
        """Give the lock up (and remove its file); nothing if not held."""
        fd, self._fd = self._fd, None
        if fd is None or fd < 0:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()
        os.close(fd)

    def __del__(self) -> None:  # a lock never outlives its owner object
        with contextlib.suppress(Exception):
            self.release()


class RunStore:
    """The registry of runs in one SQLite file.

    Each thread (and each process after a fork) gets its own connection, so a
    store may be used from anywhere; every write is one short transaction, and
    concurrent writers wait for each other (``busy_timeout``) instead of failing.

    The interface others rely on: :meth:`default`, :meth:`list_runs` and
    :meth:`find` (dicts with the keys of :data:`RUN_KEYS`); the batch runner and
    ``qdsim run`` also use :meth:`start`, :meth:`finish`, :meth:`fail`,
    :meth:`servable` and :meth:`reap`.
    """

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._connect() as con:
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(_SCHEMA)
            con.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    @classmethod
    def default(cls) -> RunStore:
        """The registry at ``$QDSIM_HOME/registry.db`` (default ``./runs/registry.db``)."""
        return cls(default_home() / "registry.db")

    def __repr__(self) -> str:
        return f"RunStore({str(self.path)!r})"

    # -- connections ---------------------------------------------------
    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        """This thread's connection (one per thread and process; closing one costs a WAL checkpoint)."""
        con = getattr(self._local, "con", None)
        if con is None or self._local.pid != os.getpid():
            con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            con.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            # WAL + NORMAL: a commit survives the process being killed (SIGKILL) and never corrupts the
            # database; only a power cut may lose the last commits, and then the runs are computed again
            con.execute("PRAGMA synchronous=NORMAL")
            con.row_factory = sqlite3.Row
            self._local.con, self._local.pid = con, os.getpid()
        yield con

    def close(self) -> None:
        con = getattr(self._local, "con", None)
        if con is not None:
            con.close()
            self._local.con = None

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it or none of it."""
        with self._connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")

    # -- reading -------------------------------------------------------
    def find(self, run_id: str) -> dict | None:
        """The registry's record of one run, or None."""
        with self._connect() as con:
            row = con.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        return _as_dict(row) if row else None

    def list_runs(self, limit: int = 50, status: str | None = None, scenario: str | None = None) -> list[dict]:
        """Runs, newest first. ``scenario`` is an exact id or a glob (``baseline*``)."""
        if status is not None and status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
        where, args = [], []
        if status is not None:
            where.append("status = ?")
            args.append(status)
        if scenario:
            where.append("scenario_id GLOB ?" if any(c in scenario for c in "*?[") else "scenario_id = ?")
            args.append(scenario)
        sql = "SELECT * FROM runs" + (f" WHERE {' AND '.join(where)}" if where else "")
        sql += " ORDER BY created DESC, run_id LIMIT ?"
        args.append(max(0, int(limit)))
        with self._connect() as con:
            return [_as_dict(r) for r in con.execute(sql, args).fetchall()]

    def count(self, status: str | None = None) -> int:
        with self._connect() as con:
            if status is None:
                return con.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
            return con.execute("SELECT COUNT(*) FROM runs WHERE status = ?", (status,)).fetchone()[0]

    def servable(self, run_id: str) -> dict | None:
        """The record of a finished run that may be served instead of recomputed, or None.

        Finished, computed by the same code, and its output directory still
        holds its files.
        """
        rec = self.find(run_id)
        if rec and rec["status"] == "done" and rec["code_sha"] == code_sha() and outputs_ok(rec["out_dir"], run_id, code_sha()):
            return rec
        return None

    def servable_request(self, request: str) -> dict | None:
        """The finished run an adaptive request produced (see :meth:`finish`), or None."""
        with self._connect() as con:
            row = con.execute("SELECT run_id, code_sha FROM requests WHERE request = ?", (request,)).fetchone()
        if row is None or row["code_sha"] != code_sha():
            return None
        return self.servable(row["run_id"])


    # -- one computation of a run across processes ------------------------------------
    def lock_for(self, run_id: str) -> RunLock:
        """The lock on computing ``run_id`` (see :class:`RunLock`), beside the registry."""
        return RunLock(self.path.parent / "locks" / f"{run_id}.lock")

    def join(self, run_id: str, *, timeout: float | None = None, say: Callable[[str], None] | None = None,
             stop: Callable[[], None] | None = None) -> tuple[RunLock | None, dict | None]:
        """Take the right to compute ``run_id``, waiting while another process computes it.

        Returns ``(lock, None)``: this process computes the run (``lock`` held: release it once the run
        is recorded, done or failed); ``(None, record)``: another process finished it meanwhile (its
        servable record: serve it); ``(None, None)``: waited ``timeout`` seconds (default
        :func:`join_timeout`) in vain: compute it without the lock. ``say`` gets a message when the
        wait begins and when it is given up; ``stop`` is called between tries (it may raise to stop
        waiting). A holder that crashes frees the lock at once; then this process computes the run
        unless the holder had finished it.
        """
        lock = self.lock_for(run_id)
        if lock.try_acquire():
            return self._after_lock(run_id, lock)
        limit = join_timeout() if timeout is None else timeout
        pid = lock.holder()
        who = f"process {pid}" if pid else "another process"
        if say is not None:
            say(f"run {run_id} is being computed by {who} using the same run registry ({self.path}); waiting for it "
                f"(at most {short(limit)} s, QDSIM_JOIN_TIMEOUT_S)")
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            time.sleep(JOIN_POLL_S)
            if stop is not None:
                stop()
            if lock.try_acquire():
                return self._after_lock(run_id, lock)
        if say is not None:
            say(f"gave up waiting for run {run_id} after {short(limit)} s ({who} still holds it); computing it here")
        return None, None

    def _after_lock(self, run_id: str, lock: RunLock) -> tuple[RunLock | None, dict | None]:
        rec = self.servable(run_id)  # the holder before us may have finished it
        if rec is not None:
            lock.release()
            return None, rec
        return lock, None

    # -- writing -------------------------------------------------------
    def start(self, run_id: str, *, scenario_id: str, scenario_sha: str, params_sha: str, seed: int,
              replicates: int, scale: float, out_dir: str | os.PathLike | None = None) -> None:
        """Record that a run is being computed (a new attempt if it is known and not finished).

        A finished run keeps its record and files while it is computed again
        (``--fresh``); :meth:`finish` then updates it.
        """
        rec = dict(
            run_id=run_id, scenario_id=scenario_id, status="running", created=now(), version=qdsim.__version__,
            scenario_sha=scenario_sha, params_sha=params_sha, seed=int(seed), replicates=int(replicates), scale=float(scale),
            out_dir=str(Path(out_dir).resolve()) if out_dir else None, code_sha=code_sha(),
            host=socket.gethostname(), pid=os.getpid(),
        )
        cols = ", ".join(rec)
        marks = ", ".join("?" for _ in rec)
        with self._tx() as con:
            con.execute(
                f"INSERT INTO runs ({cols}) VALUES ({marks}) ON CONFLICT (run_id) DO UPDATE SET "
                "status = 'running', created = excluded.created, error = NULL, finished = NULL, seconds = NULL, "
                "stop_reason = NULL, version = excluded.version, code_sha = excluded.code_sha, "
                "replicates = excluded.replicates, out_dir = COALESCE(excluded.out_dir, runs.out_dir), "
                "host = excluded.host, pid = excluded.pid, attempts = runs.attempts + 1 "
                "WHERE runs.status != 'done'",  # a finished run stays finished (and served) while it is recomputed
                list(rec.values()),
            )

    def claim(self, run_id: str, *, scenario_id: str, scenario_sha: str, params_sha: str, seed: int,
              replicates: int, scale: float) -> None:
        """Record a run as running if the registry does not know it yet; else leave its record as it is.

        For a caller that records a run early (the app, so that a reload sees it): when several processes
        start the same run at once, one record, one attempt.
        """
        rec = dict(
            run_id=run_id, scenario_id=scenario_id, status="running", created=now(), version=qdsim.__version__,
            scenario_sha=scenario_sha, params_sha=params_sha, seed=int(seed), replicates=int(replicates), scale=float(scale),
            out_dir=None, code_sha=code_sha(), host=socket.gethostname(), pid=os.getpid(),
        )
        with self._tx() as con:
            con.execute(f"INSERT INTO runs ({', '.join(rec)}) VALUES ({', '.join('?' for _ in rec)}) ON CONFLICT (run_id) DO NOTHING",
                        list(rec.values()))

    def finish(self, run_id: str, *, out_dir: str | os.PathLike, seconds: float | None = None,
               stop_reason: str | None = None, request: str | None = None) -> None:
        """Mark a run done, once its files are in ``out_dir`` (one transaction).

        ``request`` (adaptive runs) records which request produced this run,
        so the same request is served next time.
        """
        out = Path(out_dir).resolve()
        if not outputs_ok(out, run_id):
            raise FileNotFoundError(f"{out} does not hold the outputs of run {run_id}")
        git_commit = json.loads((out / "manifest.json").read_text(encoding="utf-8")).get("commit")
        with self._tx() as con:
            n = con.execute(
                "UPDATE runs SET status = 'done', out_dir = ?, seconds = COALESCE(?, seconds), finished = ?, "
                "error = NULL, stop_reason = ?, code_sha = ?, git_commit = ? WHERE run_id = ?",
                (str(out), seconds, now(), stop_reason, code_sha(), git_commit, run_id),
            ).rowcount
            if n == 0:
                raise KeyError(f"run {run_id} was never started in {self.path}")
            if request:
                con.execute(
                    "INSERT INTO requests (request, run_id, code_sha, created) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (request) DO UPDATE SET run_id = excluded.run_id, code_sha = excluded.code_sha, created = excluded.created",
                    (request, run_id, code_sha(), now()),
                )

    def fail(self, run_id: str, error: str, seconds: float | None = None) -> None:
        """Record that a run failed, with its error (a finished run is left as it is)."""
        with self._tx() as con:
            con.execute(
                "UPDATE runs SET status = 'failed', error = ?, seconds = ?, finished = ? WHERE run_id = ? AND status != 'done'",
                (error[:4000], seconds, now(), run_id),
            )

    def record_done(self, result, out_dir: str | os.PathLike, seconds: float | None = None, stop_reason: str | None = None,
                    request: str | None = None) -> None:
        """Start and finish in one go: for a run (a :class:`qdsim.api.RunResult`) already written to ``out_dir``.

        A run already recorded as running (claimed when it began, :meth:`claim`) is finished as it is: the same
        attempt, not a new one.
        """
        known = self.find(result.run_id)
        if known is None or known["status"] != "running":
            self.start(result.run_id, **RunIdentity.of(result.scenario).record(), out_dir=out_dir)
        self.finish(result.run_id, out_dir=out_dir, seconds=seconds if seconds is not None else result.manifest.get("seconds"),
                    stop_reason=stop_reason, request=request)

    def reap(self) -> int:
        """Mark as failed the runs left 'running' by processes on this host that no longer exist.

        Returns how many were marked. (A run killed with SIGKILL cannot say so itself.)
        """
        host = socket.gethostname()
        with self._connect() as con:
            rows = con.execute("SELECT run_id, pid FROM runs WHERE status = 'running' AND host = ?", (host,)).fetchall()
        dead = [r["run_id"] for r in rows if r["pid"] is None or not _pid_alive(int(r["pid"]))]
        if not dead:
            return 0
        with self._tx() as con:
            for rid in dead:
                con.execute(
                    "UPDATE runs SET status = 'failed', error = 'interrupted: the process running it ended', finished = ? "
                    "WHERE run_id = ? AND status = 'running'",
                    (now(), rid),
                )
        return len(dead)


def _as_dict(row: sqlite3.Row) -> dict[str, Any]:
    d = dict(row)
    return {k: d.get(k) for k in RUN_KEYS}


def stamp_manifest(result) -> None:
    """Add the code hash to a result's manifest before it is written (what :func:`outputs_ok` checks)."""
    result.manifest["code_sha256"] = code_sha()


class RunRecorder:
    """The registry's part in one ``qdsim run``: serve a finished run, or record this one.

    A registry that cannot be opened or written never fails the run itself:
    the problem is reported through ``warn`` and the run goes on unrecorded.
    """

    def __init__(self, scenario, out_dir: str | os.PathLike, *, fresh: bool = False, warn=print):
        self.scenario, self.out_dir, self.warn = scenario, Path(out_dir), warn
        self.run_id = planned_run_id(scenario)
        self.store: RunStore | None = None
        self.served_from: str | None = None
        self.lock: RunLock | None = None
        try:
            self.store = RunStore.default()
            self.store.reap()
            rec = None if fresh else self.store.servable(self.run_id)
            if rec is None and not fresh:  # another process computing the same run: wait for it, compute it once
                self.lock, rec = self.store.join(self.run_id, say=warn)
            if rec is not None:
                copy_outputs(rec["out_dir"], self.out_dir)
                self.served_from = rec["out_dir"]
        except NotReplaceable:
            self.release()
            raise  # the output folder's problem, not the registry's
        except (sqlite3.Error, OSError) as e:
            self._lost(e)

    def release(self) -> None:
        """Let another process compute this run (after it is recorded, or when this one gives up)."""
        lock, self.lock = self.lock, None
        if lock is not None:
            lock.release()

    def _lost(self, e: Exception) -> None:
        self.warn(f"run registry unavailable ({type(e).__name__}: {e}); this run is not recorded")
        self.store = None
        self.release()

    def served(self):
        """The finished run copied to ``out_dir`` (a RunResult), or None if it must be computed."""
        return RunResult.read(self.out_dir) if self.served_from else None

    def start(self) -> None:
        if self.store is None:
            return
        try:
            self.store.start(self.run_id, **RunIdentity.of(self.scenario).record(), out_dir=self.out_dir)
        except (sqlite3.Error, OSError) as e:
            self._lost(e)

    def stamp(self, result) -> None:
        """Before writing: the code hash in the manifest (what makes the outputs servable later)."""
        stamp_manifest(result)

    def done(self, result, path: str | os.PathLike) -> None:
        """After the files are in place: mark the run done."""
        if self.store is None:
            return
        try:
            self.store.finish(result.run_id, out_dir=path, seconds=result.manifest.get("seconds"))
        except (sqlite3.Error, OSError, KeyError) as e:
            self._lost(e)
        finally:
            self.release()

    def failed(self, error: str) -> None:
        if self.store is None:
            return
        try:
            self.store.fail(self.run_id, error)
        except (sqlite3.Error, OSError) as e:
            self._lost(e)
        finally:
            self.release()


#: app run folders older than this many days are removed (QDSIM_APP_KEEP_DAYS)
APP_KEEP_DAYS = 14.0
#: the app's run folders are kept under this many GB in all, the oldest removed first (QDSIM_APP_KEEP_GB)
APP_KEEP_GB = 2.0
_APP_RUN = re.compile(r"qd-[0-9a-f]{6,64}")
#: a leftover temporary folder (a write that crashed) older than this many seconds is removed
_STALE_TMP_SECONDS = 86_400


def _setting(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value >= 0 and math.isfinite(value) else default


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def prune_app_runs(home: str | os.PathLike | None = None, *, keep_days: float | None = None, keep_gb: float | None = None,
                   now_ts: float | None = None) -> list[Path]:
    """Remove the app's old run folders (``$QDSIM_HOME/app/<run ID>``); return those removed.

    The rule: a folder last written more than ``keep_days`` ago goes
    (default :data:`APP_KEEP_DAYS`, or ``QDSIM_APP_KEEP_DAYS``); then, while
    the rest take more than ``keep_gb`` (default :data:`APP_KEEP_GB`, or
    ``QDSIM_APP_KEEP_GB``), the oldest go. Only folders named like a run ID
    and holding nothing but what qdsim writes are removed (never anything
    else put there); a temporary folder left by a crashed write goes after a
    day. The registry keeps its records: a removed run is no longer served
    (its outputs are checked before serving) and is computed again when asked.
    """
    root = Path(home if home is not None else default_home()) / "app"
    if not root.is_dir():
        return []
    days = _setting("QDSIM_APP_KEEP_DAYS", APP_KEEP_DAYS) if keep_days is None else keep_days
    budget = (_setting("QDSIM_APP_KEEP_GB", APP_KEEP_GB) if keep_gb is None else keep_gb) * 2**30
    now_ = time.time() if now_ts is None else now_ts
    runs, removed = [], []
    for d in root.iterdir():
        try:
            if d.is_symlink() or not d.is_dir():
                continue
            age = now_ - d.stat().st_mtime
            if d.name.startswith(".") and _APP_RUN.search(d.name) and age > _STALE_TMP_SECONDS:
                shutil.rmtree(d, ignore_errors=True)
                removed.append(d)
            elif _APP_RUN.fullmatch(d.name) and why_not_replaceable(d) is None:
                runs.append((age, d))
        except OSError:
            continue
    runs.sort(key=lambda x: -x[0])  # oldest first
    kept = []
    for age, d in runs:
        if age > days * 86_400:
            shutil.rmtree(d, ignore_errors=True)
            removed.append(d)
        else:
            kept.append(d)
    sizes = {d: _size(d) for d in kept}
    total = sum(sizes.values())
    for d in kept:
        if total <= budget:
            break
        shutil.rmtree(d, ignore_errors=True)
        removed.append(d)
        total -= sizes[d]
    return removed
