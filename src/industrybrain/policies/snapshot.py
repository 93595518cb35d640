"""The database as the engine's three column tables (docs/data-contract.md).

Read with ``values_list(...).iterator()`` straight into Python lists and then Arrow:
building 300,000 model instances would cost more than the whole engine run.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pyarrow as pa

from industrybrain.engine.contract import conform
from industrybrain.enterprises.models import AnnualFigures, Designation, District, Enterprise
from industrybrain.industry.models import Chain, ChainMembership, Cluster

CHUNK = 20_000

FIGURE_COLUMNS = ("enterprise_id", "year", "revenue", "industrial_output", "tax",
                  "local_contribution", "rd_spending", "employees", "invention_patents",
                  "energy_tce", "tech_upgrade_investment", "above_scale")


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


def _columns(names, rows):
    cols = {n: [] for n in names}
    appenders = [cols[n].append for n in names]
    for row in rows:
        for append, value in zip(appenders, row, strict=True):
            append(value)
    return cols


def _raw_columns(names, values_qs):
    """The rows of a values_list queryset through a bare cursor, column-wise.

    For the figures table (millions of rows) Django's per-row conversion costs more than
    the engine; the columns read here are integers, booleans and a decimal, which the
    DB-API returns usable as they are (the caller fixes the decimal and the booleans).
    """
    from django.db import connection

    sql, params = values_qs.query.sql_with_params()
    cols = [[] for _ in names]
    with connection.cursor() as cur:
        cur.execute(sql, params)
        while rows := cur.fetchmany(CHUNK * 5):
            for col, values in zip(cols, zip(*rows, strict=True), strict=True):
                col.extend(values)
    return dict(zip(names, cols, strict=True))


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
    enterprises = Enterprise.objects.all()
    figures = AnnualFigures.objects.all()
    designations = Designation.objects.all()
    members = ChainMembership.objects.all()
    if enterprise_ids is not None:
        ids = list(enterprise_ids)
        enterprises = enterprises.filter(pk__in=ids)
        figures = figures.filter(enterprise_id__in=ids)
        designations = designations.filter(enterprise_id__in=ids)
        members = members.filter(enterprise_id__in=ids)
    if up_to_year is not None:
        figures = figures.filter(year__lte=up_to_year)

    districts = dict(District.objects.values_list("pk", "code"))
    clusters = dict(Cluster.objects.values_list("pk", "code"))
    chain_codes = dict(Chain.objects.values_list("pk", "code"))
    chains, leaders = defaultdict(list), defaultdict(list)
    for eid, chain_id, leader in members.values_list(
            "enterprise_id", "chain_id", "is_leader").iterator(chunk_size=CHUNK):
        chains[eid].append(chain_codes[chain_id])
        if leader:
            leaders[eid].append(chain_codes[chain_id])

    names = ("enterprise_id", "uscc", "name", "district", "industry_code", "ownership",
             "founded_on", "is_manufacturing", "is_listed", "cluster")
    cols = _columns(names, enterprises.order_by().values_list(
        "pk", "uscc", "name", "district_id", "industry_code", "ownership", "founded_on",
        "is_manufacturing", "is_listed", "cluster_id").iterator(chunk_size=CHUNK))
    cols["district"] = [districts[d] for d in cols["district"]]
    cols["cluster"] = [None if c is None else clusters[c] for c in cols["cluster"]]
    cols["chains"] = [chains.get(e, []) for e in cols["enterprise_id"]]
    cols["chain_leader"] = [leaders.get(e, []) for e in cols["enterprise_id"]]

    fig = _raw_columns(FIGURE_COLUMNS, figures.order_by().values_list(*FIGURE_COLUMNS))
    # Decimal tce -> float, as the contract says (2 decimals are exact enough for a ratio).
    fig["energy_tce"] = [None if v is None else float(v) for v in fig["energy_tce"]]
    # SQLite hands booleans back as 0/1 through a bare cursor.
    fig["above_scale"] = [None if v is None else bool(v) for v in fig["above_scale"]]

    des = _columns(("enterprise_id", "code", "granted_on", "expires_on", "product"),
                   designations.order_by().values_list(
                       "enterprise_id", "type__code", "granted_on", "expires_on", "product"
                   ).iterator(chunk_size=CHUNK))
    des["product"] = [p or None for p in des["product"]]
    return Snapshot(conform(cols, "enterprises"), conform(fig, "figures"),
                    conform(des, "designations"), data_since())


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
