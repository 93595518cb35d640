"""Budget simulation from the command line: the pack's cost in the coming years under a
growth scenario (Monte Carlo, seeded), against the yearly envelope; and a reform's winners
and losers."""

import pyarrow.compute as pc
from django.core.management.base import BaseCommand, CommandError

from industrybrain.core import localize
from industrybrain.core.money import format_yuan
from industrybrain.engine import PackError, load_pack
from industrybrain.engine.simulate import Scenario, compare, envelope, simulate, summary
from industrybrain.policies import snapshot


class Command(BaseCommand):
    help = ("Simulate the pack's cost to a future year under growth scenarios (Monte Carlo), "
            "by policy, district or cluster; with --reform, who wins and who loses.")

    def add_arguments(self, parser):
        parser.add_argument("--pack", default="changzhou_2022")
        parser.add_argument("--from-year", type=int, required=True,
                            help="the last year with figures; growth starts after it")
        parser.add_argument("--to-year", type=int, default=2025, help="the last simulated year")
        parser.add_argument("--runs", type=int, default=20, help="Monte Carlo runs")
        parser.add_argument("--seed", type=int, default=0, help="same seed, same result")
        parser.add_argument("--growth", type=float, default=0.06,
                            help="mean yearly growth of the money figures (0.06 = 6%%)")
        parser.add_argument("--spread", type=float, default=0.15,
                            help="standard deviation of growth between enterprises")
        parser.add_argument("--by", choices=["policy_id", "district", "cluster"],
                            default="policy_id", help="the breakdown to print")
        parser.add_argument("--reform", action="append", default=[], metavar="NAME=VALUE",
                            help="an assumption changed in a copy of the pack, e.g. "
                                 "ceiling_share=80%% (repeatable)")

    def handle(self, *args, **o):
        try:
            return self._handle(o)
        except PackError as exc:  # a pack error, or a rule's value past what can be computed
            raise CommandError(str(exc)) from exc

    def _handle(self, o):
        pack = load_pack(o["pack"])
        snap = snapshot.take(up_to_year=o["from_year"])
        tables, self.data_since = snap.tables, snap.data_since
        if o["reform"]:
            return self._reform(pack, tables, o)
        if o["to_year"] <= o["from_year"]:
            raise CommandError("没有可模拟的年份：--to-year 应晚于 --from-year")
        scenario = Scenario(name="cli", growth_mean=o["growth"], growth_sd=o["spread"])
        result = simulate(pack, tables, o["from_year"], o["to_year"], scenario,
                          runs=o["runs"], seed=o["seed"], data_since=self.data_since)
        limit = envelope(pack)
        self.stdout.write(f"年度政策性资金 {format_yuan(limit)}；{o['runs']} 次模拟，增长 "
                          f"{o['growth']:.0%}±{o['spread']:.0%}，随机种子 {o['seed']}")
        by_year = {row["year"]: row for row in summary(result, limit)}
        for year in range(o["from_year"] + 1, o["to_year"] + 1):
            # A year in which no run paid anything is a real answer: 0, not a gap.
            row = by_year.get(year, {"year": year, "mean_yuan": 0, "p5_yuan": 0, "p95_yuan": 0,
                                     "share_of_envelope": 0.0})
            self.stdout.write(
                f"{row['year']}年  平均 {format_yuan(row['mean_yuan'])}  "
                f"（5%–95%：{format_yuan(row['p5_yuan'])}–{format_yuan(row['p95_yuan'])}）  "
                f"占年度资金 {row['share_of_envelope']:.2%}")
        if result.num_rows == 0:
            return
        by = result.group_by([o["by"], "year"]).aggregate([("amount_yuan", "sum")])
        self.stdout.write(f"\n按{ {'policy_id': '政策', 'district': '辖市区', 'cluster': '集群'}[o['by']] }（各次平均）：")
        marked = set()
        for row in sorted(by.to_pylist(), key=lambda r: (r["year"], -r["amount_yuan_sum"])):
            # An amount that depends on a number the articles do not give is marked.
            mark = ""
            if o["by"] == "policy_id" and pack.placeholders(row["policy_id"]):
                mark, _ = "（含暂定参数）", marked.add(row["policy_id"])
            self.stdout.write(f"  {row['year']}  {_label(o['by'], row[o['by']]):<28} "
                              f"{format_yuan(row['amount_yuan_sum'] // o['runs'])}{mark}")
        if o["by"] != "policy_id":
            marked = {p for p in set(result["policy_id"].to_pylist()) if pack.placeholders(p)}
        for pid in sorted(marked):
            names = "、".join(f"{a.question_zh}（暂定 {a.text}）" for a in pack.placeholders(pid))
            self.stdout.write(f"  注：{pack.policy(pid).title_zh}的金额依赖暂定参数：{names}")

    def _reform(self, pack, tables, o):
        try:
            values = dict(item.split("=", 1) for item in o["reform"])
        except ValueError:
            raise CommandError("--reform 的写法是 名称=值，例如 ceiling_share=80%") from None
        try:
            reform = pack.with_assumptions(**values)
        except PackError as exc:
            raise CommandError(f"改革无效：{exc}") from None
        changed = compare(pack, reform, o["from_year"], tables, self.data_since)
        change = changed["change_yuan"]
        winners = changed.filter(pc.greater(change, 0))
        losers = changed.filter(pc.less(change, 0))
        total = pc.sum(change).as_py() or 0
        changed_words = "；".join(
            f"{pack.assumptions[k].question_zh if k in pack.assumptions else '假设'} 改为 {v}"
            for k, v in values.items())
        self.stdout.write(f"改革（{changed_words}），{o['from_year']}年：成本变化 {format_yuan(total)}；"
                          f"得益 {winners.num_rows} 项，受损 {losers.num_rows} 项")
        for row in changed.sort_by([("change_yuan", "ascending")]).to_pylist()[:10]:
            self.stdout.write(f"  企业#{row['enterprise_id']} {localize.policy_title(row['policy_id'])}: "
                              f"{format_yuan(row['before_yuan'])} → {format_yuan(row['after_yuan'])}")


def _label(by: str, code) -> str:
    """A policy, district or cluster by its name, never its code."""
    if not code:
        return "—"
    if by == "policy_id":
        return localize.policy_title(code)
    return localize.value_label(by, code)
