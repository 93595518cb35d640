"""Clusters, chains and their segments, filled from the policy pack's taxonomy.yaml."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from industrybrain.core import bounds
from industrybrain.core.localize import local, related


class Cluster(models.Model):
    code = models.SlugField(_("代码"), max_length=48, unique=True)
    name_zh = models.CharField(_("名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=128)
    target_2025_yuan = models.BigIntegerField(_("2025年规模目标（元）"), null=True, blank=True,
                                              validators=bounds.validators(bounds.PROJECT_YUAN))
    industry_prefixes = models.JSONField(_("行业代码前缀"), default=list, blank=True)
    citation = models.JSONField(_("出处"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("先进制造业集群")
        verbose_name_plural = _("先进制造业集群")
        ordering = ["order", "id"]
        constraints = [bounds.check("target_2025_yuan", bounds.PROJECT_YUAN,
                                    "cluster_target_2025_yuan_in_range", nullable=True)]

    def __str__(self):
        return local(self)  # the reader's language: forms' choices show it


class Chain(models.Model):
    code = models.SlugField(_("代码"), max_length=48, unique=True)
    name_zh = models.CharField(_("名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=128)
    citation = models.JSONField(_("出处"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    related_clusters = models.JSONField(_("相关集群"), default=list, blank=True)
    members = models.ManyToManyField(
        "enterprises.Enterprise", through="ChainMembership", related_name="chains",
        verbose_name=_("成员企业"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("高成长性产业链")
        verbose_name_plural = _("高成长性产业链")
        ordering = ["order", "id"]

    def __str__(self):
        return local(self)  # the reader's language: forms' choices show it


class ChainSegment(models.Model):
    """A link of a cluster's or a chain's value chain (上游/中游/下游)."""

    STAGES = [("upstream", _("上游")), ("midstream", _("中游")), ("downstream", _("下游"))]
    cluster = models.ForeignKey(
        Cluster, null=True, blank=True, on_delete=models.CASCADE, related_name="segments"
    )
    chain = models.ForeignKey(
        Chain, null=True, blank=True, on_delete=models.CASCADE, related_name="segments"
    )
    code = models.SlugField(_("代码"), max_length=64)
    name_zh = models.CharField(_("名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=128, blank=True)
    stage = models.CharField(_("环节"), max_length=16, choices=STAGES, blank=True)
    is_assumption = models.BooleanField(_("假设"), default=False)
    citation = models.JSONField(_("出处"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    industry_codes = models.JSONField(_("行业代码前缀"), default=list, blank=True)
    keywords = models.JSONField(_("关键词"), default=list, blank=True)
    feeds = models.ManyToManyField(
        "self", symmetrical=False, related_name="fed_by", blank=True, verbose_name=_("供给环节"),
    )

    class Meta:
        verbose_name = _("产业链环节")
        verbose_name_plural = _("产业链环节")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cluster__isnull=False) ^ models.Q(chain__isnull=False),
                name="segment_of_cluster_or_chain",
            ),
        ]

    def __str__(self):
        return local(self)  # the reader's language: forms' choices show it

    @property
    def owner(self):
        return self.cluster or self.chain


class ChainMembership(models.Model):
    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, verbose_name=_("产业链"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, verbose_name=_("企业")
    )
    is_leader = models.BooleanField(_("链主企业"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("产业链成员")
        verbose_name_plural = _("产业链成员")
        constraints = [
            models.UniqueConstraint(fields=["chain", "enterprise"], name="one_membership_per_chain")
        ]


class PlacementRule(models.TextChoices):
    OVERRIDE = "override", _("工作人员调整")
    DESIGNATION = "designation", _("荣誉认定产品")
    KEYWORD = "keyword", _("名称关键词")
    CODE = "code", _("行业代码")


class SegmentPlacement(models.Model):
    """Which segment of a cluster or chain an enterprise sits in. Rule placements are
    recomputed (industry.placement); an officer's override stays, with its reason, and every
    change is kept in the history."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="placements",
        verbose_name=_("企业"),
    )
    segment = models.ForeignKey(ChainSegment, on_delete=models.CASCADE, related_name="placements",
                                verbose_name=_("环节"))
    # Denormalised from the segment so that one enterprise has one segment per owner.
    cluster = models.ForeignKey(Cluster, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="+")
    chain = models.ForeignKey(Chain, null=True, blank=True, on_delete=models.CASCADE,
                              related_name="+")
    rule = models.CharField(_("归入依据"), max_length=16, choices=PlacementRule.choices)
    evidence = models.CharField(_("依据内容"), max_length=128, blank=True)
    reason = models.CharField(_("调整理由"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("环节归属")
        verbose_name_plural = _("环节归属")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "cluster"], name="one_segment_per_cluster"),
            models.UniqueConstraint(fields=["enterprise", "chain"], name="one_segment_per_chain"),
            models.CheckConstraint(
                condition=~models.Q(rule="override") | ~models.Q(reason=""),
                name="override_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["segment", "enterprise"])]

    def __str__(self):
        return f"{related(self, 'enterprise')} · {related(self, 'segment')}"


class LeadStage(models.TextChoices):
    LEAD = "lead", _("线索")
    CONTACT = "contact", _("接洽")
    VISIT = "visit", _("考察")
    NEGOTIATION = "negotiation", _("洽谈")
    SIGNED = "signed", _("签约")
    LANDED = "landed", _("落地")
    DROPPED = "dropped", _("放弃")


class LeadSource(models.TextChoices):
    CHAIN = "chain", _("产业链招商")
    FUND = "fund", _("基金招商")
    LEADER = "leader", _("链主引荐")
    FAIR = "fair", _("展会")
    OTHER = "other", _("其他")


class InvestmentLead(models.Model):
    """A company on the 招商 watch list, aimed at a segment (usually a gap). A lead may become
    a major project (projects app, ``projects:create_from_lead``)."""

    company = models.CharField(_("目标企业"), max_length=128)
    segment = models.ForeignKey(ChainSegment, on_delete=models.PROTECT, related_name="leads",
                                verbose_name=_("补链环节"))
    district = models.ForeignKey("enterprises.District", null=True, blank=True,
                                 on_delete=models.PROTECT, verbose_name=_("拟落地辖市区"))
    source = models.CharField(_("来源"), max_length=16, choices=LeadSource.choices)
    stage = models.CharField(_("阶段"), max_length=16, choices=LeadStage.choices,
                             default=LeadStage.LEAD)
    officer = models.CharField(_("责任人"), max_length=64)
    next_step = models.CharField(_("下一步"), max_length=200, blank=True)
    next_step_on = models.DateField(_("下一步日期"), null=True, blank=True)
    first_contact_on = models.DateField(_("首次接触日期"), null=True, blank=True)
    investment_wan = models.PositiveIntegerField(_("意向投资额（万元）"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    created_on = models.DateField(_("登记日期"), auto_now_add=True)
    updated_on = models.DateField(_("更新日期"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("招商目标")
        verbose_name_plural = _("招商目标")
        ordering = ["next_step_on", "id"]
        constraints = [
            # 100亿元 in 万元: the largest single project a city signs; beyond is a typo.
            models.CheckConstraint(condition=models.Q(investment_wan__lte=1_000_000),
                                   name="lead_investment_plausible"),
        ]

    def __str__(self):
        return self.company
