"""The layers of the app, kept by its imports (README, "Architecture"): a small core at the bottom, features side
by side on it (each may lean on a feature below it for a reason a newcomer would guess), screens that combine
features on top, and the app factory and commands above all. Walks every module's imports (not those only for
type checking) and fails on an import that breaks the table, or when the app stands on more than 8 floors."""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import familyapp

PACKAGE = Path(familyapp.__file__).resolve().parent

#: The core: the database, the audit, languages, forms and their optimistic locking, access and the viewer's rules,
#: dates, logins and their notices, the family and its people, the consent gate with the records it judges by
#: (the consent feature alone writes them), paging through a family's history, repeat visits answered 304, the
#: logs and the optional tracing, and the municipalities every row belongs to.
CORE = {
    "db", "audit", "i18n", "config", "extensions", "forms", "locking", "access", "viewer", "dates", "textdata",
    "gate", "jsonlimit", "proxies", "auth", "families", "language", "paging", "caching", "logs", "tracing",
    "tenancy",
}  # fmt: skip
#: Each feature and the features below it that it may import, with the reason.
FEATURES = {
    "plans": set(),
    "network": set(),
    "meetings": {"network"},  # participants are picked from the network map
    "scales": {"meetings"},  # answer windows open before and after meetings
    "yearwheel": {"meetings", "plans"},  # the year shows the meetings and the plan's rhythm
    "consent": {"meetings", "network"},  # consent is asked for people on the map, and for meeting invitations
    "reminders": {"meetings", "scales"},  # reminders of tomorrow's meeting and of questions waiting
    "recovery": set(),
    "signin": {"recovery"},  # a passkey added through a recovery tells its owner who confirmed it
    "admin": {"recovery", "meetings"},  # an admin asks for a recovery; sets follow-up rules beside the usual one
    "leader": {"recovery"},  # the team leader confirms recoveries
    "operator": set(),
    "pwa": set(),
    "health": set(),
}
#: Screens that combine features: they may import any feature; nothing imports them.
SCREENS = {"overview"}
#: The app factory, the commands, the demo (a package), the models' roll call for Alembic, the migrations (shipped
#: in the package; their env.py reads the models), the job queue and gunicorn's settings: above everything.
APP = {"", "cli", "cli_accounts", "demo", "models", "migrations", "gunicorn_conf", "jobs"}


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _part(module: str) -> tuple[str, str]:
    """(layer, unit) of a module name relative to the package, e.g. ("feature", "meetings")."""
    for core in CORE:
        if module == core or module.startswith(core + "."):
            return "core", core
    top = module.split(".")[0]
    if module in APP or top in APP:
        return "app", top
    if top in FEATURES:
        return "feature", top
    if top in SCREENS:
        return "screen", top
    raise AssertionError(f"familyapp.{module} is in no layer: add it to tests/test_layers.py")


def _imports(path: Path, module: str) -> set[str]:
    """The modules of the package that a module imports when it runs."""
    tree = ast.parse(path.read_text())
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.dump(block.test)
        for stmt in block.body
        for node in ast.walk(stmt)
    }
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                target = ".".join([*base, *([node.module] if node.module else [])])
            elif (node.module or "").startswith("familyapp"):
                target = node.module.removeprefix("familyapp").lstrip(".")
            else:
                continue
            for alias in node.names:
                # "from . import db" imports the module db; "from .models import Family", the module models
                submodule = f"{target}.{alias.name}".lstrip(".")
                found.add(submodule if submodule in MODULES else target)
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("familyapp.") for a in node.names if a.name.startswith("familyapp.")}
    return {m for m in found if m in MODULES} - {module}


MODULES = {_name(path): path for path in PACKAGE.rglob("*.py")}
GRAPH = {module: _imports(path, module) for module, path in MODULES.items()}


def _allowed(source: str, target: str) -> bool:
    (layer, unit), (target_layer, target_unit) = _part(source), _part(target)
    if target_layer == "app":
        return layer == "app"
    if layer == "app" or unit == target_unit or target_layer == "core":
        return True
    if layer == "core":
        return False
    if layer == "screen":
        return target_layer == "feature"
    return target_layer == "feature" and target_unit in FEATURES[unit]


def test_every_import_follows_the_layers():
    wrong = sorted(
        f"familyapp.{source} imports familyapp.{target}"
        for source, targets in GRAPH.items()
        for target in targets
        if not _allowed(source, target)
    )
    assert wrong == []


def _packages() -> dict[str, set[str]]:
    """The import graph between units (a core module or package, a feature, a screen), below the app."""
    graph: dict[str, set[str]] = {}
    for source, targets in GRAPH.items():
        if _part(source)[0] == "app":
            continue
        unit = _part(source)[1]
        graph.setdefault(unit, set()).update(_part(t)[1] for t in targets if _part(t)[0] != "app")
        graph[unit].discard(unit)
    return graph


def test_no_package_imports_run_in_a_circle():
    """Drawn package by package, the imports only go down: no package reaches itself through others."""
    graph, circles = _packages(), []

    def walk(unit: str, path: tuple[str, ...]) -> None:
        for target in sorted(graph.get(unit, ())):
            if target == path[0]:
                circles.append(" -> ".join((*path, target)))
            elif target not in path and target > path[0]:
                walk(target, (*path, target))

    for unit in sorted(graph):
        walk(unit, (unit,))
    assert circles == []


def test_no_module_imports_itself_through_others():
    """Module by module too: a circle would make the floors below uncountable (and Python's imports fragile)."""
    circles = []

    def walk(module: str, path: tuple[str, ...]) -> None:
        for target in sorted(GRAPH[module]):
            if target == path[0]:
                circles.append(" -> ".join((*path, target)))
            elif target not in path and target > path[0]:
                walk(target, (*path, target))

    for module in sorted(GRAPH):
        walk(module, (module,))
    assert circles == []


def test_the_app_stands_on_at_most_9_floors():
    """Nine since the municipalities: every model stands on tenancy (its municipality column), which stands on db."""
    below = {m: t for m, t in GRAPH.items() if _part(m)[0] != "app"}

    @functools.cache
    def floors(module: str) -> int:
        return 1 + max((floors(t) for t in below[module] if t in below), default=0)

    assert max(map(floors, below)) <= 9


def test_the_table_catches_a_feature_importing_a_screen_or_a_feature_above_it():
    assert not _allowed("meetings.views", "overview.views")
    assert not _allowed("network.services", "meetings.queries")
    assert not _allowed("gate", "meetings.queries")
    assert _allowed("yearwheel.views", "meetings.queries") and _allowed("overview.views", "scales.queries")
