"""Simulations: one replicate of the model, many on worker processes, and model states kept to resume from.

:mod:`~qdsim.simulation.runner` (``SimulationTask``; ``simulate``: one replicate → its metrics
array; ``run_simulations``: tasks on this process or the shared worker pool, with its scheduler),
:mod:`~qdsim.simulation.pool` (the fork server worker processes start from, and their start),
:mod:`~qdsim.simulation.warm` (what the fork server preloads) and :mod:`~qdsim.simulation.snapshots`
(model states kept at the start of a year). The run pipeline (:mod:`qdsim.pipeline`) plans the
tasks and assembles their arrays; the batch engine runs them on its own executors.

This module imports nothing: :mod:`~qdsim.simulation.pool` stays light (the command line starts the
fork server before it imports the model), and so does importing the package.
"""
