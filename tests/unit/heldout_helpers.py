"""What the tests of the held-out groups (tests/unit/test_holdout*_set.py) share: reading their truth
documents, and checking that a group is written the same for a seed and differently for another."""

from __future__ import annotations

from datetime import datetime

from raybench.harness.independent import write_set


def utc(iso: str) -> datetime:
    """A truth's ISO instant (``...Z``) as an aware datetime."""
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


def options(v) -> list:
    """A truth value that may be a list of accepted values, as a list."""
    return v if isinstance(v, list) else [v]


def starts(t: dict) -> list[datetime]:
    """The accepted start instants of one truth record."""
    return [utc(s) for s in options(t["fields"]["start_utc"])]


def read_text(out, name: str, encoding: str = "utf-8") -> str:
    """A written file of the group, decoded."""
    return (out / name).read_bytes().decode(encoding)


def assert_written_deterministically(tmp_path, out, group: str, specs, other_seed_file: str) -> None:
    """The group written again with seed 0 is byte for byte what ``out`` holds (files and truths), and
    ``other_seed_file`` written with seed 1 differs."""
    write_set(str(tmp_path / "again"), seed=0, group=group)
    for s in specs:
        for suffix in ("", ".truth.json"):
            assert (tmp_path / "again" / (s.name + suffix)).read_bytes() == (out / (s.name + suffix)).read_bytes()
    write_set(str(tmp_path / "s1"), seed=1, group=group, only=[other_seed_file])
    assert (tmp_path / "s1" / other_seed_file).read_bytes() != (out / other_seed_file).read_bytes()
