"""The house rules, checked from the source: no import circles, no class over 250 lines, and
the voice gate built in one place (the one hearing pipeline)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent.parent / "assistant"


def modules() -> dict[str, ast.Module]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = ast.parse(path.read_text(encoding="utf-8"))
    return found


def imports(tree: ast.Module, known: set[str]) -> set[str]:
    """Modules of the package a module imports, at its top or inside a function."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("assistant"):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                out.add(full if full in known else node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("assistant")}
    return out & known


def test_there_is_no_import_circle() -> None:
    trees = modules()
    graph = {name: imports(tree, set(trees)) for name, tree in trees.items()}
    state: dict[str, int] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for other in graph[name]:
            assert state.get(other) != 1, " -> ".join([*path, name, other])
            if other not in state:
                visit(other, [*path, name])
        state[name] = 2

    for name in graph:
        if name not in state:
            visit(name, [])


def test_no_class_is_over_250_lines() -> None:
    for name, tree in modules().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                assert length <= 250, f"{name}.{node.name}: {length} lines"


def test_the_voice_gate_is_built_in_one_place() -> None:
    builders = [
        name
        for name, tree in modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "VoiceGate"
    ]
    assert builders == ["assistant.night.hearing"]


LAYERS = [
    {"errors", "events", "modes"},
    {"config", "system"},
    {"audio", "dialogue"},
    {"speech"},
    {"diary", "simulation"},
    {"night"},
    {"cli", "__main__"},
]
"""The folders from the bottom up: a module imports from its own folder or from folders below."""


def test_each_folder_imports_only_from_folders_below_it() -> None:
    rank = {folder: level for level, folders in enumerate(LAYERS) for folder in folders}
    trees = modules()

    def folder(name: str) -> str:
        return name.split(".")[1] if "." in name else name

    found = {folder(name) for name in trees} - {"assistant"}
    assert found == set(rank), f"folders without a layer: {found - set(rank)}"
    upward = [
        f"{name} -> {other}"
        for name, tree in trees.items()
        if name != "assistant"
        for other in imports(tree, set(trees))
        if folder(other) != folder(name) and rank[folder(other)] > rank[folder(name)]
    ]
    assert not upward, "imports from a higher folder: " + ", ".join(upward)


def test_the_audio_folder_knows_nothing_of_the_event_log() -> None:
    trees = modules()
    found = [
        f"{name} -> {other}"
        for name, tree in trees.items()
        if name.startswith("assistant.audio")
        for other in imports(tree, set(trees))
        if other.startswith("assistant.events")
    ]
    assert not found


def test_only_the_ears_tell_the_recognizer_what_to_listen_for() -> None:
    """One owner of the grammar in the night loop: barge-in borrows it from the ears."""
    callers = sorted(
        {
            name
            for name, tree in modules().items()
            if name.startswith("assistant.night")
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "expect"
        }
    )
    assert callers == ["assistant.night.hearing"]


def test_types_are_checked_strictly_everywhere() -> None:
    import tomllib

    mypy = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())["tool"]["mypy"]
    assert mypy["strict"] is True
    assert set(mypy["files"]) == {"assistant", "tests", "scripts"}
    loosened = {m for o in mypy.get("overrides", []) for m in o["module"]}
    assert not any(m.startswith("assistant") for m in loosened)


def test_the_tests_start_the_command_in_one_place() -> None:
    """tests/commands.py: one way to run it (its folder, its home, its error output kept)."""
    tests = PACKAGE.parent / "tests"
    spawning = [
        str(path.relative_to(tests))
        for path in tests.rglob("*.py")
        if path.name not in ("commands.py", "test_layout.py")
        and '"-m", "assistant"' in path.read_text(encoding="utf-8")
    ]
    assert not spawning
