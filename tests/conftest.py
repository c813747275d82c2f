"""Shared fixtures for the raybench tests."""

from __future__ import annotations

import os

os.environ.setdefault("RAY_AUTH_MODE", "disabled")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[1]
REAL_DIR = REPO_ROOT.parent / "shared" / "cases" / "real"
"""The real public samples: other projects' data files, kept beside the project (never copied into it)."""
MORE_REAL_DIR = REAL_DIR / "more"
"""The real phone-system logs, with their facts in ``facts.json``."""


def _real(path: Path) -> Path:
    if not path.is_dir():
        pytest.skip(f"real samples not found at {path} (../shared beside the repository); "
                    "these tests read other projects' files, which are not in the repository")
    return path


@pytest.fixture(scope="session")
def real_dir() -> Path:
    """Folder of the real samples (../shared/cases/real); the tests that need it skip, saying so, without it."""
    return _real(REAL_DIR)


@pytest.fixture(scope="session")
def more_real_dir() -> Path:
    """Folder of the real phone-system logs (../shared/cases/real/more)."""
    return _real(MORE_REAL_DIR)
