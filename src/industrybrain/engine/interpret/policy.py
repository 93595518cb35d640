"""One policy, compiled once into closures: its status, tier, amount, cap flag, explanations
and inputs JSON for one enterprise, exactly as ``compile.policy_sql`` writes its row with
``explain="all"`` (the same CASEs in the same order, the same words, the same bytes).
"""

from __future__ import annotations

from ..compile import policy_usage
from ..errors import formula_places
from ..explain import Explainer, Input, _lab, describe, gap_atom, inputs_of
from ..expr import Call, Name
from ..model import Pack
from ..sqlexpr import SqlDialect
from ..vocab import value_labels, variable
from . import values as V
from .rules import Compiler, cast_fn, column, compare, var_type
from .values import INT

ELIGIBLE, PENDING = "eligible", "amount_pending"
NOT_ELIGIBLE, INSUFFICIENT = "not_eligible", "insufficient_data"


class _Gap:
    """A tier with a threshold: how far the enterprise is below it (``g<i>`` in the SQL) and
    whether an earlier year already passed it (``x<i>``)."""

    def __init__(self, c: Compiler, tier, var: str, thr_node, strict: bool,
                 assumptions: dict, first_time: bool):
        self.tier, self.var, self.strict = tier, var, strict
        cur = (column(f"v_{var}"), var_type(var))
        thr = c(thr_node)
        below = compare("<=" if strict else "<", cur, thr)
        typ = V.common([thr[1], cur[1]])
        ft, fc = cast_fn(thr[0], thr[1], typ), cast_fn(cur[0], cur[1], typ)

        def gap(b):
            if not below(b):  # unknown or not below: no gap
                return None
            return V.checked(ft(b) - fc(b), typ)
        self.gap, self.type = gap, typ
        self.already = compare(">", (column(f"hmax_{var}"), var_type(var)), thr) \
            if first_time else None
        # An assumption as threshold is shown by its value (2000万元), not its name.
        while isinstance(thr_node, Name) and thr_node.name in assumptions:
            thr_node = assumptions[thr_node.name]
        self.thr = {"zh": describe(thr_node, "zh"), "en": describe(thr_node, "en")}
        self.money = variable(var).kind == "money"


def _columns(usage) -> tuple[str, ...]:
    """The base columns a policy's closures read (engine/interpret/firm.py names them): all
    that its row depends on, so a row can be written again from them alone."""
    cols = [f"v_{v}" for v in usage.variables]
    for f, v in usage.history:
        if f in ("prev", "increase"):
            cols.append(f"p_{v}")
        else:
            cols += [f"hmax_{v}", f"hcnt_{v}", f"hyears_{v}", f"hmiss_{v}", "hstart"]
    for f, code in usage.codes:
        cols += [f"dfirst_{code}", f"dheld_{code}"]
        if f == "entered":
            cols += [f"dnew_{code}", f"dprev_{code}"]
    return tuple(dict.fromkeys(cols))


def _label(i: Input, lang: str) -> str:
    return i.label_zh if lang == "zh" else i.label_en


def _at(place: tuple[str, str, int], fn, b: dict):
    """``fn(b)``, a refusal marked with the formula it came from."""
    try:
        return fn(b)
    except V.Refused as refused:
        refused.place = place
        raise


class Policy:
    def __init__(self, pack: Pack, policy, year: int):
        """``policy`` folded already (``compile.folded``)."""
        self.id = policy.id
        self.label, self.file = policy.title_zh, policy.file
        self.cond_places, self.when_places, self.amount_places = formula_places(policy)
        assumptions = {a: pack.assumptions[a].value for a in policy.assumptions}
        c = Compiler(year, policy.lets, assumptions)
        self.year = year
        self.conds = [c(n)[0] for n in (policy.eligibility, policy.trigger) if n is not None]
        self.tiers = policy.tiers
        self.highest = policy.tier_selection == "highest"
        self.whens, self.amounts, self.caps, gaps = [], [], [], []
        for t in policy.tiers:
            self.whens.append(c(t.when)[0])
            amount = t.amount if t.amount is not None else policy.amount
            self.amounts.append(c.with_cap(t.cap)(amount))
            self.caps.append(int(t.cap))
            atom = gap_atom(t.when)
            if atom is not None:
                var, thr, strict = atom
                first = strict and isinstance(t.when, Call) and \
                    t.when.func == "first_time_exceeds"
                gaps.append(_Gap(c, t, var, thr, strict, assumptions, first))
        self.gaps = gaps
        types = [typ for _, typ in self.amounts]
        # The type of the SQL's raw_amount: a CASE over the tiers' amounts ('highest'), or
        # their sum with 0 for the tiers not reached ('all').
        self.raw_type = V.common(types if self.highest else [*types, INT]) if types else INT
        self.raw_casts = [V.caster(t, self.raw_type) for t in types]
        self.labels = {t.id: (t.label_zh, t.label_en) for t in policy.tiers}
        usage = policy_usage(pack, policy)
        self.columns = _columns(usage)
        self.inputs = inputs_of(usage)
        self.amount_inputs = inputs_of(policy_usage(pack, policy, amount_only=True))
        self.pack_root = pack.root
        sources = {s["seed"]: s for s in pack.meta.get("sources", []) or [] if "seed" in s}
        ex = Explainer(SqlDialect(), policy, self.inputs, [], self.amount_inputs,
                       pack.assumptions, pack.root, sources)
        self.words = {lang: {
            "title": policy.title_zh + "：" if lang == "zh" else policy.title_en + ": ",
            "rule": ex.rule_text(lang), "no_tier": ex.no_tier_text(lang),
            "citation": ex.citation_text(lang)} for lang in ("zh", "en")}
        self.readers = [self._reader(i) for i in self.inputs]
        # Words for stored text values (private -> 民营), looked up once.
        self.value_words = [value_labels(i.var, pack.root) if i.kind == "text" and i.var
                            else {} for i in self.inputs]
        self.keys = [V.json_text(i.key) for i in self.inputs]

    # --- the decision -------------------------------------------------------------------

    def decide(self, b: dict) -> dict:
        """The SQL's mid-query columns for one enterprise: elig, status, tier, amount,
        raw_amount, cap, cap_bound (before the final masking)."""
        elig = True
        for cond, place in zip(self.conds, self.cond_places, strict=True):
            v = _at(place, cond, b)  # Kleene AND, as "(a) AND (b)": both computed
            if v is False or elig is False:
                elig = False
            elif v is None:
                elig = None
        out = {"elig": elig, "tier": None, "amount": None, "raw": None, "cap": None,
               "bound": False}
        if not self.whens:
            out["status"] = INSUFFICIENT if elig is None else ELIGIBLE if elig else NOT_ELIGIBLE
            return out
        ts = [_at(place, w, b) for w, place in zip(self.whens, self.when_places, strict=True)]
        # A raw amount only where the enterprise is eligible and its tier holds (the SQL's r<i>).
        raws = [_at(place, f, b) if t is True and elig is True else None
                for t, (f, _), place in zip(ts, self.amounts, self.amount_places, strict=True)]

        def amt(i: int):
            """Tier i's amount in whole 元: DuckDB casts it only where the tier is paid."""
            r, typ = raws[i], self.amounts[i][1]
            if r is None:
                return None
            try:
                return min(max(V.floor_to_int(r, typ), 0), self.caps[i])
            except V.Refused as refused:
                refused.place = self.amount_places[i]
                raise
        all_false = all(t is False for t in ts)
        if self.highest:
            pick = None
            for i, t in enumerate(ts):
                if t is True:
                    pick = i
                    break
                if t is not False:
                    break
            reached = pick is not None
            if reached:
                r, cast = raws[pick], self.raw_casts[pick]
                out["tier"] = self.tiers[pick].id
                out["amount"] = amt(pick)
                out["raw"] = r if r is None or cast is None else cast(r)
                out["cap"] = self.caps[pick]
                out["bound"] = None if r is None else self._over(pick, r)
            else:
                out["bound"] = None
        else:
            reached = all(t is not None for t in ts) and not all_false
            out["tier"] = "+".join(t.id for t, v in zip(self.tiers, ts, strict=True) if v)
            amount, raw, cap, bound = 0, 0, 0, False
            for i, v in enumerate(ts):
                if v is True:
                    a, r, cast = amt(i), raws[i], self.raw_casts[i]
                    amount = None if amount is None or a is None else amount + a
                    try:  # the explanation's raw amount: DuckDB sums it in its type
                        raw = None if raw is None or r is None else V.checked(
                            raw + (r if cast is None else cast(r)), self.raw_type)
                    except V.Refused as refused:
                        refused.place = self.amount_places[i]
                        raise
                    cap += self.caps[i]
                # Kleene: (t_i AND r_i > cap_i), OR'd over the tiers
                over = None if raws[i] is None else self._over(i, raws[i])
                if v is False or over is False:
                    over = False
                elif v is None:
                    over = None
                if over is True or bound is True:
                    bound = True
                elif over is None or bound is None:
                    bound = None
            if self.raw_type[0] == "float" and raw is not None:
                raw = float(raw)
            out.update(amount=amount, raw=raw, cap=cap, bound=bound)
        if elig is False or all_false:
            status = NOT_ELIGIBLE
        elif elig is True and reached and out["amount"] is not None:
            status = ELIGIBLE
        elif elig is True and reached:
            status = PENDING
        else:
            status = INSUFFICIENT
        out["status"] = status
        return out

    def _over(self, i: int, raw) -> bool:
        """``r<i> > cap`` in their common type."""
        typ = self.amounts[i][1]
        cap = self.caps[i]
        if typ[0] == "float":
            return raw > float(cap)
        if typ[0] == "dec":
            return raw > cap * 10 ** typ[1]
        return raw > cap

    def row(self, b: dict) -> tuple:
        """(status, tier, amount_yuan, cap_bound, explanation_zh, explanation_en, inputs)."""
        d = self.decide(b)
        status = d["status"]
        values = [read(b) for read in self.readers]
        paid = status == ELIGIBLE
        return (status, d["tier"] if status in (ELIGIBLE, PENDING) else None,
                d["amount"] if paid else None, (d["bound"] is True) if paid else None,
                self.sentence("zh", b, d, values), self.sentence("en", b, d, values),
                self.json(values))

    # --- words ---------------------------------------------------------------------------

    def _reader(self, i: Input):
        """The value of one input from the base columns (the Input's SQL, read in Python)."""
        sql = i.sql
        if sql.startswith("(hmax_"):
            name = sql[1:].split(" ")[0]
            return lambda b: None if b[name] is None else b[name] == 1
        if sql.startswith("(COALESCE(dnew_"):
            code = i.key[len("entered_"):]
            new, prev = f"dnew_{code}", f"dprev_{code}"
            return lambda b: b[new] is True and b[prev] is not True
        if sql.startswith("COALESCE(dheld_"):
            held = f"dheld_{i.key[len('holds_'):]}"
            return lambda b: b[held] is True
        return column(sql)

    def json(self, values: list) -> str:
        if not self.inputs:
            return "{}"
        return "{" + ",".join(f"{k}:{V.json_value(v, i.kind)}" for k, v, i in
                              zip(self.keys, values, self.inputs, strict=True)) + "}"

    def fmt(self, value, kind: str, lang: str, words: dict) -> str:
        """``Explainer.fmt`` of a value of an input's kind."""
        zh = lang == "zh"
        if kind == "text":
            if value is not None and value in words:
                value = words[value][0 if zh else 1]
            return ("缺失" if zh else "missing") if value is None else value
        if kind == "money":
            return V.money_text(value, INT, lang)
        if kind == "bool":
            if value is None:
                return "缺失" if zh else "missing"
            return ("是" if value else "否") if zh else ("yes" if value else "no")
        if kind == "year":
            return ("无" if zh else "none") if value is None else str(value)
        return V.number_text(value, V.FLOAT if kind == "float" else INT, lang)

    def values_text(self, lang: str, values: list) -> str:
        if not self.inputs:
            return ""
        zh = lang == "zh"
        parts = [_label(i, lang) + "=" + self.fmt(v, i.kind, lang, words)
                 for i, v, words in zip(self.inputs, values, self.value_words, strict=True)]
        return (("所用数据：" if zh else "Values used: ") + ("；" if zh else "; ").join(parts)
                + ("。" if zh else ". "))

    def missing(self, lang: str, b: dict, inputs: list[Input]) -> str:
        """What to collect, with its years: 2022年研发投入、2019–2021年营业收入."""
        zh = lang == "zh"
        items, any_item = [], False
        for i in inputs:
            if not i.missing_sql:
                continue
            any_item = True
            if i.when == "history":
                hmiss = b[f"hmiss_{i.var}"]
                if hmiss is not None and hmiss <= 0:
                    continue
                items.append(self._missing_history(i, lang, b, hmiss))
            elif b[i.sql] is None:
                items.append(self._missing_item(i, lang))
        if not any_item:
            return "相关数据" if zh else "some inputs"
        return ("、" if zh else ", ").join(items)

    def _missing_item(self, i: Input, lang: str) -> str:
        zh = lang == "zh"
        if i.when == "":
            return _label(i, lang)
        label = _lab(i.var, lang)
        year = str(self.year if i.when == "current" else self.year - 1)
        return year + "年" + label if zh else label + " for " + year

    def _missing_history(self, i: Input, lang: str, b: dict, hmiss) -> str:
        zh = lang == "zh"
        label = _lab(i.var, lang)
        if hmiss is None:
            return (f"往年{label}（成立日期不详，无从确定应有哪些年份）" if zh
                    else f"earlier {label} (founding date unknown, so the years due are "
                         "unknown)")
        start, known = b["hstart"], b[f"hyears_{i.var}"]
        missing = None
        if start < self.year:
            missing = [y for y in range(start, self.year) if known is None or y not in known]
        years = V.years_text(missing, lang)
        return years + "年" + label if zh else label + " for " + years

    def nearest(self, lang: str, b: dict) -> str:
        """The tier with the smallest gap, or the one already passed in an earlier year."""
        zh = lang == "zh"
        if not self.gaps:
            return self.words[lang]["no_tier"]
        gaps = [g.gap(b) for g in self.gaps]
        typ = V.common([g.type for g in self.gaps])
        casts = [V.caster(g.type, typ) for g in self.gaps]
        known = [v if c is None else c(v) for v, c in zip(gaps, casts, strict=True)
                 if v is not None]
        smallest = min(known) if known else None
        for g, v, cast in zip(self.gaps, gaps, casts, strict=True):
            if v is None or smallest is None or (v if cast is None else cast(v)) != smallest:
                continue
            var_label, tier, thr = _lab(g.var, lang), g.tier, g.thr[lang]
            if g.strict and v == 0:
                return (f"{var_label}恰为 {thr}，与门槛相等；「超」须严格大于 {thr}，"
                        f"故未达到「{tier.label_zh}」" if zh else
                        f"{var_label} equals {thr}, the threshold; \u201cabove\u201d means "
                        f"strictly more, so the tier \u201c{tier.label_en}\u201d is not reached")
            amount = V.money_text(v, g.type, lang) if g.money else \
                V.number_text(v, g.type, lang)
            return (f"{var_label}还差 {amount}达到 {thr} 档（{tier.label_zh}）" if zh else
                    f"{var_label} is {amount} short of the {thr} tier ({tier.label_en})")
        for g in self.gaps:  # highest tier first
            if g.already is None or g.already(b) is not True:
                continue
            hmax, typ = b[f"hmax_{g.var}"], var_type(g.var)
            earlier = V.money_text(hmax, typ, lang) if g.money else \
                V.number_text(hmax, typ, lang)
            label, tier, thr = _lab(g.var, lang), g.tier, g.thr[lang]
            return (f"{label}已于往年超过 {thr}（往年最高 {earlier}），不属首次，"
                    f"{tier.label_zh}档不适用" if zh else
                    f"{label} already passed {thr} in an earlier year (earlier highest "
                    f"{earlier}), so the tier \u201c{tier.label_en}\u201d does not apply")
        return "未达到任一档位" if zh else "reaches no tier"

    def sentence(self, lang: str, b: dict, d: dict, values: list) -> str:
        zh, w, status = lang == "zh", self.words[lang], d["status"]
        tier = d["tier"]
        label = "" if tier is None else (self.labels[tier][0 if zh else 1]
                                        if tier in self.labels else tier)
        if status == ELIGIBLE:
            if self.tiers:
                money = lambda v, t=INT: V.money_text(v, t, lang)  # noqa: E731
                cap = money(d["cap"])
                if d["bound"] is True:
                    limit = (f"（计算值 {money(d['raw'], self.raw_type)}，受上限 {cap} 约束）"
                             if zh else f" (computed {money(d['raw'], self.raw_type)}, "
                                        f"bound by the cap of {cap})")
                else:
                    limit = f"（上限 {cap}）" if zh else f" (cap {cap})"
                body = (f"达到「{label}」，奖励 {money(d['amount'])}{limit}。" if zh else
                        f"reaches tier \u201c{label}\u201d, award {money(d['amount'])}{limit}. ")
            else:
                body = "符合条件。" if zh else "applies. "
        elif status == PENDING:
            need = self.missing(lang, b, self.amount_inputs)
            if zh:
                body = ("符合条件" + (f"，达到「{label}」" if self.tiers else "")
                        + f"；奖励金额待定，需补充{need}，补齐后重新测算。")
            else:
                body = ("qualifies" + (f" for tier \u201c{label}\u201d" if self.tiers else "")
                        + f"; the amount is pending: collect {need}, then run again. ")
        elif status == INSUFFICIENT:
            need = self.missing(lang, b, self.inputs)
            body = (f"数据不足，无法判断：缺少{need}。" if zh
                    else f"insufficient data: missing {need}. ")
        elif d["elig"] is False:
            body = (f"不符合条件（{w['rule']}）。" if zh
                    else f"does not meet the rule ({w['rule']}). ")
        elif self.tiers:
            body = self.nearest(lang, b) + ("。" if zh else ". ")
        else:
            body = "不符合条件。" if zh else "does not apply. "
        return w["title"] + body + self.values_text(lang, values) + w["citation"]
