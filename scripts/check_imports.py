#!/usr/bin/env python3
"""Static checks of the package's shape: import cycles between raybench modules (module-top imports
only, and all imports), layer violations (a module below the CLI / service / harness importing one of
them, see :data:`UPPER`), the share of imports inside functions, and functions over a line limit in a
folder. Prints figures; exits 1 when a module-top import cycle or a layer violation exists.

    .venv/bin/python scripts/check_imports.py [ROOT] [--long-in raybench/pipeline --max-lines 60]
"""

from __future__ import annotations

import argparse
import ast
import os
import sys


UPPER = ("raybench.cli", "raybench.__main__", "raybench.report", "raybench.harness", "raybench.service")
"""The layers above the pipeline (imports point CLI -> service/harness -> pipeline -> stages;
``raybench.report`` is the CLI's printing). Every other raybench module is below them and may import
none of them, at module top or inside a function."""


def is_upper(mod: str) -> bool:
    return any(mod == u or mod.startswith(u + ".") for u in UPPER)


def module_name(root: str, path: str) -> str:
    rel = os.path.relpath(path, root)[:-3].replace(os.sep, ".")
    return rel[: -len(".__init__")] if rel.endswith(".__init__") else rel


def imports(tree: ast.Module, mod: str, is_pkg: bool):
    """(target module, at module top?) for every raybench import of ``tree``."""
    top_level = set()
    for node in tree.body:
        top_level.add(id(node))
        if isinstance(node, (ast.If, ast.Try)):  # `if TYPE_CHECKING:` / try-import blocks count as top
            for sub in ast.walk(node):
                top_level.add(id(sub))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = mod.split(".") if is_pkg else mod.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                names = [".".join(base + ([node.module] if node.module else []))]
            else:
                names = [node.module or ""]
            names += [f"{names[0]}.{a.name}" for a in node.names]
        else:
            continue
        for n in names:
            out.append((n, id(node) in top_level, node))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("root", nargs="?", default=".")
    ap.add_argument("--long-in", default="raybench/pipeline")
    ap.add_argument("--max-lines", type=int, default=60)
    args = ap.parse_args()
    root = os.path.abspath(args.root)
    files = {}
    for dirpath, _, names in os.walk(os.path.join(root, "raybench")):
        for n in names:
            if n.endswith(".py"):
                p = os.path.join(dirpath, n)
                files[module_name(root, p)] = p
    graph_top: dict[str, set[str]] = {m: set() for m in files}
    graph_all: dict[str, set[str]] = {m: set() for m in files}
    n_top = n_local = 0
    local_by_module: dict[str, int] = {}
    long_functions = []
    for mod, path in files.items():
        tree = ast.parse(open(path).read())
        seen_nodes = set()
        for target, top, node in imports(tree, mod, path.endswith("__init__.py")):
            if id(node) not in seen_nodes:
                seen_nodes.add(id(node))
                if top:
                    n_top += 1
                else:
                    n_local += 1
                    local_by_module[mod] = local_by_module.get(mod, 0) + 1
            if target in files and target != mod:
                graph_all[mod].add(target)
                if top:
                    graph_top[mod].add(target)
        if os.path.abspath(path).startswith(os.path.join(root, args.long_in)):
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    lines = node.end_lineno - node.lineno + 1
                    if lines > args.max_lines:
                        long_functions.append((lines, f"{os.path.relpath(path, root)}:{node.lineno} {node.name}"))

    def cycles(graph):
        index, low, stack, on, out = {}, {}, [], set(), []
        counter = [0]

        def strong(v):
            index[v] = low[v] = counter[0]
            counter[0] += 1
            stack.append(v)
            on.add(v)
            for w in graph[v]:
                if w not in index:
                    strong(w)
                    low[v] = min(low[v], low[w])
                elif w in on:
                    low[v] = min(low[v], index[w])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))

        sys.setrecursionlimit(10000)
        for v in graph:
            if v not in index:
                strong(v)
        return out

    # a package importing its own submodule is not a cycle of concern: drop package -> child edges
    for g in (graph_top, graph_all):
        for m in g:
            g[m] = {t for t in g[m] if not t.startswith(m + ".")}
    top_cycles, all_cycles = cycles(graph_top), cycles(graph_all)
    violations = sorted((m, t) for m, ts in graph_all.items() if not is_upper(m) for t in ts if is_upper(t))
    total = n_top + n_local
    print(f"imports: {total} statements, {n_local} inside functions ({100 * n_local / total:.0f}%)")
    print(f"  most local imports: " + ", ".join(f"{m} {n}" for m, n in
                                              sorted(local_by_module.items(), key=lambda x: -x[1])[:8]))
    print(f"import cycles among module-top imports: {len(top_cycles)}")
    for c in top_cycles:
        print("  " + " <-> ".join(c))
    print(f"import cycles counting function-local imports too: {len(all_cycles)}")
    for c in all_cycles:
        print("  " + " <-> ".join(c[:12]) + (f" ... ({len(c)} modules)" if len(c) > 12 else ""))
    print(f"layer violations (a lower module importing {', '.join(UPPER)}): {len(violations)}")
    for m, t in violations:
        print(f"  {m} -> {t}")
    print(f"functions over {args.max_lines} lines in {args.long_in}: {len(long_functions)}")
    for lines, where in sorted(long_functions, reverse=True):
        print(f"  {lines:4d}  {where}")
    sys.exit(1 if top_cycles or violations else 0)


if __name__ == "__main__":
    main()
