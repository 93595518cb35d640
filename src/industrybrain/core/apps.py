from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "industrybrain.core"
    verbose_name = _("公共")

    def ready(self):
        from industrybrain.core.audit import connect_login_signals

        # Logins belong in the audit log with runs and payments.
        connect_login_signals()
        from django.db.backends.signals import connection_created

        connection_created.connect(_private_sqlite_files, dispatch_uid="ib_private_sqlite")


def _private_sqlite_files(sender, connection, **kwargs):
    """The SQLite database (and its WAL files) readable by the service's user only."""
    import os

    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for path in (name, name + "-wal", name + "-shm"):
        if os.path.exists(path) and os.stat(path).st_mode & 0o077:
            os.chmod(path, 0o600)
