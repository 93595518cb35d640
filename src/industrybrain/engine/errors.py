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
