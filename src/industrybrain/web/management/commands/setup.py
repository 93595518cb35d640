from django.core.management import call_command
from django.core.management.base import BaseCommand

from industrybrain.accounts.roles import ensure_groups
from industrybrain.enterprises.reference import load_reference
from industrybrain.targets.loading import load_targets


class Command(BaseCommand):
    help = "Create or upgrade the database and load the reference data (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--pack", default="changzhou_2022",
                            help="the policy pack whose taxonomy and targets to load")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        counts = load_reference(options["pack"])
        load_targets(options["pack"])
        ensure_groups()
        self.stdout.write(
            "数据库已就绪：辖市区 {districts} 个，认定类型 {designation_types} 种，"
            "行业分类 {industry_codes} 个，集群 {clusters} 个，产业链 {chains} 条".format(**counts)
        )
