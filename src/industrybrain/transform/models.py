"""智改数转: the free diagnosis every manufacturer may have, bought lot by lot (政府采购), the
service-provider library (服务商库), the providers' reports on a published maturity scale, and
the projects the reports recommend, up to a subsidy application and the lenders' list.

Money is integer 元 (DESIGN §4). Every step of a diagnosis is dated. What the database can
check it checks (a level on the scale, a cost or payback below zero, one free diagnosis per
firm and lot); what it cannot (a provider outside its lot, a second diagnosis in an
overlapping lot) the workflow refuses with the reason (workflow.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .config import config

_CFG = config()
MIN_LEVEL, MAX_LEVEL = _CFG.min_level, _CFG.max_level


class Provider(models.Model):
    """A member of the city's 智改数转 service-provider library."""

    name = models.CharField(_("服务商名称"), max_length=128, unique=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    district = models.ForeignKey("enterprises.District", null=True, blank=True,
                                 on_delete=models.PROTECT, verbose_name=_("所在辖市区"))
    contact = models.CharField(_("联系人"), max_length=32, blank=True)
    phone = models.CharField(_("联系电话"), max_length=32, blank=True)
    description = models.TextField(_("简介"), blank=True)
    capabilities = models.JSONField(_("服务能力"), default=list,
                                    help_text=_("transform.yaml 中的服务能力"))
    certifications = models.JSONField(_("资质认证"), default=list, blank=True)
    clusters = models.ManyToManyField("industry.Cluster", blank=True, related_name="+",
                                      verbose_name=_("服务的产业集群"))
    chains = models.ManyToManyField("industry.Chain", blank=True, related_name="+",
                                    verbose_name=_("服务的产业链"))
    projects_before = models.PositiveIntegerField(
        _("入库前交付项目数"), default=0,
        help_text=_("加入服务商库前已交付的智改数转项目；入库后的项目由系统记录"))
    active = models.BooleanField(_("在库"), default=True)
    joined_on = models.DateField(_("入库日期"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("合成数据"), default=False)

    class Meta:
        verbose_name = _("智改数转服务商")
        verbose_name_plural = _("智改数转服务商")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProviderMember(models.Model):
    """A user who works for a provider: sees only the enterprises assigned to it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="provider_membership", verbose_name=_("用户"))
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="members",
                                 verbose_name=_("服务商"))

    class Meta:
        verbose_name = _("服务商用户")
        verbose_name_plural = _("服务商用户")

    def __str__(self):
        return f"{self.user} · {self.provider}"


class ProcurementLot(models.Model):
    """One 政府采购 batch of free diagnoses: its period, budget, price and providers."""

    code = models.CharField(_("采购批次编号"), max_length=32, unique=True)
    name = models.CharField(_("采购批次名称"), max_length=128)
    period_start = models.DateField(_("服务期起"))
    period_end = models.DateField(_("服务期止"))
    budget_yuan = models.BigIntegerField(_("预算（元）"))
    price_yuan = models.BigIntegerField(_("每次诊断单价（元）"))
    providers = models.ManyToManyField(Provider, related_name="lots", blank=True,
                                       verbose_name=_("中标服务商"))
    is_synthetic = models.BooleanField(_("合成数据"), default=False)

    class Meta:
        verbose_name = _("诊断服务采购批次")
        verbose_name_plural = _("诊断服务采购批次")
        ordering = ["-period_start", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")),
                                   name="lot_period_in_order"),
            models.CheckConstraint(condition=Q(budget_yuan__gt=0), name="lot_budget_positive"),
            models.CheckConstraint(condition=Q(price_yuan__gt=0), name="lot_price_positive"),
            models.CheckConstraint(condition=Q(price_yuan__lte=models.F("budget_yuan")),
                                   name="lot_price_within_budget"),
        ]

    def __str__(self):
        return self.name

    @property
    def capacity(self) -> int:
        """How many diagnoses the budget buys at the lot's price."""
        return self.budget_yuan // self.price_yuan


class AssignmentBatch(models.Model):
    """The city's assignment of diagnoses in one go: a district, a cluster, or the firms not
    yet diagnosed."""

    class Basis(models.TextChoices):
        DISTRICT = "district", _("按辖市区")
        CLUSTER = "cluster", _("按产业集群")
        UNDIAGNOSED = "undiagnosed", _("尚未诊断的企业")
        REQUESTS = "requests", _("企业申请")

    lot = models.ForeignKey(ProcurementLot, on_delete=models.PROTECT, related_name="batches",
                            verbose_name=_("采购批次"))
    basis = models.CharField(_("分派方式"), max_length=16, choices=Basis.choices)
    district = models.ForeignKey("enterprises.District", null=True, blank=True,
                                 on_delete=models.PROTECT, verbose_name=_("辖市区"))
    cluster = models.ForeignKey("industry.Cluster", null=True, blank=True,
                                on_delete=models.PROTECT, verbose_name=_("产业集群"))
    size = models.PositiveIntegerField(_("分派企业数"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("分派人"))
    created_on = models.DateField(_("分派日期"))

    class Meta:
        verbose_name = _("诊断分派批次")
        verbose_name_plural = _("诊断分派批次")
        ordering = ["-created_on", "-id"]


class Diagnosis(models.Model):
    """One firm's free diagnosis, from request or assignment to the firm's acceptance."""

    class Origin(models.TextChoices):
        BATCH = "batch", _("市级分派")
        REQUEST = "request", _("企业申请")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("已申请，待分派")
        ASSIGNED = "assigned", _("已分派服务商")
        REPORTED = "reported", _("已提交诊断报告")
        ACCEPTED = "accepted", _("企业已确认")
        CANCELLED = "cancelled", _("已撤销")

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT,
                                   related_name="diagnoses", verbose_name=_("企业"))
    origin = models.CharField(_("来源"), max_length=16, choices=Origin.choices)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, db_index=True)
    lot = models.ForeignKey(ProcurementLot, null=True, blank=True, on_delete=models.PROTECT,
                            related_name="diagnoses", verbose_name=_("采购批次"))
    provider = models.ForeignKey(Provider, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="diagnoses", verbose_name=_("服务商"))
    batch = models.ForeignKey(AssignmentBatch, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="diagnoses", verbose_name=_("分派批次"))
    requested_on = models.DateField(_("申请日期"), null=True, blank=True)
    assigned_on = models.DateField(_("分派日期"), null=True, blank=True, db_index=True)
    visited_on = models.DateField(_("上门诊断日期"), null=True, blank=True)
    reported_on = models.DateField(_("报告日期"), null=True, blank=True)
    accepted_on = models.DateField(_("企业确认日期"), null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("确认人"))
    note = models.CharField(_("备注"), max_length=500, blank=True)
    is_synthetic = models.BooleanField(_("合成数据"), default=False)

    class Meta:
        verbose_name = _("智能化免费诊断")
        verbose_name_plural = _("智能化免费诊断")
        ordering = ["-assigned_on", "-id"]
        constraints = [
            # One free diagnosis per firm and lot; a cancelled one does not count.
            models.UniqueConstraint(fields=["enterprise", "lot"], condition=~Q(status="cancelled"),
                                    name="one_free_diagnosis_per_lot"),
            # One open request per firm.
            models.UniqueConstraint(fields=["enterprise"], condition=Q(status="requested"),
                                    name="one_open_diagnosis_request"),
            # From assignment on, a diagnosis has its lot, provider and date.
            models.CheckConstraint(
                condition=Q(status__in=["requested", "cancelled"])
                | Q(lot__isnull=False, provider__isnull=False, assigned_on__isnull=False),
                name="assigned_diagnosis_has_lot_and_provider"),
            models.CheckConstraint(
                condition=~Q(status__in=["reported", "accepted"]) | Q(reported_on__isnull=False),
                name="reported_diagnosis_is_dated"),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(accepted_on__isnull=False),
                name="accepted_diagnosis_is_dated"),
            models.CheckConstraint(
                condition=Q(reported_on__isnull=True) | Q(assigned_on__isnull=True)
                | Q(reported_on__gte=models.F("assigned_on")),
                name="report_not_before_assignment"),
            models.CheckConstraint(
                condition=Q(accepted_on__isnull=True) | Q(reported_on__isnull=True)
                | Q(accepted_on__gte=models.F("reported_on")),
                name="acceptance_not_before_report"),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.get_status_display()}"


def _level_check(field: str, name: str) -> models.CheckConstraint:
    # The bounds follow transform.yaml's scale; changing the scale asks for a migration.
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": MIN_LEVEL, f"{field}__lte": MAX_LEVEL}), name=name)


class Report(models.Model):
    """The provider's diagnosis report: a level per dimension, findings, recommended projects."""

    diagnosis = models.OneToOneField(Diagnosis, on_delete=models.CASCADE, related_name="report",
                                     verbose_name=_("诊断"))
    overall_level = models.PositiveSmallIntegerField(_("总体成熟度等级"))
    findings = models.TextField(_("诊断发现"))
    filed_on = models.DateField(_("提交日期"))
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("提交人"))

    class Meta:
        verbose_name = _("诊断报告")
        verbose_name_plural = _("诊断报告")
        constraints = [_level_check("overall_level", "report_overall_level_on_scale")]

    def __str__(self):
        return str(self.diagnosis)


class DimensionScore(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="scores")
    dimension = models.CharField(_("能力域"), max_length=32)
    level = models.PositiveSmallIntegerField(_("成熟度等级"))

    class Meta:
        verbose_name = _("能力域成熟度")
        verbose_name_plural = _("能力域成熟度")
        constraints = [
            models.UniqueConstraint(fields=["report", "dimension"], name="one_score_per_dimension"),
            _level_check("level", "dimension_level_on_scale"),
        ]


class RecommendedProject(models.Model):
    """A project a report recommends, and what came of it."""

    class Status(models.TextChoices):
        RECOMMENDED = "recommended", _("建议实施")
        APPLIED = "applied", _("已申请补贴")
        STARTED = "started", _("已开工")
        COMPLETED = "completed", _("已建成")
        DECLINED = "declined", _("企业暂不实施")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="projects",
                               verbose_name=_("诊断报告"))
    title = models.CharField(_("项目名称"), max_length=128)
    capability = models.CharField(_("所需服务能力"), max_length=32)
    cost_yuan = models.BigIntegerField(_("估算投资（元）"))
    annual_gain_yuan = models.BigIntegerField(_("预计年收益（元）"), default=0)
    expected_gains = models.CharField(_("预期成效"), max_length=500)
    payback_years = models.DecimalField(_("投资回收期（年）"), max_digits=4, decimal_places=1)
    status = models.CharField(_("进展"), max_length=16, choices=Status.choices,
                              default=Status.RECOMMENDED, db_index=True)
    provider = models.ForeignKey(Provider, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="delivered", verbose_name=_("实施服务商"))
    application = models.OneToOneField("policies.Application", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="transform_project",
                                       verbose_name=_("补贴申请"))
    subsidy_yuan = models.BigIntegerField(_("按规则测算补贴（元）"), null=True, blank=True)
    started_on = models.DateField(_("开工日期"), null=True, blank=True)
    completed_on = models.DateField(_("建成日期"), null=True, blank=True)
    invested_yuan = models.BigIntegerField(_("实际投资（元）"), null=True, blank=True)

    class Meta:
        verbose_name = _("建议实施项目")
        verbose_name_plural = _("建议实施项目")
        ordering = ["report", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(cost_yuan__gte=0), name="project_cost_not_negative"),
            models.CheckConstraint(condition=Q(annual_gain_yuan__gte=0),
                                   name="project_gain_not_negative"),
            models.CheckConstraint(condition=Q(payback_years__gte=0),
                                   name="project_payback_not_negative"),
            models.CheckConstraint(condition=Q(invested_yuan__isnull=True) | Q(invested_yuan__gte=0),
                                   name="project_invested_not_negative"),
            models.CheckConstraint(condition=Q(subsidy_yuan__isnull=True) | Q(subsidy_yuan__gte=0),
                                   name="project_subsidy_not_negative"),
        ]

    def __str__(self):
        return self.title


class ProviderRating(models.Model):
    """The enterprise's rating of the provider that delivered a project (or the diagnosis)."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="ratings",
                                 verbose_name=_("服务商"))
    diagnosis = models.ForeignKey(Diagnosis, on_delete=models.CASCADE, related_name="ratings",
                                  verbose_name=_("诊断"))
    project = models.OneToOneField(RecommendedProject, null=True, blank=True,
                                   on_delete=models.CASCADE, related_name="rating",
                                   verbose_name=_("项目"))
    score = models.PositiveSmallIntegerField(_("评分"))
    comment = models.CharField(_("评价"), max_length=500, blank=True)
    rated_on = models.DateField(_("评价日期"))
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("服务商评价")
        verbose_name_plural = _("服务商评价")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=_CFG.rating_min, score__lte=_CFG.rating_max),
                name="rating_on_scale"),
            # One rating of the diagnosis itself (project empty) per diagnosis.
            models.UniqueConstraint(fields=["diagnosis"], condition=Q(project__isnull=True),
                                    name="one_rating_per_diagnosis"),
        ]
