"""industrybrain explain USCC --year 2022: every policy's result for one enterprise, and why."""

from django.core.management.base import BaseCommand, CommandError

from industrybrain.core.money import format_yuan


class Command(BaseCommand):
    help = "Explain every policy's result for one enterprise (by USCC) in a year."

    def add_arguments(self, parser):
        parser.add_argument("uscc")
        parser.add_argument("--year", type=int, default=None)
        parser.add_argument("--lang", choices=["zh", "en"], default="zh")

    def handle(self, *args, **o):
        from industrybrain.enterprises.models import Enterprise
        from industrybrain.policies import calculator

        enterprise = Enterprise.objects.filter(uscc=o["uscc"].strip().upper()).first()
        if enterprise is None:
            raise CommandError(f"no enterprise with USCC {o['uscc']}")
        year = o["year"] or calculator.default_year(enterprise.pk)
        self.stdout.write(f"{enterprise.name} ({enterprise.uscc}) {year}")
        for r in calculator.compute(enterprise.pk, year):
            amount = f" {format_yuan(r.amount_yuan)}" if r.amount_yuan else ""
            tier = f"，{r.tier_label}" if r.tier_label else ""
            self.stdout.write(f"- {r.policy.title_zh}（{r.status_label}{tier}）{amount}")
            if r.explanation:
                self.stdout.write(f"    {r.explanation}")
