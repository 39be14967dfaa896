"""The run registry (运行登记册): every run, its inputs, status and where its outputs are.

:mod:`~qdsim.registry.store` (``RunStore``: the SQLite database shared by processes, with its
locks; ``RunRecorder``: a command-line run recorded start to finish; the app's folder pruning).
It is a sink the caller hands in — the command line, the app, the batch engine — never something
the run pipeline or the library API imports (``tests/test_imports.py`` fails if either reaches it):
:func:`qdsim.pipeline.prepare` only asks what it is given for ``servable(run_id)``.
"""
