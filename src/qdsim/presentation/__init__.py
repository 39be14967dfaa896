"""Presentation: what the app, the brief and the command line show beyond numbers.

:mod:`~qdsim.presentation.charts` (the charts, one function per figure),
:mod:`~qdsim.presentation.words` (the texts the app and the brief both say, in Chinese and English),
:mod:`~qdsim.presentation.text` (free text made inert for Markdown and HTML),
:mod:`~qdsim.presentation.console` (the command line's terminal output). Every number they show is
written by :mod:`qdsim.foundation.format`, which sits lower (the scenario's messages and the catalogue write
numbers too), and every difference is worded by :func:`qdsim.foundation.format.describe`.
"""
