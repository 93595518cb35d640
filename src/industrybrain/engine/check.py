"""Name resolution and type checking of expressions, before anything runs.

Every name must be a snapshot variable, one of the policy's ``let`` definitions, one of the
assumptions the policy lists, or ``cap`` inside an amount. Types are bool, number and text;
numbers also carry a dimension, ``money`` (元) or ``num`` (plain), so that comparing revenue
with a bare ``100`` (a forgotten 亿元) is an error rather than a silent 100 元.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .errors import ExprError
from .expr import Arith, Bool, Call, Compare, If, Logic, Name, Neg, Node, Not, Num, Str
from .vocab import ORG_VARIABLES, VARIABLES, Variable, designations

# Functions over an enterprise's history take a figures column as their first argument.
HISTORY_FUNCS = {"first_time_exceeds", "first_time", "prev", "increase", "has_history"}
DESIGNATION_FUNCS = {"newly_designated", "holds", "entered"}
MATH_FUNCS = {"min", "max", "clip", "abs", "round_down", "coalesce", "is_known"}
FUNCTIONS = HISTORY_FUNCS | DESIGNATION_FUNCS | MATH_FUNCS
FIGURES = [name for name, var in VARIABLES.items() if var.source == "figures"]


@dataclass(frozen=True)
class Type:
    base: str  # "bool" | "number" | "text"
    dim: str = ""  # numbers: "money" | "num"

    def __str__(self) -> str:
        return {"money": "money (元)", "num": "a plain number"}.get(self.dim, self.base)


BOOL, TEXT, MONEY, NUM = Type("bool"), Type("text"), Type("number", "money"), Type("number", "num")


def var_type(name: str, variables: Mapping[str, Variable] = VARIABLES) -> Type:
    var = variables[name]
    if var.kind == "money":
        return MONEY
    return {"bool": BOOL, "text": TEXT}.get(var.kind, NUM)


@dataclass
class Scope:
    """What names mean where an expression is checked."""

    lets: Mapping[str, Node] = field(default_factory=dict)
    assumptions: Mapping[str, Node] = field(default_factory=dict)  # listed by the policy
    known_assumptions: Mapping[str, Node] = field(default_factory=dict)  # whole pack
    extra: Mapping[str, Type] = field(default_factory=dict)  # e.g. {"cap": MONEY}
    entity: str = "enterprise"  # or "organisation": other variables, no history functions

    @property
    def variables(self) -> Mapping[str, Variable]:
        return ORG_VARIABLES if self.entity == "organisation" else VARIABLES


@dataclass
class Usage:
    """What an expression reads: variables (in order of first use) and designation codes."""

    variables: list[str] = field(default_factory=list)
    history: list[tuple[str, str]] = field(default_factory=list)  # (function, variable)
    codes: list[tuple[str, str]] = field(default_factory=list)  # (function, code)
    assumptions: list[str] = field(default_factory=list)

    def add(self, bucket: list, item) -> None:
        if item not in bucket:
            bucket.append(item)


def _err(node: Node, msg: str) -> ExprError:
    return ExprError(msg, line=node.pos[0], column=node.pos[1])


def _suggest(name: str, choices) -> str:
    import difflib

    close = difflib.get_close_matches(name, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check(node: Node, scope: Scope, usage: Usage | None = None,
          _stack: tuple[str, ...] = ()) -> Type:
    """Return the type of ``node``; raise ExprError (with position) when it is wrong."""
    usage = usage if usage is not None else Usage()
    c = lambda n: check(n, scope, usage, _stack)  # noqa: E731 - local shorthand
    if isinstance(node, Num):
        return MONEY if node.kind == "money" else NUM
    if isinstance(node, Str):
        return TEXT
    if isinstance(node, Bool):
        return BOOL
    if isinstance(node, Name):
        return _check_name(node, scope, usage, _stack)
    if isinstance(node, Neg):
        t = c(node.operand)
        _want_number(node.operand, t)
        return t
    if isinstance(node, Not):
        _want(node.operand, c(node.operand), BOOL, "not")
        return BOOL
    if isinstance(node, Logic):
        _want(node.left, c(node.left), BOOL, node.op)
        _want(node.right, c(node.right), BOOL, node.op)
        return BOOL
    if isinstance(node, Compare):
        lt, rt = c(node.left), c(node.right)
        if lt.base == "text" or rt.base == "text":
            if node.op not in ("==", "!=") or lt != rt:
                raise _err(node, f"text can only be compared with text by == or != "
                                 f"(got {lt} {node.op} {rt})")
            return BOOL
        if lt.base == "bool" or rt.base == "bool":
            if node.op not in ("==", "!=") or lt != rt:
                raise _err(node, f"cannot compare {lt} {node.op} {rt}")
            return BOOL
        _same_dim(node, lt, rt, "compare")
        return BOOL
    if isinstance(node, Arith):
        lt, rt = c(node.left), c(node.right)
        _want_number(node.left, lt)
        _want_number(node.right, rt)
        if node.op in "+-":
            _same_dim(node, lt, rt, f"use {node.op} on")
            return lt
        if node.op == "*":
            if lt.dim == "money" and rt.dim == "money":
                raise _err(node, "money times money has no meaning")
            return MONEY if "money" in (lt.dim, rt.dim) else NUM
        # Division: money/money is a ratio; money/number is money; anything else a number.
        return MONEY if (lt.dim == "money" and rt.dim != "money") else NUM
    if isinstance(node, If):
        _want(node.cond, c(node.cond), BOOL, "if")
        tt, et = c(node.then), c(node.otherwise)
        if tt != et:
            raise _err(node, f"the two branches of if differ: {tt} and {et}")
        return tt
    if isinstance(node, Call):
        return _check_call(node, scope, usage, _stack)
    raise _err(node, f"unsupported expression {type(node).__name__}")


def _check_name(node: Name, scope: Scope, usage: Usage, stack: tuple[str, ...]) -> Type:
    name = node.name
    if name.startswith("__"):
        raise _err(node, f"names starting with '__' are not allowed: {name!r}")
    if name in scope.extra:
        return scope.extra[name]
    if name in scope.lets:
        if name in stack:
            cycle = " -> ".join((*stack[stack.index(name):], name))
            raise _err(node, f"cycle in let definitions: {cycle}")
        return check(scope.lets[name], scope, usage, (*stack, name))
    if name in scope.assumptions:
        usage.add(usage.assumptions, name)
        return check(scope.assumptions[name], Scope(), Usage())
    if name in scope.variables:
        usage.add(usage.variables, name)
        return var_type(name, scope.variables)
    if name in scope.known_assumptions:
        raise _err(node, f"assumption {name!r} is used but not listed under `assumptions:` "
                         f"of this policy")
    if name in FUNCTIONS:
        raise _err(node, f"{name} is a function: write {name}(...)")
    choices = [*scope.variables, *scope.lets, *scope.assumptions, *scope.extra]
    raise _err(node, f"unknown name {name!r}{_suggest(name, choices)}")


def _check_call(node: Call, scope: Scope, usage: Usage, stack: tuple[str, ...]) -> Type:
    f, args = node.func, node.args
    if f.startswith("__"):
        raise _err(node, f"names starting with '__' are not allowed: {f!r}")
    if f not in FUNCTIONS:
        raise _err(node, f"unknown function {f!r}{_suggest(f, FUNCTIONS)}; "
                         f"known: {', '.join(sorted(FUNCTIONS))}")
    c = lambda n: check(n, scope, usage, stack)  # noqa: E731
    if scope.entity != "enterprise" and f in HISTORY_FUNCS | DESIGNATION_FUNCS:
        raise _err(node, f"{f}() reads an enterprise's history or designations; this policy's "
                         f"entity is {scope.entity}")

    def arity(n: int, at_least: bool = False) -> None:
        if (len(args) < n) if at_least else (len(args) != n):
            want = f"at least {n}" if at_least else str(n)
            raise _err(node, f"{f}() takes {want} argument(s), got {len(args)}")

    if f in HISTORY_FUNCS:
        arity(2 if f == "first_time_exceeds" else 1)
        var = args[0]
        if not isinstance(var, Name) or VARIABLES.get(var.name) is None \
                or VARIABLES[var.name].source != "figures":
            raise _err(args[0], f"{f}() needs a yearly figure as first argument "
                                f"(one of: {', '.join(FIGURES)})")
        vt = var_type(var.name)
        usage.add(usage.variables, var.name)
        usage.add(usage.history, (f, var.name))
        if f == "first_time_exceeds":
            _want_number(var, vt)
            _same_dim(node, vt, c(args[1]), "compare")
            return BOOL
        if f == "first_time":
            _want(var, vt, BOOL, f)
            return BOOL
        if f == "increase":
            _want_number(var, vt)
            return vt
        return BOOL if f == "has_history" else vt
    if f in DESIGNATION_FUNCS:
        # newly_designated(a, b): the first grant of any of the codes falls in this year, so
        # "single champion enterprise or product" is rewarded once, whichever comes first.
        arity(1, at_least=f == "newly_designated")
        if f in ("holds", "entered"):
            arity(1)
        for arg in args:
            code = arg.name if isinstance(arg, Name) else \
                arg.value if isinstance(arg, Str) else None
            if code is None:
                raise _err(arg, f"{f}() needs a designation code")
            vocab = designations()
            if code not in vocab:
                raise _err(arg, f"unknown designation code {code!r}{_suggest(code, vocab)}")
            usage.add(usage.codes, (f, code))
        return BOOL
    if f == "is_known":
        arity(1)
        c(args[0])
        return BOOL
    if f == "coalesce":
        arity(2)
        a, b = c(args[0]), c(args[1])
        if a != b:
            raise _err(node, f"coalesce() arguments differ: {a} and {b}")
        return a
    types = [c(a) for a in args]
    for a, t in zip(args, types, strict=True):
        _want_number(a, t)
    if f in ("min", "max"):
        arity(2, at_least=True)
    elif f == "clip":
        arity(3)
    elif f == "abs":
        arity(1)
    elif f == "round_down":
        arity(2)
        return types[0]
    for t in types[1:]:
        _same_dim(node, types[0], t, f"use {f}() on")
    return types[0]


def _want(node: Node, got: Type, want: Type, where: str) -> None:
    if got != want:
        raise _err(node, f"{where} needs {want}, got {got}")


def _want_number(node: Node, got: Type) -> None:
    if got.base != "number":
        raise _err(node, f"needs a number, got {got}")


def _same_dim(node: Node, a: Type, b: Type, verb: str) -> None:
    if a.dim != b.dim:
        hint = ""
        if "money" in (a.dim, b.dim):
            hint = " — add a unit such as 亿元, 万元 or 元 to the number"
        raise _err(node, f"cannot {verb} {a} and {b}{hint}")
