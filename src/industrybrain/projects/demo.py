"""The demo pipeline of major projects in the synthetic city.

As the articles say: about 111 new city major projects enter the list a year ("新增入库市重大
产业项目111个"), 4 of them above 100亿元 or 10亿美元, one in the dollar; 省重大项目 among them;
the chain of milestones with plausible slippage, each slip with its cause and, where the cause
is an element (land, energy, an approval), an overdue element need; monthly investment;
weekly inspections with the issues found and closed. Deterministic for a seed; the dates are
laid relative to today so every page has a present. Names end with （合成）.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from industrybrain.enterprises.models import District, Enterprise
from industrybrain.industry.models import ChainSegment, Cluster

from .config import config
from .models import (
    ElementNeed,
    Inspection,
    InspectionIssue,
    NeedKind,
    NeedStatus,
    Project,
    ProjectInvestment,
)

PER_YEAR = 111  # 004: 新增入库市重大产业项目111个
LARGE_PER_YEAR = 4  # 004: 其中超100亿元或10亿美元项目4个
# 元 per dollar for the demo's dollar projects: annual averages of the central parity where
# known, 7.1 after (synthetic data: a plausible rate, kept with its date on each project).
USD_RATES = {2021: Decimal("6.4515"), 2022: Decimal("6.7261"), 2023: Decimal("7.0467"),
             2024: Decimal("7.1217")}
FIRST_YEAR = 2021  # the year 004 reports: 111 listed, 4 of them large
DISTRICT_WEIGHTS = {"wujin": 24, "xinbei": 22, "jintan": 14, "liyang": 13, "tianning": 8,
                    "zhonglou": 8, "jingkai": 11}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "敏", "静", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "华", "平", "刚"]
INVESTORS = ["华创", "中科", "恒力", "天合", "星源", "博瑞", "金诺", "远景", "鼎盛", "科达", "新宇", "安泰",
             "瑞丰", "汇川", "众成", "东方", "海容", "启明", "卓越", "联创"]
KINDS = ["新建", "扩建", "研发及产业化", "智能制造基地", "技术改造"]
# (cause, the element need behind it or None, its department)
CAUSES = [
    ("用地指标未落实，土地尚未摘牌", NeedKind.LAND),
    ("能评未通过，用能指标待市级统筹调剂", NeedKind.ENERGY),
    ("环评批复未取得", NeedKind.EIA),
    ("施工许可等审批手续尚在办理", NeedKind.APPROVAL),
    ("项目融资未到位，银团贷款审批中", NeedKind.FINANCING),
    ("专用变电站接入工程滞后", NeedKind.POWER),
    ("关键设备进口到货延迟", None),
    ("投资方战略调整，建设节奏放缓", None),
]
# Why a deal is not signed by its planned date.
LEAD_CAUSES = ["投资方仍在比选落地城市", "合作条款（用地价格、奖补）仍在谈判", "投资方内部决策程序未完成"]
FINDINGS = ["现场施工正常，主体结构按计划推进", "厂房钢结构吊装中，设备基础施工", "设备安装调试中",
            "现场停工待料", "场地平整完成，桩基施工中", "部分产线已试生产"]
ISSUES = ["施工现场临时用电容量不足", "周边道路未接通，影响材料进场", "用工缺口约80人", "消防验收资料不全",
          "配套污水管网未接入"]


def _name(rnd) -> str:
    return rnd.choice(SURNAMES) + rnd.choice(GIVEN) + rnd.choice(["", *GIVEN])


def _days(rnd, low, high) -> dt.timedelta:
    return dt.timedelta(days=rnd.randint(low, high))


def synthetic_count() -> int:
    return Project.objects.filter(is_synthetic=True).count()


def clear() -> None:
    Project.objects.filter(is_synthetic=True).delete()


def load(seed: int = 2022, today: dt.date | None = None, progress=print) -> dict:
    """Write the pipeline from 2021 to today (this year up to today) in one transaction."""
    rnd = random.Random(seed)
    today = today or timezone.localdate()
    c = config()
    districts = {d.code: d for d in District.objects.all()}
    clusters = list(Cluster.objects.prefetch_related("segments"))
    segments = [s for s in ChainSegment.objects.select_related("chain", "cluster")]
    enterprises = list(Enterprise.objects.filter(is_synthetic=True, cluster__isnull=False)
                       .values_list("pk", "name", "district__code", "cluster_id")[:5000])
    officers = {code: [_name(rnd) for _ in range(3)] for code in districts}
    leaders = {code: [f"{_name(rnd)}（副区长）" for _ in range(2)] for code in districts}
    projects = []
    serial = 0
    for year in range(FIRST_YEAR, today.year + 1):
        days_in = (min(today, dt.date(year, 12, 31)) - dt.date(year, 1, 1)).days + 1
        count = round(PER_YEAR * days_in / 365)
        large = set(rnd.sample(range(count), min(LARGE_PER_YEAR if days_in > 300 else 2, count)))
        for i in range(count):
            serial += 1
            district = rnd.choices(list(DISTRICT_WEIGHTS), weights=list(DISTRICT_WEIGHTS.values()))[0]
            p = _project(rnd, year, i, serial, districts[district], clusters, segments, enterprises,
                         officers[district], leaders[district],
                         ("usd" if i == min(large) else "cny") if i in large else None, days_in, today, c)
            projects.append(p)
    for k in range(30):  # leads and signed deals not yet on the list
        serial += 1
        district = rnd.choices(list(DISTRICT_WEIGHTS), weights=list(DISTRICT_WEIGHTS.values()))[0]
        seg = rnd.choice(segments)
        lead = today - _days(rnd, 10, 200)
        p = Project(code=f"XM{today.year}-L{k + 1:03d}", name=f"{rnd.choice(INVESTORS)}{seg.name_zh}项目（合成）",
                    investor=f"{rnd.choice(INVESTORS)}集团（合成）", is_new_enterprise=True,
                    district=districts[district], chain=seg.chain, cluster=seg.cluster, segment=seg,
                    officer=rnd.choice(officers[district]), planned_yuan=rnd.randint(3, 60) * 10**8,
                    lead_actual=lead, signed_planned=lead + _days(rnd, 60, 150),
                    signed_actual=(lead + _days(rnd, 30, 120)) if k % 2 else None, is_synthetic=True)
        if p.signed_actual and p.signed_actual > today:
            p.signed_actual = None
        if p.signed_actual is None and p.signed_planned < today:
            p.delay_cause = rnd.choice(LEAD_CAUSES)
        projects.append(p)
    with transaction.atomic():
        for p in projects:
            p.refresh_derived()
        Project.objects.bulk_create(projects, batch_size=1000)
        saved = list(Project.objects.filter(is_synthetic=True))
        needs, investments, inspections = _needs(rnd, saved, today), _investments(rnd, saved, today), []
        for p in saved:
            inspections += _inspections(rnd, p, today)
        ElementNeed.objects.bulk_create(needs, batch_size=2000)
        ProjectInvestment.objects.bulk_create(investments, batch_size=5000)
        Inspection.objects.bulk_create(inspections, batch_size=5000)
        issues = _issues(rnd, Inspection.objects.filter(project__is_synthetic=True), today)
        InspectionIssue.objects.bulk_create(issues, batch_size=5000)
        totals = {}
        for inv in investments:
            totals[inv.project_id] = totals.get(inv.project_id, 0) + inv.amount_yuan
        for p in saved:
            p.done_yuan = totals.get(p.pk, 0)
        Project.objects.bulk_update(saved, ["done_yuan"], batch_size=1000)
    counts = {"projects": len(saved), "needs": len(needs), "investments": len(investments),
              "inspections": len(inspections), "issues": len(issues)}
    progress(f"  重大项目 {counts['projects']:,} 个，要素保障需求 {counts['needs']:,} 项，"
             f"巡查记录 {counts['inspections']:,} 条")
    return counts


def _project(rnd, year, i, serial, district, clusters, segments, enterprises, officers, leaders, large,
             days_in, today, c) -> Project:
    seg = rnd.choice(segments)
    cluster = seg.cluster or (rnd.choice(clusters) if rnd.random() < 0.5 else None)
    registered = dt.date(year, 1, 1) + dt.timedelta(days=rnd.randrange(days_in))
    own = [e for e in enterprises if e[2] == district.code and (cluster is None or e[3] == cluster.pk)]
    enterprise = rnd.choice(own) if own and rnd.random() < 0.6 else None
    investor = enterprise[1].replace("（合成）", "") if enterprise else f"{rnd.choice(INVESTORS)}科技（合成）"
    short = investor[:4]
    p = Project(
        code=f"XM{year}-{i + 1:04d}", name=f"{short}{seg.name_zh}{rnd.choice(KINDS)}项目（合成）",
        enterprise_id=enterprise[0] if enterprise else None, investor="" if enterprise else investor,
        is_new_enterprise=enterprise is None, district=district, cluster=cluster, chain=seg.chain,
        segment=seg, level="province" if rnd.random() < 0.15 else "city", officer=rnd.choice(officers),
        leader=rnd.choice(leaders), is_synthetic=True,
        planned_yuan=int(min(max(rnd.lognormvariate(2.6, 0.7), 2), 90) * 10**8),
    )
    if large:
        if large == "usd":  # one a year in dollars: 10亿美元 counts whatever the rate
            p.currency, p.planned_foreign = "USD", Decimal(rnd.choice([10, 12, 15]))
            p.fx_rate = USD_RATES.get(registered.year, Decimal("7.1"))
            p.fx_date = registered - dt.timedelta(days=3)
        else:
            p.planned_yuan = rnd.choice([100, 120, 150, 200]) * 10**8
        p.level = "province"
    p.lead_actual = registered - _days(rnd, 150, 330)
    p.signed_planned = registered - _days(rnd, 40, 140)
    p.signed_actual = p.signed_planned + _days(rnd, -10, 15)
    if p.signed_actual < p.lead_actual:
        p.signed_actual = p.lead_actual + dt.timedelta(days=20)
    p.registered_planned, p.registered_actual = registered, registered
    if p.signed_actual > registered:
        p.signed_actual = registered
    p.started_planned = registered + _days(rnd, 20, 150)
    p.completed_planned = p.started_planned + _days(rnd, 300, 640)
    p.producing_planned = p.completed_planned + _days(rnd, 90, 300)
    # Slippage: about one in four starts late, and a late start carries on.
    slip, cause = 0, None
    roll = rnd.random()
    if roll < 0.25:
        cause = rnd.choice(CAUSES)
        slip = rnd.randint(20, 260)
    elif roll < 0.4:
        slip = rnd.randint(-15, 10)
    actual = p.started_planned + dt.timedelta(days=slip)
    p.started_actual = actual if actual <= today else None
    if p.started_actual:
        later = slip + (rnd.randint(30, 180) if rnd.random() < 0.2 else rnd.randint(-20, 20))
        done = p.completed_planned + dt.timedelta(days=max(later, slip - 30))
        p.completed_actual = done if done <= today else None
        if p.completed_actual:
            prod = p.producing_planned + dt.timedelta(days=max(later, 0) + rnd.randint(-10, 60))
            p.producing_actual = prod if prod <= today else None
    if cause and (p.open_slip(today) or slip > 0):
        p.delay_cause = cause[0]
        p._need = cause[1]
    elif p.open_slip(today):
        other = rnd.choice(CAUSES)
        p.delay_cause, p._need = other[0], other[1]
    return p


def _needs(rnd, projects, today):
    c = config()
    out = []
    for p in projects:
        if p.registered_actual is None:
            continue
        kinds = rnd.sample([k.value for k in NeedKind], rnd.randint(1, 3))
        cause_kind = None
        if p.delay_cause:
            cause_kind = next((k.value for text, k in CAUSES if text == p.delay_cause and k), None)
        if cause_kind and cause_kind not in kinds:
            kinds.append(cause_kind)
        for kind in kinds:
            raised = p.signed_actual or p.registered_actual
            due = raised + _days(rnd, 30, 120)
            blocked = kind == cause_kind and p.open_slip(today) is not None
            if blocked or due >= today:
                status, secured = (NeedStatus.IN_PROGRESS if rnd.random() < 0.6 else NeedStatus.OPEN), None
            else:
                secured = min(due + _days(rnd, -20, 10), today)
                status = NeedStatus.SECURED
            out.append(ElementNeed(project=p, kind=kind, department=c.need(kind)["department_zh"],
                                   status=status, raised_on=raised, due_on=due,
                                   secured_on=max(secured, raised) if secured else None,
                                   note="即报即审" if kind == "approval" else ""))
    return out


def _month_range(first: dt.date, last: dt.date):
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + dt.timedelta(days=32)).replace(day=1)


def _investments(rnd, projects, today):
    out = []
    for p in projects:
        if not p.started_actual:
            continue
        end = p.completed_actual or max(p.completed_planned, today)
        months = list(_month_range(p.started_actual, end))
        share = Decimal("0.9") if p.completed_actual else Decimal(rnd.randint(70, 100)) / 100
        per = int(p.planned_yuan * share / max(len(months), 1))
        for m in months:
            if m > today.replace(day=1):
                break
            out.append(ProjectInvestment(project=p, month=m, amount_yuan=per // 10**4 * 10**4))
    return out


def _inspections(rnd, p, today):
    """Weekly visits over the last 16 weeks while under way; one project in eight has not
    been visited for a month (an overdue inspection)."""
    if p.stage not in ("registered", "started", "completed"):
        return []
    start = max(p.registered_actual, today - dt.timedelta(days=112))
    stop = today - dt.timedelta(days=rnd.randint(0, 6))
    if rnd.random() < 0.125:
        stop = today - dt.timedelta(days=rnd.randint(15, 40))
    out, day = [], stop  # backwards from the last visit, so the cadence holds up to it
    while day >= start:
        kind = "quarterly_review" if day.month % 3 == 0 and day.day <= 7 else "weekly_inspection"
        out.append(Inspection(project=p, kind=kind, inspector=p.officer, inspected_on=day,
                              findings=rnd.choice(FINDINGS) if not p.delay_cause else f"{rnd.choice(FINDINGS)}；{p.delay_cause}"))
        day -= _days(rnd, 5, 7)
    return out


def _issues(rnd, inspections, today):
    out = []
    for ins in inspections.only("pk", "inspected_on"):
        if rnd.random() < 0.12:
            due = ins.inspected_on + _days(rnd, 7, 30)
            closed = ins.inspected_on + _days(rnd, 3, 40)
            done = closed <= today and rnd.random() < 0.75
            out.append(InspectionIssue(inspection=ins, description=rnd.choice(ISSUES), due_on=due,
                                       closed_on=closed if done else None,
                                       closure="已协调解决" if done else ""))
    return out
