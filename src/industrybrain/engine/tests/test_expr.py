from decimal import Decimal

import pytest

from industrybrain.engine.check import BOOL, MONEY, NUM, Scope, check
from industrybrain.engine.errors import ExprError
from industrybrain.engine.expr import Call, Compare, Logic, Name, Num, parse, to_text


def test_units_are_exact_integer_yuan():
    assert parse("100亿元") == Num(Decimal(10_000_000_000), "money")
    assert parse("10万元") == Num(Decimal(100_000), "money")
    assert parse("50%").value == Decimal("0.50")
    assert parse("2.5亿元").value == Decimal(250_000_000)


def test_structure_and_precedence():
    node = parse("is_manufacturing and not is_listed or revenue >= 100亿元")
    assert isinstance(node, Logic) and node.op == "or"
    assert isinstance(node.left, Logic) and node.left.op == "and"
    assert isinstance(node.right, Compare)
    call = parse("first_time_exceeds(revenue, 100亿元)")
    assert call == Call("first_time_exceeds", (Name("revenue"), Num(Decimal(10**10), "money")))
    assert parse(to_text(node)) == node


def test_if_then_else_and_functions_typecheck():
    assert check(parse("if above_scale then 10万元 else 0元"), Scope()) == MONEY
    assert check(parse("clip(rd_spending / revenue, 0, 1)"), Scope()) == NUM
    assert check(parse("newly_designated(little_giant_national)"), Scope()) == BOOL
    assert check(parse('holds("high_tech") and has_history(revenue)'), Scope()) == BOOL
    assert check(parse("increase(local_contribution) > 0元"), Scope()) == BOOL


@pytest.mark.parametrize("text, line, column, message", [
    ("100亿圆", 1, 4, "unknown unit '亿圆'"),
    ("revenue > 100", 1, 9, "add a unit"),
    ("revenu > 1元", 1, 1, "did you mean 'revenue'"),
    ('__import__("os")', 1, 1, "'__' are not allowed"),
    ("revenue.__class__", 1, 8, "unexpected character '.'"),
    ("revenue >\n  ) 1", 2, 3, "unexpected ')'"),
    ("1.5元", 1, 1, "not a whole number of 元"),
    ("first_time_exceeds(is_listed, 1)", 1, 20, "yearly figure"),
    ("holds(little_giant)", 1, 7, "unknown designation code"),
    ("eval(1)", 1, 1, "unknown function 'eval'"),
    ("if revenue then 1 else 2", 1, 4, "needs bool"),
])
def test_errors_name_line_and_column(text, line, column, message):
    with pytest.raises(ExprError) as info:
        check(parse(text), Scope())
    err = info.value
    assert (err.line, err.column) == (line, column), str(err)
    assert message in err.message


def test_cycle_in_lets_is_an_error():
    scope = Scope(lets={"a": parse("b + 1"), "b": parse("a * 2")})
    with pytest.raises(ExprError, match="cycle in let definitions: a -> b -> a"):
        check(parse("a > 0"), scope)
