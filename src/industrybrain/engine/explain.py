"""Explanations in Chinese and English: the values used, the clause cited, the tier reached,
the cap that bound it, and for a miss the nearest tier and the gap to it.

Two halves: :func:`describe` turns an expression into words (in Python, once per policy);
:class:`Explainer` builds the SQL that fills each result row's explanation, so that
explanations are computed columnar with everything else.
"""

from __future__ import annotations

from dataclasses import dataclass

from .check import Usage
from .expr import Arith, Bool, Call, Compare, If, Logic, Name, Neg, Node, Not, Num, Str
from .model import Policy, Tier
from .sqlexpr import SqlDialect
from .vocab import (
    VARIABLES,
    assumption_text,
    designations,
    format_money,
    value_label,
    value_labels,
    variable,
)

_CMP_ZH = {">": "大于", ">=": "不低于", "<": "低于", "<=": "不高于", "==": "等于", "!=": "不等于"}
_CMP_EN = {">": "above", ">=": "at least", "<": "below", "<=": "at most", "==": "equal to",
           "!=": "not equal to"}


def _lab(name: str, lang: str) -> str:
    var = variable(name)
    if var is None:
        return name
    return var.label_zh if lang == "zh" else var.label_en


def _code(node: Node, lang: str) -> str:
    code = node.name if isinstance(node, Name) else getattr(node, "value", "?")
    d = designations().get(code, {})
    return d.get("name_zh" if lang == "zh" else "name_en", code)


def _settled(node: Node, assumptions: dict) -> bool | None:
    """The value of ``assumption == "choice"`` (or !=) when the pack settles it, else None."""
    if (isinstance(node, Compare) and node.op in ("==", "!=") and isinstance(node.left, Name)
            and node.left.name in assumptions and isinstance(node.right, Str)):
        chosen = str(getattr(assumptions[node.left.name].value, "value", ""))
        return (chosen == node.right.value) == (node.op == "==")
    return None


def describe(node: Node, lang: str = "zh", assumptions: dict | None = None,
             pack_root=None) -> str:
    """Words for an expression: ``first_time_exceeds(revenue, 100亿元)`` -> 营业收入首次超过100亿元.

    With the pack's ``assumptions``, a rule reads as the pack settles it: a branch on an
    assumption's choice shows only the chosen branch, and an assumed number shows its value
    (3%, 200万元), never the assumption's id. Text values read as words (所有制为民营)."""
    zh = lang == "zh"
    assumptions = assumptions or {}
    r = lambda n: describe(n, lang, assumptions, pack_root)  # noqa: E731
    if isinstance(node, If) and _settled(node.cond, assumptions) is not None:
        return r(node.then if _settled(node.cond, assumptions) else node.otherwise)
    if isinstance(node, Name) and node.name in assumptions:
        return assumption_text(assumptions[node.name], lang)
    if (isinstance(node, Compare) and isinstance(node.left, Name) and isinstance(node.right, Str)
            and variable(node.left.name) is not None):
        value = value_label(node.left.name, node.right.value, lang, pack_root)
        op = (_CMP_ZH if zh else _CMP_EN)[node.op]
        if node.op == "==":
            op = "为" if zh else "is"
        elif node.op == "!=":
            op = "不为" if zh else "is not"
        return f"{r(node.left)}{op}{value}" if zh else f"{r(node.left)} {op} {value}"
    if isinstance(node, Num):
        if node.kind == "money":
            return format_money(int(node.value), lang)
        return node.text or str(node.value)
    if isinstance(node, Str):
        return node.value
    if isinstance(node, Bool):
        return ("是" if node.value else "否") if zh else ("yes" if node.value else "no")
    if isinstance(node, Name):
        return _lab(node.name, lang)
    if isinstance(node, Neg):
        return f"-{r(node.operand)}"
    if isinstance(node, Not):
        return f"非{r(node.operand)}" if zh else f"not {r(node.operand)}"
    if isinstance(node, Logic):
        word = {"and": "且" if zh else " and ", "or": "或" if zh else " or "}[node.op]
        return f"{r(node.left)}{word}{r(node.right)}"
    if isinstance(node, Compare):
        op = (_CMP_ZH if zh else _CMP_EN)[node.op]
        sep = "" if zh else " "
        return f"{r(node.left)}{sep}{op}{sep}{r(node.right)}"
    if isinstance(node, Arith):
        return f"({r(node.left)} {node.op} {r(node.right)})"
    if isinstance(node, If):
        return (f"若{r(node.cond)}则{r(node.then)}否则{r(node.otherwise)}" if zh else
                f"if {r(node.cond)} then {r(node.then)} else {r(node.otherwise)}")
    if isinstance(node, Call):
        a = node.args
        f = node.func
        if f == "first_time_exceeds":
            return (f"{r(a[0])}首次超过{r(a[1])}" if zh else
                    f"{r(a[0])} above {r(a[1])} for the first time")
        if f == "first_time":
            return f"首次成为{r(a[0])}" if zh else f"{r(a[0])} for the first time"
        if f == "newly_designated":
            names = ("或" if zh else " or ").join(_code(x, lang) for x in a)
            return f"新认定/新入选{names}" if zh else f"newly {names}"
        if f == "holds":
            return f"为{_code(a[0], lang)}" if zh else f"holds {_code(a[0], lang)}"
        if f == "entered":
            return (f"本年入选{_code(a[0], lang)}（上年不在其中）" if zh
                    else f"entered {_code(a[0], lang)} this year (not on it last year)")
        if f == "prev":
            return f"上年{r(a[0])}" if zh else f"last year's {r(a[0])}"
        if f == "increase":
            return f"{r(a[0])}增量" if zh else f"increase in {r(a[0])}"
        if f == "is_known":
            return f"{r(a[0])}已知" if zh else f"{r(a[0])} known"
        if f == "has_history":
            return f"有往年{r(a[0])}数据" if zh else f"has earlier {r(a[0])}"
        return f"{f}({', '.join(r(x) for x in a)})"
    return "?"


def gap_atom(node: Node) -> tuple[str, Node, bool] | None:
    """The threshold a tier condition turns on, if it has one: (variable, threshold, strict).

    Finds ``first_time_exceeds(var, T)`` or ``var >= T`` / ``var > T`` anywhere in an
    ``and``; that is what lets a miss say how far it is from the tier.
    """
    if isinstance(node, Call) and node.func == "first_time_exceeds":
        return node.args[0].name, node.args[1], True  # type: ignore[union-attr]
    if isinstance(node, Compare) and node.op in (">", ">=") and isinstance(node.left, Name) \
            and variable(node.left.name) is not None:
        return node.left.name, node.right, node.op == ">"
    if isinstance(node, Logic) and node.op == "and":
        return gap_atom(node.left) or gap_atom(node.right)
    return None


@dataclass(frozen=True)
class Input:
    key: str  # key in the inputs JSON
    sql: str
    label_zh: str
    label_en: str
    kind: str  # money | count | float | bool | text
    missing_sql: str | None  # SQL true when this input is missing; None: never missing
    # Which year a missing value belongs to, so that an explanation can name it:
    # "current" ({year}), "prev" ({year} - 1), "history" (the missing years of the
    # enterprise's known history), "" (not yearly).
    when: str = ""
    var: str = ""


def inputs_of(usage: Usage) -> list[Input]:
    """The values a policy reads, in the order its rule first mentions them."""
    out: list[Input] = []
    for v in usage.variables:
        var = variable(v)
        out.append(Input(v, f"v_{v}", var.label_zh, var.label_en, var.kind,
                         f"v_{v} IS NULL", "current" if var.source == "figures" else "", v))
    for f, v in usage.history:
        var = VARIABLES[v]
        if f in ("prev", "increase"):
            out.append(Input(f"prev_{v}", f"p_{v}", f"上年{var.label_zh}",
                             f"last year's {var.label_en}", var.kind, f"p_{v} IS NULL",
                             "prev", v))
        elif f in ("first_time_exceeds", "first_time"):
            missing = f"(hmiss_{v} IS NULL OR hmiss_{v} > 0)"
            if var.kind == "bool":
                out.append(Input(f"ever_before_{v}", f"(hmax_{v} = 1)", f"往年曾为{var.label_zh}",
                                 f"earlier {var.label_en}", "bool", missing, "history", v))
            else:
                out.append(Input(f"earlier_max_{v}", f"hmax_{v}", f"往年最高{var.label_zh}",
                                 f"earlier highest {var.label_en}", var.kind, missing,
                                 "history", v))
    for f, code in usage.codes:
        d = designations()[code]
        if f == "newly_designated":
            out.append(Input(f"first_granted_{code}", f"dfirst_{code}",
                             f"首次认定{d['name_zh']}年份", f"first year of {d['name_en']}",
                             "year", None))
        elif f == "entered":
            out.append(Input(f"entered_{code}",
                             f"(COALESCE(dnew_{code}, FALSE) AND NOT COALESCE(dprev_{code}, FALSE))",
                             f"本年入选{d['name_zh']}且上年不在其中",
                             f"entered {d['name_en']} this year, not on it last year",
                             "bool", None))
        else:
            out.append(Input(f"holds_{code}", f"COALESCE(dheld_{code}, FALSE)",
                             f"持有{d['name_zh']}", f"holds {d['name_en']}", "bool", None))
    seen, unique = set(), []
    for i in out:
        if i.key not in seen:
            seen.add(i.key)
            unique.append(i)
    return unique


class Explainer:
    """SQL for the explanation columns of one policy, given its status/tier columns."""

    def __init__(self, dialect: SqlDialect, policy: Policy, inputs: list[Input],
                 gap_sql: list[tuple[Tier, str, str, str, str, str | None, bool] | None],
                 amount_inputs: list[Input] = (), assumptions: dict | None = None,
                 pack_root=None, sources: dict | None = None):
        self.d, self.p, self.inputs, self.gaps = dialect, policy, inputs, gap_sql
        self.amount_inputs = list(amount_inputs)
        self.assumptions, self.pack_root = assumptions or {}, pack_root
        # seed file -> {title, outlet, date} (pack.yaml `sources`): a reader sees the article.
        self.sources = sources or {}

    def describe(self, node: Node, lang: str) -> str:
        return describe(node, lang, self.assumptions, self.pack_root)

    def fmt(self, sql: str, kind: str, lang: str, var: str = "") -> str:
        d = self.d
        words = value_labels(var, self.pack_root) if kind == "text" and var else {}
        if words:
            # A stored code reads as its word (private -> 民营); an unknown code as itself.
            whens = " ".join(f"WHEN {d.quote_text(code)} THEN "
                             f"{d.quote_text(zh if lang == 'zh' else en)}"
                             for code, (zh, en) in words.items())
            sql = f"(CASE {d.as_text(sql)} {whens} ELSE {d.as_text(sql)} END)"
        if kind == "money":
            return d.fmt_money(sql, lang)
        if kind == "bool":
            yes, no = ("是", "否") if lang == "zh" else ("yes", "no")
            missing = d.quote_text("缺失" if lang == "zh" else "missing")
            return (f"(CASE WHEN {sql} IS NULL THEN {missing}"
                    f" WHEN {sql} THEN '{yes}' ELSE '{no}' END)")
        if kind == "year":
            none = "无" if lang == "zh" else "none"
            return f"COALESCE({d.as_text(sql)}, {d.quote_text(none)})"
        if kind == "text":
            missing = d.quote_text("缺失" if lang == "zh" else "missing")
            return f"COALESCE({d.as_text(sql)}, {missing})"
        return d.fmt_number(sql, lang)

    def values(self, lang: str) -> str:
        d = self.d
        if not self.inputs:
            return "''"
        parts = [d.concat([d.quote_text((i.label_zh if lang == "zh" else i.label_en) + "="),
                           self.fmt(i.sql, i.kind, lang, i.var)]) for i in self.inputs]
        head = "所用数据：" if lang == "zh" else "Values used: "
        end = "。" if lang == "zh" else ". "
        return d.concat([d.quote_text(head), d.concat_ws("；" if lang == "zh" else "; ", parts),
                         d.quote_text(end)])

    def missing_item(self, i: Input, lang: str) -> str:
        """What to collect, with its years: 2022年研发投入, 2019–2021年营业收入."""
        d, zh = self.d, lang == "zh"
        if i.when == "":
            return d.quote_text(i.label_zh if zh else i.label_en)
        label = _lab(i.var, lang)
        if i.when in ("current", "prev"):
            year = d.as_text("{year}" if i.when == "current" else "({year} - 1)")
            return (d.concat([year, d.quote_text("年" + label)]) if zh
                    else d.concat([d.quote_text(label + " for "), year]))
        years = d.years_text(d.missing_years("hstart", "{year}", f"hyears_{i.var}"), lang)
        unknown_start = d.quote_text(f"往年{label}（成立日期不详，无从确定应有哪些年份）" if zh
                                     else f"earlier {label} (founding date unknown, so the "
                                          "years due are unknown)")
        known_start = (d.concat([years, d.quote_text("年" + label)]) if zh
                       else d.concat([d.quote_text(label + " for "), years]))
        return f"(CASE WHEN hmiss_{i.var} IS NULL THEN {unknown_start} ELSE {known_start} END)"

    def missing(self, lang: str, inputs: list[Input] | None = None) -> str:
        d = self.d
        parts = [f"(CASE WHEN {i.missing_sql} THEN {self.missing_item(i, lang)} END)"
                 for i in (self.inputs if inputs is None else inputs) if i.missing_sql]
        if not parts:
            return d.quote_text("相关数据" if lang == "zh" else "some inputs")
        return d.concat_ws("、" if lang == "zh" else ", ", parts)

    def citation(self, lang: str) -> str:
        return self.d.quote_text(self.citation_text(lang))

    def citation_text(self, lang: str) -> str:
        c = self.p.citations[0]
        s = self.sources.get(c.seed, {})
        where = ("，" if lang == "zh" else ", ").join(x for x in (
            f"《{s['title']}》" if s.get("title") else "",
                                      s.get("outlet", ""), str(s.get("date", ""))) if x)
        where = where or ("政策原文" if lang == "zh" else "policy text")
        return (f"依据：「{c.quote}」（{where}）" if lang == "zh"
                else f"Source: \u201c{c.quote}\u201d ({where})")

    def no_tier_text(self, lang: str) -> str:
        """Why a miss is a miss when no tier has a threshold to measure a gap against."""
        words = "；".join(self.describe(t.when, lang) for t in self.p.tiers) if lang == "zh" \
            else "; ".join(self.describe(t.when, lang) for t in self.p.tiers)
        return (f"未满足任一档位条件（{words}）" if lang == "zh"
                else f"meets no tier ({words})")

    def rule_text(self, lang: str) -> str:
        """The rule (eligibility and trigger) in words, for a row that does not meet it."""
        rule = [self.describe(n, lang) for n in (self.p.eligibility, self.p.trigger)
                if n is not None]
        return ("且".join(rule) if lang == "zh" else " and ".join(rule)) or "—"

    def nearest(self, lang: str) -> str:
        """'营业收入还差 12.3亿元达到 100亿元 档' for the tier with the smallest gap."""
        d = self.d
        gaps = [g for g in self.gaps if g is not None]
        if not gaps:
            return d.quote_text(self.no_tier_text(lang))
        smallest = d.least_skip_null([g[1] for g in gaps])
        cases = []
        for tier, gap, var, thr_zh, thr_en, _, strict in gaps:
            var_label = _lab(var, lang)
            if lang == "zh":
                msg = d.concat([d.quote_text(f"{var_label}还差 "), self.fmt(gap, 'money', lang)
                                if variable(var).kind == "money" else d.fmt_number(gap, lang),
                                d.quote_text(f"达到 {thr_zh} 档（{tier.label_zh}）")])
            else:
                msg = d.concat([d.quote_text(f"{var_label} is "), self.fmt(gap, 'money', lang)
                                if variable(var).kind == "money" else d.fmt_number(gap, lang),
                                d.quote_text(f" short of the {thr_en} tier ({tier.label_en})")])
            if strict:
                # At exactly the threshold there is no gap to close: 超 means strictly more.
                equal = d.quote_text(
                    f"{var_label}恰为 {thr_zh}，与门槛相等；「超」须严格大于 {thr_zh}，"
                    f"故未达到「{tier.label_zh}」" if lang == "zh" else
                    f"{var_label} equals {thr_en}, the threshold; \u201cabove\u201d means "
                    f"strictly more, so the tier \u201c{tier.label_en}\u201d is not reached")
                msg = f"(CASE WHEN {gap} = 0 THEN {equal} ELSE {msg} END)"
            cases.append(f"WHEN {gap} = {smallest} THEN {msg}")
        for tier, _, var, thr_zh, thr_en, already, _strict in gaps:  # highest tier first
            if already is None:
                continue
            earlier = self.fmt(f"hmax_{var}", "money", lang) \
                if variable(var).kind == "money" else d.fmt_number(f"hmax_{var}", lang)
            if lang == "zh":
                msg = d.concat([d.quote_text(f"{_lab(var, lang)}已于往年超过 {thr_zh}（往年最高 "),
                                earlier, d.quote_text(f"），不属首次，{tier.label_zh}档不适用")])
            else:
                msg = d.concat([d.quote_text(f"{_lab(var, lang)} already passed {thr_en} in an "
                                             "earlier year (earlier highest "), earlier,
                                d.quote_text(f"), so the tier \u201c{tier.label_en}\u201d "
                                             "does not apply")])
            cases.append(f"WHEN {already} THEN {msg}")
        fallback = d.quote_text("未达到任一档位" if lang == "zh" else "reaches no tier")
        return f"(CASE {' '.join(cases)} ELSE {fallback} END)"

    def sentence(self, lang: str, status: str, tier_label: str, amount: str, raw: str,
                 cap: str, cap_bound: str, elig: str) -> str:
        """The whole explanation for a row; the arguments are SQL column expressions."""
        d, p, zh = self.d, self.p, lang == "zh"
        title = d.quote_text(p.title_zh + "：" if zh else p.title_en + ": ")
        rule_text = self.rule_text(lang)
        if p.tiers:
            money = lambda s: self.fmt(s, "money", lang)  # noqa: E731
            bound = d.concat([d.quote_text("（计算值 " if zh else " (computed "), money(raw),
                              d.quote_text("，受上限 " if zh else ", bound by the cap of "),
                              money(cap), d.quote_text(" 约束）" if zh else ")")])
            unbound = d.concat([d.quote_text("（上限 " if zh else " (cap "), money(cap),
                                d.quote_text("）" if zh else ")")])
            got = d.concat([d.quote_text("达到「" if zh else "reaches tier \u201c"), tier_label,
                            d.quote_text("」，奖励 " if zh else "\u201d, award "), money(amount),
                            f"(CASE WHEN {cap_bound} THEN {bound} ELSE {unbound} END)",
                            d.quote_text("。" if zh else ". ")])
            miss = d.concat([self.nearest(lang), d.quote_text("。" if zh else ". ")])
        else:
            got = d.quote_text("符合条件。" if zh else "applies. ")
            miss = d.quote_text("不符合条件。" if zh else "does not apply. ")
        not_rule = d.quote_text(f"不符合条件（{rule_text}）。" if zh
                                 else f"does not meet the rule ({rule_text}). ")
        insufficient = d.concat([d.quote_text("数据不足，无法判断：缺少" if zh
                                              else "insufficient data: missing "),
                                 self.missing(lang), d.quote_text("。" if zh else ". ")])
        pending = d.concat([
            d.quote_text("符合条件" if zh else "qualifies"),
            (d.concat([d.quote_text("，达到「" if zh else " for tier \u201c"), tier_label,
                       d.quote_text("」" if zh else "\u201d")]) if p.tiers else "''"),
            d.quote_text("；奖励金额待定，需补充" if zh else "; the amount is pending: collect "),
            self.missing(lang, self.amount_inputs),
            d.quote_text("，补齐后重新测算。" if zh else ", then run again. ")])
        body = (f"(CASE WHEN {status} = 'eligible' THEN {got} "
                f"WHEN {status} = 'amount_pending' THEN {pending} "
                f"WHEN {status} = 'insufficient_data' THEN {insufficient} "
                f"WHEN {elig} IS FALSE THEN {not_rule} ELSE {miss} END)")
        return d.concat([title, body, self.values(lang), self.citation(lang)])
