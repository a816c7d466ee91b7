"""The layering the code relies on: read from the source, so a stray import fails here."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _modules(package: str) -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function (TYPE_CHECKING aside)."""
    tree = ast.parse(path.read_text(), str(path))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(child) for stmt in node.body for child in ast.walk(stmt))
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


SERVICES = _modules("services")


def _graph() -> dict[str, set[str]]:
    return {name: {dep for dep in _imports(path) if dep in SERVICES and dep != name}
            for name, path in SERVICES.items()}


def test_no_import_circle_among_services() -> None:
    graph = _graph()
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            cycle = [*path[path.index(name):], name]
            pytest.fail("import circle: " + " -> ".join(cycle))
        if name in done:
            return
        for dep in sorted(graph[name]):
            visit(dep, [*path, name])
        done.add(name)

    for name in graph:
        visit(name, [])


def test_the_facade_imports_every_service_at_the_top() -> None:
    tree = ast.parse(SERVICES["services.context"].read_text())
    nested = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)
              for inner in ast.walk(node) if isinstance(inner, (ast.Import, ast.ImportFrom))]
    assert nested == []


@pytest.mark.parametrize("module", sorted(SERVICES))
def test_each_services_module_imports_alone(module: str) -> None:
    # A fresh interpreter per module: an order-dependent circle would fail here.
    result = subprocess.run([sys.executable, "-c", f"import {module}"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def _offenders(package: str, forbidden: tuple[str, ...]) -> list[str]:
    return [f"{name} imports {dep}" for name, path in _modules(package).items()
            for dep in sorted(_imports(path))
            if dep.split(".")[0] in forbidden]


def test_services_know_neither_telegram_nor_the_composition_root() -> None:
    assert _offenders("services", ("bot", "aiogram", "handlers", "telegram", "api")) == []


def test_handlers_do_not_reach_into_the_composition_root() -> None:
    assert _offenders("handlers", ("bot",)) == []


def test_env_example_names_every_setting_of_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("| `TELEGRAM_BOT_TOKEN`"):]
    table = table[:table.index("\n\n")]
    documented = {name for line in table.splitlines()
                  for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", line.split("|")[1])}
    example = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(),
                             re.MULTILINE))
    assert documented and documented - example == set()


BOT_MODULE_MAX_LINES = 400


def test_every_module_of_the_composition_root_is_under_400_lines() -> None:
    # bot/ wires the pieces; a module growing past this is doing something else's job.
    long = {name: lines for name, path in _modules("bot").items()
            if (lines := len(path.read_text().splitlines())) >= BOT_MODULE_MAX_LINES}
    assert long == {}


def test_the_http_adapter_does_not_reach_into_the_composition_root() -> None:
    # api/ gets what it needs (ApiDeps, ApiConfig) from bot/web.py; it never imports bot.
    assert _offenders("api", ("bot",)) == []


def test_the_telegram_runtime_knows_no_router() -> None:
    # telegram/ is shared by handlers and workers: it may build buttons (callbacks,
    # keyboards) but never import a router module, nor the composition root.
    allowed = {"handlers.callbacks", "handlers.keyboards"}
    found = [f"{name} imports {dep}" for name, path in _modules("telegram").items()
             for dep in sorted(_imports(path))
             if (dep.split(".")[0] == "bot"
                 or (dep.startswith("handlers.") and ".".join(dep.split(".")[:2]) not in allowed))]
    assert found == []


def _vocabulary() -> set[str]:
    tree = ast.parse((ROOT / "services" / "vocabulary.py").read_text())
    return {node.name for node in tree.body if isinstance(node, ast.ClassDef)}


def test_adapters_take_the_domain_words_from_the_vocabulary() -> None:
    # Roles, statuses and decisions live in services/vocabulary.py; the ORM module only
    # stores them.
    words = _vocabulary()
    assert {"Role", "ThesisStatus", "Decision", "TeamRole"} <= words
    found = []
    for package in ("handlers", "api", "telegram", "bot"):
        for name, path in _modules(package).items():
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.ImportFrom) and node.module == "storage.models":
                    found += [f"{name} imports {alias.name} from storage.models"
                              for alias in node.names if alias.name in words]
    assert found == []


# Modules of handlers/ that are not routers: what the routers share to build their answers.
HANDLER_HELPERS = {"handlers", "handlers.callbacks", "handlers.keyboards", "handlers.filters",
                   "handlers.pickers", "handlers.views", "handlers.checklist",
                   "handlers.dates"}


def test_handlers_hold_routers_and_what_they_share() -> None:
    loose = [name for name, path in _modules("handlers").items()
             if name not in HANDLER_HELPERS and "def create_router(" not in path.read_text()]
    assert loose == []


def test_who_supervises_is_asked_of_the_team_only() -> None:
    # users.invited_by_id says who invited someone, nothing more: registration writes it and
    # no rule reads it. Who supervises, whose students, who is told: services/team.py.
    allowed = {"storage.models", "services.registration"}
    readers = [name for package in ("services", "storage", "handlers", "api", "telegram", "bot")
               for name, path in _modules(package).items()
               if name not in allowed and "invited_by_id" in path.read_text()]
    assert readers == []
    assert "supervisor_id" not in (ROOT / "storage" / "repositories" / "users.py").read_text()


def _service_methods() -> dict[str, list[str]]:
    """Each public async method of a service class, with its decorators."""
    found = {}
    for path in sorted((ROOT / "services").glob("*.py")):
        for cls in ast.parse(path.read_text()).body:
            if isinstance(cls, ast.ClassDef) and any(
                    isinstance(base, ast.Name) and base.id == "BaseService" for base in cls.bases):
                for fn in cls.body:
                    if isinstance(fn, ast.AsyncFunctionDef) and not fn.name.startswith("_"):
                        found[f"{cls.name}.{fn.name}"] = [ast.unparse(d) for d in
                                                          fn.decorator_list]
    return found


def test_every_public_service_method_says_how_it_ends_its_transaction() -> None:
    methods = _service_methods()
    # services/base.py: @writes commits on return and rolls back on error; @read_only ends
    # the read. No service method commits or rolls back by hand.
    undecided = {name for name, decorators in methods.items()
                 if not {"read_only", "writes"} & set(decorators)}
    assert methods and undecided == set(), "decorate with @read_only or @writes"


def test_no_service_class_commits_or_rolls_back_by_hand() -> None:
    # The decorators end transactions (services/base.py); a hand-written block beside them
    # is the hidden contract issue 25 removed.
    found = []
    for path in sorted((ROOT / "services").glob("*.py")):
        if path.name == "base.py":
            continue
        for cls in ast.parse(path.read_text()).body:
            if isinstance(cls, ast.ClassDef) and any(
                    isinstance(base, ast.Name) and base.id == "BaseService" for base in cls.bases):
                found += [f"{path.stem}.{cls.name}: {ast.unparse(node)}"
                          for node in ast.walk(cls) if isinstance(node, ast.Call)
                          and isinstance(node.func, ast.Attribute)
                          and node.func.attr in ("commit", "rollback")]
    assert found == []


def test_a_decision_lives_in_one_table() -> None:
    # Issue 25: a member's vote and the version's outcome were the same columns in two
    # tables. Every decision is a row of reviews now; the outcome is the row that decided.
    from storage.models import Base
    tables = {name for name, table in Base.metadata.tables.items() if "decision" in table.c}
    assert tables == {"reviews"}
    assert "outcome_at" in Base.metadata.tables["reviews"].c
