"""API tokens that expire and can be revoked, issued behind the same lockout as the login page.

``POST /api/token/`` (username, password) returns the caller's token, a new one when the old
has expired; ``DELETE /api/token/`` with a token revokes it. A token older than
``IB_TOKEN_TTL_HOURS`` is refused (401) and must be fetched again. Wrong passwords count
towards django-axes' lockout exactly as on the login page (per user and per address).
"""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from industrybrain.accounts.authentication import ExpiringTokenAuthentication, expired, token_ttl
from industrybrain.core import audit


class CredentialsSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)


class TokenView(GenericAPIView):
    """Issue (POST) or revoke (DELETE) the caller's API token."""

    authentication_classes = [ExpiringTokenAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = []
    serializer_class = CredentialsSerializer

    def post(self, request, *args, **kwargs):
        data = CredentialsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        # The plain HttpRequest: django-axes counts the failure by its address and marks it
        # when the caller is locked out.
        http = request._request
        user = authenticate(request=http, **data.validated_data)
        if getattr(http, "axes_locked_out", False):
            return Response({"detail": _("登录失败次数过多，账户或地址已被暂时锁定，请稍后再试")},
                            status=status.HTTP_429_TOO_MANY_REQUESTS)
        if user is None or not user.is_active:
            return Response({"detail": _("用户名或密码错误")}, status=status.HTTP_400_BAD_REQUEST)
        token, created = Token.objects.get_or_create(user=user)
        if not created and expired(token):
            token.delete()
            token = Token.objects.create(user=user)
        audit.record(user, "token_issued")
        return Response({"token": token.key,
                         "expires": (token.created + token_ttl()).isoformat()})

    def delete(self, request, *args, **kwargs):
        if request.auth is None:
            raise exceptions.NotAuthenticated()
        request.auth.delete()
        audit.record(request.user, "token_revoked")
        return Response(status=status.HTTP_204_NO_CONTENT)
