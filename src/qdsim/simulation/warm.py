"""Preloaded by the worker processes' fork server (:mod:`qdsim.simulation.pool`).

Importing it imports the model, reads the catalogue and loads the compiled
kernels, so that every worker process forked from the server starts ready to
simulate (otherwise each would spend about a second on it).
"""

from qdsim.simulation.runner import warm_up

warm_up()
