"""C's ``printf('%g')`` written in Spark SQL, so that explanations read the same on Spark.

DuckDB formats numbers in explanations with ``printf('%g', x)``: six significant digits,
rounded from the *exact binary value* of the double (like glibc and Python's ``'%g' % x``),
trailing zeros dropped, exponent form outside 1e-4 <= |x| < 1e6. Spark's ``printf`` is
Java's Formatter, which keeps trailing zeros ("1.50000") and rounds half-up on the shortest
decimal; so the Spark dialect spells ``%g`` out with strings and exact integers:

1. ``CAST(x AS STRING)`` gives Java's shortest decimal D of x ("1.2345678E7", "123.4565");
   its digits and decimal exponent X are read off the string.
2. The digits are cut to six. Only when D sits exactly on the halfway point does the
   binary value decide which way C rounds: x = m / 2^k exactly (m, k integers, scaling by a
   power of two is exact) is compared with D = N * 10^(X-6) in DECIMAL(38,0) arithmetic.
3. The six digits are laid out in fixed or exponent form, as C does.

Each step binds its values once with ``transform(array(..), v -> ..)[0]`` (Spark SQL's only
"let"), so the input expression is written once however often it is read.
"""

from __future__ import annotations

_n = 0


def _let(value: str, body) -> str:
    """``body(name)`` with ``name`` bound to ``value`` (evaluated once)."""
    global _n
    _n += 1
    name = f"g{_n}"
    return f"transform(array({value}), {name} -> {body(name)})[0]"


def _tie_up(a: str, digits: str, x: str, n6: str) -> str:
    """Whether C rounds up a double ``a`` > 0 whose shortest decimal is exactly the tie
    ``digits`` (seven digits ending in 5) times 10^(``x`` - 6)."""
    k = f"(60 - CAST(FLOOR(LOG2({a})) AS INT))"
    two_k = (f"(CAST(shiftleft(1L, least({k}, 62)) AS DECIMAL(38,0)) * "
             f"CAST(shiftleft(1L, greatest({k} - 62, 0)) AS DECIMAL(38,0)))")
    m = f"CAST(CAST({a} * POW(2, {k}) AS BIGINT) AS DECIMAL(38,0))"
    lhs = f"({m} * CAST(POW(10, greatest(6 - {x}, 0)) AS DECIMAL(38,0)))"
    rhs = (f"(CAST({digits} AS DECIMAL(38,0)) * CAST(POW(10, greatest({x} - 6, 0)) "
           f"AS DECIMAL(38,0)) * {two_k})")
    even = f"({n6} % 2 = 1)"
    # Outside this range the DECIMAL(38,0) products could overflow; there (never for money
    # in 元 shown in 万元/亿元) an exact tie is taken as exact, rounding half to even.
    return (f"(CASE WHEN {x} < -10 OR {x} > 18 OR {k} < 0 THEN {even} "
            f"WHEN {lhs} > {rhs} THEN TRUE WHEN {lhs} < {rhs} THEN FALSE ELSE {even} END)")


def _layout(n: str, x: str) -> str:
    """Six significant digits ``n`` (100000..999999) at decimal exponent ``x``, as %g."""
    def body(sig: str) -> str:
        exp = (f"concat(substr({sig}, 1, 1), IF(length({sig}) > 1, concat('.', "
               f"substr({sig}, 2)), ''), 'e', IF({x} < 0, '-', '+'), "
               f"lpad(CAST(abs({x}) AS STRING), 2, '0'))")
        whole = (f"concat(substr(rpad({sig}, {x} + 1, '0'), 1, {x} + 1), "
                 f"IF(length({sig}) > {x} + 1, concat('.', substr({sig}, {x} + 2)), ''))")
        small = f"concat('0.', repeat('0', -{x} - 1), {sig})"
        return (f"(CASE WHEN {x} < -4 OR {x} >= 6 THEN {exp} WHEN {x} >= 0 THEN {whole} "
                f"ELSE {small} END)")
    return _let(f"trim(TRAILING '0' FROM CAST({n} AS STRING))", body)


def _digits(v: str, body) -> str:
    """``body(p)`` for a non-zero double ``v``, with ``p.d`` its significant digits (Java's
    shortest decimal, no leading or trailing zeros) and ``p.x`` the decimal exponent of the
    first of them: 1.2345678E7 -> ('12345678', 7), 0.00125 -> ('125', -3)."""
    def with_s(s: str) -> str:
        mant = f"substring_index({s}, 'E', 1)"
        ex = f"IF(instr({s}, 'E') > 0, CAST(substring_index({s}, 'E', -1) AS INT), 0)"
        ip = f"substring_index({mant}, '.', 1)"
        fp = f"IF(instr({mant}, '.') > 0, substring_index({mant}, '.', -1), '')"
        alld = f"concat({ip}, {fp})"
        lead = f"(length({alld}) - length(trim(LEADING '0' FROM {alld})))"
        parts = (f"named_struct('d', trim(TRAILING '0' FROM trim(LEADING '0' FROM {alld})), "
                 f"'x', length({ip}) - 1 - {lead} + {ex})")
        return _let(parts, body)
    return _let(f"CAST(abs({v}) AS STRING)", with_s)


def printf_g(sql: str) -> str:
    """Spark SQL giving the same text as DuckDB's ``printf('%g', CAST(sql AS DOUBLE))``
    for a non-null finite value."""
    global _n
    _n = 0  # names only need to differ between nested lambdas: keep the SQL text stable

    def with_v(v: str) -> str:
        def with_p(p: str) -> str:
            d, x = f"{p}.d", f"{p}.x"
            n6 = f"CAST(rpad(substr({d}, 1, 6), 6, '0') AS BIGINT)"
            rest = f"substr({d}, 7)"
            up = (f"(CASE WHEN length({d}) <= 6 THEN FALSE "
                  f"WHEN substr({rest}, 1, 1) > '5' THEN TRUE "
                  f"WHEN substr({rest}, 1, 1) < '5' THEN FALSE "
                  f"WHEN length({rest}) > 1 THEN TRUE "
                  f"ELSE {_tie_up(f'abs({v})', d, x, n6)} END)")
            rounded = f"named_struct('n', {n6} + IF({up}, 1, 0), 'x', {x})"

            def with_r(r: str) -> str:
                # 999999.5 rounds to 1000000: one more digit, so one more in the exponent.
                carry = f"{r}.n = 1000000"
                n = f"IF({carry}, 100000, {r}.n)"
                xx = f"IF({carry}, {r}.x + 1, {r}.x)"
                return _layout_pair(n, xx)
            return _let(rounded, with_r)
        body = _digits(v, with_p)
        return f"(CASE WHEN {v} = 0 THEN '0' ELSE concat(IF({v} < 0, '-', ''), {body}) END)"
    return _let(f"CAST({sql} AS DOUBLE)", with_v)


def json_number(sql: str) -> str:
    """Spark SQL giving the text DuckDB's ``json_object`` writes for a finite double: the
    shortest digits that read back (as Java's, so no rounding here), laid out plainly for
    decimal exponents -6..20 with at least one decimal (12345678.0, 0.0000025), else as
    1.5e-7 / 1e21. Spark's to_json writes Java's 1.2345678E7 instead."""
    global _n
    _n = 0

    def with_v(v: str) -> str:
        def with_p(p: str) -> str:
            d, x = f"{p}.d", f"{p}.x"
            exp = (f"concat(substr({d}, 1, 1), IF(length({d}) > 1, concat('.', "
                   f"substr({d}, 2)), ''), 'e', CAST({x} AS STRING))")
            whole = (f"concat(substr(rpad({d}, {x} + 1, '0'), 1, {x} + 1), '.', "
                     f"IF(length({d}) > {x} + 1, substr({d}, {x} + 2), '0'))")
            small = f"concat('0.', repeat('0', -{x} - 1), {d})"
            return (f"(CASE WHEN {x} <= -7 OR {x} >= 21 THEN {exp} WHEN {x} >= 0 THEN {whole} "
                    f"ELSE {small} END)")
        # The sign from Java's text, so that -0.0 stays -0.0 as in DuckDB.
        sign = f"IF(substr(CAST({v} AS STRING), 1, 1) = '-', '-', '')"
        body = f"(CASE WHEN {v} = 0 THEN '0.0' ELSE {_digits(v, with_p)} END)"
        return f"concat({sign}, {body})"
    return _let(f"CAST({sql} AS DOUBLE)", with_v)


def _layout_pair(n: str, x: str) -> str:
    return _let(f"named_struct('n', {n}, 'x', {x})",
                lambda q: _layout(f"{q}.n", f"{q}.x"))
