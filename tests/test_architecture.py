"""The core never imports a platform SDK or a protocol library; botbuilder stays inside adapters/teams."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_MODULES = ("slack_bolt", "slack_sdk", "botbuilder", "botframework", "aiohttp", "scim2_models", "scim2_server",
                    "adapters", "app")


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


def test_the_product_never_imports_the_fakes_or_the_tests():
    for folder in ("bot", "surveys", "storage", "app", "adapters"):
        for path, names in imported_modules(folder).items():
            assert not {n for n in names if n.split(".")[0] in ("fakes", "tests", "bench")}, path


def test_adapters_never_touch_the_database_layer_and_surveys_never_sqlalchemy():
    for path, names in imported_modules("adapters").items():
        assert not {n for n in names if n.startswith(("sqlalchemy", "storage.models"))}, path
    for path, names in imported_modules("surveys").items():
        assert not {n for n in names if n.startswith("sqlalchemy")}, path


def test_the_scan_sees_imports():
    assert "sqlalchemy.orm" in imported_modules("storage")["storage/db.py"]


PROJECT_PACKAGES = ("bot", "app", "adapters", "surveys", "storage", "fakes")


def module_imports(path: Path) -> set[str]:
    """Every module a module imports, at its top or inside a function (a cycle through a function's import
    is a cycle all the same, only hidden until it is called); `if TYPE_CHECKING:` blocks are left out."""
    names: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for block in ast.walk(tree):
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test):
            block.body = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def import_graph() -> dict[str, set[str]]:
    modules = {}
    for package in PROJECT_PACKAGES:
        for path in (ROOT / package).rglob("*.py") if (ROOT / package).exists() else ():
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            modules[name] = path
    return {name: {imported for imported in module_imports(path) if imported in modules and imported != name}
            for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles_between_project_modules():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert "bot.config" in import_graph()["bot.services.quiet_hours"]


def test_each_advisory_lock_has_a_key_of_its_own():
    from app.leader import LOCK_KEY
    from storage import audit

    assert audit._LOCK_ID != LOCK_KEY  # one key for both: the leader's own audited jobs waited forever


def test_starting_the_command_line_loads_no_statistics_or_charting_library():
    """Every `xgov` command starts a process (a replica, a worker, a cron job): scipy and matplotlib cost
    about half a second of start-up and are loaded only by the code that computes a figure or draws."""
    import subprocess
    import sys

    probe = "import sys, app.cli; print(sorted(m for m in ('scipy', 'matplotlib') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=Path(__file__).resolve().parents[1],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# Where naming a question type is a rule of a survey kind or a figure, not how a type behaves.
TYPE_NAMED_BY_RULE = {
    "surveys/definition_rules.py": "a maturity survey is made of likert items, a diagnostic of yes_no questions",
    "surveys/results.py": "maturity scores likert items; the diagnostic counts yes_no answers",
    "bot/digest/diagnostic_data.py": "the maturity items that answer diagnostic questions 4 and 5 are likert",
    "bot/digest/charts.py": "the pulse chart's axis is the 1-5 scale",
}


def type_name_comparisons(source: str) -> list[int]:
    """Lines comparing something's `.type` or `.scale` with a question type's name ("nps", ("nps", "likert"))."""
    from surveys.question_types import TYPES

    def names_a_type(node: ast.AST) -> bool:
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return any(names_a_type(element) for element in node.elts)
        return isinstance(node, ast.Constant) and node.value in TYPES

    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(isinstance(s, ast.Attribute) and s.attr in ("type", "scale") for s in sides) \
                    and any(names_a_type(s) for s in sides):
                lines.append(node.lineno)
    return lines


def test_a_question_type_is_asked_its_behaviour_not_its_name():
    """How a type is validated, offered, scored, compared and written lives in surveys/question_types: the
    code around it asks the type object (`question.kind.written`), never `if question.type == "text"`."""
    found = {}
    for folder in ("bot", "surveys", "app", "adapters"):
        for path in (ROOT / folder).rglob("*.py"):
            name = str(path.relative_to(ROOT))
            if name.startswith("surveys/question_types/") or name in TYPE_NAMED_BY_RULE:
                continue
            if lines := type_name_comparisons(path.read_text(encoding="utf-8")):
                found[name] = lines
    assert found == {}
    stale = [name for name in TYPE_NAMED_BY_RULE if not type_name_comparisons((ROOT / name).read_text(encoding="utf-8"))]
    assert stale == []  # an exception that no longer names a type leaves the list


def test_the_type_name_scan_sees_a_branch_on_a_type():
    assert type_name_comparisons('if question.type == "text":\n    pass\n') == [1]
    assert type_name_comparisons('ok = q.type in ("nps", "likert")\n') == [1]
    assert type_name_comparisons('if question.kind.written:\n    pass\n') == []
