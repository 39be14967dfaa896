"""Catalogue health: every number declared once, with unit, range, status and source."""

from __future__ import annotations

import re

import pytest
import yaml

from qdsim.foundation.catalogue import STATUSES, load_catalogue, region_dir

REG = load_catalogue()


@pytest.mark.parametrize("pid", sorted(REG.parameters))
def test_parameter_has_unit_status_source_and_range(pid):
    p = REG.parameters[pid]
    assert p.unit.strip(), f"{pid}: no unit"
    assert p.status in STATUSES, f"{pid}: status {p.status!r}"
    assert p.source in REG.sources, f"{pid}: unknown source {p.source!r}"
    assert p.label_zh.strip() and p.label_en.strip(), f"{pid}: missing label"
    lo, hi = p.range
    assert lo <= hi, f"{pid}: range reversed"
    if p.status != "calibrated":  # a calibrated value may sit at any point of its range
        assert lo <= p.value <= hi, f"{pid}: value {p.value} outside its range {p.range}"


def test_assumptions_cite_no_invented_source():
    for p in REG.parameters.values():
        if p.status == "assumption":
            assert p.source == "qdsim_assumption", p.id
        if p.status == "calibrated":
            assert p.source == "qdsim_calibration", p.id
        if p.status in ("reported", "statistic"):
            assert p.source not in ("qdsim_assumption", "qdsim_calibration"), p.id


def test_figures_have_unit_period_kind_and_source():
    for f in REG.figures.values():
        assert f.unit and f.period and f.kind in ("input", "target", "structure", "context", "validation"), f.id
        assert f.source in REG.sources


def test_every_source_cited_after_the_article_has_a_link():
    """Figures published after the article carry the page they come from."""
    for f in REG.figures.values():
        if f.source != "article_2025":
            assert REG.sources[f.source].url.startswith("http"), f.id


def test_every_source_is_complete():
    for s in REG.sources.values():
        assert s.title and s.outlet and s.date, s.key


def test_parameters_are_declared_once():
    text = (region_dir() / "parameters.yaml").read_text(encoding="utf-8")
    ids = re.findall(r"^  ([a-z0-9_]+):", text, flags=re.M)
    assert len(ids) == len(set(ids))


def test_code_reads_only_declared_parameters():
    """Every `p.<name>` / `params.<name>` the model reads is in the catalogue."""
    from pathlib import Path

    import qdsim

    src = Path(qdsim.__file__).parent / "model"
    used = set()
    for f in src.glob("*.py"):
        used |= set(re.findall(r"\bp(?:arams)?\.([a-z][a-z0-9_]+)", f.read_text()))
    used -= {"registry", "as_dict", "with_overrides", "sha256", "provenance"}
    missing = sorted(used - set(REG.parameters))
    assert not missing, f"parameters used in code but not declared: {missing}"


def test_parameter_set_overrides_and_hash():
    p = REG.defaults()
    q = p.with_overrides({"wage_qingdao": 5000})
    assert q.wage_qingdao == 5000 and p.wage_qingdao != 5000
    assert p.sha256() != q.sha256()
    with pytest.raises(KeyError):
        p.with_overrides({"no_such_parameter": 1})
    with pytest.raises(AttributeError):
        _ = p.no_such_parameter


def test_counties_match_published_statistics():
    pops = {c["id"]: c["population"] for c in REG.counties}
    assert len(pops) == 7
    assert pops["minxian"] == 425627 and pops["zhangxian"] == 167309
    data = yaml.safe_load((region_dir() / "counties.yaml").read_text(encoding="utf-8"))
    assert {c["villages"] for c in data if c["villages"]} == {332, 217, 323, 359}


def test_the_value_shown_is_the_value_runs_use():
    """A calibrated parameter's value is its fitted one (calibrated.yaml), inside its range; the data file keeps only the prior."""
    from qdsim.api import load_scenario, parameters_for

    from ..conftest import SCENARIOS

    fitted = (REG.calibration or {}).get("values") or {}
    used = parameters_for(load_scenario(SCENARIOS / "baseline.yaml")).as_dict()
    declared = yaml.safe_load((region_dir() / "parameters.yaml").read_text(encoding="utf-8"))
    for pid, p in REG.parameters.items():
        assert p.value == used[pid], pid
        lo, hi = p.range
        assert lo <= p.value <= hi, f"{pid}: the value runs use, {p.value}, is outside the range shown {p.range}"
        entry = next(g[pid] for g in declared.values() if pid in g)
        if p.status == "calibrated":
            assert "value" not in entry and float(entry["prior"]) == p.prior, pid
            if pid in fitted:
                assert p.value == float(fitted[pid]), pid
        else:
            assert float(entry["value"]) == p.value and p.prior is None, pid
