"""Role-scope checks that every page and API endpoint about one enterprise inherits.

Each app declares its per-enterprise URLs (a function of the enterprise) in a ``testing``
module of its own, with ``declare``; ``enterprise_urls()`` imports those modules and returns
them all, and tests/test_role_scope.py walks them for every role. Core names no app: it
only collects what the apps above it declare.
"""

from collections.abc import Callable
from importlib import import_module

_URLS: dict[str, tuple[Callable, str]] = {}


def declare(name: str, make_url: Callable, kind: str) -> None:
    """``make_url(enterprise) -> path``; ``kind`` is "page" or "api"."""
    _URLS[name] = (make_url, kind)


def enterprise_urls() -> dict[str, tuple[Callable, str]]:
    """Every installed app's declarations, by name."""
    from django.apps import apps
    from django.utils.module_loading import module_has_submodule

    for config in apps.get_app_configs():
        if config.name.startswith("industrybrain.") and module_has_submodule(config.module, "testing"):
            import_module(f"{config.name}.testing")
    return dict(_URLS)
