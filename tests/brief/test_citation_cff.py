"""CITATION.cff: valid Citation File Format that names this version."""

from __future__ import annotations

from pathlib import Path

import yaml

import qdsim

ROOT = Path(__file__).resolve().parents[2]


def test_citation_cff():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    for key in ("message", "title", "authors", "version", "type", "license", "abstract"):
        assert cff.get(key), key
    assert cff["type"] == "software" and all(a.get("name") or a.get("family-names") for a in cff["authors"])
    assert str(cff["version"]) == qdsim.__version__
