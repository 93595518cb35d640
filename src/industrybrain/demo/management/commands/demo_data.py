from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from industrybrain.accounts.roles import ensure_demo_users, foreign_users, password_file
from industrybrain.demo import loader
from industrybrain.projects import demo as projects_demo
from industrybrain.transform import demo as transform_demo


class Command(BaseCommand):
    help = "Generate and load the calibrated synthetic city, and the demo users of every role."

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=30000,
                            help="how many synthetic enterprises (30000 matches the city's counts)")
        parser.add_argument("--seed", type=int, default=2022,
                            help="the random seed: the same seed gives the same city")
        parser.add_argument("--replace", action="store_true",
                            help="replace synthetic data already loaded with a new city")
        parser.add_argument("--demo-only-database", action="store_true",
                            help="this database is for the demo only: load even though it holds "
                                 "accounts or enterprises demo-data did not make (they are "
                                 "never changed)")

    def handle(self, *args, **options):
        from industrybrain.synth import generate_city

        call_command("setup", verbosity=0)
        found = loader.foreign_data(foreign_users())
        if found and not options["demo_only_database"]:
            raise CommandError(
                "该数据库含有不是演示数据生成的内容（" + "，".join(found) + "），演示数据未写入。"
                "演示数据应装入单独的数据库（IB_DATA_DIR 或 DATABASE_URL）；若确定这是演示专用"
                "数据库，请加 --demo-only-database（已有账户和数据不会被改动）。")
        n = options["enterprises"]
        loaded = loader.synthetic_count()
        if loaded and not options["replace"]:
            self.stdout.write(f"演示数据已存在（{loaded:,} 家合成企业），跳过生成；用 --replace 重新生成。")
        else:
            if loaded:
                projects_demo.clear()  # projects refer to synthetic enterprises
                transform_demo.clear()  # and so do diagnoses
                loader.clear_synthetic()
            self.stdout.write(f"生成合成城市：{n:,} 家企业，随机种子 {options['seed']} …")
            city = generate_city(n_enterprises=n, seed=options["seed"])
            counts = loader.load_city(city, progress=self.stdout.write)
            self.stdout.write(f"演示数据已载入，用时 {counts['seconds']} 秒。")
        if not projects_demo.synthetic_count():
            projects_demo.load(seed=options["seed"], progress=self.stdout.write)
        if not transform_demo.synthetic_count():
            transform_demo.load(seed=options["seed"], progress=self.stdout.write)
        if not loaded or options["replace"]:
            # The cockpit reads stored indicator values: compute them for the new city.
            call_command("targets_refresh", verbosity=0)
            # The pools are filled by the pack's rules, year by year (cultivation/recompute.py).
            call_command("pools_recompute", "--all-years", "--accept", verbosity=0)
        users = ensure_demo_users(loader.showcase_enterprises())
        transform_demo.link_demo_provider()
        self.stdout.write(f"\n演示用户（密码另存于 {password_file()}）：")
        for username, password, role in users:
            self.stdout.write(f"  {username:<10} {password:<16} {role}")
