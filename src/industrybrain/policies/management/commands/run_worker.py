"""industrybrain worker: run queued batch runs (IB_JOBS=worker or redis://…)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run queued policy runs from the database queue (or woken by Redis)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="drain the queue and exit")
        parser.add_argument("--poll", type=float, default=None,
                            help="seconds between polls (default: 2, or the heartbeat interval if shorter)")

    def handle(self, *args, **o):
        from industrybrain.policies import jobs, liveness

        poll = o["poll"] if o["poll"] is not None else min(2.0, liveness.interval())
        jobs.work(once=o["once"], poll=poll, log=self.stdout.write)
