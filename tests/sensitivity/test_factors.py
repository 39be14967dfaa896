"""Levers and parameters as factors, from command-line specs."""

from __future__ import annotations

import pytest

from qdsim import sensitivity as sa
from qdsim.foundation.catalogue import load_catalogue


def test_factor_specs():
    levers = sa.parse_factors(["labour.subsidy_per_worker", "funds.fiscal=2亿元:8亿元"], ["wage_qingdao", "logit_beta=0.5:2"])
    subsidy, fiscal, wage, beta = levers
    assert (subsidy.path, subsidy.low, subsidy.high, subsidy.kind) == ("levers.labour.subsidy_per_worker*", 0.0, 2.0, "lever")
    assert (fiscal.path, fiscal.low, fiscal.high) == ("levers.funds.fiscal", 2e8, 8e8)
    assert (wage.low, wage.high) == load_catalogue().parameters["wage_qingdao"].range and wage.kind == "parameter"
    assert (beta.low, beta.high) == (0.5, 2.0)
    assert subsidy.zh and subsidy.en != "labour.subsidy_per_worker"  # named as the brief names it
    for bad in (["labour.subsidy"], ["funds.fiscal=8:2"], ["funds.fiscal=1"]):
        with pytest.raises(sa.FactorError):
            sa.parse_factors(bad, [])
    with pytest.raises(sa.FactorError, match="no parameter"):
        sa.parse_factors([], ["wage_qingdoa"])
