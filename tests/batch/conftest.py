"""Every batch test uses its own run registry ($QDSIM_HOME in a temporary folder)."""

from __future__ import annotations

import pytest

from qdsim.registry.store import RunStore


@pytest.fixture
def home(tmp_path, monkeypatch):
    h = tmp_path / "home"
    monkeypatch.setenv("QDSIM_HOME", str(h))
    return h


@pytest.fixture
def store(home) -> RunStore:
    return RunStore.default()
