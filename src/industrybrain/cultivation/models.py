"""Cultivation pools (培育库): who is in which pool since when, what the yearly recompute
proposes, how near each member stands to the next rung, and the officers' work with them.

The pools themselves are rules in the pack (packs/<pack>/pools.yaml); a pool is named here
by its id. Every entry and exit is a dated row that is never deleted: leaving a pool closes
the membership (exited_on), re-entering opens a new one.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Origin(models.TextChoices):
    RULE = "rule", _("按培育库规则")
    MANUAL = "manual", _("经办人手工")


class ExitKind(models.TextChoices):
    PROMOTED = "promoted", _("晋级")
    CRITERIA = "criteria", _("不再符合条件")
    MANUAL = "manual", _("经办人移出")


class Membership(models.Model):
    pool = models.CharField(_("培育库"), max_length=48, db_index=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE,
                                   related_name="pool_memberships", verbose_name=_("企业"))
    entered_on = models.DateField(_("入库日期"))
    entry_origin = models.CharField(_("入库方式"), max_length=8, choices=Origin.choices)
    entry_reason = models.CharField(_("入库理由"), max_length=500)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("入库经办人"))
    exited_on = models.DateField(_("出库日期"), null=True, blank=True)
    exit_kind = models.CharField(_("出库方式"), max_length=8, choices=ExitKind.choices, blank=True)
    exit_reason = models.CharField(_("出库理由"), max_length=500, blank=True)
    exited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("出库经办人"))

    class Meta:
        verbose_name = _("培育库成员")
        verbose_name_plural = _("培育库成员")
        ordering = ["pool", "-entered_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["pool", "enterprise"],
                                    condition=models.Q(exited_on__isnull=True),
                                    name="one_open_membership_per_pool"),
            models.CheckConstraint(
                condition=models.Q(exited_on__isnull=True) | models.Q(exited_on__gte=models.F("entered_on")),
                name="exit_not_before_entry"),
        ]
        indexes = [models.Index(fields=["pool", "exited_on"])]

    def __str__(self):
        return f"{self.pool} · {self.enterprise_id}"

    @property
    def is_open(self) -> bool:
        return self.exited_on is None


class Action(models.TextChoices):
    ENTER = "enter", _("建议入库")
    EXIT = "exit", _("建议出库")


class Decision(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACCEPTED = "accepted", _("已采纳")
    REJECTED = "rejected", _("未采纳")


class Proposal(models.Model):
    """What the yearly recompute proposes; membership changes only when an officer accepts."""

    pool = models.CharField(_("培育库"), max_length=48, db_index=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE,
                                   related_name="pool_proposals", verbose_name=_("企业"))
    year = models.PositiveSmallIntegerField(_("数据年度"))
    action = models.CharField(_("建议"), max_length=8, choices=Action.choices)
    exit_kind = models.CharField(_("出库方式"), max_length=8, choices=ExitKind.choices, blank=True)
    reason_zh = models.CharField(_("理由"), max_length=500)
    reason_en = models.CharField(_("理由（英文）"), max_length=500)
    status = models.CharField(_("状态"), max_length=8, choices=Decision.choices,
                              default=Decision.PENDING, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("审核人"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    note = models.CharField(_("审核意见"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("出入库建议")
        verbose_name_plural = _("出入库建议")
        ordering = ["pool", "action", "enterprise_id"]
        constraints = [
            # A re-run of the same year proposes nothing twice.
            models.UniqueConstraint(fields=["pool", "enterprise", "year", "action"],
                                    name="one_proposal_per_year"),
        ]


class Standing(models.Model):
    """How near a member stands to the pool's rung in a year: stored narrow (missed, distance,
    the criteria's values) by the batch; the words are rendered when someone reads them."""

    pool = models.CharField(_("培育库"), max_length=48)
    year = models.PositiveSmallIntegerField(_("数据年度"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE,
                                   related_name="pool_standings", verbose_name=_("企业"))
    missed = models.PositiveSmallIntegerField(_("未达条件数"))
    distance = models.FloatField(_("差距"))
    rank = models.PositiveIntegerField(_("排名"))
    values = models.JSONField(_("条件取值"))  # {criterion: [lhs, rhs, met]}
    probability = models.FloatField(_("次年晋级概率"), null=True, blank=True)

    class Meta:
        verbose_name = _("晋级差距")
        verbose_name_plural = _("晋级差距")
        ordering = ["pool", "year", "rank"]
        constraints = [models.UniqueConstraint(fields=["pool", "year", "enterprise"],
                                               name="one_standing_per_year")]
        indexes = [models.Index(fields=["pool", "year", "rank"])]


class Forecast(models.Model):
    """A pool's promotion model, fitted on past years, and its back-test (forecast.py)."""

    pool = models.CharField(_("培育库"), max_length=48)
    year = models.PositiveSmallIntegerField(_("数据年度"))
    computed_at = models.DateTimeField(_("计算时间"), auto_now=True)
    expected = models.FloatField(_("预计次年晋级数"))
    backtest = models.JSONField(_("回测"))
    model = models.JSONField(_("模型"))

    class Meta:
        verbose_name = _("晋级预测")
        verbose_name_plural = _("晋级预测")
        constraints = [models.UniqueConstraint(fields=["pool", "year"], name="one_forecast_per_year")]


class TaskKind(models.TextChoices):
    COACHING = "coaching", _("辅导")
    RESTRUCTURING = "restructuring", _("股改")
    APPLICATION = "application", _("申报")
    VISIT = "visit", _("走访")


class Task(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="tasks",
                                   verbose_name=_("培育库成员"))
    kind = models.CharField(_("事项"), max_length=16, choices=TaskKind.choices)
    due_on = models.DateField(_("完成期限"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    outcome = models.CharField(_("结果"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+",
                                   verbose_name=_("经办人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("培育事项")
        verbose_name_plural = _("培育事项")
        ordering = ["done_on", "due_on", "id"]


class Flow(models.Model):
    """Enterprises moving between a ladder's rungs from one year to the next (the sankey),
    stored by the recompute: ``source``/``target`` are rung ids, "" for off the ladder."""

    ladder = models.CharField(_("梯队"), max_length=48)
    year = models.PositiveSmallIntegerField(_("年度"))  # the flow from year-1 to year
    district = models.ForeignKey("enterprises.District", null=True, blank=True,
                                 on_delete=models.CASCADE, verbose_name=_("辖市区"))
    source = models.CharField(_("起点"), max_length=48, blank=True)
    target = models.CharField(_("终点"), max_length=48, blank=True)
    count = models.PositiveIntegerField(_("企业数"))

    class Meta:
        verbose_name = _("梯队流动")
        verbose_name_plural = _("梯队流动")
        indexes = [models.Index(fields=["ladder", "year"])]
