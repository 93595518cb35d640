"""Cultivation pools: the closest-to-next-rung lists of every pool as one batch, beside the
engine's plain evaluation of the same criteria in the same run (the baseline).

    .venv/bin/python bench/bench_pools.py [--sizes 100000 1000000]
    .venv/bin/python bench/bench_pools.py --page     # one pool page on the demo database

Batch: evaluate every pool's entry rule and both sides of every criterion (cultivation
.evaluate), then per pool the margins, the order and the top of the list (cultivation
.margins), for the candidates of every pool. Baseline: ``engine.evaluate(explain="none")``
of a pack whose policies are the pools, each eligible when all its criteria hold — the
same criteria, compiled and run by the engine. Prints seconds and the ratio to the baseline;
asserts nothing about time.

--page: the server time of one pool page (/cultivation/pool/<id>/) through Django's test
client on the database of IB_DATA_DIR / DATABASE_URL (load the demo city first: make demo),
median of warm requests, beside a plain query of the same standings rows as the baseline.
"""

import argparse
import datetime as dt
import statistics
import time


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def cpu_timed(fn):
    """Wall seconds, CPU seconds of the process (all threads: DuckDB's too), result. On a
    shared machine the CPU seconds say more than the wall clock."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def pools_as_pack(pools):
    """A pack whose policies are the pools (eligibility: every criterion holds)."""
    from industrybrain.engine import load_pack
    from industrybrain.engine.expr import Logic
    from industrybrain.engine.model import Citation, Policy

    pack = load_pack("changzhou_2022")
    policies = []
    for p in pools.pools:
        node = p.criteria[0].node
        for c in p.criteria[1:]:
            node = Logic("and", node, c.node)
        policies.append(Policy(
            id=f"pool_{p.id}", title_zh=p.name_zh, title_en=p.name_en, category="programme",
            entity="enterprise", citations=(Citation("pools.yaml", p.name_zh),),
            effective_from=dt.date(2000, 1, 1), effective_to=None, file="pools.yaml",
            eligibility=node))
    return pack.replace(policies=tuple(policies))


def batch(pools, year, tables, top: int = 200):
    from industrybrain.cultivation import evaluate, margins

    tables_by_pool = evaluate.candidates(pools, year, *tables)
    lists = {}
    for p in pools.pools:
        m = margins.compute(p, tables_by_pool[p.id])
        order = margins.order(m)[:top]
        lists[p.id] = (len(m.enterprise_id), [int(m.enterprise_id[i]) for i in order])
    return lists


def run_batch(sizes, seed, year=2022):
    from industrybrain.cultivation.rules import pools as load
    from industrybrain.engine import evaluate
    from industrybrain.synth import generate_city

    pools = load()
    pack = pools_as_pack(pools)
    print(f"{'enterprises':>12} {'what':>28} {'seconds':>8} {'x baseline':>10} {'cpu s':>8}")
    for n in sizes:
        t_gen, city = timed(lambda n=n: generate_city(n_enterprises=n, seed=seed))
        tables = (city.enterprises, city.figures, city.designations)
        print(f"{n:>12,} {'(synthetic city)':>28} {t_gen:>8.2f}")
        evaluate(pack, year, *tables, explain="none")  # compile once, outside the timing
        base, base_cpu, _ = min(cpu_timed(lambda t=tables: evaluate(pack, year, *t, explain="none"))
                                for _ in range(2))
        print(f"{n:>12,} {'engine plain (baseline)':>28} {base:>8.2f} {1:>10.2f} {base_cpu:>8.2f}")
        secs, cpu, lists = cpu_timed(lambda t=tables: batch(pools, year, t))
        print(f"{n:>12,} {'closest lists, all pools':>28} {secs:>8.2f} {secs / base:>10.2f} {cpu:>8.2f}")
        sizes_txt = ", ".join(f"{k} {v[0]:,}" for k, v in lists.items())
        print(f"{'':>12} candidates per pool: {sizes_txt}")


def run_page(pool_id: str, runs: int):
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "industrybrain.web.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client

    from industrybrain.cultivation.models import Standing
    from industrybrain.cultivation.recompute import current_year

    user = get_user_model().objects.filter(is_superuser=True).first() or \
        get_user_model().objects.filter(profile__role="city_admin").first()
    if user is None or not Standing.objects.exists():
        raise SystemExit("no demo database with pools: run `make demo` (or industrybrain demo-data) first")
    client = Client()
    client.force_login(user)
    url = f"/cultivation/pool/{pool_id}/"
    client.get(url)  # warm: templates, the pack's rules
    year = current_year()
    base = statistics.median(timed(lambda: list(Standing.objects.filter(pool=pool_id, year=year)
                                                 .select_related("enterprise")[:50]))[0]
                             for _ in range(runs))
    page = statistics.median(timed(lambda: client.get(url))[0] for _ in range(runs))
    members = Standing.objects.filter(pool=pool_id, year=year).count()
    print(f"pool {pool_id} ({members:,} members): page {page * 1000:.0f} ms (median of {runs}); "
          f"plain query of its 50 rows {base * 1000:.1f} ms; x {page / base:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=2022)
    parser.add_argument("--page", action="store_true", help="time one pool page on the demo database")
    parser.add_argument("--pool", default="specialised_sme")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    if args.page:
        run_page(args.pool, args.runs)
    else:
        run_batch(args.sizes, args.seed)


if __name__ == "__main__":
    main()
