"""Fixtures of the service tests (the helpers are in servicekit.py)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def service_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("service")
