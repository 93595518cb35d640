"""Reference data every installation needs: districts, the designation vocabulary, the
GB/T 4754-2017 divisions, the pack's clusters and chains, and the role groups. Idempotent."""

import csv
from pathlib import Path

import yaml
from django.db import transaction

DATA = Path(__file__).resolve().parent.parent / "data"


def _yaml(name):
    with open(DATA / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@transaction.atomic
def load_reference(pack: str = "changzhou_2022") -> dict:
    from industrybrain.enterprises.models import DesignationType, District, IndustryCode
    from industrybrain.industry.taxonomy import load_taxonomy

    for item in _yaml("districts.yaml"):
        District.objects.update_or_create(code=item["code"], defaults={
            "name_zh": item["name_zh"], "name_en": item["name_en"], "division": item["division"],
        })
    for item in _yaml("designations.yaml"):
        DesignationType.objects.update_or_create(code=item["code"], defaults={
            "name_zh": item["name_zh"], "name_en": item["name_en"], "level": item["level"],
            "category": item["category"], "validity_years": item.get("validity_years"),
        })
    with open(DATA / "industry_codes.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            IndustryCode.objects.update_or_create(code=row["code"], defaults={"name_zh": row["name_zh"],
                                                                         "name_en": row.get("name_en") or ""})
    clusters, chains = load_taxonomy(pack)
    return {
        "districts": District.objects.count(),
        "designation_types": DesignationType.objects.count(),
        "industry_codes": IndustryCode.objects.count(),
        "clusters": clusters,
        "chains": chains,
    }
