"""Targets (目标), their indicator values per year (指标值) and the assessments of each refresh.

A Target is a copy of one item of the pack's targets.yaml (the YAML stays the source; see
loading.py). Indicator values keep their provenance: a computed value says which measure
and when; an entered value says who, from which source, dated when. Entered values from
different sources are kept side by side, never overwritten (the officer sees both).
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from industrybrain.core import bounds


class Kind(models.TextChoices):
    TARGET = "target", _("目标")
    BASELINE = "baseline", _("基数")
    QUALITATIVE = "qualitative", _("定性目标")


class Comparator(models.TextChoices):
    AT_LEAST = "at_least", _("达到")
    MORE_THAN = "more_than", _("超过")
    ABOUT = "about", _("左右")
    BETWEEN = "between", _("区间")
    AT_MOST = "at_most", _("不超过")
    EQUAL = "equal", _("等于")


class Status(models.TextChoices):
    ACHIEVED = "achieved", _("已达成")
    ON_TRACK = "on_track", _("正常推进")
    AT_RISK = "at_risk", _("有风险")
    OFF_TRACK = "off_track", _("滞后")
    NO_DATA = "no_data", _("待录入")
    BASELINE = "baseline", _("基数")
    # Qualitative items only: set by an officer.
    NOT_STARTED = "not_started", _("未启动")
    IN_PROGRESS = "in_progress", _("推进中")


QUALITATIVE_STATUSES = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.AT_RISK, Status.ACHIEVED]


class Target(models.Model):
    code = models.SlugField(_("编号"), max_length=80, unique=True)
    name_zh = models.CharField(_("名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=300)
    section = models.CharField(_("类别"), max_length=80, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    scope = models.CharField(_("范围"), max_length=80, default="city")
    comparator = models.CharField(_("比较"), max_length=16, choices=Comparator.choices, blank=True)
    value = models.DecimalField(_("目标值"), max_digits=20, decimal_places=4, null=True, blank=True,
                                validators=bounds.validators(bounds.INDICATOR_VALUE))
    value_max = models.DecimalField(_("上限"), max_digits=20, decimal_places=4, null=True, blank=True,
                                    validators=bounds.validators(bounds.INDICATOR_VALUE))
    unit = models.CharField(_("单位"), max_length=16, blank=True)
    as_written = models.CharField(_("原文写法"), max_length=80, blank=True)
    deadline = models.PositiveSmallIntegerField(_("目标年份"), null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("基数年份"), null=True, blank=True)
    period = models.CharField(_("周期"), max_length=16, blank=True)
    start_year = models.PositiveSmallIntegerField(_("起始年份"), null=True, blank=True)
    relative_to = models.CharField(_("倍增基数"), max_length=80, blank=True)
    implied = models.JSONField(_("折算目标"), default=dict, blank=True)
    indicator = models.CharField(_("取数方式"), max_length=16)  # computed | entered
    measure = models.CharField(_("计算口径"), max_length=300, blank=True)
    note = models.TextField(_("说明"), blank=True)
    citations = models.JSONField(_("出处"), default=list)
    conflicts_with = models.JSONField(_("冲突条目"), default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    # An officer sets the status of a qualitative item; the system never does.
    officer_status = models.CharField(
        _("人工状态"), max_length=16, choices=Status.choices, blank=True
    )
    officer_note = models.TextField(_("状态说明"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        ordering = ["order"]
        constraints = [bounds.check(column, bounds.INDICATOR_VALUE, f"target_{column}_in_range",
                                    nullable=True) for column in ("value", "value_max")]

    def __str__(self):
        return self.name_zh

    @property
    def is_computed(self) -> bool:
        return self.indicator == "computed"

    @property
    def goal(self) -> Decimal | None:
        """The number the indicator is compared with, in ``measure_unit``: a doubling
        target (倍) is compared through its implied count (6800家), not the multiple."""
        if self.unit == "倍" and self.implied.get("value") is not None:
            return Decimal(str(self.implied["value"]))
        return self.value

    @property
    def measure_unit(self) -> str:
        if self.unit == "倍" and self.implied.get("unit"):
            return self.implied["unit"]
        return self.unit

    @property
    def scope_kind(self) -> str:
        return self.scope.split(":", 1)[0]

    @property
    def scope_code(self) -> str:
        return self.scope.split(":", 1)[1] if ":" in self.scope else ""


class IndicatorValue(models.Model):
    """One value of a target's indicator for one year (and district, where split)."""

    class Origin(models.TextChoices):
        COMPUTED = "computed", _("系统计算")
        ENTERED = "entered", _("人工录入")

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField(_("年份"))
    district = models.ForeignKey(
        "enterprises.District", null=True, blank=True, on_delete=models.PROTECT,
        verbose_name=_("辖市区"),
    )
    value = models.DecimalField(_("数值"), max_digits=24, decimal_places=4,
                                validators=bounds.validators(bounds.INDICATOR_VALUE))
    unit = models.CharField(_("单位"), max_length=16)
    origin = models.CharField(_("来源类型"), max_length=16, choices=Origin.choices)
    # computed: the measure and when it ran
    query = models.CharField(_("计算口径"), max_length=300, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    # entered: who, from which source, of which date
    source = models.CharField(_("数据来源"), max_length=200, blank=True)
    source_date = models.DateField(_("来源日期"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        verbose_name=_("录入人"),
    )
    entered_at = models.DateTimeField(_("录入时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("指标值")
        verbose_name_plural = _("指标值")
        ordering = ["target", "year", "district_id"]
        constraints = [
            # One value per source: a second source is a second row, never an overwrite.
            # Two partial constraints, because NULL districts are distinct in SQL.
            models.UniqueConstraint(
                fields=["target", "year", "district", "origin", "source"],
                condition=models.Q(district__isnull=False), name="one_value_per_source",
            ),
            models.UniqueConstraint(
                fields=["target", "year", "origin", "source"],
                condition=models.Q(district__isnull=True), name="one_city_value_per_source",
            ),
            bounds.check("value", bounds.INDICATOR_VALUE, "indicatorvalue_value_in_range"),
        ]

    def __str__(self):
        return f"{self.target.code} {self.year} {self.value} {self.unit}"


class RefreshRun(models.Model):
    """One run of targets_refresh; the cockpit compares the latest with last month's."""

    ran_at = models.DateTimeField(_("运行时间"), auto_now_add=True)
    latest_year = models.PositiveSmallIntegerField(_("最新数据年份"), null=True)
    seconds = models.FloatField(_("用时（秒）"), default=0)
    # < 1 when the database holds only a synthetic sample of the city (refresh.demo_scale)
    scale = models.FloatField(_("演示缩放比例"), default=1.0)

    class Meta:
        verbose_name = _("指标刷新")
        verbose_name_plural = _("指标刷新")
        ordering = ["-ran_at", "-id"]


# An assessment's numbers in the target's unit, bounded as an indicator value is.
ASSESSED = ("value", "goal", "forecast", "forecast_low", "forecast_high")


class Assessment(models.Model):
    """A target's value now, progress, forecast and status at one refresh (city or district)."""

    run = models.ForeignKey(RefreshRun, on_delete=models.CASCADE, related_name="assessments")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="assessments")
    district = models.ForeignKey(
        "enterprises.District", null=True, blank=True, on_delete=models.CASCADE
    )
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices)
    year = models.PositiveSmallIntegerField(_("数据年份"), null=True)
    value = models.DecimalField(max_digits=24, decimal_places=4, null=True)
    goal = models.DecimalField(max_digits=24, decimal_places=4, null=True)
    progress = models.FloatField(_("完成进度"), null=True)  # 0..1 of the way baseline -> goal
    expected = models.FloatField(_("应达进度"), null=True)  # where the straight path is now
    forecast = models.DecimalField(max_digits=24, decimal_places=4, null=True)
    forecast_low = models.DecimalField(max_digits=24, decimal_places=4, null=True)
    forecast_high = models.DecimalField(max_digits=24, decimal_places=4, null=True)
    reason = models.CharField(_("判断依据"), max_length=300, blank=True)

    class Meta:
        ordering = ["run", "target__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "target", "district"], condition=models.Q(district__isnull=False),
                name="one_district_assessment_per_run",
            ),
            models.UniqueConstraint(
                fields=["run", "target"], condition=models.Q(district__isnull=True),
                name="one_city_assessment_per_run",
            ),
            *(bounds.check(column, bounds.INDICATOR_VALUE, f"assessment_{column}_in_range",
                           nullable=True) for column in ASSESSED),
        ]

    @property
    def share(self) -> float | None:
        """完成度: the current value as a percentage of the goal, one decimal. The one
        progress figure the cockpit, the target list, the detail and the report show
        (``progress``, the way along the path from the baseline, decides the status)."""
        if self.value is None or not self.goal:
            return None
        return round(float(self.value / self.goal * 100), 1)
