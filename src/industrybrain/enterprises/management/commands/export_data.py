from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from industrybrain.enterprises import exports
from industrybrain.enterprises.imports import KINDS
from industrybrain.enterprises.models import Enterprise


class Command(BaseCommand):
    help = "Export enterprises, figures or designations to .xlsx or .csv (the import's columns)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS), help="what to export")
        parser.add_argument("path", help="a file name ending in .xlsx or .csv")
        parser.add_argument("--district", help="district code, e.g. wujin")

    def handle(self, *args, **options):
        path = Path(options["path"])
        fmt = path.suffix.lstrip(".").lower()
        if fmt not in ("xlsx", "csv"):
            raise CommandError("文件名应以 .xlsx 或 .csv 结尾")
        enterprises = Enterprise.objects.all()
        if options["district"]:
            enterprises = enterprises.filter(district__code=options["district"])
        headers, rows = exports.rows_for(options["kind"], enterprises)
        if fmt == "xlsx":
            with open(path, "wb") as handle:
                exports.write_xlsx(handle, headers, rows)
        else:
            with open(path, "w", encoding="utf-8-sig", newline="") as handle:
                exports.write_csv(handle, headers, rows)
        self.stdout.write(f"已导出到 {path}")
