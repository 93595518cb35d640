"""How an amount came about, against its cap: the policy's amount formula evaluated again,
in Python, over the values the award stored (its ``inputs``), step by step.

The batch computes amounts in SQL; this is for the one award a person reads ("why 登峰 pays
286.5万 against a 500万 cap"): the cap, each named intermediate value (技术创新得分 0.8…),
each assumption the formula reads (顶格比例 100%, 得分取整步长 0.05), and the result. A
step whose input is missing stays missing, as in the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from .explain import describe
from .expr import Arith, Bool, Call, Compare, If, Logic, Name, Neg, Node, Not, Num, Str, walk
from .model import Pack, Policy
from .vocab import assumption_text, format_money


@dataclass(frozen=True)
class Step:
    label: str
    value: str  # as shown: 500万元, 0.55, 100%
    kind: str  # "cap" | "let" | "assumption" | "result"


class _Missing(Exception):
    pass


def _value(node: Node, env: dict, policy: Policy, pack: Pack):
    if isinstance(node, Num):
        return Decimal(node.value)
    if isinstance(node, (Str, Bool)):
        return node.value
    if isinstance(node, Name):
        if node.name in env:
            if env[node.name] is None:
                raise _Missing(node.name)
            v = env[node.name]
            return Decimal(str(v)) if isinstance(v, (int, float)) and not isinstance(v, bool) else v
        if node.name in policy.lets:
            return _value(policy.lets[node.name], env, policy, pack)
        if node.name in pack.assumptions:
            return _value(pack.assumptions[node.name].value, env, policy, pack)
        raise _Missing(node.name)
    if isinstance(node, Neg):
        return -_value(node.operand, env, policy, pack)
    if isinstance(node, Not):
        return not _value(node.operand, env, policy, pack)
    if isinstance(node, Arith):
        a, b = _value(node.left, env, policy, pack), _value(node.right, env, policy, pack)
        if node.op == "/":
            if b == 0:
                raise _Missing("/0")
            return a / b
        return {"+": a + b, "-": a - b, "*": a * b}[node.op]
    if isinstance(node, Compare):
        a, b = _value(node.left, env, policy, pack), _value(node.right, env, policy, pack)
        return {">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b, "==": a == b,
                "!=": a != b}[node.op]
    if isinstance(node, Logic):
        a = _value(node.left, env, policy, pack)
        if node.op == "and":
            return a and _value(node.right, env, policy, pack)
        return a or _value(node.right, env, policy, pack)
    if isinstance(node, If):
        chosen = node.then if _value(node.cond, env, policy, pack) else node.otherwise
        return _value(chosen, env, policy, pack)
    if isinstance(node, Call):
        args = [_value(a, env, policy, pack) for a in node.args]
        if node.func == "clip":
            return min(max(args[0], args[1]), args[2])
        if node.func == "round_down":
            step = args[1]
            return (args[0] / step).to_integral_value(rounding=ROUND_FLOOR) * step
        if node.func in ("min", "max"):
            return (min if node.func == "min" else max)(args)
        if node.func == "abs":
            return abs(args[0])
        if node.func == "increase" and isinstance(node.args[0], Name):
            name = node.args[0].name
            if env.get(name) is None or env.get(f"prev_{name}") is None:
                raise _Missing(name)
            return Decimal(env[name]) - Decimal(env[f"prev_{name}"])
        if node.func == "prev" and isinstance(node.args[0], Name):
            prev = env.get(f"prev_{node.args[0].name}")
            if prev is None:
                raise _Missing(node.args[0].name)
            return Decimal(prev)
    raise _Missing(type(node).__name__)


def _shown(value, kind: str, lang: str) -> str:
    if value is None:
        return "缺失" if lang == "zh" else "missing"
    if kind == "money":
        return format_money(int(value), lang)
    if kind == "ratio":
        return f"{float(value) * 100:g}%"
    return f"{float(value):.4g}"


def breakdown(pack: Pack, policy: Policy, tier_id: str, inputs: dict, lang: str = "zh"
              ) -> list[Step]:
    """The steps from the cap to the amount of one award (empty for a policy without tiers
    or an amount the stored inputs cannot recompute)."""
    tiers = [t for t in policy.tiers if t.id in (tier_id or "").split("+")]
    if not tiers:
        return []
    steps: list[Step] = []
    total = Decimal(0)
    for tier in tiers:
        formula = tier.amount if tier.amount is not None else policy.amount
        if formula is None:
            return []
        env = dict(inputs or {})
        env["cap"] = tier.cap
        label = ("上限（" + tier.label_zh + "）") if lang == "zh" else f"cap ({tier.label_en})"
        steps.append(Step(label, format_money(tier.cap, lang), "cap"))
        names = [n.name for n in walk(formula) if isinstance(n, Name)]
        for name in _lets_in_order(policy, names):
            zh, en = policy.let_labels.get(name, ("中间值", "intermediate value"))
            try:
                v = _value(policy.lets[name], env, policy, pack)
            except _Missing:
                v = None
            steps.append(Step(zh if lang == "zh" else en, _shown(v, "plain", lang), "let"))
        for name in _assumptions_in(policy, pack, formula):
            a = pack.assumptions[name]
            steps.append(Step(a.question(lang), assumption_text(a, lang), "assumption"))
        try:
            amount = min(max(_value(formula, env, policy, pack), Decimal(0)), Decimal(tier.cap))
        except _Missing:
            return steps
        total += amount.to_integral_value(rounding=ROUND_FLOOR)
    steps.append(Step("奖励" if lang == "zh" else "award", format_money(int(total), lang), "result"))
    return steps


def formula_words(pack: Pack, policy: Policy, lang: str = "zh") -> str:
    """The amount formula in words: 上限 × 100% × 综合得分（按0.05向下取整）."""
    if policy.amount is None:
        return ""
    labels = {k: (v[0] if lang == "zh" else v[1]) for k, v in policy.let_labels.items()}
    return _words(policy.amount, pack, labels, lang)


def _words(node: Node, pack: Pack, labels: dict, lang: str) -> str:
    zh = lang == "zh"
    if isinstance(node, Name):
        if node.name == "cap":
            return "上限" if zh else "the cap"
        if node.name in labels:
            return labels[node.name]
        return describe(node, lang, pack.assumptions, pack.root)
    if isinstance(node, Arith):
        op = {"*": "×", "/": "÷", "+": "+", "-": "−"}[node.op]
        return f"{_words(node.left, pack, labels, lang)} {op} {_words(node.right, pack, labels, lang)}"
    if isinstance(node, Call) and node.func == "round_down":
        inner = _words(node.args[0], pack, labels, lang)
        step = _words(node.args[1], pack, labels, lang)
        return f"{inner}（按{step}向下取整）" if zh else f"{inner} (rounded down to {step})"
    return describe(node, lang, pack.assumptions, pack.root)


def _lets_in_order(policy: Policy, names: list[str]) -> list[str]:
    """The lets the formula reads, the ones they read first (tech_score before score)."""
    out: list[str] = []

    def visit(name):
        if name in out or name not in policy.lets:
            return
        for n in walk(policy.lets[name]):
            if isinstance(n, Name):
                visit(n.name)
        out.append(name)

    for name in names:
        visit(name)
    return out


def _assumptions_in(policy: Policy, pack: Pack, formula: Node) -> list[str]:
    """The assumptions the formula reads, directly or through its lets."""
    seen: list[str] = []

    def visit(node):
        for n in walk(node):
            if isinstance(n, Name):
                if n.name in pack.assumptions and n.name not in seen:
                    seen.append(n.name)
                elif n.name in policy.lets:
                    visit(policy.lets[n.name])

    visit(formula)
    return seen
