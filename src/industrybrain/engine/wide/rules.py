"""A policy's folded AST compiled, once, into numpy functions over the wide columns.

The semantics are ``sqlexpr.ExprCompiler``'s and ``compile.policy_sql``'s, operation by
operation (three-valued logic in :mod:`.logic`): the history functions read the columns of
:mod:`.columns` (no self-join, no sort), tiers are picked as the SQL picks them ('highest':
the first true tier with every tier above it known false; 'all': every true tier, unknown
if any is unknown), amounts are rounded down to whole 元, kept >= 0 and <= the tier's cap.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from ..compile import folded
from ..errors import RangeError, formula_places
from ..explain import gap_atom
from ..expr import Arith, Bool, Call, Compare, If, Logic, Name, Neg, Node, Not, Num, Str, walk
from ..expr import children as children_of
from ..model import Pack, Policy
from . import logic as L
from .columns import Wide
from .logic import TRUE, Col

# Status codes: the order of compile.STATUSES.
ELIGIBLE, PENDING, NOT_ELIGIBLE, INSUFFICIENT = 0, 1, 2, 3
S = np.arange(4, dtype=np.int8)  # the codes as int8 scalars: np.where keeps int8
# Amounts are computed on a cut of the rows that need them when those are fewer than one in
# this many enterprises; otherwise over every row (cutting the columns would cost more).
_DENSE_SHARE = 4

Fn = Callable[["Ctx"], Col]


class Ctx:
    """One evaluation: the wide columns and the values of lets already computed."""

    def __init__(self, wide: Wide):
        self.wide = wide
        self.memo: dict = {}


def repeated(nodes: list[Node | None], lets: Mapping[str, Node]) -> set[Node]:
    """The compound sub-expressions met more than once in a policy (``round_down(score,
    0.1%)`` in each tier's amount): computed once per run. Nodes compare by structure."""
    seen: dict[Node, int] = {}

    def visit(node: Node) -> None:
        if isinstance(node, (Num, Str, Bool, Name)):
            return
        seen[node] = seen.get(node, 0) + 1
        for child in children_of(node):  # every occurrence: a repeat may read the cap
            visit(child)
    for node in [*nodes, *lets.values()]:
        if node is not None:
            visit(node)
    return {n for n, count in seen.items() if count > 1 and not any(
        isinstance(x, Name) and x.name == "cap" for x in walk(n))}


class Compiler:
    def __init__(self, lets: Mapping[str, Node], assumptions: Mapping[str, Node],
                 extra: Mapping[str, Col] | None = None, key: str = "",
                 shared: set[Node] = frozenset()):
        self.lets, self.assumptions = lets, assumptions
        self.extra = dict(extra or {})
        self.key = key  # names the lets' memo entries (policy and cap)
        self.shared = shared

    def with_cap(self, cap: int, key: str) -> Compiler:
        return Compiler(self.lets, self.assumptions,
                        {**self.extra, "cap": L.number(Decimal(cap))}, key, self.shared)

    def __call__(self, node: Node) -> Fn:
        fn = self.compile(node)
        if node not in self.shared or self._reads_cap(node):
            return fn

        def once(ctx: Ctx) -> Col:
            if node not in ctx.memo:
                ctx.memo[node] = fn(ctx)
            return ctx.memo[node]
        return once

    def compile(self, node: Node) -> Fn:
        c = self
        if isinstance(node, Num):
            value = L.number(node.value)
            return lambda ctx: value
        if isinstance(node, Str):
            text = Col(node.value, TRUE, "text")
            return lambda ctx: text
        if isinstance(node, Bool):
            value = L.const_bool(node.value)
            return lambda ctx: value
        if isinstance(node, Name):
            return self.name(node.name)
        if isinstance(node, Neg):
            f = c(node.operand)
            return lambda ctx: L.neg(f(ctx))
        if isinstance(node, Not):
            f = c(node.operand)
            return lambda ctx: L.not_(f(ctx))
        if isinstance(node, Logic):
            a, b = c(node.left), c(node.right)
            op = L.and_ if node.op == "and" else L.or_
            return lambda ctx: op(a(ctx), b(ctx))
        if isinstance(node, Compare):
            a, b, op = c(node.left), c(node.right), node.op
            return lambda ctx: L.compare(op, a(ctx), b(ctx))
        if isinstance(node, Arith):
            a, b = c(node.left), c(node.right)
            if node.op == "/":
                return lambda ctx: L.divide(a(ctx), b(ctx))
            if node.op == "*":
                return lambda ctx: L.mul(a(ctx), b(ctx))
            sign = 1 if node.op == "+" else -1
            return lambda ctx: L.add(a(ctx), b(ctx), sign)
        if isinstance(node, If):
            cond, then, other = c(node.cond), c(node.then), c(node.otherwise)
            return lambda ctx: L.choose(cond(ctx), then(ctx), other(ctx))
        if isinstance(node, Call):
            return self.call(node)
        raise TypeError(f"cannot compile {node!r}")

    def name(self, name: str) -> Fn:
        if name in self.extra:
            value = self.extra[name]
            return lambda ctx: value
        if name in self.lets:
            body = self(self.lets[name])
            # Computed once per run, or once per tier when it reads the tier's cap.
            key = (self.key if self._reads_cap(self.lets[name]) else "", name)

            def let(ctx: Ctx) -> Col:
                # A let read twice (score, then its tiers) is computed once per run.
                if key not in ctx.memo:
                    ctx.memo[key] = body(ctx)
                return ctx.memo[key]
            return let
        if name in self.assumptions:
            return self(self.assumptions[name])
        column = f"v_{name}"
        return lambda ctx: ctx.wide.cols[column]

    def _reads_cap(self, node: Node, seen: frozenset[str] = frozenset()) -> bool:
        for x in walk(node):
            if isinstance(x, Name) and x.name == "cap":
                return True
            if isinstance(x, Name) and x.name in self.lets and x.name not in seen:
                if self._reads_cap(self.lets[x.name], seen | {x.name}):
                    return True
        return False

    def call(self, node: Call) -> Fn:
        f, args = node.func, node.args
        if f in ("newly_designated", "holds", "entered"):
            codes = [a.name if isinstance(a, Name) else a.value  # type: ignore[union-attr]
                     for a in args]
            if f == "holds":
                return lambda ctx: Col(ctx.wide.dheld[codes[0]], TRUE, "bool")
            if f == "entered":
                return lambda ctx: Col(ctx.wide.dnew[codes[0]] & ~ctx.wide.dprev[codes[0]],
                                       TRUE, "bool")

            def newly(ctx: Ctx) -> Col:
                first = ctx.wide.dfirst[codes[0]]
                for code in codes[1:]:
                    first = np.minimum(first, ctx.wide.dfirst[code])
                return Col(first == ctx.wide.year, TRUE, "bool")
            return newly
        if f in ("first_time_exceeds", "first_time", "prev", "increase", "has_history"):
            var = args[0].name  # type: ignore[union-attr]
            cur, prev, hmax = f"v_{var}", f"p_{var}", f"hmax_{var}"
            if f == "prev":
                return lambda ctx: ctx.wide.cols[prev]
            if f == "increase":
                return lambda ctx: L.add(ctx.wide.cols[cur], ctx.wide.cols[prev], -1)
            if f == "has_history":
                return lambda ctx: Col(ctx.wide.hany[var], TRUE, "bool")
            if f == "first_time":
                def first_time(ctx: Ctx) -> Col:
                    now, h = ctx.wide.cols[cur], ctx.wide.cols[hmax]
                    gap = ctx.wide.hgap[var]
                    before = h.k & (h.v == 1)
                    return Col(now.v & ~before & ~gap, now.k & (~now.v | before | ~gap), "bool")
                return first_time
            threshold = self(args[1])

            def first_time_exceeds(ctx: Ctx) -> Col:
                now, h, t = ctx.wide.cols[cur], ctx.wide.cols[hmax], threshold(ctx)
                gap = ctx.wide.hgap[var]
                known = now.k & t.k
                decided_false = L.compare("<=", now, t).v | L.compare(">", h, t).v
                return Col(known & ~decided_false & ~gap, known & (decided_false | ~gap),
                           "bool", bad=t.bad)
            return first_time_exceeds
        parts = [self(a) for a in args]
        if f == "min":
            return lambda ctx: L.extreme([p(ctx) for p in parts], largest=False)
        if f == "max":
            return lambda ctx: L.extreme([p(ctx) for p in parts], largest=True)
        if f == "clip":
            x, lo, hi = parts
            return lambda ctx: L.extreme(
                [L.extreme([x(ctx), lo(ctx)], largest=True), hi(ctx)], largest=False)
        if f == "abs":
            return lambda ctx: L.abs_(parts[0](ctx))
        if f == "round_down":
            return lambda ctx: L.round_down(parts[0](ctx), parts[1](ctx))
        if f == "coalesce":
            return lambda ctx: L.coalesce(parts[0](ctx), parts[1](ctx))
        if f == "is_known":
            def is_known(ctx: Ctx) -> Col:
                x = parts[0](ctx)
                return Col(np.asarray(x.k), TRUE, "bool", bad=x.bad)
            return is_known
        raise TypeError(f"no numpy for function {f}")


@dataclass
class Decision:
    """One policy's decisions for every enterprise (arrays of the wide table's length)."""

    status: np.ndarray  # int8, see ELIGIBLE..INSUFFICIENT
    tier: np.ndarray  # int16: index into Rule.tier_names (-1: no tier)
    amount: np.ndarray  # int64 元, meaningful where status == ELIGIBLE and tiers exist
    cap_bound: np.ndarray  # bool, meaningful where status == ELIGIBLE
    near: np.ndarray  # bool: within near_miss of some tier's threshold


class Rule:
    """A compiled policy."""

    def __init__(self, pack: Pack, policy: Policy):
        policy = folded(pack, policy)
        self.id = policy.id
        self.label, self.file = policy.title_zh, policy.file
        self.cond_places, self.when_places, self.amount_places = formula_places(policy)
        self.selection = policy.tier_selection
        self.tier_ids = tuple(t.id for t in policy.tiers)
        self.caps = tuple(int(t.cap) for t in policy.tiers)
        assumptions = {a: pack.assumptions[a].value for a in policy.assumptions}
        shared = repeated([policy.eligibility, policy.trigger, *(t.when for t in policy.tiers),
                           *(t.amount or policy.amount for t in policy.tiers)], policy.lets)
        c = Compiler(policy.lets, assumptions, key=policy.id, shared=shared)
        self.conds = [c(n) for n in (policy.eligibility, policy.trigger) if n is not None]
        self.whens, self.amounts, self.near = [], [], []
        for i, t in enumerate(policy.tiers):
            self.whens.append(c(t.when))
            ci = c.with_cap(t.cap, f"{policy.id}#{i}")
            self.amounts.append(ci(t.amount if t.amount is not None else policy.amount))
            atom = gap_atom(t.when)
            if atom is not None:
                var, thr, strict = atom
                self.near.append((f"v_{var}", c(thr), strict))
        if self.selection == "all":
            # Every combination of true tiers is a tier text ('a+b'); index = bit mask - 1.
            self.tier_names = tuple(
                "+".join(tid for j, tid in enumerate(self.tier_ids) if mask >> j & 1)
                for mask in range(1, 2 ** len(self.tier_ids))) if len(self.tier_ids) <= 8 \
                else None
        else:
            self.tier_names = self.tier_ids

    def decide(self, ctx: Ctx, near_miss: float = 0.2) -> Decision:
        n = ctx.wide.n
        ctx.memo.clear()  # what one policy computed is of no use to the next
        elig = L.const_bool(True)
        for cond, place in zip(self.conds, self.cond_places, strict=True):
            value = cond(ctx)
            self.refuse(ctx, value.bad, place)
            elig = L.and_(elig, value)
        elig_t = np.broadcast_to(elig.v, n)
        elig_f = np.broadcast_to(L.is_false(elig), n)
        near = self._near(ctx, near_miss, n)
        if not self.whens:
            status = np.where(elig_f, S[NOT_ELIGIBLE], np.where(elig_t, S[ELIGIBLE],
                                                                 S[INSUFFICIENT]))
            # No tier, no amount, never bound: read-only views of one value, no memory.
            return Decision(status, np.broadcast_to(np.int16(-1), n),
                            np.broadcast_to(np.int64(0), n), np.broadcast_to(False, n), near)
        conds = [self._full(w(ctx), n) for w in self.whens]
        for c, place in zip(conds, self.when_places, strict=True):
            self.refuse(ctx, c.bad, place)
        if self.selection == "highest":
            pick = np.full(n, -1, np.int16)
            above_false = np.ones(n, bool)
            for i, c in enumerate(conds):
                pick = np.where(above_false & c.v, np.int16(i), pick)
                above_false &= c.k & ~c.v
            reached, all_false = pick >= 0, above_false
            tier = pick
        else:
            none_null = np.ones(n, bool)
            all_false = np.ones(n, bool)
            mask = np.zeros(n, np.int64)
            for i, c in enumerate(conds):
                none_null &= c.k
                all_false &= c.k & ~c.v
                mask |= c.v.astype(np.int64) << i
            reached = none_null & ~all_false
            tier = (mask - 1).astype(np.int16)
        # The amount is read only where the enterprise is eligible and reaches a tier (the
        # status is then eligible or amount pending). It is computed where the enterprise is
        # eligible and some tier holds (the SQL computes a tier's raw amount there, and
        # refuses a value past its range there: the same rows are refused here), on those
        # rows' columns alone when they are few (a policy's winners are a small share of a
        # city).
        amount = np.zeros(n, np.int64)
        bound = np.zeros(n, bool)
        amount_known = np.zeros(n, bool)
        need = elig_t & reached
        some = conds[0].v if len(conds) == 1 else np.logical_or.reduce([c.v for c in conds])
        rows = np.flatnonzero(elig_t & some)
        if len(rows) * _DENSE_SHARE >= n:
            rows = None
        sub = ctx if rows is None else Ctx(ctx.wide.rows(rows))
        cut = (lambda x: x) if rows is None else (
            lambda x: x if np.ndim(x) == 0 else x[rows])
        m = n if rows is None else len(rows)
        raws = [a(sub) for a in self.amounts]
        for raw, c, place in zip(raws, conds, self.amount_places, strict=True):
            if raw.bad is not None:  # refused where the SQL computes it: eligible, tier holds
                self.refuse(sub, L.only_where(raw.bad, cut(elig_t & c.v)), place)
        amts = []
        for i, (raw, cap) in enumerate(zip(raws, self.caps, strict=True)):
            money = L.to_money(raw)
            if money.bad is not None:  # cast to 元 where the tier is picked (every true tier)
                paid = pick == i if self.selection == "highest" else conds[i].v
                self.refuse(sub, L.only_where(money.bad, cut(elig_t & paid)),
                            self.amount_places[i])
            amts.append((np.minimum(np.maximum(money.v, 0), cap), money.k))
        caps = [L.number(Decimal(cap)) for cap in self.caps]
        got = np.zeros(m, np.int64)
        got_bound = np.zeros(m, bool)
        if self.selection == "highest":
            got_known = np.zeros(m, bool)
            p = cut(pick)
            for i, (a, k) in enumerate(amts):
                here = p == i
                got = np.where(here, a, got)
                got_known |= here & k
                got_bound |= here & L.compare(">", raws[i], caps[i]).v
        else:
            got_known = np.ones(m, bool)
            for i, (c, (a, k)) in enumerate(zip(conds, amts, strict=True)):
                cv = cut(c.v)
                got = got + np.where(cv, a, 0)
                got_known &= ~cv | k
                got_bound |= cv & L.compare(">", raws[i], caps[i]).v
        if rows is None:
            amount, bound, amount_known = got, got_bound, got_known & need
        else:
            amount[rows], bound[rows], amount_known[rows] = got, got_bound, got_known
        # compile.policy_sql's CASE, in its order: not eligible first.
        status = np.where(elig_f | all_false, S[NOT_ELIGIBLE], np.where(
            elig_t & reached, np.where(amount_known, S[ELIGIBLE], S[PENDING]),
            S[INSUFFICIENT]))
        return Decision(status, tier, amount, bound, near)

    def refuse(self, ctx: Ctx, bad, place: tuple[str, str, int]) -> None:
        """Raise :class:`RangeError` for the first enterprise whose value DuckDB refuses."""
        found = L.first_bad(bad)
        if found is None or not ctx.wide.n:
            return
        row, value, limit = found
        part, key, line = place
        raise RangeError(self.id, self.label, int(ctx.wide.ids[min(row, ctx.wide.n - 1)]),
                         value, part=part, limit=limit, file=self.file, line=line, key=key)

    @staticmethod
    def _full(c: Col, n: int) -> Col:
        return Col(np.broadcast_to(c.v, n), np.broadcast_to(c.k, n), c.t, bad=c.bad)

    def _near(self, ctx: Ctx, near_miss: float, n: int) -> np.ndarray:
        """``compile.policy_sql``'s near flag: the current value is below some tier's
        threshold by at most ``near_miss`` of it."""
        if not self.near:
            return np.broadcast_to(False, n)
        near = np.zeros(n, bool)
        share = Col(np.float64(near_miss), TRUE, "float")
        for column, thr_fn, strict in self.near:
            cur, thr = ctx.wide.cols[column], thr_fn(ctx)
            below = L.compare("<=" if strict else "<", cur, thr)
            gap = L.add(thr, cur, -1)
            close = L.compare("<=", gap, L.mul(share, thr))
            near |= np.broadcast_to(below.v & close.v, n)
        return near
