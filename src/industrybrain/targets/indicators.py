"""Compute a target's indicator from the enterprise database, per year and per district.

A measure is written in the small vocabulary that targets.yaml documents in its header
(``count_designation: high_tech``, ``sum_figure: industrial_output where cluster = …``).
:func:`compute` returns ``{(year, district_id): value}`` in the target's unit, with
``district_id None`` for the whole city; a measure that cannot be split by district (the
number of clusters over 3000亿元) has city values only.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from functools import lru_cache

import yaml
from django.db.models import Min, Q, Sum

from industrybrain.enterprises.models import AnnualFigures, Designation
from industrybrain.industry.models import ChainMembership
from industrybrain.packs import pack_dir

Key = tuple[int, int | None]
MONEY_COLUMNS = {"revenue", "industrial_output", "tax", "local_contribution", "rd_spending",
                 "tech_upgrade_investment"}
YUAN_PER = {"元": 1, "万元": 10**4, "亿元": 10**8}
_AMOUNT = re.compile(r"^(?P<n>\d+(?:\.\d+)?)(?P<unit>亿元|万元|元)$")


class MeasureError(ValueError):
    """A measure the vocabulary does not know; names the measure and the part not understood."""


# Measures whose value grows with the size of the city: a synthetic sample of the city is
# compared with goals shrunk by the same ratio (refresh.demo_scale). Chain leaders are a
# handful per chain whatever the sample size, and a count of clusters is a count of ten.
SCALED_OPS = {"count_designation", "count_new_designation", "count_new_designation_per_year",
              "sum_figure", "count_enterprises", "count_newly_above_scale", "sum_awards_paid"}


class NoData(Exception):
    """The data for this measure are not in the database yet (e.g. the awards ledger)."""


def years_with_data() -> list[int]:
    # order_by() clears Meta.ordering, which would otherwise defeat distinct().
    return sorted(AnnualFigures.objects.order_by().values_list("year", flat=True).distinct())


def _amount(text: str) -> int:
    m = _AMOUNT.match(text)
    if not m:
        raise MeasureError(f"不是金额：{text!r}")
    return int(Decimal(m["n"]) * YUAN_PER[m["unit"]])


@lru_cache(maxsize=1)
def _strategic() -> dict[str, dict]:
    taxonomy = yaml.safe_load((pack_dir("changzhou_2022") / "taxonomy.yaml").read_text("utf-8"))
    return {i["code"]: i for i in taxonomy["strategic_emerging_clusters"]["items"]}


def _strategic_q(code: str) -> Q:
    """A strategic emerging cluster is either one of the ten clusters or a set of industry
    codes (taxonomy.yaml says which, and marks the codes as an assumption)."""
    item = _strategic().get(code)
    if item is None:
        raise MeasureError(f"未知的战略性新兴产业集群：{code}")
    if item.get("same_as_cluster"):
        return Q(enterprise__cluster__code=item["same_as_cluster"])
    q = Q(pk__in=[])
    for entry in item.get("industry_codes", []):
        q |= Q(enterprise__industry_code__startswith=entry["code"])
    return q


def _industry_q(prefixes: list[str]) -> Q:
    q = Q(pk__in=[])
    for prefix in prefixes:
        q |= Q(enterprise__industry_code__startswith=prefix)
    return q


def _held_ids(codes: list[str], year: int) -> set[int]:
    return set(
        Designation.objects.held_in(year).filter(type__code__in=codes)
        .values_list("enterprise_id", flat=True)
    )


def _condition(text: str, year: int | None) -> tuple[Q, bool]:
    """A where-clause on AnnualFigures; the flag says it depends on the year (high_tech)."""
    q, by_year = Q(), False
    for part in (p.strip() for p in text.split(" and ")):
        words = part.split()
        if part == "above_scale":
            q &= Q(above_scale=True)
        elif part == "chains":
            q &= Q(enterprise__in=ChainMembership.objects.values("enterprise"))
        elif part == "high_tech":
            by_year = True
            q &= Q(enterprise_id__in=_held_ids(["high_tech"], year)) if year else Q()
        elif words[:2] == ["cluster", "="]:
            q &= Q(enterprise__cluster__code=words[2])
        elif words[:2] == ["industry_code", "in"]:
            q &= _industry_q(words[2:])
        elif words[:2] == ["strategic_cluster", "="]:
            q &= _strategic_q(words[2])
        elif words[:2] == ["strategic_cluster", "in"]:
            sub = Q(pk__in=[])
            for code in words[2:]:
                sub |= _strategic_q(code)
            q &= sub
        else:
            raise MeasureError(f"看不懂的条件：{part!r}")
    return q, by_year


def _sums(column: str, where: str, years: list[int]) -> dict[Key, Decimal]:
    """Sum of a figures column per (year, district), in the column's own unit (元 for money)."""
    q, by_year = _condition(where, None) if where else (Q(), False)
    out: dict[Key, Decimal] = {}
    batches = [[y] for y in years] if by_year else [years]
    for batch in batches:
        if by_year:
            q, _ = _condition(where, batch[0])
        rows = (AnnualFigures.objects.filter(year__in=batch).filter(q)
                .values("year", "enterprise__district_id").annotate(total=Sum(column)))
        for row in rows:
            if row["total"] is not None:
                out[(row["year"], row["enterprise__district_id"])] = Decimal(row["total"])
    return out


def _counts(pairs) -> dict[Key, Decimal]:
    """Count distinct enterprises per (year, district) from (year, district, enterprise)."""
    seen: dict[Key, set] = defaultdict(set)
    for year, district, enterprise in pairs:
        seen[(year, district)].add(enterprise)
    return {k: Decimal(len(v)) for k, v in seen.items()}


def held_designations(measure: str) -> list[str]:
    """The designation codes a ``count_designation`` measure counts (an enterprise holding
    several of them counts once), else []."""
    op, _, rest = (part.strip() for part in (measure or "").partition(":"))
    return [c.strip() for c in rest.split("|") if c.strip()] if op == "count_designation" else []


def _designations(codes: list[str]):
    return list(Designation.objects.filter(type__code__in=codes).values_list(
        "enterprise_id", "enterprise__district_id", "granted_on", "expires_on"))


def _count_held(codes: list[str], years: list[int]) -> dict[Key, Decimal]:
    rows = _designations(codes)
    return _counts(
        (y, d, e) for y in years for e, d, granted, expires in rows
        if granted.year <= y and (expires is None or expires.year >= y)
    )


def _first_grants(code: str) -> list[tuple[int, int, int]]:
    rows = (Designation.objects.filter(type__code=code).order_by()
            .values("enterprise_id", "enterprise__district_id")
            .annotate(first=Min("granted_on")))
    return [(r["enterprise_id"], r["enterprise__district_id"], r["first"].year) for r in rows]


def _count_new(rest: str, years: list[int], per_year: bool) -> dict[Key, Decimal]:
    words = rest.split()
    since = int(words[2]) if len(words) == 3 and words[1] == "since" else None
    if not per_year and since is None:
        raise MeasureError(f"缺少起始年份（since）：{rest!r}")
    firsts = _first_grants(words[0])
    if per_year:
        return _counts((y, d, e) for y in years for e, d, first in firsts if first == y)
    return _counts((y, d, e) for y in years if y >= since
                   for e, d, first in firsts if since <= first <= y)


def _count_enterprises(rest: str, years: list[int]) -> dict[Key, Decimal]:
    q = Q()
    for part in rest.split(" and "):
        column, op, amount = part.split()
        lookup = {"at_least": "gte", "more_than": "gt", "less_than": "lt", "at_most": "lte"}[op]
        q &= Q(**{f"{column}__{lookup}": _amount(amount)})
    rows = AnnualFigures.objects.filter(year__in=years).filter(q).values_list(
        "year", "enterprise__district_id", "enterprise_id")
    return _counts(rows)


def _count_newly_above_scale(rest: str, years: list[int]) -> dict[Key, Decimal]:
    m = re.match(r"^since (\d{4})(?: where (.+))?$", rest)
    if not m:
        raise MeasureError(f"看不懂：{rest!r}")
    since = int(m[1])
    q, _ = _condition(m[2], None) if m[2] else (Q(), False)
    rows = (AnnualFigures.objects.filter(above_scale=True).filter(q).order_by()
            .values("enterprise_id", "enterprise__district_id").annotate(first=Min("year")))
    return _counts((y, r["enterprise__district_id"], r["enterprise_id"]) for y in years if y >= since
                   for r in rows if since <= r["first"] <= y)


def _share_designation(rest: str, years: list[int]) -> tuple[dict, dict]:
    code, where = rest.split(" where ")
    if where.strip() != "tax more_than previous_year tax":
        raise MeasureError(f"看不懂的条件：{where!r}")
    rows = _designations([code])
    tax = {(e, y): t for e, y, t in AnnualFigures.objects.filter(
        enterprise__designations__type__code=code).values_list("enterprise_id", "year", "tax")}
    holders = [(y, d, e) for y in years for e, d, g, x in rows
               if g.year <= y and (x is None or x.year >= y)]
    grew = [(y, d, e) for y, d, e in holders
            if tax.get((e, y)) is not None and tax.get((e, y - 1)) is not None
            and tax[(e, y)] > tax[(e, y - 1)]]
    return _counts(grew), _counts(holders)


def _count_chain_leader(chain: str, years: list[int]) -> dict[Key, Decimal]:
    # Membership has no dates: it is today's, so it is reported for the latest year only.
    rows = ChainMembership.objects.filter(chain__code=chain, is_leader=True).values_list(
        "enterprise__district_id", "enterprise_id")
    return _counts((years[-1], d, e) for d, e in rows) if years else {}


def _count_clusters(rest: str, years: list[int], scale: float) -> dict[Key, Decimal]:
    m = re.match(r"^sum_figure (\w+) (more_than|at_least) (\S+)$", rest)
    if not m:
        raise MeasureError(f"看不懂：{rest!r}")
    threshold = _amount(m[3]) * scale
    rows = (AnnualFigures.objects.filter(year__in=years, enterprise__cluster__isnull=False)
            .values("year", "enterprise__cluster_id").annotate(total=Sum(m[1])))
    out = {(y, None): Decimal(0) for y in years}
    for row in rows:
        total = row["total"] or 0
        if total > threshold or (m[2] == "at_least" and total == threshold):
            out[(row["year"], None)] += 1
    return out


def _with_city(values: dict[Key, Decimal]) -> dict[Key, Decimal]:
    """Add the city total of each year (district None) to per-district values."""
    out = dict(values)
    for (year, district), value in values.items():
        if district is not None:
            out[(year, None)] = out.get((year, None), Decimal(0)) + value
    return out


def _ratio(num: dict[Key, Decimal], den: dict[Key, Decimal]) -> dict[Key, Decimal]:
    num, den = _with_city(num), _with_city(den)
    return {k: (num.get(k, Decimal(0)) * 100 / v).quantize(Decimal("0.01"))
            for k, v in den.items() if v}


def _convert(values: dict[Key, Decimal], column: str, unit: str) -> dict[Key, Decimal]:
    return _money(values, unit) if column in MONEY_COLUMNS else values


def _money(values: dict[Key, Decimal], unit: str) -> dict[Key, Decimal]:
    """Amounts in 元 to the target's unit."""
    if unit not in YUAN_PER:
        raise MeasureError(f"金额指标的单位应为元、万元或亿元，而不是{unit}")
    return {k: (v / YUAN_PER[unit]).quantize(Decimal("0.0001")) for k, v in values.items()}


def _awards_paid(rest: str, years: list[int]) -> dict[Key, Decimal]:
    """Awards paid from the ledger per (year of the award, district): ``per year``, or
    ``since <year>`` summed from that year on."""
    from industrybrain.policies.models import LedgerEntry

    rows = LedgerEntry.objects.values("year", "enterprise__district_id").annotate(t=Sum("amount_yuan"))
    paid = {(r["year"], r["enterprise__district_id"]): Decimal(r["t"]) for r in rows}
    if not paid:
        raise NoData("拨付台账中尚无拨付记录")
    if rest == "per year":
        return {k: v for k, v in paid.items() if k[0] in years}
    since = re.fullmatch(r"since (\d{4})", rest)
    if not since:
        raise MeasureError(f"sum_awards_paid 应写 per year 或 since <年份>，而不是 {rest!r}")
    out: dict[Key, Decimal] = defaultdict(Decimal)
    for (year, district), value in paid.items():
        for y in years:
            if int(since.group(1)) <= year <= y:
                out[(y, district)] += value
    return dict(out)


def _count_projects(rest: str, years: list[int]) -> dict[Key, Decimal]:
    """Major projects entered into the city's list (入库) per (year, district); ``registered
    large`` only those above 100亿元 or 10亿美元 (projects.yaml large_project)."""
    from industrybrain.projects.models import Project  # the projects app sits beside targets

    if rest not in ("registered", "registered large"):
        raise MeasureError(f"count_projects 应写 registered 或 registered large，而不是 {rest!r}")
    rows = Project.objects.filter(registered_actual__year__in=years)
    if rest.endswith("large"):
        rows = rows.filter(is_large=True)
    return _counts(rows.values_list("registered_actual__year", "district_id", "pk"))


def _share_diagnosed(rest: str, years: list[int]) -> dict[Key, Decimal]:
    """Share (%) of manufacturers (``manufacturing``) or of above-scale manufacturers
    (``above_scale``) with a free smart-transformation diagnosis reported by the end of each
    year, per district and city (transform.stats, the progress page's own numbers). The
    diagnoses run past the latest year of figures: their years are added."""
    from industrybrain.transform import stats  # the transform app sits beside targets

    if rest not in ("manufacturing", "above_scale"):
        raise MeasureError(f"share_diagnosed 应写 manufacturing 或 above_scale，而不是 {rest!r}")
    reported = stats.report_years()
    if not reported:
        raise NoData("尚无智能化免费诊断报告")
    out: dict[Key, Decimal] = {}
    for year in sorted(set(years) | set(range(reported[0], reported[-1] + 1))):
        if year < reported[0]:
            continue
        for district, c in stats.coverage(year, "district").items():
            share = c.above_scale_share if rest == "above_scale" else c.share
            if share is not None:
                out[(year, district)] = Decimal(str(share))
    return out


def compute(measure: str, unit: str, years: list[int], scale: float = 1.0) -> dict[Key, Decimal]:
    """Values of ``measure`` for ``years`` in ``unit``: city (district None) and districts.
    ``scale`` shrinks the amounts a measure itself contains (3000亿元) for a demo sample."""
    op, _, rest = (part.strip() for part in measure.partition(":"))
    if not years:
        return {}
    if op == "count_designation":
        return _with_city(_count_held([c.strip() for c in rest.split("|")], years))
    if op in ("count_new_designation", "count_new_designation_per_year"):
        return _with_city(_count_new(rest, years, op.endswith("per_year")))
    if op == "sum_figure":
        column, _, where = rest.partition(" where ")
        return _convert(_with_city(_sums(column.strip(), where.strip(), years)), column.strip(), unit)
    if op == "share_figure":
        a, b = (side.strip() for side in rest.split(" / "))
        (ca, _, wa), (cb, _, wb) = a.partition(" where "), b.partition(" where ")
        return _ratio(_sums(ca.strip(), wa, years), _sums(cb.strip(), wb, years))
    if op == "share_designation":
        return _ratio(*_share_designation(rest, years))
    if op == "count_enterprises":
        return _with_city(_count_enterprises(rest, years))
    if op == "count_newly_above_scale":
        return _with_city(_count_newly_above_scale(rest, years))
    if op == "count_chain_leader":
        return _with_city(_count_chain_leader(rest, years))
    if op == "count_clusters":
        return _count_clusters(rest, years, scale)
    if op == "count_projects":
        return _with_city(_count_projects(rest, years))
    if op == "share_diagnosed":
        return _share_diagnosed(rest, years)
    if op == "sum_awards_paid":
        return _money(_with_city(_awards_paid(rest, years)), unit)
    raise MeasureError(f"未知的计算口径：{measure!r}")

