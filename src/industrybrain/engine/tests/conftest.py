"""Engine tests run without Django: the engine is pure Python (see test_purity.py)."""

import sys
from pathlib import Path

# The package is not installed in every environment: make ``src`` importable.
SRC = Path(__file__).resolve().parents[3]
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))
