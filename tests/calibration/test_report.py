"""The record renders into the docs' summary block; classes and roles are stated for every target."""

from __future__ import annotations

import copy
from pathlib import Path

from qdsim.calibration.abc import CONVERGED_EPSILON, CONVERGED_ESS, Posterior
from qdsim.calibration.report import DOC_END, DOC_START, calibrated_path, docs_block, read_calibrated, summary_markdown, update_docs

DOCS = Path(__file__).resolve().parents[2] / "docs" / "calibration.md"


def test_docs_summary_is_rendered_from_the_shipped_record():
    record = read_calibrated(calibrated_path())
    assert docs_block(DOCS) == summary_markdown(record), "docs/calibration.md is stale: rerun `qdsim calibrate`"


def test_summary_states_class_and_role_of_every_target():
    record = read_calibrated(calibrated_path())
    text = summary_markdown(record)
    for t in record["provenance"]["targets"]:
        assert t["label"]["en"] in text
    for words in ("behavioural evidence", "accounting (holds by construction)", "input echo", "fitted", "held out", "checked"):
        assert words in text


def test_update_docs_replaces_only_the_block(tmp_path):
    record = read_calibrated(calibrated_path())
    doc = tmp_path / "cal.md"
    doc.write_text(f"before\n{DOC_START}\nSTALE SUMMARY\n{DOC_END}\nafter\n", encoding="utf-8")
    assert update_docs(record, doc)
    text = doc.read_text(encoding="utf-8")
    assert text.startswith("before\n") and text.endswith("after\n") and "STALE SUMMARY" not in text
    assert not update_docs(record, tmp_path / "missing.md")


def test_summary_counts_the_abc_from_the_posterior_history():
    """A reused posterior: the ABC's simulations and time are its own history's, not the rerun's checks."""
    record = read_calibrated(calibrated_path())
    history = [g for g in record["posterior"]["generations"] if "generation" in g]
    text = summary_markdown(record).splitlines()[0]
    assert f"{len(history)} generations, {sum(g['simulations'] for g in history)} simulations" in text
    assert ("a posterior reused" in text) == bool(record["provenance"]["settings"].get("posterior_reused"))


def test_the_convergence_statement_follows_the_record():
    """The shipped calibration's last generation meets ε ≤ 1 and ESS ≥ 100, and the summary says converged;
    the same record with the last generation of the 2026-12-02 run (ε 2.85, ESS not recorded) says not converged."""
    record = read_calibrated(calibrated_path())
    post = Posterior.from_record(record["posterior"])
    last = post.last_generation
    assert post.converged() and last["epsilon"] <= CONVERGED_EPSILON and last["ess"] >= CONVERGED_ESS
    assert record["provenance"]["converged"] and "**Converged**" in summary_markdown(record)
    stalled = copy.deepcopy(record)
    stalled["posterior"]["generations"] = [{"generation": 0, "epsilon": 20.4, "simulations": 400},
                                          {"generation": 12, "epsilon": 2.85, "simulations": 600}]
    stalled["provenance"]["converged"] = Posterior.from_record(stalled["posterior"]).converged()
    assert not stalled["provenance"]["converged"]
    text = summary_markdown(stalled)
    assert "**Not converged**" in text and "2.85" in text and "not recorded" in text


def test_the_full_scale_column_shows_each_error_when_the_record_has_it():
    """A record with the point's errors at full scale gets a 'full scale' column (a growth's in percentage points);
    one without (an older record) has none."""
    record = copy.deepcopy(read_calibrated(calibrated_path()))
    for t in record["provenance"]["targets"]:
        t.pop("full_scale_error", None)
    record["provenance"]["settings"].pop("full_scale_replicates", None)
    assert "| full scale |" not in summary_markdown(record)
    for t in record["provenance"]["targets"]:
        t["full_scale_error"] = -0.0937 if t["figure"] == "qingdao_placements_2025" else (0.0125 if t["reading"].startswith("growth") else 0.0)
    record["provenance"]["settings"]["full_scale_replicates"] = 2
    text = summary_markdown(record)
    assert "| full scale |" in text and "and at full scale (2 replicates" in text
    qd = next(line for line in text.splitlines() if "(2025年向青岛输转农村劳动力" in line)
    assert "| -9.4% | ±" in qd
    growth = next(line for line in text.splitlines() if "甘肃农村居民人均可支配收入增长（2023年" in line)
    assert "| +1.2 pp | ±" in growth or "| +1.3 pp | ±" in growth
