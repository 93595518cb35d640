"""The industry maps on a large city: the largest chain's page data and the city's LQ and
relatedness tables, each beside a plain SQL aggregate of the same figures in the same run.

    .venv/bin/python bench/bench_maps.py [--enterprises 1000000] [--keep DIR]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ib_bench .venv/bin/python bench/bench_maps.py

The city is the calibrated synthetic one (industrybrain.synth). To keep the load short, only
what the maps read is written, with bare executemany: enterprises, the last two years of
figures, honours, chain memberships; then the placement rule runs (industrybrain
place-segments). Prints figures and ratios; asserts nothing.
"""

import argparse
import os
import tempfile
import time

parser = argparse.ArgumentParser()
parser.add_argument("--enterprises", type=int, default=1_000_000)
parser.add_argument("--seed", type=int, default=2022)
parser.add_argument("--keep", help="IB_DATA_DIR to reuse (SQLite): the city is loaded once")
parser.add_argument("--repeat", type=int, default=3, help="timed repetitions (the best is shown)")
args = parser.parse_args()

os.environ.setdefault("IB_DATA_DIR", args.keep or tempfile.mkdtemp(prefix="ib-bench-maps-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "industrybrain.web.settings")

import django  # noqa: E402
import pyarrow.compute as pc  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402

from industrybrain.enterprises.models import AnnualFigures, Enterprise  # noqa: E402
from industrybrain.industry import citytables, mapdata  # noqa: E402
from industrybrain.industry.models import Chain, SegmentPlacement  # noqa: E402

BATCH = 20_000


def say(*a):
    print(*a, flush=True)


def insert(table, columns, rows):
    marks = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
    with connection.cursor() as cur:
        for i in range(0, len(rows), BATCH):
            cur.executemany(sql, rows[i:i + BATCH])


def load():
    call_command("setup", verbosity=0)
    if Enterprise.objects.count() >= args.enterprises:
        say(f"city already loaded: {Enterprise.objects.count():,} enterprises")
        return
    from industrybrain.enterprises.models import DesignationType, District
    from industrybrain.industry.models import Cluster
    from industrybrain.industry.placement import place_all
    from industrybrain.synth import generate_city

    t = time.perf_counter()
    city = generate_city(n_enterprises=args.enterprises, seed=args.seed)
    say(f"city generated in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    districts = dict(District.objects.values_list("code", "pk"))
    clusters = dict(Cluster.objects.values_list("code", "pk"))
    chains = dict(Chain.objects.values_list("code", "pk"))
    types = dict(DesignationType.objects.values_list("code", "pk"))
    e = city.enterprises.to_pydict()
    with transaction.atomic():
        insert("enterprises_enterprise",
               ["id", "uscc", "name", "district_id", "industry_code", "ownership", "founded_on",
                "is_manufacturing", "is_listed", "cluster_id", "is_synthetic"],
               [(i, u, nm, districts[d], c, o, f, m, li, clusters.get(cl), True) for i, u, nm, d, c, o, f, m, li, cl in zip(
                   e["enterprise_id"], e["uscc"], e["name"], e["district"], e["industry_code"], e["ownership"],
                   e["founded_on"], e["is_manufacturing"], e["is_listed"], e["cluster"], strict=True)])
        members = [(chains[code], i, code in set(lead or [])) for i, cs, lead in
                   zip(e["enterprise_id"], e["chains"], e["chain_leader"], strict=True) for code in cs or []]
        insert("industry_chainmembership", ["chain_id", "enterprise_id", "is_leader"], members)
        f = city.figures.filter(pc.greater_equal(city.figures["year"], city.last_year - 1)).to_pydict()
        insert("enterprises_annualfigures",
               ["enterprise_id", "year", "revenue", "industrial_output", "rd_spending", "above_scale"],
               list(zip(f["enterprise_id"], f["year"], f["revenue"], f["industrial_output"],
                        f["rd_spending"], f["above_scale"], strict=True)))
        d = city.designations.to_pydict()
        insert("enterprises_designation", ["enterprise_id", "type_id", "granted_on", "expires_on", "product"],
               list(zip(d["enterprise_id"], [types[c] for c in d["code"]], d["granted_on"], d["expires_on"],
                        [p or "" for p in d["product"]], strict=True)))
    say(f"written in {time.perf_counter() - t:.1f} s: {len(e['uscc']):,} enterprises, "
        f"{len(f['year']):,} figures, {len(d['code']):,} honours, {len(members):,} chain members")
    t = time.perf_counter()
    report = place_all()
    say(f"placed in {time.perf_counter() - t:.1f} s: {report.placed:,} placements, "
        f"{len(report.unplaced):,} unplaced")


def best(fn):
    times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def plain_city_aggregate(year):
    with connection.cursor() as cur:
        cur.execute(
            "SELECT p.segment_id, e.district_id, f.year, SUM(COALESCE(f.industrial_output, f.revenue)) "
            "FROM industry_segmentplacement p JOIN enterprises_enterprise e ON e.id = p.enterprise_id "
            "JOIN enterprises_annualfigures f ON f.enterprise_id = e.id "
            "WHERE f.year IN (%s, %s) GROUP BY p.segment_id, e.district_id, f.year", [year - 1, year])
        return cur.fetchall()


def plain_chain_aggregate(chain, year):
    with connection.cursor() as cur:
        cur.execute(
            "SELECT p.segment_id, f.year, COUNT(*), SUM(COALESCE(f.industrial_output, f.revenue)) "
            "FROM industry_segmentplacement p JOIN enterprises_annualfigures f ON f.enterprise_id = p.enterprise_id "
            "WHERE p.chain_id = %s AND f.year IN (%s, %s) GROUP BY p.segment_id, f.year",
            [chain.pk, year - 1, year])
        return cur.fetchall()


def main():
    say(f"database: {connection.vendor}; enterprises: {args.enterprises:,}")
    load()
    year = citytables.latest_year()
    admin = get_user_model().objects.filter(username="bench").first() or \
        get_user_model().objects.create_superuser("bench", password="bench-only")
    sizes = dict(SegmentPlacement.objects.filter(chain__isnull=False).values_list("chain_id")
                 .annotate(n=Count("id")))
    chain = Chain.objects.get(pk=max(sizes, key=sizes.get))
    members = chain.chainmembership_set.count()
    say(f"year {year}; placements {SegmentPlacement.objects.count():,}; figures "
        f"{AnnualFigures.objects.count():,}; largest chain {chain.name_zh}: {members:,} members, "
        f"{sizes[chain.pk]:,} placed")

    plain, rows = best(lambda: plain_city_aggregate(year))
    tables_time, tables = best(lambda: citytables.compute(year))
    total_sql = sum(r[3] or 0 for r in rows if r[2] == year)
    say(f"city LQ + relatedness tables ({len(tables.districts)} districts x {len(tables.segments)} segments): "
        f"{tables_time:.2f} s; plain SQL aggregate of the same output {plain:.2f} s; ratio {tables_time / plain:.2f}; "
        f"same total: {abs(tables.output.sum() - total_sql) < 1}")

    plain_c, crow = best(lambda: plain_chain_aggregate(chain, year))

    def cold():
        cache.clear()
        return mapdata.page_data(chain, admin, year)

    cold_time, data = best(cold)
    citytables.city_tables(year)
    warm_time, data = best(lambda: mapdata.page_data(chain, admin, year))
    same = sum(s["output"] for s in data["segments"]) == sum(r[3] or 0 for r in crow if r[1] == year)
    say(f"largest chain page data: {warm_time:.2f} s with the city tables cached "
        f"({cold_time:.2f} s computing them too); plain SQL aggregate of its segments {plain_c:.2f} s; "
        f"ratio {warm_time / plain_c:.1f}; same output: {same}; "
        f"{len(data['segments'])} segments, {len(data['gaps'])} gaps, {len(data['leaders'])} leaders shown")


main()
