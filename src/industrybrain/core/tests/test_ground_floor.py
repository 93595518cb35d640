"""Core is the ground floor (DESIGN §9): no module of core/ imports a domain app, so that
every app may build on core and core on none of them. The domain apps are read from
INSTALLED_APPS, not from a list here: a new app is covered without a change to this test."""

import ast
from pathlib import Path

from django.conf import settings

CORE = Path(__file__).resolve().parent.parent
PACKAGE = "industrybrain.core"


def domain_apps() -> set[str]:
    return {app for app in settings.INSTALLED_APPS
            if app.startswith("industrybrain.") and app != PACKAGE}


def _module_of(path: Path) -> str:
    """The dotted name relative imports resolve against (a package's ``__init__`` kept, so
    that ``from . import x`` in it means the package itself)."""
    return ".".join((PACKAGE, *path.relative_to(CORE).with_suffix("").parts))


def imported(source: str, module: str) -> set[str]:
    """Every module name ``source`` imports (at the top or inside a function), relative
    imports resolved against ``module``, and every string naming a dotted path in the
    package (import_string, apps.get_model by path)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")[: -node.level] if module else []
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value.startswith("industrybrain."):
                names.add(node.value)
    return names


def _domain(name: str, apps: set[str]) -> str | None:
    return next((app for app in apps if name == app or name.startswith(app + ".")), None)


def violations() -> list[str]:
    apps = domain_apps()
    found = []
    for path in sorted(CORE.rglob("*.py")):
        if "tests" in path.relative_to(CORE).parts:
            continue
        module = _module_of(path)
        hits = {}
        for name in sorted(imported(path.read_text(encoding="utf-8"), module)):
            if app := _domain(name, apps):
                hits.setdefault(app, name)  # the shortest name: one line per app
        found += [f"{path.relative_to(CORE.parent)} imports {name}" for name in hits.values()]
    return found


def test_core_imports_no_domain_app():
    assert violations() == []


def test_the_domain_apps_are_the_installed_ones():
    apps = domain_apps()
    assert {"industrybrain.enterprises", "industrybrain.policies", "industrybrain.web"} <= apps
    assert PACKAGE not in apps


def test_the_check_sees_every_way_of_importing():
    apps = domain_apps()
    source = (
        "import industrybrain.enterprises.models\n"
        "def f():\n    from industrybrain.policies import ledger\n"
        "from ..targets import loading\n"
        "X = 'industrybrain.web.wsgi.application'\n"
        "from . import money\n"
        "from industrybrain.engine import load_pack\n"
    )
    names = imported(source, "industrybrain.core.sample")
    hits = {_domain(n, apps) for n in names} - {None}
    assert hits == {"industrybrain.enterprises", "industrybrain.policies",
                    "industrybrain.targets", "industrybrain.web"}
