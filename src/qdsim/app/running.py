"""Running scenarios from the app: one cached call per serialised scenario.

The cache key is the scenario's YAML text, which carries its scale,
replicates and seed; the app runs exactly what that text says, parsed back
from the text, so the downloaded file reproduces the app's numbers with
``qdsim run``. The number of worker processes does not change results.
"""

from __future__ import annotations

import streamlit as st

from qdsim import api
from qdsim.app.i18n import tr
from qdsim.app.scenario_builder import MAX_REPLICATES, MAX_SCALE

#: above this much work (replicates × scale) a run uses several processes
PARALLEL_ABOVE = 0.05
#: assumption draws one app run may ask for (a file asking for more is run with this many)
MAX_ASSUMPTION_DRAWS = 20


def bounded(scenario: api.Scenario) -> api.Scenario:
    """The scenario with at most MAX_ASSUMPTION_DRAWS assumption draws (scale and replicates are the session's)."""
    if scenario.assumption_draws <= MAX_ASSUMPTION_DRAWS:
        return scenario
    return api.Scenario.model_validate({**scenario.model_dump(), "assumption_draws": MAX_ASSUMPTION_DRAWS})


def check_bounds(scenario: api.Scenario) -> None:
    """Refuse a run beyond the work one session may ask for (every run of the app passes here)."""
    over = [f"{name} {value:g} is above {limit:g}" for name, value, limit in (
        ("scale", scenario.scale, MAX_SCALE), ("replicates", scenario.replicates, MAX_REPLICATES),
        ("assumption_draws", scenario.assumption_draws, MAX_ASSUMPTION_DRAWS)) if value > limit]
    if over:
        raise ValueError(f"beyond what the app runs ({'; '.join(over)}); run it with `qdsim run`")


def with_settings(scenario: api.Scenario, *, scale: float, replicates: int, seed: int) -> api.Scenario:
    """The scenario with the app's run settings (and at most MAX_ASSUMPTION_DRAWS assumption draws)."""
    return bounded(api.Scenario.model_validate({**scenario.model_dump(), "scale": scale, "replicates": replicates, "seed": seed}))


@st.cache_data(max_entries=64, show_spinner=False)
def run_yaml(yaml_text: str, _label: str = "", _lang: str = "zh") -> api.RunResult:
    """Run the scenario serialised in ``yaml_text`` (cached on the text).

    A progress bar shows while it runs; it is removed when the run ends, so a
    cache hit shows nothing. ``_label`` and ``_lang`` only word the progress
    bar and are not part of the cache key.
    """
    scenario = api.loads_scenario(yaml_text, "<app>")
    check_bounds(scenario)
    bar = st.progress(0.0, text=tr("whatif.running", _lang, title=_label or scenario.id, done=0, total=scenario.replicates))

    def progress(done: int, total: int, _msg: str) -> None:
        bar.progress(done / total, text=tr("whatif.running", _lang, title=_label or scenario.id, done=done, total=total))

    workers = 1 if scenario.replicates * scenario.scale <= PARALLEL_ABOVE else None
    try:
        return api.run(scenario, workers=workers, progress=progress)
    finally:
        bar.empty()
