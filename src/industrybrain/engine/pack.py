"""Load and validate a policy pack (a directory of YAML files) into a :class:`Pack`.

Layout (see docs/policy-packs.md)::

    <pack>/pack.yaml            id, version, titles, funding facts
    <pack>/assumptions.yaml     what the articles leave open, with defaults and reasons
    <pack>/policies/*.yaml      one policy per file; the file name is the policy id
    <pack>/tests/*.yaml         the policies' test cases

Every error is a PackError that names the file, line, column and key.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from .check import BOOL, MONEY, Scope, check
from .errors import ExprError, PackError
from .expr import Arith, Name, Neg, Node, Num, Str, parse
from .model import CATEGORIES, ENTITIES, TIER_SELECTIONS, Assumption, Citation, Pack, Policy, Tier
from .testcases import load_cases
from .vocab import VARIABLES
from .yamlpos import load_located, position

PACKS_ROOT = Path(__file__).resolve().parent.parent / "packs"

POLICY_KEYS = {"id", "title_zh", "title_en", "category", "entity", "citation", "citations",
               "effective", "eligibility", "trigger", "tiers", "tier_selection", "amount", "let",
               "assumptions", "budget_line", "group_cap", "target_zh", "notes", "documents",
               "let_labels"}
TIER_KEYS = {"id", "label_zh", "label_en", "when", "cap", "amount"}
ASSUMPTION_KEYS = {"id", "value", "choices", "question_zh", "question_en", "reason", "placeholder",
                   "citation", "citations"}


def pack_path(name: str | Path) -> Path:
    """Return the directory of a pack given its name (``changzhou_2022``) or a path."""
    if isinstance(name, Path) or "/" in str(name):
        path = Path(name)
    else:
        if not name or name.startswith(".") or "\\" in name:
            raise PackError(f"not a pack name: {name!r}")
        path = PACKS_ROOT / name
    if not (path / "pack.yaml").is_file():
        raise PackError(f"no pack at {path} (pack.yaml missing)")
    return path


class _Ctx:
    """Where we are while validating: the file and the YAML key path."""

    def __init__(self, file: str):
        self.file = file

    def error(self, container: Any, key: str | int, keypath: str, msg: str) -> PackError:
        line, col = position(container, key)
        return PackError(msg, self.file, line, col, keypath)

    def expr(self, container: Any, key: str | int, keypath: str) -> Node:
        text = container[key]
        if isinstance(text, bool) or isinstance(text, (int, float)):
            text = str(text).lower() if isinstance(text, bool) else str(text)
        if not isinstance(text, str):
            raise self.error(container, key, keypath, "expected an expression (text)")
        try:
            return parse(text)
        except ExprError as exc:
            line, col = position(container, key)
            raise exc.located(self.file, line, col, keypath) from None

    def checked(self, container, key, keypath, scope: Scope, want=None) -> Node:
        node = self.expr(container, key, keypath)
        try:
            got = check(node, scope)
        except ExprError as exc:
            line, col = position(container, key)
            raise exc.located(self.file, line, col, keypath) from None
        if want is not None and got != want:
            raise self.error(container, key, keypath, f"expected {want}, got {got}")
        return node

    def text(self, container, key, keypath, required=True, default="") -> str:
        if key not in container:
            if required:
                raise self.error(container, key, keypath, f"missing key {key!r}")
            return default
        value = container[key]
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.error(container, key, keypath, "expected non-empty text")
        return value

    def mapping(self, value, container, key, keypath) -> dict:
        if not isinstance(value, dict):
            raise self.error(container, key, keypath, "expected a mapping")
        return value

    def unknown_keys(self, mapping: dict, allowed: set, keypath: str) -> None:
        import difflib

        for key in mapping:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise self.error(mapping, key, f"{keypath}{key}", f"unknown key {key!r}{hint}")


def const_value(node: Node, assumptions: dict[str, Assumption]) -> Decimal:
    """Evaluate a constant number expression (caps) exactly, in Python."""
    if isinstance(node, Num):
        return node.value
    if isinstance(node, Name) and node.name in assumptions:
        return const_value(assumptions[node.name].value, assumptions)
    if isinstance(node, Neg):
        return -const_value(node.operand, assumptions)
    if isinstance(node, Arith) and node.op in "+-*":
        a, b = const_value(node.left, assumptions), const_value(node.right, assumptions)
        return a + b if node.op == "+" else a - b if node.op == "-" else a * b
    raise ExprError("must be a constant amount (a number with a unit, or an assumption)",
                    line=node.pos[0], column=node.pos[1])


def _citations(ctx: _Ctx, m: dict, keypath: str, required: bool) -> tuple[Citation, ...]:
    if "citation" in m and "citations" in m:
        raise ctx.error(m, "citations", keypath + "citations",
                        "use citation or citations, not both")
    raw = [m["citation"]] if "citation" in m else m.get("citations")
    key = "citation" if "citation" in m else "citations"
    if raw is None:
        if required:
            raise ctx.error(m, "id", keypath + "citation", "missing citation(s): every item "
                            "must quote the article it comes from")
        return ()
    if not isinstance(raw, list) or not raw:
        raise ctx.error(m, key, keypath + key, "expected a list of {seed, quote}")
    out = []
    for i, c in enumerate(raw):
        kp = f"{keypath}{key}" + (f"[{i}]" if key == "citations" else "")
        if not isinstance(c, dict) or not isinstance(c.get("seed"), str) \
                or not isinstance(c.get("quote"), str) or not c["quote"].strip():
            raise ctx.error(m, key, kp, "a citation is {seed: <file>, quote: <verbatim text>}")
        out.append(Citation(c["seed"], c["quote"]))
    return tuple(out)


def _date(ctx: _Ctx, m: dict, key: str, keypath: str) -> date | None:
    value = m.get(key)
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ctx.error(m, key, keypath, f"not a date (YYYY-MM-DD): {value!r}") from None


def load_assumptions(path: Path, rel: str) -> dict[str, Assumption]:
    if not path.is_file():
        return {}
    ctx = _Ctx(rel)
    data = load_located(path.read_text(encoding="utf-8"), rel)
    if not isinstance(data, list):
        raise PackError("expected a list of assumptions", rel, 1, 1)
    out: dict[str, Assumption] = {}
    for i, m in enumerate(data):
        kp = f"[{i}]."
        ctx.mapping(m, data, i, f"[{i}]")
        ctx.unknown_keys(m, ASSUMPTION_KEYS, kp)
        aid = ctx.text(m, "id", kp + "id")
        if aid in out:
            raise ctx.error(m, "id", kp + "id", f"duplicate assumption {aid!r}")
        if aid in VARIABLES:
            raise ctx.error(m, "id", kp + "id", f"{aid!r} is a snapshot variable; rename it")
        if "value" not in m:
            raise ctx.error(m, "id", kp + "value", "missing key 'value'")
        choices = tuple(str(c) for c in m.get("choices", ()) or ())
        if choices:
            if str(m["value"]) not in choices:
                raise ctx.error(m, "value", kp + "value", f"must be one of {list(choices)}")
            node, text = Str(str(m["value"])), str(m["value"])
        else:
            node = ctx.checked(m, "value", kp + "value", Scope())
            text = str(m["value"])
            if not isinstance(node, (Num, Neg)):
                raise ctx.error(m, "value", kp + "value", "an assumption's value is a constant "
                                "such as 200万元, 30% or 0.5")
        out[aid] = Assumption(
            aid, node, text, ctx.text(m, "question_zh", kp + "question_zh"),
            ctx.text(m, "reason", kp + "reason"), bool(m.get("placeholder", False)), choices,
            _citations(ctx, m, kp, required=False), str(m.get("question_en") or ""))
    return out


def load_policy(path: Path, rel: str, assumptions: dict[str, Assumption]) -> Policy:
    ctx = _Ctx(rel)
    m = load_located(path.read_text(encoding="utf-8"), rel)
    if not isinstance(m, dict):
        raise PackError("a policy file is a mapping (id, title_zh, …)", rel, 1, 1)
    ctx.unknown_keys(m, POLICY_KEYS, "")
    pid = ctx.text(m, "id", "id")
    if pid != path.stem:
        raise ctx.error(m, "id", "id", f"id {pid!r} must equal the file name {path.stem!r}")
    category = ctx.text(m, "category", "category")
    if category not in CATEGORIES:
        raise ctx.error(m, "category", "category", f"category must be one of {list(CATEGORIES)}")
    entity = m.get("entity", "enterprise")
    if entity not in ENTITIES:
        raise ctx.error(m, "entity", "entity", f"entity must be one of {list(ENTITIES)}")
    eff = m.get("effective")
    if not isinstance(eff, dict) or "from" not in eff:
        raise ctx.error(m, "effective" if eff is not None else "id", "effective",
                        "effective: {from: YYYY-MM-DD, to: YYYY-MM-DD} is required")
    listed = m.get("assumptions", []) or []
    if not isinstance(listed, list):
        raise ctx.error(m, "assumptions", "assumptions", "expected a list of assumption ids")
    for i, a in enumerate(listed):
        if a not in assumptions:
            raise ctx.error(listed, i, f"assumptions[{i}]", f"unknown assumption {a!r}; "
                            "define it in assumptions.yaml")
    lets_raw = m.get("let", {}) or {}
    ctx.mapping(lets_raw, m, "let", "let")
    lets = {}
    for name in lets_raw:
        if name in VARIABLES or name in assumptions or name == "cap":
            raise ctx.error(lets_raw, name, f"let.{name}", f"{name!r} already names a variable "
                            "or an assumption")
        lets[name] = ctx.expr(lets_raw, name, f"let.{name}")
    scope = Scope(lets=lets, assumptions={a: assumptions[a].value for a in listed},
                  known_assumptions={k: v.value for k, v in assumptions.items()}, entity=entity)
    for name in lets_raw:  # each let on its own, so a cycle is reported where it is written
        ctx.checked(lets_raw, name, f"let.{name}", scope)
    sources = {}
    eligibility = trigger = amount = None
    if "eligibility" in m:
        eligibility = ctx.checked(m, "eligibility", "eligibility", scope, BOOL)
        sources["eligibility"] = str(m["eligibility"])
    if "trigger" in m:
        trigger = ctx.checked(m, "trigger", "trigger", scope, BOOL)
        sources["trigger"] = str(m["trigger"])
    amount_scope = Scope(scope.lets, scope.assumptions, scope.known_assumptions, {"cap": MONEY},
                         entity)
    if "amount" in m:
        amount = ctx.checked(m, "amount", "amount", amount_scope, MONEY)
    tiers = _tiers(ctx, m, scope, amount_scope, assumptions)
    if tiers and amount is None and any(t.amount is None for t in tiers):
        raise ctx.error(m, "tiers", "amount", "a policy with tiers needs an amount formula "
                        "(write `amount: cap` to pay the cap)")
    selection = m.get("tier_selection", "highest")
    if selection in listed and assumptions[selection].choices:
        selection = assumptions[selection].value.value  # type: ignore[union-attr]
    elif selection not in TIER_SELECTIONS:
        raise ctx.error(m, "tier_selection", "tier_selection", "tier_selection is highest, all "
                        "or a listed choice assumption")
    group_cap = m.get("group_cap")
    if group_cap is not None:
        ctx.mapping(group_cap, m, "group_cap", "group_cap")
        ctx.unknown_keys(group_cap, {"by", "cap", "citation", "cumulative", "priority"},
                         "group_cap.")
        if not isinstance(group_cap.get("priority", 100), int) or group_cap.get("by") != "cluster":
            raise ctx.error(group_cap, "by", "group_cap.by", "group_cap needs by: cluster and an "
                            "integer priority (lower is paid first)")
        node = ctx.checked(group_cap, "cap", "group_cap.cap", scope, MONEY)
        group_cap = {**group_cap, "cap_yuan": int(const_value(node, assumptions))}
    return Policy(
        id=pid, title_zh=ctx.text(m, "title_zh", "title_zh"),
        title_en=ctx.text(m, "title_en", "title_en"), category=category, entity=entity,
        citations=_citations(ctx, m, "", required=True),
        effective_from=_date(ctx, eff, "from", "effective.from"),
        effective_to=_date(ctx, eff, "to", "effective.to"), file=rel,
        eligibility=eligibility, trigger=trigger, tiers=tiers, tier_selection=selection,
        amount=amount, lets=lets, assumptions=tuple(listed),
        budget_line=ctx.text(m, "budget_line", "budget_line", required=False),
        group_cap=group_cap, target_zh=ctx.text(m, "target_zh", "target_zh", required=False),
        notes=ctx.text(m, "notes", "notes", required=False), sources=sources,
        documents=_documents(ctx, m), let_labels=_let_labels(ctx, m, lets),
        positions=dict(getattr(m, "positions", {})))


def _documents(ctx: _Ctx, m: dict) -> tuple[tuple[str, str], ...]:
    """What an applicant attaches (快申快享): a list of {zh, en}."""
    raw = m.get("documents", []) or []
    if not isinstance(raw, list):
        raise ctx.error(m, "documents", "documents", "expected a list of {zh, en}")
    out = []
    for i, item in enumerate(raw):
        ctx.mapping(item, raw, i, f"documents[{i}]")
        ctx.unknown_keys(item, {"zh", "en"}, f"documents[{i}].")
        out.append((ctx.text(item, "zh", f"documents[{i}].zh"),
                    ctx.text(item, "en", f"documents[{i}].en")))
    return tuple(out)


def _let_labels(ctx: _Ctx, m: dict, lets: dict) -> dict[str, tuple[str, str]]:
    """Words for the policy's named intermediate values (let), for its explanations."""
    raw = m.get("let_labels", {}) or {}
    ctx.mapping(raw, m, "let_labels", "let_labels")
    out = {}
    for name, item in raw.items():
        if name not in lets:
            raise ctx.error(raw, name, f"let_labels.{name}", f"{name!r} is not one of the "
                            f"policy's let names {sorted(lets)}")
        ctx.mapping(item, raw, name, f"let_labels.{name}")
        out[name] = (ctx.text(item, "zh", f"let_labels.{name}.zh"),
                     ctx.text(item, "en", f"let_labels.{name}.en"))
    return out


def _tiers(ctx: _Ctx, m: dict, scope: Scope, amount_scope: Scope,
           assumptions: dict[str, Assumption]) -> tuple[Tier, ...]:
    raw = m.get("tiers", []) or []
    if not isinstance(raw, list):
        raise ctx.error(m, "tiers", "tiers", "expected a list of tiers")
    tiers, seen = [], set()
    for i, t in enumerate(raw):
        kp = f"tiers[{i}]."
        ctx.mapping(t, raw, i, f"tiers[{i}]")
        ctx.unknown_keys(t, TIER_KEYS, kp)
        tid = ctx.text(t, "id", kp + "id")
        if tid in seen:
            raise ctx.error(t, "id", kp + "id", f"duplicate tier id {tid!r}")
        seen.add(tid)
        if "when" not in t or "cap" not in t:
            raise ctx.error(t, "id", kp + "when", "a tier needs `when` and `cap`")
        when = ctx.checked(t, "when", kp + "when", scope, BOOL)
        cap_node = ctx.checked(t, "cap", kp + "cap", scope, MONEY)
        try:
            cap = const_value(cap_node, assumptions)
        except ExprError as exc:
            line, col = position(t, "cap")
            raise exc.located(ctx.file, line, col, kp + "cap") from None
        if cap < 0 or cap != cap.to_integral_value():
            raise ctx.error(t, "cap", kp + "cap", "a cap is a whole, non-negative number of 元")
        amount = ctx.checked(t, "amount", kp + "amount", amount_scope, MONEY) \
            if "amount" in t else None
        tiers.append(Tier(tid, ctx.text(t, "label_zh", kp + "label_zh"),
                          ctx.text(t, "label_en", kp + "label_en"), when, int(cap),
                          str(t["cap"]), amount, position(t, "id")[0]))
    return tuple(tiers)


def load_pack(name: str | Path) -> Pack:
    """Load, validate and return the pack ``name`` (a directory under packs/, or a path).

    A pack loaded before, unchanged since, comes from its cache (:mod:`.packcache`)."""
    from . import packcache

    root = pack_path(name)
    return packcache.load(root, lambda: _parse_pack(root))


def _parse_pack(root: Path) -> Pack:
    meta = load_located((root / "pack.yaml").read_text(encoding="utf-8"), "pack.yaml")
    ctx = _Ctx("pack.yaml")
    if not isinstance(meta, dict):
        raise PackError("pack.yaml is a mapping (id, version, title_zh, …)", "pack.yaml", 1, 1)
    for key in ("id", "version", "title_zh", "title_en"):
        ctx.text(meta, key, key)
    assumptions = load_assumptions(root / "assumptions.yaml", "assumptions.yaml")
    policies = []
    for path in sorted((root / "policies").glob("*.yaml")):
        policies.append(load_policy(path, f"policies/{path.name}", assumptions))
    _check_meta(ctx, meta, policies)
    ids = [p.id for p in policies]
    cases = load_cases(root, set(ids))
    return Pack(str(meta["id"]), str(meta["version"]), str(meta["title_zh"]),
                str(meta["title_en"]), root, dict(meta), tuple(policies), assumptions,
                tuple(cases))


def _check_meta(ctx: _Ctx, meta: dict, policies: list[Policy]) -> None:
    """Funding facts are exact integer 元 and cited; budget lines named by policies exist."""
    funding = meta.get("funding", []) or []
    if not isinstance(funding, list):
        raise ctx.error(meta, "funding", "funding", "expected a list of funding facts")
    for i, item in enumerate(funding):
        kp = f"funding[{i}]."
        ctx.mapping(item, funding, i, f"funding[{i}]")
        ctx.text(item, "id", kp + "id")
        amount = item.get("amount_yuan")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise ctx.error(item, "amount_yuan" if "amount_yuan" in item else "id",
                            kp + "amount_yuan", "amount_yuan is a whole number of 元")
        _citations(ctx, item, kp, required=True)
    lines = meta.get("budget_lines")
    if lines is None:
        return
    known = {line.get("id") for line in lines if isinstance(line, dict)}
    for p in policies:
        if p.budget_line and p.budget_line not in known:
            line, col = p.positions.get("budget_line", (0, 0))
            raise PackError(f"unknown budget line {p.budget_line!r}; pack.yaml defines "
                            f"{sorted(known)}", p.file, line, col, "budget_line")


def reassume(pack: Pack, values: dict[str, str]) -> Pack:
    """Re-load the pack's policies with some assumption values replaced (for reforms)."""
    assumptions = dict(pack.assumptions)
    for key, text in values.items():
        if key not in assumptions:
            raise PackError(f"unknown assumption {key!r}", "assumptions.yaml")
        old = assumptions[key]
        if old.choices:
            if text not in old.choices:
                raise PackError(f"{key} must be one of {list(old.choices)}", "assumptions.yaml")
            node = Str(text)
        else:
            node = parse(str(text))
            check(node, Scope())
        assumptions[key] = Assumption(old.id, node, str(text), old.question_zh, old.reason,
                                      old.placeholder, old.choices, old.citations, old.question_en)
    policies = [load_policy(pack.root / p.file, p.file, assumptions) for p in pack.policies]
    return pack.replace(assumptions=assumptions, policies=tuple(policies))
