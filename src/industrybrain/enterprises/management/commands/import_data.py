from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from industrybrain.enterprises.imports import KINDS, import_file


class Command(BaseCommand):
    help = "Import an Excel/CSV file: enterprises, figures or designations. All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS), help="what the file holds")
        parser.add_argument("path", help="an .xlsx or .csv file with the template's headers")

    def handle(self, *args, **options):
        # Every failure is a sentence for the person at the terminal, never a traceback.
        try:
            report = import_file(options["kind"], options["path"])
        except OSError as exc:
            raise CommandError(f"无法打开文件 {options['path']}：{exc.strerror or exc}") from None
        except DatabaseError as exc:
            raise CommandError(f"数据库错误，未导入任何数据：{exc}") from None
        if not report.applied:
            for reject in report.rejects[:200]:
                self.stderr.write(str(reject))
            if len(report.rejects) > 200:
                self.stderr.write(f"……另有 {len(report.rejects) - 200} 处错误")
            raise CommandError(report.summary())
        self.stdout.write(report.summary())
