"""API tokens with a lifetime (IB_TOKEN_TTL_HOURS): DRF's own never expire."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


def token_ttl() -> dt.timedelta:
    return dt.timedelta(hours=settings.IB_TOKEN_TTL_HOURS)


def expired(token) -> bool:
    return token.created + token_ttl() < timezone.now()


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token authentication, refusing a token past its lifetime."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if expired(token):
            raise exceptions.AuthenticationFailed(_("令牌已过期，请重新获取"))
        return user, token
