"""Clusters, chains and their segments, filled from the policy pack's taxonomy.yaml."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Cluster(models.Model):
    code = models.SlugField(_("代码"), max_length=48, unique=True)
    name_zh = models.CharField(_("名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=128)
    target_2025_yuan = models.BigIntegerField(_("2025年规模目标（元）"), null=True, blank=True)
    industry_prefixes = models.JSONField(_("行业代码前缀"), default=list, blank=True)
    citation = models.JSONField(_("出处"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("先进制造业集群")
        verbose_name_plural = _("先进制造业集群")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name_zh


class Chain(models.Model):
    code = models.SlugField(_("代码"), max_length=48, unique=True)
    name_zh = models.CharField(_("名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=128)
    citation = models.JSONField(_("出处"), default=dict, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
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
        return self.name_zh


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

    class Meta:
        verbose_name = _("产业链环节")
        verbose_name_plural = _("产业链环节")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cluster__isnull=False) ^ models.Q(chain__isnull=False),
                name="segment_of_cluster_or_chain",
            ),
        ]

    def __str__(self):
        return self.name_zh


class ChainMembership(models.Model):
    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, verbose_name=_("产业链"))
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, verbose_name=_("企业")
    )
    segment = models.ForeignKey(
        ChainSegment, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("环节")
    )
    is_leader = models.BooleanField(_("链主企业"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("产业链成员")
        verbose_name_plural = _("产业链成员")
        constraints = [
            models.UniqueConstraint(fields=["chain", "enterprise"], name="one_membership_per_chain")
        ]
