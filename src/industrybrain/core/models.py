from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """One file loaded into the database: who, when, what, and how it ended."""

    KINDS = [("enterprises", _("企业")), ("figures", _("年度数据")), ("designations", _("荣誉认定")),
             ("projects", _("重大项目"))]
    kind = models.CharField(_("类型"), max_length=16, choices=KINDS)
    filename = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        verbose_name=_("操作人"),
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    rows = models.PositiveIntegerField(_("行数"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    rejected = models.PositiveIntegerField(_("错误行"), default=0)
    applied = models.BooleanField(_("已导入"), default=False)

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.filename}"


class AppendOnlyQuerySet(models.QuerySet):
    """No bulk update or delete: an audit trail or a ledger that can be rewritten proves nothing."""

    def update(self, **kwargs):
        raise PermissionError(_("只可追加，不可修改"))

    def delete(self):
        raise PermissionError(_("只可追加，不可删除"))


class AppendOnlyModel(models.Model):
    """A row is written once; saving it again or deleting it raises (see AppendOnlyQuerySet)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(_("只可追加，不可修改"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(_("只可追加，不可删除"))


class AuditEvent(AppendOnlyModel):
    """One action by one user (run, proposal, approval, rejection, payment, export, login).

    Written only through ``industrybrain.core.audit.record``; read-only in the admin and API.
    """

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    # PROTECT: a user who has acted cannot be deleted (the events would lose their author);
    # deactivate the account instead (admin: 有效 off).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        verbose_name=_("操作人"), db_constraint=False,
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    action = models.CharField(_("动作"), max_length=48, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    enterprise_id = models.BigIntegerField(_("企业编号"), null=True, blank=True, db_index=True)
    policy_id = models.CharField(_("政策"), max_length=64, blank=True, db_index=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action}"


class DataVersion(models.Model):
    """A counter per kind of data, bumped in the transaction that changes that data (see
    ``industrybrain.core.dataversion``): every process reads it to know whether what it
    computed from the data is still current."""

    kind = models.CharField(_("数据类别"), max_length=32, primary_key=True)
    version = models.PositiveBigIntegerField(_("版本"), default=0)
    # Random at every bump: a counter that goes back (a rolled-back bump, a restored
    # database) never meets a cache entry written for another state of the data.
    token = models.CharField(max_length=16, blank=True)
    changed_at = models.DateTimeField(_("更新时间"), null=True)

    class Meta:
        verbose_name = _("数据版本")
        verbose_name_plural = _("数据版本")

    def __str__(self):
        return f"{self.kind} {self.version}"
