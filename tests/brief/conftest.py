"""Briefs of the tiny baseline run, built once per session in both languages and all formats."""

from __future__ import annotations

import pytest

from qdsim.brief import FORMATS, LANGS, build, render


@pytest.fixture(scope="session")
def briefs(tiny_run_dir):
    """lang -> Brief (the blocks and the traces of every number taken from summary.csv)."""
    return {lang: build(tiny_run_dir, lang) for lang in LANGS}


@pytest.fixture(scope="session")
def rendered(tiny_run_dir, briefs, tmp_path_factory):
    """(lang, fmt) -> path of the file written by the public render()."""
    out = tmp_path_factory.mktemp("briefs")
    paths = {}
    for lang in LANGS:
        for fmt in FORMATS:
            p = out / f"brief-{lang}.{fmt}"
            p.write_bytes(render(tiny_run_dir, lang=lang, fmt=fmt))
            paths[lang, fmt] = p
    return paths


@pytest.fixture(scope="session")
def whatif_run_dir(tmp_path_factory):
    """A what-if (the cooperation stops after 2025) at the tiny settings, paired with its baseline, written as a run folder."""
    from qdsim import api
    from tests.conftest import SCENARIOS, TINY

    result = api.run(api.load_scenario(SCENARIOS / "stop-after-2025.yaml"), **TINY)
    return result.write(tmp_path_factory.mktemp("runs") / "stop")


@pytest.fixture(scope="session")
def whatif_briefs(whatif_run_dir):
    return {lang: build(whatif_run_dir, lang) for lang in LANGS}
