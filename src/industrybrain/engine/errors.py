"""Errors a policy officer can act on: each names the file, the line, the column and the key."""

from __future__ import annotations


class PackError(Exception):
    """A pack, a policy or an expression is wrong.

    ``file`` is the pack-relative path (``policies/dengfeng.yaml``), ``line`` and ``column``
    are 1-based (0 when unknown), ``key`` is the YAML path of the offending value
    (``tiers[0].when``).
    """

    def __init__(self, message: str, file: str = "", line: int = 0, column: int = 0,
                 key: str = ""):
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file or "<expression>"
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        key = f" [{self.key}]" if self.key else ""
        return f"{where}{key}: {self.message}"

    def located(self, file: str, line: int, column: int, key: str) -> PackError:
        """Return this error placed in a YAML file.

        An expression error knows its line and column inside the expression text; the
        YAML scalar that holds the expression starts at (``line``, ``column``), so the
        two are added up (columns only on the expression's first line).
        """
        if column == 0:  # a block scalar (| or >): its indent, hence the column, is unknown
            return PackError(self.message, file, line + max(self.line - 1, 0), 0, key)
        if self.line <= 1:
            col = column + max(self.column - 1, 0)
            ln = line
        else:
            ln, col = line + self.line - 1, self.column
        return PackError(self.message, file, ln, col, key)


class ExprError(PackError):
    """An expression does not parse or does not type-check."""


class InputError(ValueError):
    """The snapshot handed to the engine breaks the data contract as a whole (a duplicate key,
    a wrong type, a year outside the pack's period, an unknown designation code).

    ``table`` and ``column`` name where, ``key`` the row (enterprise id, or (enterprise id,
    year)), ``value`` what was found there. A bad value of one enterprise is not an
    InputError: that enterprise gets the status ``invalid_data`` and the others are priced.
    """

    def __init__(self, message: str, table: str, column: str, key=None, value=None):
        self.message, self.table, self.column, self.key, self.value = (
            message, table, column, key, value)
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.table}.{self.column}"
        if self.key is not None:
            where += f" [{self.key}]"
        return f"{where} = {self.value!r}: {self.message}"


INT64_MIN, INT64_MAX = -2**63, 2**63 - 1
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def scientific(value: float) -> str:
    """1.2×10²⁰, as a policy officer reads a number too large to write out."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "-∞" if value < 0 else "∞"
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPT)}"


class RangeError(PackError):
    """A rule's arithmetic on one enterprise passed what the engine computes: a whole number
    (BIGINT, money in 元) past ±9.2×10¹⁸, an exact decimal past its digits (10¹⁸ or 10³⁸),
    or an amount that is no number at all (a DOUBLE that overflowed, NaN) where it becomes
    元. DuckDB refuses such a value; every backend refuses it the same way, with this error,
    rather than pay a wrapped or zeroed amount. ``part`` says which formula (金额算式,
    条件), ``limit`` the range passed."""

    def __init__(self, policy_id: str, label: str, enterprise, value: float | None, *,
                 part: str = "金额算式", limit: float = 2.0**63, file: str = "",
                 line: int = 0, key: str = ""):
        self.policy_id, self.label, self.enterprise = policy_id, label, enterprise
        self.value, self.part, self.limit = value, part, limit
        bound = scientific(limit)
        firm = f"在企业 {enterprise} 上" if enterprise is not None else ""
        got = f"得出 {scientific(value)}" if value is not None else "得出的数"
        message = (f"政策「{label}」的{part}{firm}{got}，超出可计算的范围（±{bound}）；"
                   f"请检查算式（两个金额相乘？）(policy {policy_id}"
                   + (f", enterprise {enterprise}" if enterprise is not None else "")
                   + (f": {value:.3g}" if value is not None else ": a value")
                   + f" is outside ±{limit:.2g}; check the formula)")
        super().__init__(message, file, line, 0, key)

    # Across a process boundary (a Spark executor's error reaches the driver as text).
    MARK = "IB-RANGE-ERROR:"

    def carried(self) -> str:
        """This error as one line of text that :meth:`from_text` reads back."""
        import json

        return self.MARK + json.dumps({
            "policy_id": self.policy_id, "label": self.label, "enterprise": self.enterprise,
            "value": self.value, "part": self.part, "limit": self.limit, "file": self.file,
            "line": self.line, "key": self.key}, ensure_ascii=True) + "\n"

    @classmethod
    def from_text(cls, text: str) -> RangeError | None:
        """The RangeError carried in ``text`` (a remote traceback), or None."""
        import json

        at = text.find(cls.MARK)
        if at < 0:
            return None
        fields = json.loads(text[at + len(cls.MARK):].split("\n", 1)[0])
        return cls(fields.pop("policy_id"), fields.pop("label"), fields.pop("enterprise"),
                   fields.pop("value"), **fields)


def formula_places(policy) -> tuple[list, list, list]:
    """Where each of a (folded) policy's formulas is written, as RangeError names them:
    (part, key, line) for its conditions, its tiers' conditions and its tiers' amounts. One
    definition for the wide backend and the interpreter, which must name the same place."""
    at = lambda key: policy.positions.get(key, (0, 0))[0]  # noqa: E731
    conds = [(part, key, at(key)) for part, key, node in (
        ("资格条件", "eligibility", policy.eligibility),
        ("触发条件", "trigger", policy.trigger)) if node is not None]
    whens = [("档位条件", f"tiers[{i}].when", t.line) for i, t in enumerate(policy.tiers)]
    amounts = [("金额算式", f"tiers[{i}].amount", t.line) if t.amount is not None
               else ("金额算式", "amount", at("amount")) for i, t in enumerate(policy.tiers)]
    return conds, whens, amounts
