"""Results: a run's numbers from the model's year books to its tables.

:mod:`~qdsim.results.derive` (a year book → the catalogue's metrics),
:mod:`~qdsim.results.summary` (summary.csv: means, percentiles, differences and their intervals),
:mod:`~qdsim.results.uncertainty` (assumption draws), :mod:`~qdsim.results.attribution`
(which assumptions a difference rests on), :mod:`~qdsim.results.cost` (spending and results per
亿元), :mod:`~qdsim.results.result` (``RunResult``: a run's arrays, tables and manifest, written
and read back), :mod:`~qdsim.results.outputs` (a run's folder: its files, complete or not, replaced
atomically) and :mod:`~qdsim.results.provenance` (what makes a number citable: versions, commit,
and ``RunIdentity``, the run's one ID). Nothing here runs a simulation; the run pipeline (:mod:`qdsim.pipeline`) calls them.
"""
