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


class Command(BaseCommand):
    help = "Serve the web application with waitress (a production WSGI server)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

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

        self.stdout.write(f"产业大脑已启动：http://{host}:{options['port']}/  （Ctrl+C 退出）")
        serve(application, host=host, port=options["port"], threads=options["threads"])
