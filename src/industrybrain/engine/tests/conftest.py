"""Engine tests run without Django: the engine is pure Python (see test_purity.py)."""

import sys
from pathlib import Path

# The package is not installed in every environment: make ``src`` importable.
SRC = Path(__file__).resolve().parents[3]
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))


import pytest  # noqa: E402


@pytest.fixture(params=["duckdb"])
def backend(request):
    """The backend a regression test runs on. Spark runs every firm of these tests in one
    snapshot instead (test_spark.py::test_regression_firms_same_on_duckdb_and_spark): one
    Spark evaluation per test would cost minutes each."""
    return request.param
