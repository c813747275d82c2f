"""Shared fixtures for the raybench tests."""

from __future__ import annotations

import os

os.environ.setdefault("RAY_AUTH_MODE", "disabled")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
REAL_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "cases" / "real"
"""The real public samples (../shared/cases/real, beside the repository)."""


@pytest.fixture(scope="session")
def real_dir() -> Path:
    """Folder of the real samples; the tests that need it are skipped when it is absent."""
    if not REAL_DIR.is_dir():
        pytest.skip(f"real samples not found at {REAL_DIR}")
    return REAL_DIR
