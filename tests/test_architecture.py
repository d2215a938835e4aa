"""The layering rules, read from the code itself: every project Python file is parsed with ``ast``.

- infrastructure (``portal``, ``sync``, ``search``) never imports a domain module (settings'
  ``PORTAL_MODULES``), not even inside a function;
- a models module (``models.py`` or ``models/``) never imports views, selectors or services,
  its own app's or another's;
- no two apps import each other (tests and migrations aside);
- no Python file outside migrations is longer than ``MAX_LINES``.

Each failure lists every offender, as ``path:line imports module``.
"""

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
INFRASTRUCTURE = ("portal", "sync", "search")
UPWARD = ("views", "selectors", "services")  # what a models module must not import
MAX_LINES = 400
SKIPPED_FOLDERS = {"__pycache__", "node_modules", "var"}  # and every folder whose name starts with "."


def domain_apps() -> tuple[str, ...]:
    return tuple(settings.PORTAL_MODULES)


def project_apps() -> tuple[str, ...]:
    """The installed apps that live in this repository (accounts, audit, … as well as the above)."""
    return tuple(app for app in settings.INSTALLED_APPS if "." not in app and (ROOT / app).is_dir())


@dataclass(frozen=True)
class Import:
    path: str  # relative to the repository
    line: int
    module: str  # dotted, absolute
    names: tuple[str, ...] = ()  # of ``from module import …``: each may be a module itself

    @property
    def modules(self) -> tuple[str, ...]:
        return (self.module, *(f"{self.module}.{name}" for name in self.names))

    def __str__(self):
        names = f" ({', '.join(self.names)})" if self.names else ""
        return f"{self.path}:{self.line} imports {self.module}{names}"


def python_files(root: Path = ROOT):
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root).parts
        if any(part.startswith(".") or part in SKIPPED_FOLDERS for part in parts[:-1]):
            continue
        yield path


def is_migration(path: Path, root: Path = ROOT) -> bool:
    return "migrations" in path.relative_to(root).parts


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, root: Path = ROOT) -> list[Import]:
    """Every module the file imports, wherever the statement is (a function body included).

    ``from a import b`` counts as importing ``a`` and ``a.b`` (``b`` may be a module);
    ``import_module("a.b")`` with a literal counts too.
    """
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    relative = str(path.relative_to(root))
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=relative)):
        if isinstance(node, ast.Import):
            found += [Import(relative, node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            else:
                base = node.module
            found.append(Import(relative, node.lineno, base, tuple(alias.name for alias in node.names)))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append(Import(relative, node.lineno, node.args[0].value))
    return sorted(found, key=lambda found: found.line)


def app_of(module: str, apps) -> str | None:
    top = module.split(".")[0]
    return top if top in apps else None


def app_imports(root: Path = ROOT, apps=None) -> dict[str, list[Import]]:
    """Per project app, the imports its own code makes (its migrations aside)."""
    apps = apps or project_apps()
    found = defaultdict(list)
    for path in python_files(root):
        app = app_of(module_name(path, root), apps)
        if app and not is_migration(path, root):
            found[app] += imports_of(path, root)
    return found


def infrastructure_importing_the_domain(imports: dict[str, list[Import]], domain) -> list[Import]:
    return [found for app in INFRASTRUCTURE for found in imports.get(app, []) if app_of(found.module, domain)]


def models_importing_upward(imports: dict[str, list[Import]]) -> list[Import]:
    def is_models(path: str) -> bool:
        parts = Path(path).with_suffix("").parts
        return len(parts) >= 2 and parts[1] == "models"

    def is_upward(app: str, module: str) -> bool:
        # Any app's views, selectors or services: a model is what they are built on, never the reverse.
        parts = module.split(".")
        return len(parts) >= 2 and parts[1] in UPWARD

    return [
        found
        for app, app_found in imports.items()
        for found in app_found
        if is_models(found.path) and any(is_upward(app, module) for module in found.modules)
    ]


def apps_importing_each_other(imports: dict[str, list[Import]], apps) -> list[str]:
    edges = defaultdict(list)
    for app, app_found in imports.items():
        for found in app_found:
            other = app_of(found.module, apps)
            if other and other != app:
                edges[app, other].append(found)
    cycles = []
    for first, second in sorted(edges):
        if first < second and (second, first) in edges:
            cycles.append(
                f"{first} <-> {second}: {edges[first, second][0]} ({len(edges[first, second])} in all); "
                f"{edges[second, first][0]} ({len(edges[second, first])} in all)"
            )
    return cycles


def long_files(root: Path = ROOT) -> list[str]:
    lengths = (
        (path, len(path.read_text(encoding="utf-8").splitlines()))
        for path in python_files(root)
        if not is_migration(path, root)
    )
    return [f"{path.relative_to(root)}: {count} lines" for path, count in lengths if count > MAX_LINES]


def report(offenders) -> str:
    return f"{len(offenders)} offender(s):\n" + "\n".join(f"  {offender}" for offender in offenders)


@pytest.fixture(scope="module")
def imports():
    return app_imports()


def test_infrastructure_never_imports_a_domain_module(imports):
    offenders = infrastructure_importing_the_domain(imports, domain_apps())
    if offenders:
        infrastructure = "/, ".join(INFRASTRUCTURE)
        pytest.fail(f"{infrastructure}/ import domain modules; " + report(offenders), pytrace=False)


def test_a_models_module_never_imports_views_selectors_or_services(imports):
    offenders = models_importing_upward(imports)
    if offenders:
        pytest.fail("models modules import upward; " + report(offenders), pytrace=False)


def test_no_two_apps_import_each_other(imports):
    offenders = apps_importing_each_other(imports, project_apps())
    if offenders:
        pytest.fail("apps import each other; " + report(offenders), pytrace=False)


def test_no_python_file_outside_migrations_is_longer_than_400_lines():
    offenders = long_files()
    if offenders:
        pytest.fail(f"files over {MAX_LINES} lines; " + report(offenders), pytrace=False)


# The walk itself, on a small project planted with one offence of each kind.
PLANTED = {
    "portal/__init__.py": "",
    "portal/access.py": "def rule():\n    from materials.models import Material\n\n    return Material\n",
    "materials/__init__.py": "",
    "materials/models.py": "from . import services\n",
    "materials/services.py": "import portal.access\n",
    "materials/migrations/0001_initial.py": "import events.models\n" + "x = 1\n" * 500,
    "events/__init__.py": "",
    "events/models.py": "from importlib import import_module\n\nimport_module('materials.models')\n",
    "events/views.py": "\n" * 401,
    ".venv/lib/long.py": "\n" * 500,
}


@pytest.fixture
def planted(tmp_path):
    for name, text in PLANTED.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path, app_imports(tmp_path, apps=("portal", "materials", "events"))


def test_the_walk_finds_an_infrastructure_import_inside_a_function(planted):
    _, imports = planted
    offenders = infrastructure_importing_the_domain(imports, ("materials", "events"))
    assert [str(o) for o in offenders] == ["portal/access.py:2 imports materials.models (Material)"]


def test_the_walk_finds_a_models_module_importing_its_services_relatively(planted):
    _, imports = planted
    assert [str(o) for o in models_importing_upward(imports)] == [
        "materials/models.py:1 imports materials (services)"
    ]


def test_the_walk_finds_two_apps_importing_each_other_but_not_through_a_migration(planted):
    _, imports = planted
    [cycle] = apps_importing_each_other(imports, ("portal", "materials", "events"))
    assert cycle.startswith("materials <-> portal: materials/services.py:1 imports portal.access")
    assert any(o.module == "materials.models" for o in imports["events"])  # import_module("…") counts


def test_the_walk_finds_a_long_file_but_not_a_migration_or_a_hidden_folder(planted):
    root, _ = planted
    assert long_files(root) == ["events/views.py: 401 lines"]
