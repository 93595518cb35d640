"""Load the pack's targets.yaml into the database (idempotent; the YAML stays the source).

`industrybrain setup` should call :func:`load_targets` after the reference data; until it
does, `industrybrain targets-refresh` calls it first.
"""

import re
from decimal import Decimal
from functools import lru_cache

import yaml
from django.db import transaction

from industrybrain.core import dataversion
from industrybrain.packs import pack_dir

from .models import Target

# The pack groups its items under comment headings ("# ==== 规模效益 Scale … ====="); YAML
# drops comments, so the headings are read from the text by line number.
_SECTION = re.compile(r"^# ={3,} (?P<title>\S+)(?: (?P<english>[^=]*?))? *=*$")

# Fields copied as they are; the officer's status and note are never touched by a reload.
_PLAIN = ("name_zh", "name_en", "kind", "scope", "unit", "as_written", "deadline",
          "baseline_year", "period", "start_year", "indicator", "measure")


def read_items(pack: str = "changzhou_2022") -> list[dict]:
    """The items of targets.yaml in file order, each with its ``section`` heading."""
    path = pack_dir(pack) / "targets.yaml"
    text = path.read_text(encoding="utf-8")
    headings = [(n, m["title"]) for n, line in enumerate(text.splitlines())
                if (m := _SECTION.match(line))]
    root = yaml.compose(text)
    node = next(v for k, v in root.value if k.value == "targets")
    items = yaml.safe_load(text)["targets"]
    for item, item_node in zip(items, node.value, strict=True):
        line = item_node.start_mark.line
        before = [title for n, title in headings if n < line]
        item["section"] = before[-1] if before else ""
    return items


@lru_cache(maxsize=4)
def section_names(pack: str = "changzhou_2022") -> dict[str, str]:
    """Each section heading's English, by its Chinese: targets.yaml writes both on the
    heading line (``# ==== 规模效益 Scale and efficiency ====``)."""
    text = (pack_dir(pack) / "targets.yaml").read_text(encoding="utf-8")
    return {m["title"]: (m["english"] or m["title"]).strip()
            for line in text.splitlines() if (m := _SECTION.match(line))}


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _citations(item: dict) -> list[dict]:
    return ([item["citation"]] if "citation" in item else []) + item.get("citations", [])


@transaction.atomic
def load_targets(pack: str = "changzhou_2022") -> dict:
    """Create or update one Target per item; return counts. Items gone from the YAML are
    left in place (their values and history matter) but reported as ``stale``."""
    items = read_items(pack)
    existing = {t.code: t for t in Target.objects.all()}
    created = updated = 0
    for order, item in enumerate(items):
        fields = {key: item.get(key) for key in _PLAIN}
        fields = {k: ("" if v is None and k in ("unit", "as_written", "period", "measure") else v)
                  for k, v in fields.items()}
        fields.update(
            section=item["section"], order=order,
            comparator=item.get("comparator") or "",
            value=_decimal(item.get("value")), value_max=_decimal(item.get("value_max")),
            relative_to=item.get("relative_to") or "",
            # JSON keys are strings; keep them so, or every reload would see a change.
            implied={str(k): v for k, v in (item.get("implied") or {}).items()},
            note="\n".join(x for x in (item.get("note"), item.get("deadline_note")) if x),
            citations=_citations(item), conflicts_with=item.get("conflicts_with") or [],
        )
        target = existing.get(item["id"])
        if target is None:
            Target.objects.create(code=item["id"], **fields)
            created += 1
            continue
        changed = [k for k, v in fields.items() if getattr(target, k) != v]
        if changed:
            for key in changed:
                setattr(target, key, fields[key])
            target.save()
            updated += 1
    codes = {item["id"] for item in items}
    if created or updated:
        dataversion.bump(dataversion.TARGETS)
    return {"targets": len(items), "created": created, "updated": updated,
            "stale": sorted(set(existing) - codes)}
