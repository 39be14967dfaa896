"""The foundation: what the rest of qdsim is about, as data, and the words and numbers it is said in.

:mod:`~qdsim.foundation.catalogue` (the region's parameters, figures and sources),
:mod:`~qdsim.foundation.metrics` (one record per metric, from ``data/metrics.yaml``),
:mod:`~qdsim.foundation.format` (the only number formatter, and the one wording of a difference),
:mod:`~qdsim.foundation.units` (quantities as planners write them), :mod:`~qdsim.foundation.sampling`
(Latin hypercubes) and :mod:`~qdsim.foundation.errors` (``InputError``). Nothing here imports
anything of qdsim outside this package, so every layer above (scenario, model, results, the run
pipeline, presentation, the entry points) may use it; importing it is light (no pandas, no model).
"""
