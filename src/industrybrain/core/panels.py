"""Panels that apps above add to the enterprise page, without the enterprises app
importing them (core is the ground floor; DESIGN §9): an app registers a function
``panel(request, enterprise) -> str`` (HTML, '' for nothing) from its AppConfig.ready, and
the enterprise page renders every registered panel, in the order given."""

from __future__ import annotations

from collections.abc import Callable

_PANELS: list[tuple[int, str, Callable]] = []


def register(order: int, name: str, panel: Callable) -> None:
    """Add (or replace, by ``name``) a panel; lower ``order`` shows first."""
    _PANELS[:] = [p for p in _PANELS if p[1] != name]
    _PANELS.append((order, name, panel))
    _PANELS.sort(key=lambda p: p[0])


def render(request, enterprise) -> list[str]:
    return [html for _order, _name, panel in _PANELS if (html := panel(request, enterprise))]
