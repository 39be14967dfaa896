"""``qdsim calibrate``'s options: combinations that cannot run are refused before any work, with a message naming the option."""

from __future__ import annotations

import subprocess
import sys

import pytest


def qdsim(*args):
    return subprocess.run([sys.executable, "-m", "qdsim.cli", *map(str, args)], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("args", [("--rejuvenate",), ("--rejuvenate", "--keep-point", "--posterior", "x.yaml"), ("--keep-point",)])
def test_continuing_or_keeping_needs_a_posterior_to_continue(args, tmp_path):
    r = qdsim("calibrate", "--out", tmp_path / "cal", *args)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert ("--rejuvenate" if "--rejuvenate" in args else "--keep-point") in r.stderr
    assert not (tmp_path / "cal").exists()
