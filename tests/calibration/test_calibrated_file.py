"""calibrated.yaml: values of exactly the calibrated parameters, inside their ranges, with full provenance."""

from __future__ import annotations

from datetime import datetime

from qdsim.calibration import TARGETS, calibrated_path, read_calibrated
from qdsim.calibration.report import DOC_END, DOC_START, docs_block, summary_markdown
from qdsim.catalogue import load_catalogue

from .helpers import ROOT


def test_values_cover_exactly_the_calibrated_parameters():
    rec = read_calibrated(calibrated_path())
    reg = load_catalogue()
    free = {p.id for p in reg.parameters.values() if p.status == "calibrated"}
    assert set(rec["values"]) == free
    for pid, v in rec["values"].items():
        lo, hi = reg.parameters[pid].range
        assert lo <= v <= hi, pid
        assert reg.parameters[pid].value == v  # the registry overlays them
    assert reg.calibration == rec


def test_provenance_names_targets_method_date_seeds_scale_and_errors():
    prov = read_calibrated(calibrated_path())["provenance"]
    reg = load_catalogue()
    for key in ("method", "date", "qdsim_version", "commit", "scenario", "scale", "seeds", "replicates", "tolerance", "targets", "parameters", "fit"):
        assert key in prov, key
    datetime.fromisoformat(prov["date"])
    assert prov["scenario"]["id"] == "baseline" and prov["scenario"]["period"] == "2021-2024"
    assert [t["figure"] for t in prov["targets"]] == [t.figure for t in TARGETS]
    for t in prov["targets"]:
        assert t["reported"] == reg.figures[t["figure"]].value
        assert {"model_mean", "model_p05", "model_p95", "error", "holdout_error"} <= set(t)
        assert abs(t["error"]) <= prov["tolerance"] and abs(t["holdout_error"]) <= prov["tolerance"]
    assert prov["fit"]["all_within_tolerance"] is True
    assert prov["fit"]["start"].startswith("parameters.yaml")  # a fit from scratch


def test_lever_range_is_recorded_for_the_warnings():
    rec = read_calibrated(calibrated_path())
    lr = rec["lever_range"]
    assert lr["consumption.showrooms"] == [8.0, 28.0]
    assert lr["funds.fiscal"] == [4.05e8, 5.30e8]
    assert all(lo <= hi for lo, hi in lr.values())


def test_docs_summary_matches_calibrated_yaml():
    """docs/calibration.md carries the summary rendered from calibrated.yaml, unchanged."""
    doc = ROOT / "docs" / "calibration.md"
    text = doc.read_text(encoding="utf-8")
    assert DOC_START in text and DOC_END in text
    assert docs_block(doc) == summary_markdown(read_calibrated(calibrated_path()))
