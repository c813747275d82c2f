"""Shared fixtures for the raybench tests."""

from __future__ import annotations

import os

os.environ.setdefault("RAY_AUTH_MODE", "disabled")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
REAL_DIR = REPO_ROOT / "examples" / "real"
"""The real public samples (copied from ../shared/cases/real with their licences)."""


@pytest.fixture(scope="session")
def real_dir() -> Path:
    """Folder of the real samples (a missing folder fails the tests that need it, it is not skipped)."""
    assert REAL_DIR.is_dir(), f"real samples not found at {REAL_DIR}"
    return REAL_DIR
