"""The policy calculator (政策计算器): every policy of the pack for one enterprise, with the
status, the explanation, the amount, the citation and the next tier; and what-ifs, computed
by the same engine on a copy of the enterprise's snapshot (the database is not touched)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
from django.core.cache import cache
from django.utils.translation import gettext_lazy

from industrybrain.core import dataversion
from industrybrain.core.localize import in_english, local
from industrybrain.engine import evaluate_rows
from industrybrain.engine.breakdown import breakdown, formula_words
from industrybrain.enterprises.models import AnnualFigures
from industrybrain.policies import catalogue, snapshot
from industrybrain.policies import library as policy_library

CACHE_SECONDS = 3600

# Built at import time, so lazy: each request shows its own language.
STATUS_ZH = {
    "eligible": gettext_lazy("可享受"), "not_eligible": gettext_lazy("暂不符合"),
    "insufficient_data": gettext_lazy("数据不足"), "application": gettext_lazy("需申请"), "library": gettext_lazy("政策服务"),
    "amount_pending": gettext_lazy("符合条件，需补充数据"), "invalid_data": gettext_lazy("数据有误"),
}


@dataclass
class Row:
    policy: object
    status: str
    tier: str = ""
    tier_label: str = ""
    amount_yuan: int | None = None
    explanation: str = ""
    inputs: dict = field(default_factory=dict)
    next_tier: object = None
    # The placeholder assumptions (numbers the articles do not give) the policy reads.
    placeholders: tuple = ()
    # How the amount came about against the cap (engine.breakdown), and the formula in words.
    steps: list = field(default_factory=list)
    formula: str = ""

    @property
    def status_label(self):
        return STATUS_ZH.get(self.status, self.status)

    @property
    def citation(self):
        return catalogue.citation(self.policy)


def designation_choices(version: str | None = None) -> list[tuple[str, str]]:
    """The designation types as (code, name in the reader's language), kept in this process
    per data version of the enterprises (``version``, else read: one query), which a
    designation type added, edited or deleted bumps (enterprises.apps). Shared: never
    change the list."""
    from industrybrain.enterprises.models import DesignationType

    if version is None:
        version = dataversion.current([dataversion.ENTERPRISES])
    lang = "en" if in_english() else "zh"
    return dataversion.remember_here(
        f"designation-choices:{version}:{lang}",
        lambda: [(t.code, local(t)) for t in DesignationType.objects.all()])


def latest_year(enterprise_id: int | None) -> int | None:
    """The enterprise's latest year with figures; None when it has none."""
    return (AnnualFigures.objects.filter(enterprise_id=enterprise_id)
            .order_by("-year").values_list("year", flat=True).first())


# Not None: "no year with figures" is an answer already read, not a reason to ask again.
UNREAD = object()


def default_year(enterprise_id: int, latest: int | None | object = UNREAD) -> int:
    """The latest year with figures (``latest`` when the caller has read it, None for an
    enterprise without figures; else read here), if the pack has policies in force then;
    else the pack's first year."""
    year = latest_year(enterprise_id) if latest is UNREAD else latest
    pack = catalogue.pack()
    if year and any(p.in_force(year) for p in pack.policies):
        return year
    return min(p.effective_from.year for p in pack.policies)


def _digest(snap) -> str:
    h = hashlib.sha1()
    for table in snap.tables:
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        h.update(sink.getvalue())
    return h.hexdigest()


@dataclass(frozen=True)
class Facts:
    """One enterprise's snapshot, its digest and its latest year with figures, as of the
    data version ``version``."""
    snap: snapshot.Snapshot
    digest: str
    latest_year: int | None
    version: str


def facts_of(enterprise_id: int) -> Facts:
    """Taken once per version of the enterprise data (core.dataversion) in each process and
    kept there unpickled: a calculator page read again costs one query (the version), no
    snapshot (~45 ms at 30,000 enterprises), no digest; an import or an edit takes a new one."""
    version = dataversion.current([dataversion.ENTERPRISES])

    def take():
        snap = snapshot.take([enterprise_id])
        years = snap.tables[1]["year"]
        return Facts(snap, _digest(snap), pc.max(years).as_py() if len(years) else None,
                     version)

    return dataversion.remember_here(f"calc-facts:{version}:{enterprise_id}", take)


def snapshot_of(enterprise_id: int) -> tuple[snapshot.Snapshot, str]:
    """One enterprise's snapshot and its digest (:func:`facts_of`)."""
    facts = facts_of(enterprise_id)
    return facts.snap, facts.digest


def evaluate_cached(pack, year: int, snap, digest: str | None = None) -> list[dict]:
    """The engine's rows for one enterprise's snapshot (the batch's rows with every
    explanation, through the one-firm interpreter). The engine is a pure function of pack,
    year and snapshot, so equal inputs may share a result across processes."""
    key = (f"ib-calc:{pack.id}:{pack.version}:{year}:{snap.data_since}:"
           f"{digest or _digest(snap)}")
    rows = cache.get(key)
    if rows is None:
        rows = evaluate_rows(pack, year, *snap.tables, data_since=snap.data_since)
        cache.set(key, rows, CACHE_SECONDS)
    return rows


def rows_of(enterprise_id: int, year: int, facts: Facts) -> list[Row]:
    """:func:`compute` for the calculator page, kept in this process per data version,
    enterprise, year, pack and language (the words and breakdowns of every row cost more
    than the engine's cached call). Shared between requests: read, never change them."""
    pack = catalogue.pack()
    lang = "en" if in_english() else "zh"
    key = f"calc-rows:{facts.version}:{enterprise_id}:{year}:{pack.id}:{pack.version}:{lang}"
    return dataversion.remember_here(key, lambda: compute(enterprise_id, year, facts.snap,
                                                          facts.digest))


def compute(enterprise_id: int, year: int, snap=None, digest: str | None = None) -> list[Row]:
    pack = catalogue.pack()
    lang = "en" if in_english() else "zh"
    if snap is None:
        snap, digest = snapshot_of(enterprise_id)
    by_policy: dict[str, list[dict]] = {}
    for r in evaluate_cached(pack, year, snap, digest):
        by_policy.setdefault(r["policy_id"], []).append(r)
    rows = []
    for p in pack.policies:
        found = by_policy.get(p.id)
        if not found:
            status = "application" if catalogue.by_application(p) else "library"
            rows.append(Row(p, status, explanation=policy_library.entry(p)["summary"]))
            continue
        for r in found:
            tier = r["tier"] or ""
            inputs = json.loads(r["inputs"]) if r["inputs"] else {}
            row = Row(p, r["status"], tier, catalogue.tier_label(p, tier) if tier else "",
                      r["amount_yuan"], local(r, "explanation"), inputs,
                      catalogue.next_tier(p, tier or None), pack.placeholders(p.id))
            if r["status"] == "eligible" and tier:
                row.steps = breakdown(pack, p, tier, inputs, lang)
                row.formula = formula_words(pack, p, lang)
            rows.append(row)
    order = {"eligible": 0, "amount_pending": 1, "insufficient_data": 2, "invalid_data": 2,
             "not_eligible": 3, "application": 4, "library": 5}
    rows.sort(key=lambda row: (order.get(row.status, 9), -(row.amount_yuan or 0)))
    return rows


def what_if(enterprise_id: int, year: int, figures: dict, designation: str | None) -> list[Row]:
    snap = snapshot.with_changes(snapshot_of(enterprise_id)[0], enterprise_id, year,
                                 figures, designation)
    return compute(enterprise_id, year, snap)


def changes(before: list[Row], after: list[Row]) -> list[tuple[Row | None, Row]]:
    """Rows whose status, tier or amount differ between two computations."""
    key = lambda r: (r.policy.id, r.tier)  # noqa: E731
    old = {key(r): r for r in before}
    old_by_policy = {r.policy.id: r for r in before}
    out = []
    for r in after:
        b = old.get(key(r)) or old_by_policy.get(r.policy.id)
        if b is None or (b.status, b.tier, b.amount_yuan) != (r.status, r.tier, r.amount_yuan):
            out.append((b, r))
    return out


def missing_figures(enterprise_id: int, year: int) -> list[tuple[str, str]]:
    """(variable, label) of the figures the policies read that ``year`` has no value for
    (all of them when the year has no row): what a what-if on that year lacks."""
    from industrybrain.engine.vocab import VARIABLES

    row = AnnualFigures.objects.filter(enterprise_id=enterprise_id, year=year).first()
    lang_en = in_english()
    out = []
    for name, var in VARIABLES.items():
        if var.source != "figures":
            continue
        if row is None or getattr(row, name, None) is None:
            out.append((name, var.label_en if lang_en else var.label_zh))
    return out
