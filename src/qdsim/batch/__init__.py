"""Batch experiments: batch files, parallel and distributed runs, resume, adaptive replicates.

>>> from qdsim.batch import load_batch, run_batch
>>> batch = load_batch("scenarios/batches/labour-grid.yaml")   # doctest: +SKIP
>>> report = run_batch(batch, "runs/batches/labour-grid", workers=2)   # doctest: +SKIP

Loading a batch (:func:`load_batch`) is cheap and imports no executor; the
engine (:func:`run_batch`) imports Dask only when given a scheduler.
"""

from qdsim.batch.spec import Adaptive, Batch, BatchFile, Point, load_batch

__all__ = ["Adaptive", "Batch", "BatchError", "BatchFile", "BatchReport", "Point", "load_batch", "run_batch"]


def __getattr__(name: str):
    if name in ("run_batch", "BatchReport", "BatchError"):
        from qdsim.batch import engine

        return getattr(engine, name)
    raise AttributeError(name)
