from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the web application with waitress (a production WSGI server)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, **options):
        from waitress import serve

        from industrybrain.web.wsgi import application

        self.stdout.write(f"产业大脑已启动：http://{options['host']}:{options['port']}/  （Ctrl+C 退出）")
        serve(application, host=options["host"], port=options["port"], threads=options["threads"])
