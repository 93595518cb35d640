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
            "with N processes (the engine and the templates are Python: one process uses one "
            "core). With --threads 1 each process serves one request at a time and takes the "
            "next connection waiting (first come, first served; the city's deployment, behind "
            "the reverse proxy: two processes a core and one more); with more threads each "
            "process keeps the connections it accepted.")

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
            # One thread: gunicorn's sync worker. A busy process takes no new connection, so
            # each request goes to the first free process in arrival order. gthread's
            # processes keep the keep-alive connections they accepted: 20 users' connections
            # split 16/4, 20/0, 13/7 and 10/10 over two processes in four tries, and the
            # users of the busier one wait longer (p95 two to three times the median). sync
            # answers without keep-alive; slow clients need a buffering reverse proxy in
            # front (the HTTPS proxy of IB_ENV=production, README).
            "worker_class": "sync" if threads == 1 else "gthread",
            "accesslog": None, "errorlog": "-",
            "loglevel": "warning", "graceful_timeout": 10,
            # gthread: how long a process may fail to report alive (a policy run or an
            # export goes to the job runner, not the request: 120 s is for the slowest page
            # on a loaded machine). sync: a request's whole length, since the process reports
            # only between requests; an import runs in its request (enterprises/imports).
            "timeout": 900 if threads == 1 else 120,
        }).run()
