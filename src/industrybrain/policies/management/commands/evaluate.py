"""industrybrain evaluate --pack changzhou_2022 --year 2022 [--parquet FILE] [--no-store]"""

import time

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Evaluate a policy pack for a year: store proposed awards (a run) and/or write Parquet."

    def add_arguments(self, parser):
        parser.add_argument("--pack", default=None)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--parquet", help="also write every result row to this Parquet file")
        parser.add_argument("--no-store", action="store_true",
                            help="only write Parquet; leave the database untouched")

    def handle(self, *args, **o):
        from industrybrain.engine import PackError, evaluate
        from industrybrain.policies import catalogue, runs, snapshot

        if o["no_store"]:
            if not o["parquet"]:
                raise CommandError("--no-store needs --parquet")
            import pyarrow.parquet as pq

            try:
                pack = catalogue.pack(o["pack"])
            except PackError as exc:
                raise CommandError(str(exc)) from exc
            t = time.perf_counter()
            snap = snapshot.take(up_to_year=o["year"])
            try:
                result = evaluate(pack, o["year"], *snap.tables, data_since=snap.data_since)
            except PackError as exc:  # a rule's value past what can be computed
                raise CommandError(str(exc)) from exc
            pq.write_table(result, o["parquet"])
            self.stdout.write(f"{result.num_rows:,} rows -> {o['parquet']} "
                              f"({time.perf_counter() - t:.1f} s)")
            return
        try:
            run = runs.start(o["year"], None, o["pack"])
        except runs.RunRefused as exc:
            raise CommandError(str(exc)) from exc
        from industrybrain.policies import liveness

        restore = liveness.stop_on_signals()  # SIGTERM/Ctrl-C: the run is marked failed
        try:
            run = runs.execute(run.pk, parquet=o["parquet"])
        finally:
            restore()
        if run.status != "done":
            raise CommandError(run.error)
        self.stdout.write(f"run #{run.pk} {run.pack_id} v{run.pack_version} {run.year}: {run.status}")
        self.stdout.write("counts: " + ", ".join(f"{k}={v}" for k, v in run.counts.items()))
        self.stdout.write("timings (s): " + ", ".join(f"{k}={v}" for k, v in run.timings.items()))
