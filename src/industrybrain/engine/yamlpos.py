"""YAML loading that remembers where every value came from, so errors can name a line."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


class Located(dict):
    """A mapping from YAML that knows the (line, column) of each key's value (1-based)."""

    positions: dict[str, tuple[int, int]]
    start: tuple[int, int]


class LocatedList(list):
    """A sequence from YAML that knows the (line, column) of each item."""

    positions: list[tuple[int, int]]
    start: tuple[int, int]


def _pos(node) -> tuple[int, int]:
    import yaml  # already imported by the loader that calls this

    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    # A quoted or folded scalar starts one character before its text.
    scalar = isinstance(node, yaml.ScalarNode)
    if scalar and node.style in ("'", '"'):
        col += 1
    if scalar and node.style in ("|", ">"):
        # A block scalar's text starts on the next line; its indent is not kept by PyYAML.
        line, col = line + 1, 0
    return line, col


def _construct_mapping(loader, node) -> Located:
    out = Located()
    out.positions = {}
    out.start = _pos(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int)):
            from yaml.constructor import ConstructorError

            raise ConstructorError(
                None, None, f"mapping key {key!r} must be text", key_node.start_mark)
        key = str(key)
        if key in out:
            from yaml.constructor import ConstructorError

            raise ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
        out.positions[key] = _pos(value_node)
    return out


def _construct_sequence(loader, node) -> LocatedList:
    out = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    out.positions = [_pos(child) for child in node.value]
    out.start = _pos(node)
    return out


@lru_cache(maxsize=1)
def _loader():
    """SafeLoader (never constructs Python objects) that returns Located containers. yaml is
    imported here: a pack from its cache holds Located containers but parses no YAML."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG,
                           _construct_sequence)
    # Dates stay text: the pack parses them itself, so a bad date gets a pack error with a key.
    Loader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


def load_located(text: str, file: str) -> Any:
    """Parse YAML text; syntax errors become PackError naming ``file`` and the line."""
    import yaml

    from .errors import PackError

    try:
        return yaml.load(text, Loader=_loader())  # noqa: S506 - derives from SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise PackError(f"YAML: {exc.problem or exc.context}", file, line, col) from None


def position(container: Any, key: str | int) -> tuple[int, int]:
    """Return where ``container[key]`` was written, or (0, 0) if not known."""
    positions = getattr(container, "positions", None)
    if positions is None:
        return (0, 0)
    try:
        return positions[key]
    except (KeyError, IndexError, TypeError):
        return getattr(container, "start", (0, 0))
