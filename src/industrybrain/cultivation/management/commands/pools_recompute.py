from django.core.management.base import BaseCommand, CommandError

from industrybrain.cultivation import recompute


class Command(BaseCommand):
    help = ("Recompute the cultivation pools for a year: propose entries and exits for review, "
            "and store how near each member stands to the next rung and the promotion forecast.")

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append",
                            help="data year (repeatable); default: the latest year with figures")
        parser.add_argument("--all-years", action="store_true",
                            help="every year with figures, oldest first (fills a new city's pools)")
        parser.add_argument("--accept", action="store_true",
                            help="accept every proposal at once (the demo fill); otherwise they wait for review")

    def handle(self, *args, **options):
        years = recompute.data_years()
        if not years:
            raise CommandError("数据库中还没有企业年度数据：请先导入数据或运行 industrybrain demo-data")
        chosen = years if options["all_years"] else (options["year"] or years[-1:])
        unknown = sorted(set(chosen) - set(years))
        if unknown:
            raise CommandError(f"没有这些年份的数据：{unknown}；可用年份 {years[0]}–{years[-1]}")
        out = recompute.run(sorted(chosen), accept_all=options["accept"], progress=self.stdout.write)
        total = sum(c["enter"] + c["exit"] for c in out.values())
        state = "已采纳" if options["accept"] else "待审核"
        self.stdout.write(f"培育库重算完成：{len(out)} 个年度，出入库建议 {total} 条（{state}）。")
