"""industrybrain worker: run queued batch runs (IB_JOBS=worker or redis://…)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run queued policy runs from the database queue (or woken by Redis)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="drain the queue and exit")

    def handle(self, *args, **o):
        from industrybrain.policies import jobs

        jobs.work(once=o["once"], log=self.stdout.write)
