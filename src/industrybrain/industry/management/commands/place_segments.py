from django.core.management.base import BaseCommand

from industrybrain.industry.placement import place_all, summary_lines


class Command(BaseCommand):
    help = ("Place every enterprise in the segments of its clusters and chains by the pack's rule "
            "(officers' overrides are kept) and report how many each rule placed.")

    def add_arguments(self, parser):
        parser.add_argument("--unplaced", type=int, default=10,
                            help="list this many unplaced enterprises with the reason")

    def handle(self, *args, **options):
        report = place_all()
        for line in summary_lines(report):
            self.stdout.write(line)
        from industrybrain.enterprises.models import Enterprise

        names = Enterprise.objects.in_bulk([pk for _, pk, _ in report.unplaced[:options["unplaced"]]])
        for owner, pk, why in report.unplaced[:options["unplaced"]]:
            self.stdout.write(f"  {owner} · {names[pk].name}：{why}")
