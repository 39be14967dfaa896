"""Shared by the reliability tests: the corpora, the problem-line format, a tiny scenario and batch."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCENARIO_CORPUS = sorted((HERE / "corpus").glob("*.yaml"))
BATCH_CORPUS_DIR = HERE / "corpus_batch"
BATCH_CORPUS = sorted(BATCH_CORPUS_DIR.glob("*.yaml"))
#: the valid tiny scenario the corpus batch files name as their base (2021–2022, 0.1%, 1 replicate)
TINY = BATCH_CORPUS_DIR / "scenarios" / "tiny.yaml"
#: every problem: ``file:line: field: message``, on one line; the field never holds ``: ``
LINE = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+): (?P<field>(?:(?!: ).)+): (?P<msg>.+)$")
#: a file some corpus entries try to create through a YAML tag (must never appear)
SENTINEL = "qdsim-pwned"


def tiny_dir(folder: Path) -> Path:
    """``folder`` with a copy of the tiny scenario as ``tiny.yaml``; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(TINY, folder / "tiny.yaml")
    return folder


def tiny_batch(folder: Path, wages=(3500, 4200, 5000), name: str = "batch.yaml", batch_id: str = "rel") -> Path:
    """A grid over the Qingdao wage on the tiny scenario: one tiny run per wage."""
    tiny_dir(folder)
    path = folder / name
    path.write_text(textwrap.dedent(f"""\
        batch: {{id: {batch_id}, title: {{zh: 可靠性测试, en: Reliability test}}}}
        base: tiny.yaml
        grid:
          overrides.wage_qingdao: [{', '.join(str(w) for w in wages)}]
        replicates: 1
        seed: 7
        scale: 0.001
        """), encoding="utf-8")
    return path


def files_under(folder: Path) -> set[str]:
    """Every file and folder below ``folder`` (relative paths), or nothing when it does not exist."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*")} if folder.exists() else set()
