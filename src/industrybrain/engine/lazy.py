"""A module imported when first used.

The one-firm path (calculator, explain_one) runs in plain Python: importing what only the
batch needs (pyarrow.compute ~60 ms, duckdb ~120 ms, lark ~40 ms on this machine) would be
most of its cold start.
"""

from __future__ import annotations

import importlib
from types import ModuleType


class LazyModule:
    """Stands for the module ``name``; the first attribute read imports it."""

    def __init__(self, name: str):
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str):
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self._name)
        return getattr(module, attr)
