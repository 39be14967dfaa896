"""The per-agent Mesa reference of the labour month agrees with qdsim where the quota binds.

The smoke test runs the baseline, where Qingdao's quota does not bind; here a
small quota and no barrier send more workers to Qingdao than it takes, so the
queue (priority draws) decides who is refused — in both implementations alike.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from qdsim import api
from qdsim.model import labour
from qdsim.model.households import QINGDAO
from qdsim.model.model import DingxiModel
from qdsim.model.streams import replicate_seeds

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

from reference_mesa import LabourMarket, qdsim_outcome  # noqa: E402


def _warmed(scenario: api.Scenario, **overrides) -> DingxiModel:
    params = api.parameters_for(scenario).with_overrides(overrides)
    m = DingxiModel(scenario=scenario, params=params, seed_sequence=replicate_seeds(3, 1)[0], scale=0.005)
    for _ in range(12):
        m.step()
    m.year_index = 1
    m.start_year(1)
    return m


def test_reference_matches_qdsim_when_the_qingdao_quota_binds(baseline):
    data = baseline.model_dump()
    data["levers"]["labour"]["qingdao_job_quota"] = 3000  # 15 places at this scale
    scenario = api.Scenario.model_validate(data)
    m = _warmed(scenario, qingdao_friction=0.0)
    ref = LabourMarket(_warmed(scenario, qingdao_friction=0.0))
    for month in range(1, 13):
        labour.monthly(m, month)
        ref.month = month
        ref.step()
    ours, theirs = qdsim_outcome(m), ref.outcome()
    assert (m.workers.state == QINGDAO).sum() == round(3000 * m.scale)  # the quota was binding
    different = [k for k in ours if not np.array_equal(ours[k], theirs[k])]
    assert not different
