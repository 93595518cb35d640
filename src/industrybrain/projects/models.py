"""Major projects (重大项目): the pipeline from lead to full production, the element needs the
government secures for them, the inspections that follow them, their monthly investment.

Money is integer 元 (DESIGN §4), shown in 亿元. A foreign-currency project keeps its amount,
currency, rate and the rate's date; its 元 amount is derived from them.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from industrybrain.core import bounds
from industrybrain.core.localize import related

from .config import config

YUAN_PER_YI = 10**8


class Stage(models.TextChoices):
    LEAD = "lead", _("招引")
    SIGNED = "signed", _("签约")
    REGISTERED = "registered", _("入库")
    STARTED = "started", _("开工")
    COMPLETED = "completed", _("竣工")
    PRODUCING = "producing", _("达产")


STAGES = [s.value for s in Stage]


class Level(models.TextChoices):
    PROVINCE = "province", _("省重大项目")
    CITY = "city", _("市重大项目")
    NONE = "", _("未定级")


class Currency(models.TextChoices):
    CNY = "CNY", _("人民币")
    USD = "USD", _("美元")
    EUR = "EUR", _("欧元")
    JPY = "JPY", _("日元")
    HKD = "HKD", _("港元")


class ProjectQuerySet(models.QuerySet):
    def registered_in(self, year: int):
        """The year's list: projects entered into the city's major-project list in ``year``."""
        return self.filter(registered_actual__year=year)


class Project(models.Model):
    code = models.CharField(_("项目编号"), max_length=32, unique=True)
    name = models.CharField(_("项目名称"), max_length=128)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
        related_name="projects", verbose_name=_("实施企业"),
        help_text=_("企业库中已有的企业；新设企业留空，填写投资方"),
    )
    investor = models.CharField(_("投资方"), max_length=128, blank=True)
    is_new_enterprise = models.BooleanField(_("新设企业"), default=False)
    district = models.ForeignKey("enterprises.District", on_delete=models.PROTECT,
                                 verbose_name=_("辖市区"))
    cluster = models.ForeignKey("industry.Cluster", null=True, blank=True, on_delete=models.PROTECT,
                                verbose_name=_("产业集群"))
    chain = models.ForeignKey("industry.Chain", null=True, blank=True, on_delete=models.PROTECT,
                              verbose_name=_("产业链"))
    segment = models.ForeignKey("industry.ChainSegment", null=True, blank=True,
                                on_delete=models.PROTECT, verbose_name=_("产业链环节"))
    level = models.CharField(_("项目级别"), max_length=16, choices=Level.choices, blank=True)
    officer = models.CharField(_("责任人"), max_length=32)
    leader = models.CharField(_("挂钩领导"), max_length=32, blank=True)

    currency = models.CharField(_("币种"), max_length=3, choices=Currency.choices, default="CNY")
    planned_foreign = models.DecimalField(_("计划投资（外币，亿）"), max_digits=12, decimal_places=4,
                                          null=True, blank=True)
    fx_rate = models.DecimalField(_("汇率（1外币合人民币元）"), max_digits=12, decimal_places=6,
                                  null=True, blank=True)
    fx_date = models.DateField(_("汇率日期"), null=True, blank=True)
    planned_yuan = models.BigIntegerField(_("计划总投资（元）"),
                                          validators=bounds.validators(bounds.PROJECT_YUAN))
    done_yuan = models.BigIntegerField(_("累计完成投资（元）"), default=0,
                                       validators=bounds.validators(bounds.PROJECT_YUAN))
    is_large = models.BooleanField(_("超100亿元或10亿美元"), default=False, db_index=True)

    stage = models.CharField(_("当前阶段"), max_length=16, choices=Stage.choices, default="lead",
                             db_index=True)
    lead_planned = models.DateField(_("招引计划日期"), null=True, blank=True)
    lead_actual = models.DateField(_("招引日期"), null=True, blank=True)
    signed_planned = models.DateField(_("签约计划日期"), null=True, blank=True)
    signed_actual = models.DateField(_("签约日期"), null=True, blank=True)
    registered_planned = models.DateField(_("入库计划日期"), null=True, blank=True)
    registered_actual = models.DateField(_("入库日期"), null=True, blank=True, db_index=True)
    started_planned = models.DateField(_("计划开工日期"), null=True, blank=True)
    started_actual = models.DateField(_("实际开工日期"), null=True, blank=True)
    completed_planned = models.DateField(_("计划竣工日期"), null=True, blank=True)
    completed_actual = models.DateField(_("实际竣工日期"), null=True, blank=True)
    producing_planned = models.DateField(_("计划达产日期"), null=True, blank=True)
    producing_actual = models.DateField(_("实际达产日期"), null=True, blank=True)

    delay_cause = models.CharField(_("滞后原因"), max_length=500, blank=True)
    source_lead = models.CharField(_("来源线索"), max_length=64, blank=True,
                                   help_text=_("由招商线索生成时，线索的编号"))
    is_synthetic = models.BooleanField(_("合成数据"), default=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("重大项目")
        verbose_name_plural = _("重大项目")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(planned_yuan__gt=0), name="project_planned_positive"),
            models.CheckConstraint(condition=models.Q(done_yuan__gte=0), name="project_done_not_negative"),
            bounds.check("planned_yuan", bounds.PROJECT_YUAN, "project_planned_yuan_in_range"),
            bounds.check("done_yuan", bounds.PROJECT_YUAN, "project_done_yuan_in_range"),
        ]

    def __str__(self):
        return self.name

    # --- derived ---------------------------------------------------------------------
    def refresh_derived(self) -> None:
        """Stage from the actual dates, 元 from a foreign amount, the large-project flag."""
        if self.currency != "CNY" and self.planned_foreign is not None and self.fx_rate:
            self.planned_yuan = int((self.planned_foreign * YUAN_PER_YI * self.fx_rate)
                                    .quantize(Decimal(1), rounding=ROUND_HALF_UP))
        self.is_large = is_large(self.planned_yuan, self.currency, self.planned_foreign)
        reached = [s for s in STAGES if getattr(self, f"{s}_actual")]
        self.stage = reached[-1] if reached else Stage.LEAD

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def planned(self, stage: str):
        return getattr(self, f"{stage}_planned")

    def actual(self, stage: str):
        return getattr(self, f"{stage}_actual")

    @property
    def next_stage(self) -> str | None:
        i = STAGES.index(self.stage)
        if self.stage == Stage.LEAD and not self.lead_actual:
            return Stage.LEAD
        return STAGES[i + 1] if i + 1 < len(STAGES) else None

    @property
    def planned_yi(self) -> Decimal:
        return Decimal(self.planned_yuan) / YUAN_PER_YI

    @property
    def done_share(self) -> Decimal | None:
        return Decimal(self.done_yuan) / self.planned_yuan if self.planned_yuan else None

    def slips(self, today: dt.date | None = None) -> list[dict]:
        """Every milestone behind its plan on ``today``: due and not reached, or reached late."""
        today = today or timezone.localdate()
        out = []
        for s in STAGES:
            planned, actual = self.planned(s), self.actual(s)
            if planned is None:
                continue
            if actual is not None and actual > today:  # seen from a past day: not yet reached
                actual = None
            if actual is None and planned < today:
                out.append({"stage": s, "label": str(Stage(s).label), "planned": planned,
                            "actual": None, "days": (today - planned).days, "open": True})
            elif actual is not None and actual > planned:
                out.append({"stage": s, "label": str(Stage(s).label), "planned": planned,
                            "actual": actual, "days": (actual - planned).days, "open": False})
        return out

    def open_slip(self, today: dt.date | None = None) -> dict | None:
        """The milestone the project is behind on now (due, not reached), if any."""
        open_ = [s for s in self.slips(today) if s["open"]]
        return open_[0] if open_ else None

    def recompute_done(self) -> None:
        self.done_yuan = self.investments.aggregate(t=Sum("amount_yuan"))["t"] or 0


def is_large(planned_yuan: int, currency: str, planned_foreign) -> bool:
    """超100亿元或10亿美元 (projects.yaml large_project): a US-dollar project by its dollars."""
    c = config()
    if currency == "USD" and planned_foreign is not None and planned_foreign * YUAN_PER_YI >= c.large_usd:
        return True
    return planned_yuan >= c.large_yuan


class ProjectInvestment(models.Model):
    """Investment done in one month (月度完成投资), the source of the project's total."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="investments",
                                verbose_name=_("项目"))
    month = models.DateField(_("月份"), help_text=_("该月1日"))
    amount_yuan = models.BigIntegerField(_("当月完成投资（元）"),
                                         validators=bounds.validators(bounds.PROJECT_YUAN))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("月度完成投资")
        verbose_name_plural = _("月度完成投资")
        ordering = ["project", "month"]
        constraints = [
            models.UniqueConstraint(fields=["project", "month"], name="one_investment_per_month"),
            models.CheckConstraint(condition=models.Q(amount_yuan__gte=0), name="investment_not_negative"),
            bounds.check("amount_yuan", bounds.PROJECT_YUAN, "projectinvestment_amount_yuan_in_range"),
        ]


class NeedKind(models.TextChoices):
    LAND = "land", _("用地")
    ENERGY = "energy", _("用能指标")
    POWER = "power", _("电力接入")
    EIA = "eia", _("环评")
    APPROVAL = "approval", _("审批手续")
    FINANCING = "financing", _("融资")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("待协调")
    IN_PROGRESS = "in_progress", _("办理中")
    SECURED = "secured", _("已保障")


class ElementNeed(models.Model):
    """One element a project needs (要素保障): who owns it, by when, where it stands."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="needs",
                                verbose_name=_("项目"))
    kind = models.CharField(_("要素"), max_length=16, choices=NeedKind.choices)
    department = models.CharField(_("责任部门"), max_length=64)
    status = models.CharField(_("状态"), max_length=16, choices=NeedStatus.choices, default="open")
    raised_on = models.DateField(_("提出日期"))
    due_on = models.DateField(_("要求办结日期"))
    secured_on = models.DateField(_("办结日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("要素保障需求")
        verbose_name_plural = _("要素保障需求")
        ordering = ["due_on", "id"]

    def __str__(self):
        return f"{related(self, 'project')} · {self.get_kind_display()}"

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.status != NeedStatus.SECURED and self.due_on < (today or timezone.localdate())


class InspectionKind(models.TextChoices):
    DAILY = "daily_tracking", _("日常跟踪")
    WEEKLY = "weekly_inspection", _("周巡查")
    MONTHLY = "monthly_inspection", _("月度巡查")
    QUARTERLY = "quarterly_review", _("季督查")


class Inspection(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="inspections",
                                verbose_name=_("项目"))
    kind = models.CharField(_("方式"), max_length=32, choices=InspectionKind.choices)
    inspector = models.CharField(_("巡查人"), max_length=32)
    inspected_on = models.DateField(_("巡查日期"), db_index=True)
    findings = models.TextField(_("现场情况"), max_length=4000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, verbose_name=_("录入人"))

    class Meta:
        verbose_name = _("巡查记录")
        verbose_name_plural = _("巡查记录")
        ordering = ["-inspected_on", "-id"]

    def __str__(self):
        return f"{self.project} · {self.inspected_on}"


class InspectionIssue(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="issues",
                                   verbose_name=_("巡查记录"))
    description = models.CharField(_("问题"), max_length=300)
    due_on = models.DateField(_("整改期限"), null=True, blank=True)
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    closure = models.CharField(_("整改情况"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("巡查问题")
        verbose_name_plural = _("巡查问题")
        ordering = ["id"]

    def __str__(self):
        return self.description


def _upload_to(instance, filename):
    return f"inspections/{instance.inspection_id}/{filename}"


class InspectionAttachment(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="attachments",
                                   verbose_name=_("巡查记录"))
    file = models.FileField(_("附件"), upload_to=_upload_to)
    name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(max_length=100)

    class Meta:
        verbose_name = _("巡查附件")
        verbose_name_plural = _("巡查附件")
