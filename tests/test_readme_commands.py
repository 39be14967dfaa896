"""Every qdsim command in the README's shell blocks, as typed, twice in a row: exit 0 both times, the same result.

Run from a fresh folder that holds the repository's ``scenarios/`` (as the
README's commands expect), with the run registry in that folder (the default
``runs/``), and without ``--quiet``: the second run of ``qdsim run`` is served
from the registry and prints the table read back from it (the rerun crash).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

QDSIM = Path(sys.executable).with_name("qdsim")


def readme_commands() -> list[str]:
    """The qdsim commands of the README's ```bash blocks (after any `&&`), in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    out = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.splitlines():
            for part in line.split("&&"):
                part = part.strip()
                if re.match(r"^(\.venv/bin/)?qdsim\s", part):
                    out.append(part)
    return out


def test_the_readme_has_commands_to_try():
    assert any(c.split()[1] == "run" for c in readme_commands())


@pytest.mark.slow
def test_each_readme_command_twice_as_typed(tmp_path):
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    env = {k: v for k, v in os.environ.items() if k != "QDSIM_HOME"}  # the default home: ./runs
    for command in readme_commands():
        argv = [str(QDSIM), *shlex.split(command)[1:]]
        results = [subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600) for _ in range(2)]
        for r in results:
            assert r.returncode == 0, f"{command}\n{r.stdout[-2000:]}\n{r.stderr[-4000:]}"
            assert "Traceback" not in r.stderr, command
        if shlex.split(command)[1] == "run":
            out = tmp_path / "runs" / Path(shlex.split(command)[2]).stem
            assert "finished before" in results[1].stdout, results[1].stdout[-1000:]
            assert (out / "summary.csv").is_file()
