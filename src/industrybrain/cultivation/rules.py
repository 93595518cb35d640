"""The pools and ladders of a pack (pools.yaml), parsed and type-checked by the engine.

No Django here: like the engine, this module reads a YAML file and gives frozen objects.
Every expression goes through the engine's parser (``engine.expr.parse``) and checker
(``engine.check.check``) once, at load; a mistake names the file, the key and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from industrybrain.engine.check import BOOL, Scope, Usage, check
from industrybrain.engine.errors import ExprError
from industrybrain.engine.expr import Compare, Node, parse
from industrybrain.packs import pack_dir

PACK = "changzhou_2022"


class PoolsError(ValueError):
    """A pools.yaml that does not hold together; the message names the key and the reason."""


@dataclass(frozen=True)
class Standard:
    id: str
    name_zh: str
    name_en: str
    source: str
    year: int
    simplified_zh: str
    placeholder: bool = False
    from_articles: bool = False
    simplified_en: str = ""


@dataclass(frozen=True)
class Criterion:
    """One recognition criterion of a rung: a comparison, so a miss has a size."""

    id: str
    name_zh: str
    name_en: str
    text: str
    node: Node
    show: str  # "money" | "percent" | "number"
    unit_zh: str = ""
    unit_en: str = ""
    standard: str = ""

    @property
    def compare(self) -> Compare | None:
        return self.node if isinstance(self.node, Compare) else None


@dataclass(frozen=True)
class Condition:
    id: str
    name_zh: str
    name_en: str
    text: str
    node: Node


@dataclass(frozen=True)
class Rung:
    id: str
    name_zh: str
    name_en: str
    holds_text: str
    holds: Node
    measure: str  # indicator vocabulary, or "pool" / "chain_leaders"
    targets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ladder:
    id: str
    name_zh: str
    name_en: str
    rungs: tuple[Rung, ...]
    citation: dict | None = None

    def rung(self, rung_id: str) -> Rung:
        for r in self.rungs:
            if r.id == rung_id:
                return r
        raise KeyError(rung_id)

    def index(self, rung_id: str) -> int:
        return [r.id for r in self.rungs].index(rung_id)


@dataclass(frozen=True)
class Pool:
    id: str
    ladder: str
    rung: str
    name_zh: str
    name_en: str
    entry_text: str
    entry: Node
    exits: tuple[Condition, ...]
    criteria: tuple[Criterion, ...]
    services: tuple[str, ...] = ()
    citation: dict | None = None


@dataclass(frozen=True)
class Pools:
    ladders: tuple[Ladder, ...]
    pools: tuple[Pool, ...]
    standards: dict[str, Standard]
    usage: Usage = field(compare=False, default_factory=Usage)

    def pool(self, pool_id: str) -> Pool:
        for p in self.pools:
            if p.id == pool_id:
                return p
        raise KeyError(pool_id)

    def ladder(self, ladder_id: str) -> Ladder:
        for lad in self.ladders:
            if lad.id == ladder_id:
                return lad
        raise KeyError(ladder_id)

    def pools_of(self, ladder_id: str) -> list[Pool]:
        return [p for p in self.pools if p.ladder == ladder_id]


def _expr(text, where: str, usage: Usage) -> Node:
    if not isinstance(text, str) or not text.strip():
        raise PoolsError(f"pools.yaml {where}: an expression is required")
    try:
        node = parse(text)
        kind = check(node, Scope(), usage)
    except ExprError as exc:
        raise PoolsError(f"pools.yaml {where}: {exc}") from exc
    if kind != BOOL:
        raise PoolsError(f"pools.yaml {where}: the expression must be true/false, not {kind}")
    return node


def _req(m: dict, key: str, where: str):
    if key not in m or m[key] in (None, ""):
        raise PoolsError(f"pools.yaml {where}: '{key}' is required")
    return m[key]


def parse_pools(data: dict) -> Pools:
    """Build and check the pools of a parsed pools.yaml."""
    usage = Usage()
    standards = {}
    for i, s in enumerate(data.get("standards") or []):
        where = f"standards[{i}]"
        if s.get("from_articles", False):
            raise PoolsError(f"pools.yaml {where}: a standard is by definition not from the "
                             "articles; cite the article on the pool instead")
        standards[s["id"]] = Standard(
            id=s["id"], name_zh=_req(s, "name_zh", where), name_en=_req(s, "name_en", where),
            source=_req(s, "source", where), year=int(_req(s, "year", where)),
            simplified_zh=s.get("simplified_zh", ""), placeholder=bool(s.get("placeholder")),
            simplified_en=s.get("simplified_en", ""))
    ladders = []
    for i, lad in enumerate(data.get("ladders") or []):
        rungs = []
        for j, r in enumerate(lad.get("rungs") or []):
            where = f"ladders[{i}].rungs[{j}]"
            rungs.append(Rung(
                id=_req(r, "id", where), name_zh=_req(r, "name_zh", where),
                name_en=_req(r, "name_en", where), holds_text=r.get("holds", ""),
                holds=_expr(r.get("holds"), where + ".holds", usage),
                measure=_req(r, "measure", where), targets=tuple(r.get("targets") or ())))
        if len(rungs) < 2:
            raise PoolsError(f"pools.yaml ladders[{i}]: a ladder has at least two rungs")
        ladders.append(Ladder(id=lad["id"], name_zh=lad["name_zh"], name_en=lad["name_en"],
                              rungs=tuple(rungs), citation=lad.get("citation")))
    by_ladder = {lad.id: lad for lad in ladders}
    pools = []
    for i, p in enumerate(data.get("pools") or []):
        where = f"pools[{i}]"
        ladder = by_ladder.get(_req(p, "ladder", where))
        if ladder is None:
            raise PoolsError(f"pools.yaml {where}.ladder: no ladder {p['ladder']!r}")
        if _req(p, "rung", where) not in [r.id for r in ladder.rungs]:
            raise PoolsError(f"pools.yaml {where}.rung: ladder {ladder.id} has no rung {p['rung']!r}")
        criteria = []
        for j, c in enumerate(_req(p, "criteria", where)):
            cw = f"{where}.criteria[{j}]"
            node = _expr(c.get("when"), cw + ".when", usage)
            if not isinstance(node, Compare) or node.op not in (">", ">=", "<", "<="):
                raise PoolsError(f"pools.yaml {cw}.when: a criterion is one comparison "
                                 "(>=, >, <=, <) so that a miss can say by how much")
            if c.get("standard") and c["standard"] not in standards:
                raise PoolsError(f"pools.yaml {cw}.standard: no standard {c['standard']!r}")
            if not c.get("standard") and not c.get("citation"):
                raise PoolsError(f"pools.yaml {cw}: a criterion names its standard or cites an article")
            kind = check(node.left, Scope())
            show = c.get("show") or ("money" if kind.dim == "money" else "number")
            criteria.append(Criterion(
                id=_req(c, "id", cw), name_zh=_req(c, "name_zh", cw), name_en=_req(c, "name_en", cw),
                text=c["when"], node=node, show=show, unit_zh=c.get("unit_zh", ""),
                unit_en=c.get("unit_en", ""), standard=c.get("standard", "")))
        exits = []
        for j, x in enumerate(p.get("exit") or []):
            xw = f"{where}.exit[{j}]"
            exits.append(Condition(id=_req(x, "id", xw), name_zh=_req(x, "name_zh", xw),
                                   name_en=_req(x, "name_en", xw), text=x["when"],
                                   node=_expr(x.get("when"), xw + ".when", usage)))
        if not any(x.id == "promoted" for x in exits):
            raise PoolsError(f"pools.yaml {where}.exit: an exit 'promoted' (the rung is reached) is required")
        pools.append(Pool(
            id=_req(p, "id", where), ladder=ladder.id, rung=p["rung"],
            name_zh=_req(p, "name_zh", where), name_en=_req(p, "name_en", where),
            entry_text=p.get("entry", ""), entry=_expr(p.get("entry"), where + ".entry", usage),
            exits=tuple(exits), criteria=tuple(criteria), services=tuple(p.get("services") or ()),
            citation=p.get("citation")))
    ids = [p.id for p in pools]
    if len(set(ids)) != len(ids):
        raise PoolsError("pools.yaml pools: ids must be unique")
    return Pools(tuple(ladders), tuple(pools), standards, usage)


def load_pools(path: Path | None = None) -> Pools:
    path = path or pack_dir(PACK) / "pools.yaml"
    with open(path, encoding="utf-8") as fh:
        return parse_pools(yaml.safe_load(fh))


@lru_cache(maxsize=1)
def pools() -> Pools:
    """The pack's pools, loaded once per process."""
    return load_pools()
