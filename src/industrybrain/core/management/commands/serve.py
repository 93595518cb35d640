import ipaddress

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name other than localhost may resolve anywhere


def gunicorn_app(application, options: dict):
    """``application`` served by gunicorn with ``options`` (its settings by name): worker
    processes forked from this one, so each holds the loaded app and its own connections."""
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return application

    return Server()


class Command(BaseCommand):
    help = ("Serve the web application: waitress in one process, or with --workers N, gunicorn "
            "with N processes (one per core: the engine and the templates are Python, and one "
            "process uses one core).")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8, help="threads per process")
        parser.add_argument("--workers", type=int, default=1,
                            help="processes (gunicorn); 1 serves with waitress in this process")

    def handle(self, *args, **options):
        host = options["host"]
        if not is_loopback(host) and settings.SECRET_KEY == settings.DEFAULT_SECRET_KEY:
            # The built-in key is public: sessions signed with it can be forged by anyone.
            raise CommandError(
                f"拒绝在 {host} 上对外服务：未设置 IB_SECRET_KEY，内置的开发密钥是公开的。"
                "请设置 IB_SECRET_KEY（并在 HTTPS 反向代理后设置 IB_ENV=production），"
                "或只在 127.0.0.1 上服务。")
        from django.core.servers.basehttp import get_internal_wsgi_application
        from waitress import serve

        # settings.WSGI_APPLICATION names the application: core knows no app above it.
        application = get_internal_wsgi_application()

        workers, threads = options["workers"], options["threads"]
        if not 1 <= workers <= 64 or not 1 <= threads <= 256:
            raise CommandError("--workers 须在 1–64 之间，--threads 须在 1–256 之间。")
        self.stdout.write(f"产业大脑已启动：http://{host}:{options['port']}/  （Ctrl+C 退出）")
        if workers == 1:
            serve(application, host=host, port=options["port"], threads=threads)
            return
        # Nothing may be open when gunicorn forks: a connection shared by two processes breaks.
        from django.db import connections

        connections.close_all()
        gunicorn_app(application, {
            "bind": f"{host}:{options['port']}", "workers": workers, "threads": threads,
            "worker_class": "gthread", "accesslog": None, "errorlog": "-",
            "loglevel": "warning", "graceful_timeout": 10,
            # a policy run or an export goes to the job runner, not the request: 120 s is
            # for the slowest page on a loaded machine
            "timeout": 120,
        }).run()
