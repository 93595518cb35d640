"""Evaluate a pack over a snapshot: pack + Arrow tables in, one row per enterprise x policy out.

Result columns (documented in docs/policy-packs.md): enterprise_id, policy_id, year,
status (eligible / amount_pending / not_eligible / insufficient_data / invalid_data), tier,
amount_yuan (exact integer 元), cap_bound, explanation_zh, explanation_en, inputs (JSON of
the values used).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pyarrow as pa

from .compile import Plan, compile_pack
from .errors import InputError, RangeError
from .inputs import YEARS, Defect, by_enterprise, check, check_year
from .lazy import LazyModule
from .model import Pack

pc = LazyModule("pyarrow.compute")
BACKENDS = ("duckdb", "spark", "wide")
KINDS = ("enterprises", "figures", "designations")


def _backend(name: str):
    """The backend module; Spark's is imported only when asked for (it needs pyspark)."""
    if name == "duckdb":
        from .backends import duckdb as duckdb_backend

        return duckdb_backend
    if name == "spark":
        from .backends import spark

        return spark
    if name == "wide":
        from . import wide

        return wide
    raise ValueError(f"unknown backend {name!r}; available: {', '.join(BACKENDS)}")


def plan_for(pack: Pack, year: int, backend: str = "duckdb",
             entity: str = "enterprise") -> Plan:
    """The compiled plan for the policies in force in ``year`` (compiled once, then cached)."""
    key = (backend, entity, tuple(p.id for p in pack.policies if p.in_force(year)))
    plan = pack._compiled.get(key)
    if plan is None:
        module = _backend(backend)
        if backend == "wide":
            if entity != "enterprise":
                raise ValueError("the wide backend evaluates enterprise policies")
            plan = module.compile_pack(pack, year)
        else:
            dialect = (module.DuckDBDialect() if backend == "duckdb"
                       else module.SparkDialect())
            plan = compile_pack(pack, dialect, year, entity)
        pack._compiled[key] = plan
    return plan


def period(pack: Pack, entity: str = "enterprise") -> tuple[int, int]:
    """The first and last year in which some evaluated policy of the pack is in force."""
    policies = [p for p in pack.policies if p.entity == entity and p.has_rule]
    if not policies:
        return YEARS
    first = min(p.effective_from.year for p in policies)
    last = max(YEARS[1] if p.effective_to is None else p.effective_to.year for p in policies)
    return first, last


def checked_inputs(pack: Pack, year: Any, enterprises: Any, figures: Any, designations: Any
                   ) -> tuple[int, dict[str, pa.Table], dict[int, list[Defect]]]:
    """The year and the three tables checked against the input contract (docs/data-contract.md):
    raises InputError for a defect of the whole input; returns the defects of single
    enterprises (their bad values set to null) by enterprise id."""
    year = check_year(year, period(pack))
    tables, defects = {}, []
    for kind, data in zip(KINDS, (enterprises, figures, designations), strict=True):
        tables[kind], found = check(data, kind, up_to_year=year)
        defects += found
    return year, tables, by_enterprise(defects)


def evaluate(pack: Pack, year: int, enterprises: Any, figures: Any, designations: Any,
             *, explain: str = "relevant", near_miss: float = 0.2,
             backend: str = "duckdb", data_since: int | None = None,
             explain_policies: Iterable[str] | None = None) -> pa.Table:
    """Evaluate every enterprise-level policy of ``pack`` in force in ``year``.

    Returns one row per enterprise and evaluated policy. A missing input is never read as
    zero: a rule that needs it gives ``insufficient_data``; a rule that is met but whose
    amount needs it gives ``amount_pending`` (the tier is given, the amount is not).

    Known history: an enterprise's history runs from its founding year, or from
    ``data_since`` (the first year the figures cover, site-wide) if that is later; inside
    that span a year without a row is unknown exactly like a row with a null. Without
    ``data_since`` (and without a founding date) earlier years are never complete, so
    "first time" rules give ``insufficient_data``.

    The input is checked first (:mod:`.inputs`): a defect of the whole input raises
    :class:`~.errors.InputError`; an enterprise with a bad value (NaN, a negative amount…)
    gets ``invalid_data`` for every policy, its reason in both languages, and the rest of
    the city is priced as if it were not there.

    ``explain`` says which rows carry explanation_zh/explanation_en/inputs: ``"relevant"``
    (default) those eligible, pending, with insufficient or invalid data, or a near miss —
    within ``near_miss`` (a share of the threshold, 0.2 = 20%) of a tier; ``"all"`` every
    row; ``"none"`` no row. ``explain_policies`` (ids) limits the words to those policies'
    rows: a batch whose readers see only some policies (a run proposes money) does not pay
    for the text of the others, most of the text of a city (an invalid_data row keeps its
    reason whatever the policy).

    ``backend`` is ``"duckdb"`` (embedded, the default) or ``"spark"`` (PySpark; see
    :mod:`.backends.spark`): the same compiled plan, the same table, row for row; or
    ``"wide"`` (:mod:`.wide`, numpy over one row per enterprise) for ``explain="none"``:
    the same decisions, no words, in a fraction of the time and memory.
    Rows are sorted by enterprise_id, then policy_id.
    """
    year, tables, bad = checked_inputs(pack, year, enterprises, figures, designations)
    if isinstance(explain_policies, str):
        raise ValueError("explain_policies is a collection of policy ids, not one string")
    worded = None if explain_policies is None else frozenset(explain_policies)
    return _evaluate(pack, year, tables, bad, explain, near_miss, backend, data_since, worded)


def _evaluate(pack: Pack, year: int, tables: dict[str, pa.Table],
              bad: dict[int, list[Defect]], explain: str, near_miss: float, backend: str,
              data_since: int | None, worded: frozenset[str] | None = None) -> pa.Table:
    _check_data_since(data_since)
    plan = plan_for(pack, year, backend)
    try:
        result = _backend(backend).run(plan, year, tables, explain=explain,
                                       near_miss=near_miss, data_since=data_since,
                                       worded=worded)
    except Exception as exc:
        named = _range_error(pack, year, tables, data_since, near_miss, exc) \
            if backend in ("duckdb", "spark") else None
        if named is None:
            raise
        raise named from exc
    return mark_invalid(pack, result, bad, explain) if bad else result


def _range_error(pack: Pack, year: int, tables: dict[str, pa.Table], data_since: int | None,
                 near_miss: float, error: Exception) -> RangeError | None:
    """DuckDB's refusal of a value past its range (OutOfRange: a BIGINT or DECIMAL overflow;
    Conversion: a DOUBLE or DECIMAL cast to BIGINT 元), or Spark SQL's (ANSI mode:
    ArithmeticException: ARITHMETIC_OVERFLOW, CAST_OVERFLOW, NUMERIC_VALUE_OUT_OF_RANGE),
    as the :class:`RangeError` that names the policy and the enterprise, found by deciding
    again on the wide backend (which refuses DuckDB's values: wide/logic.py); None if
    ``error`` is another error. Slow, and rare: it runs only after the SQL refused."""
    import duckdb

    spark = type(error).__name__ == "ArithmeticException" and any(
        code in str(error) for code in ("OVERFLOW", "NUMERIC_VALUE_OUT_OF_RANGE"))
    if not spark and not isinstance(error, (duckdb.OutOfRangeException,
                                            duckdb.ConversionException)):
        return None
    from . import wide

    try:
        wide.decide(plan_for(pack, year, "wide"), year, tables, data_since, near_miss)
    except RangeError as named:
        return named
    if spark:  # Spark's decimals are not DuckDB's: its own error stands
        return None
    # The wide backend computed every decision: the value is one only the words read (the
    # sum of raw amounts in an explanation). Name the policy by running each alone.
    from .backends import duckdb as duckdb_backend

    for policy in pack.policies:
        if not (policy.entity == "enterprise" and policy.has_rule and policy.in_force(year)):
            continue
        one = pack.replace(policies=(policy,))
        try:
            duckdb_backend.run(plan_for(one, year), year, tables, explain="all",
                               near_miss=near_miss, data_since=data_since)
        except (duckdb.OutOfRangeException, duckdb.ConversionException):
            return RangeError(policy.id, policy.title_zh, None, None, file=policy.file,
                              part="说明中的金额")
    return None


def mark_invalid(pack: Pack, result: pa.Table, bad: dict[int, list[Defect]],
                 explain: str = "relevant") -> pa.Table:
    """Give every row of an enterprise with a defect the status invalid_data: no tier, no
    amount, the reasons in both languages and, in ``inputs``, the values to correct."""
    mask = pc.is_in(result["enterprise_id"].combine_chunks(),
                    value_set=pa.array(sorted(bad), pa.int64()))
    rows = pc.indices_nonzero(mask).to_pylist()
    if not rows:
        return result
    ids = result["enterprise_id"].take(rows).to_pylist()
    policies = result["policy_id"].take(rows).to_pylist()
    titles = {p.id: (p.title_zh, p.title_en) for p in pack.policies}
    zh, en, inputs = [], [], []
    for eid, pid in zip(ids, policies, strict=True):
        words = invalid_words(*titles.get(pid, (pid, pid)), bad[eid])
        zh.append(words[0])
        en.append(words[1])
        inputs.append(words[2])
    n = len(rows)
    words = explain != "none"

    def put(name: str, values: list | None) -> None:
        nonlocal result
        col = result[name].combine_chunks()
        typ = col.type
        new = pa.array(values if values is not None else [None] * n, typ)
        i = result.schema.get_field_index(name)
        result = result.set_column(i, name, pc.replace_with_mask(col, mask, new))

    put("status", ["invalid_data"] * n)
    for name in ("tier", "amount_yuan", "cap_bound"):
        put(name, None)
    put("explanation_zh", zh if words else None)
    put("explanation_en", en if words else None)
    put("inputs", inputs if words else None)
    return result


def invalid_words(title_zh: str, title_en: str, defects: list[Defect]) -> tuple[str, str, str]:
    """An invalid_data row's explanation_zh, explanation_en and inputs: the reasons in both
    languages and the values to correct."""
    zh = (f"{title_zh}：数据有误，不能测算：" + "；".join(d.reason("zh") for d in defects)
          + "。请更正后重新测算。")
    en = (f"{title_en}: invalid data, cannot be evaluated: "
          + "; ".join(d.reason("en") for d in defects) + ". Correct it and run again.")
    inputs = json.dumps({"invalid": [
        {"table": d.table, "column": d.column, "year": d.year, "value": _jsonable(d.value),
         "problem": d.problem} for d in defects]}, ensure_ascii=False)
    return zh, en, inputs


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return str(value)  # JSON has no NaN or infinity
    return value


def evaluate_rows(pack: Pack, year: int, enterprises: Any, figures: Any, designations: Any,
                  *, data_since: int | None = None,
                  enterprise_id: int | None = None) -> list[dict[str, Any]]:
    """``evaluate(..., explain="all").to_pylist()`` for a snapshot of a few enterprises (or
    only ``enterprise_id`` of a bigger one), through the interpreter (:mod:`.interpret`):
    plain Python, no DuckDB round trip, the same rows byte for byte.

    The snapshot is checked as by :func:`evaluate`; an ``enterprise_id`` the snapshot does
    not hold is an InputError, not an empty list."""
    from .interpret import interpreter
    from .interpret.inputs import small_rows

    year = check_year(year, period(pack))
    small = small_rows((enterprises, figures, designations), year)
    if small is not None:
        ents, figs, dess, defects = small
        bad = by_enterprise(defects)
    else:
        year, checked, bad = checked_inputs(pack, year, enterprises, figures, designations)
        if enterprise_id is not None and _known_id(enterprise_id):
            checked = {k: t.filter(pc.equal(t["enterprise_id"], enterprise_id))
                       for k, t in checked.items()}
        ents, figs, dess = (checked[k].to_pylist() for k in KINDS)
    if enterprise_id is not None:
        if not _known_id(enterprise_id) or not any(
                r["enterprise_id"] == enterprise_id for r in ents):
            raise InputError("no such enterprise in the snapshot", "enterprises",
                             "enterprise_id", enterprise_id, enterprise_id)
        ents = [r for r in ents if r["enterprise_id"] == enterprise_id]
    _check_data_since(data_since)
    run = interpreter(pack, year)
    figs_of: dict[int, list[dict]] = {}
    for r in figs:
        figs_of.setdefault(r["enterprise_id"], []).append(r)
    des_of: dict[int, list[dict]] = {}
    for r in dess:
        des_of.setdefault(r["enterprise_id"], []).append(r)
    out = []
    for ent in sorted(ents, key=lambda r: r["enterprise_id"]):
        eid = ent["enterprise_id"]
        if eid in bad:
            out += run.invalid_rows(eid, bad[eid])
        else:
            out += run.rows(ent, figs_of.get(eid, []), des_of.get(eid, []), data_since)
    return out


def _known_id(enterprise_id: Any) -> bool:
    return isinstance(enterprise_id, int) and not isinstance(enterprise_id, bool)


def _check_data_since(data_since: Any) -> None:
    if data_since is not None and (isinstance(data_since, bool)
                                   or not isinstance(data_since, int)):
        raise InputError("data_since must be an integer year", "(argument)", "data_since",
                         value=data_since)


def explain_one(pack: Pack, year: int, tables: tuple[Any, Any, Any],
                enterprise_id: int, *, data_since: int | None = None) -> list[dict[str, Any]]:
    """Every policy's result for one enterprise, as dicts (inputs decoded from JSON), through
    the interpreter (:func:`evaluate_rows`): the batch's rows for that enterprise.

    The whole snapshot is checked first, as by :func:`evaluate`; an enterprise the
    snapshot does not hold is an InputError, not an empty list."""
    rows = evaluate_rows(pack, year, *tables, data_since=data_since,
                         enterprise_id=enterprise_id)
    for row in rows:
        row["inputs"] = json.loads(row["inputs"]) if row["inputs"] else {}
    return rows


def _explain_one_duckdb(pack: Pack, year: int, tables: tuple[Any, Any, Any],
                        enterprise_id: int, *, data_since: int | None = None
                        ) -> list[dict[str, Any]]:
    """explain_one through DuckDB (the batch's SQL on the enterprise's rows): what the
    interpreter is tested and benchmarked against."""
    year, checked, bad = checked_inputs(pack, year, *tables)
    ids = checked["enterprises"]["enterprise_id"]
    if isinstance(enterprise_id, bool) or not isinstance(enterprise_id, int) \
            or not pc.any(pc.equal(ids, enterprise_id)).as_py():
        raise InputError("no such enterprise in the snapshot", "enterprises", "enterprise_id",
                         enterprise_id, enterprise_id)
    keep = {k: t.filter(pc.equal(t["enterprise_id"], enterprise_id)) for k, t in checked.items()}
    mine = {enterprise_id: bad[enterprise_id]} if enterprise_id in bad else {}
    result = _evaluate(pack, year, keep, mine, "all", 0.2, "duckdb", data_since)
    rows = result.to_pylist()
    for row in rows:
        row["inputs"] = json.loads(row["inputs"]) if row["inputs"] else {}
    return rows
