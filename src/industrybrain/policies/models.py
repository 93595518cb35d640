"""The smart handling system (智慧经办): runs, proposed awards, the ledger, budgets,
applications, the push inbox and subscriptions.

The guarantees live in the database, not in views: one award per enterprise x policy x
year across runs and applications (x tier where the pack pays tiers cumulatively: the
``slot``), one ledger entry per award and per slot (paid once), one active run per pack and
year. Messages are an outbox: written in the transaction of what causes them, delivered
after it (``delivered_at``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from industrybrain.core import bounds
from industrybrain.core.localize import in_english
from industrybrain.core.models import AppendOnlyModel


class Run(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("运行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")
        CANCELLED = "cancelled", _("已取消")

    pack_id = models.CharField(_("政策包"), max_length=64)
    pack_version = models.CharField(_("政策包版本"), max_length=32, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices,
                              default=Status.QUEUED)
    stage = models.CharField(_("阶段"), max_length=64, blank=True)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    counts = models.JSONField(_("结果统计"), default=dict, blank=True)
    timings = models.JSONField(_("用时（秒）"), default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, verbose_name=_("发起人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    # host:pid:process-start of the process running it: a reused PID (PID 1 in a restarted
    # container) has another start time, so it is not mistaken for the live owner.
    worker = models.CharField(max_length=128, blank=True)
    # The claim's token: every write of the worker names it, so a run failed by the reaper or
    # cancelled by an officer is never written again by a worker that was only slow.
    lease = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name = _("批量测算")
        verbose_name_plural = _("批量测算")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Two runs of one year at once would race each other's proposals.
            models.UniqueConstraint(
                fields=["pack_id", "year"], condition=models.Q(status__in=["queued", "running"]),
                name="one_active_run_per_year"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.pack_id} {self.year}"


class Award(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("拟奖励")
        INSUFFICIENT = "insufficient_data", _("数据不足")
        # Trigger met, but figures the amount needs are missing: collect them, re-run, pay.
        AMOUNT_PENDING = "amount_pending", _("符合条件，需补充数据")
        # A value of the enterprise breaks the data contract (NaN, negative…): correct it.
        INVALID = "invalid_data", _("数据有误")
        HELD = "held", _("待补充数据")
        SECOND = "awaiting_second", _("待第二人审批")
        REJECTED = "rejected", _("已驳回")
        PAID = "paid", _("已拨付")
        WITHDRAWN = "withdrawn", _("已撤回")

    class Source(models.TextChoices):
        RUN = "run", _("免申即享（批量测算）")
        APPLICATION = "application", _("快申快享（企业申请）")

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT,
                                   related_name="awards", verbose_name=_("企业"))
    policy_id = models.CharField(_("政策"), max_length=64, db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    # "" for a policy without tiers: NULLs are distinct in a unique constraint.
    tier = models.CharField(_("档位"), max_length=64, blank=True, default="")
    # What may be paid once: "" (once per enterprise, policy and year, whatever the tier or
    # the channel), or the tier where the pack pays tiers cumulatively (catalogue.slot).
    slot = models.CharField(_("支付键"), max_length=64, blank=True, default="")
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices,
                              default=Status.PROPOSED, db_index=True)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices,
                              default=Source.RUN)
    amount_yuan = models.BigIntegerField(_("金额（元）"), null=True, blank=True,
                                         validators=bounds.validators(bounds.AWARD_YUAN))
    cap_bound = models.BooleanField(_("封顶"), default=False)
    budget_line = models.CharField(_("预算科目"), max_length=32, blank=True)
    cluster_code = models.CharField(_("所属集群"), max_length=48, blank=True)
    pack_id = models.CharField(_("政策包"), max_length=64)
    pack_version = models.CharField(_("政策包版本"), max_length=32, blank=True)
    citation = models.JSONField(_("出处"), default=dict, blank=True)
    explanation_zh = models.TextField(_("说明"), blank=True)
    explanation_en = models.TextField(_("英文说明"), blank=True)
    inputs = models.JSONField(_("所用数据"), default=dict, blank=True)
    # What a run's rule read, typed (engine/interpret/kept.py): the interpreter of the pack
    # version in pack_version writes this award's explanation and inputs again from it, as
    # proposed, whatever the enterprise's figures become. Empty for manual, application and
    # older awards: their stored text is all there is.
    kept = models.JSONField(_("测算取值"), default=dict, blank=True)
    run = models.ForeignKey(Run, null=True, blank=True, on_delete=models.SET_NULL,
                            related_name="awards", verbose_name=_("最近测算"))
    reason = models.TextField(_("理由"), blank=True)
    first_approver = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+",
                                       verbose_name=_("第一审批人"))
    first_approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("奖励")
        verbose_name_plural = _("奖励")
        ordering = ["-amount_yuan", "id"]
        constraints = [
            # Runs and applications share it: a second channel cannot add a second award.
            models.UniqueConstraint(fields=["enterprise", "policy_id", "year", "slot"],
                                    name="one_award_per_policy_year"),
            # An award the engine could not price never carries money; a payable one always does.
            models.CheckConstraint(
                condition=~models.Q(status__in=["insufficient_data", "amount_pending",
                                                "invalid_data"])
                | models.Q(amount_yuan__isnull=True),
                name="unpriced_award_has_no_amount"),
            models.CheckConstraint(
                condition=models.Q(amount_yuan__isnull=True) | models.Q(amount_yuan__gt=0),
                name="award_amount_positive"),
            bounds.check("amount_yuan", bounds.AWARD_YUAN, "award_amount_yuan_in_range",
                         nullable=True),
        ]
        indexes = [models.Index(fields=["year", "status"])]

    def __str__(self):
        return f"{self.enterprise_id}·{self.policy_id}·{self.year}·{self.tier}"


class LedgerEntry(AppendOnlyModel):
    """One payment. Append-only; the unique award is what makes a payment happen once."""

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="payment",
                                 verbose_name=_("奖励"))
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT,
                                   related_name="payments", verbose_name=_("企业"))
    policy_id = models.CharField(_("政策"), max_length=64)
    year = models.PositiveSmallIntegerField(_("年度"))
    tier = models.CharField(_("档位"), max_length=64, blank=True, default="")
    slot = models.CharField(_("支付键"), max_length=64, blank=True, default="")
    amount_yuan = models.BigIntegerField(_("金额（元）"),
                                         validators=bounds.validators(bounds.AWARD_YUAN))
    budget_line = models.CharField(_("预算科目"), max_length=32)
    cluster_code = models.CharField(_("所属集群"), max_length=48, blank=True)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("审批人"))
    second_approver = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+",
                                        verbose_name=_("第二审批人"))
    paid_at = models.DateTimeField(_("拨付时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("拨付台账")
        verbose_name_plural = _("拨付台账")
        ordering = ["-paid_at", "-id"]
        constraints = [
            # The same key as Award, again here, so that even a second Award row for the
            # same key (a bug, a hand edit) could not be paid twice.
            models.UniqueConstraint(fields=["enterprise", "policy_id", "year", "slot"],
                                    name="one_payment_per_policy_year"),
            models.CheckConstraint(condition=models.Q(amount_yuan__gt=0),
                                   name="payment_positive"),
            bounds.check("amount_yuan", bounds.AWARD_YUAN, "ledgerentry_amount_yuan_in_range"),
        ]


class Budget(models.Model):
    """A yearly budget: one policy's (``policy_id``), or the whole envelope (``policy_id=""``).

    The envelope row is also the lock every payment of the year takes, so that budget and
    cap checks see each other's payments.
    """

    policy_id = models.CharField(_("政策"), max_length=64, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    amount_yuan = models.BigIntegerField(_("预算（元）"), null=True, blank=True,
                                         help_text=_("留空：不单列，只受年度总额约束"),
                                         validators=bounds.validators(bounds.BUDGET_YUAN))
    note = models.CharField(_("依据"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("预算")
        verbose_name_plural = _("预算")
        ordering = ["year", "policy_id"]
        constraints = [models.UniqueConstraint(fields=["policy_id", "year"],
                                               name="one_budget_per_policy_year"),
                       # a budget is money to spend: positive, or empty (no line of its own)
                       models.CheckConstraint(condition=models.Q(amount_yuan__isnull=True)
                                              | models.Q(amount_yuan__gt=0),
                                              name="budget_is_positive"),
                       bounds.check("amount_yuan", bounds.BUDGET_YUAN,
                                    "budget_amount_yuan_in_range", nullable=True)]


def _upload_to(instance, filename):
    return f"applications/{instance.application_id}/{filename}"


class Application(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("未通过")

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT,
                                   related_name="applications", verbose_name=_("企业"))
    policy_id = models.CharField(_("政策"), max_length=64)
    year = models.PositiveSmallIntegerField(_("年度"))
    tier = models.CharField(_("档位"), max_length=64, blank=True, default="")
    statement = models.TextField(_("申请说明"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices,
                              default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("申请人"))
    submitted_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    decide_by = models.DateField(_("办结时限"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("审核人"))
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    award = models.OneToOneField(Award, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="application")

    class Meta:
        verbose_name = _("政策申请")
        verbose_name_plural = _("政策申请")
        ordering = ["decide_by", "id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "policy_id", "year", "tier"],
                                               name="one_application_per_key")]


class Attachment(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE,
                                    related_name="attachments")
    file = models.FileField(_("附件"), upload_to=_upload_to)
    name = models.CharField(_("文件名"), max_length=255)
    size = models.PositiveIntegerField(_("大小（字节）"))
    content_type = models.CharField(max_length=100)


class Message(models.Model):
    """An inbox message to an enterprise: a new award, a near miss, a decision, a payment.

    Also the outbox: written in the transaction of the award, decision or payment that causes
    it (so it exists exactly when its cause does), delivered afterwards (e-mail) by
    ``push.deliver``, which sets ``delivered_at``; a crash delays delivery, never loses it.
    """

    class Kind(models.TextChoices):
        AWARD = "award", _("奖励")
        NEAR_MISS = "near_miss", _("差一点")
        DECISION = "decision", _("审核结果")
        PAID = "paid", _("已拨付")
        SERVICE = "service", _("服务推送")  # a cultivation pool's services to its members

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE,
                                   related_name="messages", verbose_name=_("企业"))
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    policy_id = models.CharField(_("政策"), max_length=64)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    # Written in both languages when sent (push.bilingual): each reader sees theirs.
    title_en = models.CharField(_("英文标题"), max_length=300, blank=True, default="")
    body_en = models.TextField(_("英文内容"), blank=True, default="")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed = models.BooleanField(_("已发邮件"), default=False)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("推送消息")
        verbose_name_plural = _("推送消息")
        ordering = ["-created_at", "-id"]
        constraints = [
            # A re-run pushes nothing new: one message per enterprise, kind, policy and year.
            models.UniqueConstraint(fields=["enterprise", "kind", "policy_id", "year"],
                                    name="one_message_per_event"),
        ]
        indexes = [models.Index(fields=["delivered_at"], condition=models.Q(delivered_at=None),
                                name="message_undelivered")]


    @property
    def shown_title(self) -> str:
        return self.title_en if in_english() and self.title_en else self.title

    @property
    def shown_body(self) -> str:
        return self.body_en if in_english() and self.body_en else self.body


class Subscription(models.Model):
    """定向订阅: an enterprise's choice of policy topics (a category or one policy)."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE,
                                   related_name="subscriptions", verbose_name=_("企业"))
    topic = models.CharField(_("主题"), max_length=64)
    email = models.BooleanField(_("邮件通知"), default=True)

    class Meta:
        verbose_name = _("政策订阅")
        verbose_name_plural = _("政策订阅")
        constraints = [models.UniqueConstraint(fields=["enterprise", "topic"],
                                               name="one_subscription_per_topic")]
