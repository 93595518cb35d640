"""Citations: every item of a policy pack quotes the article it comes from.

A citation is a mapping ``{seed: <file name in the seeds directory>, quote: <verbatim text>}``,
written as ``citation: {...}`` or as one item of ``citations: [{...}, ...]``, at any depth of
any YAML file of a pack. The quote must be a verbatim substring of the article's text with
its HTML tags removed and its entities unescaped (see :func:`article_text`), and must not
span a line break, so that a reviewer can find it with the browser's search in one line.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml

SEEDS_ENV = "IB_SEEDS_DIR"

# Comments go first: one of the articles hides whole tagged paragraphs inside a comment
# (`<!--article_adlist[<p …>举报/反馈</p>]article_adlist-->`), which is not article text.
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_TAG = re.compile(r"<[^<>]*>")
# Seeds are named by a plain file name; anything else could read outside the directory.
_SEED_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class Citation(NamedTuple):
    """One citation found in a pack: where it is, and what it claims."""

    file: Path
    yaml_path: str  # e.g. "clusters[0].segments[2].citation"
    seed: Any  # str when well formed; anything else is reported by check_citation
    quote: Any


def strip_html(text: str) -> str:
    """Return ``text`` with comments and tags removed and HTML entities unescaped.

    Tags are removed without a replacement because the articles put inline tags
    (``<font>``, ``<span>``, ``<a>``) inside sentences; paragraphs keep their line breaks.
    """
    text = _COMMENT.sub("", text)
    text = _TAG.sub("", text)
    return html.unescape(text)


def find_seeds_dir() -> Path | None:
    """Return the seeds directory: ``$IB_SEEDS_DIR``, else ``<repo>/../shared/seeds``.

    ``<repo>`` is the nearest directory above this file holding ``pyproject.toml``.
    Returns None when neither gives a directory that exists.
    """
    env = os.environ.get(SEEDS_ENV)
    if env:
        path = Path(env)
        return path if path.is_dir() else None
    for parent in Path(__file__).resolve().parents:
        if (parent / "pyproject.toml").is_file():
            path = parent.parent / "shared" / "seeds"
            return path if path.is_dir() else None
    return None


@lru_cache(maxsize=64)
def _article_text(path: Path) -> str:
    return strip_html(path.read_text(encoding="utf-8"))


def article_text(seed: str, seeds_dir: Path | None = None) -> str:
    """Return the tag-stripped, unescaped text of the article ``seed``.

    Raises ``FileNotFoundError`` when the seeds directory or the seed is missing and
    ``ValueError`` when ``seed`` is not a plain file name.
    """
    if not isinstance(seed, str) or not _SEED_NAME.match(seed):
        raise ValueError(f"seed must be a plain file name, got {seed!r}")
    seeds_dir = seeds_dir or find_seeds_dir()
    if seeds_dir is None:
        raise FileNotFoundError(f"no seeds directory (set {SEEDS_ENV})")
    path = (Path(seeds_dir) / seed).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"seed {seed!r} not found in {seeds_dir}")
    return _article_text(path)


def check_citation(seed: Any, quote: Any, seeds_dir: Path | None = None) -> str | None:
    """Return None when ``quote`` occurs verbatim in ``seed``'s text, else why it does not."""
    if not isinstance(seed, str) or not seed:
        return f"citation has no seed file name (got {seed!r})"
    if not isinstance(quote, str) or not quote.strip():
        return f"citation of {seed} has no quote (got {quote!r})"
    if "\n" in quote or "\r" in quote:
        return f"quote spans a line break, quote one clause instead: {quote!r}"
    try:
        text = article_text(seed, seeds_dir)
    except (FileNotFoundError, ValueError) as exc:
        return str(exc)
    if quote not in text:
        return f"quote not found in {seed}: {quote!r}"
    return None


def _walk(node: Any, path: str, file: Path) -> Iterator[Citation]:
    if isinstance(node, dict):
        for key, value in node.items():
            child = f"{path}.{key}" if path else str(key)
            if key == "citation":
                yield _as_citation(value, child, file)
            elif key == "citations":
                if isinstance(value, list):
                    for i, item in enumerate(value):
                        yield _as_citation(item, f"{child}[{i}]", file)
                else:
                    # Not a list: report it rather than pass over it silently.
                    yield Citation(file, child, None, value)
            else:
                yield from _walk(value, child, file)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _walk(item, f"{path}[{i}]", file)


def _as_citation(value: Any, path: str, file: Path) -> Citation:
    if isinstance(value, dict):
        return Citation(file, path, value.get("seed"), value.get("quote"))
    return Citation(file, path, None, value)


def yaml_files(pack: Path) -> list[Path]:
    """Every YAML file under ``pack``, in a stable order."""
    pack = Path(pack)
    return sorted(p for p in pack.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml"))


def iter_file_citations(file: Path) -> Iterator[Citation]:
    """Yield every citation in one YAML file (all its documents), at any depth."""
    with open(file, encoding="utf-8") as fh:
        docs = list(yaml.safe_load_all(fh))
    for n, doc in enumerate(docs):
        # Most files hold one document; name the document only when there are several.
        yield from _walk(doc, f"[doc {n}]" if len(docs) > 1 else "", Path(file))


def iter_citations(pack: Path) -> Iterator[Citation]:
    """Yield (file, yaml path, seed, quote) for every citation in every YAML file of ``pack``.

    A citation that is not a ``{seed, quote}`` mapping is yielded with ``seed=None`` so
    that :func:`check_citation` reports it.
    """
    for file in yaml_files(pack):
        yield from iter_file_citations(file)
