"""Results: a run's numbers from the model's year books to its tables.

:mod:`~qdsim.results.derive` (a year book → the catalogue's metrics),
:mod:`~qdsim.results.summary` (summary.csv: means, percentiles, differences and their intervals),
:mod:`~qdsim.results.uncertainty` (assumption draws), :mod:`~qdsim.results.attribution`
(which assumptions a difference rests on), :mod:`~qdsim.results.cost` (spending and results per
亿元), :mod:`~qdsim.results.result` (``RunResult``: a run's arrays, tables and manifest, written
and read back). Nothing here runs a simulation; the run pipeline (:mod:`qdsim.pipeline`) calls them.
"""
