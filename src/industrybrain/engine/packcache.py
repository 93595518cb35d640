"""A loaded pack kept on disk, so that a fresh process (a web worker, the calculator's first
request) gets it in milliseconds: parsing the YAML, the expressions and their type checks
takes ~0.4 s, unpickling the result a few ms.

The file is named by a digest of everything the pack is made of: every file under the
pack's directory, the engine modules that build a Pack from them and the vocabulary they
check against, the directory's path and the Python version. Change any of them and the
next load parses again; nothing is ever read stale. A broken or foreign file is ignored.
The vocabulary the pack's explanations read (designations, districts, its clusters) is kept
with it, so a fresh process reads no YAML at all.

Where: ``$IB_PACK_CACHE`` (``off`` to turn it off), else ``$XDG_CACHE_HOME`` or ``~/.cache``
under ``industrybrain/packs``. Only files owned by this user are read (a pickle runs code).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from collections.abc import Callable
from pathlib import Path

from . import vocab
from .model import Pack

HERE = Path(__file__).resolve().parent
# What turns a pack's files into a Pack: a change to any of them changes the digest.
CODE = [HERE / name for name in ("pack.py", "expr.py", "model.py", "check.py", "testcases.py",
                                 "yamlpos.py", "vocab.py", "packcache.py")] + [
    HERE.parent / "data" / name for name in ("designations.yaml", "districts.yaml")]


def cache_dir() -> Path | None:
    chosen = os.environ.get("IB_PACK_CACHE")
    if chosen == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = Path.home() / ".cache"
        except RuntimeError:  # no home directory (a service account): no cache
            return None
    return Path(base) / "industrybrain" / "packs"


def digest(root: Path) -> str:
    h = hashlib.sha256()
    h.update(f"{sys.version}\0{root.resolve()}\0".encode())
    files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    for path in files:
        h.update(str(path.relative_to(root)).encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    for path in CODE:
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def load(root: Path, build: Callable[[], Pack]) -> Pack:
    """The pack at ``root`` from the cache, or ``build()`` and keep it there."""
    where = cache_dir()
    if where is None:
        return build()
    try:
        key = digest(root)
    except OSError:
        return build()
    path = where / f"{root.name}-{key[:40]}.pickle"
    try:
        if path.stat().st_uid == os.getuid():
            with open(path, "rb") as fh:
                pack, words = pickle.load(fh)  # noqa: S301 - our own file, named by contents
            if isinstance(pack, Pack):
                # The vocabulary its explanations read, parsed from the same files.
                vocab.given(words)
                return pack
    except FileNotFoundError:
        pass
    except Exception:  # noqa: BLE001 - a broken cache file is rebuilt, never an error
        pass
    pack = build()
    _store(where, path, pack)
    return pack


def _store(where: Path, path: Path, pack: Pack) -> None:
    import tempfile  # here: a load from the cache never needs it

    try:
        where.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump((pack.replace(), vocab.parsed(pack.root)), fh,
                        protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)  # readers see the whole file or none
        # Earlier versions of the same pack are of no further use.
        for old in where.glob(f"{path.name.rsplit('-', 1)[0]}-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass
