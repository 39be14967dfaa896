"""Sensitivity analysis (敏感性分析): which levers and parameters move the results most.

Two methods from SALib (Herman & Usher 2017, https://salib.readthedocs.io):

- **Morris** elementary effects (Morris 1991; μ* of Campolongo et al. 2007):
  a screening, ``n (k + 1)`` runs for ``k`` factors. μ* is the mean absolute
  change of the output when one factor moves across its range, in the
  output's unit; σ says how much that change depends on the other factors.
- **Sobol** variance-based indices (Sobol 2001, Saltelli et al. 2010):
  ``n (k + 2)`` runs. S1 is the share of the output's variance a factor
  explains alone, ST the share including its interactions.

Both come with 95% bootstrap confidence intervals. A factor is a lever
(multiplied over its base values, ×0–2 by default, or set over a range) or a
behavioural parameter (over the catalogue's plausible range by default).

Each sample point is a scenario run through the batch engine
(:func:`qdsim.batch.engine.run_batch`), so points are computed in parallel or
on a Dask cluster, recorded in the registry and served from it when repeated.
All points share the base scenario's seed (common random numbers), so the
differences between them are the factors' doing, not chance.

The analysis itself (:func:`analyse`) takes any function of the sample, which
is how the tests check the wiring against functions with known indices
(Ishigami, Sobol G).

The package, by concern: :mod:`~qdsim.sensitivity.salib` (samples and
indices), :mod:`~qdsim.sensitivity.prose` (the ranking in words),
:mod:`~qdsim.sensitivity.factors` (levers and parameters as factors) and
:mod:`~qdsim.sensitivity.running` (the model as the function; the files
written).
"""

from __future__ import annotations

from qdsim.sensitivity.factors import DEFAULT_LEVERS, FactorError, parse_factors
from qdsim.sensitivity.prose import ranking
from qdsim.sensitivity.running import DEFAULT_METRICS, DEFAULT_N, MAX_RUNS, model_function, write
from qdsim.sensitivity.salib import METHODS, MORRIS_LEVELS, Analysis, Factor, analyse, indices, n_runs, problem, sample

__all__ = ["DEFAULT_LEVERS", "DEFAULT_METRICS", "DEFAULT_N", "MAX_RUNS", "METHODS", "MORRIS_LEVELS", "Analysis", "Factor", "FactorError",
           "analyse", "indices", "model_function", "n_runs", "parse_factors", "problem", "ranking", "sample", "write"]
