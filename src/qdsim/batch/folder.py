"""A batch's output directory: one batch process at a time (its lock), its state (batch.json) and its tables.

::

    DIR/batch.json      what the batch is and how far it got (rewritten atomically)
    DIR/points/<scenario id>/   each point's run (written by the engine, :mod:`qdsim.batch.engine`)
    DIR/points.csv      one row per point: its values, run ID, status, replicates, why it stopped
    DIR/summary.csv     all points' summary rows side by side (point, varied values, scenario, metric, …)
    DIR/cost.csv        all points' cost-and-effectiveness rows side by side (point, varied values, scenario, measure, …)
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from qdsim.batch.spec import Batch, Point

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


def write_json(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str), encoding="utf-8")
    os.replace(tmp, path)


def _write_csv(path: Path, df: pd.DataFrame) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    df.to_csv(tmp, index=False, float_format="%.10g", lineterminator="\n")
    os.replace(tmp, path)


@contextlib.contextmanager
def locked(out: Path):
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


def check_dir(out: Path, batch: Batch, resume: bool) -> dict | None:
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


def clean_stale(points_dir: Path, keep: set[str]) -> None:
    """Remove half-written temporary folders and outputs of points no longer in the batch."""
    if not points_dir.exists():
        return
    for d in points_dir.iterdir():
        if d.name.startswith(".") or (d.is_dir() and d.name not in keep and (d / "manifest.json").exists()):
            shutil.rmtree(d, ignore_errors=True) if d.is_dir() else d.unlink(missing_ok=True)


def state(batch: Batch, outcomes: dict[str, Outcome], status: str, started: str, executor: str) -> dict:
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
