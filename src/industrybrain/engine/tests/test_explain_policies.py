"""Words only where they are read (issue 12): ``explain_policies`` gives the rows of the named
policies exactly the words of a plain run and leaves every other row bare, with the same
decisions everywhere."""

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from industrybrain.engine import evaluate, load_pack

from .synthetic import snapshot

PACK = load_pack("changzhou_2022")
MONEY = ("dengfeng", "above_scale_award", "leading_enterprise", "specialised_award")
WORDS = ["explanation_zh", "explanation_en", "inputs"]


def _split(table: pa.Table, ids) -> tuple[pa.Table, pa.Table]:
    inside = pc.is_in(table["policy_id"], value_set=pa.array(list(ids)))
    return table.filter(inside), table.filter(pc.invert(inside))


@pytest.mark.parametrize("explain", ["relevant", "all"])
def test_words_for_the_named_policies_only(explain):
    tables = snapshot(600, seed=11, missing=0.1, giants=60)
    full = evaluate(PACK, 2022, *tables, explain=explain, data_since=2016)
    bare = evaluate(PACK, 2022, *tables, explain="none", data_since=2016)
    some = evaluate(PACK, 2022, *tables, explain=explain, data_since=2016,
                    explain_policies=MONEY)
    assert some.num_rows == full.num_rows
    named, others = _split(some, MONEY)
    assert named.equals(_split(full, MONEY)[0])
    assert others.equals(_split(bare, MONEY)[1])
    # The named rows do carry words (else the comparison above proves little).
    assert pc.sum(pc.is_valid(named["explanation_zh"])).as_py() > 0
    assert all(others[c].null_count == others.num_rows for c in WORDS)


def test_one_string_is_refused():
    with pytest.raises(ValueError, match="collection"):
        evaluate(PACK, 2022, *snapshot(5), explain_policies="dengfeng")
