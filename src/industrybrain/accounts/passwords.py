"""A password validator Django lacks: the user name, repeated or padded, is not a password.

Django's UserAttributeSimilarityValidator compares the whole password with the user name
and lets "qiye1qiye1" pass (similarity 0.67 < 0.7); this one removes every occurrence of
the user name and asks what is left to be a password of its own.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class NotMadeOfUsernameValidator:
    def __init__(self, min_rest: int = 6):
        self.min_rest = min_rest

    def validate(self, password, user=None):
        username = (getattr(user, "username", "") or "").lower()
        if len(username) < 3:
            return
        rest = password.lower().replace(username, "")
        if len(rest) < self.min_rest or len(set(rest)) < 3:
            raise ValidationError(_("密码不能主要由用户名构成"), code="password_is_username")

    def get_help_text(self):
        return _("密码去掉用户名后仍须有至少%(n)s个字符") % {"n": self.min_rest}
