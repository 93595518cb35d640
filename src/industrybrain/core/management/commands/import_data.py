from django.core.management.base import BaseCommand, CommandError

from industrybrain.enterprises.imports import KINDS, import_file


class Command(BaseCommand):
    help = "Import an Excel/CSV file: enterprises, figures or designations. All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS), help="what the file holds")
        parser.add_argument("path", help="an .xlsx or .csv file with the template's headers")

    def handle(self, *args, **options):
        report = import_file(options["kind"], options["path"])
        if not report.applied:
            for reject in report.rejects[:200]:
                self.stderr.write(str(reject))
            if len(report.rejects) > 200:
                self.stderr.write(f"……另有 {len(report.rejects) - 200} 处错误")
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
