"""The core never imports a platform SDK; botbuilder stays inside adapters/teams."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_MODULES = ("slack_bolt", "slack_sdk", "botbuilder", "botframework", "aiohttp", "adapters", "app")


def imported_modules(folder: str) -> dict[str, set[str]]:
    result = {}
    for path in (ROOT / folder).rglob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
        result[str(path.relative_to(ROOT))] = names
    return result


def test_core_surveys_and_storage_import_no_platform_or_adapter():
    for folder in ("bot", "surveys", "storage"):
        for path, names in imported_modules(folder).items():
            bad = {n for n in names if n.split(".")[0] in PLATFORM_MODULES}
            assert not bad, f"{path} imports {bad}"


def test_botbuilder_is_imported_only_inside_adapters_teams():
    for folder in ("bot", "surveys", "storage", "app", "adapters"):
        for path, names in imported_modules(folder).items():
            if path.startswith("adapters/teams"):
                continue
            assert not {n for n in names if n.startswith(("botbuilder", "botframework"))}, path


def test_the_scan_sees_imports():
    assert "sqlalchemy.orm" in imported_modules("storage")["storage/db.py"]
