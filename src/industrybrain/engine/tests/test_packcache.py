"""A pack loaded before comes from its cache file: equal to a fresh parse, never stale, and a
fresh process then answers the calculator's call reading no YAML and importing neither
DuckDB nor the expression parser (what a cold start would pay for)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from industrybrain.engine import load_pack
from industrybrain.engine.pack import PACKS_ROOT

SRC = Path(__file__).resolve().parents[3]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    where = tmp_path / "cache"
    monkeypatch.setenv("IB_PACK_CACHE", str(where))
    return where


def _fresh(path):
    old = os.environ.get("IB_PACK_CACHE")
    os.environ["IB_PACK_CACHE"] = "off"
    try:
        return load_pack(path)
    finally:
        if old is None:
            del os.environ["IB_PACK_CACHE"]
        else:
            os.environ["IB_PACK_CACHE"] = old


def test_the_cached_pack_is_the_parsed_pack(cache):
    first = load_pack("changzhou_2022")
    assert len(list(cache.glob("*.pickle"))) == 1
    again = load_pack("changzhou_2022")
    fresh = _fresh("changzhou_2022")
    assert again == fresh and first == fresh
    assert again is not first
    assert [p.positions for p in again.policies] == [p.positions for p in fresh.policies]
    assert [(t.when.pos if t.when else None) for p in again.policies for t in p.tiers] == \
        [(t.when.pos if t.when else None) for p in fresh.policies for t in p.tiers]


def test_a_changed_file_is_read_again_and_a_broken_cache_ignored(cache, tmp_path):
    root = tmp_path / "pack"
    shutil.copytree(PACKS_ROOT / "changzhou_2022", root)
    assert load_pack(root).version == _fresh(root).version
    meta = root / "pack.yaml"
    text = meta.read_text(encoding="utf-8")
    assert f'version: "{load_pack(root).version}"' in text
    meta.write_text(text.replace(f'version: "{load_pack(root).version}"',
                                 "version: changed-here"), encoding="utf-8")
    assert load_pack(root).version == "changed-here"
    assert len(list(cache.glob("pack-*.pickle"))) == 1  # the old version's file is gone
    for file in cache.glob("*.pickle"):
        file.write_bytes(b"not a pickle")
    assert load_pack(root) == _fresh(root)


def test_a_fresh_process_answers_from_the_cache_without_the_batch_machinery(cache):
    load_pack("changzhou_2022")  # fills the cache
    # The tables are made first (building them may import pandas, and so pyarrow.compute).
    script = (
        "import sys\n"
        "from industrybrain.engine.tests.firms import firm, tables\n"
        "snap = tables(firm(1, figures={2022: {'revenue': 10**10}}))\n"
        "before = set(sys.modules)\n"
        "from industrybrain.engine import load_pack, explain_one\n"
        "pack = load_pack('changzhou_2022')\n"
        "assert len(explain_one(pack, 2022, snap, 1)) > 10\n"
        "print(sorted(m for m in ('yaml', 'lark', 'duckdb', 'pyarrow.compute')"
        " if m in set(sys.modules) - before))\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(SRC)}, check=True)
    assert out.stdout.strip() == "[]", out.stderr


def test_without_a_writable_cache_the_pack_still_loads(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache directory would go")
    monkeypatch.setenv("IB_PACK_CACHE", str(blocked / "packs"))
    assert load_pack("changzhou_2022") == _fresh("changzhou_2022")
