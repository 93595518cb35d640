"""Server time of the major-project pages on the demo city, against pages measured in the
same run.

    .venv/bin/python bench/bench_projects.py [--enterprises 30000] [--keep DIR] [--repeat 5]

Loads the synthetic city and the demo pipeline once (SQLite in a temporary IB_DATA_DIR, or
the one given with --keep), then asks every projects page through Django's test client as
the city administrator and prints the median server time of each and its ratio to two
baselines from the same run: the login page (the floor: a template and no query) and the
enterprise list (an existing list page of the same size class). Asserts nothing.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

parser = argparse.ArgumentParser()
parser.add_argument("--enterprises", type=int, default=30_000)
parser.add_argument("--seed", type=int, default=2022)
parser.add_argument("--repeat", type=int, default=5)
parser.add_argument("--keep", help="IB_DATA_DIR to reuse (SQLite): the city is loaded once")
args = parser.parse_args()

os.environ.setdefault("IB_DATA_DIR", args.keep or tempfile.mkdtemp(prefix="ib-bench-projects-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "industrybrain.web.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from industrybrain.demo import loader as demo  # noqa: E402
from industrybrain.projects import demo as projects_demo  # noqa: E402
from industrybrain.projects.models import Project  # noqa: E402


def say(*a):
    print(*a, flush=True)


def load():
    call_command("setup", verbosity=0)
    if demo.synthetic_count() < args.enterprises:
        from industrybrain.synth import generate_city

        t = time.perf_counter()
        demo.load_city(generate_city(n_enterprises=args.enterprises, seed=args.seed), progress=lambda *_: None)
        say(f"city of {args.enterprises:,} enterprises loaded in {time.perf_counter() - t:.1f} s")
    if not projects_demo.synthetic_count():
        t = time.perf_counter()
        counts = projects_demo.load(seed=args.seed, progress=lambda *_: None)
        say(f"demo pipeline loaded in {time.perf_counter() - t:.1f} s: {counts}")


def timed(client, url) -> float:
    times = []
    client.get(url)  # warm: templates compiled, caches filled
    for _ in range(args.repeat):
        t = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - t)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")
    return statistics.median(times)


def main():
    load()
    settings.ALLOWED_HOSTS = ["*"]
    admin, _ = get_user_model().objects.get_or_create(username="bench-admin", defaults={"is_superuser": True})
    client = Client()
    client.force_login(admin)
    anonymous = Client()
    say(f"{Project.objects.count():,} projects, {demo.synthetic_count():,} enterprises; "
        f"median of {args.repeat} requests")
    floor = timed(anonymous, "/login/")
    listing = timed(client, "/enterprises/")
    say(f"{'baseline /login/':<40} {floor * 1000:8.1f} ms")
    say(f"{'baseline /enterprises/':<40} {listing * 1000:8.1f} ms")
    first = Project.objects.filter(stage="started").first()
    for url in ["/projects/", "/projects/?alert=behind", "/projects/?alert=inspection", f"/projects/{first.pk}/",
                "/projects/rates/", "/projects/gantt/?district=wujin", "/projects/checklist/",
                "/projects/bulletin.pdf", "/projects/bulletin.xlsx", "/projects/review.pdf", "/api/projects/"]:
        t = timed(client, url)
        say(f"{url:<40} {t * 1000:8.1f} ms  ×{t / floor:6.1f} login  ×{t / listing:5.2f} enterprise list")


if __name__ == "__main__":
    main()
