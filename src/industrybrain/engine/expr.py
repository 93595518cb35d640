"""The policy expression language: parsed by lark into small frozen AST nodes, never eval'ed.

    eligibility: is_manufacturing and first_time_exceeds(revenue, 100亿元)
    amount:      min(50% * max(increase(local_contribution), 0元), cap)

Numbers carry units (100亿元, 10万元, 50%); money literals are exact integer 元. Names are
resolved later (:mod:`industrybrain.engine.check`): snapshot variables, the policy's
``let`` definitions, its assumptions, and ``cap`` inside an amount.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .errors import ExprError
from .vocab import UNITS

GRAMMAR = r"""
?start: expr
?expr: "if" expr "then" expr "else" expr   -> ifelse
     | or_expr
?or_expr: and_expr | or_expr "or" and_expr -> or_
?and_expr: not_expr | and_expr "and" not_expr -> and_
?not_expr: "not" not_expr -> not_
         | comparison
?comparison: sum | sum COMP sum -> compare
?sum: product | sum ADDOP product -> arith
?product: unary | product MULOP unary -> arith
?unary: "-" unary -> neg
      | atom
?atom: NUMBER UNIT? -> number
     | STRING -> string
     | "true" -> true
     | "false" -> false
     | NAME "(" [expr ("," expr)*] ")" -> call
     | NAME -> name
     | "(" expr ")"
COMP: "==" | "!=" | ">=" | "<=" | ">" | "<"
ADDOP: "+" | "-"
MULOP: "*" | "/"
NUMBER: /\d+(\.\d+)?/
UNIT: /[%\u4e00-\u9fff]+/
STRING: /"[^"\n]*"/ | /'[^'\n]*'/
NAME: /[A-Za-z_][A-Za-z0-9_]*/
%ignore /[ \t\r\n]+/
"""


@dataclass(frozen=True)
class Node:
    """Base of all AST nodes. ``pos`` (line, column, 1-based) is ignored by equality."""

    pos: tuple[int, int] = field(default=(0, 0), compare=False, kw_only=True)


@dataclass(frozen=True)
class Num(Node):
    value: Decimal
    kind: str = "plain"  # "plain" | "money" (integer 元) | "ratio" (from %)
    text: str = field(default="", compare=False)  # as written, for explanations


@dataclass(frozen=True)
class Str(Node):
    value: str


@dataclass(frozen=True)
class Bool(Node):
    value: bool


@dataclass(frozen=True)
class Name(Node):
    name: str


@dataclass(frozen=True)
class Neg(Node):
    operand: Node


@dataclass(frozen=True)
class Not(Node):
    operand: Node


@dataclass(frozen=True)
class Arith(Node):
    op: str  # + - * /
    left: Node
    right: Node


@dataclass(frozen=True)
class Compare(Node):
    op: str  # == != >= <= > <
    left: Node
    right: Node


@dataclass(frozen=True)
class Logic(Node):
    op: str  # and | or
    left: Node
    right: Node


@dataclass(frozen=True)
class If(Node):
    cond: Node
    then: Node
    otherwise: Node


@dataclass(frozen=True)
class Call(Node):
    func: str
    args: tuple[Node, ...]


def _p(tok) -> tuple[int, int]:
    return (getattr(tok, "line", 0) or 0, getattr(tok, "column", 0) or 0)


@lru_cache(maxsize=1)
def _to_ast():
    """The lark transformer to AST nodes. lark is imported here, on the first parse: a pack
    loaded from its cache (engine.packcache) never parses, and lark costs ~40 ms to import."""
    from lark import Transformer, v_args

    @v_args(meta=True)
    class ToAst(Transformer):
        def number(self, meta, children):
            num = children[0]
            unit = children[1] if len(children) > 1 and children[1] is not None else None
            value = Decimal(str(num))
            if unit is None:
                return Num(value, "plain", str(num), pos=_p(num))
            if str(unit) not in UNITS:
                known = ", ".join(UNITS)
                raise ExprError(f"unknown unit {str(unit)!r} after {num}; known units: {known}",
                                line=unit.line, column=unit.column)
            mult, kind = UNITS[str(unit)]
            value = value * mult
            if kind == "money" and value != value.to_integral_value():
                raise ExprError(f"{num}{unit} is not a whole number of 元",
                                line=num.line, column=num.column)
            if kind == "money":
                value = value.quantize(Decimal(1))
            return Num(value, kind, f"{num}{unit}", pos=_p(num))

        def string(self, meta, children):
            return Str(str(children[0])[1:-1], pos=_p(children[0]))

        def true(self, meta, _):
            return Bool(True, pos=(meta.line, meta.column))

        def false(self, meta, _):
            return Bool(False, pos=(meta.line, meta.column))

        def name(self, meta, children):
            tok = children[0]
            return Name(str(tok), pos=_p(tok))

        def call(self, meta, children):
            tok, *args = children
            args = tuple(a for a in args if a is not None)
            return Call(str(tok), args, pos=_p(tok))

        def neg(self, meta, children):
            return Neg(children[0], pos=(meta.line, meta.column))

        def not_(self, meta, children):
            return Not(children[0], pos=(meta.line, meta.column))

        def arith(self, meta, children):
            left, op, right = children
            return Arith(str(op), left, right, pos=_p(op))

        def compare(self, meta, children):
            left, op, right = children
            return Compare(str(op), left, right, pos=_p(op))

        def and_(self, meta, children):
            return Logic("and", children[0], children[1], pos=(meta.line, meta.column))

        def or_(self, meta, children):
            return Logic("or", children[0], children[1], pos=(meta.line, meta.column))

        def ifelse(self, meta, children):
            return If(*children, pos=(meta.line, meta.column))

    return ToAst()


@lru_cache(maxsize=1)
def _parser():
    from lark import Lark

    return Lark(GRAMMAR, parser="lalr", propagate_positions=True, maybe_placeholders=True)


_EXPECT_NAMES = {"RPAR": ")", "LPAR": "(", "COMMA": ",", "NUMBER": "a number", "NAME": "a name",
                 "STRING": "a quoted code", "$END": "end of expression"}


def _expected(exc) -> str:
    names = sorted({_EXPECT_NAMES.get(t, t.lower()) for t in (exc.expected or [])})
    return ", ".join(names[:8])


@lru_cache(maxsize=4096)
def parse(text: str) -> Node:
    """Parse ``text`` into an AST. Raises ExprError naming the line and column (1-based)."""
    if not isinstance(text, str) or not text.strip():
        raise ExprError("empty expression", line=1, column=1)
    from lark.exceptions import (
        UnexpectedCharacters,
        UnexpectedEOF,
        UnexpectedInput,
        VisitError,
    )

    try:
        tree = _parser().parse(text)
        node = _to_ast().transform(tree)
    except VisitError as exc:
        if isinstance(exc.orig_exc, ExprError):
            raise exc.orig_exc from None
        raise
    except UnexpectedCharacters as exc:
        ch = text[exc.pos_in_stream] if exc.pos_in_stream < len(text) else ""
        raise ExprError(f"unexpected character {ch!r}", line=exc.line, column=exc.column) from None
    except UnexpectedEOF as exc:
        raise ExprError(f"expression ends too early; expected {_expected(exc)}",
                        line=text.count("\n") + 1,
                        column=len(text.rsplit("\n", 1)[-1]) + 1) from None
    except UnexpectedInput as exc:
        tok = getattr(exc, "token", None)
        what = "end of expression" if tok is None or tok.type == "$END" else repr(str(tok))
        raise ExprError(f"unexpected {what}; expected {_expected(exc)}",
                        line=exc.line, column=exc.column) from None
    except InvalidOperation:
        raise ExprError("malformed number", line=1, column=1) from None
    return node


def walk(node: Node):
    """Yield ``node`` and every node below it, depth first."""
    yield node
    for child in children(node):
        yield from walk(child)


def children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, (Neg, Not)):
        return (node.operand,)
    if isinstance(node, (Arith, Compare, Logic)):
        return (node.left, node.right)
    if isinstance(node, If):
        return (node.cond, node.then, node.otherwise)
    if isinstance(node, Call):
        return node.args
    return ()


def to_text(node: Node) -> str:
    """Render an AST back to expression text (used in explanations and docs)."""
    if isinstance(node, Num):
        return node.text or str(node.value)
    if isinstance(node, Str):
        return f'"{node.value}"'
    if isinstance(node, Bool):
        return "true" if node.value else "false"
    if isinstance(node, Name):
        return node.name
    if isinstance(node, Neg):
        return f"-{to_text(node.operand)}"
    if isinstance(node, Not):
        return f"not {to_text(node.operand)}"
    if isinstance(node, (Arith, Compare, Logic)):
        return f"({to_text(node.left)} {node.op} {to_text(node.right)})"
    if isinstance(node, If):
        return (f"if {to_text(node.cond)} then {to_text(node.then)} "
                f"else {to_text(node.otherwise)}")
    if isinstance(node, Call):
        return f"{node.func}({', '.join(to_text(a) for a in node.args)})"
    raise TypeError(node)


def fold(node: Node, consts: dict[str, Node]) -> Node:
    """Replace names in ``consts`` (assumptions) by their values and fold what becomes
    constant: a choice assumption compared with text, then the ``if`` it decides.

    So ``if above_scale_newly_rule == "first_time_ever" then first_time(above_scale) else …``
    compiles, and reads in an explanation, as ``first_time(above_scale)``.
    """
    f = lambda n: fold(n, consts)  # noqa: E731
    if isinstance(node, Name) and node.name in consts:
        return fold(consts[node.name], {})
    if isinstance(node, Compare):
        left, right = f(node.left), f(node.right)
        if isinstance(left, (Str, Bool)) and isinstance(right, type(left)) \
                and node.op in ("==", "!="):
            return Bool((left.value == right.value) == (node.op == "=="), pos=node.pos)
        return Compare(node.op, left, right, pos=node.pos)
    if isinstance(node, If):
        cond = f(node.cond)
        if isinstance(cond, Bool):
            return f(node.then) if cond.value else f(node.otherwise)
        return If(cond, f(node.then), f(node.otherwise), pos=node.pos)
    if isinstance(node, Logic):
        left, right = f(node.left), f(node.right)
        for a, b in ((left, right), (right, left)):
            if isinstance(a, Bool):
                # true and x = x; false or x = x; false and x = false; true or x = true
                keep = a.value == (node.op == "and")
                return b if keep else a
        return Logic(node.op, left, right, pos=node.pos)
    if isinstance(node, Not):
        inner = f(node.operand)
        return Bool(not inner.value, pos=node.pos) if isinstance(inner, Bool) else \
            Not(inner, pos=node.pos)
    if isinstance(node, Neg):
        return Neg(f(node.operand), pos=node.pos)
    if isinstance(node, Arith):
        return Arith(node.op, f(node.left), f(node.right), pos=node.pos)
    if isinstance(node, Call):
        return Call(node.func, tuple(f(a) for a in node.args), pos=node.pos)
    return node
