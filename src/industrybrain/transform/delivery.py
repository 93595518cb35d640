"""After the report: a recommended project starts (dated, with its investment and the provider
that delivers it), and the enterprise rates the provider."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from industrybrain.core import audit

from .config import config
from .models import Diagnosis, Provider, ProviderRating, RecommendedProject
from .workflow import Refused

P = RecommendedProject.Status


def start(user, project: RecommendedProject, on: dt.date | None = None,
          invested_yuan: int | None = None, provider: Provider | None = None) -> RecommendedProject:
    on = on or timezone.localdate()
    project = RecommendedProject.objects.select_related("report__diagnosis").get(pk=project.pk)
    if project.status not in (P.RECOMMENDED, P.APPLIED):
        raise Refused(_("该项目已开工或已不再实施"))
    if project.report.diagnosis.status != Diagnosis.Status.ACCEPTED:
        raise Refused(_("企业确认诊断报告后，才能登记项目开工"))
    if on < project.report.filed_on:
        raise Refused(_("开工日期不能早于诊断报告日期%(d)s") % {"d": project.report.filed_on})
    if invested_yuan is not None and invested_yuan < 0:
        raise Refused(_("实际投资不能为负数"))
    project.status, project.started_on = P.STARTED, on
    project.invested_yuan = invested_yuan
    project.provider = provider or project.provider
    project.save()
    audit.record(user, "transform_project_start", project,
                 enterprise=project.report.diagnosis.enterprise_id,
                 detail={"invested_yuan": invested_yuan})
    return project


def decline(user, project: RecommendedProject) -> None:
    if project.status != P.RECOMMENDED:
        raise Refused(_("只有建议状态的项目可以标为暂不实施"))
    project.status = P.DECLINED
    project.save()
    audit.record(user, "transform_project_decline", project)


def rate(user, diagnosis: Diagnosis, score: int, comment: str = "",
         project: RecommendedProject | None = None, on: dt.date | None = None) -> ProviderRating:
    """The enterprise rates the provider of its diagnosis (project None) or of a project."""
    cfg = config()
    if not cfg.rating_min <= score <= cfg.rating_max:
        raise Refused(_("评分应在%(a)s至%(b)s之间") % {"a": cfg.rating_min, "b": cfg.rating_max})
    if project is None:
        if diagnosis.status not in (Diagnosis.Status.REPORTED, Diagnosis.Status.ACCEPTED):
            raise Refused(_("服务商提交诊断报告后才能评价"))
        provider = diagnosis.provider
    else:
        if project.status not in (P.STARTED, P.COMPLETED) or project.provider is None:
            raise Refused(_("项目由库内服务商实施并开工后才能评价"))
        provider = project.provider
    try:
        with transaction.atomic():
            rating = ProviderRating.objects.create(
                provider=provider, diagnosis=diagnosis, project=project, score=score,
                comment=comment.strip()[:500], rated_on=on or timezone.localdate(),
                rated_by=user if user and user.is_authenticated else None)
    except IntegrityError:
        raise Refused(_("已评价过")) from None
    audit.record(user, "provider_rating", rating, enterprise=diagnosis.enterprise_id,
                 detail={"score": score})
    return rating
