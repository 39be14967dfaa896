"""Fixtures for the app tests."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.apptest import new_app, no_exceptions


@pytest.fixture
def app(monkeypatch, tmp_path) -> AppTest:
    """The app on its first page, run once, with the run registry in a temporary home."""
    monkeypatch.setenv("QDSIM_HOME", str(tmp_path / "home"))
    at = new_app().run()
    no_exceptions(at)
    return at
