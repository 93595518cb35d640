from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ProfileBackend(ModelBackend):
    """Django's model backend, loading the signed-in user with their profile and its
    district in one query: every page asks for the role and scope (core.scope), which
    would otherwise cost up to two more queries on each request. Not the profile's
    enterprise: scopes and pages read only its id, which the profile row holds, and its
    row (the widest of the joins) cost about a third of the lookup (0.71-0.79 ms against
    0.51-0.55 ms, one process, 2,000-firm demo city; most of what is left is the ORM
    building the query)."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related(
            "profile", "profile__district")
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
