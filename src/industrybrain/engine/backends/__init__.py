"""Backends run a compiled pack. DuckDB is the embedded default; a Spark backend would
subclass :class:`~industrybrain.engine.sqlexpr.SqlDialect` the same way (see duckdb.py)."""
