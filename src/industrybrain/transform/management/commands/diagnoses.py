import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from industrybrain.core.localize import local
from industrybrain.enterprises.models import District
from industrybrain.industry.models import Cluster
from industrybrain.transform import stats, workflow
from industrybrain.transform.models import AssignmentBatch, ProcurementLot


class Command(BaseCommand):
    help = ("智改数转 free diagnoses: the coverage by district or cluster (progress), a batch "
            "assignment under a procurement lot (assign), the lenders' key-client list (key-clients).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        p = sub.add_parser("progress", help="coverage of the free diagnosis at the end of a year")
        p.add_argument("--year", type=int, help="default: the latest year with a report")
        p.add_argument("--by", choices=["district", "cluster"], default="district")
        a = sub.add_parser("assign", help="assign a batch of diagnoses under a lot")
        a.add_argument("lot", help="the lot's number (采购批次编号)")
        a.add_argument("--basis", choices=[b.value for b in AssignmentBatch.Basis], required=True)
        a.add_argument("--district", help="district code, for --basis district")
        a.add_argument("--cluster", help="cluster code, for --basis cluster")
        a.add_argument("--limit", type=int, help="at most this many enterprises")
        a.add_argument("--on", type=dt.date.fromisoformat, help="assignment date (YYYY-MM-DD), default today")
        k = sub.add_parser("key-clients", help="write the key-client list (智能制造贷) to .xlsx or .csv")
        k.add_argument("out", help="OUT.xlsx or OUT.csv")

    def handle(self, *args, **options):
        getattr(self, "_" + options["action"].replace("-", "_"))(options)

    def _progress(self, options):
        year = options["year"] or (stats.report_years() or [None])[-1]
        if year is None:
            raise CommandError("还没有诊断报告")
        names = ({d.pk: local(d) for d in District.objects.all()} if options["by"] == "district"
                 else {c.pk: local(c) for c in Cluster.objects.all()})
        rows = stats.coverage(year, options["by"])
        self.stdout.write(f"{year}年底智能化免费诊断覆盖率")
        self.stdout.write(f"{'':<14}{'制造业企业':>8}{'已诊断':>8}{'覆盖率':>8}{'规上企业':>8}{'规上覆盖率':>8}")
        for key, c in sorted(rows.items(), key=lambda kc: (kc[0] is None, names.get(kc[0], ""))):
            name = names.get(key, "未归集群") if key is not None else "全市"
            self.stdout.write(f"{name:<14}{c.manufacturers:>8}{c.diagnosed:>8}{_pct(c.share):>8}"
                              f"{c.above_scale:>8}{_pct(c.above_scale_share):>8}")

    def _assign(self, options):
        lot = ProcurementLot.objects.filter(code=options["lot"]).first()
        if lot is None:
            raise CommandError(f"没有编号为 {options['lot']} 的采购批次")
        district = cluster = None
        if options["district"]:
            district = District.objects.filter(code=options["district"]).first()
            if district is None:
                raise CommandError(f"没有代码为 {options['district']} 的辖市区")
        if options["cluster"]:
            cluster = Cluster.objects.filter(code=options["cluster"]).first()
            if cluster is None:
                raise CommandError(f"没有代码为 {options['cluster']} 的产业集群")
        try:
            batch = workflow.assign_batch(None, lot, options["basis"], district, cluster,
                                          options["limit"], options["on"])
        except workflow.Refused as exc:
            raise CommandError("；".join(exc.reasons)) from None
        self.stdout.write(f"已在{lot.name}中分派 {batch.size} 家企业（{batch.get_basis_display()}）")

    def _key_clients(self, options):
        from industrybrain.transform.programme_views import key_client_table

        out = Path(options["out"])
        fmt = out.suffix.lstrip(".").lower()
        if fmt not in ("xlsx", "csv"):
            raise CommandError("输出文件应为 .xlsx 或 .csv")
        response, n = key_client_table(fmt)
        out.write_bytes(response.content)
        self.stdout.write(f"重点客户名单已写入 {out}：{n} 家企业")


def _pct(value) -> str:
    return "—" if value is None else f"{value}%"
