"""A city streamed by enterprise range from Parquet (engine/stream.py) is decided exactly as
in memory and as by the DuckDB backend, whatever the ranges, and a defect of the whole input
is refused even when its two halves lie in different ranges or far apart in the files."""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from industrybrain.engine import evaluate, load_pack
from industrybrain.engine import wide as W
from industrybrain.engine.errors import InputError
from industrybrain.engine.stream import boundaries, decide_parquet

from .synthetic import snapshot

PACK = load_pack("changzhou_2022")
KINDS = ("enterprises", "figures", "designations")
DECISION = ["enterprise_id", "policy_id", "status", "tier", "amount_yuan", "cap_bound"]


def write(tmp_path, tables, row_group=64, shuffle=None):
    for kind, table in zip(KINDS, tables, strict=True):
        if shuffle is not None:
            table = table.take(shuffle.permutation(table.num_rows))
        pq.write_table(table, tmp_path / f"{kind}.parquet", row_group_size=row_group)
    return tmp_path


def plain(table: pa.Table) -> list[dict]:
    """Decision columns, dictionaries decoded, in enterprise then policy order."""
    table = table.select(DECISION)
    table = pa.table({c: table[c].cast(pa.string()) if pa.types.is_dictionary(table[c].type)
                      else table[c] for c in DECISION})
    return table.sort_by([("enterprise_id", "ascending"),
                          ("policy_id", "ascending")]).to_pylist()


def streamed(tmp_path, chunk, **kw) -> list[dict]:
    out = tmp_path / f"out_{chunk}.parquet"
    done = decide_parquet(PACK, 2022, tmp_path, out, chunk=chunk, **kw)
    result = pq.read_table(out)
    assert result.num_rows == done.rows
    return plain(result)


def holey_city(n=120, seed=5):
    """A generated city with holes, gaps in the ids and rows of enterprises that do not exist
    below, between and above the real ones (they fall in the first, a middle and the last
    range)."""
    ent, fig, des = snapshot(n, seed=seed, missing=0.08, giants=8)
    ids = ent["enterprise_id"].to_numpy() * 3 + 100  # gaps of 2 between neighbours
    remap = {k: pa.array(np.asarray(t["enterprise_id"].to_numpy()) * 3 + 100)
             for k, t in zip(KINDS, (ent, fig, des), strict=True)}
    ent, fig, des = (t.set_column(0, "enterprise_id", remap[k])
                     for k, t in zip(KINDS, (ent, fig, des), strict=True))
    strays = pa.array([5, int(ids[n // 2]) + 1, int(ids[-1]) + 50], pa.int64())
    extra = fig.slice(0, 3).set_column(0, "enterprise_id", strays)
    fig = pa.concat_tables([fig, extra])
    des = pa.concat_tables([des, des.slice(0, 3).set_column(0, "enterprise_id", strays)])
    return ent, fig, des


@pytest.mark.parametrize("chunk", [1, 7, 50, 10**6])
def test_streamed_equals_memory_and_duckdb(tmp_path, chunk):
    city = holey_city(60 if chunk == 1 else 120)
    write(tmp_path, city, shuffle=np.random.default_rng(chunk))  # unsorted files still work
    duck = plain(evaluate(PACK, 2022, *city, explain="none", data_since=2016))
    memory = plain(W.decisions(PACK, 2022, *city, data_since=2016))
    assert memory == duck
    assert streamed(tmp_path, chunk, data_since=2016) == duck


@pytest.mark.parametrize("workers", [2, 3])
def test_ranges_decided_at_once_give_the_same_file_in_the_same_order(tmp_path, workers):
    """Threads decide ranges ahead; the file is still written range by range in id order."""
    city = holey_city(120)
    write(tmp_path, city, shuffle=np.random.default_rng(3))
    one, many = tmp_path / "one.parquet", tmp_path / "many.parquet"
    decide_parquet(PACK, 2022, tmp_path, one, chunk=7, data_since=2016)
    done = decide_parquet(PACK, 2022, tmp_path, many, chunk=7, data_since=2016,
                          workers=workers)
    assert done.ranges > workers
    assert pq.read_table(many).to_pylist() == pq.read_table(one).to_pylist()


def test_without_data_since_and_in_another_year(tmp_path):
    city = holey_city(80, seed=9)
    write(tmp_path, city)
    for year, since in ((2022, None), (2023, 2017)):
        duck = plain(evaluate(PACK, year, *city, explain="none", data_since=since))
        out = tmp_path / "o.parquet"
        decide_parquet(PACK, year, tmp_path, out, chunk=13, data_since=since)
        assert plain(pq.read_table(out)) == duck


def test_a_range_boundary_between_an_enterprise_and_its_figures(tmp_path):
    """Each enterprise starts a range (chunk 1): its figures and grants, written before and
    after the neighbours' in the files, still come with it."""
    city = holey_city(30)
    write(tmp_path, city, row_group=5, shuffle=np.random.default_rng(1))
    assert streamed(tmp_path, 1, data_since=2016) == plain(
        evaluate(PACK, 2022, *city, explain="none", data_since=2016))


def test_an_enterprise_with_a_bad_value_is_invalid_in_every_range(tmp_path):
    ent, fig, des = holey_city(60)
    rev = fig["revenue"].to_pylist()
    rev[0] = -5  # a negative amount: this enterprise's rows are invalid_data, the rest priced
    fig = fig.set_column(fig.schema.get_field_index("revenue"), "revenue",
                         pa.array(rev, pa.int64()))
    write(tmp_path, (ent, fig, des))
    duck = plain(evaluate(PACK, 2022, ent, fig, des, explain="none", data_since=2016))
    assert any(r["status"] == "invalid_data" for r in duck)
    for chunk in (1, 9):
        assert streamed(tmp_path, chunk, data_since=2016) == duck


def _with_duplicate(table: pa.Table, row: int) -> pa.Table:
    """The table with a copy of ``row`` appended at its end (far from the original)."""
    return pa.concat_tables([table, table.slice(row, 1)])


@pytest.mark.parametrize("kind", ["enterprises", "figures"])
@pytest.mark.parametrize("chunk,workers", [(1, 1), (4, 1), (10**6, 1), (1, 2), (4, 3)])
def test_a_duplicate_key_is_refused_however_far_apart(tmp_path, kind, chunk, workers):
    city = list(holey_city(40))
    i = KINDS.index(kind)
    city[i] = _with_duplicate(city[i], 0)
    write(tmp_path, city, row_group=8)
    with pytest.raises(InputError) as memory:
        evaluate(PACK, 2022, *city, explain="none")
    out = tmp_path / "out.parquet"
    with pytest.raises(InputError) as stream:
        decide_parquet(PACK, 2022, tmp_path, out, chunk=chunk, workers=workers)
    assert (stream.value.table, stream.value.column) == (memory.value.table,
                                                         memory.value.column)
    assert not out.exists()  # nothing that could pass for a result
    assert [p.name for p in tmp_path.iterdir() if ".part" in p.name] == []


def without_optional_columns(city):
    """The city with two columns the pack reads taken out of the files (a cluster and the
    energy figures): a city that keeps no such data."""
    ent, fig, des = city
    return ent.drop_columns(["cluster"]), fig.drop_columns(["energy_tce"]), des


def test_files_without_an_optional_column_are_decided_as_in_memory(tmp_path):
    """A column the pack reads but the files lack is read as empty, not refused: the
    decisions are those of evaluate() handed the same tables."""
    city = without_optional_columns(holey_city(80, seed=2))
    write(tmp_path, city)
    duck = plain(evaluate(PACK, 2022, *city, explain="none", data_since=2016))
    full = plain(evaluate(PACK, 2022, *holey_city(80, seed=2), explain="none",
                          data_since=2016))
    assert duck != full  # the missing columns change some decisions
    assert streamed(tmp_path, 9, data_since=2016) == duck


def test_a_row_without_an_enterprise_is_refused(tmp_path):
    ent, fig, des = holey_city(40)
    ids = fig["enterprise_id"].to_pylist()
    ids[-1] = None
    fig = fig.set_column(0, "enterprise_id", pa.array(ids, pa.int64()))
    write(tmp_path, (ent, fig, des))
    with pytest.raises(InputError) as memory:
        evaluate(PACK, 2022, ent, fig, des, explain="none")
    with pytest.raises(InputError) as stream:
        decide_parquet(PACK, 2022, tmp_path, tmp_path / "out.parquet", chunk=5)
    assert (stream.value.table, stream.value.column, stream.value.message) == (
        memory.value.table, memory.value.column, memory.value.message)


def test_a_year_outside_the_contract_in_the_last_range_is_refused(tmp_path):
    ent, fig, des = holey_city(40)
    years = fig["year"].to_pylist()
    last = int(pc.max(fig["enterprise_id"]).as_py())
    years[fig["enterprise_id"].to_pylist().index(last)] = 1800
    fig = fig.set_column(1, "year", pa.array(years, pa.int16()))
    write(tmp_path, (ent, fig, des))
    with pytest.raises(InputError):
        evaluate(PACK, 2022, ent, fig, des, explain="none")
    with pytest.raises(InputError):
        decide_parquet(PACK, 2022, tmp_path, tmp_path / "out.parquet", chunk=3)


def test_no_enterprise_gives_an_empty_result_with_the_columns(tmp_path):
    ent, fig, des = (t.slice(0, 0) for t in holey_city(40))
    write(tmp_path, (ent, fig, des))
    out = tmp_path / "out.parquet"
    done = decide_parquet(PACK, 2022, tmp_path, out)
    result = pq.read_table(out)
    assert done.rows == result.num_rows == 0
    assert result.column_names == ["enterprise_id", "policy_id", "status", "tier",
                                   "amount_yuan", "cap_bound", "near_miss"]


def test_ranges_cover_every_distinct_id_once():
    ids = np.array([9, 3, 3, 7, 1, 20, 7], np.int64)
    for chunk in (1, 2, 3, 100):
        bounds = boundaries(ids, chunk)
        distinct = np.unique(ids)
        which = np.searchsorted(bounds, distinct, side="right") - 1
        counts = np.bincount(which)
        assert counts.sum() == len(distinct)
        assert counts.max() <= chunk and (counts[:-1] == chunk).all()


def test_spark_ranges_from_the_footers_hold_about_a_chunk_each(tmp_path):
    """The Spark plan's driver cuts ranges from row-group statistics alone: on sorted files
    each range holds whole row groups, at least a chunk of enterprises (the last: the rest)."""
    from industrybrain.engine.spark_wide import footer_bounds

    ent, fig, des = holey_city(200)
    write(tmp_path, (ent, fig, des), row_group=16)
    ids = np.sort(ent["enterprise_id"].to_numpy())
    for chunk in (1, 16, 40, 1000):
        bounds = footer_bounds(str(tmp_path), chunk)
        assert bounds[0] == ids[0] and (np.diff(bounds) > 0).all()
        counts = np.bincount(np.searchsorted(bounds, ids, side="right") - 1,
                             minlength=len(bounds))
        assert counts.sum() == len(ids) and (counts > 0).all()
        assert (counts[:-1] >= chunk).all() and (counts[:-1] % 16 == 0).all()
        per_range = -(-chunk // 16) * 16  # whole row groups of 16
        assert len(bounds) == -(-len(ids) // per_range)


def test_spark_ranges_without_statistics_are_left_to_spark(tmp_path):
    from industrybrain.engine.spark_wide import footer_bounds

    ent = holey_city(40)[0]
    pq.write_table(ent, tmp_path / "enterprises.parquet", row_group_size=8,
                   write_statistics=False)
    assert footer_bounds(str(tmp_path), 10) is None
    pq.write_table(ent.slice(0, 0), tmp_path / "enterprises.parquet")
    assert footer_bounds(str(tmp_path), 10).tolist() == [0]  # no enterprise: one range
