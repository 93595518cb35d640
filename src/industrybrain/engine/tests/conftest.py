"""Engine tests run without Django: the engine is pure Python (see test_purity.py)."""

import sys
from pathlib import Path

# The package is not installed in every environment: make ``src`` importable.
SRC = Path(__file__).resolve().parents[3]
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

import os  # noqa: E402
import shutil  # noqa: E402

import pytest  # noqa: E402


def spark_or_skip():
    """The engine's Spark session; skips without pyspark or Java (fails under CI=true)."""
    missing = None
    try:
        import pyspark  # noqa: F401
    except ImportError:
        missing = "pyspark is not installed (pip install -e '.[test]')"
    if missing is None and shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        missing = "no Java runtime (Spark 4 needs Java 17 or 21)"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Spark tests cannot run in CI: {missing}")
        pytest.skip(missing)
    from industrybrain.engine.backends.spark import session

    return session()


@pytest.fixture(params=["duckdb"])
def backend(request):
    """The backend a regression test runs on. Spark runs every firm of these tests in one
    snapshot instead (test_spark.py::test_regression_firms_same_on_duckdb_and_spark): one
    Spark evaluation per test would cost minutes each."""
    return request.param
