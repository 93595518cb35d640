"""Fill Cluster, Chain and ChainSegment from a policy pack's taxonomy.yaml (idempotent)."""

from decimal import Decimal

import yaml
from django.db import transaction

from industrybrain.core.money import YUAN_PER_YI
from industrybrain.industry.models import Chain, ChainSegment, Cluster
from industrybrain.packs import pack_dir


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


def _segments(owner_field, owner, items):
    keep = []
    for item in items or []:
        code = item.get("code") or item["name_zh"]
        segment, _ = ChainSegment.objects.update_or_create(
            **{owner_field: owner}, code=code,
            defaults={
                "name_zh": item["name_zh"], "name_en": item.get("name_en", ""),
                "stage": item.get("stage", ""),
                "is_assumption": item.get("source") == "assumption",
                "citation": _citation(item),
            },
        )
        keep.append(segment.pk)
    ChainSegment.objects.filter(**{owner_field: owner}).exclude(pk__in=keep).delete()


@transaction.atomic
def load_taxonomy(pack: str = "changzhou_2022") -> tuple[int, int]:
    data = read_taxonomy(pack)
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
            "citation": _citation(item),
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
