"""The run pipeline: plan → execute → assemble, one path for every way of running a scenario.

::

    plan = prepare(scenario, registry=store)          # planner: the simulations, the paired baseline, what the registry has
    values = execute(plan, workers)                   # execution: the simulations' arrays (the batch: on its own executors)
    result = plan.assemble(values, seconds=s, workers=workers)   # assembly: summary, cost, attribution, manifest

:func:`qdsim.api.run` is these three lines with its arguments checked; the
batch engine (:mod:`qdsim.batch.engine`) prepares a plan per point and runs
its tasks on local processes or Dask; the app calls ``api.run``; calibration
evaluates single simulations through :func:`simulate_at`. A run's identity
(its run ID and the hashes it is made of) is :class:`qdsim.results.provenance.RunIdentity`.

The run registry is a sink handed in by the caller: ``prepare`` reads
finished baselines from it (:class:`Registry`: anything with ``servable``),
and the caller records the run (``RunStore.start(run_id, **identity.record())``,
then ``finish`` once its files are written). Nothing in the pipeline or the
API imports :mod:`qdsim.registry.store`.
"""

from qdsim.pipeline.assembly import Paired, assemble, build_manifest
from qdsim.pipeline.execution import execute, simulate_at
from qdsim.pipeline.planner import VARIANTS, Plan, Registry, Reused, baseline_for, plan, prepare, reuse_baseline

__all__ = ["VARIANTS", "Paired", "Plan", "Registry", "Reused", "assemble", "baseline_for", "build_manifest", "execute", "plan", "prepare",
           "reuse_baseline", "simulate_at"]
