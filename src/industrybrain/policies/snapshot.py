"""The database as the engine's three column tables (docs/data-contract.md).

Each table is one query read straight into Arrow, without a Python object per value: on
SQLite the cursor's row tuples become one struct array per chunk (Arrow's converter, no
transpose, no model instances), on PostgreSQL ``COPY (query) TO STDOUT`` as CSV is parsed
by Arrow's CSV reader. A city of 300,000 enterprises is ~2M figure rows: per-value Python
work there cost more than the engine (bench/bench_batch.py measures the read against a
bare cursor read of the same statements).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from industrybrain.engine.contract import CONTRACT, conform
from industrybrain.enterprises.models import AnnualFigures, Designation, Enterprise
from industrybrain.industry.models import ChainMembership

CHUNK = 100_000

FIGURE_COLUMNS = ("enterprise_id", "year", "revenue", "industrial_output", "tax",
                  "local_contribution", "rd_spending", "employees", "invention_patents",
                  "energy_tce", "tech_upgrade_investment", "above_scale")
ENTERPRISE_COLUMNS = ("enterprise_id", "uscc", "name", "district", "industry_code",
                      "ownership", "founded_on", "is_manufacturing", "is_listed", "cluster")
DESIGNATION_COLUMNS = ("enterprise_id", "code", "granted_on", "expires_on", "product")
MEMBER_COLUMNS = ("enterprise_id", "chain", "is_leader")
MEMBER_TYPES = {"enterprise_id": pa.int64(), "chain": pa.string(), "is_leader": pa.bool_()}


@dataclass
class Snapshot:
    enterprises: pa.Table
    figures: pa.Table
    designations: pa.Table
    # The first year the database's figures cover (site-wide): the engine's known history
    # of an enterprise starts there or at its founding, whichever is later.
    data_since: int | None = None

    @property
    def tables(self):
        return self.enterprises, self.figures, self.designations


def statements(enterprise_ids=None, up_to_year: int | None = None) -> dict[str, tuple]:
    """The queries a snapshot runs, by table: (sql, params, column names, column types).
    The benchmark reads the same statements with a bare cursor (its floor)."""
    from django.db import connection
    from django.db.models import F, FloatField, IntegerField, TextField, Value
    from django.db.models.functions import Cast, NullIf

    sqlite = connection.vendor == "sqlite"

    def date(name):
        # SQLite: as text, which Arrow parses; the column itself would go through the
        # driver's per-value converter to a date object (as booleans to bool: as 0/1).
        return Cast(name, TextField()) if sqlite else F(name)

    def flag(name):
        return Cast(name, IntegerField()) if sqlite else F(name)

    enterprises = Enterprise.objects.order_by("pk")
    figures = AnnualFigures.objects.order_by()
    designations = Designation.objects.order_by()
    members = ChainMembership.objects.order_by("enterprise_id", "chain__code")
    if enterprise_ids is not None:
        ids = list(enterprise_ids)
        enterprises = enterprises.filter(pk__in=ids)
        figures = figures.filter(enterprise_id__in=ids)
        designations = designations.filter(enterprise_id__in=ids)
        members = members.filter(enterprise_id__in=ids)
    if up_to_year is not None:
        figures = figures.filter(year__lte=up_to_year)
    # A decimal as a float in the query: the contract's type, and no Decimal objects.
    figures = figures.annotate(tce=Cast("energy_tce", FloatField()),
                               above=flag("above_scale"))
    designations = designations.annotate(item=NullIf("product", Value("")),
                                         granted=date("granted_on"), expires=date("expires_on"))
    enterprises = enterprises.annotate(founded=date("founded_on"), made=flag("is_manufacturing"),
                                       listed=flag("is_listed"))
    members = members.annotate(leader=flag("is_leader"))
    queries = {
        "enterprises": (enterprises.values_list(
            "pk", "uscc", "name", "district__code", "industry_code", "ownership", "founded",
            "made", "listed", "cluster__code"), ENTERPRISE_COLUMNS,
            CONTRACT["enterprises"]),
        "figures": (figures.values_list(*[{"energy_tce": "tce", "above_scale": "above"}.get(c, c)
                                          for c in FIGURE_COLUMNS]),
                    FIGURE_COLUMNS, CONTRACT["figures"]),
        "designations": (designations.values_list(
            "enterprise_id", "type__code", "granted", "expires", "item"),
            DESIGNATION_COLUMNS, CONTRACT["designations"]),
        "members": (members.values_list("enterprise_id", "chain__code", "leader"),
                    MEMBER_COLUMNS, MEMBER_TYPES),
    }
    out = {}
    for table, (qs, names, types) in queries.items():
        sql, params = qs.query.sql_with_params()
        out[table] = (sql, params, names, [types[n] for n in names])
    return out


def read(sql: str, params, names, types) -> pa.Table:
    """One query's rows as an Arrow table of ``types``, without per-value Python work."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return _read_copy(connection, sql, params, names, types)
    # SQLite hands dates back as ISO text and booleans as 0/1: read them so, cast after.
    wire = [pa.string() if t == pa.date32() else pa.int8() if t == pa.bool_() else t
            for t in types]
    struct = pa.struct(list(zip(names, wire, strict=True)))
    batches = []
    with connection.cursor() as cur:
        cur.execute(sql, params)
        while rows := cur.fetchmany(CHUNK):
            batches.append(pa.RecordBatch.from_struct_array(pa.array(rows, struct)))
    table = pa.Table.from_batches(batches, pa.schema(list(struct)))
    return table.cast(pa.schema(list(zip(names, types, strict=True))))


def copy_sql(sql: str) -> str:
    return f"COPY ({sql}) TO STDOUT (FORMAT csv)"


def _read_copy(connection, sql, params, names, types) -> pa.Table:
    """COPY's CSV parsed by Arrow while it arrives: the parser reads a pipe in a thread
    (in C++, without the GIL) while this thread moves COPY's blocks into it, so the parse
    hides behind the transfer instead of following it."""
    import threading

    import pyarrow.csv as csv

    schema = pa.schema(list(zip(names, types, strict=True)))
    texts = any(t == pa.string() for t in types)
    options = {
        "read_options": csv.ReadOptions(column_names=list(names)),
        # Names and products may hold anything, line breaks included (quoted by COPY).
        "parse_options": csv.ParseOptions(newlines_in_values=texts),
        # COPY writes NULL as an empty field and the empty string as "".
        "convert_options": csv.ConvertOptions(
            column_types=dict(zip(names, types, strict=True)), null_values=[""],
            strings_can_be_null=True, quoted_strings_can_be_null=False,
            true_values=["t"], false_values=["f"])}
    readable, writable = os.pipe()
    got: dict = {}

    def parse():
        with os.fdopen(readable, "rb", buffering=1 << 20) as source:
            try:
                got["table"] = csv.read_csv(source, **options)
            except BaseException as exc:  # re-raised below, unless the input was empty
                got["error"] = exc
            while source.read(1 << 20):  # a parser that stopped must not block the writer
                pass

    parser = threading.Thread(target=parse, daemon=True)
    parser.start()
    size = 0
    try:
        with os.fdopen(writable, "wb", buffering=1 << 20) as sink, \
                connection.cursor() as cur, cur.copy(copy_sql(sql), params or None) as copy:
            for block in copy:
                sink.write(block)
                size += len(block)
    finally:
        parser.join()
    if not size:
        # Not schema.empty_table(): that (and a column of no chunks) imports pandas, seconds.
        return pa.table([pa.array([], t) for t in types], schema=schema)
    if "error" in got:
        raise got["error"]
    return got["table"].cast(schema)


def _lists(ids: pa.Array, owner: pa.Array, values: pa.Array) -> pa.Array:
    """For each id of ``ids`` (ascending), the ``values`` whose ``owner`` is that id
    (``owner`` ascending too): a list column without a Python list per enterprise."""
    keep = pc.is_in(owner, value_set=ids)  # a member read without its enterprise: dropped
    owner = owner.filter(keep).to_numpy()
    values = values.filter(keep)
    offsets = np.append(np.searchsorted(owner, ids.to_numpy(), "left"), len(owner))
    return pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), values)


def data_since() -> int | None:
    """The site-wide first year of the figures: ``settings.IB_DATA_SINCE`` if set, else the
    earliest year of any AnnualFigures row (so a snapshot of one enterprise reads its
    history exactly as the batch run over all of them does)."""
    from django.conf import settings
    from django.db.models import Min

    configured = getattr(settings, "IB_DATA_SINCE", None)
    if configured:
        return int(configured)
    return AnnualFigures.objects.aggregate(first=Min("year"))["first"]


def take(enterprise_ids=None, *, up_to_year: int | None = None) -> Snapshot:
    """Snapshot every enterprise (or only ``enterprise_ids``); figures up to ``up_to_year``."""
    got = {table: read(*query)
           for table, query in statements(enterprise_ids, up_to_year).items()}
    ent, members = got["enterprises"], got["members"]
    ids = ent["enterprise_id"].combine_chunks()
    owner = members["enterprise_id"].combine_chunks()
    chain = members["chain"].combine_chunks()
    leader = pc.fill_null(members["is_leader"].combine_chunks(), False)
    ent = ent.append_column("chains", _lists(ids, owner, chain))
    ent = ent.append_column("chain_leader", _lists(ids, owner.filter(leader),
                                                   chain.filter(leader)))
    figures = got["figures"]
    since = None
    if enterprise_ids is None and figures.num_rows and not _configured_since():
        # Every row up to the year was read: the earliest of them is the site's first year.
        since = pc.min(figures["year"]).as_py()
    return Snapshot(conform(ent, "enterprises"), conform(figures, "figures"),
                    conform(got["designations"], "designations"),
                    since if since is not None else data_since())


def _configured_since() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "IB_DATA_SINCE", None))


def with_changes(snap: Snapshot, enterprise_id: int, year: int, figures: dict | None = None,
                 new_designation: str | None = None) -> Snapshot:
    """A what-if copy: ``figures`` override (or add) the enterprise's row for ``year``, and
    ``new_designation`` is granted on 1 July of ``year``. The database is not touched."""
    import datetime as dt

    fig = snap.figures.to_pylist()
    row = next((r for r in fig if r["enterprise_id"] == enterprise_id and r["year"] == year),
               None)
    if row is None:
        row = {c: None for c in FIGURE_COLUMNS} | {"enterprise_id": enterprise_id, "year": year}
        fig.append(row)
    row.update({k: v for k, v in (figures or {}).items() if v is not None})
    des = snap.designations.to_pylist()
    if new_designation:
        des.append({"enterprise_id": enterprise_id, "code": new_designation,
                    "granted_on": dt.date(year, 7, 1), "expires_on": None, "product": None})
    figures_t = conform(pa.Table.from_pylist(fig), "figures") if fig else snap.figures
    des_t = (conform(pa.Table.from_pylist(des), "designations") if des
             else snap.designations)
    return Snapshot(snap.enterprises, figures_t, des_t, snap.data_since)
