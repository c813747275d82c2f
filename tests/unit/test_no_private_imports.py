"""Tests use raybench's public names only (issue 12): no test imports a name that starts with ``_``
from the package, so a refactor of a module's insides cannot break a test that pinned them."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def private_imports(source: str) -> list[str]:
    """``module.name`` for each ``from raybench... import _name`` (dunders aside) in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "raybench":
            found += [f"{node.module}.{a.name}" for a in node.names
                      if a.name.startswith("_") and not a.name.startswith("__")]
    return found


def test_the_check_finds_a_private_import():
    assert private_imports("def f():\n    from raybench.read.junk import ANCHORS, _x\n") == ["raybench.read.junk._x"]
    assert private_imports("from raybench import __version__\nfrom os import _exit\n") == []


def test_no_test_imports_a_private_name():
    hits = {str(p.relative_to(TESTS)): private_imports(p.read_text()) for p in sorted(TESTS.rglob("*.py"))}
    assert {k: v for k, v in hits.items() if v} == {}
