"""The industrial enterprise database (工业企业数据库): enterprises, yearly figures, honours."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from stdnum.cn import uscc as uscc_std
from stdnum.exceptions import ValidationError as StdnumError

from industrybrain.core import bounds
from industrybrain.core.localize import local, related


def validate_uscc(value: str) -> None:
    try:
        uscc_std.validate(value)
    except StdnumError as exc:
        raise ValidationError(_("统一社会信用代码无效：%(reason)s"), params={"reason": exc}) from exc


class District(models.Model):
    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name_zh = models.CharField(_("名称"), max_length=32, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=64)
    division = models.CharField(_("行政区划代码"), max_length=6)

    class Meta:
        verbose_name = _("辖市区")
        verbose_name_plural = _("辖市区")
        ordering = ["id"]

    def __str__(self):
        return local(self)  # the reader's language: forms' choices show it


class IndustryCode(models.Model):
    """A class of GB/T 4754-2017 (国民经济行业分类) that enterprises may be coded with."""

    code = models.CharField(_("行业代码"), max_length=5, unique=True)
    name_zh = models.CharField(_("行业名称"), max_length=64)
    name_en = models.CharField(_("英文名称"), max_length=128, blank=True, default="")

    class Meta:
        verbose_name = _("国民经济行业分类")
        verbose_name_plural = _("国民经济行业分类")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {local(self)}"

    @property
    def is_manufacturing(self) -> bool:
        return self.code.startswith("C")


class Ownership(models.TextChoices):
    STATE = "state", _("国有")
    PRIVATE = "private", _("民营")
    FOREIGN = "foreign", _("外资")
    HMT = "hmt", _("港澳台")
    COLLECTIVE = "collective", _("集体")
    OTHER = "other", _("其他")


class Enterprise(models.Model):
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc]
    )
    name = models.CharField(_("企业名称"), max_length=128, unique=True)
    district = models.ForeignKey(District, on_delete=models.PROTECT, verbose_name=_("辖市区"))
    industry_code = models.CharField(_("行业代码"), max_length=5, db_index=True)
    ownership = models.CharField(_("所有制"), max_length=16, choices=Ownership.choices)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    is_manufacturing = models.BooleanField(_("制造业"), default=True)
    is_listed = models.BooleanField(_("上市"), default=False)
    cluster = models.ForeignKey(
        "industry.Cluster", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="enterprises", verbose_name=_("所属集群"),
    )
    is_synthetic = models.BooleanField(
        _("合成数据"), default=False, help_text=_("由演示数据生成器产生，不是真实企业")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["id"]

    def __str__(self):
        return self.name


def in_range(column: str) -> list:
    """Form and admin validators for one AnnualFigures column's plausible range."""
    bound = bounds.FIGURES[column]
    return [MinValueValidator(bound.low), MaxValueValidator(bound.high)]


class AnnualFigures(models.Model):
    """One enterprise's figures for one year. Money in integer 元; a blank stays blank."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="figures", verbose_name=_("企业")
    )
    year = models.PositiveSmallIntegerField(_("年份"))
    revenue = models.BigIntegerField(_("营业收入（元）"), null=True, blank=True,
                                     validators=in_range("revenue"))
    industrial_output = models.BigIntegerField(_("工业总产值（元）"), null=True, blank=True,
                                               validators=in_range("industrial_output"))
    tax = models.BigIntegerField(_("税收（元）"), null=True, blank=True, validators=in_range("tax"))
    local_contribution = models.BigIntegerField(_("地方贡献（元）"), null=True, blank=True,
                                                validators=in_range("local_contribution"))
    rd_spending = models.BigIntegerField(_("研发投入（元）"), null=True, blank=True,
                                         validators=in_range("rd_spending"))
    employees = models.PositiveIntegerField(_("从业人员（人）"), null=True, blank=True,
                                            validators=in_range("employees"))
    invention_patents = models.PositiveIntegerField(_("有效发明专利（件）"), null=True, blank=True,
                                                    validators=in_range("invention_patents"))
    energy_tce = models.DecimalField(
        _("综合能耗（吨标准煤）"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=in_range("energy_tce"),
    )
    tech_upgrade_investment = models.BigIntegerField(_("技改投资（元）"), null=True, blank=True,
                                                     validators=in_range("tech_upgrade_investment"))
    above_scale = models.BooleanField(_("规模以上"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度数据")
        verbose_name_plural = _("年度数据")
        ordering = ["enterprise_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="one_figures_per_year"),
            # The database refuses what no import, form or script may store (core/bounds.py):
            # a value beyond these made the cockpit's SUM overflow on SQLite.
            *(models.CheckConstraint(
                condition=models.Q(**{f"{column}__gte": bound.low, f"{column}__lte": bound.high})
                | models.Q(**{f"{column}__isnull": True}),
                name=f"figures_{column}_in_range",
            ) for column, bound in bounds.FIGURES.items()),
        ]

    def __str__(self):
        return f"{related(self, 'enterprise')} {self.year}"


class DesignationType(models.Model):
    """The controlled vocabulary of honours and lists (src/industrybrain/data/designations.yaml)."""

    class Level(models.TextChoices):
        # The words for ``level``; kept off the field (no migration for a label).
        NATIONAL = "national", _("国家级")
        PROVINCIAL = "provincial", _("省级")
        CITY = "city", _("市级")

    code = models.SlugField(_("代码"), max_length=48, unique=True)
    name_zh = models.CharField(_("名称"), max_length=64, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=128)
    level = models.CharField(_("级别"), max_length=16)
    category = models.CharField(_("类别"), max_length=16)
    validity_years = models.PositiveSmallIntegerField(_("有效期（年）"), null=True, blank=True)

    class Meta:
        verbose_name = _("认定类型")
        verbose_name_plural = _("认定类型")
        ordering = ["id"]

    def __str__(self):
        return local(self)  # the reader's language: forms' choices show it

    @property
    def level_label(self) -> str:
        """国家级 / 省级 / 市级, never the stored code."""
        return str(dict(self.Level.choices).get(self.level, _("其他")))


class DesignationQuerySet(models.QuerySet):
    def held_in(self, year: int):
        """Designations held in ``year`` (docs/data-contract.md): granted by its end and not
        expired before its start. The one place this rule lives for database queries."""
        return self.filter(granted_on__year__lte=year).filter(
            models.Q(expires_on__isnull=True) | models.Q(expires_on__year__gte=year))


class Designation(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="designations", verbose_name=_("企业")
    )
    type = models.ForeignKey(DesignationType, on_delete=models.PROTECT, verbose_name=_("认定类型"))
    granted_on = models.DateField(_("认定日期"))
    expires_on = models.DateField(_("到期日期"), null=True, blank=True)
    product = models.CharField(_("产品名称"), max_length=128, blank=True)
    history = HistoricalRecords()

    objects = DesignationQuerySet.as_manager()

    class Meta:
        verbose_name = _("荣誉认定")
        verbose_name_plural = _("荣誉认定")
        ordering = ["enterprise_id", "granted_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "type", "granted_on", "product"], name="one_grant_per_day"
            ),
        ]

    def __str__(self):
        return f"{related(self, 'enterprise')} · {related(self, 'type')}"


# --- The import machinery's own tables (enterprises/imports/) ---------------------------

class ImportLock(models.Model):
    """One row per import kind: who is importing it now. Only one import of a kind runs at a
    time; a second is refused with "另一个导入正在进行". A holder that stops renewing its
    heartbeat (killed, crashed) loses the lock after IMPORT_LOCK_STALE_SECONDS."""

    kind = models.CharField(max_length=16, primary_key=True)
    token = models.CharField(max_length=32, blank=True)  # empty: free
    holder = models.CharField(max_length=150, blank=True)  # a user name, or the host and PID
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("导入锁")
        verbose_name_plural = _("导入锁")

    def __str__(self):
        return self.kind


def _staged_value_fields():
    """The figures columns twice: the value to write (null: leave as stored) and the value
    the check step read (what the stored row must still hold when the import applies)."""
    fields = {}
    for f in AnnualFigures._meta.concrete_fields:
        if f.name in ("id", "enterprise", "year"):
            continue
        for prefix in ("", "was_"):
            clone = f.clone()
            clone.null, clone.blank, clone.validators = True, True, []
            fields[prefix + f.name] = clone
    return fields


class StagedFigures(models.Model):
    """A figures import's rows, written in short chunks before one short transaction moves
    them into AnnualFigures (enterprises/imports/staging.py). Rows of an import that died are
    deleted by the next import of the same kind."""

    batch_id = models.BigIntegerField(db_index=True)
    row = models.PositiveIntegerField()
    enterprise_id = models.BigIntegerField()
    year = models.PositiveSmallIntegerField()
    target_id = models.BigIntegerField(null=True)  # the AnnualFigures row, when it existed
    locals().update(_staged_value_fields())

    class Meta:
        verbose_name = _("待导入年度数据")
        verbose_name_plural = _("待导入年度数据")
        indexes = [models.Index(fields=["enterprise_id", "year"], name="staged_figures_key")]


class ExportJob(models.Model):
    """A large export run in the background (exportjobs.py): what was asked (kind, format,
    the list's filters), by whom, how far it got, and the file when it is done. Its
    progress writes are its heartbeat: a running job that stops writing is failed."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导出中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("内容"), max_length=16)
    fmt = models.CharField(_("格式"), max_length=8)
    params = models.TextField(_("筛选条件"), blank=True)  # the list's query string
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                   verbose_name=_("发起人"))
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices,
                              default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(_("总行数"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("已写行数"), default=0)
    file_name = models.CharField(max_length=255, blank=True)  # under DATA_DIR/exports
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("后台导出")
        verbose_name_plural = _("后台导出")
        ordering = ["-created_at", "-id"]

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, self.rows_done * 100 // self.rows_total)
