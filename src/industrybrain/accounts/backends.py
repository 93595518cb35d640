from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ProfileBackend(ModelBackend):
    """Django's model backend, loading the signed-in user with their profile, its district
    and its enterprise in one query: every page asks for the role and scope (core.scope),
    which would otherwise cost up to three more queries on each request."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related(
            "profile", "profile__district", "profile__enterprise")
        user = users.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
