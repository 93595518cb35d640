from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from industrybrain.enterprises.models import District
from industrybrain.targets import report


class Command(BaseCommand):
    help = "Write the monthly targets report as PDF or .xlsx (the city's, or one district's)."

    def add_arguments(self, parser):
        parser.add_argument("out", help="file to write: …/月度报告.pdf or ….xlsx")
        parser.add_argument("--district", help="district code (wujin, xinbei …): that district only")

    def handle(self, *args, **options):
        out = Path(options["out"])
        fmt = out.suffix.lower().lstrip(".")
        if fmt not in ("pdf", "xlsx"):
            raise CommandError("文件名须以 .pdf 或 .xlsx 结尾")
        district = None
        if options["district"]:
            district = District.objects.filter(code=options["district"]).first()
            if district is None:
                codes = ", ".join(District.objects.values_list("code", flat=True))
                raise CommandError(f"没有辖市区 {options['district']!r}；可用：{codes}")
        data = report.collect(district)
        if data["run"] is None:
            raise CommandError("尚无指标数据：请先运行 industrybrain targets-refresh")
        try:
            content = report.to_pdf(data) if fmt == "pdf" else report.to_xlsx(data)
        except report.FontMissing as exc:
            raise CommandError(str(exc)) from exc
        out.write_bytes(content)
        self.stdout.write(f"已写入 {out}（{len(data['table'])} 项目标，{len(data['changes'])} 项变化）")
