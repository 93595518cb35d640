from django.core.management.base import BaseCommand

from industrybrain.targets.digest import status_counts
from industrybrain.targets.loading import load_targets
from industrybrain.targets.models import Target
from industrybrain.targets.refresh import refresh


class Command(BaseCommand):
    help = "Load targets.yaml, recompute the computed indicators and assess every target."

    def add_arguments(self, parser):
        parser.add_argument("--pack", default="changzhou_2022")

    def handle(self, *args, **options):
        # Loading first keeps the monitor right even before `setup` loads targets itself.
        counts = load_targets(options["pack"])
        run, missing = refresh()
        by_status = {label: n for _, label, n in status_counts(None, run)}  # as on the pages
        self.stdout.write(
            f"目标 {counts['targets']} 项（新增 {counts['created']}，更新 {counts['updated']}）；"
            f"数据年份至 {run.latest_year}；用时 {run.seconds} 秒"
        )
        self.stdout.write("状态：" + "，".join(f"{k} {v}" for k, v in by_status.items() if v))
        names = dict(Target.objects.filter(code__in=missing).values_list("code", "name_zh"))
        for code, why in sorted(missing.items()):
            self.stdout.write(f"  暂无数据：{names.get(code, '未知目标')}（{why}）")
        if counts["stale"]:
            self.stdout.write("  已不在 targets.yaml 中（保留历史）：" + "、".join(counts["stale"]))
