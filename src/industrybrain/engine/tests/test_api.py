"""The public API the web layer calls, and the guide that documents it."""

from pathlib import Path

import pyarrow as pa
import pytest

from industrybrain.engine import InputError, evaluate, explain_one, load_pack
from industrybrain.engine.check import FUNCTIONS
from industrybrain.engine.vocab import ORG_VARIABLES, VARIABLES

from .synthetic import snapshot

GUIDE = Path(__file__).resolve().parents[4] / "docs" / "policy-packs.md"
COLUMNS = ["enterprise_id", "policy_id", "year", "status", "tier", "amount_yuan", "cap_bound",
           "explanation_zh", "explanation_en", "inputs"]


def test_evaluate_returns_the_documented_columns():
    pack = load_pack("changzhou_2022")
    result = evaluate(pack, 2022, *snapshot(50))
    assert isinstance(result, pa.Table)
    assert result.column_names == COLUMNS
    assert result.schema.field("amount_yuan").type == pa.int64()
    assert set(result["status"].to_pylist()) <= {"eligible", "not_eligible", "insufficient_data"}


def test_evaluate_accepts_dicts_of_columns():
    pack = load_pack("changzhou_2022")
    e, f, d = (t.to_pydict() for t in snapshot(10))
    assert evaluate(pack, 2022, e, f, d).num_rows > 0


def test_a_year_outside_the_packs_period_is_refused_by_name():
    # Before: 2030 silently gave no rows, as if nobody qualified.
    pack = load_pack("changzhou_2022")
    for year in (2019, 2030):
        with pytest.raises(InputError, match=f"year = {year}.*2022–2025"):
            evaluate(pack, year, *snapshot(10))


def test_explain_one_explains_every_policy():
    pack = load_pack("changzhou_2022")
    rows = explain_one(pack, 2022, snapshot(50), enterprise_id=7)
    assert rows and {r["enterprise_id"] for r in rows} == {7}
    for row in rows:
        assert row["explanation_zh"] and row["explanation_en"]
        assert isinstance(row["inputs"], dict)


def test_the_guide_documents_every_variable_function_and_column():
    text = GUIDE.read_text(encoding="utf-8")
    for name in [*VARIABLES, *ORG_VARIABLES, *FUNCTIONS, *COLUMNS]:
        assert f"`{name}" in text, name
