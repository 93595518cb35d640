from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("市级管理员")
    REVIEWER = "reviewer", _("政策审核员")
    DISTRICT_OFFICER = "district_officer", _("辖市区专员")
    ENTERPRISE_USER = "enterprise_user", _("企业用户")
    ANALYST = "analyst", _("分析员（只读）")
    # 智改数转 (issue 17): a provider's staff see the enterprises assigned to their provider
    # (transform.ProviderMember says which provider); a lender sees the key-client list only.
    PROVIDER = "provider", _("智改数转服务商")
    LENDER = "lender", _("金融机构")


class Profile(models.Model):
    """A user's role and, for district officers and enterprise users, the scope they may see."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(_("角色"), max_length=32, choices=Role.choices)
    district = models.ForeignKey(
        "enterprises.District", null=True, blank=True, on_delete=models.PROTECT,
        verbose_name=_("辖市区"),
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", null=True, blank=True, on_delete=models.CASCADE,
        verbose_name=_("企业"),
    )

    class Meta:
        verbose_name = _("用户角色")
        verbose_name_plural = _("用户角色")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="district_officer") | models.Q(district__isnull=False),
                name="district_officer_has_district",
            ),
            models.CheckConstraint(
                condition=~models.Q(role="enterprise_user") | models.Q(enterprise__isnull=False),
                name="enterprise_user_has_enterprise",
            ),
        ]

    def __str__(self):
        return f"{self.user.username} · {self.get_role_display()}"
