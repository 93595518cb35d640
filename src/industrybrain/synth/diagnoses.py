"""The synthetic city's 智改数转 programme (issue 17): providers, one procurement lot a year,
free diagnoses with their dated steps, reports on the maturity scale, recommended projects
and what came of them. No Django: plain rows, deterministic for a seed.

Plausible, not calibrated (the articles give no counts): ``demo`` in the pack's
transform.yaml sets the providers, diagnoses per 10,000 manufacturers a year (several thousand
a year at the city's scale), and the shares requested, accepted and started. Above-scale firms
are diagnosed first and start from a higher level; a firm diagnosed again in a later lot after
a project has moved up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

DIMENSIONS = ("personnel", "technology", "resources", "design", "production", "logistics",
              "sales", "service")
PROVIDER_STEMS = ["智造", "数联", "工云", "精益", "龙城", "天宁数科", "武进智能", "新北工联", "钟楼信息",
                  "金坛智控", "溧阳数智", "经开工业", "江南自动化", "运河软件", "恐龙园数码", "西太湖云",
                  "滆湖机器人", "长荡湖数据", "天目湖工控", "淹城信息", "青果智联", "南大街数字",
                  "常柴智能", "东方数控", "中吴网络", "晋陵科技", "延陵系统", "毗陵工业互联网",
                  "兰陵智能装备", "龙虎塘数字", "湖塘科技", "鸣凰软件", "湟里数智", "横山桥工联",
                  "牛塘自动化", "邹区智造"]
SUFFIX = ["科技有限公司", "信息技术有限公司", "智能科技有限公司", "数字科技有限公司"]
FINDINGS = {
    "personnel": "缺少专职数字化团队，操作人员数字技能不足",
    "technology": "设备联网率低，数据采集靠人工抄录",
    "resources": "能源与物料消耗未按工序计量",
    "design": "产品设计仍以二维图纸为主，缺少仿真验证",
    "production": "计划排产依赖经验，生产过程不透明",
    "logistics": "仓储出入库手工记账，库存账实不符",
    "sales": "订单、客户信息分散在个人表格中",
    "service": "售后问题无追溯，质量数据未闭环",
}
# The capability that answers a weak dimension, and a project title for it.
REMEDY = {
    "personnel": ("training", "数字化人才培训与咨询"),
    "technology": ("iot", "设备联网与数据采集平台"),
    "resources": ("energy", "能源在线监测与管理系统"),
    "design": ("design", "三维设计与仿真平台"),
    "production": ("mes", "制造执行系统（MES）建设"),
    "logistics": ("logistics", "智能仓储与物流系统"),
    "sales": ("erp", "ERP与客户管理系统升级"),
    "service": ("quality", "质量追溯与智能检测"),
}
CAPABILITIES = ("iot", "mes", "erp", "design", "automation", "logistics", "quality", "cloud",
                "energy", "security", "network", "training")
CERTIFICATIONS = ("provincial_leader", "iso27001", "dcmm", "cmmi", "integration")


@dataclass
class Programme:
    providers: list[dict] = field(default_factory=list)
    lots: list[dict] = field(default_factory=list)
    diagnoses: list[dict] = field(default_factory=list)


def _date(rng, start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=int(rng.integers(0, max(days, 1))))


def generate(firms: list[dict], clusters: list[str], years: list[int], seed: int, demo: dict) -> Programme:
    """``firms``: dicts with id, is_manufacturing, above_scale, cluster (code or None) and
    revenue (元 or None). Returns providers, lots (with provider indexes) and diagnoses (with
    report, levels, projects and ratings nested)."""
    rng = np.random.default_rng([seed, 17])
    out = Programme()
    n_providers = int(demo["providers"])
    for i in range(n_providers):
        caps = sorted(set(rng.choice(CAPABILITIES, size=int(rng.integers(2, 6)), replace=False)))
        served = sorted(set(rng.choice(clusters, size=int(rng.integers(1, 4)), replace=False))) if clusters else []
        certs = [c for c in CERTIFICATIONS if rng.random() < (0.25 if c == "provincial_leader" else 0.3)]
        stem = PROVIDER_STEMS[i % len(PROVIDER_STEMS)]
        out.providers.append({
            "name": f"常州{stem}{SUFFIX[i % len(SUFFIX)]}（合成）", "capabilities": caps,
            "clusters": served, "certifications": certs, "projects_before": int(rng.integers(0, 40)),
            "joined_on": dt.date(years[0], 1, 1) - dt.timedelta(days=int(rng.integers(0, 400)))})
    manufacturers = [f for f in firms if f["is_manufacturing"]]
    per_year = max(1, round(len(manufacturers) * float(demo["diagnoses_per_10k_manufacturers"]) / 10_000))
    price = int(demo["price_per_diagnosis_yuan"])
    propensity = {f["id"]: rng.normal(0.6 if f["above_scale"] else -0.2, 0.7) for f in manufacturers}
    # Above-scale firms first, then the rest; each in a random order.
    order = sorted(manufacturers, key=lambda f: (not f["above_scale"], rng.random()))
    queue = iter(order)
    earlier: list[dict] = []
    for year in years:
        lot_providers = sorted(rng.choice(n_providers, size=min(n_providers, 18), replace=False).tolist())
        lot = {"code": f"{year}-01", "name": f"{year}年智能化免费诊断服务采购（合成）",
               "period_start": dt.date(year, 1, 1), "period_end": dt.date(year, 12, 31),
               "price_yuan": price, "budget_yuan": price * int(per_year * 1.1), "providers": lot_providers}
        out.lots.append(lot)
        chosen = []
        # A few firms come back for a second round after a project (a later, separate lot).
        again = [d for d in earlier if d["projects_started"] and d["year"] <= year - 2
                 and not d.get("again") and rng.random() < 0.3]
        for d in again[: per_year // 10]:
            d["again"] = True
            chosen.append((d["firm"], 0.8))
        for f in queue:
            chosen.append((f, 0.0))
            if len(chosen) >= per_year:
                break
        for f, lift in chosen:
            out.diagnoses.append(_diagnosis(rng, f, year, len(out.lots) - 1, lot_providers,
                                            out.providers, propensity[f["id"]] + lift, demo,
                                            last=year == years[-1]))
            earlier.append({"firm": f, "year": year, "again": lift > 0,
                            "projects_started": any(p["started_on"] for p in out.diagnoses[-1]["projects"])})
    return out


def _diagnosis(rng, firm, year, lot_index, lot_providers, providers, propensity, demo,
               last: bool) -> dict:
    fitting = [i for i in lot_providers if firm["cluster"] in providers[i]["clusters"]] or lot_providers
    provider = int(rng.choice(fitting))
    requested = rng.random() < float(demo["share_requested"])
    assigned = _date(rng, dt.date(year, 2, 1), 310)
    row = {"firm_id": firm["id"], "lot": lot_index, "provider": provider,
           "origin": "request" if requested else "batch",
           "requested_on": assigned - dt.timedelta(days=int(rng.integers(5, 40))) if requested else None,
           "assigned_on": assigned, "reported_on": None, "accepted_on": None, "levels": None,
           "findings": "", "projects": [], "rating": None}
    reported = assigned + dt.timedelta(days=int(rng.integers(14, 60)))
    if reported > dt.date(year, 12, 31):
        if last:
            return row  # the latest lot: still under way
        reported = dt.date(year, 12, 31)  # an earlier lot closed with every report in
    base = float(np.clip(2 + propensity, 1, 5))
    levels = {d: int(np.clip(round(base + rng.normal(0, 0.7)), 1, 5)) for d in DIMENSIONS}
    weakest = sorted(DIMENSIONS, key=lambda d: (levels[d], rng.random()))[:3]
    row.update(reported_on=reported, levels=levels,
               findings="；".join(FINDINGS[d] for d in weakest[:2]))
    accepted = rng.random() < float(demo["share_accepted"])
    if accepted:
        row["accepted_on"] = reported + dt.timedelta(days=int(rng.integers(1, 20)))
    revenue = firm["revenue"] or 2 * 10**7
    lo, hi = demo["projects_per_report"]
    for dim in weakest[: int(rng.integers(lo, hi + 1))]:
        capability, title = REMEDY[dim]
        cost = int(np.clip(revenue * rng.lognormal(np.log(0.02), 0.8), 5 * 10**4, 3 * 10**8)) // 10**4 * 10**4
        payback = round(float(rng.uniform(1.5, 6.0)), 1)
        started = None
        if accepted and rng.random() < float(demo["share_projects_started"]):
            started = row["accepted_on"] + dt.timedelta(days=int(rng.integers(30, 300)))
        doers = [i for i, p in enumerate(providers) if capability in p["capabilities"]]
        row["projects"].append({
            "title": title, "capability": capability, "cost_yuan": cost,
            "annual_gain_yuan": int(cost / payback), "payback_years": payback,
            "expected_gains": f"{FINDINGS[dim].split('，')[0]}问题得到解决",
            "started_on": started,
            "invested_yuan": int(cost * rng.uniform(0.8, 1.2)) // 10**4 * 10**4 if started else None,
            "provider": int(rng.choice(doers)) if started and doers else None})
    if accepted and rng.random() < 0.6:
        row["rating"] = int(rng.choice([3, 4, 4, 5, 5]))
    return row
