"""Fill Cluster, Chain and ChainSegment from a policy pack's taxonomy.yaml (idempotent).

The pack is validated before anything is written: a supply link to a segment that does not
exist, or links that form a cycle, stop the load with a message naming the cluster or chain
and the segments (the graph must read upstream -> downstream).
"""

from decimal import Decimal
from functools import lru_cache

import yaml
from django.db import transaction

from industrybrain.core.money import YUAN_PER_YI
from industrybrain.industry.models import Chain, ChainSegment, Cluster
from industrybrain.packs import pack_dir


class TaxonomyError(ValueError):
    """The taxonomy cannot be loaded as written."""


def read_taxonomy(pack: str = "changzhou_2022") -> dict:
    with open(pack_dir(pack) / "taxonomy.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


UNITS = {"亿元": YUAN_PER_YI, "万元": 10_000, "元": 1}


def _target_yuan(item) -> int | None:
    target = item.get("scale_target")
    if not target:
        return None
    return int(Decimal(str(target["value"])) * UNITS[target["unit"]])


def _prefixes(item) -> list[str]:
    return [c["code"] if isinstance(c, dict) else c for c in item.get("industry_codes") or []]


def _citation(item):
    return item.get("citation") or (item.get("citations") or [{}])[0]


def find_cycle(links: dict[str, list[str]]) -> list[str] | None:
    """A cycle in the directed graph ``links`` (segment -> segments it feeds) as the list of
    segments along it (first repeated at the end), or None when the graph is acyclic."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node, path):
        state[node] = 1
        for nxt in links.get(node, []):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt, path + [nxt])
                if found:
                    return found
        state[node] = 2
        return None

    for start in links:
        if start not in state:
            found = visit(start, [start])
            if found:
                return found
    return None


def validate(data: dict) -> None:
    """Raise TaxonomyError for a supply link to an unknown segment or a cycle of links."""
    for kind in ("clusters", "chains"):
        for owner in data.get(kind) or []:
            segments = owner.get("segments") or []
            names = {s["code"]: s["name_zh"] for s in segments}
            links = {s["code"]: list(s.get("feeds") or []) for s in segments}
            for code, targets in links.items():
                for target in targets:
                    if target not in names:
                        raise TaxonomyError(
                            f"{owner['name_zh']}（{owner['code']}）：环节“{names[code]}”供给的"
                            f"“{target}”不是本{'集群' if kind == 'clusters' else '产业链'}的环节")
            cycle = find_cycle(links)
            if cycle:
                raise TaxonomyError(
                    f"{owner['name_zh']}（{owner['code']}）：环节供给关系成环："
                    + " → ".join(names[c] for c in cycle))


def _segments(owner_field, owner, items):
    keep = {}
    for order, item in enumerate(items or []):
        code = item.get("code") or item["name_zh"]
        segment, _ = ChainSegment.objects.update_or_create(
            **{owner_field: owner}, code=code,
            defaults={
                "name_zh": item["name_zh"], "name_en": item.get("name_en", ""),
                "stage": item.get("stage", ""),
                "is_assumption": item.get("source") == "assumption",
                "citation": _citation(item), "order": order,
                "industry_codes": list(item.get("codes") or []),
                "keywords": [str(k) for k in item.get("keywords") or []],
            },
        )
        keep[code] = segment
    for item in items or []:
        keep[item["code"]].feeds.set([keep[c] for c in item.get("feeds") or []])
    ChainSegment.objects.filter(**{owner_field: owner}).exclude(
        pk__in=[s.pk for s in keep.values()]).delete()


@transaction.atomic
def load_taxonomy(pack: str = "changzhou_2022") -> tuple[int, int]:
    data = read_taxonomy(pack)
    validate(data)
    for order, item in enumerate(data["clusters"]):
        cluster, _ = Cluster.objects.update_or_create(code=item["code"], defaults={
            "name_zh": item["name_zh"], "name_en": item.get("name_en", ""),
            "target_2025_yuan": _target_yuan(item), "order": order,
            "industry_prefixes": _prefixes(item),
            "citation": _citation(item),
        })
        _segments("cluster", cluster, item.get("segments"))
    for order, item in enumerate(data["chains"]):
        chain, _ = Chain.objects.update_or_create(code=item["code"], defaults={
            "name_zh": item["name_zh"], "name_en": item.get("name_en", ""), "order": order,
            "citation": _citation(item), "related_clusters": list(item.get("related_clusters") or []),
        })
        _segments("chain", chain, item.get("segments"))
    return len(data["clusters"]), len(data["chains"])


def cluster_for_code(industry_code: str, prefixes: dict[str, int]) -> int | None:
    """The cluster whose GB/T 4754 prefix is the longest match of ``industry_code`` (the
    taxonomy's documented assumption); ``prefixes`` maps prefix -> cluster id."""
    for length in range(len(industry_code), 1, -1):
        cluster = prefixes.get(industry_code[:length])
        if cluster is not None:
            return cluster
    return None


def prefix_map() -> dict[str, int]:
    return {p: c.pk for c in Cluster.objects.all() for p in c.industry_prefixes}


@lru_cache(maxsize=4)
def pack_settings(pack: str = "changzhou_2022") -> dict:
    """The pack's placement order, 链主 score and gap rule (all documented assumptions);
    read once per process, like the pack itself."""
    data = read_taxonomy(pack)
    return {"placement": data["segment_placement"], "leader_score": data["chain_leader_score"],
            "gap_rule": data["gap_rule"], "leader_rule": data["chain_leader_rule"]}
