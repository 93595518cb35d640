"""Compile a whole pack, once, into one SQL query over a per-year ``base`` relation.

The plan has two parts: the ``base`` query (one row per enterprise with only the features
the pack reads: this year's and last year's figures, history aggregates, designations) and
one SELECT per evaluated policy, UNION ALL'd. Both are plain SQL over the shared
:class:`~.sqlexpr.SqlDialect`, so a second backend only changes the dialect.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from .check import MONEY, Scope, Usage, check
from .explain import Explainer, describe, gap_atom, inputs_of
from .expr import Call, Name, fold
from .model import Pack, Policy
from .sqlexpr import ExprCompiler, SqlDialect
from .vocab import VARIABLES

# invalid_data is set after the SQL (see .evaluate): the enterprise's input broke the contract.
STATUSES = ("eligible", "amount_pending", "not_eligible", "insufficient_data", "invalid_data")


@dataclass(frozen=True)
class Plan:
    """A compiled pack: SQL text with placeholders filled in at run time by :meth:`sql`.

    ``{year}``; ``{near_miss}`` (share of a threshold within which a miss is "near");
    ``{explain_any}`` / ``{explain_all}`` (TRUE/FALSE: which rows get explanations);
    ``{data_since}`` (the first year the data cover, or NULL: see :func:`base_sql`).
    """

    base_sql: str
    policies_sql: str
    # The same without explanation SQL: binding a 100 KB query costs more than running the
    # rules on a small snapshot, so runs that need no words (simulation) use this one.
    bare_sql: str
    policy_ids: tuple[str, ...]
    # One SELECT per policy (what policies_sql / bare_sql UNION): Spark plans twenty small
    # queries in a fraction of the time it takes to plan their union.
    selects: tuple[str, ...] = ()
    bare_selects: tuple[str, ...] = ()
    # The base without the lists of known years that only explanations read (cheaper).
    bare_base_sql: str = ""

    def body(self, explain: str, worded: frozenset[str] | None = None) -> tuple[str, ...]:
        """The SELECT of each policy: with words (explanations, inputs) where they will be
        read, bare elsewhere. ``worded``: the policies whose rows get words (None: all)."""
        if explain == "none":
            return self.bare_selects
        if worded is None:
            return self.selects
        return tuple(s if p in worded else b for p, s, b in
                     zip(self.policy_ids, self.selects, self.bare_selects, strict=True))

    def base(self, explain: str) -> str:
        return self.bare_base_sql if explain == "none" and self.bare_base_sql else self.base_sql

    def fill(self, sql: str, year: int, explain: str = "relevant",
             near_miss: float = 0.2, data_since: int | None = None) -> str:
        if explain not in ("all", "relevant", "none"):
            raise ValueError("explain is 'all', 'relevant' or 'none'")
        since = "NULL" if data_since is None else str(int(data_since))
        values = {"{year}": str(int(year)), "{near_miss}": repr(float(near_miss)),
                  "{explain_any}": "FALSE" if explain == "none" else "TRUE",
                  "{explain_all}": "TRUE" if explain == "all" else "FALSE",
                  "{data_since}": f"CAST({since} AS INTEGER)"}
        for key, value in values.items():
            sql = sql.replace(key, value)
        return sql


def folded(pack: Pack, policy: Policy) -> Policy:
    """The policy with its assumptions substituted and constant choices folded away."""
    consts = {a: pack.assumptions[a].value for a in policy.assumptions}
    f = lambda n: None if n is None else fold(n, consts)  # noqa: E731
    return replace(
        policy, eligibility=f(policy.eligibility), trigger=f(policy.trigger),
        amount=f(policy.amount), lets={k: f(v) for k, v in policy.lets.items()},
        tiers=tuple(replace(t, when=f(t.when), amount=f(t.amount)) for t in policy.tiers))


def policy_usage(pack: Pack, policy: Policy, amount_only: bool = False) -> Usage:
    """What the policy reads; with ``amount_only``, what its amount formulas read."""
    usage = Usage()
    scope = Scope(policy.lets, {a: pack.assumptions[a].value for a in policy.assumptions},
                  extra={"cap": MONEY}, entity=policy.entity)
    nodes = (policy.amount, *(t.amount for t in policy.tiers)) if amount_only else (
        policy.eligibility, policy.trigger, policy.amount,
        *(t.when for t in policy.tiers), *(t.amount for t in policy.tiers))
    for node in nodes:
        if node is not None:
            check(node, scope, usage)
    return usage


def pack_usage(pack: Pack, policies: list[Policy]) -> Usage:
    """What the (folded) ``policies`` read together: the features every backend builds."""
    usage = Usage()
    for p in policies:
        u = policy_usage(pack, p)
        for v in u.variables:
            usage.add(usage.variables, v)
        for h in u.history:
            usage.add(usage.history, h)
        for code in u.codes:
            usage.add(usage.codes, code)
    return usage


def history_start(dialect: SqlDialect, founded_on: str) -> str:
    """The first year of an enterprise's known history: its founding year or the data's
    first year (``{data_since}``), whichever is later; NULL when neither is known.
    GREATEST skips NULLs on DuckDB and Spark alike, which is what is wanted here."""
    return (f"GREATEST(CAST({dialect.year_of(founded_on)} AS INTEGER), {{data_since}})")


def _wide(sql: str, variable: str) -> str:
    """Counts are stored as 32-bit integers (the contract); a rule's arithmetic on them must
    not overflow (``employees * employees``: DuckDB refuses it, Spark wraps it), and the
    wide backend computes in 64 bits: read them as BIGINT, as money already is."""
    return f"CAST({sql} AS BIGINT)" if VARIABLES[variable].kind == "count" else sql


def base_sql(dialect: SqlDialect, usage: Usage, years: bool = True) -> str:
    """One row per enterprise with the columns the pack reads, for the year ``{year}``.

    Known history: an enterprise's history runs from :func:`history_start` to last year;
    inside that span a year without a row is unknown exactly like a row holding a null.
    So ``hmiss_<v>`` counts the span's years without a known value (NULL: the span's start
    is unknown), ``hyears_<v>`` lists those with one (for the explanation), and ``hmax_<v>``
    is the highest value of any earlier row (a known value before the span still counts).
    Without ``years`` the lists are left out (a run without explanations never reads them).
    """
    figs = sorted({v for v in usage.variables if VARIABLES[v].source == "figures"}
                  | {v for _, v in usage.history})
    ents = sorted(v for v in usage.variables if VARIABLES[v].source == "enterprises")
    cols = ["e.enterprise_id"]
    cols += [f"{_wide(f'e.{v}', v)} AS v_{v}" for v in ents]
    if "is_chain_leader" in usage.variables:
        cols.append(f"{dialect.list_not_empty('e.chain_leader')} AS v_is_chain_leader")
    if "in_chain" in usage.variables:
        cols.append(f"{dialect.list_not_empty('e.chains')} AS v_in_chain")
    if "age_years" in usage.variables:
        cols.append(f"({{year}} - {dialect.year_of('e.founded_on')}) AS v_age_years")
    cols += [f"{_wide(f'c.{v}', v)} AS v_{v}" for v in figs]
    prevs = sorted({v for f, v in usage.history if f in ("prev", "increase")})
    cols += [f"{_wide(f'p.{v}', v)} AS p_{v}" for v in prevs]
    hist = sorted({v for f, v in usage.history
                   if f in ("first_time_exceeds", "first_time", "has_history")})
    start = history_start(dialect, "e.founded_on")
    if hist:
        cols.append(f"{start} AS hstart")
    for v in hist:
        cols += [f"h.hmax_{v}", f"h.hcnt_{v}"] + ([f"h.hyears_{v}"] if years else [])
        cols.append(f"(CASE WHEN {start} IS NULL THEN NULL ELSE "
                    f"GREATEST({{year}} - {start}, 0) - COALESCE(h.hin_{v}, 0) END) AS hmiss_{v}")
    codes = sorted({c for _, c in usage.codes})
    cols += [f"d.{k}_{c}" for c in codes for k in ("dfirst", "dheld")]
    entered = sorted({c for f, c in usage.codes if f == "entered"})
    cols += [f"d.{k}_{c}" for c in entered for k in ("dnew", "dprev")]
    sql = f"SELECT {', '.join(cols)}\nFROM enterprises e"
    if figs:
        sql += (f"\nLEFT JOIN (SELECT enterprise_id, {', '.join(figs)} FROM figures "
                f"WHERE year = {{year}}) c ON c.enterprise_id = e.enterprise_id")
    if prevs:
        sql += (f"\nLEFT JOIN (SELECT enterprise_id, {', '.join(prevs)} FROM figures "
                f"WHERE year = {{year}} - 1) p ON p.enterprise_id = e.enterprise_id")
    if hist:
        aggs = []
        for v in hist:
            val = f"CAST(f.{v} AS INTEGER)" if VARIABLES[v].kind == "bool" else _wide(f"f.{v}", v)
            inside = f"f.{v} IS NOT NULL AND f.year >= s.hstart"
            aggs += [f"MAX({val}) AS hmax_{v}", f"COUNT(f.{v}) AS hcnt_{v}",
                     f"COUNT(CASE WHEN {inside} THEN 1 END) AS hin_{v}"]
            if years:
                listed = dialect.collect_years(f"CASE WHEN {inside} THEN CAST(f.year AS BIGINT) END")
                aggs.append(f"{listed} AS hyears_{v}")
        sql += (f"\nLEFT JOIN (SELECT f.enterprise_id, {', '.join(aggs)} FROM figures f "
                f"LEFT JOIN (SELECT enterprise_id, {history_start(dialect, 'founded_on')} "
                f"AS hstart FROM enterprises) s ON s.enterprise_id = f.enterprise_id "
                f"WHERE f.year < {{year}} GROUP BY f.enterprise_id) h "
                f"ON h.enterprise_id = e.enterprise_id")
    if codes:
        aggs = []
        for code in codes:
            q = dialect.quote_text(code)
            first = f"MIN(CASE WHEN code = {q} THEN granted_on END)"
            # Only grants up to this year count: a later grant is not yet known in year Y.
            first = (f"MIN(CASE WHEN code = {q} AND {dialect.year_of('granted_on')} <= {{year}} "
                     f"THEN granted_on END)")
            aggs.append(f"{dialect.year_of(first)} AS dfirst_{code}")
            # Held in year Y: granted by Dec 31 of Y and not expired before Jan 1 of Y.
            held = (f"code = {q} AND {dialect.year_of('granted_on')} <= {{year}} AND "
                    f"(expires_on IS NULL OR {dialect.year_of('expires_on')} >= {{year}})")
            aggs.append(f"{dialect.bool_or(held)} AS dheld_{code}")
            if code in entered:
                # entered(code): a grant dated this year while not held last year (designation
                # records are complete: no grant means not held).
                new = f"code = {q} AND {dialect.year_of('granted_on')} = {{year}}"
                prev = (f"code = {q} AND {dialect.year_of('granted_on')} <= {{year}} - 1 AND "
                        f"(expires_on IS NULL OR {dialect.year_of('expires_on')} >= {{year}} - 1)")
                aggs.append(f"{dialect.bool_or(new)} AS dnew_{code}")
                aggs.append(f"{dialect.bool_or(prev)} AS dprev_{code}")
        in_codes = ", ".join(dialect.quote_text(c) for c in codes)
        sql += (f"\nLEFT JOIN (SELECT enterprise_id, {', '.join(aggs)} FROM designations "
                f"WHERE code IN ({in_codes}) GROUP BY enterprise_id) d "
                f"ON d.enterprise_id = e.enterprise_id")
    return sql


def policy_sql(dialect: SqlDialect, pack: Pack, policy: Policy, words: bool = True) -> str:
    """One SELECT giving the result rows of ``policy`` for every enterprise in ``base``."""
    d = dialect
    policy = folded(pack, policy)
    assumptions = {a: pack.assumptions[a].value for a in policy.assumptions}
    c = ExprCompiler(d, policy.lets, assumptions)
    conds = [c(n) for n in (policy.eligibility, policy.trigger) if n is not None]
    elig = " AND ".join(f"({x})" for x in conds) if conds else "TRUE"
    inner = [f"{elig} AS elig"]
    gaps, near = [], []
    for i, t in enumerate(policy.tiers):
        ci = c.with_extra(cap=d.number(Decimal(t.cap)))
        when = c(t.when)
        inner.append(f"{when} AS t{i}")
        amount = t.amount if t.amount is not None else policy.amount
        # A tier's raw amount only where the enterprise is eligible and the tier holds (every
        # use of it is there): a value past the range on an enterprise that does not reach
        # the tier stops nothing, and the wide backend computes amounts on those enterprises
        # alone (wide/rules.py).
        inner.append(f"(CASE WHEN ({elig}) IS TRUE AND ({when}) IS TRUE THEN {ci(amount)} "
                     f"END) AS r{i}")
        atom = gap_atom(t.when)
        if atom is None:
            gaps.append(None)
            continue
        var, thr, strict = atom
        thr_sql, cur = c(thr), f"v_{var}"
        cmp = "<=" if strict else "<"
        gap = f"(CASE WHEN {cur} {cmp} {thr_sql} THEN {thr_sql} - {cur} END)"
        inner.append(f"{gap} AS g{i}")
        near.append(f"g{i} <= {{near_miss}} * {thr_sql}")
        # An assumption as threshold is shown by its value (2000万元), not its name.
        while isinstance(thr, Name) and thr.name in assumptions:
            thr = assumptions[thr.name]
        # For "first time" tiers, say so when the threshold was already passed in an earlier
        # year: that, not a gap, is why the tier is missed.
        already = None
        if strict and isinstance(t.when, Call) and t.when.func == "first_time_exceeds":
            inner.append(f"COALESCE(hmax_{var} > {thr_sql}, FALSE) AS x{i}")
            already = f"x{i}"
        gaps.append((t, f"g{i}", var, describe(thr, "zh"), describe(thr, "en"), already,
                     strict))
    n = len(policy.tiers)
    usage = policy_usage(pack, policy)
    inputs = inputs_of(usage)
    json = d.json_object([(i.key, i.sql) for i in inputs],
                         doubles={i.key for i in inputs if i.kind == "float"})
    # A near miss: within {near_miss} (a share of the threshold) of some tier.
    inner.append(f"COALESCE({' OR '.join(near) if near else 'FALSE'}, FALSE) AS near")
    q = "SELECT b.*, " + ", ".join(inner) + " FROM base b"
    # Status, tier and amount, from the three-valued conditions.
    if n == 0:
        status = ("CASE WHEN elig IS NULL THEN 'insufficient_data' WHEN elig "
                  "THEN 'eligible' ELSE 'not_eligible' END")
        tier = amount = raw = cap = "NULL"
        bound = "FALSE"
    else:
        # Null-preserving LEAST/GREATEST: an amount that cannot be computed stays unknown.
        amt = [d.least([d.greatest([d.to_money(f"r{i}"), "0"]), str(t.cap)])
               for i, t in enumerate(policy.tiers)]
        all_false = " AND ".join(f"t{i} IS FALSE" for i in range(n))
        if policy.tier_selection == "highest":
            # The first tier that is true, provided every higher tier is known to be false.
            match = [" AND ".join([f"t{j} IS FALSE" for j in range(i)] + [f"t{i} IS TRUE"])
                     for i in range(n)]
            pick = lambda vals: ("(CASE " + " ".join(  # noqa: E731
                f"WHEN {m} THEN {v}" for m, v in zip(match, vals, strict=True)) + " END)")
            tier = pick([d.quote_text(t.id) for t in policy.tiers])
            amount, raw = pick(amt), pick([f"r{i}" for i in range(n)])
            cap = pick([str(t.cap) for t in policy.tiers])
            bound = pick([f"(r{i} > {t.cap})" for i, t in enumerate(policy.tiers)])
            reached = f"({' OR '.join(match)})"
        else:
            # Every true tier is paid; unknown tiers leave the whole result unknown.
            none_null = " AND ".join(f"t{i} IS NOT NULL" for i in range(n))
            tier = d.concat_ws("+", [f"(CASE WHEN t{i} THEN {d.quote_text(t.id)} END)"
                                     for i, t in enumerate(policy.tiers)])
            amount = " + ".join(f"(CASE WHEN t{i} THEN {a} ELSE 0 END)"
                                for i, a in enumerate(amt))
            raw = " + ".join(f"(CASE WHEN t{i} THEN r{i} ELSE 0 END)" for i in range(n))
            cap = " + ".join(f"(CASE WHEN t{i} THEN {t.cap} ELSE 0 END)"
                             for i, t in enumerate(policy.tiers))
            bound = " OR ".join(f"(t{i} AND r{i} > {t.cap})"
                                for i, t in enumerate(policy.tiers))
            reached = f"({none_null} AND NOT ({all_false}))"
        # Eligible with the amount pending: the rule and the tier are decided, only the
        # figures the amount needs are missing. That is "collect them, re-run, pay", not
        # "we do not know whether it qualifies".
        status = (f"CASE WHEN elig IS FALSE OR ({all_false}) THEN 'not_eligible' "
                  f"WHEN elig IS TRUE AND {reached} AND ({amount}) IS NOT NULL "
                  f"THEN 'eligible' "
                  f"WHEN elig IS TRUE AND {reached} THEN 'amount_pending' "
                  f"ELSE 'insufficient_data' END")
    labels = {t.id: t for t in policy.tiers}
    amount_inputs = inputs_of(policy_usage(pack, policy, amount_only=True))
    ex = Explainer(d, policy, inputs, gaps, amount_inputs, pack.assumptions, pack.root,
                   {s["seed"]: s for s in pack.meta.get("sources", []) or [] if "seed" in s})

    def tier_label(lang: str) -> str:
        if not labels:
            return "NULL"
        return "(CASE tier " + " ".join(
            f"WHEN {d.quote_text(t.id)} THEN "
            f"{d.quote_text(t.label_zh if lang == 'zh' else t.label_en)}"
            for t in policy.tiers) + " ELSE tier END)"

    mid = (f"SELECT q.*, {status} AS status, {tier} AS tier, {amount} AS amount, "
           f"{raw} AS raw_amount, {cap} AS cap, {bound} AS cap_bound "
           f"FROM ({q}) q")
    # The explanation reads the columns above; r.* keeps the q.* names.
    ex_zh = ex.sentence("zh", "status", tier_label("zh"), "amount", "raw_amount", "cap",
                        "cap_bound", "elig")
    ex_en = ex.sentence("en", "status", tier_label("en"), "amount", "raw_amount", "cap",
                        "cap_bound", "elig")
    # Explanations and inputs cost more than everything else together; a batch fills them
    # for the rows a reviewer reads (eligible, insufficient, near misses) unless asked for all.
    shown = "({explain_any} AND ({explain_all} OR status <> 'not_eligible' OR near))"
    ex_zh, ex_en = (f"CASE WHEN {shown} THEN {x} END" if words else d.null_text()
                    for x in (ex_zh, ex_en))
    return (f"SELECT enterprise_id, {d.quote_text(policy.id)} AS policy_id, status, "
            f"CASE WHEN status IN ('eligible', 'amount_pending') THEN tier END AS tier, "
            f"CASE WHEN status = 'eligible' THEN CAST(amount AS BIGINT) END AS amount_yuan, "
            f"CASE WHEN status = 'eligible' THEN COALESCE(cap_bound, FALSE) END AS cap_bound, "
            f"{ex_zh} AS explanation_zh, {ex_en} AS explanation_en, "
            # The JSON is built here, for the rows shown only (in the inner query it was
            # built for every row, then masked).
            f"{f'CASE WHEN {shown} THEN {json} END' if words else d.null_text()} "
            f"AS inputs "
            f"FROM ({mid}) r")


def organisation_base_sql(dialect: SqlDialect) -> str:
    """One row per organisation (named enterprise_id inside the plan, org_id outside)."""
    year_of = dialect.year_of("national_cluster_on")
    return ("SELECT org_id AS enterprise_id, kind AS v_kind, cluster AS v_cluster, "
            # No rating date means the cluster is not national: absence is the fact here.
            f"COALESCE({year_of} <= {{year}}, FALSE) AS v_national_cluster, "
            f"COALESCE({year_of} = {{year}}, FALSE) AS v_newly_national_cluster, "
            "reviewed AS v_reviewed FROM organisations")


def compile_pack(pack: Pack, dialect: SqlDialect, year: int | None = None,
                 entity: str = "enterprise") -> Plan:
    """Compile every evaluated policy of ``pack`` for ``entity`` (those in force in ``year``
    if given)."""
    policies = [p for p in pack.policies if p.entity == entity and p.has_rule
                and (year is None or p.in_force(year))]
    usage = pack_usage(pack, [folded(pack, p) for p in policies])
    selects = [policy_sql(dialect, pack, p) for p in policies]
    bare = [policy_sql(dialect, pack, p, words=False) for p in policies]
    union = "\nUNION ALL\n".join
    base = base_sql(dialect, usage) if entity == "enterprise" else organisation_base_sql(dialect)
    bare_base = base_sql(dialect, usage, years=False) if entity == "enterprise" else base
    return Plan(base, union(selects), union(bare),
                tuple(p.id for p in policies), tuple(selects), tuple(bare), bare_base)
