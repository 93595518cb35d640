"""From a recommended project to money: the pack's 重大“智改数转”项目补贴 rule decides whether
the project qualifies and what it is worth, and a qualifying project becomes a 快申快享
application with the diagnosis report attached, so the reviewer's decision goes through the
same award slot and ledger as every other payment (paid once per firm, policy and year).

The rule reads the year's technical-upgrade investment (tech_upgrade_investment): the project's
estimated cost is taken as that investment in the year the firm applies for, on a what-if copy
of its snapshot (the database is not touched)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from industrybrain.core import audit
from industrybrain.core.money import format_yuan
from industrybrain.policies import applications, calculator, catalogue
from industrybrain.policies.budgets import Refused as PolicyRefused

from .config import config
from .models import Diagnosis, RecommendedProject
from .workflow import Refused


@dataclass
class Pricing:
    eligible: bool
    amount_yuan: int | None
    explanation: str
    year: int


def policy():
    return catalogue.policy(config().subsidy_policy)


def years() -> list[int]:
    """The years the subsidy is in force, latest first."""
    p = policy()
    last = p.effective_to.year if p.effective_to else p.effective_from.year + 10
    return list(range(last, p.effective_from.year - 1, -1))


def default_year(project: RecommendedProject) -> int:
    """The report's year if the subsidy is in force then, else the nearest year it is."""
    ys = years()
    year = project.report.filed_on.year
    return min(ys, key=lambda y: (abs(y - year), -y))


def price(project: RecommendedProject, year: int) -> Pricing:
    """What the pack's rule says of this project in ``year``."""
    enterprise_id = project.report.diagnosis.enterprise_id
    rows = calculator.what_if(enterprise_id, year, {"tech_upgrade_investment": project.cost_yuan}, None)
    row = next((r for r in rows if r.policy.id == config().subsidy_policy), None)
    if row is None:
        return Pricing(False, None, _("该年度不在政策有效期内"), year)
    return Pricing(row.status == "eligible" and bool(row.amount_yuan), row.amount_yuan,
                   row.explanation, year)


def report_text(diagnosis: Diagnosis) -> str:
    """The diagnosis report as a plain-text attachment for the reviewer."""
    cfg = config()
    report = diagnosis.report
    levels = dict(report.scores.values_list("dimension", "level"))
    lines = [
        _("智能化免费诊断报告"),
        _("企业：%(e)s") % {"e": diagnosis.enterprise.name},
        _("服务商：%(p)s") % {"p": diagnosis.provider.name if diagnosis.provider else "—"},
        _("采购批次：%(l)s") % {"l": diagnosis.lot.name if diagnosis.lot else "—"},
        _("报告日期：%(d)s；企业确认：%(a)s") % {"d": report.filed_on, "a": diagnosis.accepted_on or "—"},
        _("评估标准：%(s)s") % {"s": cfg.scale_name_zh},
        _("总体成熟度：%(l)s") % {"l": cfg.level(report.overall_level).name_zh},
    ]
    for d in cfg.dimensions:
        level = cfg.level(levels.get(d.id, 0))
        lines.append(f"  {d.name_zh}：{level.name_zh if level else '—'}")
    lines += ["", _("诊断发现："), report.findings, "", _("建议实施项目：")]
    for p in report.projects.all():
        cap = cfg.capability(p.capability)
        lines.append(_("  %(t)s（%(c)s）：估算投资%(cost)s，预计年收益%(g)s，投资回收期%(y)s年；%(e)s") % {
            "t": p.title, "c": cap.name_zh if cap else "", "cost": format_yuan(p.cost_yuan),
            "g": format_yuan(p.annual_gain_yuan), "y": p.payback_years, "e": p.expected_gains})
    return "\n".join(lines) + "\n"


def route(user, project: RecommendedProject, year: int):
    """Submit the project as an application for the subsidy, with the report attached."""
    project = RecommendedProject.objects.select_related(
        "report__diagnosis__enterprise", "report__diagnosis__provider",
        "report__diagnosis__lot").get(pk=project.pk)
    diagnosis = project.report.diagnosis
    if diagnosis.status != Diagnosis.Status.ACCEPTED:
        raise Refused(_("企业确认诊断报告后，才能据此申请补贴"))
    if project.status != RecommendedProject.Status.RECOMMENDED or project.application_id:
        raise Refused(_("该项目已申请过补贴或已不在建议状态"))
    if year not in years():
        raise Refused(_("%(y)s年不在“%(p)s”的有效期内") % {"y": year, "p": catalogue.title(policy().id)})
    pricing = price(project, year)
    if not pricing.eligible:
        raise Refused(_("按“%(p)s”规则，该项目不符合补贴条件：%(why)s") % {
            "p": catalogue.title(policy().id), "why": pricing.explanation})
    statement = _(
        "依据智能化免费诊断报告（%(provider)s，%(date)s）建议实施的项目“%(title)s”，估算投资%(cost)s，"
        "投资回收期%(payback)s年。按政策规则测算补贴%(amount)s：%(why)s") % {
        "provider": diagnosis.provider.name, "date": project.report.filed_on, "title": project.title,
        "cost": format_yuan(project.cost_yuan), "payback": project.payback_years,
        "amount": format_yuan(pricing.amount_yuan), "why": pricing.explanation}
    upload = ContentFile(report_text(diagnosis).encode("utf-8"), name=f"diagnosis-{diagnosis.pk}.txt")
    upload.content_type = "text/plain"
    with transaction.atomic():
        try:
            app = applications.submit(user, diagnosis.enterprise_id, policy().id, year, statement,
                                      [upload])
        except PolicyRefused as exc:
            raise Refused(str(exc)) from None
        project.application, project.subsidy_yuan = app, pricing.amount_yuan
        project.status = RecommendedProject.Status.APPLIED
        project.save()
    audit.record(user, "transform_project_apply", project, enterprise=diagnosis.enterprise_id,
                 policy=policy().id, detail={"amount_yuan": pricing.amount_yuan, "year": year})
    return app
